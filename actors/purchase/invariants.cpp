#include "actors/purchase/invariants.hpp"

#include <map>
#include <set>
#include <tuple>

namespace protobed::purchase {

namespace {

std::int64_t number_or(const std::string& text, std::int64_t fallback) {
  try {
    return std::stoll(text);
  } catch (...) {
    return fallback;
  }
}

/// Each OPD shipped (OrderAccepted: what it did) at most what the scenario
/// gave it of each item: its stock as built, before the first step. The
/// OPD's own count of what is left is not taken: an OPD that restarted with
/// its stock recreated would vouch for stock it had already shipped.
verdict stock_never_negative(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, std::int64_t> shipped; // (OPD, item) -> units
  std::size_t accepted = 0;
  for (const auto& rec : f.records) {
    if (!is_event(rec, "OrderAccepted"))
      continue;
    ++accepted;
    auto item = detail_of(rec, "item");
    auto& units = shipped[{who_of(rec), item}];
    units += number_or(detail_of(rec, "quantity"), 0);
    std::int64_t given = 0;
    if (auto o = f.initial.find(who_of(rec)); o != f.initial.end())
      if (auto n = o->second.numbers.find("stock." + item); n != o->second.numbers.end())
        given = n->second;
    if (units > given)
      return {false,
              who_of(rec) + " accepted order " + detail_of(rec, "number") + " (" +
                detail_of(rec, "quantity") + " x " + item + "): " + std::to_string(units) +
                " shipped of the " + std::to_string(given) + " it was given",
              events_where(f.records, "OrderAccepted", "item", item)};
  }
  return {true, std::to_string(accepted) + " order(s) accepted, none beyond the stock given"};
}

/// No order (OPD, customer, nonce) is accepted twice.
verdict order_processed_at_most_once(const run_facts& f) {
  std::map<std::tuple<std::string, std::string, std::string>, std::string> seen; // -> number
  for (const auto& rec : f.records) {
    if (!is_event(rec, "OrderAccepted"))
      continue;
    auto [at, first] = seen.try_emplace(
      {who_of(rec), detail_of(rec, "customer"), detail_of(rec, "order")}, detail_of(rec, "number"));
    if (!first)
      return {false,
              "order " + detail_of(rec, "order") + " of " + detail_of(rec, "customer") +
                " was accepted twice by " + who_of(rec) + " (numbers " + at->second + " and " +
                detail_of(rec, "number") + ")",
              events_where(f.records, "OrderAccepted", "order", detail_of(rec, "order"))};
  }
  return {true, std::to_string(seen.size()) + " order(s) accepted, each once"};
}

using decision_key = std::tuple<std::string, std::string, std::string>; // customer, order, number
using order_key = std::pair<std::string, std::string>;                  // customer, order

/// Every outcome a customer took from a receipt is the one the OPD decided
/// for that order, under that number; and no customer took "refused" for an
/// order the OPD accepted under any number (an OPD that lost its book and
/// refused the order again would otherwise match its own second decision).
verdict receipt_matches_order(const run_facts& f) {
  std::set<order_key> accepted;
  for (const auto& rec : f.records)
    if (is_event(rec, "OrderAccepted"))
      accepted.insert({detail_of(rec, "customer"), detail_of(rec, "order")});
  std::map<decision_key, std::string> decided; // -> accepted | refused | unknown
  std::size_t finished = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "OrderAccepted") || is_event(rec, "OrderRefused") ||
        is_event(rec, "OrderUnknown"))
      decided[{detail_of(rec, "customer"), detail_of(rec, "order"), detail_of(rec, "number")}] =
        is_event(rec, "OrderAccepted")  ? "accepted"
        : is_event(rec, "OrderRefused") ? "refused"
                                        : "unknown";
    if (!is_event(rec, "OrderFinished") || detail_of(rec, "outcome") == "failed")
      continue;
    ++finished;
    decision_key k{detail_of(rec, "customer"), detail_of(rec, "order"), detail_of(rec, "number")};
    auto i = decided.find(k);
    auto text = who_of(rec) + " took order " + detail_of(rec, "order") + " as " +
                detail_of(rec, "outcome") + " (number " + detail_of(rec, "number") + ")";
    if (i == decided.end())
      return {false, text + ", which the OPD never decided"};
    if (i->second != detail_of(rec, "outcome"))
      return {false, text + ", but the OPD " + i->second + " it"};
    if (i->second == "refused" &&
        accepted.count({detail_of(rec, "customer"), detail_of(rec, "order")}))
      return {false, text + ", but the OPD had accepted it (it shipped)",
              events_where(f.records, "OrderAccepted", "order", detail_of(rec, "order"))};
  }
  return {true, std::to_string(finished) + " receipt(s) taken, each as the OPD decided"};
}

