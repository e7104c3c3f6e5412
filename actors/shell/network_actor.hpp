// The network actor: the one place packets pass through. It routes by
// participant name, applies latency and faults (decided by network_core),
// and records every packet's fate and every participant event in the trace.
#pragma once

#include <map>
#include <memory>

#include <caf/all.hpp>

#include "actors/runtime/network.hpp"
#include "actors/runtime/trace.hpp"
#include "actors/shell/activity.hpp"

namespace protobed {

struct network_setup {
  std::shared_ptr<network_core> core;
  std::shared_ptr<protobed::trace> trace;
  caf::actor_clock::time_point start;
  std::shared_ptr<protobed::activity> activity;
};

struct network_state {
  network_setup setup;
  std::map<std::string, caf::actor> participants;

  static inline const char* name = "protobed.network";
};

caf::behavior network_actor(caf::stateful_actor<network_state>* self, network_setup setup);

} // namespace protobed
