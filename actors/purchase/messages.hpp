// The purchase-order protocol's wire formats (docs/protocols/purchase.md), in
// the canonical codec. Every payload starts with a label naming what it is,
// so a signature over one message can never be passed off as another.
//
// - login (customer -> OPD): a hybrid envelope for the OPD's RSA key holding
//   the customer id, the password, a fresh session id and secret, the time and
//   a nonce. The password never crosses the wire in the clear.
// - welcome (OPD -> customer): whether the login succeeded, as a record of
//   the session the login opened (actors/services/session.hpp).
// - order (customer -> OPD): a record carrying the order (item, quantity,
//   time, nonce) signed by the customer with RSA-PSS or DSA.
// - receipt (OPD -> customer): a record carrying the OPD's signed receipt:
//   the order's digest, its number and the outcome.
#pragma once

#include <cstdint>
#include <string>

#include "crypto/codec.hpp"
#include "crypto/signature.hpp"

namespace protobed::purchase {

using crypto::byte_view;
using crypto::bytes;
template <class T>
using result = crypto::result<T>;
using crypto::decode_signed_blob;
using crypto::signed_blob;

namespace kind {
inline constexpr const char* login = "purchase.login";     // customer -> opd, sealed
inline constexpr const char* welcome = "purchase.welcome"; // opd -> customer, a record
inline constexpr const char* order = "purchase.order";     // customer -> opd, a record
inline constexpr const char* receipt = "purchase.receipt"; // opd -> customer, a record
} // namespace kind

/// HKDF info for a login session's keys.
inline constexpr const char* session_label = "purchase.session";
inline constexpr std::size_t nonce_size = 16;
inline constexpr std::size_t max_text = 256;

struct login {
  bytes session;         ///< fresh: names the session from now on
  bytes secret;          ///< fresh: the session's keys come from it
  std::string customer;  ///< the customer ID
  std::string password;  ///< only ever inside the envelope
  std::int64_t time = 0; ///< ns on the customer's clock
  bytes nonce;
};
result<bytes> encode(const login& x);
result<login> decode_login(byte_view in);

struct welcome {
  std::string outcome; ///< "ok" or "refused"
  std::string reason;  ///< why refused
};
result<bytes> encode(const welcome& x);
result<welcome> decode_welcome(byte_view in);

struct order {
  std::string customer;
  std::string item;
  std::uint32_t quantity = 0;
  std::int64_t time = 0; ///< ns on the customer's clock, signed (the seed's was not)
  bytes nonce;           ///< fresh per order: a resent order keeps it
  crypto::signature_scheme scheme = crypto::signature_scheme::rsa_pss;
  bytes carried_key; ///< the signer's public key, DER: empty unless the customer carries it (the
                     ///< seed did)
};
result<bytes> encode(const order& x);
result<order> decode_order(byte_view in);

struct receipt {
  std::string customer;
  bytes order_digest; ///< SHA-256 of the signed order as received
  std::uint64_t number = 0;
  std::string outcome; ///< accepted | refused | unknown (the OPD's book cannot know it)
  std::string reason;
};
result<bytes> encode(const receipt& x);
result<receipt> decode_receipt(byte_view in);

/// An order or nonce as events show it: 16 hex digits.
std::string short_id(byte_view b);

} // namespace protobed::purchase
