// Message schemas: what a protocol's packet of one kind is made of, field by
// field, and what protects each field. The attacker reads packets through
// them (what it can open with the keys it holds) and builds packets with
// them (`forge:`), so it is never stronger than Dolev-Yao — it cannot sign
// with a key it does not hold nor read what it cannot open — and never
// weaker: it can seal for anyone and reuse any field it has seen.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/directory.hpp"
#include "actors/runtime/knowledge.hpp"
#include "crypto/error.hpp"

namespace protobed {

/// Field values as text: text as is, byte strings and public keys in hex,
/// amounts in decimal, booleans true/false, signers and recipients as
/// participant names.
using field_values = std::map<std::string, std::string>;

struct field_doc {
  std::string name; ///< "tid", "claim.amount"
  /// text | bytes | amount | bool | public_key (DER, hex) | symmetric_key (hex) |
  /// signer (a participant whose private key signs) | recipient (whose public key seals)
  std::string type;
  std::string protection; ///< "clear", "sealed for the bank", "under the reply key", …
  /// When a forge leaves it out: "fresh" (random), "self" (the attacker), "to"
  /// (the packet's recipient), "empty", "" (required: the build names it).
  std::string fallback;
  /// Learning it in the clear breaks secrecy: what it counts as ("card", "otp").
  std::string secret;
  /// How many random bytes a "fresh" value has (0: 32 for keys, 16 otherwise).
  std::size_t fresh_bytes = 0;
  /// For text: the words the protocol puts in it ("committed", "aborted: …"),
  /// which a forge may choose (explore's `words`); empty: free text.
  std::vector<std::string> words = {};

  /// The size of a fresh value of the field, in bytes.
  std::size_t fresh_size() const {
    return fresh_bytes ? fresh_bytes : type == "symmetric_key" ? 32 : 16;
  }
};

/// What the reader or builder of a message holds.
struct term_store {
  const knowledge& known; ///< private keys (its own and stolen), learned symmetric keys
  const directory& dir;   ///< every participant's public key
  crypto::rng& rng;
};

struct message_schema {
  std::string kind;
  std::vector<field_doc> fields;
  /// Every field an observer holding `t` can read from the bytes.
  std::function<field_values(crypto::byte_view bytes, const term_store& t)> read;
  /// The message with these fields (all present: defaults were filled in),
  /// or an error naming the term the builder lacks.
  std::function<crypto::result<crypto::bytes>(const field_values& f, const term_store& t)> build;

  const field_doc* field(const std::string& name) const;
};

/// Reads fields for a builder, like crypto::reader reads bytes: the first
/// missing or malformed field is sticky, so a builder reads all and checks once.
class field_reader {
public:
  explicit field_reader(const field_values& f)
    : f_(f) {}

  std::string text(const std::string& name);
  crypto::bytes hex(const std::string& name);
  /// An integer: -2^63 .. 2^64-1 (above 2^63-1, the same 64 bits as a
  /// negative number: what an unsigned field carries on the wire).
  std::int64_t amount(const std::string& name);
  /// An unsigned integer: 0 .. 2^64-1 (a negative one is an error).
  std::uint64_t unsigned_amount(const std::string& name);
  bool flag(const std::string& name);
  bool has(const std::string& name) const {
    return f_.count(name) != 0;
  }
  /// The first failure, if any.
  const std::optional<crypto::error>& error() const {
    return error_;
  }

private:
  const std::string* find(const std::string& name);
  void fail(std::string why);

  const field_values& f_;
  std::optional<crypto::error> error_;
};

/// `built`, unless the reader met a missing or malformed field first.
crypto::result<crypto::bytes> checked_build(const field_reader& r,
                                            crypto::result<crypto::bytes> built);

/// The private key of the participant `f[name]` names, if the builder holds it.
crypto::result<crypto::rsa_private_key> field_signer(const field_values& f, const std::string& name,
                                                     const term_store& t);
crypto::result<crypto::rsa_public_key>
field_recipient(const field_values& f, const std::string& name, const term_store& t);

/// A hybrid envelope (crypto/envelope.hpp) opened with any private key the
/// observer holds; an error when none opens it.
crypto::result<crypto::bytes> open_with_held_keys(const term_store& t, crypto::byte_view envelope,
                                                  crypto::byte_view ad);
/// `body` sealed (hybrid envelope) for the participant field `recipient` names.
crypto::result<crypto::bytes> seal_for_field(const term_store& t, const field_values& f,
                                             const std::string& recipient,
                                             crypto::result<crypto::bytes> body,
                                             crypto::byte_view ad);
/// The key the participant field `name` names signs with, if the builder
/// holds it: its DSA key where it has one, else its long-term RSA key.
crypto::result<crypto::signing_key> field_signing_key(const field_values& f,
                                                      const std::string& name, const term_store& t);
/// `payload` and an RSA-PSS signature by the participant field `signer`
/// names, as an encoded signed_blob.
crypto::result<crypto::bytes> sign_for_field(const term_store& t, const field_values& f,
                                             const std::string& signer,
                                             crypto::result<crypto::bytes> payload);

} // namespace protobed
