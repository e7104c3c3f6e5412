// protobed explore: schedules drawn from seeds, written back as YAML, shrunk,
// and — the proof it is worth running — finding, for each protocol, the hole
// a switched-off check opens, shrinking it, and writing a reproducer that
// `protobed run` fails the same way.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "actors/messaging/device.hpp"
#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/director.hpp"
#include "scenarios/engine/key_cache.hpp"
#include "scenarios/engine/world.hpp"
#include "scenarios/engine/yaml_tree.hpp"
#include "scenarios/explore/explorer.hpp"
#include "scenarios/explore/yaml_writer.hpp"

using namespace protobed;
using namespace protobed::explore;

namespace {

std::string library(const std::string& rel) {
  return std::string(PROTOBED_SCENARIO_DIR) + "/" + rel;
}

std::vector<std::string> described(const schedule& s) {
  std::vector<std::string> out;
  for (const auto& i : s.items)
    out.push_back(i.describe());
  return out;
}

std::size_t count_type(const schedule& s, const std::string& type) {
  return static_cast<std::size_t>(
    std::count_if(s.items.begin(), s.items.end(), [&](const auto& i) { return i.type() == type; }));
}

std::string trace_text(const run_result& r) {
  std::ostringstream out;
  r.trace->write_jsonl(out);
  return out.str();
}

std::string temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("protobed-explore-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

} // namespace

TEST_CASE("the YAML writer gives back the tree it was given", "[explore][yaml]") {
  auto text = std::string(R"(scenario: "odd: names"
description: "a # not a comment, \"quoted\", tab\there"
values: [null, "~", "", "*->bob", "alice->*", "12/29", "+40700000001", "4111000000000001",
         -1, 0.05, 300ms, "- dash", "yes", "a: b", "[x]", "&anchor", "!tag", "%p", "@at", "`x`"]
nested: {a: {b: [1, 2, {c: d}]}, empty_map: {}, empty_list: []}
long:
  - {first: "a value long enough", second: "that this map does not fit", third: "on one line at all"}
  - [x]
)");
  auto tree = parse_yaml(text);
  auto again = parse_yaml(to_yaml(tree));
  CHECK(to_flow(again) == to_flow(tree));
  CHECK(to_yaml(again) == to_yaml(tree));
  // Card numbers, phones and dates stay quoted, as people write them.
  CHECK(to_yaml(tree).find("\"4111000000000001\"") != std::string::npos);
  CHECK(to_yaml(tree).find("\"*->bob\"") != std::string::npos);
  CHECK(to_yaml(tree).find("\n  - first: \"a value long enough\"\n    second:") !=
        std::string::npos);
}

TEST_CASE("the YAML writer round-trips every library scenario", "[explore][yaml]") {
  for (const auto& rel : {"ecommerce/lossy-network.yaml", "messaging/lossy-network.yaml",
                          "micropay/lossy-network.yaml", "purchase/lossy-network.yaml"}) {
    std::ifstream in(library(rel));
    std::ostringstream text;
    text << in.rdbuf();
    auto tree = parse_yaml(text.str());
    INFO(rel);
    CHECK(to_flow(parse_yaml(to_yaml(tree))) == to_flow(tree));
  }
}

TEST_CASE("a schedule is a function of the seed, within the explore: bounds", "[explore]") {
  auto t = load_target(library("ecommerce/lossy-network.yaml"));
  CHECK(described(draw_schedule(t.loaded, 7)) == described(draw_schedule(t.loaded, 7)));
  std::set<std::vector<std::string>> distinct;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    CHECK(s.faults() <= 3);
    // At most two actions, and at most one key compromise besides, only in a
    // schedule that forges; an insider's 1–3 steps (insiders: 0..1) apart,
    // a flood's step (floods: 0..1) and a dishonest merchant (its own
    // compromise and one answer) besides.
    auto compromises = count_type(s, "compromise");
    auto forges =
      count_type(s, "forge") + count_type(s, "impersonate") + count_type(s, "substitute_key");
    auto steps = std::count_if(s.items.begin(), s.items.end(), [](const schedule_item& i) {
      return i.where == schedule_item::part::step;
    });
    CHECK(steps <= 3 + 1);
    CHECK(s.actions() - compromises - static_cast<std::size_t>(steps) <= 2 + 1);
    CHECK(compromises <= 2);
    if (compromises > 0)
      CHECK(forges > 0);
    distinct.insert(described(s));
  }
  CHECK(distinct.size() > 30);

  // Bounds from the file: only crashes, of the clients, two to four of them.
  t.loaded.explore.min_faults = 2;
  t.loaded.explore.max_faults = 4;
  t.loaded.explore.max_actions = 0;
  t.loaded.explore.fault_kinds = {"crash"};
  t.loaded.explore.always_up = {"bank", "shop", "sms"};
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    CHECK(s.items.size() >= 2);
    CHECK(s.items.size() <= 4);
    for (const auto& item : s.items) {
      CHECK(item.type() == "crash");
      auto who = item.body.entries.front().value.find("participant")->scalar;
      CHECK(who.rfind("c", 0) == 0);
    }
  }
}

TEST_CASE("a crash loses memory only where the role keeps its disk apart", "[explore]") {
  // Crashes only: which state each participant's crash draws.
  std::map<std::string, std::set<std::string>> states; // role -> states drawn
  for (const char* file : {"purchase/lossy-network.yaml", "ecommerce/lossy-network.yaml"}) {
    auto t = load_target(library(file));
    t.loaded.explore.fault_kinds = {"crash"};
    t.loaded.explore.min_faults = 3;
    t.loaded.explore.max_faults = 3;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
      auto drawn = draw_schedule(t.loaded, seed);
      for (const auto& item : drawn.items) {
        if (item.type() != "crash")
          continue; // an attacker's action
        const auto& f = item.body.entries.front().value;
        const auto* state = f.find("state");
        states[t.loaded.find(f.find("participant")->scalar)->role->name].insert(
          state ? state->scalar : "default");
      }
    }
  }
  // The OPD's book is on disk apart from its sessions: its memory is lost now and then.
  CHECK(states["purchase.opd"] == std::set<std::string>{"default", "lost"});
  // The bank's ledger is its state: never drawn lost (that is a lost disk).
  CHECK(states["ecommerce.bank"] == std::set<std::string>{"default"});
  // A role that restarts empty keeps its state now and then.
  CHECK(states["purchase.customer"] == std::set<std::string>{"default", "kept"});
}

namespace {

const config_node& options_of(const schedule_item& i) {
  return i.body.entries.front().value;
}

std::string option(const config_node& n, const std::string& key) {
  const auto* v = n.find(key);
  return v && v->is_scalar() ? v->scalar : std::string{};
}

/// The participants whose keys the schedule hands the attacker.
std::set<std::string> stolen_in(const schedule& s) {
  std::set<std::string> out;
  for (const auto& i : s.items)
    if (i.type() == "compromise")
      out.insert(option(options_of(i), "participant"));
  return out;
}

/// What one schedule's forges do, for the draws below.
struct forge_traits {
  bool spoofed = false;          ///< in the name of someone not playing the kind's sender
  bool answer = false;           ///< another kind, from the matched packet's receiver to its sender
  bool signed_stolen = false;    ///< a signer field names a participant whose key it stole
  std::set<std::string> signers; ///< who those are
  bool observed = false;         ///< a field copied from an observed packet
  bool public_key = false;       ///< a field carrying someone's public key
  std::set<std::string> integers; ///< literal integers it sets
};

forge_traits traits_of(const schedule& s, const std::vector<hop_choice>& hops) {
  forge_traits out;
  auto stolen = stolen_in(s);
  for (const auto& i : s.items) {
    if (i.type() != "forge")
      continue;
    const auto& o = options_of(i);
    const auto* on = o.find("on");
    auto kind = option(o, "kind"), from = option(o, "from"), to = option(o, "to");
    auto on_kind = on ? option(*on, "kind") : kind, link = on ? option(*on, "link") : "";
    auto arrow = link.find("->");
    if (!on) {
      // a session's forge, at a time (sessions are checked on their own below)
    } else if (kind != on_kind) {
      out.answer = out.answer || (from == link.substr(arrow + 2) && to == link.substr(0, arrow));
    } else if (!from.empty()) {
      for (const auto& h : hops)
        if (h.kind == kind)
          out.spoofed =
            out.spoofed || std::find(h.senders.begin(), h.senders.end(), from) == h.senders.end();
    }
    const auto* fields = o.find("fields");
    if (!fields)
      continue;
    for (const auto& f : fields->entries) {
      if (f.value.is_map()) {
        out.observed = out.observed || f.value.find("observed");
        out.public_key = out.public_key || f.value.find("public_key");
      } else if (f.key.size() >= 9 && f.key.compare(f.key.size() - 9, 9, "sign_with") == 0) {
        CHECK(stolen.count(f.value.scalar)); // only a key it holds
        out.signed_stolen = true;
        out.signers.insert(f.value.scalar);
      } else if (!f.value.scalar.empty() &&
                 (std::isdigit(static_cast<unsigned char>(f.value.scalar[0])) ||
                  f.value.scalar[0] == '-')) {
        out.integers.insert(f.value.scalar);
      }
    }
  }
  return out;
}

} // namespace

