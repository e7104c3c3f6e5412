// The merchant (docs/protocols/ecommerce.md): opens a transaction per
// checkout (fresh tid, signed), checks the client's signed purchase order,
// forwards the sealed payment to the bank with its own signed claim, and
// relays the bank's signed outcome back to the client. If the bank's answer
// does not come, it resolves with the bank itself; it ships (OrderShipped)
// only on a committed outcome.
#pragma once

#include <map>
#include <string>

#include "actors/ecommerce/messages.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "crypto/rsa.hpp"

namespace protobed::ecommerce {

struct merchant_config {
  std::string bank;
  std::map<std::string, std::int64_t> catalogue; ///< item -> price
  bool verify_signatures = true;                 ///< client's PO signature and the bank's outcome
  bool check_tid = true;                         ///< a PO must name an open tid of this merchant
  bool resolve = true; ///< ask the bank when its answer to a forwarded PM does not come
  sim_time timeout = std::chrono::seconds(5); ///< before asking
  std::int64_t resolution_retries = 8;        ///< further attempts, backing off 2x each
};

class merchant final : public participant_core {
public:
  merchant(merchant_config cfg, crypto::rsa_private_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  observation observe() const override;

private:
  enum class state : std::uint8_t { open, forwarded, closed };
  struct session {
    std::string client;
    crypto::rsa_public_key client_key;
    bytes reply_key;
    bytes nonce;
    bytes tid;
    std::string item;
    std::int64_t amount = 0;
    state st = state::open;
    std::uint64_t number = 0; ///< for its resolution timer
    signed_blob claim;        ///< what it forwarded, signed: also its resolution request
    std::int64_t resolutions = 0;
  };

  void on_setup(const packet& p, context& ctx);
  void on_pm_po(const packet& p, context& ctx);
  void on_bank_reply(const packet& p, context& ctx);
  void reject_po(const std::string& why, const bytes& nonce, context& ctx);
  void resolve(session& s, context& ctx);
  session* by_number(std::uint64_t n);
  /// "" if the PO may be forwarded, else the reason to refuse it.
  std::string check_po(const session& s, const pm_po& msg, const purchase_order& po);

  merchant_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::map<bytes, session> sessions_; ///< client nonce -> session
  std::map<bytes, bytes> tids_;       ///< tid -> client nonce
  std::int64_t forwarded_ = 0;
  std::int64_t shipped_ = 0;
};

} // namespace protobed::ecommerce
