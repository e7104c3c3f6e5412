#include "actors/shell/network_actor.hpp"

#include "actors/shell/caf_types.hpp"
#include "actors/shell/clock.hpp"

namespace protobed {

namespace {

using self_ptr = caf::stateful_actor<network_state>*;

void deliver(self_ptr self, delivery d, sim_time now) {
  auto& st = self->state;
  auto i = st.participants.find(d.target);
  // Due now: a plain send. A zero delay through the actor clock costs a
  // timer-thread round trip (~200 us on the real clock) for nothing.
  if (d.at <= now)
    self->send(i->second, pb_deliver_atom::value, std::move(d.p), d.at.count());
  else
    self->delayed_send(i->second, d.at - now, pb_deliver_atom::value, std::move(d.p), d.at.count());
}

void route(self_ptr self, packet p) {
  auto& st = self->state;
  auto now = now_of(self, self->state.setup.start);
  if (st.participants.count(p.to) == 0 && !st.setup.core->tapped(p)) {
    p.id = st.setup.core->take_id();
    st.setup.trace->packet_undeliverable(now, p);
    st.setup.activity->done();
    return;
  }
  auto r = st.setup.core->route(std::move(p), now);
  st.setup.trace->packet_routed(now, r);
  // One unit of activity per copy in flight and per held packet; a released
  // held packet turns its hold into a delivery.
  std::int64_t released = 0;
  for (const auto& d : r.deliveries)
    released += d.p.id != r.p.id ? 1 : 0;
  std::int64_t in_flight =
    static_cast<std::int64_t>(r.deliveries.size()) - released + (r.hold_until ? 1 : 0);
  st.setup.activity->add(in_flight);
  st.setup.activity->done(); // the send itself
  for (auto& d : r.deliveries)
    deliver(self, std::move(d), now);
  if (r.hold_until)
    self->delayed_send(self, *r.hold_until - now, pb_flush_atom::value, r.p.id);
}

} // namespace

caf::behavior network_actor(self_ptr self, network_setup setup) {
  self->state.setup = std::move(setup);
  return {
    [=](pb_attach_atom, const std::string& name, const caf::actor& who) {
      self->state.participants[name] = who;
    },
    [=](pb_send_atom, packet& p) { route(self, std::move(p)); },
    [=](pb_step_atom, const std::string& who, std::vector<event>& events,
        std::vector<packet>& packets) {
      auto now = now_of(self, self->state.setup.start);
      for (auto& e : events) {
        self->state.setup.trace->event_recorded(now, who, std::move(e));
        self->state.setup.activity->done();
      }
      for (auto& p : packets)
        route(self, std::move(p));
    },
    [=](pb_event_atom, const std::string& who, event& e) {
      self->state.setup.trace->event_recorded(now_of(self, self->state.setup.start), who,
                                              std::move(e));
      self->state.setup.activity->done();
    },
    [=](pb_activity_atom, std::int64_t delta) { self->state.setup.activity->add(delta); },
    [=](pb_flush_atom, std::uint64_t id) {
      auto now = now_of(self, self->state.setup.start);
      if (auto d = self->state.setup.core->flush(id, now)) {
        self->state.setup.trace->packet_flushed(now, *d);
        deliver(self, std::move(*d), now); // the hold's unit becomes the delivery's
      }
    },
  };
}

} // namespace protobed
