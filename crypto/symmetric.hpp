// Authenticated symmetric encryption, both with a fresh random IV per message:
//  - AES-256-CBC + HMAC-SHA256, encrypt-then-MAC: iv(16) ‖ ciphertext ‖ tag(32),
//    the tag over len(ad) ‖ ad ‖ iv ‖ ciphertext; verified in constant time
//    before anything is decrypted;
//  - AES-256-GCM with associated data: iv(12) ‖ ciphertext ‖ tag(16).
#pragma once

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/rng.hpp"

namespace protobed::crypto {

inline constexpr std::size_t aes_key_size = 32;
inline constexpr std::size_t cbc_hmac_key_size = 64; ///< AES key ‖ HMAC key
inline constexpr std::size_t cbc_iv_size = 16;
inline constexpr std::size_t gcm_iv_size = 12;
inline constexpr std::size_t gcm_tag_size = 16;

/// `key` is 64 bytes: the first 32 encrypt, the last 32 authenticate.
result<bytes> cbc_hmac_seal(rng& r, byte_view key, byte_view plaintext, byte_view ad = {});
result<bytes> cbc_hmac_open(byte_view key, byte_view sealed, byte_view ad = {});
/// Decrypts without checking the HMAC: only for a participant whose MAC check
/// a scenario switched off, to show what a tampered message turns into.
result<bytes> cbc_open_unauthenticated(byte_view key, byte_view sealed);

/// `key` is 32 bytes.
result<bytes> gcm_seal(rng& r, byte_view key, byte_view plaintext, byte_view ad = {});
result<bytes> gcm_open(byte_view key, byte_view sealed, byte_view ad = {});

/// GCM with a caller-chosen IV, returning ciphertext ‖ tag. Only for
/// known-answer tests: reusing an IV under one key breaks GCM. Use gcm_seal.
result<bytes> gcm_encrypt_with_iv(byte_view key, byte_view iv, byte_view plaintext, byte_view ad);
result<bytes> gcm_decrypt_with_iv(byte_view key, byte_view iv, byte_view ciphertext_and_tag,
                                  byte_view ad);

} // namespace protobed::crypto
