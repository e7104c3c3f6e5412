// The one thin actor shell around every participant core: feeds it packets,
// timers and commands, and carries out the effects it returns.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <vector>

#include <caf/all.hpp>

#include "actors/runtime/participant.hpp"
#include "actors/runtime/timer_queue.hpp"
#include "actors/shell/activity.hpp"

namespace protobed {

/// The core a participant runs, shared with the director (which reads it
/// after the run); a restart that loses state puts a freshly built core here.
struct core_slot {
  std::shared_ptr<participant_core> core;
  std::function<std::shared_ptr<participant_core>()> rebuild;
};

struct participant_setup {
  std::string name;
  std::shared_ptr<core_slot> slot;
  std::shared_ptr<crypto::rng> rng;
  caf::actor network;
  caf::actor_clock::time_point start; ///< time zero of the run
  /// The run's activity counter, in the driver's process; null on a node,
  /// where deltas go to the network actor instead.
  std::shared_ptr<protobed::activity> activity;
  /// A packet that waited longer than this in the input queue is shed.
  sim_time queue_delay_limit = std::chrono::seconds(10);
  /// Worker actors for the core's offloaded work (0: run it in this actor).
  unsigned workers = 0;
};

struct participant_state {
  participant_setup setup;
  timer_queue timers;
  bool crashed = false;
  unsigned crash_depth = 0; ///< overlapping crash windows not yet restarted
  bool lose_state = false;  ///< one of them restarts with its state lost
  /// The deadlines armed when it crashed: a restart with its state kept
  /// re-arms them (those that passed while it was down fire at once).
  std::vector<std::pair<timer_id, sim_time>> timers_at_crash;
  std::vector<caf::actor> workers;
  std::size_t next_worker = 0;
  std::set<std::uint64_t> live_work; ///< generations of work in flight (a crash forgets them)
  std::uint64_t next_work = 1;
  std::int64_t pending_delta = 0; ///< on a node: activity not yet reported

  static inline const char* name = "protobed.participant";
};

caf::behavior participant_actor(caf::stateful_actor<participant_state>* self,
                                participant_setup setup);

} // namespace protobed
