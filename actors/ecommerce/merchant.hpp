// The merchant (docs/protocols/ecommerce.md): opens a transaction per
// checkout (fresh tid, signed), checks the client's signed purchase order,
// forwards the sealed payment to the bank with its own signed claim, and
// relays the bank's signed outcome back to the client.
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
};

class merchant final : public participant_core {
public:
  merchant(merchant_config cfg, crypto::rsa_private_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
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
  };

  void on_setup(const packet& p, context& ctx);
  void on_pm_po(const packet& p, context& ctx);
  void on_bank_reply(const packet& p, context& ctx);
  void reject_po(const std::string& why, const bytes& nonce, context& ctx);
  /// "" if the PO may be forwarded, else the reason to refuse it.
  std::string check_po(const session& s, const pm_po& msg, const purchase_order& po);

  merchant_config cfg_;
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::map<bytes, session> sessions_; ///< client nonce -> session
  std::map<bytes, bytes> tids_;       ///< tid -> client nonce
  std::int64_t forwarded_ = 0;
};

} // namespace protobed::ecommerce
