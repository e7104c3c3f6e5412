// libFuzzer target: every e-commerce wire decoder, and the SMS format, on
// arbitrary bytes. A decoder may refuse; it must never crash, and what it
// accepts must re-encode to the same bytes.
#include <cstddef>
#include <cstdint>

#include "actors/ecommerce/messages.hpp"
#include "actors/ecommerce/otp_sms.hpp"

using namespace protobed::ecommerce;

namespace {

template <class Decode>
void round_trip(protobed::crypto::byte_view in, Decode decode) {
  auto x = decode(in);
  if (!x)
    return;
  auto again = encode(*x);
  if (!again || *again != bytes(in.begin(), in.end()))
    __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  protobed::crypto::byte_view in(data, size);
  round_trip(in, decode_signed_blob);
  round_trip(in, decode_keyed_body);
  round_trip(in, decode_otp_request);
  round_trip(in, decode_otp_status);
  round_trip(in, decode_setup_request);
  round_trip(in, decode_tid_statement);
  round_trip(in, decode_payment_info);
  round_trip(in, decode_purchase_order);
  round_trip(in, decode_pm_po);
  round_trip(in, decode_merchant_claim);
  round_trip(in, decode_pm_forward);
  round_trip(in, decode_outcome_statement);
  round_trip(in, decode_resolve_request);
  round_trip(in, decode_merchant_resolve);
  (void)parse_otp_sms(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