TEST_CASE("explore draws insider forges: stolen keys, spoofed senders, answers, extreme integers, "
          "observed fields",
          "[explore][insider]") {
  // The purchase workload: customers who sign with RSA-PSS (c0, c2, c4) and
  // with DSA (c1, c3, c5).
  auto t = load_target(library("purchase/lossy-network.yaml"));
  t.loaded.explore.max_sessions = 0; // sessions compose forges: their own test below
  // The protocols' own forgers (impersonate, substitute_key): their own test below.
  t.loaded.explore.attacks = {"replay", "tamper", "drop", "inject", "forge", "delay"};
  auto hops = hops_in(t.loaded);
  forge_traits seen;
  std::set<std::string> compromised, signed_as;
  std::optional<std::uint64_t> insider_seed;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    for (const auto& i : s.items)
      if (i.type() == "compromise") {
        auto who = option(options_of(i), "participant");
        CHECK(t.loaded.find(who)->role->long_term_key);
        CHECK(who != "mallory");
        compromised.insert(who);
        // Before the horizon's half (last step 81s + 10s): forges after it may use the key.
        CHECK(std::stoul(option(options_of(i), "at")) <= 45500);
      }
    auto f = traits_of(s, hops);
    seen.spoofed = seen.spoofed || f.spoofed;
    seen.answer = seen.answer || f.answer;
    seen.observed = seen.observed || f.observed;
    seen.public_key = seen.public_key || f.public_key;
    seen.integers.insert(f.integers.begin(), f.integers.end());
    signed_as.insert(f.signers.begin(), f.signers.end());
    if (f.signed_stolen && !insider_seed)
      insider_seed = seed;
  }
  CHECK(seen.spoofed);
  CHECK(seen.answer);
  CHECK(seen.observed);
  REQUIRE(insider_seed);
  // Both signature schemes: a DSA customer's key stolen and signed with too.
  CHECK(compromised.count("opd"));
  CHECK((compromised.count("c1") || compromised.count("c3") || compromised.count("c5")));
  CHECK((signed_as.count("c1") || signed_as.count("c3") || signed_as.count("c5")));
  CHECK((signed_as.count("c0") || signed_as.count("c2") || signed_as.count("c4") ||
         signed_as.count("opd")));
  for (const auto* v : {"0", "1", "-1", "2147483648", "4294967295", "4294967296",
                        "9223372036854775807", "-9223372036854775808", "18446744073709551615"})
    CHECK(seen.integers.count(v));

  // Same seed, same schedule; the schedule of seed 39 as drawn today (a
  // change to the draws shows here first): DSA customer c3's key stolen, an
  // order forged in c1's name carrying the mail server's public key, extreme
  // integers (the attacker refuses to put 2^63-1 in the 32-bit quantity:
  // AttackActionFailed), a field copied from an observed packet.
  CHECK(described(draw_schedule(t.loaded, *insider_seed)) ==
        described(draw_schedule(t.loaded, *insider_seed)));
  CHECK(described(draw_schedule(t.loaded, 39)) ==
        std::vector<std::string>{
          "fault {offline: {participant: c4, from: 31028ms, until: 34603ms}}",
          "fault {offline: {participant: c1, from: 10148ms, until: 14248ms}}",
          "action {compromise: {at: 34850ms, participant: c3}}",
          "action {forge: {kind: purchase.order, on: {link: c3->opd, kind: purchase.order, "
          "occurrence: 1}, from: c1, to: opd, fields: {session: {matched: session}, seq: {matched: "
          "seq}, order.quantity: \"9223372036854775807\", order.time: \"4294967296\", "
          "order.nonce: {observed: {link: c3->opd, kind: purchase.order, occurrence: 3, field: "
          "session}}, order.carried_key: {public_key: mail}}}}"});

  // Carrying someone's public key: e-commerce's fields too.
  auto shop = load_target(library("ecommerce/lossy-network.yaml"));
  bool carried = false;
  for (std::uint64_t seed = 1; seed <= 300 && !carried; ++seed)
    carried = traits_of(draw_schedule(shop.loaded, seed), hops_in(shop.loaded)).public_key;
  CHECK(carried);

  // The faults and the other actions are drawn as before the insider draws:
  // the compromises come from a stream of their own.
  auto plain = t;
  plain.loaded.explore.max_compromises = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    auto with = draw_schedule(t.loaded, seed), without = draw_schedule(plain.loaded, seed);
    CHECK(count_type(without, "compromise") == 0);
    CHECK(with.items.size() - count_type(with, "compromise") == without.items.size());
    CHECK(with.faults() == without.faults());
  }
}

TEST_CASE("explore plays the protocols' own forgers, answering as a participant with its own "
          "key only when the attacker holds it",
          "[explore][insider]") {
  auto t = load_target(library("ecommerce/lossy-network.yaml"));
  t.loaded.explore.attacks = {"impersonate", "substitute_key"};
  t.loaded.explore.min_actions = 1;
  std::size_t impersonations = 0, signed_stolen = 0, substitutions = 0, amounts = 0, own = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    auto stolen = stolen_in(s);
    CHECK(stolen.size() <= 2); // handed over: these actions forge (and a dishonest merchant)
    for (const auto& i : s.items) {
      const auto& a = options_of(i);
      if (i.type() == "substitute_key") {
        ++substitutions;
        CHECK_FALSE(a.find("as"));
      }
      if (i.type() != "impersonate")
        continue;
      ++impersonations;
      auto link = option(a, "link");
      CHECK(option(a, "as") == link.substr(link.find("->") + 2)); // the receiver
      if (auto signer = option(a, "sign_with"); !signer.empty()) {
        ++signed_stolen;
        CHECK(stolen.count(signer));
        own += signer == option(a, "as") ? 1 : 0; // the attacker holds the receiver's key
      }
      amounts += a.find("fields") ? 1 : 0;
    }
  }
  CHECK(impersonations > 50);
  CHECK(substitutions > 50);
  CHECK(signed_stolen > 5);
  CHECK(own > 5);
  CHECK(own < signed_stolen);
  CHECK(amounts > 20);
}

TEST_CASE("explore draws a dishonest merchant: its key the attacker's from the start, a setup "
          "answered as itself with an amount it chose",
          "[explore][insider]") {
  auto t = load_target(library("ecommerce/lossy-network.yaml"));
  // The shop's key stolen at the very start and a setup answered as the shop
  // with the shop's key and an amount: the merchant is the attacker's.
  auto dishonest = [](const schedule& s) {
    bool from_start = false, answered = false;
    for (const auto& i : s.items) {
      const auto& a = options_of(i);
      from_start |=
        i.type() == "compromise" && option(a, "participant") == "shop" && option(a, "at") == "0ms";
      answered |= i.type() == "impersonate" && option(a, "sign_with") == "shop" &&
                  option(a, "as") == "shop" && option(a, "kind") == "ecommerce.setup" &&
                  a.find("fields") && a.find("fields")->find("amount");
    }
    return from_start && answered;
  };
  std::size_t n = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed)
    n += dishonest(draw_schedule(t.loaded, seed)) ? 1 : 0;
  CHECK(n > 12); // 15 % of the seeds
  CHECK(n < 60);
  t.loaded.explore.max_insiders = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed)
    CHECK_FALSE(dishonest(draw_schedule(t.loaded, seed)));
}

