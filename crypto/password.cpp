#include "crypto/password.hpp"
#include "crypto/counters.hpp"

#include <cryptopp/scrypt.h>

#include <atomic>
#include <charconv>
#include <map>
#include <optional>
#include <mutex>
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

/// Process-wide memo of scrypt results (see remember_scrypt).
struct scrypt_memo {
  std::mutex mutex;
  std::atomic<std::size_t> capacity{0};
  std::map<std::string, bytes> results;

  static scrypt_memo& shared() {
    static scrypt_memo m;
    return m;
  }

  static std::string key(byte_view password, byte_view salt, const scrypt_params& params,
                         std::size_t length) {
    std::string k = std::to_string(params.n) + "/" + std::to_string(params.r) + "/" +
                    std::to_string(params.p) + "/" + std::to_string(length) + "/" +
                    std::to_string(salt.size()) + "/";
    k.append(reinterpret_cast<const char*>(salt.data()), salt.size());
    k.append(reinterpret_cast<const char*>(password.data()), password.size());
    return k;
  }

  std::optional<bytes> find(const std::string& k) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = results.find(k);
    return it == results.end() ? std::nullopt : std::optional<bytes>(it->second);
  }

  void keep(std::string k, const bytes& out) {
    std::lock_guard<std::mutex> lock(mutex);
    if (capacity == 0)
      return;
    if (results.size() >= capacity)
      results.clear(); // simple and bounded: the hot entries come back at once
    results.emplace(std::move(k), out);
  }
};

result<bytes> derive(byte_view password, byte_view salt, const scrypt_params& params,
                     std::size_t length) {
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

} // namespace

void remember_scrypt(std::size_t capacity) {
  auto& m = scrypt_memo::shared();
  std::lock_guard<std::mutex> lock(m.mutex);
  m.capacity = capacity;
  m.results.clear();
}

result<bytes> scrypt(byte_view password, byte_view salt, const scrypt_params& params,
                     std::size_t length) {
  if (params.n < 2 || (params.n & (params.n - 1)) != 0 || params.r == 0 || params.p == 0)
    return make_error(errc::invalid_argument, "scrypt needs N a power of two > 1 and r, p >= 1");
  if (length == 0)
    return make_error(errc::invalid_argument, "scrypt output length must be > 0");
  auto& memo = scrypt_memo::shared();
  if (memo.capacity == 0)
    return derive(password, salt, params, length);
  auto k = scrypt_memo::key(password, salt, params, length);
  if (auto known = memo.find(k))
    return *known;
  auto out = derive(password, salt, params, length);
  if (out)
    memo.keep(std::move(k), *out);
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
