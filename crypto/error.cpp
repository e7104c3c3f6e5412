#include "crypto/error.hpp"

namespace protobed::crypto {

const char* to_string(errc e) noexcept {
  switch (e) {
    case errc::invalid_key:
      return "invalid_key";
    case errc::invalid_argument:
      return "invalid_argument";
    case errc::decrypt_failed:
      return "decrypt_failed";
    case errc::auth_failed:
      return "auth_failed";
    case errc::malformed:
      return "malformed";
    case errc::truncated:
      return "truncated";
    case errc::oversized:
      return "oversized";
    case errc::trailing_bytes:
      return "trailing_bytes";
    case errc::expired:
      return "expired";
    case errc::exhausted:
      return "exhausted";
    case errc::already_used:
      return "already_used";
    case errc::not_issued:
      return "not_issued";
  }
  return "unknown";
}

std::string error::message() const {
  std::string out = to_string(code);
  if (!detail.empty()) {
    out += ": ";
    out += detail;
  }
  return out;
}

} // namespace protobed::crypto
