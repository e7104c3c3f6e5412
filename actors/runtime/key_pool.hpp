// Session keys made ahead of time, each still used for one session only: a
// benchmark's way to measure the rest of a protocol apart from its key
// generation. The process keeps a tally of every pool made, so the
// benchmark can print the pool's build time and charge it back to the
// transactions (sustained throughput).
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/rsa.hpp"

namespace protobed {

/// `count` fresh RSA keys of `bits`, drawn from `r` in order.
std::vector<crypto::rsa_private_key> make_key_pool(crypto::rng& r, std::int64_t count,
                                                   unsigned bits);

/// Every key pool made in this process so far.
struct key_pool_tally {
  std::uint64_t keys = 0;
  double seconds = 0; ///< wall time spent making them
};
key_pool_tally key_pools_made();

} // namespace protobed
