// The micropayment invariants, each read from the trace (what the peers and
// the server did), never from what a participant remembers.
#include "actors/micropay/invariants.hpp"

#include <map>
#include <set>
#include <tuple>

namespace protobed::micropay {

namespace {

/// No token id is settled twice.
verdict token_settled_at_most_once(const run_facts& f) {
  std::map<std::string, int> settled;
  for (const auto& rec : f.records)
    if (is_event(rec, "TokenSettled") && ++settled[detail_of(rec, "token")] == 2)
      return {false,
              "token " + detail_of(rec, "token") + " (" + detail_of(rec, "payer") + " -> " +
                detail_of(rec, "payee") + ", " + detail_of(rec, "amount") + ") was settled twice",
              events_where(f.records, "TokenSettled", "token", detail_of(rec, "token"))};
  return {true, std::to_string(settled.size()) + " token(s) settled, each once"};
}

using payment_key = std::tuple<std::string, std::string, std::string>; // payer, payee, amount

/// An amount as a number's text ("05" -> "5"), or as typed if it is none.
std::string normal(const std::string& amount) {
  try {
    std::size_t used = 0;
    auto v = std::stoll(amount, &used);
    return used == amount.size() ? std::to_string(v) : amount;
  } catch (...) {
    return amount;
  }
}

/// Who owns each account the scenario lists, per server: the servers'
/// observations of their freshly built selves ("owner.<name>" ->
/// participant), i.e. the scenario as loaded, never who registered first.
std::map<std::string, std::map<std::string, std::string>> scenario_owners(const run_facts& f) {
  std::map<std::string, std::map<std::string, std::string>> out;
  const std::string prefix = "owner.";
  for (const auto& [server, o] : f.initial)
    for (const auto& [k, v] : o.texts)
      if (k.rfind(prefix, 0) == 0)
        out[server][k.substr(prefix.size())] = v;
  return out;
}

/// A PaymentRequested, as its peer emitted it.
struct payment_request {
  std::string who; ///< the participant that emitted it (the network's record)
  std::string user;
  std::string key;
  bool used = false;
};

/// Every settlement moves a positive amount that its payer asked for, in a
/// PaymentRequested (each request settles at most once). The payer of an
/// account the scenario lists is the participant it names as owner: a
/// request counts only if that participant made it, whoever registered the
/// name. An account the scenario does not list starts empty and belongs to
/// the key that registered it: a request counts if it came from a peer
/// logged in as the payer with that key.
verdict no_unauthorised_payment(const run_facts& f) {
  auto owners = scenario_owners(f);
  std::map<payment_key, std::vector<payment_request>> asked;             // payer, payee, amount
  std::map<std::pair<std::string, std::string>, std::string> registered; // (server, user) -> key
  std::size_t settled = 0, bad = 0;
  std::string first;
  auto authorised = [&](const std::string& server, const payment_key& k) {
    const auto& payer = std::get<0>(k);
    const auto& listed = owners[server];
    auto owner = listed.find(payer);
    auto r = registered.find({server, payer});
    auto by_payer = [&](const payment_request& rq) {
      if (owner != listed.end())
        return rq.who == owner->second;
      return rq.user == payer && (r == registered.end() || rq.key == r->second);
    };
    for (auto& rq : asked[k])
      if (!rq.used && by_payer(rq))
        return rq.used = true;
    return false;
  };
  for (const auto& rec : f.records) {
    if (is_event(rec, "UserRegistered"))
      registered.insert({{who_of(rec), detail_of(rec, "user")}, detail_of(rec, "key")});
    if (is_event(rec, "PaymentRequested"))
      asked[{detail_of(rec, "payer"), detail_of(rec, "payee"), normal(detail_of(rec, "amount"))}]
        .push_back({who_of(rec), detail_of(rec, "user"), detail_of(rec, "key")});
    if (!is_event(rec, "TokenSettled"))
      continue;
    ++settled;
    payment_key k{detail_of(rec, "payer"), detail_of(rec, "payee"), detail_of(rec, "amount")};
    auto amount = detail_of(rec, "amount");
    bool positive = !amount.empty() && amount[0] != '-' && amount != "0";
    if (positive && authorised(who_of(rec), k))
      continue;
    if (bad++ == 0)
      first = "settled " + std::get<0>(k) + " -> " + std::get<1>(k) + " (" + amount + "), " +
              (positive ? "which " + std::get<0>(k) + "'s owner never asked for"
                        : std::string("not a positive amount"));
  }
  if (bad)
    return fail_with(bad, first);
  return {true, std::to_string(settled) + " settlement(s), each one its payer asked for"};
}

/// At the end, every reservation is settled, expired back, or still within
/// its expiry.
verdict reservations_resolved(const run_facts& f) {
  std::map<std::string, std::pair<std::string, std::int64_t>> open; // token -> server, expires
  std::int64_t end = 0;
  std::size_t issued = 0;
  for (const auto& rec : f.records) {
    end = std::max<std::int64_t>(end, rec.value("t", std::int64_t{0}));
    if (is_event(rec, "TokenIssued")) {
      ++issued;
      open[detail_of(rec, "token")] = {who_of(rec), std::stoll(detail_of(rec, "expires"))};
    } else if (is_event(rec, "TokenSettled") || is_event(rec, "ReservationExpired")) {
      open.erase(detail_of(rec, "token"));
    }
  }
  // A server that is down at the end cannot have returned anything yet.
  auto down = down_at_end(f.records);
  for (const auto& [token, at] : open)
    if (at.second < end && !down.count(at.first))
      return {false, "token " + token + " expired at " + std::to_string(at.second / 1000000) +
                       " ms but its reservation was neither settled nor returned"};
  return {true, std::to_string(issued) + " reservation(s): " + std::to_string(open.size()) +
                  " still within expiry, the rest settled or returned"};
}

/// Every payment a payee showed is one the server issued a token for
/// (payer, payee, amount as issued).
verdict received_as_issued(const run_facts& f) {
  std::map<std::string, payment_key> issued; // token -> what it says
  std::size_t shown = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "TokenIssued"))
      issued[detail_of(rec, "token")] = {detail_of(rec, "payer"), detail_of(rec, "payee"),
                                         detail_of(rec, "amount")};
    if (!is_event(rec, "PaymentReceived"))
      continue;
    ++shown;
    auto i = issued.find(detail_of(rec, "token"));
    auto text = who_of(rec) + " showed \"" + detail_of(rec, "text") + "\"";
    if (i == issued.end())
      return {false, text + " for a token the server never issued"};
    if (std::get<0>(i->second) != detail_of(rec, "payer") ||
        std::get<2>(i->second) != detail_of(rec, "amount"))
      return {false, text + ", but the server issued " + std::get<2>(i->second) + " from " +
                       std::get<0>(i->second)};
  }
  return {true, std::to_string(shown) + " payment(s) shown, each as the server issued it"};
}

