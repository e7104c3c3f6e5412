#include "scenarios/engine/checks.hpp"

#include <algorithm>
#include <cctype>

#include "actors/runtime/protocol.hpp"
#include "actors/runtime/time.hpp"
#include "scenarios/engine/invariants.hpp"

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

/// "exactly 3 time(s)", "at least 2 time(s)", "2..5 time(s)", "at most 1 time(s)".
std::string describe_count(const count_bound& b) {
  if (b.min && b.max)
    return *b.min == *b.max ? "exactly " + std::to_string(*b.min) + " time(s)"
                            : std::to_string(*b.min) + ".." + std::to_string(*b.max) + " time(s)";
  return b.min ? "at least " + std::to_string(*b.min) + " time(s)"
               : "at most " + std::to_string(*b.max) + " time(s)";
}

std::int64_t occurrences(const expectation& x, const std::vector<trace_record>& records) {
  std::int64_t n = 0;
  for (const auto& rec : records)
    n += event_matches(rec, x) ? 1 : 0;
  return n;
}

check_result check_event(const expectation& x, const std::vector<trace_record>& records) {
  auto n = occurrences(x, records);
  check_result c{"", false, std::to_string(n) + " time(s)", x.pos};
  if (x.type == expectation_type::no_event) {
    c.text = "no " + describe_event(x);
    c.passed = n == 0;
  } else if (x.count) {
    c.text = describe_event(x) + " " + describe_count(*x.count);
    c.passed = (!x.count->min || n >= *x.count->min) && (!x.count->max || n <= *x.count->max);
  } else {
    c.text = describe_event(x);
    c.passed = n >= 1;
  }
  return c;
}

check_result check_any_of(const expectation& x, const std::vector<trace_record>& records) {
  std::string text, observed;
  bool passed = false;
  for (const auto& alt : x.alternatives) {
    auto n = occurrences(alt, records);
    text += (text.empty() ? "one of: " : " | ") + describe_event(alt);
    observed += (observed.empty() ? "" : ", ") + std::to_string(n);
    passed |= n > 0;
  }
  return {text, passed, observed + " time(s)", x.pos};
}

/// Equal values of the `same` details in both records.
bool same_details(const trace_record& a, const trace_record& b,
                  const std::vector<std::string>& same) {
  for (const auto& f : same)
    if (!a.contains("details") || !b.contains("details") || !a["details"].contains(f) ||
        !b["details"].contains(f) || a["details"][f] != b["details"][f])
      return false;
  return true;
}

/// The index of the first `first` that no later matching `then` answers (in
/// time), or records.size() if every one is answered; `n` counts the firsts.
std::size_t first_unanswered(const expectation& x, const std::vector<trace_record>& records,
                             std::size_t& n) {
  const auto& first = x.alternatives.at(0);
  const auto& then = x.alternatives.at(1);
  n = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!event_matches(records[i], first))
      continue;
    ++n;
    auto t0 = records[i]["t"].get<std::int64_t>();
    bool answered = false;
    for (std::size_t j = i + 1; j < records.size() && !answered; ++j) {
      if (x.within && records[j]["t"].get<std::int64_t>() - t0 > x.within->count())
        break;
      answered = event_matches(records[j], then) && same_details(records[i], records[j], x.same);
    }
    if (!answered)
      return i;
  }
  return records.size();
}

std::string describe_follows(const expectation& x) {
  std::string s = "every " + describe_event(x.alternatives.at(0)) + " followed by " +
                  describe_event(x.alternatives.at(1));
  for (std::size_t i = 0; i < x.same.size(); ++i)
    s += (i == 0 ? " (same " : ", ") + x.same[i] + (i + 1 == x.same.size() ? ")" : "");
  if (x.within)
    s += " within " + format_duration(*x.within);
  return s;
}

check_result check_follows(const expectation& x, const std::vector<trace_record>& records) {
  std::size_t n = 0;
  auto i = first_unanswered(x, records, n);
  check_result c{describe_follows(x), i == records.size(), "", x.pos};
  if (c.passed) {
    c.observed = std::to_string(n) + " of " + std::to_string(n) + " followed";
    return c;
  }
  c.observed = "not followed: " + text_of(records[i], "name") + " at " +
               text_of(records[i], "who") + " at " +
               format_duration(sim_time(records[i]["t"].get<std::int64_t>()));
  c.evidence = {records[i]};
  return c;
}

/// At most `n` records: the first ones and the last one if there are more.
std::vector<trace_record> few(const std::vector<const trace_record*>& found, std::size_t n) {
  std::vector<trace_record> out;
  for (std::size_t i = 0; i < found.size() && i + 1 < n; ++i)
    out.push_back(*found[i]);
  if (found.size() >= n)
    out.push_back(*found.back());
  return out;
}

