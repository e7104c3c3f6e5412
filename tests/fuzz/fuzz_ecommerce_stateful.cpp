// libFuzzer target: the e-commerce participants in the middle of a purchase.
// A bank, a merchant, an SMS gateway and a client play a real purchase up to
// a point the first byte picks (setup sent, OTP texted, payment forwarded,
// the bank's answer on its way); then the input, from its third byte on, is
// delivered as a packet of the kind the second byte picks to the participant
// that receives that kind, and the run plays on to its end. So the checks
// behind the first signature or MAC see input, not only the decoders. Nothing
// may crash, and money is never created or destroyed.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/ecommerce_stateful.hpp"

using namespace protobed;
using namespace std::chrono_literals;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2)
    return 0;
  const auto& prefixes = fuzz::stateful_prefixes();
  const auto& hops = fuzz::stateful_hops();
  auto w = fuzz::stateful_world();
  w->h.run(prefixes[data[0] % prefixes.size()]);
  const auto& h = hops[data[1] % hops.size()];
  w->h.inject(packet{0, h.from, h.to, h.kind, crypto::bytes(data + 2, data + size), {}},
              w->h.now() + 1ms);
  w->h.run(10min);
  if (w->balance("alice") + w->balance("shop") != 100)
    __builtin_trap(); // money created or destroyed
  return 0;
}
