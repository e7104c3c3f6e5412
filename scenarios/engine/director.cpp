#include "scenarios/engine/director.hpp"

#include <chrono>
#include <thread>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/core/caf_types.hpp"
#include "actors/core/network_actor.hpp"
#include "actors/core/participant_actor.hpp"
#include "scenarios/engine/world.hpp"

namespace protobed {

namespace {

struct actors {
  caf::actor network;
  std::map<std::string, caf::actor> participants;
};

actors spawn_all(caf::actor_system& sys, world& w, run_result& r, std::shared_ptr<activity> act) {
  auto start = sys.clock().now();
  actors a;
  a.network = sys.spawn(network_actor, network_setup{w.network, r.trace, start, act});
  for (auto& [name, slot] : w.cores) {
    auto actor = sys.spawn(participant_actor,
                           participant_setup{name, slot, w.rngs[name], a.network, start, act});
    caf::anon_send(a.network, pb_attach_atom::value, name, actor);
    a.participants.emplace(name, actor);
  }
  for (auto& [name, actor] : a.participants) {
    act->add();
    caf::anon_send(actor, pb_start_atom::value);
  }
  return a;
}

void schedule_steps(const scenario& s, const actors& a, activity& act) {
  for (const auto& st : s.steps) {
    act.add();
    caf::delayed_anon_send(a.participants.at(st.who), st.at, pb_cmd_atom::value, st.cmd);
  }
  for (const auto& o : s.network.outages) {
    if (!o.crash)
      continue;
    const auto& who = a.participants.at(o.participant);
    act.add();
    caf::delayed_anon_send(who, o.when.from, pb_crash_atom::value);
    if (o.when.until) {
      act.add();
      caf::delayed_anon_send(who, *o.when.until, pb_restart_atom::value, o.keep_state);
    }
  }
}

void stop_all(const actors& a) {
  for (const auto& [name, actor] : a.participants)
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(a.network, caf::exit_reason::user_shutdown);
}

sim_time since(caf::actor_clock::time_point t0, caf::actor_clock::time_point t) {
  return std::chrono::duration_cast<sim_time>(t - t0);
}

/// Plays the run in virtual time until nothing is pending or the limit is hit.
void play_sim(const scenario& s, world& w, run_result& r) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  register_types(cfg);
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  auto act = std::make_shared<activity>();
  auto t0 = sys.clock().now();
  auto a = spawn_all(sys, w, r, act);
  schedule_steps(s, a, *act);
  sched.run();
  while (!act->quiet()) {
    if (!sched.has_pending_timeout()) {
      r.completed = false;
      r.incomplete_reason = "the run is stuck: work is pending but nothing is scheduled";
      break;
    }
    auto next = sched.clock().schedule().begin()->first;
    if (since(t0, next) > s.time_limit) {
      r.completed = false;
      r.incomplete_reason =
        "time_limit " + format_duration(s.time_limit) + " reached with work still pending";
      break;
    }
    sched.trigger_timeout();
    sched.run();
  }
  r.end = since(t0, sched.clock().now());
  stop_all(a);
  sched.run();
}

/// Plays the run on the real clock; polls the exact activity count.
void play_real(const scenario& s, world& w, run_result& r) {
  caf::actor_system_config cfg;
  auto threads = std::max(1u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(threads));
  register_types(cfg);
  caf::actor_system sys{cfg};
  auto act = std::make_shared<activity>();
  auto t0 = sys.clock().now();
  auto a = spawn_all(sys, w, r, act);
  schedule_steps(s, a, *act);
  while (!act->quiet()) {
    if (since(t0, sys.clock().now()) > s.time_limit) {
      r.completed = false;
      r.incomplete_reason =
        "time_limit " + format_duration(s.time_limit) + " reached with work still pending";
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  r.end = since(t0, sys.clock().now());
  stop_all(a);
  sys.await_all_actors_done();
}

} // namespace

run_result run_scenario(const scenario& s, const run_options& opts) {
  auto wall0 = std::chrono::steady_clock::now();
  run_result r;
  r.seed = opts.seed.value_or(s.seed);
  r.real = opts.real.value_or(s.real_mode);
  r.trace = std::make_shared<protobed::trace>();
  world w;
  build_world(s, world_options{r.seed, r.real, false, nullptr}, w);
  for (const auto& [name, slot] : w.cores)
    r.initial[name] = slot->core->observe();
  if (r.real)
    play_real(s, w, r);
  else
    play_sim(s, w, r);
  // Every actor has stopped: the cores are ours alone again.
  for (const auto& [name, slot] : w.cores)
    r.final[name] = slot->core->observe();
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

} // namespace protobed
