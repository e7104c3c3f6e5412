#include "actors/runtime/key_pool.hpp"

#include <atomic>
#include <chrono>

namespace protobed {

namespace {

std::atomic<std::uint64_t> pool_keys{0};
std::atomic<std::uint64_t> pool_ns{0};

} // namespace

std::vector<crypto::rsa_private_key> make_key_pool(crypto::rng& r, std::int64_t count,
                                                   unsigned bits) {
  auto start = std::chrono::steady_clock::now();
  std::vector<crypto::rsa_private_key> pool;
  for (std::int64_t k = 0; k < count; ++k)
    pool.push_back(crypto::rsa_private_key::generate(r, bits));
  auto ns =
    std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
  pool_keys.fetch_add(pool.size(), std::memory_order_relaxed);
  pool_ns.fetch_add(static_cast<std::uint64_t>(ns.count()), std::memory_order_relaxed);
  return pool;
}

key_pool_tally key_pools_made() {
  return {pool_keys.load(std::memory_order_relaxed),
          static_cast<double>(pool_ns.load(std::memory_order_relaxed)) / 1e9};
}

} // namespace protobed
