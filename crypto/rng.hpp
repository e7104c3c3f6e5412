// Randomness, always passed explicitly: OS-seeded for real runs, a seeded
// DRBG (NIST SP 800-90A Hash_DRBG with SHA-256) for reproducible simulation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"

namespace CryptoPP {
class RandomNumberGenerator;
}

namespace protobed::crypto {

class rng {
public:
  /// Randomness from the operating system (an OS-seeded AES pool).
  static rng os();

  /// A deterministic stream: the same (seed, label) always yields the same
  /// bytes; different labels give independent streams from one seed.
  static rng deterministic(std::uint64_t seed, std::string_view label);

  rng(rng&&) noexcept;
  rng& operator=(rng&&) noexcept;
  ~rng();

  void fill(std::uint8_t* out, std::size_t n);
  bytes generate(std::size_t n);
  /// Uniform in [min, max] without modulo bias.
  std::uint32_t uniform(std::uint32_t min, std::uint32_t max);
  std::uint64_t next_u64();

  bool is_deterministic() const noexcept {
    return deterministic_;
  }
  /// Description for reports: "os" or "drbg(seed=7, label=alice)".
  const std::string& describe() const noexcept {
    return description_;
  }

  /// The Crypto++ engine behind this rng, for crypto/ internals only.
  CryptoPP::RandomNumberGenerator& engine() noexcept {
    return *engine_;
  }

private:
  rng(std::unique_ptr<CryptoPP::RandomNumberGenerator> engine, bool deterministic,
      std::string description);

  std::unique_ptr<CryptoPP::RandomNumberGenerator> engine_;
  bool deterministic_;
  std::string description_;
};

} // namespace protobed::crypto
