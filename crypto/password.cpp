#include "crypto/password.hpp"
#include "crypto/counters.hpp"

#include <cryptopp/scrypt.h>

#include <charconv>
#include <vector>

namespace protobed::crypto {

namespace {

constexpr std::size_t salt_size = 16;
constexpr std::size_t hash_size = 32;
// Bounds on stored parameters, so a hostile hash string cannot ask for
// gigabytes of memory: N ≤ 2^20 and r·p ≤ 64.
constexpr std::uint64_t max_n = 1u << 20;

bool params_ok(const scrypt_params& s) {
  bool pow2 = s.n > 1 && (s.n & (s.n - 1)) == 0;
  return pow2 && s.n <= max_n && s.r >= 1 && s.p >= 1 && std::uint64_t{s.r} * s.p <= 64;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && !s.empty();
}

} // namespace

result<bytes> scrypt(byte_view password, byte_view salt, const scrypt_params& params,
                     std::size_t length) {
  if (params.n < 2 || (params.n & (params.n - 1)) != 0 || params.r == 0 || params.p == 0)
    return make_error(errc::invalid_argument, "scrypt needs N a power of two > 1 and r, p >= 1");
  if (length == 0)
    return make_error(errc::invalid_argument, "scrypt output length must be > 0");
  bytes out(length);
  detail::timed_op timed(detail::op::password);
  try {
    CryptoPP::Scrypt kdf;
    kdf.DeriveKey(out.data(), out.size(), password.data(), password.size(), salt.data(),
                  salt.size(), params.n, params.r, params.p);
  } catch (const CryptoPP::Exception& e) {
    return make_error(errc::invalid_argument, e.what());
  }
  return out;
}

result<std::string> hash_password(rng& r, std::string_view password, const scrypt_params& params) {
  if (!params_ok(params))
    return make_error(errc::invalid_argument, "scrypt parameters out of bounds");
  auto salt = r.generate(salt_size);
  auto h = scrypt(byte_view{password}, salt, params, hash_size);
  if (!h)
    return h.error();
  return "scrypt$" + std::to_string(params.n) + "$" + std::to_string(params.r) + "$" +
         std::to_string(params.p) + "$" + to_hex(salt) + "$" + to_hex(*h);
}

result<bool> verify_password(std::string_view password, std::string_view stored) {
  auto parts = split(stored, '$');
  scrypt_params params;
  if (parts.size() != 6 || parts[0] != "scrypt" || !parse_number(parts[1], params.n) ||
      !parse_number(parts[2], params.r) || !parse_number(parts[3], params.p))
    return make_error(errc::malformed, "not a scrypt$N$r$p$salt$hash string");
  if (!params_ok(params))
    return make_error(errc::invalid_argument, "stored scrypt parameters out of bounds");
  auto salt = from_hex(parts[4]);
  auto expected = from_hex(parts[5]);
  if (!salt || !expected || expected->empty())
    return make_error(errc::malformed, "salt or hash is not hex");
  auto h = scrypt(byte_view{password}, *salt, params, expected->size());
  if (!h)
    return h.error();
  return constant_time_equal(*h, *expected);
}

} // namespace protobed::crypto
