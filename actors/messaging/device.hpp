// A user's phone app (messaging.device): registers its phone and key with the
// relay (SMS code), looks up contacts' keys and keeps their safety numbers,
// and exchanges end-to-end encrypted messages. Sending is one message at a
// time per device, each retried until the relay accepts it; receiving checks
// the session key's signature, the HMAC, the sequence number and gaps.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/messaging/messages.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/runtime/registry.hpp"
#include "crypto/rsa.hpp"

namespace protobed::messaging {

struct device_config {
  std::string relay;
  std::string phone;
  sim_time code_delay = std::chrono::seconds(1); ///< the user reads and types the code
  sim_time timeout = std::chrono::seconds(5);    ///< wait for the relay before sending again
  std::int64_t retries = 6;
  /// Compare each contact's key with the safety number exchanged out of band
  /// (the contact's real key, as if scanned in person).
  bool verify_safety_numbers = false;
  bool verify_signatures = true; ///< session-key signatures and receipts
  bool check_macs = true;        ///< the message HMAC (off: decrypt without it)
  bool check_replays = true;     ///< refuse a sequence number already shown
  bool check_gaps = true;        ///< refuse a gap no eviction explains
  bool check_links = true;       ///< refuse relay packets whose link MAC fails
  /// A key that fails the safety-number check is never stored or used, and
  /// its contact stays blocked until `verify` finds the out-of-band key (off:
  /// the seed's app, which kept the key and let the next send use it).
  bool block_mismatched_keys = true;
  /// Open and authenticate a message before its header's sequence number is
  /// acted on (off: replay and gap checks first, a receipt for a replay
  /// signed before the MAC is checked).
  bool authenticate_first = true;
};

class device final : public participant_core {
public:
  device(device_config cfg, crypto::rsa_private_key key, const directory& dir);

  /// New key pairs (reregister) from `k` instead of the RNG (a key seed).
  void make_keys_with(key_maker k) {
    fresh_key_ = std::move(k);
  }

  void on_command(const command& c, context& ctx) override;
  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  observation observe() const override;

private:
  struct contact {
    std::optional<crypto::rsa_public_key> key; ///< the key in use (checked, if checks are on)
    bytes fingerprint;
    bytes lookup_nonce;       ///< the lookup in flight, if any
    bool unavailable = false; ///< no key came: the next send asks again
    bool blocked = false;     ///< a key failed the safety-number check: only `verify` lifts it
    bool verifying = false;   ///< the lookup in flight is the user's `verify`
    std::int64_t lookup_attempts = 0;
  };
  struct out_session {
    bytes id;
    bytes key; ///< AES-256 key ‖ HMAC key
    std::uint64_t next_seq = 0;
    bytes wrapped_key;
    bytes wrap_signature;
    bool confirmed = false; ///< a receipt came: later messages leave the wrap out
  };
  struct in_session {
    bytes key;
    std::uint64_t next_seq = 0;
    std::map<std::uint64_t, std::string> shown; ///< sequence number -> the message shown
  };
  /// A session a delivery names: one this device has, or one its wrapped
  /// key opens (kept only once the message authenticates).
  struct session_ref {
    in_session* known = nullptr;
    std::optional<in_session> opened;
    in_session& get() {
      return known ? *known : *opened;
    }
  };
  struct queued_message {
    std::string to; ///< contact's phone
    std::string text;
    std::int64_t number = 0; ///< this device's count of messages, for the trace
    bytes envelope;          ///< built when it reaches the head of the outbox
    std::string msg;
    std::int64_t attempts = 0;
  };
  struct sent_message {
    std::string to;
    std::int64_t number = 0;
  };

