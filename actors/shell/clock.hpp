// The one way an actor shell reads the run's time: its actor clock (virtual
// under the testing scheduler, real otherwise) since the run's time zero.
#pragma once

#include <caf/all.hpp>

#include "actors/runtime/time.hpp"

namespace protobed {

template <class Self>
sim_time now_of(Self* self, caf::actor_clock::time_point start) {
  return std::chrono::duration_cast<sim_time>(self->clock().now() - start);
}

} // namespace protobed
