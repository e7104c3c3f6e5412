// A customer (purchase.customer): logs in with its customer ID and password
// (inside an envelope only the OPD can open), then places orders one after
// another, each signed with RSA-PSS or DSA as it chose, and checks the OPD's
// signed receipt against the order it sent. An order not answered in time
// is sent again unchanged (same nonce), so the OPD answers it from its
// record instead of processing it twice. A receipt that is not the OPD's is
// rejected (ReceiptRejected); a genuine one for another order is ignored by
// name (ReceiptIgnored). The OPD's answer may be "unknown": an order its
// book cannot know (it may have shipped before the book was lost).
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <string>

#include "actors/purchase/messages.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/services/session.hpp"

namespace protobed::purchase {

struct customer_config {
  std::string opd; ///< the OPD participant
  std::string id;  ///< customer ID; empty: the participant's name
  std::string password;
  sim_time timeout = std::chrono::seconds(2);
  int retries = 6;
  bool verify_receipts = true; ///< accept only receipts the OPD signed, for the order sent
  bool carry_key = false;      ///< put the public key in the order, as the seed did
  sim_time clock_offset{};     ///< how far this customer's clock is off (stale orders)
};

class customer final : public participant_core {
public:
  customer(customer_config cfg, crypto::signing_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  void on_command(const command& c, context& ctx) override;
  observation observe() const override;

private:
  struct wanted {
    std::string item;
    std::uint32_t quantity = 0;
    std::uint64_t count = 1;
  };
  struct in_flight {
    bytes nonce;
    bytes signed_order;
    bytes digest;
    int attempts = 0;
    std::string purchase; ///< this customer's own name for it: "<participant>.<n>"
  };
  void queue_order(const command& c, context& ctx);
  void start_login(const std::string& id, const std::string& password, context& ctx);
  void on_welcome(const bytes& payload, context& ctx);
  void on_receipt(const bytes& payload, context& ctx);
  void next_order(context& ctx);
  void send_order(context& ctx);
  void finish_order(const std::string& outcome, const std::string& number,
                    const std::string& reason, context& ctx);
  sim_time clock(const context& ctx) const {
    return ctx.now() + cfg_.clock_offset;
  }

  customer_config cfg_;
  crypto::signing_key key_;
  const directory& dir_;
  std::optional<services::session> session_;
  bytes login_; ///< the login as sent, sent again on timeout
  int login_attempts_ = 0;
  bool logged_in_ = false;
  std::string login_id_; ///< the ID the current session logged in as
  std::deque<wanted> orders_;
  std::optional<in_flight> current_;
  std::set<bytes> finished_; ///< digests of orders already answered
  std::int64_t accepted_ = 0, refused_ = 0, unknown_ = 0, failed_ = 0;
  std::uint64_t placed_ = 0;
};

} // namespace protobed::purchase
