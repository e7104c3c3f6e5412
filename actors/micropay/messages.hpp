// The micropayment protocol's wire formats (docs/protocols/micropay.md), all
// in the canonical codec. Every payload starts with a label naming what it
// is, so a signature over one message can never be passed off as another.
//
// Two kinds of channel carry everything after the handshakes:
// - peer <-> server: the peer opens it with `hello`, the server answers with
//   `welcome`;
// - peer <-> peer: the payer (or chatter) opens it with `dial`, the other
//   answers with `answer`.
// Each handshake is X25519 with fresh ephemeral keys, signed by both ends'
// long-term RSA keys (PSS) over the whole transcript; HKDF-SHA256 turns the
// shared secret into one AES-256-GCM key per direction. Every later packet is
// a record: channel id, sequence number, and GCM over the payload with the
// kind, channel and sequence number as associated data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/codec.hpp"
#include "crypto/error.hpp"

namespace protobed::micropay {

using crypto::and_then;
using crypto::byte_view;
using crypto::bytes;
template <class T>
using result = crypto::result<T>;
using crypto::decode_signed_blob;
using crypto::signed_blob;

/// Packet kinds, in protocol order.
namespace kind {
inline constexpr const char* hello = "micropay.hello";     // peer -> server
inline constexpr const char* welcome = "micropay.welcome"; // server -> peer
inline constexpr const char* command = "micropay.command"; // peer -> server, a record
inline constexpr const char* reply = "micropay.reply";     // server -> peer, a record
inline constexpr const char* dial = "micropay.dial";       // payer -> payee
inline constexpr const char* answer = "micropay.answer";   // payee -> payer
inline constexpr const char* token = "micropay.token";     // payer -> payee, a record
inline constexpr const char* redeem = "micropay.redeem";   // payee -> server, a record
inline constexpr const char* settled = "micropay.settled"; // server -> payer, a record
inline constexpr const char* chat = "micropay.chat";       // peer -> peer, a record
} // namespace kind

inline constexpr std::size_t channel_id_size = 16;
inline constexpr std::size_t token_id_size = 16;
inline constexpr std::size_t max_text = 4096;

/// A server-signed statement that `name` (reachable at `address`) holds the
/// key with this fingerprint, until `expires`: what a peer shows another
/// peer instead of a shared certificate. The server issues it at login.
struct card {
  std::string name;
  std::string address;
  bytes key_fingerprint;
  std::int64_t expires = 0; ///< ns on the run's clock
};
result<bytes> encode(const card& x);
result<card> decode_card(byte_view in);

/// The opening of a handshake (`hello` to the server, `dial` to a peer),
/// signed with the long-term key it carries.
struct hello {
  bytes channel;         ///< fresh, names the channel from now on
  bytes ephemeral;       ///< X25519 public key
  bytes public_key;      ///< the sender's long-term RSA key, DER
  std::int64_t time = 0; ///< ns on the sender's clock (freshness)
  bytes card;            ///< a signed card (dial only; empty in a hello)
};
result<bytes> encode(const hello& x, const char* label);
result<hello> decode_hello(byte_view in, const char* label);

/// The answer (`welcome`, `answer`), signed by the responder's long-term key.
struct welcome {
  bytes channel;
  bytes ephemeral;
  bytes initiator_ephemeral; ///< the hello's ephemeral key: both shares are signed (SIGMA)
  bytes transcript;          ///< SHA-256 of the signed hello it answers
  bytes public_key;          ///< the responder's long-term RSA key, DER
  bytes card;                ///< the responder's signed card (answer only)
};
result<bytes> encode(const welcome& x, const char* label);
result<welcome> decode_welcome(byte_view in, const char* label);

/// A record: a payload under the channel's key for this direction.
struct record {
  bytes channel;
  std::uint64_t seq = 0;
  bytes sealed; ///< IV ‖ AES-256-GCM(payload) ‖ tag; AD = kind ‖ channel ‖ seq
};
result<bytes> encode(const record& x);
result<record> decode_record(byte_view in);
/// The associated data of a record.
bytes record_ad(const char* kind, byte_view channel, std::uint64_t seq);

/// A peer's request to the server (kind command or redeem): one of the seed's
/// command texts, numbered so that a resent request is answered, not redone.
struct request {
  std::uint64_t id = 0;
  std::string text;
  bytes attachment; ///< the token, for redeem
};
result<bytes> encode(const request& x);
result<request> decode_request(byte_view in);

/// The server's answer to request `id`: the seed's reply text, and for a
/// payment the token (and for a login the card) attached.
struct reply {
  std::uint64_t id = 0;
  std::string text;
  bytes attachment;
};
result<bytes> encode(const reply& x);
result<reply> decode_reply(byte_view in);

/// A single-use payment token, signed by the server.
struct token {
  bytes id;
  std::string payer;
  std::string payee;
  std::int64_t amount = 0;
  std::int64_t expires = 0; ///< ns on the run's clock
};
result<bytes> encode(const token& x);
result<token> decode_token(byte_view in);

/// The server tells a payer how its payment ended: "settled" or "expired".
struct settlement {
  bytes token;
  std::string outcome;
  std::int64_t amount = 0;
};
result<bytes> encode(const settlement& x);
result<settlement> decode_settlement(byte_view in);

/// A chat line between peers.
struct chat_line {
  std::string text;
};
result<bytes> encode(const chat_line& x);
result<chat_line> decode_chat_line(byte_view in);

/// The seed's replies, kept word for word.
namespace text {
inline constexpr const char* ok = "100 OK";
inline constexpr const char* taken = "210 FAIL";
inline constexpr const char* auth_fail = "220 AUTH_FAIL";
inline constexpr const char* wrong_state = "please type the right option number!";
inline constexpr const char* bye = "Bye!";
inline constexpr const char* payee_offline = "FAIL: Payee is not online";
inline constexpr const char* balance_low = "FAIL: Your account balance is not enough";
// Ours: the seed answered a payment with the payee's port alone.
inline constexpr const char* pay_ok = "PAY_OK#"; ///< + the payee's address
inline constexpr const char* not_your_account = "FAIL: You can only pay from your own account";
inline constexpr const char* bad_amount = "FAIL: The amount must be a whole number of dollars";
inline constexpr const char* no_payee = "FAIL: No such payee";
} // namespace text

/// A command text split on '#': REGISTER#name, name#address, List, Exit,
/// PayRequest#payer#amount#payee.
struct parsed_command {
  enum class verb { register_name, login, list, exit, pay, unknown } what = verb::unknown;
  std::string name;    ///< register, login: the user; pay: the payer
  std::string address; ///< login
  std::string amount;  ///< pay, as typed
  std::string payee;   ///< pay
};
parsed_command parse_command(const std::string& text);

/// "<payer> gives you <amount> dollars", as the seed's payee printed it.
std::string gives_you(const std::string& payer, std::int64_t amount);
/// A token id or key fingerprint as the events show it: 16 hex digits.
std::string short_id(byte_view b);

} // namespace protobed::micropay
