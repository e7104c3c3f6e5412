#include "actors/purchase/invariants.hpp"

#include <chrono>
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

/// A decision as keyed by who made it: OPD, customer, order, number.
using decision_key = std::tuple<std::string, std::string, std::string, std::string>;
using order_key = std::tuple<std::string, std::string, std::string>; // OPD, customer, order

/// Every outcome a customer took from a receipt is the one its OPD (the one
/// it ordered from) decided for that order, under that number; and no
/// customer took "refused" for an order that OPD accepted under any number
/// (an OPD that lost its book and refused the order again would otherwise
/// match its own second decision). Another OPD's decisions (a copy of the
/// order sent there) are not this one's.
verdict receipt_matches_order(const run_facts& f) {
  std::set<order_key> accepted;
  for (const auto& rec : f.records)
    if (is_event(rec, "OrderAccepted"))
      accepted.insert({who_of(rec), detail_of(rec, "customer"), detail_of(rec, "order")});
  std::map<decision_key, std::string> decided; // -> accepted | refused | unknown
  std::size_t finished = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "OrderAccepted") || is_event(rec, "OrderRefused") ||
        is_event(rec, "OrderUnknown"))
      decided[{who_of(rec), detail_of(rec, "customer"), detail_of(rec, "order"),
               detail_of(rec, "number")}] = is_event(rec, "OrderAccepted")  ? "accepted"
                                            : is_event(rec, "OrderRefused") ? "refused"
                                                                            : "unknown";
    if (!is_event(rec, "OrderFinished") || detail_of(rec, "outcome") == "failed")
      continue;
    ++finished;
    auto opd = detail_of(rec, "opd");
    decision_key k{opd, detail_of(rec, "customer"), detail_of(rec, "order"),
                   detail_of(rec, "number")};
    auto i = decided.find(k);
    auto text = who_of(rec) + " took order " + detail_of(rec, "order") + " as " +
                detail_of(rec, "outcome") + " (number " + detail_of(rec, "number") + ")";
    if (i == decided.end())
      return {false, text + ", which " + (opd.empty() ? "its OPD" : opd) + " never decided"};
    if (i->second != detail_of(rec, "outcome"))
      return {false, text + ", but " + opd + " " + i->second + " it"};
    if (i->second == "refused" &&
        accepted.count({opd, detail_of(rec, "customer"), detail_of(rec, "order")}))
      return {false, text + ", but " + opd + " had accepted it (it shipped)",
              events_where(f.records, "OrderAccepted", "order", detail_of(rec, "order"))};
  }
  return {true, std::to_string(finished) + " receipt(s) taken, each as its OPD decided"};
}

/// Who wrote each packet, by the network's record: the named sender of the
/// earliest packet with the same bytes (digest) that its sender put on the
/// wire itself — a copy an attacker forwarded, delayed or replayed is still
/// its author's — and, for bytes nobody sent itself, whoever put this copy
/// on the wire (`via`).
class packet_authors {
public:
  explicit packet_authors(const std::vector<trace_record>& records) {
    for (const auto& rec : records) {
      if (!is_packet(rec) || !rec.contains("id") || !rec["id"].is_number())
        continue;
      auto digest = text_of(rec, "digest");
      if (sent_itself(rec) && !digest.empty())
        first_sent_.try_emplace(digest, text_of(rec, "from"));
      auto via = text_of(rec, "via");
      on_wire_[std::to_string(rec["id"].get<std::uint64_t>())] = {
        digest, via.empty() ? text_of(rec, "from") : via};
    }
  }
  /// The author of packet `id`; empty if the trace has no such packet.
  std::string of(const std::string& id) const {
    auto p = on_wire_.find(id);
    if (p == on_wire_.end())
      return {};
    auto first = p->second.first.empty() ? first_sent_.end() : first_sent_.find(p->second.first);
    return first != first_sent_.end() ? first->second : p->second.second;
  }

private:
  std::map<std::string, std::string> first_sent_;                      // digest -> sender
  std::map<std::string, std::pair<std::string, std::string>> on_wire_; // id -> digest, sender
};

/// Is `who` an OPD by the scenario (it was given a mail server to mail through)?
bool is_opd(const run_facts& f, const std::string& who) {
  return scenario_text(f, who, "mail_server").has_value();
}

/// One accepted order, as its OPD recorded it.
struct shipped_order {
  std::string opd, customer;
  sim_time at{};
  int delivered = 0; ///< "order shipped" mails its OPD wrote that reached the mailbox
};

