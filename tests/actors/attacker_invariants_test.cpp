// The attacker's invariants over made-up traces: secrecy, and secrecy where
// the schedule stole keys (what a stolen key opens is its owner's traffic,
// nothing else).
#include <catch2/catch.hpp>

#include "actors/runtime/registry.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using test::event_record;
using test::packet_record;

namespace {

verdict check(const std::string& name, const std::vector<trace_record>& recs) {
  for (const auto& p : builtin_roles().protocols())
    if (p.name == "attacker")
      return test::check_invariant(test::invariant_named(p.invariants, name), recs);
  throw std::logic_error("no attacker protocol");
}

trace_record numbered(trace_record r, std::uint64_t id) {
  r["id"] = id;
  return r;
}

/// mallory steals u0's key and reads a chat line from packet 7 (`from`->`to`).
std::vector<trace_record> learned_from(const std::string& from, const std::string& to) {
  return {event_record("mallory", "KeyCompromised", {{"owner", "u0"}, {"signs_with", "rsa_pss"}}),
          numbered(packet_record(from, to, "micropay.chat"), 7),
          event_record("mallory", "SecretLearned",
                       {{"what", "chat"},
                        {"value", "hi"},
                        {"source", "packet 7 (micropay.chat " + from + "->" + to + ")"}})};
}

} // namespace

TEST_CASE("secrecy_of_others excuses what a stolen key opens, and nothing else",
          "[invariants][attacker]") {
  // To or from the stolen key's owner: what a compromise is.
  CHECK(check("secrecy_of_others", learned_from("u0", "u1")).held);
  CHECK(check("secrecy_of_others", learned_from("u1", "u0")).held);
  CHECK_FALSE(check("secrecy", learned_from("u1", "u0")).held); // plain secrecy: any secret
  // Between two others: a hole (a channel the attacker got into), evidence the event.
  auto v = check("secrecy_of_others", learned_from("u5", "u1"));
  CHECK_FALSE(v.held);
  CHECK(v.observed.find("packet 7 (micropay.chat u5->u1), with no stolen key") !=
        std::string::npos);
  CHECK(v.evidence == std::vector<std::size_t>{2});
  // The network's record decides, not the source's text: the packet went u5->u1.
  auto lying = learned_from("u5", "u1");
  lying[2]["details"]["source"] = "packet 7 (micropay.chat u0->u1)";
  CHECK_FALSE(check("secrecy_of_others", lying).held);
  // What only a stolen key opened (a key sealed for its owner, relayed by
  // another): the attacker says so, and it is excused.
  auto relayed = learned_from("u5", "relay");
  CHECK_FALSE(check("secrecy_of_others", relayed).held);
  relayed[2]["details"]["by"] = "stolen key";
  CHECK(check("secrecy_of_others", relayed).held);
  // No compromise: nothing is excused.
  auto keyless = learned_from("u0", "u1");
  keyless.erase(keyless.begin());
  CHECK_FALSE(check("secrecy_of_others", keyless).held);
}
