#include "crypto/counters.hpp"

namespace protobed::crypto {

namespace {

std::atomic<std::uint64_t> counters[6];

} // namespace

void detail::count(op o, std::uint64_t n) noexcept {
  counters[static_cast<std::size_t>(o)].fetch_add(n, std::memory_order_relaxed);
}

op_counts counted_ops() {
  auto get = [](int i) { return counters[i].load(std::memory_order_relaxed); };
  return {get(0), get(1), get(2), get(3), get(4), get(5)};
}

} // namespace protobed::crypto