/// Every payment a payee showed as received was settled to it before: a
/// TokenSettled earlier in the trace for the same token, to this payee, of
/// this amount. (A payment shown and then never settled is money the payee
/// was told it has and does not.)
verdict received_after_settlement(const run_facts& f) {
  std::map<std::string, std::pair<std::string, std::string>> settled; // token -> payee, amount
  std::size_t shown = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "TokenSettled"))
      settled[detail_of(rec, "token")] = {detail_of(rec, "payee"), detail_of(rec, "amount")};
    if (!is_event(rec, "PaymentReceived"))
      continue;
    ++shown;
    auto s = settled.find(detail_of(rec, "token"));
    auto text = who_of(rec) + " showed \"" + detail_of(rec, "text") + "\"";
    if (s == settled.end())
      return {false, text + " before the server settled token " + detail_of(rec, "token"),
              events_where(f.records, "PaymentReceived", "token", detail_of(rec, "token"))};
    if (s->second != std::make_pair(detail_of(rec, "user"), detail_of(rec, "amount")))
      return {false,
              text + ", but the server settled " + s->second.second + " to " + s->second.first};
  }
  return {true, std::to_string(shown) + " payment(s) shown, each after it settled"};
}

/// Every chat line shown came from the peer it names, to this peer, with
/// that text.
verdict chat_authentic(const run_facts& f) {
  std::map<payment_key, int> sent; // from, to, text
  std::size_t shown = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "ChatSent"))
      ++sent[{detail_of(rec, "user"), detail_of(rec, "to"), detail_of(rec, "text")}];
    if (!is_event(rec, "ChatShown"))
      continue;
    ++shown;
    if (sent[{detail_of(rec, "from"), detail_of(rec, "user"), detail_of(rec, "text")}]-- <= 0)
      return {false, who_of(rec) + " showed \"" + detail_of(rec, "text") + "\" as from " +
                       detail_of(rec, "from") + ", who never sent it"};
  }
  return {true, std::to_string(shown) + " chat line(s) shown, each as sent"};
}

/// Liveness: every payment a payer asked for ends (PaymentFinished: settled,
/// refused, expired or unconfirmed), unless the payer lost it in a crash with
/// its state lost or is down at the end.
verdict payments_complete(const run_facts& f) {
  std::map<std::string, std::string> open; // payment id -> payer, not finished
  std::size_t asked = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost") {
      for (auto i = open.begin(); i != open.end();)
        i = i->second == who_of(rec) ? open.erase(i) : std::next(i);
    } else if (is_event(rec, "PaymentRequested")) {
      ++asked;
      open[detail_of(rec, "payment")] = who_of(rec);
    } else if (is_event(rec, "PaymentFinished")) {
      open.erase(detail_of(rec, "payment"));
    }
  }
  auto down = down_at_end(f.records);
  std::size_t unfinished = 0;
  std::string first;
  for (const auto& [id, payer] : open)
    if (!down.count(payer) && ++unfinished == 1)
      first = payer + "'s payment " + id + " never finished";
  if (unfinished > 0)
    return fail_with(unfinished, first);
  return {true, std::to_string(asked) + " payment(s) asked for, each finished (or lost with its payer)"};
}

} // namespace

std::vector<invariant_info> invariants() {
  return {
    {"token_settled_at_most_once", "no payment token is settled twice", token_settled_at_most_once},
    {"no_unauthorised_payment",
     "every settlement moves a positive amount its payer asked for, as itself",
     no_unauthorised_payment},
    {"reservations_resolved",
     "at the end every reservation is settled, returned at expiry, or still within its expiry",
     reservations_resolved},
    {"received_as_issued", "every payment a payee shows matches a token the server issued",
     received_as_issued},
    {"received_after_settlement",
     "every payment a payee shows was settled to it, for that amount, before it was shown",
     received_after_settlement},
    {"payments_complete",
     "every payment a payer asked for finishes (liveness), unless the payer lost it in a crash "
     "or is down at the end",
     payments_complete},
    {"chat_authentic", "every chat line shown came from the peer it names, with that text",
     chat_authentic},
  };
}

} // namespace protobed::micropay
