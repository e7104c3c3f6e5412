#include "scenarios/engine/director.hpp"

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/shell/caf_types.hpp"
#include "actors/shell/network_actor.hpp"
#include "actors/shell/participant_actor.hpp"
#include "scenarios/engine/distribution.hpp"
#include "scenarios/engine/tls.hpp"
#include "scenarios/engine/world.hpp"

namespace protobed {

namespace {

struct actors {
  caf::actor network;
  std::map<std::string, caf::actor> participants;
};

void spawn_local(caf::actor_system& sys, world& w, actors& a, std::shared_ptr<activity> act,
                 caf::actor_clock::time_point start) {
  for (auto& [name, slot] : w.cores) {
    auto actor =
      sys.spawn(participant_actor, participant_setup{name, slot, w.rngs[name], a.network, start,
                                                     act, w.queue_delay_limit, w.workers[name]});
    a.participants.emplace(name, actor);
  }
}

/// Attaches every participant to the network, then starts them.
void start_all(const actors& a, activity& act) {
  for (const auto& [name, actor] : a.participants)
    caf::anon_send(a.network, pb_attach_atom::value, name, actor);
  for (const auto& [name, actor] : a.participants) {
    act.add();
    caf::anon_send(actor, pb_start_atom::value);
  }
}

actors spawn_all(caf::actor_system& sys, world& w, run_result& r, std::shared_ptr<activity> act) {
  auto start = sys.clock().now();
  actors a;
  a.network = sys.spawn(network_actor, network_setup{w.network, r.trace, start, act});
  spawn_local(sys, w, a, act, start);
  start_all(a, *act);
  return a;
}

/// Tells every other participant when `o`'s participant goes and comes back.
void schedule_peer_status(const outage& o, const actors& a, activity& act) {
  for (const auto& [name, actor] : a.participants) {
    if (name == o.participant)
      continue;
    act.add();
    caf::delayed_anon_send(actor, o.when.from, pb_peer_atom::value, o.participant, false);
    if (o.when.until) {
      act.add();
      caf::delayed_anon_send(actor, *o.when.until, pb_peer_atom::value, o.participant, true);
    }
  }
}

void schedule_steps(const scenario& s, const actors& a, activity& act) {
  for (const auto& st : s.steps) {
    act.add();
    caf::delayed_anon_send(a.participants.at(st.who), st.at, pb_cmd_atom::value, st.cmd);
  }
  for (const auto& o : s.network.outages) {
    schedule_peer_status(o, a, act);
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

/// Why a real-time run stopped early, set by whoever notices (thread-safe).
struct stop_reason {
  std::mutex m;
  std::string why;
  void set(std::string w) {
    std::lock_guard<std::mutex> g(m);
    if (why.empty())
      why = std::move(w);
  }
  std::string get() {
    std::lock_guard<std::mutex> g(m);
    return why;
  }
};

/// Sleeps until the activity count is zero; at once and then every 20 ms (or
/// `tick_every`, if shorter; not more often: each wakeup preempts a worker) it
/// reports progress and checks the time limit and the stop reason.
void wait_quiet(caf::actor_system& sys, caf::actor_clock::time_point t0, activity& act,
                const scenario& s, run_result& r, stop_reason* stop, const run_options& o) {
  auto next_tick = sys.clock().now();
  while (!act.quiet()) {
    if (o.on_tick && sys.clock().now() >= next_tick) {
      o.on_tick(since(t0, sys.clock().now()), *r.trace);
      next_tick = sys.clock().now() + o.tick_every;
    }
    if (stop && !stop->get().empty()) {
      r.completed = false;
      r.incomplete_reason = stop->get();
      break;
    }
    if (since(t0, sys.clock().now()) > s.time_limit) {
      r.completed = false;
      r.incomplete_reason =
        "time_limit " + format_duration(s.time_limit) + " reached with work still pending";
      break;
    }
    act.wait_quiet_for(std::min<sim_time>(o.tick_every, std::chrono::milliseconds(20)));
  }
  r.end = since(t0, sys.clock().now());
}

void configure_real(caf::actor_system_config& cfg, const run_options& o) {
  auto threads = std::max(1u, std::thread::hardware_concurrency());
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(threads));
  // "sharing": one queue whose idle workers block until woken; "stealing":
  // CAF's default work stealing, whose idle workers poll. Compared in
  // benchmarks/RESULTS.md.
  if (o.scheduler == "stealing")
    cfg.set("scheduler.policy", caf::atom("stealing"));
  else
    cfg.set("scheduler.policy", caf::atom("sharing"));
  register_types(cfg);
}

/// Plays the run on the real clock; waits for the exact activity count to reach zero.
void play_real(const scenario& s, world& w, run_result& r, const run_options& o) {
  caf::actor_system_config cfg;
  configure_real(cfg, o);
  caf::actor_system sys{cfg};
  auto act = std::make_shared<activity>();
  auto t0 = sys.clock().now();
  auto a = spawn_all(sys, w, r, act);
  schedule_steps(s, a, *act);
  wait_quiet(sys, t0, *act, s, r, nullptr, o);
  stop_all(a);
  sys.await_all_actors_done();
}

struct watch_state {
  std::map<caf::actor_addr, std::string> labels;
  std::shared_ptr<stop_reason> stop;
  static inline const char* name = "protobed.watchdog";
};

/// Monitors the nodes and their participants; a loss ends the run.
caf::behavior watchdog(caf::stateful_actor<watch_state>* self, std::shared_ptr<stop_reason> stop) {
  self->state.stop = std::move(stop);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto i = self->state.labels.find(msg.source);
    if (i != self->state.labels.end())
      self->state.stop->set(i->second + " was lost mid-run");
  });
  return {[=](pb_attach_atom, const std::string& label, const caf::actor& who) {
    self->state.labels[who.address()] = label;
    self->monitor(who);
  }};
}

std::string node_label(const std::string& name, const std::pair<std::string, std::uint16_t>& a) {
  return "node " + name + " (" + a.first + ":" + std::to_string(a.second) + ")";
}

/// Asks one node to spawn its participants; fills `a` or returns why not.
std::string spawn_remote(caf::actor_system& sys, caf::actor node, const std::string& label,
                         const scenario& s, const run_result& r,
                         const std::vector<std::string>& names, const std::string& keys, actors& a,
                         caf::actor_clock::time_point t0) {
  caf::scoped_actor self{sys};
  std::string failure;
  auto elapsed = since(t0, sys.clock().now()).count();
  self
    // A node builds its participants' cores before it answers, key pools
    // included (~35 ms a key: 1,600 pooled purchases take about a minute). A
    // node that dies meanwhile fails the request at once, so the limit only
    // guards against one that hangs.
    ->request(node, std::chrono::minutes(10), pb_spawn_atom::value, s.text, s.file, s.overrides,
              r.seed, names, keys, a.network, elapsed)
    .receive(
      [&](const std::vector<caf::actor>& spawned, const std::string& error) {
        failure = error;
        for (std::size_t i = 0; error.empty() && i < spawned.size(); ++i)
          a.participants.emplace(names[i], spawned[i]);
      },
      [&](const caf::error& e) { failure = label + " did not answer: " + sys.render(e); });
  return failure;
}

/// A remote participant's observation; the error, rendered, if it did not answer.
std::optional<observation> observe_remote(caf::actor_system& sys, const caf::actor& who,
                                          std::string& error) {
  caf::scoped_actor self{sys};
  std::optional<observation> out;
  self->request(who, std::chrono::seconds(10), pb_observe_atom::value)
    .receive([&](const observation& o) { out = o; },
             [&](const caf::error& e) { error = sys.render(e); });
  return out;
}

/// Observes every remote participant into `into`; false (and the run
/// incomplete, naming who) if one did not answer.
bool observe_all_remote(caf::actor_system& sys, const world& w, const actors& a,
                        std::map<std::string, observation>& into, run_result& r) {
  for (const auto& [name, who] : a.participants) {
    if (w.cores.count(name) != 0)
      continue;
    std::string error;
    auto o = observe_remote(sys, who, error);
    if (!o) {
      r.completed = false;
      r.incomplete_reason = "cannot observe " + name + " on its node: " + error;
      return false;
    }
    into[name] = *o;
  }
  return true;
}

/// Connects to every node the placement uses and spawns their participants.
/// The keys a node gets: the public directory and its participants' private
/// keys. A node that runs an attacker gets every private key (the attacker's
/// `compromise` action takes keys from the vault).
std::string keys_for_node(const scenario& s, const world& w,
                          const std::vector<std::string>& names) {
  std::set<std::string> owners(names.begin(), names.end());
  for (const auto& p : s.participants)
    if (owners.count(p.name) != 0 && p.role->name == "attacker")
      for (const auto& q : s.participants)
        owners.insert(q.name);
  return encode_key_material(keys_for(w, owners));
}

std::string place_remote(caf::actor_system& sys, const scenario& s, const world& w,
                         const run_options& o, const run_result& r, actors& a, caf::actor watch,
                         caf::actor_clock::time_point t0) {
  std::map<std::string, std::vector<std::string>> by_node;
  for (const auto& [who, node] : s.placement)
    by_node[node].push_back(who);
  for (const auto& [node, names] : by_node) {
    const auto& addr = o.nodes.at(node);
    auto label = node_label(node, addr);
    auto handle = o.certs.empty() ? sys.middleman().remote_actor(addr.first, addr.second)
                                  : caf::openssl::remote_actor(sys, addr.first, addr.second);
    if (!handle) {
      auto why = sys.render(handle.error());
      if (why.find("handshake") != std::string::npos)
        why += o.certs.empty() ? " (a node serving TLS needs --certs DIR here too)"
                               : " (refused: is this node's certificate from the same CA as "
                                 "ours, and is it serving TLS?)";
      return "cannot reach " + label + ": " + why;
    }
    caf::anon_send(watch, pb_attach_atom::value, label, *handle);
    if (auto why =
          spawn_remote(sys, *handle, label, s, r, names, keys_for_node(s, w, names), a, t0);
        !why.empty())
      return why;
    for (const auto& n : names)
      caf::anon_send(watch, pb_attach_atom::value, label, a.participants.at(n));
  }
  return {};
}

/// Plays the run with the placed participants on their nodes.
void play_distributed(const scenario& s, world& w, run_result& r, const run_options& o) {
  caf::actor_system_config cfg;
  auto shared = o;
  shared.scheduler = "sharing"; // the driver shares the cores with node processes
  configure_real(cfg, shared);
  cfg.load<caf::io::middleman>();
  if (!o.certs.empty())
    configure_tls(cfg, tls_files_in(o.certs, "driver"));
  caf::actor_system sys{cfg};
  auto act = std::make_shared<activity>();
  auto stop = std::make_shared<stop_reason>();
  auto t0 = sys.clock().now();
  actors a;
  a.network = sys.spawn(network_actor, network_setup{w.network, r.trace, t0, act});
  auto watch = sys.spawn(watchdog, stop);
  if (auto why = place_remote(sys, s, w, o, r, a, watch, t0); !why.empty()) {
    r.completed = false;
    r.incomplete_reason = why;
  } else if (observe_all_remote(sys, w, a, r.initial, r)) {
    spawn_local(sys, w, a, act, t0);
    start_all(a, *act);
    schedule_steps(s, a, *act);
    wait_quiet(sys, t0, *act, s, r, stop.get(), o);
    if (r.completed)
      observe_all_remote(sys, w, a, r.final, r);
  }
  stop_all(a);
  caf::anon_send_exit(watch, caf::exit_reason::user_shutdown);
  sys.await_all_actors_done();
}

} // namespace

run_result run_scenario(const scenario& s, const run_options& opts) {
  auto wall0 = std::chrono::steady_clock::now();
  run_result r;
  r.seed = opts.seed.value_or(s.seed);
  r.real = opts.real.value_or(s.real_mode);
  r.trace = std::make_shared<protobed::trace>();
  if (opts.on_record)
    r.trace->set_listener(opts.on_record);
  bool distributed = !opts.nodes.empty() && !s.placement.empty();
  r.real = r.real || distributed;
  std::set<std::string> local;
  for (const auto& p : s.participants)
    if (!distributed || s.placement.count(p.name) == 0)
      local.insert(p.name);
  world w;
  // Distributed, the driver makes every key and hands each node its share:
  // nothing derives them from the seed any more.
  build_world(s, world_options{r.seed, r.real, false, &local}, w);
  for (const auto& [name, slot] : w.cores)
    r.initial[name] = slot->core->observe();
  if (distributed)
    play_distributed(s, w, r, opts);
  else if (r.real)
    play_real(s, w, r, opts);
  else
    play_sim(s, w, r);
  // Every actor has stopped: the cores are ours alone again.
  for (const auto& [name, slot] : w.cores)
    r.final[name] = slot->core->observe();
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

} // namespace protobed
