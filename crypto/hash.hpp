// Hashes, HMAC and HKDF (RFC 5869) over SHA-256.
#pragma once

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace protobed::crypto {

inline constexpr std::size_t sha256_size = 32;

bytes sha256(byte_view data);
bytes hmac_sha256(byte_view key, byte_view data);
/// Constant-time check of a full-length HMAC-SHA256 tag.
bool hmac_sha256_verify(byte_view key, byte_view data, byte_view tag);

/// HKDF-SHA256 (extract then expand). At most 255 * 32 bytes of output.
result<bytes> hkdf_sha256(byte_view ikm, byte_view salt, byte_view info, std::size_t length);

} // namespace protobed::crypto
