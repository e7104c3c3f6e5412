// The e-commerce world the stateful fuzz target plays (fuzz_ecommerce_stateful)
// and make_seeds records its seeds from: fixed 1024-bit keys made once, the
// hops a fuzzed packet can take, and how far a purchase gets before it arrives.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "tests/actors/ecommerce_world.hpp"

namespace protobed::fuzz {

/// Made once: every world uses these instead of making keys.
inline const crypto::rsa_private_key& stateful_key(std::size_t i) {
  static const std::vector<crypto::rsa_private_key> keys = [] {
    std::vector<crypto::rsa_private_key> out;
    for (int n = 0; n < 4; ++n) {
      auto r = crypto::rng::deterministic(10 + n, "fuzz-stateful");
      out.push_back(crypto::rsa_private_key::generate(r, 1024));
    }
    return out;
  }();
  return keys.at(i);
}

struct hop {
  const char* kind;
  const char* from;
  const char* to;
};

inline const std::vector<hop>& stateful_hops() {
  namespace k = ecommerce::kind;
  static const std::vector<hop> hops = {
    {k::otp_request, "alice", "bank"},     {k::otp_reply, "bank", "alice"},
    {k::setup, "alice", "shop"},           {k::setup_reply, "shop", "alice"},
    {k::pm_po, "alice", "shop"},           {k::pm_forward, "shop", "bank"},
    {k::bank_reply, "bank", "shop"},       {k::outcome, "shop", "alice"},
    {k::resolve, "alice", "bank"},         {k::resolve_reply, "bank", "alice"},
    {k::merchant_resolve, "shop", "bank"}, {"otp.sms", "sms", "alice"}};
  return hops;
}

/// How far the purchase (it starts at 1 s) gets before the input arrives.
inline const std::vector<sim_time>& stateful_prefixes() {
  using namespace std::chrono_literals;
  static const std::vector<sim_time> at = {999ms,     1001500us, 1002500us,
                                           2002500us, 2003500us, 2004500us};
  return at;
}

/// A bank, a merchant, an SMS gateway and a client with the fixed keys, the
/// purchase of a book asked for at 1 s.
inline std::unique_ptr<test::ecommerce_world> stateful_world() {
  auto w = std::make_unique<test::ecommerce_world>();
  std::size_t i = 0;
  for (const char* name : {"bank", "shop", "sms"})
    w->h.use_key(name, stateful_key(i++));
  w->build();
  dynamic_cast<ecommerce::client&>(w->h.core("alice")).make_keys_with([](unsigned) {
    return stateful_key(3);
  });
  w->buy();
  return w;
}

} // namespace protobed::fuzz