/// Each accepted order has exactly one "order shipped" mail that its OPD
/// wrote (the author of the submission the mail server delivered, by the
/// network's record) in the mailbox the scenario gives its customer
/// ("email.<customer>" at that OPD), or a MailFailed of that OPD's naming it
/// (by the reference its OrderAccepted gives; no two accepted orders share
/// one). No OPD mails one for anything else, and no such mail is shown in
/// the name of someone who did not write it. A stranger's mail in its own
/// name is not the OPD's and counts for nothing. Orders whose OPD later lost
/// its state are not required to have one (the queued mail went with it),
/// nor those of an OPD that is down at the end.
verdict mail_matches_outcome(const run_facts& f) {
  std::map<std::string, shipped_order> accepted;        // ref ->
  std::set<std::pair<std::string, std::string>> failed; // (OPD, ref): its own MailFailed
  std::map<std::string, sim_time> lost_at;              // OPD -> when it restarted with nothing
  packet_authors authors(f.records);
  std::size_t delivered = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "OrderAccepted")) {
      auto ref = detail_of(rec, "ref");
      if (accepted.count(ref))
        return {false, who_of(rec) + " gave the reference " + ref + " to two accepted orders",
                events_where(f.records, "OrderAccepted", "ref", ref)};
      accepted[ref] = {who_of(rec), detail_of(rec, "customer"), time_of(rec)};
    } else if (is_event(rec, "MailDelivered") && detail_of(rec, "subject") == "order shipped") {
      auto ref = detail_of(rec, "ref");
      auto to = detail_of(rec, "to");
      auto author = authors.of(detail_of(rec, "packet"));
      auto where = "\"order shipped\" (" + ref + ") in " + to + "'s mailbox";
      auto evidence = events_where(f.records, "MailDelivered", "ref", ref);
      if (author != detail_of(rec, "from"))
        return {false,
                where + " as from " + detail_of(rec, "from") + ", who never sent it" +
                  (author.empty() ? "" : " (" + author + " wrote it)"),
                evidence};
      auto i = accepted.find(ref);
      if (i == accepted.end() || i->second.opd != author) {
        if (!is_opd(f, author))
          continue; // a stranger's mail in its own name: not the OPD's word
        return {false, where + " from " + author + " for no order it accepted", evidence};
      }
      auto address = scenario_text(f, author, "email." + i->second.customer);
      if (!address)
        return {false,
                where + ", but the scenario gives " + author + "'s customer " + i->second.customer +
                  " no address",
                evidence};
      if (*address != to)
        return {false, where + ": it went to " + to + ", not to " + *address, evidence};
      ++delivered;
      if (++i->second.delivered == 2)
        return {false, where + " delivered twice", evidence};
    } else if (is_event(rec, "MailFailed")) {
      failed.insert({who_of(rec), detail_of(rec, "ref")});
    } else if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost") {
      lost_at[who_of(rec)] = time_of(rec);
    }
  }
  std::size_t missing = 0;
  std::string first;
  auto down = down_at_end(f.records);
  for (const auto& [ref, o] : accepted) {
    if (o.delivered || failed.count({o.opd, ref}))
      continue;
    if (auto l = lost_at.find(o.opd); l != lost_at.end() && l->second > o.at)
      continue;
    if (down.count(o.opd)) // an OPD down at the end cannot have mailed yet
      continue;
    if (missing++ == 0)
      first = "order " + ref + " was accepted but no \"order shipped\" mail of " + o.opd +
              "'s reached " + o.customer + "'s mailbox, and " + o.opd + " named none as failed";
  }
  if (missing)
    return fail_with(missing, first);
  return {true, std::to_string(accepted.size()) + " accepted order(s): " +
                  std::to_string(delivered) + " shipped mail(s) from their OPD delivered, " +
                  std::to_string(failed.size()) + " failed by name"};
}

/// Every accepted order is one its customer placed: an OrderPlaced, with the
/// same order id, item and quantity, at the participant the scenario gives
/// the account (the OPD's "owner.<customer>" as built, never the account the
/// OPD says it found).
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
    auto customer = detail_of(rec, "customer");
    auto owner = scenario_text(f, who_of(rec), "owner." + customer);
    if (owner && placed[{*owner, detail_of(rec, "order"), detail_of(rec, "item"),
                         detail_of(rec, "quantity")}] > 0)
      continue;
    if (bad++ == 0)
      first = who_of(rec) + " accepted order " + detail_of(rec, "order") + " (" +
              detail_of(rec, "quantity") + " x " + detail_of(rec, "item") + ") for " + customer +
              (owner ? ", which " + *owner + " never placed"
                     : ", an account the scenario never gave " + who_of(rec));
  }
  if (bad)
    return fail_with(bad, first);
  return {true, std::to_string(accepted) + " accepted order(s), each placed by its customer"};
}

