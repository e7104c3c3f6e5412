// What the protocol fuzz targets share: the canonical-encoding check, one
// fixed small key (made once), and handing a packet to a core.
#pragma once

#include <string>

#include "actors/runtime/participant.hpp"
#include "crypto/rsa.hpp"

namespace protobed::fuzz {

/// What `decode` accepts, `reencode` must turn back into the same bytes.
template <class Decode, class Encode>
void round_trip(crypto::byte_view in, Decode decode, Encode reencode) {
  auto x = decode(in);
  if (!x)
    return;
  auto again = reencode(*x);
  if (!again || *again != crypto::bytes(in.begin(), in.end()))
    __builtin_trap();
}

/// The same with the protocol's own `encode` (found by argument lookup).
template <class Decode>
void round_trip(crypto::byte_view in, Decode decode) {
  round_trip(in, decode, [](const auto& x) { return encode(x); });
}

/// A 1024-bit key, the same every run, made on first use.
inline const crypto::rsa_private_key& fixed_key() {
  static const auto key = [] {
    auto r = crypto::rng::deterministic(1, "fuzz-key");
    return crypto::rsa_private_key::generate(r, 1024);
  }();
  return key;
}

inline void deliver(participant_core& core, const std::string& self, const packet& p) {
  auto r = crypto::rng::deterministic(2, "fuzz");
  context ctx(self, sim_time{0}, r);
  core.on_packet(p, ctx);
}

} // namespace protobed::fuzz
