#include "crypto/counters.hpp"

#include <time.h>

namespace protobed::crypto {

namespace {

// The six ops, then asymmetric and symmetric nanoseconds.
std::atomic<std::uint64_t> counters[8];

/// CPU time of the calling thread: unlike wall time it excludes preemption
/// and a VM's steal time, so it is what the operation itself cost.
std::int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// Wall time, for the short symmetric operations: a thread-CPU clock read is
/// a system call (1.4 us in a VM, more than sealing a small record), while
/// this one stays in user space (~25 ns). An operation of a few
/// microseconds is rarely preempted, so wall time is its cost.
std::int64_t wall_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

void detail::count(op o, std::uint64_t n) noexcept {
  counters[static_cast<std::size_t>(o)].fetch_add(n, std::memory_order_relaxed);
}

detail::timed_op::timed_op(op o) noexcept
  : start_ns_(now_ns()) {
  count(o);
}

detail::timed_op::~timed_op() {
  counters[6].fetch_add(static_cast<std::uint64_t>(now_ns() - start_ns_),
                        std::memory_order_relaxed);
}

namespace {

thread_local int symmetric_depth = 0; // a MAC inside a cipher is timed once, by the outer

} // namespace

detail::uncounted_scope::uncounted_scope() noexcept {
  ++symmetric_depth; // what runs inside looks nested: never timed
}

detail::uncounted_scope::~uncounted_scope() {
  --symmetric_depth;
}

detail::timed_symmetric::timed_symmetric() noexcept
  : start_ns_(symmetric_depth++ == 0 ? wall_ns() : 0) {}

detail::timed_symmetric::~timed_symmetric() {
  if (--symmetric_depth == 0)
    counters[7].fetch_add(static_cast<std::uint64_t>(wall_ns() - start_ns_),
                          std::memory_order_relaxed);
}

op_counts counted_ops() {
  auto get = [](int i) { return counters[i].load(std::memory_order_relaxed); };
  return {get(0), get(1), get(2), get(3), get(4), get(5), get(6), get(7)};
}

} // namespace protobed::crypto
