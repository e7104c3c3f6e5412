// Writes seed corpora for the fuzz targets: the packets of a real e-commerce
// purchase (every kind) and of a chat (every messaging kind), keys in DER and PEM, and the scenario
// library.
//   make_seeds OUT_DIR SCENARIO_DIR
#include <filesystem>
#include <fstream>
#include <iostream>

#include "actors/ecommerce/messages.hpp"
#include "actors/messaging/device.hpp"
#include "actors/messaging/relay.hpp"
#include "actors/micropay/peer.hpp"
#include "actors/micropay/server.hpp"
#include "actors/purchase/customer.hpp"
#include "actors/purchase/opd.hpp"
#include "actors/services/mail_server.hpp"
#include "actors/services/otp_provider.hpp"
#include "crypto/password.hpp"
#include "tests/actors/ecommerce_world.hpp"
#include "tests/fuzz/stateful_worlds.hpp"

namespace fs = std::filesystem;
using namespace protobed;

namespace {

void write(const fs::path& p, const std::vector<std::uint8_t>& b) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary)
    .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

void packets(const fs::path& out) {
  test::ecommerce_world w;
  w.build();
  int bank_replies = 0; // the first is lost: both resolutions cross the wire
  w.h.on_wire = [&](packet& p) {
    return p.kind != ecommerce::kind::bank_reply || bank_replies++ > 0;
  };
  w.buy();
  w.h.run();
  std::size_t n = 0;
  for (const auto* k :
       {ecommerce::kind::otp_request, ecommerce::kind::otp_reply, ecommerce::kind::setup,
        ecommerce::kind::setup_reply, ecommerce::kind::pm_po, ecommerce::kind::pm_forward,
        ecommerce::kind::bank_reply, ecommerce::kind::outcome, ecommerce::kind::resolve,
        ecommerce::kind::resolve_reply, ecommerce::kind::merchant_resolve, "otp.sms"})
    for (const auto& p : w.h.sent(k)) {
      write(out / "ecommerce" / (std::string(k) + "." + std::to_string(++n)), p.bytes);
      write(out / "codec" / (std::string(k) + "." + std::to_string(n)), p.bytes);
      write(out / "crypto" / (std::string(k) + "." + std::to_string(n)), p.bytes);
    }
  auto key = w.h.long_term_key("bank");
  write(out / "crypto" / "public.der", key.public_key().to_der());
  auto pem = key.public_key().to_pem();
  write(out / "crypto" / "public.pem", std::vector<std::uint8_t>(pem.begin(), pem.end()));
}

/// For a stateful target: every packet of its world's honest run (the same
/// keys, so signatures and MACs hold), prefixed with each point of the run
/// it was already sent at and the packet's hop, as fuzz::play reads them.
void stateful_packets(const fs::path& out, const std::string& target,
                      const fuzz::stateful_world& world) {
  auto plan = fuzz::plan_of(world);
  std::size_t n = 0;
  for (const auto& p : plan.packets)
    for (std::size_t at = 0; at < plan.points.size(); ++at) {
      if (plan.points[at] < p.at)
        continue;
      std::vector<std::uint8_t> seed = {static_cast<std::uint8_t>(at),
                                        static_cast<std::uint8_t>(p.hop)};
      seed.insert(seed.end(), p.bytes.begin(), p.bytes.end());
      write(out / target / ("seed." + std::to_string(++n)), seed);
    }
}

/// A chat in which every messaging kind crosses the wire (bob is offline
/// for a while, so a delivery carries an eviction notice): the bytes, each
/// prefixed with the kind's index as fuzz_messaging reads it.
void messaging_packets(const fs::path& out) {
  test::core_harness h(7);
  for (auto name : {"relay", "sms", "alice", "bob"})
    h.dir.add_participant(name, "x");
  h.dir.add_phone("+1", "alice");
  h.dir.add_phone("+2", "bob");
  messaging::relay_config rc;
  rc.sms = "sms";
  h.add("relay", std::make_unique<messaging::relay>(rc, h.long_term_key("relay"), h.dir));
  h.add("sms", std::make_unique<otp_provider>(h.long_term_key("sms"), h.dir));
  for (auto [name, phone] : {std::pair{"alice", "+1"}, std::pair{"bob", "+2"}}) {
    messaging::device_config c;
    c.relay = "relay";
    c.phone = phone;
    h.add(name, std::make_unique<messaging::device>(c, h.long_term_key(name), h.dir));
    h.command(name, {"register", {}}, std::chrono::seconds(0));
  }
  h.set_reachable("bob", false, std::chrono::seconds(3));
  h.command("alice", {"send", {{"to", "bob"}, {"text", "hi"}, {"count", "3"}}},
            std::chrono::seconds(5));
  h.set_reachable("bob", true, std::chrono::seconds(30));
  h.run();
  const char* kinds[] = {messaging::kind::enrol,
                         messaging::kind::confirm,
                         messaging::kind::registered,
                         messaging::kind::lookup,
                         messaging::kind::key,
                         messaging::kind::send,
                         messaging::kind::accepted,
                         messaging::kind::deliver,
                         messaging::kind::receipt,
                         messaging::kind::delivered,
                         sms_kind};
  std::size_t n = 0;
  for (std::uint8_t i = 0; i < std::size(kinds); ++i)
    for (const auto& p : h.sent(kinds[i])) {
      std::vector<std::uint8_t> seed{i};
      seed.insert(seed.end(), p.bytes.begin(), p.bytes.end());
      write(out / "messaging" / (std::string(kinds[i]) + "." + std::to_string(++n)), seed);
      write(out / "codec" / (std::string(kinds[i]) + "." + std::to_string(n)), p.bytes);
    }
}

