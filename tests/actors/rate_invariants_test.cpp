// The invariants that judge a rate a role promises (sms_bounded,
// password_guesses_bounded), the two about codes (one_code_per_purchase,
// codes_match_purchase), and those that take a fact from the attacker's or
// the relay's record rather than the participant judged (peer_authentication,
// gaps_explained): each shown holding on one trace and breaking on the trace
// that differs by the thing it is about.
#include <catch2/catch.hpp>

#include "actors/ecommerce/invariants.hpp"
#include "actors/messaging/invariants.hpp"
#include "actors/purchase/invariants.hpp"
#include "tests/support/trace_records.hpp"

using namespace protobed;
using namespace std::chrono_literals;
using test::event_record;

namespace {

constexpr std::int64_t second = 1000000000;

verdict judge(const std::vector<invariant_info>& all, const std::string& name,
              const std::vector<trace_record>& recs,
              const std::map<std::string, observation>& initial = {}) {
  std::map<std::string, observation> none;
  return test::invariant_named(all, name).check(run_facts{recs, initial, none});
}

/// The bank's first observation with `limit` codes per `window` (0: off).
std::map<std::string, observation> bank_promising(std::int64_t limit, sim_time window) {
  observation o;
  promise_rate(o, "otp_issue_limit", limit, window, 5, 1h);
  return {{"bank", o}};
}

std::vector<trace_record> codes_at(const std::vector<std::int64_t>& seconds,
                                   const std::string& who = "bank") {
  std::vector<trace_record> out;
  int n = 0;
  for (auto s : seconds)
    out.push_back(event_record(who, "OtpIssued",
                               {{"holder", "alice"}, {"reference", "r" + std::to_string(++n)}},
                               s * second));
  return out;
}

} // namespace

TEST_CASE("promise_rate: a limit switched off is judged at the role's defaults, window included",
          "[invariants][rates]") {
  observation on, off;
  promise_rate(on, "x", 7, 10min, 5, 1h);
  promise_rate(off, "x", 0, 1ms, 5, 1h); // off, with a window that would hide any flood
  CHECK(on.numbers.at("promised.x") == 7);
  CHECK(on.numbers.at("promised.x_window_ms") == 600000);
  CHECK(off.numbers.at("promised.x") == 5);
  CHECK(off.numbers.at("promised.x_window_ms") == 3600000);
}

TEST_CASE("sms_bounded: more codes for one card in one window than the bank promises",
          "[invariants][rates]") {
  const auto& all = ecommerce::invariants();
  auto five_an_hour = bank_promising(0, 1ms); // switched off: 5 per hour all the same
  CHECK(judge(all, "sms_bounded", codes_at({1, 2, 3, 4, 5}), five_an_hour).held);
  auto six = judge(all, "sms_bounded", codes_at({1, 2, 3, 4, 5, 6}), five_an_hour);
  CHECK_FALSE(six.held);
  CHECK(six.evidence.size() == 6);
  CHECK(six.observed.find("bank sent codes for the card of alice 6 times") == 0);
  // Sliding, as the bank's own window: the sixth an hour after the first is fine.
  CHECK(judge(all, "sms_bounded", codes_at({1, 2, 3, 4, 5, 3601}), five_an_hour).held);
  // The scenario's own limit where it sets one.
  CHECK_FALSE(judge(all, "sms_bounded", codes_at({1, 2, 3}), bank_promising(2, 1h)).held);
  // A bank that promises nothing (no observation) is not judged.
  CHECK(judge(all, "sms_bounded", codes_at({1, 2, 3, 4, 5, 6})).held);
}

TEST_CASE("password_guesses_bounded: more wrong passwords between two logins than promised",
          "[invariants][rates]") {
  const auto& all = purchase::invariants();
  observation o;
  promise_rate(o, "max_failures", 0, 1ms, 3, 60s); // locking off: judged at 3 a minute
  std::map<std::string, observation> opd{{"opd", o}};
  auto wrong = [](std::int64_t s) {
    return event_record("opd", "LoginRefused",
                        {{"customer", "alice"}, {"reason", "wrong password"}}, s * second);
  };
  auto login = [](std::int64_t s) {
    return event_record("opd", "LoggedIn", {{"customer", "alice"}, {"session", "ab12"}},
                        s * second);
  };
  CHECK(judge(all, "password_guesses_bounded", {wrong(1), wrong(2), wrong(3)}, opd).held);
  CHECK_FALSE(
    judge(all, "password_guesses_bounded", {wrong(1), wrong(2), wrong(3), wrong(4)}, opd).held);
  // A login starts the count again; a lock's minute apart is fine.
  CHECK(judge(all, "password_guesses_bounded",
              {wrong(1), wrong(2), wrong(3), login(4), wrong(5), wrong(6), wrong(7)}, opd)
          .held);
  CHECK(
    judge(all, "password_guesses_bounded", {wrong(1), wrong(2), wrong(3), wrong(63)}, opd).held);
  // Other refusals are not guesses judged.
  auto locked = event_record("opd", "LoginRefused",
                             {{"customer", "alice"}, {"reason", "account locked"}}, 4 * second);
  CHECK(judge(all, "password_guesses_bounded", {wrong(1), wrong(2), wrong(3), locked}, opd).held);
}