check_result check_invariant(const expectation& x, const run_result& r,
                             const std::vector<trace_record>& records, const scenario& s) {
  const auto* inv = find_invariant(x.subject, s.registry());
  if (!inv) // the loader refuses unknown names; a hand-built scenario may not
    return {x.subject, false, "no such invariant is registered", x.pos};
  auto v = inv->check(run_facts{records, r.initial, r.final, &s.network.outages});
  check_result c{x.subject, v.held, v.observed, x.pos};
  std::vector<const trace_record*> decided;
  for (auto i : v.evidence)
    if (i < records.size())
      decided.push_back(&records[i]);
  c.evidence = few(decided, 8);
  return c;
}

check_result check_one(const expectation& x, const run_result& r,
                       const std::vector<trace_record>& records, const scenario& s) {
  switch (x.type) {
    case expectation_type::outcome:
      return check_outcome(x, r);
    case expectation_type::balance:
      return check_balance(x, r);
    case expectation_type::event:
    case expectation_type::no_event:
      return check_event(x, records);
    case expectation_type::any_of:
      return check_any_of(x, records);
    case expectation_type::follows:
      return check_follows(x, records);
    case expectation_type::invariant:
      return check_invariant(x, r, records, s);
    case expectation_type::broken: {
      // The attack is expected to succeed: the invariant must fail.
      auto c = check_invariant(x, r, records, s);
      c.text = c.text + " is broken";
      c.passed = !c.passed;
      if (c.passed)
        c.evidence.clear(); // evidence is for failures
      return c;
    }
  }
  return {};
}

/// The last `n` records that pass `keep`, in trace order.
template <class Keep>
std::vector<trace_record> last(const std::vector<trace_record>& records, std::size_t n, Keep keep) {
  std::vector<trace_record> out;
  for (auto i = records.rbegin(); i != records.rend() && out.size() < n; ++i)
    if (keep(*i))
      out.insert(out.begin(), *i);
  return out;
}

bool mentions(const trace_record& rec, const std::string& word) {
  auto d = rec.find("details");
  if (d == rec.end())
    return false;
  for (const auto& [k, v] : d->items())
    if (v.is_string() && v.get<std::string>().rfind(word, 0) == 0)
      return true;
  return false;
}

/// Hex identifiers (tids, nonces) a verdict names, without their "…".
std::vector<std::string> identifiers(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ' ';
    if (std::isxdigit(static_cast<unsigned char>(c))) {
      word += c;
      continue;
    }
    if (word.size() >= 8)
      out.push_back(word);
    word.clear();
  }
  return out;
}

/// The records that decided a failed check.
std::vector<trace_record> evidence_for(const expectation& x, const check_result& c,
                                       const std::vector<trace_record>& records) {
  switch (x.type) {
    case expectation_type::outcome:
      // What the participant last did and last received.
      return last(records, 6, [&](const trace_record& r) {
        return text_of(r, "who") == x.who ||
               (text_of(r, "type") == "packet" && text_of(r, "to") == x.who);
      });
    case expectation_type::balance:
      return last(records, 5, [&](const trace_record& r) {
        return text_of(r, "type") == "event" && text_of(r, "who") == x.who &&
               mentions(r, x.subject);
      });
    case expectation_type::event:
    case expectation_type::no_event: {
      std::vector<const trace_record*> counted, named;
      for (const auto& r : records) {
        if (event_matches(r, x))
          counted.push_back(&r);
        else if (text_of(r, "type") == "event" && text_of(r, "name") == x.subject)
          named.push_back(&r); // the name, at someone else or with other details
      }
      if (!counted.empty())
        return few(counted, 5);
      if (!named.empty())
        return few(named, 5);
      return last(records, 4, [&](const trace_record& r) {
        return text_of(r, "type") == "event" && (x.who == "*" || text_of(r, "who") == x.who);
      });
    }
    case expectation_type::invariant: {
      if (!c.evidence.empty())
        return c.evidence; // the invariant said which records decided it
      auto ids = identifiers(c.observed);
      std::vector<const trace_record*> found;
      for (const auto& r : records)
        if (text_of(r, "type") == "event" &&
            std::any_of(ids.begin(), ids.end(), [&](const auto& id) { return mentions(r, id); }))
          found.push_back(&r);
      return few(found, 6);
    }
    case expectation_type::any_of: {
      std::vector<const trace_record*> named; // the events' names, at others or with other details
      for (const auto& r : records)
        for (const auto& alt : x.alternatives)
          if (text_of(r, "type") == "event" && text_of(r, "name") == alt.subject) {
            named.push_back(&r);
            break;
          }
      return few(named, 5);
    }
    case expectation_type::follows:
      return c.evidence; // the first occurrence nothing followed
    case expectation_type::broken:
      return {}; // it held: nothing in the trace went wrong
  }
  return {};
}

} // namespace

std::vector<check_result> check_expectations(const scenario& s, const run_result& r) {
  std::vector<check_result> out;
  auto records = r.trace->records(); // one copy for every expectation
  for (const auto& x : s.expect) {
    out.push_back(check_one(x, r, records, s));
    if (!out.back().passed)
      out.back().evidence = evidence_for(x, out.back(), records);
  }
  return out;
}

} // namespace protobed