TEST_CASE("explore times a device's spam to land while its victim is offline, with another "
          "sender's messages",
          "[explore][insider]") {
  auto t = load_target(library("messaging/lossy-network.yaml"));
  t.loaded.explore.min_floods = 1;
  // The file's sends at 60 s: d01 to d02, …, d06 to d01.
  auto sender_to = [](const std::string& victim) {
    auto n = victim.back() - '0';
    return "d0" + std::to_string(n == 1 ? 6 : n - 1);
  };
  std::size_t spams = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    for (const auto& i : s.items) {
      if (i.where != schedule_item::part::step)
        continue;
      for (const auto& e : i.body.entries) {
        const auto* send = e.key == "at" ? nullptr : e.value.find("send");
        if (!send || option(*send, "count").empty())
          continue; // a flood's send has a count (6-12); an insider's one message has none
        auto victim = option(*send, "to");
        CHECK(e.key != victim);
        CHECK(std::stoul(option(*send, "count")) >= 6);
        // Half of them: the victim offline from 0–1 s before the file's
        // sends at 60 s (not from the file's sender to it), the spam 0–1 s after.
        auto at = std::stoul(option(i.body, "at"));
        if (at < 60000 || at > 61000)
          continue;
        ++spams;
        CHECK(e.key != sender_to(victim));
        bool offline = false;
        for (const auto& f : s.items)
          if (f.type() == "offline" && option(options_of(f), "participant") == victim) {
            auto from = std::stoul(option(options_of(f), "from"));
            offline |= from >= 59000 && from <= at &&
                       std::stoul(option(options_of(f), "until")) >= at + 2000;
          }
        CHECK(offline);
      }
    }
  }
  CHECK(spams > 10);
}

TEST_CASE("explore forges outcomes in the protocol's own words", "[explore][insider]") {
  // A forged outcome statement saying "aborted: …" is one a client acts on;
  // a participant's name as the outcome is refused by every reader.
  auto t = load_target(library("ecommerce/lossy-network.yaml"));
  std::set<std::string> outcomes;
  for (std::uint64_t seed = 1; seed <= 400; ++seed)
    for (const auto& line : described(draw_schedule(t.loaded, seed))) {
      auto at = line.find(" outcome: ");
      if (at != std::string::npos)
        outcomes.insert(line.substr(at + 10, line.find_first_of(",}", at + 10) - at - 10));
    }
  CHECK(outcomes.count("committed"));
  CHECK(outcomes.count("\"aborted: resolved-without-payment\""));
  // Without `words` in forge_values, never.
  t.loaded.explore.forge_values = {"matched", "observed", "extreme", "keys"};
  for (std::uint64_t seed = 1; seed <= 400; ++seed)
    for (const auto& line : described(draw_schedule(t.loaded, seed)))
      CHECK(line.find("outcome: committed") == std::string::npos);
}

namespace {

/// The forges of one schedule, as (kind, options).
std::vector<const config_node*> forges_of(const schedule& s, const std::string& kind) {
  std::vector<const config_node*> out;
  for (const auto& i : s.items)
    if (i.type() == "forge" && option(options_of(i), "kind") == kind)
      out.push_back(&options_of(i));
  return out;
}

std::string field(const config_node& forge, const std::string& name) {
  const auto* fields = forge.find("fields");
  return fields ? option(*fields, name) : std::string{};
}

} // namespace

TEST_CASE("explore opens sessions of its own and reads others' with a stolen key",
          "[explore][insider][sessions]") {
  auto t = load_target(library("purchase/lossy-network.yaml"));
  t.loaded.explore.max_floods = 0; // a flood's guessed logins: in their own test
  std::map<std::string, std::string> password = {{"c0", "pw0"}, {"c1", "pw1"}, {"c2", "pw2"},
                                                 {"c3", "pw3"}, {"c4", "pw4"}, {"c5", "pw5"}};
  std::size_t own = 0, phished = 0, read = 0, mail = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    auto stolen = stolen_in(s);
    for (const auto* login : forges_of(s, "purchase.login")) {
      if (!login->find("at"))
        continue; // a forge of the other draws, on a packet it sees
      ++own;
      auto customer = field(*login, "customer"), pw = field(*login, "password");
      CHECK(field(*login, "session").size() == 32); // chosen: literal, not fresh
      CHECK(field(*login, "secret").size() == 64);
      if (!pw.empty()) {
        ++phished;
        CHECK(pw == password[customer]);     // phished: the customer's own password…
        CHECK_FALSE(stolen.count(customer)); // …of one whose key it does not hold
      }
      // The session's records: the same session and secret, its own direction, later.
      for (const auto* order : forges_of(s, "purchase.order")) {
        if (field(*order, "session") != field(*login, "session"))
          continue;
        CHECK(field(*order, "secret") == field(*login, "secret"));
        CHECK(field(*order, "direction") == "opener");
        CHECK(std::stoul(option(*order, "at")) > std::stoul(option(*login, "at")));
        if (!pw.empty())
          CHECK(field(*order, "order.sign_with") != customer); // never both factors
      }
    }
    for (const auto* receipt : forges_of(s, "purchase.receipt")) {
      const auto* fields = receipt->find("fields");
      const auto* secret = fields ? fields->find("secret") : nullptr;
      if (!secret || !secret->is_map() || !secret->find("observed"))
        continue;
      ++read; // a receipt in a customer's session, its secret read off the login
      CHECK(stolen.count("opd"));
      CHECK(option(*secret->find("observed"), "kind") == "purchase.login");
      CHECK(field(*receipt, "direction") == "responder");
      CHECK(field(*receipt, "receipt.sign_with") != "opd"); // not the OPD itself
    }
    for (const auto* hello : forges_of(s, "mail.hello"))
      if (hello->find("at")) {
        ++mail; // a mail session: the hello vouched for by its sender's signature
        CHECK(field(*hello, "sign_with") != field(*hello, "sender"));
      }
  }
  CHECK(own > 20);
  CHECK(phished > 5);
  CHECK(read > 0);
  CHECK(mail > 5);

  // Within their bounds: no sessions with sessions: 0, no password without phished.
  auto& b = t.loaded.explore;
  b.max_sessions = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    auto drawn = draw_schedule(t.loaded, seed); // kept: forges_of points into it
    for (const auto* login : forges_of(drawn, "purchase.login"))
      CHECK_FALSE(login->find("at"));
  }
  b.max_sessions = 1;
  b.min_sessions = 1;
  // Sessions are forges: none where forges may not be drawn.
  for (auto attacks : {std::vector<std::string>{"replay", "drop"}, b.attacks}) {
    auto plain = t.loaded;
    plain.explore.attacks = attacks;
    if (attacks == b.attacks)
      plain.explore.max_actions = 0;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
      auto drawn = draw_schedule(plain, seed);
      for (const auto& i : drawn.items)
        CHECK(i.type() != "forge");
    }
  }
  b.forge_values = {"matched", "observed", "extreme", "words", "keys"};
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    auto drawn = draw_schedule(t.loaded, seed); // kept: forges_of points into it
    for (const auto* login : forges_of(drawn, "purchase.login"))
      CHECK(field(*login, "password").empty());
  }
}

TEST_CASE("explore opens channels of its own, signed with a stolen key, never in the key's "
          "owner's name, and forges records when the answer crosses",
          "[explore][insider][sessions][channels]") {
  auto t = load_target(library("micropay/lossy-network.yaml"));
  std::size_t dials = 0, hellos = 0, signed_stolen = 0, spoofed = 0, records = 0, talks = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    auto stolen = stolen_in(s);
    for (const char* kind : {"micropay.dial", "micropay.hello"})
      for (const auto* opener : forges_of(s, kind)) {
        if (!opener->find("at"))
          continue; // a forge of the action draws, on a packet it sees
        ++(kind == std::string("micropay.dial") ? dials : hellos);
        auto from = option(*opener, "from"), signer = field(*opener, "sign_with");
        if (!signer.empty()) {
          ++signed_stolen;
          CHECK(stolen.count(signer)); // only a key the schedule stole…
          CHECK(signer != from);       // …never in its owner's name
          spoofed += from.empty() ? 0 : 1;
          if (kind == std::string("micropay.dial")) { // the signer's own card, observed
            const auto* card = opener->find("fields")->find("card");
            REQUIRE(card);
            CHECK(option(*card->find("observed"), "link") == signer + "->*");
          }
        }
        // A pair the steps have talk (u_i pays u_i+1, chats with u_i+2), now and then.
        auto to = option(*opener, "to");
        if (!from.empty() && to.size() == 2 && from.size() == 2) {
          auto d = (from[1] - to[1] + 6) % 6;
          talks += (d == 1 || d == 2) ? 1 : 0;
        }
        CHECK(field(*opener, "time") ==
              std::to_string(std::stoull(option(*opener, "at")) * 1000000));
      }
    for (const auto& i : s.items) {
      if (i.type() != "forge")
        continue;
      const auto& f = options_of(i);
      const auto* fields = f.find("fields");
      const auto* key = fields ? fields->find("channel_key") : nullptr;
      if (!key || !key->is_map() || option(*key, "matched") != "key_to_responder")
        continue;
      ++records; // a record in its own channel: keys read off the answer it sees
      const auto* on = f.find("on");
      REQUIRE(on);
      auto answer = option(*on, "kind");
      CHECK((answer == "micropay.answer" || answer == "micropay.welcome"));
      CHECK(option(*fields->find("channel"), "matched") == "channel");
      CHECK_FALSE(f.find("to")); // to the answer's sender
    }
  }
  CHECK(dials > 10);
  CHECK(hellos > 10);
  CHECK(signed_stolen > 10);
  CHECK(spoofed > 5);
  CHECK(records > 10);
  CHECK(talks > 5);
}