/// Every order an OPD accepted was fresh when it did: accepted within the
/// OPD's freshness window (from the scenario) of the moment its customer
/// signed it — when the participant the scenario gives the account placed it
/// (its OrderPlaced: what it did). Real time, not the order's timestamp: a
/// customer whose clock runs ahead signs a time the OPD's check takes for
/// fresher than it is, and an order an attacker held that long is still
/// stale (a finding about timestamps under clock skew, not a false alarm).
/// Orders nobody placed are no_unauthorised_order's.
verdict orders_fresh(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, sim_time> placed; // (participant, order)
  std::size_t judged = 0;
  for (std::size_t i = 0; i < f.records.size(); ++i) {
    const auto& rec = f.records[i];
    if (is_event(rec, "OrderPlaced"))
      placed.try_emplace({who_of(rec), detail_of(rec, "order")}, time_of(rec));
    if (!is_event(rec, "OrderAccepted"))
      continue;
    auto owner = scenario_text(f, who_of(rec), "owner." + detail_of(rec, "customer"));
    auto window = scenario_number(f, who_of(rec), "freshness_ms");
    auto at = owner ? placed.find({*owner, detail_of(rec, "order")}) : placed.end();
    if (!window || at == placed.end())
      continue;
    ++judged;
    auto age = std::chrono::duration_cast<std::chrono::microseconds>(time_of(rec) - at->second);
    if (age.count() > *window * 1000)
      return {false,
              who_of(rec) + " accepted order " + detail_of(rec, "order") + " of " +
                detail_of(rec, "customer") + " " + std::to_string(age.count() / 1000) +
                " ms after it was signed, outside its " + std::to_string(*window) + " ms window",
              {i}};
  }
  return {true, std::to_string(judged) + " accepted order(s), each inside its OPD's window"};
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

/// No OPD checks more wrong passwords for one account (its LoginRefused
/// "wrong password": a guess it judged) between two logins of the account
/// than it promises: max_failures per lock_time, or the protocol's 3 per
/// lock_time where the scenario switched locking off. Each one judged is one
/// more guess at the password by whoever sent it.
verdict password_guesses_bounded(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, rate_group> open; // (OPD, customer)
  std::vector<rate_group> runs; // wrong passwords between two logins
  std::size_t judged = 0;
  for (std::size_t i = 0; i < f.records.size(); ++i) {
    const auto& rec = f.records[i];
    std::pair<std::string, std::string> key{who_of(rec), detail_of(rec, "customer")};
    if (is_event(rec, "LoggedIn") && !detail_of(rec, "session").empty()) {
      if (auto g = open.find(key); g != open.end()) { // a login starts the count again
        runs.push_back(std::move(g->second));
        open.erase(g);
      }
    } else if (is_event(rec, "LoginRefused") && detail_of(rec, "reason") == "wrong password") {
      ++judged;
      auto& g = open[key];
      g.who = key.first;
      g.about = key.second;
      g.records.push_back(i);
    }
  }
  for (auto& [key, g] : open)
    runs.push_back(std::move(g));
  if (auto over = over_promised_rate(f, "max_failures", runs, "judged wrong passwords for"))
    return *over;
  return {true, std::to_string(judged) + " wrong password(s) judged, none beyond the rate "
                                         "promised between two logins"};
}

} // namespace

std::vector<invariant_info> invariants() {
  return {
    {"stock_never_negative",
     "no OPD ships (accepts) more of an item than the scenario gave it in stock",
     stock_never_negative},
    {"order_processed_at_most_once", "no order (customer, nonce) is accepted twice",
     order_processed_at_most_once},
    {"orders_fresh",
     "every order an OPD accepts is accepted within its freshness window (from the scenario) of "
     "the moment its customer signed (placed) it: real time, whatever the customer's clock says",
     orders_fresh},
    {"receipt_matches_order",
     "every outcome a customer takes from a receipt is the one its OPD decided for that order, "
     "and never refused for an order that OPD accepted",
     receipt_matches_order},
    {"mail_matches_outcome",
     "one \"order shipped\" mail written by the OPD to the customer's address (from the scenario) "
     "per accepted order, or the OPD's MailFailed naming it; none for anything else, none in the "
     "name of someone who did not write it",
     mail_matches_outcome},
    {"no_unauthorised_order",
     "every accepted order was placed by the participant the scenario gives the account",
     no_unauthorised_order},
    {"login_accepted_once",
     "no OPD logs one login (its session) in twice: a login sent again is answered again, a "
     "replayed one never opens its session anew",
     login_accepted_once},
    {"password_guesses_bounded",
     "no OPD checks more wrong passwords for one account between two of its logins than "
     "max_failures per lock_time (the protocol's 3 where a scenario switches locking off): a "
     "guesser gets that many tries a lock_time, no more",
     password_guesses_bounded},
  };
}

} // namespace protobed::purchase
