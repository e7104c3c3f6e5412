// Everything protobed sends between actors, registered with CAF in one place.
// CAF 0.17 silently empties messages of unregistered types, so every process
// (driver, nodes) calls register_types() on its config before starting.
#pragma once

#include <caf/all.hpp>

#include "actors/runtime/event.hpp"
#include "actors/runtime/observation.hpp"
#include "actors/runtime/packet.hpp"
#include "actors/runtime/participant.hpp"

namespace protobed {

// Atoms are at most 10 characters; the pb_ prefix keeps clear of CAF's own.
using pb_start_atom = caf::atom_constant<caf::atom("pb_start")>;
using pb_deliver_atom = caf::atom_constant<caf::atom("pb_deliver")>;
using pb_timer_atom = caf::atom_constant<caf::atom("pb_timer")>;
using pb_cmd_atom = caf::atom_constant<caf::atom("pb_cmd")>;
using pb_send_atom = caf::atom_constant<caf::atom("pb_send")>;
using pb_event_atom = caf::atom_constant<caf::atom("pb_event")>;
using pb_attach_atom = caf::atom_constant<caf::atom("pb_attach")>;
using pb_flush_atom = caf::atom_constant<caf::atom("pb_flush")>;
using pb_crash_atom = caf::atom_constant<caf::atom("pb_crash")>;
using pb_restart_atom = caf::atom_constant<caf::atom("pb_restart")>;
using pb_activity_atom = caf::atom_constant<caf::atom("pb_active")>;
using pb_spawn_atom = caf::atom_constant<caf::atom("pb_spawn")>;
using pb_stop_atom = caf::atom_constant<caf::atom("pb_stop")>;
using pb_observe_atom = caf::atom_constant<caf::atom("pb_observe")>;
using pb_status_atom = caf::atom_constant<caf::atom("pb_status")>;
using pb_peer_atom = caf::atom_constant<caf::atom("pb_peer")>;
using pb_work_atom = caf::atom_constant<caf::atom("pb_work")>;
/// Everything one step of a participant put on the network (its events, then
/// its packets), in one message: fewer messages, the same order.
using pb_step_atom = caf::atom_constant<caf::atom("pb_step")>;

/// Offloaded work on its way to a worker actor, and its result on the way
/// back. Work never leaves its process: only the id and generation are
/// serialised, the function, generator and result travel as pointers.
struct work_job {
  timer_id id;
  std::uint64_t generation = 0;
  std::shared_ptr<work_fn> fn;
  std::shared_ptr<crypto::rng> rng;
  caf::actor reply_to;
};

struct work_done {
  timer_id id;
  std::uint64_t generation = 0;
  std::shared_ptr<std::any> result;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, packet& x) {
  return f(caf::meta::type_name("protobed.packet"), x.id, x.from, x.to, x.kind, x.bytes, x.via);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event& x) {
  return f(caf::meta::type_name("protobed.event"), x.name, x.details);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, command& x) {
  return f(caf::meta::type_name("protobed.command"), x.verb, x.args);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, timer_id& x) {
  return f(caf::meta::type_name("protobed.timer_id"), x.purpose, x.index);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, observation& x) {
  return f(caf::meta::type_name("protobed.observation"), x.numbers, x.texts);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work_job& x) {
  return f(caf::meta::type_name("protobed.work_job"), x.id, x.generation);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, work_done& x) {
  return f(caf::meta::type_name("protobed.work_done"), x.id, x.generation);
}

/// Registers every message type above with `cfg`.
void register_types(caf::actor_system_config& cfg);

} // namespace protobed