/// A payment and a chat in which every micropay kind crosses the wire: the
/// bytes, each prefixed with the kind's index as fuzz_micropay reads it.
void micropay_packets(const fs::path& out) {
  test::core_harness h(9);
  h.dir.add_participant("server", "micropay.server");
  micropay::server_config sc;
  sc.accounts = {{"alice", 100}, {"bob", 0}};
  h.add("server", std::make_unique<micropay::server>(sc, h.long_term_key("server"), h.dir));
  for (auto name : {"alice", "bob"}) {
    h.dir.add_participant(name, "micropay.peer");
    micropay::peer_config c;
    c.server = "server";
    c.user = name;
    h.add(name, std::make_unique<micropay::peer>(c, h.long_term_key(name), h.dir));
    h.command(name, {"register", {}}, std::chrono::seconds(0));
    h.command(name, {"login", {}}, std::chrono::seconds(1));
  }
  h.command("alice", {"pay", {{"to", "bob"}, {"amount", "5"}}}, std::chrono::seconds(2));
  h.command("alice", {"chat", {{"to", "bob"}, {"text", "hi"}}}, std::chrono::seconds(3));
  h.run();
  const char* kinds[] = {micropay::kind::hello, micropay::kind::welcome, micropay::kind::command,
                         micropay::kind::reply, micropay::kind::dial,    micropay::kind::answer,
                         micropay::kind::token, micropay::kind::redeem,  micropay::kind::settled,
                         micropay::kind::chat};
  std::size_t n = 0;
  for (std::uint8_t i = 0; i < std::size(kinds); ++i)
    for (const auto& p : h.sent(kinds[i])) {
      std::vector<std::uint8_t> seed{i};
      seed.insert(seed.end(), p.bytes.begin(), p.bytes.end());
      write(out / "micropay" / (std::string(kinds[i]) + "." + std::to_string(++n)), seed);
      write(out / "codec" / (std::string(kinds[i]) + "." + std::to_string(n)), p.bytes);
    }
}

/// A login and an order in which every purchase and mail kind crosses the
/// wire: the bytes, each prefixed with the kind's index as fuzz_purchase
/// reads it.
void purchase_packets(const fs::path& out) {
  test::core_harness h(12);
  h.dir.add_participant("opd", "purchase.opd");
  h.dir.add_participant("mail", "mail_server");
  h.dir.add_participant("alice", "purchase.customer");
  auto salts = crypto::rng::deterministic(1, "seeds.salts");
  purchase::opd_config oc;
  oc.customers = {
    {"alice", "alice", *crypto::hash_password(salts, "pw", {1024, 8, 1}), "alice@example.com"}};
  oc.stock = {{"book", 3}};
  oc.mail.server = "mail";
  h.add("opd", std::make_unique<purchase::opd>(oc, h.long_term_key("opd"), h.dir));
  h.add("mail", std::make_unique<services::mail_server>(services::mail_server_config{},
                                                        h.long_term_key("mail"), h.dir));
  purchase::customer_config cc;
  cc.opd = "opd";
  cc.id = "alice";
  cc.password = "pw";
  h.add("alice", std::make_unique<purchase::customer>(
                   cc, crypto::signing_key(h.long_term_key("alice")), h.dir));
  h.command("alice", {"login", {}}, std::chrono::seconds(0));
  h.command("alice", {"order", {{"item", "book"}}}, std::chrono::seconds(1));
  h.run();
  const char* kinds[] = {purchase::kind::login,      purchase::kind::welcome,
                         purchase::kind::order,      purchase::kind::receipt,
                         services::mail_kind::hello, services::mail_kind::submit,
                         services::mail_kind::ack};
  std::size_t n = 0;
  for (std::uint8_t i = 0; i < std::size(kinds); ++i)
    for (const auto& p : h.sent(kinds[i])) {
      std::vector<std::uint8_t> seed{i};
      seed.insert(seed.end(), p.bytes.begin(), p.bytes.end());
      write(out / "purchase" / (std::string(kinds[i]) + "." + std::to_string(++n)), seed);
      write(out / "codec" / (std::string(kinds[i]) + "." + std::to_string(n)), p.bytes);
    }
}

void scenarios(const fs::path& out, const fs::path& library) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(library))
    if (e.path().extension() == ".yaml")
      fs::copy_file(e.path(), out / "scenario" / (std::to_string(++n) + ".yaml"),
                    fs::copy_options::overwrite_existing);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_seeds OUT_DIR SCENARIO_DIR\n";
    return 2;
  }
  fs::path out = argv[1];
  fs::create_directories(out / "scenario");
  packets(out);
  stateful_packets(out, "ecommerce_stateful", fuzz::ecommerce_stateful());
  stateful_packets(out, "messaging_stateful", fuzz::messaging_stateful());
  stateful_packets(out, "micropay_stateful", fuzz::micropay_stateful());
  stateful_packets(out, "purchase_stateful", fuzz::purchase_stateful());
  messaging_packets(out);
  micropay_packets(out);
  purchase_packets(out);
  scenarios(out, argv[2]);
  return 0;
}
