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

TEST_CASE("secrecy_of_others excuses what a stolen key explains, and nothing else",
          "[invariants][attacker]") {
  auto with_by = [](std::vector<trace_record> recs, const char* by) {
    recs[2]["details"]["by"] = by;
    return recs;
  };
  // Opened with the stolen key (sealed for its owner, wherever it travels):
  // what a compromise is.
  CHECK(check("secrecy_of_others", with_by(learned_from("u5", "relay"), "stolen key")).held);
  CHECK_FALSE(check("secrecy", with_by(learned_from("u5", "relay"), "stolen key")).held);
  // Read posing as u0 with its key: excused in u0's own traffic only.
  CHECK(check("secrecy_of_others", with_by(learned_from("u5", "u0"), "stolen signature")).held);
  CHECK(check("secrecy_of_others", with_by(learned_from("u0", "u5"), "stolen signature")).held);
  auto v = check("secrecy_of_others", with_by(learned_from("u5", "u1"), "stolen signature"));
  CHECK_FALSE(v.held); // a peer took a channel u0's key vouched for, and sent u1's line in it
  CHECK(v.observed.find("packet 7 (micropay.chat u5->u1), posing") != std::string::npos);
  CHECK(v.evidence == std::vector<std::size_t>{2});
  // The network's record decides, not the source's text: the packet went u5->u1.
  auto lying = with_by(learned_from("u5", "u1"), "stolen signature");
  lying[2]["details"]["source"] = "packet 7 (micropay.chat u0->u1)";
  CHECK_FALSE(check("secrecy_of_others", lying).held);
  // Read with no stolen key: never excused, even in the owner's traffic.
  CHECK_FALSE(check("secrecy_of_others", with_by(learned_from("u0", "u1"), "wire")).held);
  CHECK_FALSE(
    check("secrecy_of_others", learned_from("u0", "u1")).held); // no `by`: no compromise yet
  // Another attacker's theft explains nothing of this one's.
  auto eves = with_by(learned_from("u5", "u0"), "stolen signature");
  eves[0]["who"] = "eve";
  CHECK_FALSE(check("secrecy_of_others", eves).held);
}
