#include "actors/core/participant_actor.hpp"

#include "actors/core/caf_types.hpp"

namespace protobed {

namespace {

using self_ptr = caf::stateful_actor<participant_state>*;

sim_time now_of(self_ptr self) {
  return std::chrono::duration_cast<sim_time>(self->clock().now() - self->state.setup.start);
}

/// Work that reaches a crashed participant is lost with it.
bool lost_while_down(self_ptr self, const char* what) {
  if (!self->state.crashed)
    return false;
  auto& s = self->state.setup;
  s.activity->add();
  self->send(s.network, pb_event_atom::value, s.name, event{"LostWhileDown", {{"what", what}}});
  return true;
}

void crash(self_ptr self) {
  auto& st = self->state;
  st.setup.activity->done(static_cast<std::int64_t>(st.live_timers.size()));
  st.live_timers.clear(); // a crashed process loses its timers
  st.crashed = true;
  st.setup.activity->add();
  self->send(st.setup.network, pb_event_atom::value, st.setup.name, event{"Crashed", {}});
}

void restart(self_ptr self, bool keep_state) {
  auto& st = self->state;
  st.crashed = false;
  if (!keep_state && st.setup.slot->rebuild)
    st.setup.slot->core = st.setup.slot->rebuild();
  st.setup.activity->add();
  self->send(st.setup.network, pb_event_atom::value, st.setup.name,
             event{"Restarted", {{"state", keep_state ? "kept" : "lost"}}});
}

void arm_timer(self_ptr self, const timer_request& t) {
  auto& st = self->state;
  auto [it, fresh] = st.live_timers.insert_or_assign(t.name, st.next_generation++);
  if (fresh)
    st.setup.activity->add(); // a replaced timer was already counted
  self->delayed_send(self, t.after, pb_timer_atom::value, t.name, it->second);
}

void cancel_timer(self_ptr self, const std::string& name) {
  auto& st = self->state;
  if (st.live_timers.erase(name) != 0)
    st.setup.activity->done();
}

/// Runs one call into the core and carries out what it asked for.
template <class F>
void step(self_ptr self, F&& call) {
  auto& s = self->state.setup;
  context ctx(s.name, now_of(self), *s.rng);
  call(*s.slot->core, ctx);
  auto& fx = ctx.out();
  for (auto& e : fx.events) {
    s.activity->add();
    self->send(s.network, pb_event_atom::value, s.name, std::move(e));
  }
  for (auto& o : fx.sends) {
    s.activity->add();
    bool spoofed = !o.from.empty();
    packet p{0,
             spoofed ? std::move(o.from) : s.name,
             std::move(o.to),
             std::move(o.kind),
             std::move(o.bytes),
             spoofed ? s.name : std::string{}};
    self->send(s.network, pb_send_atom::value, std::move(p));
  }
  for (const auto& name : fx.cancels)
    cancel_timer(self, name);
  for (const auto& t : fx.timers)
    arm_timer(self, t);
}

} // namespace

caf::behavior participant_actor(self_ptr self, participant_setup setup) {
  self->state.setup = std::move(setup);
  return {
    [=](pb_start_atom) {
      step(self, [](participant_core& c, context& ctx) { c.on_start(ctx); });
      self->state.setup.activity->done();
    },
    [=](pb_crash_atom) {
      crash(self);
      self->state.setup.activity->done();
    },
    [=](pb_restart_atom, bool keep_state) {
      restart(self, keep_state);
      step(self, [](participant_core& c, context& ctx) { c.on_start(ctx); });
      self->state.setup.activity->done();
    },
    [=](pb_deliver_atom, const packet& p) {
      if (lost_while_down(self, "packet"))
        return self->state.setup.activity->done();
      step(self, [&](participant_core& c, context& ctx) { c.on_packet(p, ctx); });
      self->state.setup.activity->done();
    },
    [=](pb_cmd_atom, const command& cmd) {
      if (lost_while_down(self, "command"))
        return self->state.setup.activity->done();
      step(self, [&](participant_core& c, context& ctx) { c.on_command(cmd, ctx); });
      self->state.setup.activity->done();
    },
    [=](pb_timer_atom, const std::string& name, std::uint64_t generation) {
      auto& live = self->state.live_timers;
      auto i = live.find(name);
      if (i == live.end() || i->second != generation)
        return; // cancelled or re-armed since: stale
      live.erase(i);
      step(self, [&](participant_core& c, context& ctx) { c.on_timer(name, ctx); });
      self->state.setup.activity->done();
    },
  };
}

} // namespace protobed
