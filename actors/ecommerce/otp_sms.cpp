#include "actors/ecommerce/otp_sms.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/hash.hpp"

namespace protobed::ecommerce {

namespace {

constexpr const char* code_prefix = "Code ";
constexpr const char* reference_prefix = " for purchase ";
constexpr const char* bank_prefix = " at ";
constexpr std::size_t code_digits = 6;
constexpr std::size_t reference_digits = 6;

bool all_of(const std::string& s, int (*pred)(int)) {
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return pred(static_cast<unsigned char>(c)) != 0; });
}

} // namespace

std::string purchase_reference(byte_view nonce) {
  bytes input;
  std::string label = "ecommerce.purchase-reference";
  input.insert(input.end(), label.begin(), label.end());
  input.insert(input.end(), nonce.begin(), nonce.end());
  auto h = crypto::sha256(input);
  h.resize(reference_digits / 2);
  return crypto::to_hex(h);
}

std::string otp_sms_text(const std::string& bank, const std::string& code,
                         const std::string& reference, sim_time lifetime) {
  return code_prefix + code + reference_prefix + reference + bank_prefix + bank + ". Valid for " +
         format_duration(lifetime) + ".";
}

std::optional<otp_sms> parse_otp_sms(const std::string& text) {
  std::string head = code_prefix;
  std::string mid = reference_prefix;
  std::string tail = bank_prefix;
  auto need = head.size() + code_digits + mid.size() + reference_digits + tail.size();
  if (text.size() < need || text.compare(0, head.size(), head) != 0)
    return std::nullopt;
  otp_sms s;
  s.code = text.substr(head.size(), code_digits);
  auto at = head.size() + code_digits;
  if (text.compare(at, mid.size(), mid) != 0)
    return std::nullopt;
  s.reference = text.substr(at + mid.size(), reference_digits);
  at += mid.size() + reference_digits;
  if (text.compare(at, tail.size(), tail) != 0 || !all_of(s.code, std::isdigit) ||
      !all_of(s.reference, std::isxdigit))
    return std::nullopt;
  return s;
}

} // namespace protobed::ecommerce
