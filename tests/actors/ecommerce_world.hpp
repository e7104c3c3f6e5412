// A bank, a merchant, an SMS gateway and one client in a core_harness, with
// switches for each check, so tests read as one purchase and its outcome.
#pragma once

#include "actors/ecommerce/bank.hpp"
#include "actors/ecommerce/client.hpp"
#include "actors/ecommerce/merchant.hpp"
#include "actors/services/otp_provider.hpp"
#include "tests/support/core_harness.hpp"

namespace protobed::test {

struct ecommerce_world {
  core_harness h;
  ecommerce::bank_config bank_cfg;
  ecommerce::merchant_config shop_cfg;
  ecommerce::client_config alice_cfg;

  explicit ecommerce_world(std::uint64_t seed = 1)
    : h(seed) {
    bank_cfg.accounts = {{"alice", "4111111111111111", "12/29", "+40700000001", 100},
                         {"shop", "", "", "", 0}};
    bank_cfg.otp_provider = "sms";
    shop_cfg.bank = "bank";
    shop_cfg.catalogue = {{"book", 25}};
    alice_cfg = {"shop", "bank", "4111111111111111", "12/29", "+40700000001"};
    alice_cfg.session_key_bits = 1024; // fast keygen; the protocol is the same
  }

  /// Builds the participants from the configs as they are now.
  void build() {
    for (auto [name, role] : {std::pair{"bank", "ecommerce.bank"},
                              {"shop", "ecommerce.merchant"},
                              {"sms", "otp_provider"},
                              {"alice", "ecommerce.client"}})
      h.dir.add_participant(name, role);
    h.dir.add_phone("+40700000001", "alice");
    h.add("bank", std::make_unique<ecommerce::bank>(bank_cfg, h.long_term_key("bank"), h.dir));
    h.add("shop", std::make_unique<ecommerce::merchant>(shop_cfg, h.long_term_key("shop"), h.dir));
    h.add("sms", std::make_unique<otp_provider>(h.long_term_key("sms"), h.dir));
    h.add("alice", std::make_unique<ecommerce::client>(alice_cfg, h.dir));
  }

  void buy(std::map<std::string, std::string> args = {{"item", "book"}},
           sim_time at = std::chrono::seconds(1)) {
    h.command("alice", command{"buy", std::move(args)}, at);
  }

  std::string outcome() {
    return h.core("alice").observe().texts.at("outcome");
  }
  std::int64_t balance(const std::string& holder) {
    return h.core("bank").observe().numbers.at("balance." + holder);
  }
};

} // namespace protobed::test
