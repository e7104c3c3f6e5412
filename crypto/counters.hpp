// Counts and times the cryptography performed in this process, so a
// benchmark can compute a protocol's crypto bound (crypto time per
// transaction) and its crypto share (crypto CPU / process CPU). Every
// operation of crypto/ is timed: asymmetric operations, ciphers, MACs,
// hashes and random bytes, parsing and validating keys, password hashing.
// Scopes nest (an HMAC inside a cipher, random bytes inside a signature):
// only the outermost one is timed. Relaxed atomics; the cost of the timing
// itself is measured by `protobed bench` (instrumentation overhead) and can
// be switched off with set_counting(false).
#pragma once

#include <atomic>
#include <cstdint>

namespace protobed::crypto {

struct op_counts {
  std::uint64_t keygens = 0;     ///< RSA and DSA keys made
  std::uint64_t rsa_private = 0; ///< OAEP decrypt, PSS sign
  std::uint64_t rsa_public = 0;  ///< OAEP encrypt, PSS verify
  std::uint64_t dsa_sign = 0;
  std::uint64_t dsa_verify = 0;
  std::uint64_t symmetric_bytes = 0; ///< GCM and CBC+HMAC, sealed or opened
  std::uint64_t key_exchanges = 0;   ///< X25519 key pairs and agreements
  std::uint64_t key_loads = 0;       ///< keys and DSA parameters parsed and validated
  std::uint64_t password_hashes = 0; ///< scrypt derivations
  /// Timed scopes entered (the outermost ones), by the clock they read: what
  /// the instrumentation itself costs is these times the cost of one.
  std::uint64_t cpu_clock_scopes = 0;
  std::uint64_t wall_clock_scopes = 0;
  /// Thread CPU time inside the asymmetric operations (RSA, DSA, keygen).
  std::uint64_t asymmetric_ns = 0;
  std::uint64_t symmetric_ns = 0; ///< ciphers, MACs, hashes, KDFs, random bytes
  std::uint64_t key_ns = 0;       ///< parsing and validating keys, X25519
  std::uint64_t password_ns = 0;  ///< scrypt (thread CPU time)

  /// All cryptography's time.
  std::uint64_t crypto_ns() const {
    return asymmetric_ns + symmetric_ns + key_ns + password_ns;
  }
  op_counts operator-(const op_counts& o) const;
};

/// A snapshot of the process-wide counters.
op_counts counted_ops();

/// Switches counting and timing on (the default) or off, process-wide: a
/// benchmark's run with the counters off measures what they cost.
void set_counting(bool on) noexcept;
bool counting() noexcept;

namespace detail {
enum class op : std::uint8_t {
  keygen,
  rsa_private,
  rsa_public,
  dsa_sign,
  dsa_verify,
  sym,
  kex,
  key_load,
  password
};
void count(op o, std::uint64_t n = 1) noexcept;

/// Cryptography done for the framework, not the protocol (the trace's packet
/// digests): nothing inside this scope is counted or timed.
class uncounted_scope {
public:
  uncounted_scope() noexcept;
  ~uncounted_scope();
  uncounted_scope(const uncounted_scope&) = delete;
  uncounted_scope& operator=(const uncounted_scope&) = delete;
};

/// Counts one operation and times it until it goes out of scope: long
/// operations (RSA, DSA, scrypt) with the thread's CPU clock, short ones
/// with the user-space monotonic clock (a thread-CPU clock read is a system
/// call of ~1.4 µs in a VM, more than sealing a small record; an operation
/// of a few microseconds is rarely preempted).
class timed_op {
public:
  explicit timed_op(op o) noexcept;
  ~timed_op();
  timed_op(const timed_op&) = delete;
  timed_op& operator=(const timed_op&) = delete;

private:
  op op_;
  bool outer_;
  std::int64_t start_ns_ = 0;
};

/// Times a cipher, MAC, hash, KDF or random bytes (bytes are counted apart).
class timed_symmetric : public timed_op {
public:
  timed_symmetric() noexcept
    : timed_op(op::sym) {}
};
} // namespace detail

} // namespace protobed::crypto
