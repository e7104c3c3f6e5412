#include "scenarios/engine/checks.hpp"

#include "scenarios/engine/security_checks.hpp"

namespace protobed {

namespace {

const observation* final_of(const run_result& r, const std::string& who) {
  auto i = r.final.find(who);
  return i == r.final.end() ? nullptr : &i->second;
}

check_result check_outcome(const expectation& x, const run_result& r) {
  check_result c{"outcome of " + x.who + " is " + x.expected, false, "none", x.pos};
  const auto* o = final_of(r, x.who);
  if (o && o->texts.count("outcome"))
    c.observed = o->texts.at("outcome");
  // "aborted" accepts any reason; "aborted: insufficient-funds" only that one.
  bool prefix = x.expected == "aborted" && c.observed.rfind("aborted", 0) == 0;
  c.passed = c.observed == x.expected || prefix;
  return c;
}

check_result check_balance(const expectation& x, const run_result& r) {
  check_result c{"balance of " + x.subject + " at " + x.who + " is " + std::to_string(x.number),
                 false, "no such account", x.pos};
  const auto* o = final_of(r, x.who);
  auto key = "balance." + x.subject;
  if (o && o->numbers.count(key)) {
    c.observed = std::to_string(o->numbers.at(key));
    c.passed = o->numbers.at(key) == x.number;
  }
  return c;
}

bool event_matches(const trace_record& rec, const expectation& x) {
  if (rec["type"] != "event" || rec["name"] != x.subject)
    return false;
  if (x.who != "*" && rec["who"] != x.who)
    return false;
  for (const auto& [k, v] : x.details) {
    if (!rec.contains("details") || !rec["details"].contains(k) || rec["details"][k] != v)
      return false;
  }
  return true;
}

std::string describe_event(const expectation& x) {
  std::string s = x.subject + (x.who == "*" ? std::string{} : " at " + x.who);
  for (const auto& [k, v] : x.details)
    s += " " + k + "=" + v;
  return s;
}

check_result check_event(const expectation& x, const std::vector<trace_record>& records) {
  std::int64_t n = 0;
  for (const auto& rec : records)
    n += event_matches(rec, x) ? 1 : 0;
  check_result c{"", false, std::to_string(n) + " time(s)", x.pos};
  if (x.type == expectation_type::no_event) {
    c.text = "no " + describe_event(x);
    c.passed = n == 0;
  } else if (x.count) {
    c.text = describe_event(x) + " exactly " + std::to_string(*x.count) + " time(s)";
    c.passed = n == *x.count;
  } else {
    c.text = describe_event(x);
    c.passed = n >= 1;
  }
  return c;
}

/// Every participant that keeps accounts reports its total before and after.
check_result money_conserved(const expectation& x, const run_result& r) {
  std::int64_t before = 0, after = 0;
  for (const auto& [who, o] : r.final) {
    if (o.numbers.count("total") == 0)
      continue;
    before += o.numbers.at("initial_total");
    after += o.numbers.at("total");
  }
  return {"money_conserved", before == after,
          "total " + std::to_string(before) + " -> " + std::to_string(after), x.pos};
}

check_result charged_at_most_once(const expectation& x, const run_result& r) {
  std::int64_t worst = 0, tids = 0;
  std::string worst_tid;
  for (const auto& [who, o] : r.final) {
    for (const auto& [key, n] : o.numbers) {
      if (key.rfind("charges.", 0) != 0)
        continue;
      ++tids;
      if (n > worst) {
        worst = n;
        worst_tid = key.substr(8);
      }
    }
  }
  auto observed =
    std::to_string(tids) + " tid(s) charged, at most " + std::to_string(worst) + " time(s) each";
  if (worst > 1)
    observed += " (tid " + worst_tid.substr(0, 12) + "… charged " + std::to_string(worst) + "x)";
  return {"charged_at_most_once", worst <= 1, observed, x.pos};
}

check_result check_invariant(const expectation& x, const run_result& r) {
  if (x.subject == "money_conserved")
    return money_conserved(x, r);
  if (x.subject == "charged_at_most_once")
    return charged_at_most_once(x, r);
  if (x.subject == "no_unauthorised_payment")
    return no_unauthorised_payment(x, r);
  if (x.subject == "secrecy")
    return secrecy(x, r);
  if (x.subject == "peer_authentication")
    return peer_authentication(x, r);
  return outcome_agreement(x, r);
}

check_result check_one(const expectation& x, const run_result& r,
                       const std::vector<trace_record>& records) {
  switch (x.type) {
    case expectation_type::outcome:
      return check_outcome(x, r);
    case expectation_type::balance:
      return check_balance(x, r);
    case expectation_type::event:
    case expectation_type::no_event:
      return check_event(x, records);
    case expectation_type::invariant:
      return check_invariant(x, r);
    case expectation_type::broken: {
      // The attack is expected to succeed: the invariant must fail.
      auto c = check_invariant(x, r);
      c.text = c.text + " is broken";
      c.passed = !c.passed;
      return c;
    }
  }
  return {};
}

} // namespace

std::vector<check_result> check_expectations(const scenario& s, const run_result& r) {
  std::vector<check_result> out;
  auto records = r.trace->records(); // one copy for every expectation
  for (const auto& x : s.expect)
    out.push_back(check_one(x, r, records));
  return out;
}

} // namespace protobed
