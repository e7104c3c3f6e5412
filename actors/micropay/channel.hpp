// A micropayment channel (docs/protocols/micropay.md): the signed X25519
// handshake that opens it and the numbered AES-256-GCM records it carries.
// Used for both peer<->server and peer<->peer channels.
#pragma once

#include <optional>
#include <string>

#include "actors/micropay/messages.hpp"
#include "actors/runtime/participant.hpp"
#include "crypto/kex.hpp"
#include "crypto/rsa.hpp"

namespace protobed::micropay {

/// One open channel, from one end's point of view.
struct channel {
  bytes id;
  bytes send_key;
  bytes recv_key;
  std::uint64_t sent = 0;     ///< the last sequence number sent
  std::uint64_t received = 0; ///< the highest sequence number accepted
  bytes peer_key;             ///< the other end's long-term key (DER), as authenticated
  std::string peer;           ///< the participant it talks to

  /// `payload` as a record of `kind` under the next sequence number.
  result<bytes> seal(crypto::rng& r, const char* kind, const result<bytes>& payload);
  /// The payload of record `rec` of `kind`, or nullopt after an event:
  /// RecordInvalid (the tag does not verify) or ReplayRejected (a sequence
  /// number not above the last one accepted, unless check_replays is off).
  std::optional<bytes> open(const char* kind, const record& rec, bool check_replays, context& ctx);
};

/// Both directions' keys (initiator->responder first), 64 bytes: X25519 of
/// one end's ephemeral private key and the other's public key, then HKDF with
/// the channel id as salt and label ‖ transcript ‖ responder's key as info.
result<bytes> channel_keys(const char* label, byte_view own_private, byte_view peer_public,
                           byte_view channel_id, byte_view transcript, byte_view responder_eph);

/// The initiator's state between its hello (or dial) and the answer.
struct dialing {
  bytes channel;
  crypto::x25519_keypair ephemeral;
  bytes sent; ///< the signed hello as sent (its hash is the transcript)
  std::string to;
};

/// Starts a handshake of kind `label` (hello or dial) to `to`.
result<dialing> start_handshake(const char* label, crypto::rng& r,
                                const crypto::rsa_private_key& me, const bytes& card, sim_time now,
                                const std::string& to);

/// A hello as the responder reads it: the fields, the key it carries, and
/// whether the signature by that key verifies.
struct inbound_hello {
  hello h;
  bytes transcript;  ///< SHA-256 of the signed bytes
  bytes fingerprint; ///< of the long-term key it carries
  bool signature_ok = false;
};
result<inbound_hello> read_hello(const char* label, byte_view packet);

/// The responder's answer (welcome or answer) and its end of the channel.
struct answered {
  bytes packet;
  struct channel channel;
};
result<answered> answer_hello(const char* label, crypto::rng& r, const crypto::rsa_private_key& me,
                              const inbound_hello& in, const bytes& card, const std::string& peer);

/// An answer as the initiator reads it.
struct inbound_welcome {
  welcome w;
  bytes fingerprint;          ///< of the long-term key it carries
  bool signature_ok = false;  ///< signed by the key it carries
  bool transcript_ok = false; ///< answers our hello
};
result<inbound_welcome> read_welcome(const char* label, const dialing& d, byte_view packet);
/// The initiator's end of the channel, once it accepted `in`.
result<channel> finish_handshake(const char* label, const dialing& d, const inbound_welcome& in);

} // namespace protobed::micropay
