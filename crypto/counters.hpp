// Counts the expensive crypto operations performed in this process, so a
// benchmark can compute a protocol's crypto bound: operations per
// transaction times their measured cost. Relaxed atomics: negligible next to
// a 1 ms RSA operation.
#pragma once

#include <atomic>
#include <cstdint>

namespace protobed::crypto {

struct op_counts {
  std::uint64_t rsa_keygen = 0;
  std::uint64_t rsa_private = 0; ///< OAEP decrypt, PSS sign
  std::uint64_t rsa_public = 0;  ///< OAEP encrypt, PSS verify
  std::uint64_t dsa_sign = 0;
  std::uint64_t dsa_verify = 0;
  std::uint64_t symmetric_bytes = 0; ///< GCM and CBC+HMAC, sealed or opened
  /// CPU time spent inside the asymmetric operations above (all threads), as
  /// measured around each one: what the cryptography alone costs in a run.
  std::uint64_t asymmetric_ns = 0;
  std::uint64_t symmetric_ns = 0; ///< ciphers, MACs and hashes (thread CPU time)

  op_counts operator-(const op_counts& o) const {
    return {rsa_keygen - o.rsa_keygen,       rsa_private - o.rsa_private,
            rsa_public - o.rsa_public,       dsa_sign - o.dsa_sign,
            dsa_verify - o.dsa_verify,       symmetric_bytes - o.symmetric_bytes,
            asymmetric_ns - o.asymmetric_ns, symmetric_ns - o.symmetric_ns};
  }
};

/// A snapshot of the process-wide counters.
op_counts counted_ops();

namespace detail {
enum class op : std::uint8_t { rsa_keygen, rsa_private, rsa_public, dsa_sign, dsa_verify, sym };
void count(op o, std::uint64_t n = 1) noexcept;

/// Counts one asymmetric operation and the time until it goes out of scope.
/// Cryptography done for the framework, not the protocol (the trace's packet
/// digests): inside this scope symmetric operations are not timed.
class uncounted_scope {
public:
  uncounted_scope() noexcept;
  ~uncounted_scope();
  uncounted_scope(const uncounted_scope&) = delete;
  uncounted_scope& operator=(const uncounted_scope&) = delete;
};

/// Times a symmetric operation (cipher, MAC, hash) into symmetric_ns.
class timed_symmetric {
public:
  timed_symmetric() noexcept;
  ~timed_symmetric();
  timed_symmetric(const timed_symmetric&) = delete;
  timed_symmetric& operator=(const timed_symmetric&) = delete;

private:
  std::int64_t start_ns_;
};

class timed_op {
public:
  explicit timed_op(op o) noexcept;
  ~timed_op();
  timed_op(const timed_op&) = delete;
  timed_op& operator=(const timed_op&) = delete;

private:
  std::int64_t start_ns_;
};
} // namespace detail

} // namespace protobed::crypto
