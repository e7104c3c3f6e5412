// Keys made from a key seed (`key_seed:` in a scenario) once per process and
// shared by every run that asks for the same seed and label. `protobed
// explore` plays thousands of schedules of one scenario: the schedules differ,
// the keys do not, and making RSA and DSA keys is most of a short run's cost.
// Same seed and label, same key: determinism is unchanged.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "crypto/dsa.hpp"
#include "crypto/rsa.hpp"

namespace protobed {

class key_cache {
public:
  /// The process's cache.
  static key_cache& shared();

  /// The RSA key drawn from the stream (key_seed, label).
  crypto::rsa_private_key rsa(std::uint64_t key_seed, const std::string& label,
                              unsigned bits = crypto::rsa_default_bits);
  /// DSA domain parameters drawn from the stream (key_seed, label).
  crypto::dsa_params dsa_params(std::uint64_t key_seed, const std::string& label);
  /// A DSA key over `params`, drawn from the stream (key_seed, label).
  crypto::dsa_private_key dsa(std::uint64_t key_seed, const std::string& label,
                              const crypto::dsa_params& params);

  /// Keys made so far (for tests and progress).
  std::size_t size() const;

private:
  using rsa_key = std::tuple<std::uint64_t, std::string, unsigned>;
  using named = std::pair<std::uint64_t, std::string>;
  mutable std::mutex mutex_;
  std::map<rsa_key, crypto::rsa_private_key> rsa_;
  std::map<named, crypto::dsa_params> params_;
  std::map<named, crypto::dsa_private_key> dsa_;
};

} // namespace protobed
