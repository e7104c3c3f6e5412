// The messaging protocol's wire formats (docs/protocols/messaging.md), all in
// the canonical codec. Every payload starts with a label naming what it is, so
// a signature or MAC over one message can never be passed off as another.
//
// Three layers of protection:
// - registration: the device proves it holds the key it registers (signed),
//   and returns the SMS code sealed for the relay together with a fresh link
//   key that the device and the relay share from then on;
// - the device<->relay link: every later packet carries an HMAC under the link
//   key, over its kind, the device's phone and the payload;
// - end to end: a message is AES-256-CBC + HMAC-SHA256 under a session key
//   that only the two devices hold (wrapped with RSA-OAEP for the recipient
//   and signed by the sender); receipts are signed by the recipient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/codec.hpp"
#include "crypto/error.hpp"

namespace protobed::messaging {

using crypto::and_then;
using crypto::byte_view;
using crypto::bytes;
template <class T>
using result = crypto::result<T>;

/// Packet kinds, in protocol order.
namespace kind {
inline constexpr const char* enrol = "messaging.register";        // device -> relay
inline constexpr const char* confirm = "messaging.confirm";       // device -> relay
inline constexpr const char* registered = "messaging.registered"; // relay -> device
inline constexpr const char* lookup = "messaging.lookup";         // device -> relay
inline constexpr const char* key = "messaging.key";               // relay -> device
inline constexpr const char* send = "messaging.send";             // device -> relay
inline constexpr const char* accepted = "messaging.accepted";     // relay -> device
inline constexpr const char* deliver = "messaging.deliver";       // relay -> device
inline constexpr const char* receipt = "messaging.receipt";       // device -> relay
inline constexpr const char* delivered = "messaging.delivered";   // relay -> device
} // namespace kind

inline constexpr std::size_t nonce_size = 16;
inline constexpr std::size_t link_key_size = 32;
inline constexpr std::size_t session_id_size = 16;
inline constexpr std::size_t fingerprint_size = 32;
inline constexpr std::size_t max_text = 4096;
/// Eviction notices one delivery may carry.
inline constexpr std::size_t max_eviction_notices = 64;

/// 1. Device -> relay, in clear: bind this phone to this key. Signed with the
/// key it carries (proof of possession; the binding itself needs the code).
struct enrolment {
  std::string phone;
  bytes public_key; ///< DER
  bytes nonce;
};
result<bytes> encode(const enrolment& x);
result<enrolment> decode_enrolment(byte_view in);

/// A payload and a signature over it (crypto/codec.hpp).
using crypto::decode_signed_blob;
using crypto::signed_blob;

/// 2. Device -> relay, sealed for the relay: the code the SMS brought, for
/// the enrolment with this nonce, and the link key for what follows.
struct confirmation {
  std::string phone;
  std::string code;
  bytes nonce;
  bytes link_key;
};
result<bytes> encode(const confirmation& x);
result<confirmation> decode_confirmation(byte_view in);

/// 3. Relay -> device, under the link key: "bound" or "refused: <why>".
struct registration_result {
  bytes nonce;
  bytes fingerprint; ///< of the key the relay bound (or was asked to)
  std::string outcome;
};
result<bytes> encode(const registration_result& x);
result<registration_result> decode_registration_result(byte_view in);

/// 4./5. Device -> relay: whose key? Relay -> device: that key (empty if
/// the phone is not registered), answering the nonce.
struct key_query {
  std::string phone;
  bytes nonce;
};
result<bytes> encode(const key_query& x);
result<key_query> decode_key_query(byte_view in);

struct key_answer {
  std::string phone;
  bytes nonce;
  bytes public_key;
};
result<bytes> encode(const key_answer& x);
result<key_answer> decode_key_answer(byte_view in);

/// The end-to-end message the relay routes but cannot read. The header is
/// in clear (the relay routes by it) and authenticated by the body's HMAC.
struct header {
  std::string from; ///< sender's phone
  std::string to;   ///< recipient's phone
  bytes session;
  std::uint64_t seq = 0;
};
result<bytes> encode(const header& x);

struct envelope {
  header h;
  bytes wrapped_key; ///< RSA-OAEP for the recipient; empty once the session is confirmed
  bytes wrap_signature;
  bytes body; ///< IV ‖ AES-256-CBC ‖ HMAC-SHA256(header ‖ IV ‖ ciphertext)
};
result<bytes> encode(const envelope& x);
result<envelope> decode_envelope(byte_view in);
/// What the sender signs to vouch for a wrapped session key.
result<bytes> wrap_statement(const header& h, byte_view wrapped_key);

/// 6. Device -> relay: route this to `to`.
struct submission {
  std::string to;
  bytes envelope;
};
result<bytes> encode(const submission& x);
result<submission> decode_submission(byte_view in);

/// The relay's name for one message: the first 8 bytes of SHA-256 over its
/// envelope, in hex (sender, relay and recipient compute the same).
std::string message_id(byte_view envelope);

/// 7. Relay -> device: the message with this id is held ("held"), or why not
/// ("refused: unknown-recipient").
struct acceptance {
  std::string msg;
  std::string status;
};
result<bytes> encode(const acceptance& x);
result<acceptance> decode_acceptance(byte_view in);

/// Messages the relay dropped from a full queue, as it tells the recipient:
/// `count` messages of one session from `seq` on (a run, so that a long
/// eviction is one notice).
struct eviction {
  std::string from;
  bytes session;
  std::uint64_t seq = 0;
  std::uint64_t count = 1;
};

/// 8. Relay -> device: a message, with the evictions from its session that
/// the recipient has not been told of.
struct delivery {
  std::string from;
  bytes envelope;
  std::vector<eviction> evicted;
};
result<bytes> encode(const delivery& x);
result<delivery> decode_delivery(byte_view in);

/// 9./10. Recipient -> relay -> sender, signed by the recipient: I showed it.
struct receipt_statement {
  std::string msg;
  std::string from; ///< the original sender's phone
  std::string to;   ///< the recipient's phone (who signs)
  bytes session;
  std::uint64_t seq = 0;
};
result<bytes> encode(const receipt_statement& x);
result<receipt_statement> decode_receipt_statement(byte_view in);

/// A link packet: payload + HMAC(link key, kind ‖ phone ‖ payload).
struct linked {
  std::string phone; ///< the device's phone: which link key
  bytes payload;
  bytes mac;
};
result<bytes> encode(const linked& x);
result<linked> decode_linked(byte_view in);
bytes link_mac(byte_view link_key, const char* kind, const std::string& phone, byte_view payload);
result<bytes> link(byte_view link_key, const char* kind, const std::string& phone,
                   result<bytes> payload);
/// The payload, if the MAC verifies under `link_key` (constant-time compare).
result<bytes> unlink(byte_view link_key, const char* kind, const linked& x);

/// The registration SMS, in one fixed format:
///   "Your <relay> code for key 1a2b3c4d: 123456"
/// naming the key being registered (the first 4 bytes of its fingerprint),
/// so a device uses a code only for its own key and shows the user that
/// someone else is registering the number.
std::string code_sms_text(const std::string& relay, const std::string& code, byte_view fingerprint);
struct code_sms {
  std::string code;
  std::string key; ///< 8 hex digits
};
std::optional<code_sms> parse_code_sms(const std::string& text);
std::string key_reference(byte_view fingerprint);

} // namespace protobed::messaging
