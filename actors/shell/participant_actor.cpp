#include "actors/shell/participant_actor.hpp"

#include "actors/shell/caf_types.hpp"
#include "actors/shell/clock.hpp"

namespace protobed {

namespace {

using self_ptr = caf::stateful_actor<participant_state>*;

/// Counts work in flight. In the driver's process the shared counter is
/// updated at once; a participant on a node collects a delta that flush()
/// sends to the network actor (which owns the counter) before any packet of
/// the same step, so the counter can never read zero while work is pending.
void count(self_ptr self, std::int64_t delta) {
  auto& st = self->state;
  if (st.setup.activity)
    st.setup.activity->add(delta);
  else
    st.pending_delta += delta;
}

void flush(self_ptr self) {
  auto& st = self->state;
  if (st.pending_delta != 0) {
    self->send(st.setup.network, pb_activity_atom::value, st.pending_delta);
    st.pending_delta = 0;
  }
}

void emit(self_ptr self, event e) {
  count(self, 1);
  self->send(self->state.setup.network, pb_event_atom::value, self->state.setup.name, std::move(e));
}

/// Asks the actor clock for the wakeup the timers need, if any.
void ask_wakeup(self_ptr self) {
  if (auto at = self->state.timers.wakeup_needed()) {
    auto now = now_of(self, self->state.setup.start);
    self->delayed_send(self, std::max(*at - now, sim_time{0}), pb_timer_atom::value, at->count());
  }
}

void arm_timer(self_ptr self, const timer_request& t) {
  auto deadline = now_of(self, self->state.setup.start) + t.after;
  if (self->state.timers.arm(t.id, deadline))
    count(self, 1); // a replaced timer was already counted
}

void cancel_timer(self_ptr self, const timer_id& id) {
  if (self->state.timers.cancel(id))
    count(self, -1);
}

/// Runs offloaded work: on the next worker actor, or (without workers) here
/// and now, its result queued to this actor like any message. Counted as
/// activity until its result is handled.
void dispatch_work(self_ptr self, work_request& w) {
  auto& st = self->state;
  count(self, 1);
  auto generation = st.next_work++;
  st.live_work.insert(generation);
  std::shared_ptr<crypto::rng> rng = work_rng(*st.setup.rng);
  if (st.workers.empty()) {
    auto result = std::make_shared<std::any>(w.work(*rng));
    self->send(self, pb_work_atom::value, work_done{w.id, generation, std::move(result)});
    return;
  }
  const auto& worker = st.workers[st.next_worker++ % st.workers.size()];
  self->send(worker, pb_work_atom::value,
             work_job{w.id, generation, std::make_shared<work_fn>(std::move(w.work)),
                      std::move(rng), caf::actor_cast<caf::actor>(self)});
}

/// A worker: runs each job it is given and sends the result back.
caf::behavior work_actor(caf::event_based_actor*) {
  return {[](pb_work_atom, const work_job& j) {
    auto result = std::make_shared<std::any>((*j.fn)(*j.rng));
    caf::anon_send(j.reply_to, pb_work_atom::value,
                   work_done{j.id, j.generation, std::move(result)});
  }};
}

/// Runs one call into the core and carries out what it asked for; the
/// message that triggered it (if `consumes`) is then done.
template <class F>
void step(self_ptr self, F&& call, bool consumes = true) {
  auto& s = self->state.setup;
  context ctx(s.name, now_of(self, self->state.setup.start), *s.rng);
  call(*s.slot->core, ctx);
  auto& fx = ctx.out();
  count(self, static_cast<std::int64_t>(fx.events.size() + fx.sends.size()));
  for (const auto& id : fx.cancels)
    cancel_timer(self, id);
  for (const auto& t : fx.timers)
    arm_timer(self, t);
  if (!fx.timers.empty())
    ask_wakeup(self);
  for (auto& w : fx.work)
    dispatch_work(self, w);
  if (!s.activity && consumes)
    count(self, -1);
  flush(self); // remote: the delta goes out before the packets it accounts for
  std::vector<packet> packets;
  packets.reserve(fx.sends.size());
  for (auto& o : fx.sends) {
    bool spoofed = !o.from.empty();
    packets.push_back(packet{0, spoofed ? std::move(o.from) : s.name, std::move(o.to),
                             std::move(o.kind), std::move(o.bytes),
                             spoofed ? s.name : std::string{}});
  }
  if (fx.events.size() + packets.size() > 1)
    self->send(s.network, pb_step_atom::value, s.name, std::move(fx.events), std::move(packets));
  else if (!fx.events.empty())
    self->send(s.network, pb_event_atom::value, s.name, std::move(fx.events.front()));
  else if (!packets.empty())
    self->send(s.network, pb_send_atom::value, std::move(packets.front()));
  if (s.activity && consumes)
    count(self, -1); // local: after the adds, so the counter never dips to zero early
}

/// A packet that waited in the input queue longer than the limit is shed
/// unread: when messages arrive faster than they are handled, the queue stays
/// at most (arrival rate x limit) long and the overload becomes named losses
/// the senders' timeouts handle — never unbounded memory.
bool shed_when_stale(self_ptr self, const packet& p, sim_time due) {
  auto waited = now_of(self, self->state.setup.start) - due;
  if (waited <= self->state.setup.queue_delay_limit)
    return false;
  emit(self, event{"PacketShed",
                   {{"kind", p.kind}, {"from", p.from}, {"waited", format_duration(waited)}}});
  count(self, -1);
  flush(self);
  return true;
}

/// Work that reaches a crashed participant is lost with it.
bool lost_while_down(self_ptr self, const char* what) {
  if (!self->state.crashed)
    return false;
  emit(self, event{"LostWhileDown", {{"what", what}}});
  count(self, -1);
  flush(self);
  return true;
}

/// Crash windows may overlap (a scenario's and one explore drew): the
/// participant is down over their union — a crash while down only deepens
/// it, and it comes back at the last restart, with its state lost if any of
/// the overlapping restarts said so.
void crash(self_ptr self) {
  auto& st = self->state;
  if (st.crash_depth++ > 0) {
    count(self, -1);
    flush(self);
    return;
  }
  st.lose_state = false;
  st.timers_at_crash = st.timers.take_all(); // a crashed process's timers stop
  count(self, -static_cast<std::int64_t>(st.timers_at_crash.size()));
  st.live_work.clear(); // and forgets the work it handed out (results come back stale)
  st.crashed = true;
  emit(self, event{"Crashed", {}});
  count(self, -1);
  flush(self);
}

void restart(self_ptr self, bool keep_state) {
  auto& st = self->state;
  st.lose_state = st.lose_state || !keep_state;
  if (st.crash_depth == 0 || --st.crash_depth > 0) { // still down (or never was)
    count(self, -1);
    flush(self);
    return;
  }
  keep_state = !st.lose_state;
  st.crashed = false;
  if (!keep_state && st.setup.slot->rebuild)
    st.setup.slot->core = st.setup.slot->rebuild();
  // Kept state includes what it was waiting for: its deadlines come back.
  auto now = now_of(self, st.setup.start);
  for (const auto& [id, deadline] :
       keep_state ? st.timers_at_crash : decltype(st.timers_at_crash){})
    if (st.timers.arm(id, std::max(deadline, now)))
      count(self, 1);
  st.timers_at_crash.clear();
  ask_wakeup(self);
  emit(self, event{"Restarted", {{"state", keep_state ? "kept" : "lost"}}});
  step(self, [](participant_core& c, context& ctx) { c.on_start(ctx); });
}

} // namespace

caf::behavior participant_actor(self_ptr self, participant_setup setup) {
  self->state.setup = std::move(setup);
  for (unsigned i = 0; i < self->state.setup.workers; ++i)
    self->state.workers.push_back(self->spawn<caf::linked>(work_actor));
  return {
    [=](pb_start_atom) { step(self, [](participant_core& c, context& ctx) { c.on_start(ctx); }); },
    [=](pb_crash_atom) { crash(self); },
    [=](pb_observe_atom) -> observation { return self->state.setup.slot->core->observe(); },
    [=](pb_restart_atom, bool keep_state) { restart(self, keep_state); },
    [=](pb_deliver_atom, const packet& p, std::int64_t due_ns) {
      if (!lost_while_down(self, "packet") && !shed_when_stale(self, p, sim_time{due_ns}))
        step(self, [&](participant_core& c, context& ctx) { c.on_packet(p, ctx); });
    },
    [=](pb_cmd_atom, const command& cmd) {
      if (!lost_while_down(self, "command"))
        step(self, [&](participant_core& c, context& ctx) { c.on_command(cmd, ctx); });
    },
    [=](pb_timer_atom, std::int64_t at_ns) {
      auto& timers = self->state.timers;
      timers.woke(sim_time{at_ns});
      auto mark = timers.mark();
      while (auto id = timers.take_due(now_of(self, self->state.setup.start), mark))
        step(self, [&](participant_core& c, context& ctx) { c.on_timer(*id, ctx); });
      ask_wakeup(self);
    },
    [=](pb_work_atom, work_done& d) {
      if (self->state.live_work.erase(d.generation) == 0 || !d.result) { // lost in a crash
        count(self, -1);
        flush(self);
        return;
      }
      step(self, [&](participant_core& c, context& ctx) {
        c.on_work_done(d.id, std::move(*d.result), ctx);
      });
    },
    [=](pb_peer_atom, const std::string& peer, bool reachable) {
      if (self->state.crashed) { // a process that is down learns nothing; no packet was lost
        count(self, -1);
        flush(self);
        return;
      }
      step(self,
           [&](participant_core& c, context& ctx) { c.on_peer_status(peer, reachable, ctx); });
    },
  };
}

} // namespace protobed
