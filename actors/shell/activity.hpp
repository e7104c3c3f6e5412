// Counts work still in flight in one process: packets on the wire, armed
// timers, steps not yet played, events not yet recorded. The run is quiet
// when it reaches zero — exact in both clocks, no guessing from idle time.
// On the real clock the director sleeps until the count reaches zero (or a
// timeout for its progress and time-limit checks) instead of polling: a
// poll every few hundred microseconds preempts the workers thousands of
// times a second.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace protobed {

class activity {
public:
  void add(std::int64_t n = 1) {
    if (pending_.fetch_add(n, std::memory_order_acq_rel) + n == 0)
      wake();
  }
  void done(std::int64_t n = 1) {
    add(-n);
  }
  bool quiet() const {
    return pending_.load(std::memory_order_acquire) == 0;
  }
  /// Sleeps until quiet or `timeout` passed; returns whether quiet.
  template <class Duration>
  bool wait_quiet_for(Duration timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return reached_zero_.wait_for(lock, timeout, [this] { return quiet(); });
  }

private:
  void wake() {
    { std::lock_guard<std::mutex> sync(mutex_); } // a waiter is either asleep or will see zero
    reached_zero_.notify_all();
  }

  std::atomic<std::int64_t> pending_{0};
  std::mutex mutex_;
  std::condition_variable reached_zero_;
};

} // namespace protobed
