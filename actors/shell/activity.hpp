// Counts work still in flight in one process: packets on the wire, armed
// timers, steps not yet played, events not yet recorded. The run is quiet
// when it reaches zero — exact in both clocks, no guessing from idle time.
#pragma once

#include <atomic>
#include <cstdint>

namespace protobed {

struct activity {
  std::atomic<std::int64_t> pending{0};

  void add(std::int64_t n = 1) {
    pending.fetch_add(n, std::memory_order_acq_rel);
  }
  void done(std::int64_t n = 1) {
    pending.fetch_sub(n, std::memory_order_acq_rel);
  }
  bool quiet() const {
    return pending.load(std::memory_order_acquire) == 0;
  }
};

} // namespace protobed
