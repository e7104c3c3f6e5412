#include "crypto/rng.hpp"
#include "crypto/counters.hpp"

#include <cryptopp/drbg.h>
#include <cryptopp/osrng.h>
#include <cryptopp/sha.h>

#include <algorithm>
#include <array>

namespace protobed::crypto {

namespace {

/// Hash_DRBG refuses requests over 64 KiB; this splits them so callers need
/// not care. Every byte still comes from the one DRBG state, in order.
class chunked_drbg final : public CryptoPP::RandomNumberGenerator {
public:
  chunked_drbg(std::uint64_t seed, std::string_view label)
    : entropy_(seed_entropy(seed))
    , drbg_(entropy_.data(), entropy_.size(), nullptr, 0,
            reinterpret_cast<const CryptoPP::byte*>(label.data()), label.size()) {}

  void GenerateBlock(CryptoPP::byte* output, size_t size) override {
    constexpr size_t max_request = 65536;
    while (size > 0) {
      auto n = std::min(size, max_request);
      drbg_.GenerateBlock(output, n);
      output += n;
      size -= n;
    }
  }

  bool CanIncorporateEntropy() const override {
    return false;
  }

private:
  /// Entropy input: SHA-256 over a domain tag and the big-endian seed (32
  /// bytes, above the DRBG's 16-byte minimum). The label personalises it.
  static std::array<CryptoPP::byte, 32> seed_entropy(std::uint64_t seed) {
    std::uint8_t seed_be[8];
    for (int i = 0; i < 8; ++i)
      seed_be[i] = static_cast<std::uint8_t>(seed >> (56 - 8 * i));
    static constexpr char tag[] = "protobed.drbg.v1";
    CryptoPP::SHA256 h;
    h.Update(reinterpret_cast<const CryptoPP::byte*>(tag), sizeof(tag) - 1);
    h.Update(seed_be, sizeof(seed_be));
    std::array<CryptoPP::byte, 32> out;
    h.Final(out.data());
    return out;
  }

  std::array<CryptoPP::byte, 32> entropy_;
  CryptoPP::Hash_DRBG<CryptoPP::SHA256, 128 / 8, 440 / 8> drbg_;
};

} // namespace

rng::rng(std::unique_ptr<CryptoPP::RandomNumberGenerator> engine, bool deterministic,
         std::string description)
  : engine_(std::move(engine))
  , deterministic_(deterministic)
  , description_(std::move(description)) {}

rng::rng(rng&&) noexcept = default;
rng& rng::operator=(rng&&) noexcept = default;
rng::~rng() = default;

rng rng::os() {
  return rng(std::make_unique<CryptoPP::AutoSeededRandomPool>(), false, "os");
}

rng rng::deterministic(std::uint64_t seed, std::string_view label) {
  auto desc = "drbg(seed=" + std::to_string(seed) + ", label=" + std::string(label) + ")";
  return rng(std::make_unique<chunked_drbg>(seed, label), true, std::move(desc));
}

void rng::fill(std::uint8_t* out, std::size_t n) {
  detail::timed_symmetric timed;
  engine_->GenerateBlock(out, n);
}

bytes rng::generate(std::size_t n) {
  bytes out(n);
  fill(out.data(), n);
  return out;
}

std::uint32_t rng::uniform(std::uint32_t min, std::uint32_t max) {
  // Crypto++ rejects and redraws out-of-range words: no modulo bias.
  detail::timed_symmetric timed;
  return engine_->GenerateWord32(min, max);
}

std::uint64_t rng::next_u64() {
  std::uint8_t b[8];
  fill(b, sizeof(b));
  std::uint64_t v = 0;
  for (auto x : b)
    v = v << 8 | x;
  return v;
}

} // namespace protobed::crypto
