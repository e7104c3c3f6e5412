// A participant shell's timers behind as few actor-clock wakeups as possible.
// Asking CAF's actor clock for a delayed message takes a mutex, a condition
// variable and a wakeup of the clock thread; a protocol arms a timeout per
// request and nearly always cancels it, so the shell keeps the timers itself
// and asks the clock only for a wakeup earlier than every one already asked
// for. Sans-CAF, so it is unit-tested on its own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <vector>

#include "actors/runtime/participant.hpp"

namespace protobed {

class timer_queue {
public:
  /// Arms `id` for `deadline`, replacing an earlier arming of the same id.
  /// Returns true if the id was not armed before.
  bool arm(const timer_id& id, sim_time deadline);
  /// Disarms `id`; returns true if it was armed.
  bool cancel(const timer_id& id);
  /// Forgets every timer (a crash); returns how many were armed.
  std::size_t clear();
  /// Disarms every timer and returns them, earliest deadline first (a crash
  /// that may restart with its state, deadlines included).
  std::vector<std::pair<timer_id, sim_time>> take_all();

  /// Takes the next timer due at `now` (earliest deadline first, then the
  /// order they were armed), or nothing. A taken timer is no longer armed.
  /// Only timers armed before `mark()` was read are taken: one armed while
  /// the due ones fire waits for its own wakeup, behind queued messages.
  std::optional<timer_id> take_due(sim_time now, std::uint64_t mark);
  std::uint64_t mark() const {
    return next_generation_;
  }

  /// A wakeup asked for at `at` arrived.
  void woke(sim_time at);
  /// The time of a wakeup the shell must ask for now, if the earliest armed
  /// timer is due before every wakeup already asked for (and not arrived).
  std::optional<sim_time> wakeup_needed();

  std::size_t armed() const {
    return live_.size();
  }
  /// Entries held, armed or not yet cleaned away (for tests of its bound).
  std::size_t held() const {
    return heap_.size();
  }

private:
  struct entry {
    sim_time deadline;
    std::uint64_t generation; ///< also the arming order
    timer_id id;
    bool operator>(const entry& o) const {
      return deadline != o.deadline ? deadline > o.deadline : generation > o.generation;
    }
  };
  bool is_live(const entry& e) const;
  void drop_stale_top();
  void compact();

  std::priority_queue<entry, std::vector<entry>, std::greater<entry>> heap_;
  std::map<timer_id, std::uint64_t> live_; ///< id -> generation of its arming
  std::multiset<sim_time> wakeups_;        ///< asked for, not yet arrived
  std::uint64_t next_generation_ = 1;
};

} // namespace protobed
