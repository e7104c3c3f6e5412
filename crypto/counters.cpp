#include "crypto/counters.hpp"

#include <time.h>

namespace protobed::crypto {

namespace {

// Slots: one per op (for sym: bytes), the two scope counts, then the four times.
enum slot : std::size_t {
  cpu_scopes_slot = 9,
  wall_scopes_slot,
  asymmetric_slot,
  symmetric_slot,
  key_slot,
  password_slot,
  slots
};
std::atomic<std::uint64_t> counters[slots];
std::atomic<bool> counting_on{true};

std::int64_t read_ns(clockid_t c) {
  timespec ts{};
  clock_gettime(c, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// Long operations are timed in the thread's CPU time: unlike wall time it
/// excludes preemption and a VM's steal time.
bool long_op(detail::op o) {
  return o != detail::op::sym && o != detail::op::kex && o != detail::op::key_load;
}

std::size_t time_slot(detail::op o) {
  switch (o) {
    case detail::op::sym:
      return symmetric_slot;
    case detail::op::kex:
    case detail::op::key_load:
      return key_slot;
    case detail::op::password:
      return password_slot;
    default:
      return asymmetric_slot;
  }
}

thread_local int depth = 0; // timed scopes open on this thread; only the outermost is timed

void add(std::size_t slot, std::uint64_t n) {
  counters[slot].fetch_add(n, std::memory_order_relaxed);
}

} // namespace

op_counts op_counts::operator-(const op_counts& o) const {
  return {keygens - o.keygens,
          rsa_private - o.rsa_private,
          rsa_public - o.rsa_public,
          dsa_sign - o.dsa_sign,
          dsa_verify - o.dsa_verify,
          symmetric_bytes - o.symmetric_bytes,
          key_exchanges - o.key_exchanges,
          key_loads - o.key_loads,
          password_hashes - o.password_hashes,
          cpu_clock_scopes - o.cpu_clock_scopes,
          wall_clock_scopes - o.wall_clock_scopes,
          asymmetric_ns - o.asymmetric_ns,
          symmetric_ns - o.symmetric_ns,
          key_ns - o.key_ns,
          password_ns - o.password_ns};
}

void set_counting(bool on) noexcept {
  counting_on.store(on, std::memory_order_relaxed);
}

bool counting() noexcept {
  return counting_on.load(std::memory_order_relaxed);
}

void detail::count(op o, std::uint64_t n) noexcept {
  if (depth >= 0 && counting())
    add(static_cast<std::size_t>(o), n);
}

detail::uncounted_scope::uncounted_scope() noexcept {
  depth -= 1 << 20; // negative: nothing inside counts or times
}

detail::uncounted_scope::~uncounted_scope() {
  depth += 1 << 20;
}

detail::timed_op::timed_op(op o) noexcept
  : op_(o)
  , outer_(depth == 0 && counting()) {
  if (o != op::sym && depth >= 0 &&
      counting()) // nested operations count, but are timed by the outer
    add(static_cast<std::size_t>(o), 1);
  ++depth;
  if (!outer_)
    return;
  add(long_op(o) ? cpu_scopes_slot : wall_scopes_slot, 1);
  start_ns_ = read_ns(long_op(o) ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC);
}

detail::timed_op::~timed_op() {
  --depth;
  if (!outer_)
    return;
  auto end = read_ns(long_op(op_) ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC);
  add(time_slot(op_), static_cast<std::uint64_t>(end - start_ns_));
}

op_counts counted_ops() {
  auto get = [](std::size_t i) { return counters[i].load(std::memory_order_relaxed); };
  return {get(0), get(1), get(2),  get(3),  get(4),  get(5),  get(6), get(7),
          get(8), get(9), get(10), get(11), get(12), get(13), get(14)};
}

} // namespace protobed::crypto
