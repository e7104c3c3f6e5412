// The bank's OTP text message, in one fixed format both ends agree on:
//   "Code 123456 for purchase 1a2b3c at <bank>. Valid for 5min."
// The reference names the purchase the code is for (PSD2's dynamic linking):
// the client uses a code only for the purchase it was issued to, once.
#pragma once

#include <optional>
#include <string>

#include "actors/ecommerce/messages.hpp"
#include "actors/runtime/time.hpp"

namespace protobed::ecommerce {

/// Six hex digits derived from the client's nonce for this purchase (which
/// only the client and the bank know before the PM), shown in the SMS.
std::string purchase_reference(byte_view nonce);

std::string otp_sms_text(const std::string& bank, const std::string& code,
                         const std::string& reference, sim_time lifetime);

struct otp_sms {
  std::string code;      ///< six digits
  std::string reference; ///< six hex digits
};

/// Reads the fixed format; nothing else in the text (a bank's name full of
/// digits, say) can be taken for the code.
std::optional<otp_sms> parse_otp_sms(const std::string& text);

} // namespace protobed::ecommerce
