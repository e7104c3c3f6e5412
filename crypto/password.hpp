// Salted scrypt password hashes (RFC 7914), stored as one self-describing
// string: "scrypt$N$r$p$<salt hex>$<hash hex>".
#pragma once

#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/rng.hpp"

namespace protobed::crypto {

struct scrypt_params {
  std::uint64_t n = 16384; ///< CPU/memory cost, a power of two > 1
  std::uint32_t r = 8;     ///< block size
  std::uint32_t p = 1;     ///< parallelisation
};

/// Raw scrypt (for known-answer tests and key derivation).
result<bytes> scrypt(byte_view password, byte_view salt, const scrypt_params& params,
                     std::size_t length);

/// Remember up to `capacity` scrypt results in this process (0, the default,
/// remembers none). scrypt is a pure function: a result remembered is the
/// result computed, so nothing a caller sees changes but the time. For
/// `protobed explore`, whose thousands of runs hash the same passwords with
/// the same salts (the set-up's salts come from the key seed); never for
/// `bench`, which measures what scrypt costs.
void remember_scrypt(std::size_t capacity);

/// A fresh 16-byte salt and a 32-byte hash, encoded as above.
result<std::string> hash_password(rng& r, std::string_view password,
                                  const scrypt_params& params = {});

/// Recomputes with the stored salt and parameters; compares in constant time.
/// A malformed stored string is an error, never a match.
result<bool> verify_password(std::string_view password, std::string_view stored);

} // namespace protobed::crypto