TEST_CASE("one_code_per_purchase: a second code for one purchase, unless the bank lost its disk",
          "[invariants][crash]") {
  const auto& all = ecommerce::invariants();
  auto code = [](std::int64_t s) {
    return event_record("bank", "OtpIssued", {{"holder", "alice"}, {"reference", "52b175"}},
                        s * second);
  };
  CHECK(judge(all, "one_code_per_purchase", {code(1)}).held);
  CHECK_FALSE(judge(all, "one_code_per_purchase", {code(1), code(4)}).held);
  auto restart = [](const char* state) {
    return event_record("bank", "Restarted", {{"state", state}}, 2 * second);
  };
  CHECK(judge(all, "one_code_per_purchase", {code(1), restart("lost"), code(4)}).held);
  CHECK_FALSE(judge(all, "one_code_per_purchase", {code(1), restart("kept"), code(4)}).held);
  CHECK_FALSE(judge(all, "one_code_per_purchase", {restart("lost"), code(1), code(4)}).held);
}

TEST_CASE("codes_match_purchase: a code taken for a purchase its SMS does not name",
          "[invariants]") {
  const auto& all = ecommerce::invariants();
  auto started =
    event_record("alice", "PurchaseStarted", {{"purchase", "2"}, {"reference", "0b930b"}});
  auto taken = [](const char* ref) {
    return event_record("alice", "OtpReceived", {{"purchase", "2"}, {"reference", ref}});
  };
  CHECK(judge(all, "codes_match_purchase", {started, taken("0b930b")}).held);
  auto stray = judge(all, "codes_match_purchase", {started, taken("d6746c")});
  CHECK_FALSE(stray.held);
  CHECK(stray.evidence.size() == 2);
}

TEST_CASE("sms_bounded (messaging): more codes to one phone than the relay promises",
          "[invariants][rates]") {
  const auto& all = messaging::invariants();
  observation o;
  promise_rate(o, "code_issue_limit", 0, 1ms, 5, 1h);
  std::vector<trace_record> sent;
  for (int s = 1; s <= 6; ++s)
    sent.push_back(event_record("relay", "CodeSent", {{"phone", "+1"}}, s * 40 * second));
  CHECK_FALSE(judge(all, "sms_bounded", sent, {{"relay", o}}).held);
  sent.pop_back();
  CHECK(judge(all, "sms_bounded", sent, {{"relay", o}}).held);
}

TEST_CASE("peer_authentication: a tid signed with the merchant's stolen key is the merchant's, "
          "one signed with another key is not",
          "[invariants][attacker]") {
  const auto& all = ecommerce::invariants();
  auto accepted = [](const std::string& signed_with) {
    return std::vector<trace_record>{
      event_record("mallory", "KeyCompromised", {{"owner", "shop"}, {"signs_with", "rsa_pss"}}),
      event_record("mallory", "AttackImpersonated",
                   {{"as", "shop"},
                    {"kind", "ecommerce.setup_reply"},
                    {"to", "alice"},
                    {"signed_with", signed_with}}),
      event_record("alice", "SetupComplete",
                   {{"tid", "00ff"}, {"merchant", "shop"}, {"client_key", "k1"}})};
  };
  auto itself = judge(all, "peer_authentication", accepted("shop"));
  CHECK(itself.held);
  CHECK(itself.observed.find("1 opened by an attacker signing with the merchant's stolen key") !=
        std::string::npos);
  // The shop's key stolen, the tid signed with the attacker's own (a client
  // that does not check signatures): not the shop's.
  CHECK_FALSE(judge(all, "peer_authentication", accepted("own")).held);
  // One impersonation excuses one tid, not a second.
  auto twice = accepted("shop");
  twice.push_back(event_record("alice", "SetupComplete",
                               {{"tid", "01ff"}, {"merchant", "shop"}, {"client_key", "k1"}}));
  CHECK_FALSE(judge(all, "peer_authentication", twice).held);
}

TEST_CASE("gaps_explained: a gap shown past is one the relay's evictions made, not the device's "
          "notices",
          "[invariants][messaging]") {
  const auto& all = messaging::invariants();
  std::map<std::string, observation> phones;
  phones["alice"].texts["phone"] = "+1";
  phones["bob"].texts["phone"] = "+2";
  phones["carol"].texts["phone"] = "+3";
  auto evicted = [](const std::string& from, const std::string& seq) {
    return event_record("relay", "QueueEvicted",
                        {{"msg", "m" + seq}, {"from", from}, {"for", "+2"}, {"seq", seq}});
  };
  auto gap = [](const char* name, const char* count) {
    return event_record("bob", name,
                        {{"from", "alice"},
                         {name == std::string("GapAccepted") ? "missing" : "evicted", count},
                         {"after", "1"},
                         {"seq", "3"}});
  };
  // Messages 1 and 2 of alice's evicted for bob: his gap before 3 is the relay's.
  CHECK(judge(all, "gaps_explained",
              {evicted("+1", "1"), evicted("+1", "2"), gap("GapExplained", "2")}, phones)
          .held);
  // Only one of them evicted: the notice he read for the other was not the relay's.
  CHECK_FALSE(
    judge(all, "gaps_explained", {evicted("+1", "1"), gap("GapExplained", "2")}, phones).held);
  // Another sender's evictions explain nothing of alice's.
  CHECK_FALSE(judge(all, "gaps_explained",
                    {evicted("+3", "1"), evicted("+3", "2"), gap("GapExplained", "2")}, phones)
                .held);
  // A gap shown with no notice (check_gaps off): its user never learns of
  // it, though the relay did evict both.
  auto accepted = judge(all, "gaps_explained",
                        {evicted("+1", "1"), evicted("+1", "2"), gap("GapAccepted", "2")}, phones);
  CHECK_FALSE(accepted.held);
  CHECK(accepted.observed == "bob showed alice's message 3 after 2 missing from 1, told of none "
                             "of them (a relay evicted 2)");
}