TEST_CASE("explore enrols the attacker in a known number with a nonce it chose and a code it "
          "guesses",
          "[explore][insider][sessions][enrolments]") {
  auto t = load_target(library("messaging/lossy-network.yaml"));
  std::set<std::string> phones;
  for (const auto& p : t.loaded.participants)
    if (p.role->name == "messaging.device")
      phones.insert(std::any_cast<const messaging::device_config&>(p.config).phone);
  std::size_t enrolments = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    auto registers = forges_of(s, "messaging.register");
    for (const auto* confirm : forges_of(s, "messaging.confirm")) {
      if (!confirm->find("at"))
        continue; // a forge of the action draws
      ++enrolments;
      auto opener = std::find_if(registers.begin(), registers.end(), [&](const config_node* r) {
        return r->find("at") && field(*r, "nonce") == field(*confirm, "nonce");
      });
      INFO([&] {
        std::string out;
        for (const auto& line : described(s))
          out += line + "\n";
        return out;
      }());
      REQUIRE(opener != registers.end()); // the same nonce, chosen: a literal
      CHECK(field(**opener, "nonce").size() == 32);
      CHECK(field(**opener, "phone") == field(*confirm, "phone"));
      CHECK(phones.count(field(*confirm, "phone"))); // a number anyone may call
      CHECK(field(*confirm, "code").size() == 6);    // guessed
      CHECK(std::stoul(option(*confirm, "at")) > std::stoul(option(**opener, "at")));
      CHECK(option(*confirm, "from").empty()); // in its own name
    }
  }
  CHECK(enrolments > 20);
}

TEST_CASE("explore makes a peer the attacker controls give an insider's commands",
          "[explore][insider][insiders]") {
  auto t = load_target(library("micropay/lossy-network.yaml"));
  std::set<std::string> verbs;
  std::size_t steps = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    std::set<std::string> insiders;
    for (const auto& i : s.items) {
      if (i.where != schedule_item::part::step)
        continue;
      ++steps;
      const auto& body = i.body;
      REQUIRE(body.entries.size() == 2);
      CHECK(body.entries[0].key == "at");
      // the first in the first three quarters of the horizon (last step 30s + 10s), 0.3-3 s apart
      CHECK(std::stoul(body.entries[0].value.scalar) <= 40000 * 3 / 4 + 2 * 3000);
      auto who = body.entries[1].key;
      insiders.insert(who);
      CHECK(t.loaded.find(who)->role->name == "micropay.peer");
      auto text = option(body.entries[1].value.entries.front().value, "text");
      CHECK(text.find('{') == std::string::npos); // every placeholder filled
      CHECK(text.find('#') != std::string::npos);
      verbs.insert(text.substr(0, text.find('#')));
    }
    CHECK(insiders.size() <= 1); // insiders: 0..1
  }
  CHECK(steps > 50);
  CHECK(verbs.count("PayRequest"));
  CHECK(verbs.count("REGISTER"));
  // The steps go where a scenario says them, and the run plays them.
  std::optional<std::uint64_t> seed;
  for (std::uint64_t s = 1; s <= 200 && !seed; ++s) {
    auto drawn = draw_schedule(t.loaded, s);
    for (const auto& i : drawn.items)
      if (i.where == schedule_item::part::step)
        seed = s;
  }
  REQUIRE(seed);
  auto tree = with_schedule(t, draw_schedule(t.loaded, *seed), *seed);
  auto loaded = load_scenario_tree(tree, t.file);
  CHECK(loaded.steps.size() > t.loaded.steps.size());
  // None with insiders: 0, nor where the file wants no attacker (actions: 0).
  for (auto bounds : {std::pair<std::uint32_t, std::uint32_t>{0, 2}, {1, 0}}) {
    auto plain = t.loaded;
    plain.explore.max_insiders = bounds.first;
    plain.explore.min_insiders = std::min(bounds.first, plain.explore.min_insiders);
    plain.explore.max_actions = bounds.second;
    for (std::uint64_t s = 1; s <= 100; ++s) {
      auto drawn = draw_schedule(plain, s);
      for (const auto& i : drawn.items)
        CHECK(i.where != schedule_item::part::step);
    }
  }
}

TEST_CASE("an insider client types another's phished card and guesses the code texted to it",
          "[explore][insider][insiders]") {
  auto t = load_target(library("ecommerce/lossy-network.yaml"));
  std::size_t buys = 0;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    for (const auto& i : s.items) {
      if (i.where != schedule_item::part::step)
        continue;
      ++buys;
      const auto& who = i.body.entries[1].key;
      const auto* buy = i.body.entries[1].value.find("buy");
      REQUIRE(buy);
      auto card = option(*buy, "card");
      // cNN's card is 4111 and NN in twelve digits: another client's, never its own.
      CHECK(card.size() == 16);
      CHECK(card.substr(0, 4) == "4111");
      CHECK(std::stoi(card.substr(4)) != std::stoi(who.substr(1)));
      CHECK(option(*buy, "expiry") == "12/29");
      CHECK(option(*buy, "otp").size() == 6);
      CHECK(option(*buy, "item") == "book"); // the catalogue: a public value
    }
  }
  CHECK(buys > 20);
  // Without phished credentials an insider knows no one's card: no such step.
  t.loaded.explore.forge_values = {"matched", "observed", "extreme", "words", "keys"};
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    for (const auto& i : s.items)
      CHECK(i.where != schedule_item::part::step);
  }
}

namespace {

/// The steps of `s` (an insider's commands, drawn).
std::vector<const schedule_item*> steps_of(const schedule& s) {
  std::vector<const schedule_item*> out;
  for (const auto& i : s.items)
    if (i.where == schedule_item::part::step)
      out.push_back(&i);
  return out;
}

/// The most forges of `kind` with a drawn time (`at`) whose field `by` has
/// one value.
std::size_t most_alike(const schedule& s, const std::string& kind, const std::string& by,
                       const std::string& prefix = {}) {
  std::map<std::string, std::size_t> n;
  std::size_t most = 0;
  for (const auto* f : forges_of(s, kind))
    if (f->find("at") && field(*f, "password").rfind(prefix, 0) == 0)
      most = std::max(most, ++n[field(*f, by)]);
  return most;
}

} // namespace

