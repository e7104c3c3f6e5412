#include "crypto/bytes.hpp"

#include <cryptopp/misc.h>

namespace protobed::crypto {

byte_view byte_view::sub(std::size_t offset, std::size_t count) const noexcept {
  if (offset >= size_)
    return {data_ + size_, 0};
  auto n = std::min(count, size_ - offset);
  return {data_ + offset, n};
}

std::string to_hex(byte_view b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (auto c : b) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0x0f]);
  }
  return out;
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::optional<bytes> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  bytes out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto hi = hex_value(hex[i]);
    auto lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

bytes concat(std::initializer_list<byte_view> parts) {
  bytes out;
  std::size_t total = 0;
  for (auto p : parts)
    total += p.size();
  out.reserve(total);
  for (auto p : parts)
    out.insert(out.end(), p.begin(), p.end());
  return out;
}

bool constant_time_equal(byte_view a, byte_view b) noexcept {
  if (a.size() != b.size())
    return false;
  if (a.empty())
    return true;
  return CryptoPP::VerifyBufsEqual(a.data(), b.data(), a.size());
}

} // namespace protobed::crypto
