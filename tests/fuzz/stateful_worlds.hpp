// The world each protocol's stateful fuzz target plays (tests/fuzz/stateful.hpp)
// and make_seeds records its seeds from: the participants with fixed keys and
// one honest run scripted in them, small enough to play once per input.
#pragma once

#include <memory>

#include "actors/ecommerce/invariants.hpp"
#include "actors/messaging/device.hpp"
#include "actors/messaging/invariants.hpp"
#include "actors/messaging/relay.hpp"
#include "actors/micropay/invariants.hpp"
#include "actors/micropay/peer.hpp"
#include "actors/micropay/server.hpp"
#include "actors/purchase/customer.hpp"
#include "actors/purchase/invariants.hpp"
#include "actors/purchase/opd.hpp"
#include "actors/services/mail_server.hpp"
#include "actors/services/otp_provider.hpp"
#include "crypto/password.hpp"
#include "tests/actors/ecommerce_world.hpp"
#include "tests/fuzz/stateful.hpp"

namespace protobed::fuzz {

using namespace std::chrono_literals;

/// A harness whose participants use the fixed keys of their names.
inline std::unique_ptr<test::core_harness>
harness_with_keys(std::initializer_list<const char*> names, std::uint64_t seed) {
  auto h = std::make_unique<test::core_harness>(seed);
  for (const char* name : names)
    h->use_key(name, fixed_key_of(name));
  return h;
}

/// A bank, a merchant, an SMS gateway and a client; alice buys a book at 1 s.
inline stateful_world ecommerce_stateful() {
  return {[] {
            auto w = std::make_shared<test::ecommerce_world>();
            for (const char* name : {"bank", "shop", "sms"})
              w->h.use_key(name, fixed_key_of(name));
            w->build();
            dynamic_cast<ecommerce::client&>(w->h.core("alice")).make_keys_with([](unsigned) {
              return fixed_key_of("alice.session");
            });
            w->buy();
            return std::shared_ptr<test::core_harness>(w, &w->h);
          },
          ecommerce::invariants()};
}

/// A relay, an SMS gateway, alice (+1) and bob (+2), who register at 0;
/// alice sends bob two messages at 5 s.
inline stateful_world messaging_stateful() {
  return {[] {
            std::shared_ptr<test::core_harness> h =
              harness_with_keys({"relay", "sms", "alice", "bob"}, 7);
            h->dir.add_participant("relay", "messaging.relay");
            h->dir.add_participant("sms", "otp_provider");
            messaging::relay_config rc;
            rc.sms = "sms";
            h->add("relay", std::make_unique<messaging::relay>(rc, fixed_key_of("relay"), h->dir));
            h->add("sms", std::make_unique<otp_provider>(fixed_key_of("sms"), h->dir));
            for (auto [name, phone] : {std::pair{"alice", "+1"}, std::pair{"bob", "+2"}}) {
              h->dir.add_participant(name, "messaging.device");
              h->dir.add_phone(phone, name);
              messaging::device_config c;
              c.relay = "relay";
              c.phone = phone;
              h->add(name, std::make_unique<messaging::device>(c, fixed_key_of(name), h->dir));
              h->command(name, {"register", {}}, 0s);
            }
            h->command("alice", {"send", {{"to", "bob"}, {"text", "hi"}, {"count", "2"}}}, 5s);
            return h;
          },
          messaging::invariants()};
}

/// A payment server with alice 100, bob 20 and mallory 5; alice and bob
/// register at 0 and log in at 1 s; alice pays bob 5 at 3 s.
inline stateful_world micropay_stateful() {
  return {
    [] {
      std::shared_ptr<test::core_harness> h = harness_with_keys({"server", "alice", "bob"}, 11);
      h->dir.add_participant("server", "micropay.server");
      micropay::server_config sc;
      sc.accounts = {{"alice", 100}, {"bob", 20}, {"mallory", 5}};
      h->add("server", std::make_unique<micropay::server>(sc, fixed_key_of("server"), h->dir));
      for (const char* name : {"alice", "bob"}) {
        h->dir.add_participant(name, "micropay.peer");
        micropay::peer_config c;
        c.server = "server";
        c.user = name;
        h->add(name, std::make_unique<micropay::peer>(c, fixed_key_of(name), h->dir));
        h->command(name, {"register", {}}, 0s);
        h->command(name, {"login", {}}, 1s);
      }
      h->command("alice", {"pay", {{"to", "bob"}, {"amount", "5"}}}, 3s);
      return h;
    },
    micropay::invariants()};
}

/// An OPD selling 3 books to alice (password "a"), a mail server; alice logs
/// in at 0 and orders a book at 1 s.
inline stateful_world purchase_stateful() {
  return {[] {
            std::shared_ptr<test::core_harness> h = harness_with_keys({"opd", "mail", "alice"}, 21);
            h->dir.add_participant("opd", "purchase.opd");
            h->dir.add_participant("mail", "mail_server");
            h->dir.add_participant("alice", "purchase.customer");
            static const std::string hash = [] {
              auto r = crypto::rng::deterministic(3, "fuzz.salts");
              return *crypto::hash_password(r, "a", {1024, 8, 1});
            }();
            purchase::opd_config oc;
            oc.customers.push_back({"alice", "alice", hash, "alice@example.com"});
            oc.stock = {{"book", 3}};
            oc.mail.server = "mail";
            auto book = std::make_shared<purchase::order_book>(oc, fixed_key_of("opd"), h->dir);
            h->add("opd", std::make_unique<purchase::opd>(oc, fixed_key_of("opd"), h->dir, book));
            h->add("mail", std::make_unique<services::mail_server>(services::mail_server_config{},
                                                                   fixed_key_of("mail"), h->dir));
            purchase::customer_config c;
            c.opd = "opd";
            c.id = "alice";
            c.password = "a";
            h->add("alice", std::make_unique<purchase::customer>(
                              c, crypto::signing_key(fixed_key_of("alice")), h->dir));
            h->command("alice", {"login", {}}, 0s);
            h->command("alice", {"order", {{"item", "book"}, {"quantity", "1"}}}, 1s);
            return h;
          },
          purchase::invariants()};
}

} // namespace protobed::fuzz