TEST_CASE("explore floods: an insider's purchase, enrolments in one number, logins with guessed "
          "passwords, 6 to 12 times",
          "[explore][floods]") {
  SECTION("e-commerce: an insider's purchase with a phished card, count 6-12") {
    auto t = load_target(library("ecommerce/lossy-network.yaml"));
    std::size_t floods = 0;
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
      auto s = draw_schedule(t.loaded, seed); // kept: steps_of points into it
      for (const auto* i : steps_of(s)) {
        const auto* buy = i->body.entries[1].value.find("buy");
        REQUIRE(buy);
        auto count = option(*buy, "count");
        if (count.empty())
          continue; // an insider's single purchase
        ++floods;
        CHECK(std::stoi(count) >= 6);
        CHECK(std::stoi(count) <= 12);
        CHECK(option(*buy, "card").size() == 16);
      }
    }
    CHECK(floods > 10);
    t.loaded.explore.max_floods = 0;
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
      auto s = draw_schedule(t.loaded, seed);
      for (const auto* i : steps_of(s))
        CHECK(option(*i->body.entries[1].value.find("buy"), "count").empty());
    }
  }
  SECTION("messaging: 6-12 enrolments in one number, each with three guesses") {
    auto t = load_target(library("messaging/lossy-network.yaml"));
    std::size_t floods = 0;
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
      auto s = draw_schedule(t.loaded, seed);
      auto most = most_alike(s, "messaging.register", "phone");
      if (most < 6)
        continue;
      ++floods;
      CHECK(most <= 12 + 2); // and a session's enrolment or two in the same number
      CHECK(most_alike(s, "messaging.confirm", "phone") >= 3 * 6);
      CHECK(most_alike(s, "messaging.confirm", "nonce") >= 3);
    }
    CHECK(floods > 10);
    t.loaded.explore.max_floods = 0;
    for (std::uint64_t seed = 1; seed <= 100; ++seed)
      CHECK(most_alike(draw_schedule(t.loaded, seed), "messaging.register", "phone") < 6);
  }
  SECTION("purchase: 6-12 logins from the attacker in one account, passwords guessed") {
    auto t = load_target(library("purchase/lossy-network.yaml"));
    std::size_t floods = 0;
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
      auto s = draw_schedule(t.loaded, seed);
      auto most = most_alike(s, "purchase.login", "customer", "guess-");
      if (most == 0)
        continue;
      ++floods;
      CHECK(most >= 6);
      CHECK(most <= 12);
      for (const auto* f : forges_of(s, "purchase.login"))
        if (field(*f, "password").rfind("guess-", 0) == 0)
          CHECK(option(*f, "from").empty()); // from itself: the OPD throttles by sender
    }
    CHECK(floods > 10);
    t.loaded.explore.max_floods = 0;
    for (std::uint64_t seed = 1; seed <= 100; ++seed)
      CHECK(most_alike(draw_schedule(t.loaded, seed), "purchase.login", "customer", "guess-") == 0);
  }
}

TEST_CASE("the insider draws stay within their explore: bounds", "[explore][insider]") {
  auto t = load_target(library("purchase/lossy-network.yaml"));
  auto hops = hops_in(t.loaded);
  auto& b = t.loaded.explore;
  b.max_sessions = 0; // their bounds: in their own test
  b.max_floods = 0;
  b.min_actions = 1;
  b.attacks = {"forge"};
  b.forge_as = {"sender"};
  b.forge_values = {"matched"};
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    auto f = traits_of(s, hops);
    CHECK_FALSE(f.spoofed);
    CHECK_FALSE(f.answer);
    CHECK_FALSE(f.signed_stolen);
    CHECK_FALSE(f.observed);
    CHECK_FALSE(f.public_key);
    // Only a value the build cannot do without, made up when it cannot be read.
    for (const auto& v : f.integers)
      CHECK(v == "1");
  }
  b.forge_values = {"keys"};
  b.min_compromises = 1;
  std::size_t signed_stolen = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    auto s = draw_schedule(t.loaded, seed);
    CHECK(count_type(s, "compromise") == 1);
    signed_stolen += traits_of(s, hops).signed_stolen ? 1 : 0;
  }
  CHECK(signed_stolen > 10);
}

TEST_CASE("an insider forge is built and played", "[explore][insider]") {
  // Among the first seeds of the purchase workload, one steals a DSA
  // customer's key and forges a receipt signed (DSA) with it, and the run
  // builds and sends it: no AttackActionFailed.
  auto t = load_target(library("purchase/lossy-network.yaml"));
  t.loaded.explore.max_sessions = 0; // the forge drawn last is the one looked for
  t.loaded.explore.max_floods = 0;
  std::optional<std::uint64_t> seed;
  schedule sched;
  config_node tree;
  for (std::uint64_t s = 1; s <= 6000 && !seed; ++s) {
    sched = draw_schedule(t.loaded, s);
    if (count_type(sched, "compromise") != 1)
      continue;
    auto last = described(sched).back();
    if (last.find("kind: purchase.receipt") == std::string::npos ||
        (last.find("receipt.sign_with: c1") == std::string::npos &&
         last.find("receipt.sign_with: c3") == std::string::npos &&
         last.find("receipt.sign_with: c5") == std::string::npos))
      continue;
    tree = with_schedule(t, sched, s);
    auto run = run_scenario(load_scenario_tree(tree, t.file));
    std::set<std::string> attacker_events;
    for (const auto& rec : run.trace->records())
      if (rec["type"] == "event" && rec["who"] == "mallory")
        attacker_events.insert(rec["name"].get<std::string>());
    if (attacker_events.count("KeyCompromised") && attacker_events.count("AttackForged") &&
        !attacker_events.count("AttackActionFailed"))
      seed = s;
  }
  REQUIRE(seed);
  // A stolen key opens what its owner sent and was sent: such a run is held
  // to secrecy beyond the stolen keys' owners (secrecy_of_others) instead of
  // secrecy; every other invariant is checked.
  auto invariants = [](const config_node& run) {
    std::set<std::string> out;
    for (const auto& x : run.find("expect")->items)
      out.insert(x.find("invariant")->scalar);
    return out;
  };
  auto checked = invariants(tree);
  CHECK_FALSE(checked.count("secrecy"));
  CHECK(checked.count("secrecy_of_others"));
  CHECK(checked.count("no_unauthorised_order"));
  auto keyless = sched;
  keyless.items.erase(std::find_if(keyless.items.begin(), keyless.items.end(),
                                   [](const auto& i) { return i.type() == "compromise"; }));
  auto plain = invariants(with_schedule(t, keyless, *seed));
  CHECK(plain.size() == checked.size());
  CHECK(plain.count("secrecy"));
  CHECK_FALSE(plain.count("secrecy_of_others"));
}

TEST_CASE("a field copied from an observed packet taps that packet's link", "[explore][insider]") {
  auto t = load_target(library("purchase/rsa-order.yaml"));
  schedule s;
  s.items.push_back({schedule_item::part::action,
                     parse_yaml("forge: {kind: purchase.order, on: {link: alice->opd, kind: "
                                "purchase.order}, fields: {order.carried_key: {observed: {link: "
                                "opd->mail, kind: mail.hello, field: session}}}}")});
  auto tree = with_schedule(t, s, 1);
  const auto* taps = tree.find("participants")->find("mallory")->find("taps");
  REQUIRE(taps);
  REQUIRE(taps->items.size() == 2);
  CHECK(taps->items[0].scalar == "alice->opd");
  CHECK(taps->items[1].scalar == "opd->mail");
  // A schedule whose actions watch no link still has an attacker that loads.
  schedule timed;
  timed.items.push_back(
    {schedule_item::part::action, parse_yaml("compromise: {at: 0ms, participant: alice}")});
  CHECK_FALSE(run_trial(t, timed, 1).invalid);
}

TEST_CASE("shrinking keeps the compromise a later forge signs with", "[explore][insider]") {
  // With the OPD's session check off, an order signed with alice's stolen key
  // in a session mallory opened with a wrong password ships
  // (attacks/purchase/stolen-customer-key.unprotected.yaml), here in a schedule
  // with items the failure does not need.
  auto t =
    load_target(library("purchase/rsa-order.yaml"), {*parse_override("opd.check_sessions=false")});
  auto item = [](schedule_item::part where, const std::string& yaml) {
    return schedule_item{where, parse_yaml(yaml)};
  };
  const std::string session = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
  const std::string secret(64, '5');
  schedule s;
  s.items = {
    item(schedule_item::part::fault, "delay: {kind: purchase.receipt, by: 200ms}"),
    item(schedule_item::part::action, "compromise: {at: 500ms, participant: alice}"),
    item(schedule_item::part::action,
         "replay: {link: opd->mail, kind: mail.hello, occurrence: 1, after: 300ms}"),
    item(
      schedule_item::part::action,
      "forge: {kind: purchase.login, at: 3s, from: mallory, to: opd, fields: {session: " + session +
        ", secret: " + secret + ", customer: alice, password: guess, time: \"3000000000\"}}"),
    item(schedule_item::part::action,
         "forge: {kind: purchase.order, at: 4s, from: mallory, to: opd, fields: {session: " +
           session + ", secret: " + secret +
           ", direction: opener, seq: \"1\", order.customer: alice, order.item: book, "
           "order.quantity: \"3\", order.time: \"4000000000\", order.sign_with: alice}}"),
  };
  REQUIRE(shows(run_trial(t, s, 1), "no_unauthorised_order"));
  // Without the compromise the forged order cannot be signed: nothing breaks.
  auto keyless = s;
  keyless.items.erase(keyless.items.begin() + 1);
  CHECK_FALSE(shows(run_trial(t, keyless, 1), "no_unauthorised_order"));

  auto small = shrink(t, s, 1, "no_unauthorised_order");
  INFO([&] {
    std::string out;
    for (const auto& line : described(small.minimal))
      out += "  " + line + "\n";
    return out;
  }());
  CHECK(shows(small.trial, "no_unauthorised_order"));
  CHECK(count_type(small.minimal, "compromise") == 1);
  CHECK(count_type(small.minimal, "delay") == 0);
  CHECK(count_type(small.minimal, "replay") == 0);
  REQUIRE(count_type(small.minimal, "forge") >= 1);
  // The forge that signs keeps its stolen key.
  CHECK(described(small.minimal).back().find("order.sign_with: alice") != std::string::npos);
}

