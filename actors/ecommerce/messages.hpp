// The e-commerce protocol's wire formats (docs/protocols/ecommerce.md), all in the
// canonical codec. Every signed payload starts with a label naming what it
// is, so a signature over one message can never be passed off as another.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/codec.hpp"
#include "crypto/error.hpp"

namespace protobed::ecommerce {

using crypto::and_then;
using crypto::byte_view;
using crypto::bytes;
template <class T>
using result = crypto::result<T>;

/// Packet kinds, in protocol order.
namespace kind {
inline constexpr const char* otp_request = "ecommerce.otp_request";           // client -> bank
inline constexpr const char* otp_reply = "ecommerce.otp_reply";               // bank -> client
inline constexpr const char* setup = "ecommerce.setup";                       // client -> merchant
inline constexpr const char* setup_reply = "ecommerce.setup_reply";           // merchant -> client
inline constexpr const char* pm_po = "ecommerce.pm_po";                       // client -> merchant
inline constexpr const char* pm_forward = "ecommerce.pm_forward";             // merchant -> bank
inline constexpr const char* bank_reply = "ecommerce.bank_reply";             // bank -> merchant
inline constexpr const char* outcome = "ecommerce.outcome";                   // merchant -> client
inline constexpr const char* resolve = "ecommerce.resolve";                   // client -> bank
inline constexpr const char* resolve_reply = "ecommerce.resolve_reply";       // bank -> client
inline constexpr const char* merchant_resolve = "ecommerce.merchant_resolve"; // merchant -> bank
} // namespace kind

inline constexpr std::size_t nonce_size = 16;
inline constexpr std::size_t tid_size = 16;
inline constexpr std::size_t reply_key_size = 32;
inline constexpr std::size_t fingerprint_size = 32; ///< SHA-256 of a public key's DER

/// How a transaction ended: what the bank decides and the client learns.
/// `unknown` never travels: it is a client that could not learn the outcome.
struct outcome {
  enum class code : std::uint8_t { committed = 0, aborted = 1, unknown = 2 };
  code c = code::unknown;
  std::string reason; ///< why it aborted; empty otherwise

  static outcome commit() {
    return {code::committed, {}};
  }
  static outcome abort(std::string why) {
    return {code::aborted, std::move(why)};
  }
  bool committed() const {
    return c == code::committed;
  }
  bool aborted() const {
    return c == code::aborted;
  }
  /// "committed", "aborted: <reason>" or "unknown": how reports and scenarios write it.
  std::string text() const;
};

/// A payload and a signature over it (crypto/codec.hpp).
using crypto::decode_signed_blob;
using crypto::signed_blob;

/// A message addressed by the client's nonce, its body under the reply key.
struct keyed_body {
  bytes nonce;
  bytes sealed;
};
result<bytes> encode(const keyed_body& x);
result<keyed_body> decode_keyed_body(byte_view in);

/// 1. Client -> bank (sealed for the bank): please text me a code.
struct otp_request {
  std::string card;
  std::string expiry;
  bytes nonce;
  std::string client;
};
result<bytes> encode(const otp_request& x);
result<otp_request> decode_otp_request(byte_view in);

/// 1. Bank -> client, signed by the bank: the code was sent, or why not.
struct otp_status {
  bytes nonce;
  bool sent = false;
  std::string refusal; ///< why no code was sent ("unknown-card")
};
result<bytes> encode(const otp_status& x);
result<otp_status> decode_otp_status(byte_view in);

/// 2. Client -> merchant (sealed for the merchant).
struct setup_request {
  bytes session_key; ///< the client's fresh RSA public key, DER
  bytes reply_key;   ///< AES-256 key for everything the merchant sends back
  bytes nonce;
  std::string item;
  std::string client;
};
result<bytes> encode(const setup_request& x);
result<setup_request> decode_setup_request(byte_view in);

/// 2. What the merchant signs when it opens a transaction.
struct tid_statement {
  bytes tid;
  std::string item;
  std::int64_t amount = 0;
  bytes client_key_fingerprint;
  std::string merchant;
};
result<bytes> encode(const tid_statement& x);
result<tid_statement> decode_tid_statement(byte_view in);

/// 3. Payment information: read only by the bank, signed by the client.
struct payment_info {
  std::string card;
  std::string expiry;
  std::string otp;
  std::int64_t amount = 0;
  bytes tid;
  bytes nonce;
  bytes session_key;
  std::string merchant;
};
result<bytes> encode(const payment_info& x);
result<payment_info> decode_payment_info(byte_view in);

/// 3. Purchase order: read by the merchant, signed by the client.
struct purchase_order {
  std::string item;
  std::int64_t amount = 0;
  bytes tid;
  bytes nonce;
};
result<bytes> encode(const purchase_order& x);
result<purchase_order> decode_purchase_order(byte_view in);

/// 3. Client -> merchant, under the reply key: sealed signed PM + signed PO.
struct pm_po {
  bytes sealed_pm; ///< envelope for the bank over signed_blob(payment_info)
  signed_blob po;  ///< purchase_order
};
result<bytes> encode(const pm_po& x);
result<pm_po> decode_pm_po(byte_view in);

/// 3. What the merchant signs when it forwards a payment.
struct merchant_claim {
  bytes tid;
  std::int64_t amount = 0;
  bytes client_key_fingerprint;
  std::string merchant;
};
result<bytes> encode(const merchant_claim& x);
result<merchant_claim> decode_merchant_claim(byte_view in);

/// 3. Merchant -> bank.
struct pm_forward {
  bytes sealed_pm;
  signed_blob claim; ///< merchant_claim
};
result<bytes> encode(const pm_forward& x);
result<pm_forward> decode_pm_forward(byte_view in);

/// 4./5. The bank's signed word on a transaction.
struct outcome_statement {
  bytes tid;
  std::string merchant; ///< whose tid: tids are per merchant (bank.per_merchant_tids)
  std::int64_t amount = 0;
  bytes nonce;
  ecommerce::outcome result; ///< committed or aborted (never unknown)
};
result<bytes> encode(const outcome_statement& x);
result<outcome_statement> decode_outcome_statement(byte_view in);

/// 5. Client -> bank (signed by the session key, then sealed for the bank).
/// It carries the merchant's signed tid statement, which binds the tid to
/// this session key: nobody else can resolve (and so abort) the tid.
struct resolve_request {
  bytes tid;
  std::int64_t amount = 0;
  bytes nonce;
  bytes session_key;
  signed_blob tid_statement; ///< tid_statement, signed by the merchant
};
result<bytes> encode(const resolve_request& x);
result<resolve_request> decode_resolve_request(byte_view in);

/// 5'. Merchant -> bank, signed by the merchant: "what became of the PM I
/// forwarded?" (the claim it forwarded, under another label). The bank
/// answers with a bank_reply.
struct merchant_resolve {
  merchant_claim claim;
};
result<bytes> encode(const merchant_resolve& x);
result<merchant_resolve> decode_merchant_resolve(byte_view in);

} // namespace protobed::ecommerce
