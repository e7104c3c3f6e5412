// A user's client (micropay.peer): talks to the payment server over its own
// channel, one request at a time (resent until answered), and to other peers
// over direct channels. As a payer it asks the server for a token and hands
// it to the payee; as a payee it checks the server's signature, redeems the
// token and, once the server confirms it settled, shows "<payer> gives you
// <amount> dollars". Peers can also chat over their direct channel.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/micropay/channel.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"

namespace protobed::micropay {

struct peer_config {
  std::string server;
  std::string user; ///< the name it registers and logs in as
  sim_time timeout = std::chrono::seconds(2);
  std::int64_t retries = 6;
  bool check_handshakes = true; ///< verify handshake signatures, transcripts and cards
  bool verify_tokens = true;    ///< accept only tokens the server signed, for this peer
  bool check_replays = true;    ///< records only move forward
  /// A dial's card must be for the address it came from; a channel carries
  /// a token or chat only to the user its card names.
  bool bind_channels = true;
  /// Show a payment as received only once the server confirmed it settled.
  bool show_after_settlement = true;
};

class peer final : public participant_core {
public:
  peer(peer_config cfg, crypto::rsa_private_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  void on_command(const command& c, context& ctx) override;
  observation observe() const override;

private:
  struct pending_request {
    request rq;
    std::string kind;    ///< command or redeem (a string: literals are not compared by address)
    std::string shown;   ///< the command as the events show it
    std::string payment; ///< a payment's id (pay), or the token's (redeem)
    std::int64_t attempts = 0;
  };
  struct payment {
    std::string payee;
    std::int64_t amount = 0;
    bytes token; ///< the signed token, once the server gave it
    bytes token_id;
    std::string address;
    sim_time expires{};
    std::int64_t attempts = 0;
    bool finished = false;
    std::int64_t repeats_left = 0; ///< of a `count`: started when this one finishes
    std::string typed_amount;      ///< as the command gave it, for the repeats
  };
  struct peer_link {
    micropay::channel ch;
    std::string name; ///< the user its card names
    bytes answer;     ///< what we answered its dial with (responder side)
  };
  struct outbound {
    std::string kind;
    bytes payload;
  };

  // peer.cpp: the server channel and requests
  void ask(const char* kind, std::string text, bytes attachment, std::string shown,
           std::string payment, context& ctx);
  void send_head(context& ctx);
  void on_welcome(const packet& p, context& ctx);
  void on_server_record(const packet& p, context& ctx);
  void on_reply(const reply& r, context& ctx);
  void on_request_timeout(context& ctx);
  void finish_head(context& ctx);
  void learn_online(const std::string& text);

  // peer_pay.cpp: payments, as payer and as payee
  void start_payment(const command& c, context& ctx);
  /// Asks the server for a token: `text` is the PayRequest as sent (typed,
  /// or made from a `pay` command); every one is a PaymentRequested.
  void request_payment(const parsed_command& c, const std::string& text, std::int64_t repeats,
                       context& ctx);
  void on_pay_reply(const pending_request& head, const reply& r, context& ctx);
  void deliver_token(const std::string& id, context& ctx);
  void on_payment_timer(std::uint64_t n, context& ctx);
  void finish_payment(const std::string& id, const std::string& outcome, context& ctx);
  void on_settlement(const settlement& s, context& ctx);
  void on_token(const peer_link& from, const bytes& payload, context& ctx);
  std::optional<token> check_token(const bytes& blob, context& ctx);
  /// The server answered our redeem of `token` (its short id) with `text`.
  void on_redeemed(const std::string& token, const std::string& text, context& ctx);
  /// "<payer> gives you <amount> dollars" (PaymentReceived), once per token.
  void show_payment(const token& t, const std::string& via, context& ctx);

  // peer_link.cpp: direct channels and chat
  void send_direct(const std::string& name, const std::string& address, const char* kind,
                   const result<bytes>& payload, context& ctx);
  void on_dial(const packet& p, context& ctx);
  void on_answer(const packet& p, context& ctx);
  void on_peer_record(const packet& p, context& ctx);
  void on_dial_timeout(std::uint64_t n, context& ctx);
  /// The channel to `address`, if it may carry records for user `name`:
  /// with bind_channels only one whose card named `name` (else
  /// ChannelRefused, and it is no longer used for sending to `address`).
  peer_link* channel_for(const std::string& name, const std::string& address, context& ctx);
  /// The name a signed card vouches for `fingerprint`, or why not.
  std::optional<std::string> card_refusal(const bytes& signed_card, const bytes& fingerprint,
                                          card& out, context& ctx) const;
  void start_chat(const command& c, context& ctx);
  void flush_chats(context& ctx);

  peer_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;

  std::optional<dialing> server_dial_;
  std::optional<channel> server_;
  std::deque<pending_request> requests_; ///< the front is in flight
  std::uint64_t next_request_ = 1;
  bytes card_;                                ///< from the last login
  std::map<std::string, std::string> online_; ///< user -> address, from the last list

  std::map<std::string, payment> payments_; ///< payment id -> payment (as payer)
  std::unordered_map<bytes, std::string, crypto::bytes_hash> by_token_; ///< token id -> payment id
  std::uint64_t payment_count_ = 0;
  std::unordered_set<bytes, crypto::bytes_hash> accepted_tokens_; ///< as payee: checked
  std::unordered_set<bytes, crypto::bytes_hash> shown_tokens_;    ///< as payee: PaymentReceived
  struct unsettled {
    token t;
    std::string via; ///< the user whose channel brought it
  };
  std::map<std::string, unsettled> unsettled_; ///< short token id -> accepted, not yet shown

  std::map<std::string, dialing> dialing_;      ///< address -> handshake under way
  std::map<std::string, std::string> expected_; ///< address -> the user we dialed there
  std::map<std::string, std::uint64_t> dial_number_;
  std::uint64_t dial_count_ = 0;
  std::map<std::string, std::vector<outbound>> waiting_; ///< address -> records for the channel
  std::unordered_map<bytes, peer_link, crypto::bytes_hash> links_; ///< channel id -> direct channel
  /// address -> channel id; with bind_channels the address its card names
  std::map<std::string, bytes> link_to_;
  std::vector<std::pair<std::string, std::string>> chats_; ///< (to, text) waiting for a list
};

} // namespace protobed::micropay