TEST_CASE("explore: bounds are checked where the file says them", "[explore][loader]") {
  auto base = std::string(R"(scenario: t
description: bounds
participants:
  alice: {role: echo, peer: srv}
  srv: {role: echo, peer: alice}
expect:
  - invariant: round_trips_complete
explore:
)");
  auto error_of = [&](const std::string& body) {
    try {
      load_scenario_text(base + body, "x.yaml");
    } catch (const load_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("  faults: 3..1\n").find("x.yaml:9:11: faults must be N or LO..HI") == 0);
  CHECK(error_of("  fault_kinds: [drop, crsh]\n")
          .find("x.yaml:9:23: fault_kinds: unknown "
                "'crsh' (did you mean 'crash'?)") == 0);
  CHECK(error_of("  always_up: [bob]\n").find("x.yaml:9:15: always_up names unknown") == 0);
  CHECK(error_of("  horizon: 0s\n").find("x.yaml:9:12:") == 0);
  CHECK(error_of("  actions: 1..2\n  attacks: [replay, forge]\n") == "no error");
  CHECK(error_of("  compromises: 0..2\n  forge_as: [sender, receiver]\n"
                 "  forge_values: [matched, keys]\n") == "no error");
  CHECK(error_of("  compromises: 1..30\n").find("x.yaml:9:16: compromises must be N or LO..HI") ==
        0);
  CHECK(error_of("  forge_as: [sendr]\n")
          .find("x.yaml:9:14: forge_as: unknown 'sendr' (did you mean 'sender'?)") == 0);
  CHECK(error_of("  forge_values: [extremes]\n").find("x.yaml:9:18: forge_values: unknown") == 0);
  CHECK(error_of("  sessions: 0..2\n  forge_values: [phished, matched]\n") == "no error");
  CHECK(error_of("  insiders: 1\n") == "no error");
  CHECK(error_of("  floods: 0..2\n") == "no error");
  CHECK(error_of("  floods: 1..21\n").find("x.yaml:9:11: floods must be N or LO..HI") == 0);
  CHECK(error_of("  insiders: -1\n").find("x.yaml:9:13: insiders must be N or LO..HI") == 0);
  CHECK(error_of("  sessions: two\n").find("x.yaml:9:13: sessions must be N or LO..HI") == 0);
  CHECK(error_of("  forge_as: []\n")
          .find("x.yaml:9:3: explore: forge needs at least one of "
                "forge_as") == 0);
}

TEST_CASE("a key seed gives the same keys whatever the run's seed", "[explore][keys]") {
  auto text = [](int seed, const std::string& extra) {
    return "scenario: k\ndescription: keys\nseed: " + std::to_string(seed) + "\n" + extra +
           R"(participants:
  bank:
    role: ecommerce.bank
    otp_provider: sms
    accounts: [{holder: alice, card: "1", expiry: "1", phone: "+1", balance: 100}, {holder: shop}]
  shop: {role: ecommerce.merchant, bank: bank, catalogue: {book: 25}}
  sms: {role: otp_provider}
  alice: {role: ecommerce.client, merchant: shop, bank: bank, card: "1", expiry: "1", phone: "+1"}
steps:
  - {at: 1s, alice: {buy: book}}
expect:
  - invariant: money_conserved
)";
  };
  auto bank_key = [](const scenario& s) {
    world w;
    build_world(s, world_options{s.seed, false, false, nullptr}, w);
    return w.dir.public_key("bank")->to_der();
  };
  auto a = load_scenario_text(text(1, "key_seed: 99\n"), "a.yaml");
  auto b = load_scenario_text(text(2, "key_seed: 99\n"), "b.yaml");
  auto c = load_scenario_text(text(2, ""), "c.yaml");
  CHECK(bank_key(a) == bank_key(b));
  CHECK(bank_key(a) != bank_key(c));
  // Without a key seed the keys come from the seed, as before: key_seed equal
  // to the seed gives the same long-term keys.
  auto d = load_scenario_text(text(99, ""), "d.yaml");
  CHECK(bank_key(d) == bank_key(a));
  // Session keys too: two runs that differ only in their seed agree on the
  // client's session key, and each run is reproducible.
  auto ra = run_scenario(a), ra2 = run_scenario(a), rb = run_scenario(b);
  CHECK(trace_text(ra) == trace_text(ra2));
  auto session_key = [](const run_result& r) {
    for (const auto& rec : r.trace->records())
      if (rec["type"] == "event" && rec["name"] == "TidIssued")
        return rec["details"]["client_key"].get<std::string>();
    return std::string();
  };
  CHECK(!session_key(ra).empty());
  CHECK(session_key(ra) == session_key(rb));
}

TEST_CASE("a run with a schedule is reproducible to the byte", "[explore][determinism]") {
  auto t = load_target(library("ecommerce/lossy-network.yaml"));
  for (std::uint64_t seed : {3u, 15u}) {
    auto tree = with_schedule(t, draw_schedule(t.loaded, seed), seed);
    auto s = load_scenario_tree(tree, t.file);
    CHECK(trace_text(run_scenario(s)) == trace_text(run_scenario(s)));
    // Written out and read back, it is the same run.
    auto again = load_scenario_text(to_yaml(tree), "again.yaml");
    CHECK(trace_text(run_scenario(again)) == trace_text(run_scenario(s)));
  }
}

namespace {

/// Explores `rel` with `sets` switched off until the first failure of
/// `invariant`; checks it was found within `within` seeds, shrunk to at most
/// `at_most_items` faults and actions (3; a flood needs one more than the
/// limit it passes), and that its reproducer fails the same way.
void finds(const std::string& rel, const std::vector<std::string>& sets,
           const std::string& invariant, std::uint64_t within, std::size_t at_most_items = 3) {
  std::vector<option_override> overrides;
  for (const auto& s : sets)
    overrides.push_back(*parse_override(s));
  auto t = load_target(library(rel), overrides);
  std::optional<std::uint64_t> found;
  for (std::uint64_t seed = 1; seed <= within && !found; ++seed) {
    auto r = run_trial(t, draw_schedule(t.loaded, seed), seed);
    if (shows(r, invariant))
      found = seed;
  }
  INFO(rel << ": no seed up to " << within << " broke " << invariant);
  REQUIRE(found);
  auto small = shrink(t, draw_schedule(t.loaded, *found), *found, invariant);
  INFO("seed " << *found << ", shrunk to:\n"
               << [&] {
                    std::string s;
                    for (const auto& line : described(small.minimal))
                      s += "  " + line + "\n";
                    return s;
                  }());
  CHECK(small.minimal.items.size() <= at_most_items);
  CHECK(shows(small.trial, invariant));

  // The reproducer is an ordinary scenario file: loaded from its text and
  // played, it breaks the same invariant.
  auto dir = temp_dir(invariant);
  std::filesystem::create_directories(dir);
  auto path = dir + "/repro.yaml";
  std::ofstream(path) << reproducer_text(t, small, *found, invariant, "test");
  auto s = load_scenario(path);
  auto run = run_scenario(s);
  bool broke = false;
  for (const auto& c : check_expectations(s, run))
    broke = broke || (!c.passed && c.text == invariant);
  CHECK(broke);
  std::filesystem::remove_all(dir);
}

} // namespace

TEST_CASE("explore finds the double charge when the bank's tid and OTP checks are off",
          "[explore][finds]") {
  finds("ecommerce/happy-path.yaml", {"bank.unique_tids=false", "bank.check_otp=false"},
        "charged_at_most_once", 400);
}

TEST_CASE("explore finds the replayed message shown twice when bob's replay check is off",
          "[explore][finds]") {
  finds("messaging/two-devices-chat.yaml", {"bob.check_replays=false"}, "delivered_in_order", 400);
}

TEST_CASE("explore finds the twice-settled token when tokens are not single-use",
          "[explore][finds]") {
  finds("micropay/pay-ok.yaml", {"server.single_use_tokens=false"}, "token_settled_at_most_once",
        400);
}

