// libFuzzer target: a bank, a merchant, an SMS gateway and a client in the middle of a purchase.
// The run plays to a point the first byte picks; the input, from its third
// byte on, arrives as a packet on the hop the second byte picks, and the run
// plays on to its end (tests/fuzz/stateful.hpp). So the checks behind the
// first signature or MAC see input, not only the decoders. Nothing may crash,
// and every invariant of the protocol must hold.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/stateful_worlds.hpp"

using namespace protobed;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto world = fuzz::ecommerce_stateful();
  static const auto plan = fuzz::plan_of(world);
  return fuzz::play(world, plan, data, size);
}