/// Each accepted order has exactly one "order shipped" mail in its
/// customer's mailbox, or a MailFailed naming it (by the reference its
/// OrderAccepted gives; no two accepted orders share one); no such mail
/// exists for anything else. Orders whose OPD later lost its state are not required
/// to have one (the queued mail went with it), nor those of an OPD that is
/// down at the end.
verdict mail_matches_outcome(const run_facts& f) {
  std::map<std::string, std::string> accepted; // ref -> email
  std::map<std::string, std::int64_t> accepted_at;
  std::map<std::string, std::string> accepted_by; // ref -> OPD
  std::map<std::string, int> delivered;
  std::set<std::string> failed;
  std::map<std::string, std::int64_t> lost_at; // OPD -> when it restarted with nothing
  for (const auto& rec : f.records) {
    auto t = rec.value("t", std::int64_t{0});
    if (is_event(rec, "OrderAccepted")) {
      auto ref = detail_of(rec, "ref");
      if (accepted.count(ref))
        return {false, who_of(rec) + " gave the reference " + ref + " to two accepted orders",
                events_where(f.records, "OrderAccepted", "ref", ref)};
      accepted[ref] = detail_of(rec, "email");
      accepted_at[ref] = t;
      accepted_by[ref] = who_of(rec);
    } else if (is_event(rec, "MailDelivered") && detail_of(rec, "subject") == "order shipped") {
      auto ref = detail_of(rec, "ref");
      ++delivered[ref];
      auto i = accepted.find(ref);
      if (i == accepted.end())
        return {false, "\"order shipped\" (" + ref + ") in " + detail_of(rec, "to") +
                         "'s mailbox for no accepted order"};
      if (i->second != detail_of(rec, "to"))
        return {false, "\"order shipped\" (" + ref + ") went to " + detail_of(rec, "to") +
                         ", not to " + i->second};
      if (delivered[ref] == 2)
        return {false, "\"order shipped\" (" + ref + ") delivered twice"};
    } else if (is_event(rec, "MailFailed")) {
      failed.insert(detail_of(rec, "ref"));
    } else if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost") {
      lost_at[who_of(rec)] = t;
    }
  }
  std::size_t missing = 0;
  std::string first;
  auto down = down_at_end(f.records);
  for (const auto& [ref, email] : accepted) {
    if (delivered.count(ref) || failed.count(ref))
      continue;
    const auto& opd = accepted_by[ref];
    if (auto l = lost_at.find(opd); l != lost_at.end() && l->second > accepted_at[ref])
      continue;
    if (down.count(opd)) // an OPD down at the end cannot have mailed yet
      continue;
    if (missing++ == 0)
      first = "order " + ref + " was accepted but no \"order shipped\" mail reached " + email +
              " and none failed by name";
  }
  if (missing)
    return fail_with(missing, first);
  return {true, std::to_string(accepted.size()) + " accepted order(s): " +
                  std::to_string(delivered.size()) + " shipped mail(s) delivered, " +
                  std::to_string(failed.size()) + " failed by name"};
}

/// Every accepted order is one its customer placed: an OrderPlaced at the
/// participant whose key is on file for the account, with the same order
/// id, item and quantity.
verdict no_unauthorised_order(const run_facts& f) {
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int> placed;
  std::size_t accepted = 0, bad = 0;
  std::string first;
  for (const auto& rec : f.records) {
    if (is_event(rec, "OrderPlaced"))
      ++placed[{who_of(rec), detail_of(rec, "order"), detail_of(rec, "item"),
                detail_of(rec, "quantity")}];
    if (!is_event(rec, "OrderAccepted"))
      continue;
    ++accepted;
    if (placed[{detail_of(rec, "account"), detail_of(rec, "order"), detail_of(rec, "item"),
                detail_of(rec, "quantity")}] > 0)
      continue;
    if (bad++ == 0)
      first = who_of(rec) + " accepted order " + detail_of(rec, "order") + " (" +
              detail_of(rec, "quantity") + " x " + detail_of(rec, "item") + ") for " +
              detail_of(rec, "customer") + ", which " + detail_of(rec, "account") + " never placed";
  }
  if (bad)
    return fail_with(bad, first);
  return {true, std::to_string(accepted) + " accepted order(s), each placed by its customer"};
}

/// No OPD logs one login in twice: each session it logged in (its LoggedIn,
/// which names the session, is what it did) it logged in once. A login sent
/// again is answered again (LoginRepeated), never taken a second time; one
/// taken again — a replay after a restart that lost the OPD's sessions —
/// opens the session anew and takes its old records once more.
verdict login_accepted_once(const run_facts& f) {
  std::set<std::pair<std::string, std::string>> seen; // (OPD, session)
  for (const auto& rec : f.records) {
    if (!is_event(rec, "LoggedIn") || detail_of(rec, "session").empty())
      continue; // a customer's LoggedIn names no session: only the OPD's count
    if (!seen.insert({who_of(rec), detail_of(rec, "session")}).second)
      return {false,
              who_of(rec) + " logged in " + detail_of(rec, "customer") + "'s session " +
                detail_of(rec, "session") + " twice",
              events_where(f.records, "LoggedIn", "session", detail_of(rec, "session"))};
  }
  return {true, std::to_string(seen.size()) + " login(s) taken, each once"};
}

} // namespace

std::vector<invariant_info> invariants() {
  return {
    {"stock_never_negative",
     "no OPD ships (accepts) more of an item than the scenario gave it in stock",
     stock_never_negative},
    {"order_processed_at_most_once", "no order (customer, nonce) is accepted twice",
     order_processed_at_most_once},
    {"receipt_matches_order",
     "every outcome a customer takes from a receipt is the one the OPD decided for that order, "
     "and never refused for an order the OPD accepted",
     receipt_matches_order},
    {"mail_matches_outcome",
     "one \"order shipped\" mail to the customer per accepted order (or a MailFailed naming it), "
     "and none for anything else",
     mail_matches_outcome},
    {"no_unauthorised_order",
     "every accepted order was placed (signed) by the customer whose key is on file",
     no_unauthorised_order},
    {"login_accepted_once",
     "no OPD logs one login (its session) in twice: a login sent again is answered again, a "
     "replayed one never opens its session anew",
     login_accepted_once},
  };
}

} // namespace protobed::purchase