TEST_CASE("explore finds an order taken in a session whose login failed, with the OPD's session "
          "check off",
          "[explore][finds][sessions]") {
  finds("purchase/lossy-network.yaml", {"opd.check_sessions=false"}, "no_unauthorised_order", 200);
}

TEST_CASE("explore finds a shipping mail in the OPD's name, with the mail server's sender check "
          "off",
          "[explore][finds][sessions]") {
  finds("purchase/lossy-network.yaml", {"mail.check_senders=false"}, "mail_matches_outcome", 200);
}

TEST_CASE("explore finds a payment from another's account, made by an insider peer, with the "
          "server's payer check off",
          "[explore][finds][insiders]") {
  finds("micropay/lossy-network.yaml", {"server.check_payer=false"}, "no_unauthorised_payment",
        200);
}

TEST_CASE("explore finds a peer's line read in a channel opened in another's name with a stolen "
          "key, with the peer's channel binding off",
          "[explore][finds][channels]") {
  finds("micropay/lossy-network.yaml",
        {"u0.bind_channels=false", "u1.bind_channels=false", "u2.bind_channels=false",
         "u3.bind_channels=false", "u4.bind_channels=false", "u5.bind_channels=false"},
        "secrecy_of_others", 300);
}

TEST_CASE("explore finds a name an insider registered before its owner, with the server's owner "
          "check off",
          "[explore][finds][insiders]") {
  finds("micropay/lossy-network.yaml", {"server.check_owners=false"}, "chat_authentic", 100);
}

TEST_CASE("explore finds an order shipped after an attacker held it past the window, with the "
          "OPD's freshness check off",
          "[explore][finds]") {
  finds("purchase/lossy-network.yaml", {"opd.check_freshness=false"}, "orders_fresh", 100);
}

TEST_CASE("explore finds a payment from a card an insider typed and a code it guessed, with the "
          "bank's OTP check off",
          "[explore][finds][insiders]") {
  finds("ecommerce/lossy-network.yaml", {"bank.check_otp=false"}, "no_unauthorised_payment", 200);
}

TEST_CASE("explore finds a message read by an attacker enrolled in its recipient's number, with "
          "the relay's code check off",
          "[explore][finds][enrolments]") {
  finds("messaging/lossy-network.yaml", {"relay.check_codes=false"}, "secrecy", 100);
}

TEST_CASE("explore finds a card's phone flooded with codes by an insider's purchases, with the "
          "bank's issue limit off",
          "[explore][finds][floods]") {
  finds("ecommerce/lossy-network.yaml", {"bank.otp_issue_limit=0"}, "sms_bounded", 50, 1);
}

TEST_CASE("explore finds a second code texted for one purchase, with the bank's nonce check off",
          "[explore][finds]") {
  finds("ecommerce/lossy-network.yaml", {"bank.unique_nonces=false"}, "one_code_per_purchase", 50);
}

TEST_CASE("explore finds a client taking a stray SMS's code for its own purchase, with its "
          "reference check off",
          "[explore][finds][floods]") {
  std::vector<std::string> off;
  for (int i = 1; i <= 10; ++i)
    off.push_back((i < 10 ? "c0" : "c") + std::to_string(i) + ".match_sms_reference=false");
  finds("ecommerce/lossy-network.yaml", off, "codes_match_purchase", 50);
}

TEST_CASE("explore finds a client paying a dishonest merchant's quote above its max_amount, with "
          "its amount check off",
          "[explore][finds][insiders]") {
  std::vector<std::string> off;
  for (int i = 1; i <= 10; ++i)
    off.push_back((i < 10 ? "c0" : "c") + std::to_string(i) + ".check_amount=false");
  // The shop's key the attacker's from the start, one setup answered with it.
  finds("ecommerce/lossy-network.yaml", off, "paid_as_agreed", 50, 2);
}

TEST_CASE("explore finds a spammer's flood evicting another sender's messages to an offline "
          "device, with the relay's fair eviction off",
          "[explore][finds][floods]") {
  // The victim offline around the file's sends at 60 s and the spam after them.
  finds("messaging/lossy-network.yaml", {"relay.fair_eviction=false"}, "queue_bound", 200, 2);
}

TEST_CASE("explore finds a phone flooded with codes by enrolments in its number, with the relay's "
          "issue limit off",
          "[explore][finds][floods]") {
  // Six enrolments, each with the guesses that free its slot: about twenty items.
  finds("messaging/lossy-network.yaml", {"relay.code_issue_limit=0"}, "sms_bounded", 100, 24);
}

TEST_CASE("explore finds a password guessed more than three times a minute, with the OPD's "
          "account lock off",
          "[explore][finds][floods]") {
  finds("purchase/lossy-network.yaml", {"opd.max_failures=0"}, "password_guesses_bounded", 50, 12);
}

TEST_CASE("explore finds the twice-processed order when the OPD's replay checks are off",
          "[explore][finds]") {
  finds("purchase/rsa-order.yaml", {"opd.check_replays=false", "opd.check_nonces=false"},
        "order_processed_at_most_once", 400);
}

// ------------------------------------------------------------------------
// Explore cannot pass by doing nothing: the runs must add up to the seeds
// asked for, a worker that dies or a seed that hangs is a finding, a --time
// that plays nothing fails, and each reproducer is replayed before it is
// written. Worker trouble is made with the test hook (workers.hpp).

namespace {

struct explored {
  explore_summary sum;
  std::string dir;
};

explored explore_file(const std::string& rel, explore_options o,
                      const std::vector<std::string>& sets = {}) {
  std::vector<option_override> overrides;
  for (const auto& s : sets)
    overrides.push_back(*parse_override(s));
  auto t = load_target(library(rel), overrides);
  o.out_dir = temp_dir("books");
  return {explore_target(t, o), o.out_dir};
}

explore_options seeds_over_jobs(std::uint64_t seeds, unsigned jobs, const std::string& hook) {
  explore_options o;
  o.seeds = seeds;
  o.jobs = jobs;
  o.test_hook = hook;
  return o;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The protobed binary beside this test's build directory.
std::string protobed_binary() {
#ifdef PROTOBED_BINARY
  return PROTOBED_BINARY;
#else
  auto exe = std::filesystem::read_symlink("/proc/self/exe");
  return (exe.parent_path().parent_path() / "bin" / "protobed").string();
#endif
}

struct cli_result {
  int exit_code = -1;
  std::string out, err;
};

/// Runs `protobed explore ARGS` (with `env` before it, e.g. a test hook).
cli_result explore_cli(const std::string& env, const std::string& args) {
  auto bin = protobed_binary();
  REQUIRE(std::filesystem::exists(bin));
  auto base = temp_dir("cli");
  auto command = env + " '" + bin + "' explore " + args + " >" + base + ".out 2>" + base + ".err";
  int status = std::system(command.c_str());
  cli_result r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(base + ".out"),
               slurp(base + ".err")};
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  return r;
}

} // namespace

TEST_CASE("explore fails when its runs do not add up to the seeds asked for", "[explore][books]") {
  auto all = explore_file("micropay/pay-ok.yaml", seeds_over_jobs(6, 2, ""));
  CHECK(all.sum.runs == 6);
  CHECK(all.sum.runs_problem().empty());
  CHECK(all.sum.passed());

  // A worker that leaves seeds out silently, in the middle of its share (3)
  // and at its end (6): nothing broke, and still explore fails, naming them.
  auto gaps = explore_file("micropay/pay-ok.yaml", seeds_over_jobs(6, 2, "skip@3,skip@6"));
  INFO(gaps.sum.runs_problem());
  CHECK(gaps.sum.failures.empty());
  CHECK(gaps.sum.runs == 4);
  CHECK(gaps.sum.unreported == 2);
  CHECK(gaps.sum.unreported_seeds == std::vector<std::uint64_t>{3, 6});
  CHECK(gaps.sum.runs_problem() ==
        "4 of 6 seeds asked for were played; no report for 2 seed(s): 3, 6");
  CHECK_FALSE(gaps.sum.passed());
}