  // device.cpp: registration, lookups, commands
  void start_registration(const command& c, context& ctx);
  void on_sms(const packet& p, context& ctx);
  void send_confirmation(context& ctx);
  void retry_registration(context& ctx);
  void retry_lookups(context& ctx);
  void on_registered(const packet& p, context& ctx);
  void lookup(const std::string& phone, context& ctx);
  void verify(const command& c, context& ctx);
  void on_key(const packet& p, context& ctx);
  void take_key(const std::string& phone, contact& c, crypto::rsa_public_key key, bool verifying,
                context& ctx);
  bool check_safety_number(const std::string& phone, const bytes& fingerprint, bool verifying,
                           context& ctx);
  std::optional<bytes> open_link(const packet& p, context& ctx);
  /// A link packet's payload decoded with `decode`, or nullopt after an event.
  template <class F>
  auto read_linked(const packet& p, context& ctx, F decode) -> decltype(decode(bytes{})) {
    auto payload = open_link(p, ctx);
    if (!payload)
      return crypto::make_error(crypto::errc::auth_failed, "link packet refused");
    auto x = decode(*payload);
    if (!x)
      ctx.emit("PacketRejected",
               {{"kind", p.kind}, {"from", p.from}, {"reason", x.error().message()}});
    return x;
  }
  void send_linked(const char* kind, result<bytes> payload, context& ctx);
  std::string name_of(const std::string& phone) const;

  // device_send.cpp: the outbox and receipts
  void queue_messages(const command& c, context& ctx);
  void pump(context& ctx);
  bool build_head(queued_message& m, context& ctx);
  out_session* session_for(const std::string& phone, context& ctx);
  void on_accepted(const packet& p, context& ctx);
  void on_delivered(const packet& p, context& ctx);
  void retry_head(context& ctx);
  /// The head's resend deadline, on one timer that is never cancelled (an
  /// acceptance just clears the deadline): no timer per message.
  void resend_at(sim_time deadline, context& ctx);
  void on_resend_timer(context& ctx);
  void stop_resend(context& ctx);

  // device_receive.cpp: deliveries
  void on_delivery(const packet& p, context& ctx);
  void process(const delivery& d, context& ctx);
  /// The seed's order (authenticate_first off): sequence number first.
  void process_header_first(const delivery& d, const envelope& e, const std::string& msg,
                            context& ctx);
  void show(const delivery& d, const envelope& e, const std::string& msg, const std::string& text,
            in_session& s, context& ctx);
  void tell_evictions(const delivery& d, const envelope& e, context& ctx);
  std::optional<session_ref> session_of(const envelope& e, context& ctx);
  in_session& keep_session(const envelope& e, session_ref& s, context& ctx);
  std::optional<std::string> open_body(const envelope& e, const in_session& s, context& ctx);
  bool replayed(const envelope& e, const std::string& msg, const in_session& s, context& ctx);
  bool explained_gap(const delivery& d, const envelope& e, const in_session& s, context& ctx);
  void send_receipt(const envelope& e, const std::string& msg, context& ctx);

  device_config cfg_;
  crypto::rsa_private_key key_;
  key_maker fresh_key_;
  const directory& dir_;
  // registration
  bytes enrol_nonce_;
  bytes link_key_;
  std::optional<std::string> typed_code_; ///< the code the user types instead of the SMS's
  std::optional<std::string> sms_code_;
  sim_time typing_delay_{};
  bool registered_ = false;
  command registration_; ///< the register command in progress, to send again
  std::int64_t registration_attempts_ = 0;
  // chat
  std::map<std::string, contact> contacts_; ///< phone -> key
  std::map<std::string, out_session> out_sessions_;
  std::map<std::pair<std::string, bytes>, in_session> in_sessions_;
  std::deque<queued_message> outbox_;
  std::map<std::string, sent_message> awaiting_receipt_;         ///< msg id -> message
  std::map<std::string, std::vector<delivery>> waiting_for_key_; ///< sender phone -> deliveries
  std::optional<sim_time> resend_deadline_;
  std::optional<sim_time> resend_armed_;
  std::int64_t messages_ = 0;
  std::int64_t shown_ = 0;
  std::int64_t confirmed_ = 0;
};

} // namespace protobed::messaging