TEST_CASE("a worker that exits during a seed is a crash of that seed, and explore goes on",
          "[explore][workers]") {
  for (unsigned jobs : {1u, 2u}) {
    INFO(jobs << " job(s)");
    auto r = explore_file("micropay/pay-ok.yaml", seeds_over_jobs(6, jobs, "exit@2,kill@3"));
    REQUIRE(r.sum.failures.count("crash"));
    const auto& f = r.sum.failures.at("crash");
    CHECK(f.count == 2);
    CHECK(f.seeds == std::vector<std::uint64_t>{2, 3});
    CHECK(has(f.observed, "the worker exited with status 1 while playing the seed"));
    // A new worker took the seeds after each crash: every seed has a report.
    CHECK(r.sum.runs == 6);
    CHECK(r.sum.last_seed == 6);
    CHECK(r.sum.unreported == 0);
    CHECK_FALSE(r.sum.passed());
    // The reproducer of seed 2, replayed once, does not crash (the hook is
    // not in the file): it says so, and so does the summary.
    REQUIRE(std::filesystem::exists(f.reproducer));
    CHECK_FALSE(f.reproduced);
    CHECK(f.replay == "passed");
    auto text = slurp(f.reproducer);
    CHECK(has(text, "# Seed 2 failed: crash (observed: the worker exited with status 1"));
    CHECK(has(text, "# NOT REPRODUCED: explore replayed this file once"));
    std::filesystem::remove_all(r.dir);
  }
}

TEST_CASE("a worker that exits between seeds is a finding, its seeds unreported",
          "[explore][workers]") {
  // The worker of seeds 1, 3, 5, 7 quits before 5; the one that takes over
  // quits before 5 too, without playing anything, and is not started again.
  auto r = explore_file("micropay/pay-ok.yaml", seeds_over_jobs(8, 2, "quit@5"));
  REQUIRE(r.sum.failures.count("worker-died"));
  const auto& f = r.sum.failures.at("worker-died");
  CHECK(f.count == 2);
  CHECK(f.seeds.empty());
  CHECK(f.reproducer.empty());
  CHECK(has(f.observed, "exited with status 0 between seeds, after seed 3"));
  CHECK(r.sum.unreported_seeds == std::vector<std::uint64_t>{5, 7});
  CHECK(r.sum.runs == 6);
  CHECK_FALSE(r.sum.passed());
  std::filesystem::remove_all(r.dir);
}

TEST_CASE("a seed that runs past the seed timeout is stopped, reported and written",
          "[explore][watchdog]") {
  auto o = seeds_over_jobs(6, 2, "hang@3"); // seed 3 sleeps 3 x the timeout
  o.seed_timeout = std::chrono::seconds(2);
  auto start = std::chrono::steady_clock::now();
  auto r = explore_file("micropay/pay-ok.yaml", o);
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(r.sum.failures.count("timeout"));
  const auto& f = r.sum.failures.at("timeout");
  CHECK(f.seeds == std::vector<std::uint64_t>{3});
  CHECK(has(f.observed, "longer than the seed timeout of 2s (wall time)"));
  CHECK(r.sum.runs == 6); // it moved on: 5 played after seed 3 was stopped
  CHECK(r.sum.unreported == 0);
  CHECK(took < std::chrono::seconds(6)); // not waited out
  REQUIRE(std::filesystem::exists(f.reproducer));
  CHECK(has(slurp(f.reproducer), "# Seed 3 failed: timeout"));
  CHECK_FALSE(f.reproduced); // the file itself does not hang
  std::filesystem::remove_all(r.dir);
}

TEST_CASE("a --time that allows no run is refused, a --time run that plays none fails",
          "[explore][time]") {
  explore_options o;
  o.time = std::chrono::milliseconds(500);
  CHECK(options_problem(o) == "--time must be at least 1s (500ms may allow no run at all)");
  o.time = std::chrono::seconds(1);
  CHECK(options_problem(o).empty());
  auto happy = library("micropay/pay-ok.yaml");
  auto bad = explore_cli("", "'" + happy + "' --time 500ms");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "protobed explore: --time must be at least 1s (500ms may allow no run at "
                   "all)\n");

  // Every seed left out: the time passes, nothing broke, nothing ran.
  o.jobs = 1;
  o.test_hook = "skip@*";
  auto r = explore_file("micropay/pay-ok.yaml", o);
  CHECK(r.sum.failures.empty());
  CHECK(r.sum.runs == 0);
  CHECK(r.sum.runs_problem() == "no seed was played in the time given");
  CHECK_FALSE(r.sum.passed());
  auto none = explore_cli("PROTOBED_EXPLORE_TEST_HOOK='skip@*'", "'" + happy + "' --time 1s");
  CHECK(none.exit_code == 1);
  CHECK(has(none.out, "FAIL  runs: no seed was played in the time given"));
}

TEST_CASE("the command line reports worker trouble from the test hook and fails",
          "[explore][workers]") {
  auto dir = temp_dir("cli-hook");
  auto r = explore_cli("PROTOBED_EXPLORE_TEST_HOOK='exit@2,skip@4'",
                       "'" + library("micropay/pay-ok.yaml") + "' --seeds 4 --jobs 2 --out " + dir +
                         " --report " + dir + ".json");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(has(r.out, "seeds     1..3 (3 of 4 runs, 2 jobs"));
  CHECK(has(r.out, "FAIL  runs: 3 of 4 seeds asked for were played; no report for 1 seed(s): 4"));
  CHECK(has(r.out, "FAIL  crash: 1 of 3 seeds (2)"));
  CHECK(has(r.out, "NOT REPRODUCED: replayed once, the file passed"));
  CHECK(has(r.out, "result    FAIL (2 kind(s) of failure)"));
  auto doc = nlohmann::json::parse(slurp(dir + ".json"))[0];
  CHECK(doc["asked"] == 4);
  CHECK(doc["runs"] == 3);
  CHECK(doc["unreported_seeds"] == nlohmann::json::array({4}));
  CHECK(doc["runs_problem"] == "3 of 4 seeds asked for were played; no report for 1 seed(s): 4");
  CHECK(doc["passed"] == false);
  CHECK(doc["failures"][0]["name"] == "crash");
  CHECK(doc["failures"][0]["reproduced"] == false);
  CHECK(doc["failures"][0]["replay"] == "passed");
  std::filesystem::remove_all(dir);
  std::filesystem::remove(dir + ".json");
}

TEST_CASE("a reproducer is replayed once as run plays it before it is written",
          "[explore][replay]") {
  // Seed 120 of the e-commerce happy path charges twice with these checks off.
  auto o = seeds_over_jobs(1, 1, "");
  o.from = 120;
  auto r = explore_file("ecommerce/happy-path.yaml", o,
                        {"bank.unique_tids=false", "bank.check_otp=false"});
  REQUIRE(r.sum.failures.count("charged_at_most_once"));
  const auto& f = r.sum.failures.at("charged_at_most_once");
  CHECK(f.reproduced);
  CHECK(has(f.replay, "failed with charged_at_most_once"));
  auto text = slurp(f.reproducer);
  CHECK(has(text, "explore replayed it once: it fails with charged_at_most_once again"));
  CHECK_FALSE(has(text, "NOT REPRODUCED"));

  // The replay itself: the file fails; without its schedule it passes; a
  // text that does not load is an invalid schedule.
  auto again = replay_reproducer(text, f.reproducer, std::chrono::seconds(60));
  CHECK(again.shows("charged_at_most_once"));
  auto t = load_target(library("ecommerce/happy-path.yaml"));
  auto clean = replay_reproducer(to_yaml(with_schedule(t, schedule{}, 120)), "clean.yaml",
                                 std::chrono::seconds(60));
  CHECK(clean.failures.empty());
  CHECK(clean.describe() == "passed");
  auto broken = replay_reproducer("scenario: [", "broken.yaml", std::chrono::seconds(60));
  CHECK(broken.shows("invalid-schedule"));
  std::filesystem::remove_all(r.dir);
}

TEST_CASE("explore never opens a signed session in a participant's name with that participant's "
          "stolen key",
          "[explore][sessions]") {
  // Both factors of one participant (the mail hello's sender and its
  // signature) would be that participant itself, not a hole.
  auto t = load_target(library("purchase/lossy-network.yaml"));
  t.loaded.explore.min_sessions = 1;
  std::size_t signed_openers = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed)
    for (const auto& i : draw_schedule(t.loaded, seed).items) {
      if (i.type() != "forge" || option(options_of(i), "kind") != "mail.hello")
        continue;
      const auto* fields = options_of(i).find("fields");
      auto signer = fields ? option(*fields, "sign_with") : std::string{};
      if (signer.empty())
        continue;
      ++signed_openers;
      CHECK(option(*fields, "sender") != signer);
    }
  CHECK(signed_openers > 10);
}
