// The micropayment invariants, each read from the trace (what the peers and
// the server did), never from what a participant remembers; who owns a name
// and how long a token lives from the scenario as loaded (docs/architecture.md,
// "Ground truth").
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

/// The participant that owns user name `name` at `server`, by the scenario
/// as loaded: the owner its accounts list gives it (the server's
/// "owner.<name>"), else the one participant configured to call itself
/// `name` there (a peer's "user" and "server"). Empty when the scenario
/// gives the name to no one, or to more than one participant. Never who
/// registered it, nor the name a peer calls itself.
std::string scenario_owner(const run_facts& f, const std::string& server, const std::string& name) {
  if (auto listed = scenario_text(f, server, "owner." + name))
    return *listed;
  std::string found;
  for (const auto& [who, o] : f.initial) {
    if (scenario_text(f, who, "user") != name || scenario_text(f, who, "server") != server)
      continue;
    if (!found.empty())
      return {}; // two participants claim it: the scenario gives it to neither
    found = who;
  }
  return found;
}

/// Every settlement moves a positive amount that its payer asked for, in a
/// PaymentRequested (each request settles at most once). The payer of an
/// account the scenario lists is the participant it names as owner: a
/// request counts only if that participant made it, whoever registered the
/// name. An account the scenario does not list starts empty and belongs to
/// the one peer the scenario configures with that name (its `user`); only a
/// name the scenario gives no one belongs to the key that registered it: a
/// request counts if it came from a peer logged in as the payer with that key.
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
    auto configured = owner == listed.end() ? scenario_owner(f, server, payer) : std::string{};
    auto by_payer = [&](const payment_request& rq) {
      if (owner != listed.end())
        return rq.who == owner->second;
      if (!configured.empty()) // the one peer the scenario configures with that name
        return rq.who == configured;
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
/// its expiry: the server's token lifetime as the scenario gave it, from
/// when the server issued the token (never the expiry the server wrote: a
/// server that held reservations longer than the scenario allows would vouch
/// for itself).
verdict reservations_resolved(const run_facts& f) {
  struct reservation {
    std::string server;
    sim_time issued{};
  };
  std::map<std::string, reservation> open; // token ->
  sim_time end{};
  std::size_t issued = 0;
  for (const auto& rec : f.records) {
    end = std::max(end, time_of(rec));
    if (is_event(rec, "TokenIssued")) {
      ++issued;
      open[detail_of(rec, "token")] = {who_of(rec), time_of(rec)};
    } else if (is_event(rec, "TokenSettled") || is_event(rec, "ReservationExpired")) {
      open.erase(detail_of(rec, "token"));
    }
  }
  // A server that is down at the end cannot have returned anything yet.
  auto down = down_at_end(f.records);
  for (const auto& [token, r] : open) {
    if (down.count(r.server))
      continue;
    auto lifetime = scenario_number(f, r.server, "token_lifetime_ns");
    if (!lifetime)
      return {false, "token " + token + " is still reserved, and the scenario gives " + r.server +
                       " no token lifetime to hold it to"};
    auto deadline = r.issued + sim_time(*lifetime);
    if (deadline < end)
      return {false, "token " + token + " expired at " +
                       std::to_string(deadline.count() / 1000000) +
                       " ms (the scenario's token lifetime) but its reservation was neither "
                       "settled nor returned"};
  }
  return {true, std::to_string(issued) + " reservation(s): " + std::to_string(open.size()) +
                  " still within expiry, the rest settled or returned"};
}

/// Every payment a payee showed is one the server issued a token for
/// (payer, payee, amount as issued), shown by the participant that owns the
/// payee's name by the scenario — not by whoever holds the token.
verdict received_as_issued(const run_facts& f) {
  struct token {
    std::string server, payer, payee, amount;
  };
  std::map<std::string, token> issued; // token -> what it says
  std::size_t shown = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "TokenIssued"))
      issued[detail_of(rec, "token")] = {who_of(rec), detail_of(rec, "payer"),
                                         detail_of(rec, "payee"), detail_of(rec, "amount")};
    if (!is_event(rec, "PaymentReceived"))
      continue;
    ++shown;
    auto i = issued.find(detail_of(rec, "token"));
    auto text = who_of(rec) + " showed \"" + detail_of(rec, "text") + "\"";
    if (i == issued.end())
      return {false, text + " for a token the server never issued"};
    const auto& t = i->second;
    if (t.payer != detail_of(rec, "payer") || t.amount != detail_of(rec, "amount"))
      return {false, text + ", but the server issued " + t.amount + " from " + t.payer};
    auto owner = scenario_owner(f, t.server, t.payee);
    if (owner != who_of(rec))
      return {false, text + ", but the server issued it to " + t.payee + ", " +
                       (owner.empty() ? "an account the scenario gives no one"
                                      : owner + "'s account by the scenario")};
  }
  return {true, std::to_string(shown) + " payment(s) shown, each as the server issued it, by its "
                                        "payee"};
}

/// The scenario's owner of `name` at the server `peer` was configured with.
std::string owner_seen_by(const run_facts& f, const std::string& peer, const std::string& name) {
  auto server = scenario_text(f, peer, "server");
  return server ? scenario_owner(f, *server, name) : std::string{};
}

/// Every payment a payee showed as received was settled to it before: a
/// TokenSettled earlier in the trace for the same token, of this amount, to
/// the account the scenario gives the participant that showed it (never the
/// name that participant calls itself). (A payment shown and then never
/// settled is money the payee was told it has and does not.)
verdict received_after_settlement(const run_facts& f) {
  struct settlement {
    std::string server, payee, amount;
  };
  std::map<std::string, settlement> settled; // token ->
  std::size_t shown = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "TokenSettled"))
      settled[detail_of(rec, "token")] = {who_of(rec), detail_of(rec, "payee"),
                                          detail_of(rec, "amount")};
    if (!is_event(rec, "PaymentReceived"))
      continue;
    ++shown;
    auto s = settled.find(detail_of(rec, "token"));
    auto text = who_of(rec) + " showed \"" + detail_of(rec, "text") + "\"";
    if (s == settled.end())
      return {false, text + " before the server settled token " + detail_of(rec, "token"),
              events_where(f.records, "PaymentReceived", "token", detail_of(rec, "token"))};
    auto owner = scenario_owner(f, s->second.server, s->second.payee);
    if (owner != who_of(rec) || s->second.amount != detail_of(rec, "amount"))
      return {false,
              text + ", but the server settled " + s->second.amount + " to " + s->second.payee +
                ", " +
                (owner.empty() ? "an account the scenario gives no one"
                               : owner + "'s account by the scenario"),
              events_where(f.records, "TokenSettled", "token", detail_of(rec, "token"))};
  }
  return {true, std::to_string(shown) + " payment(s) shown, each after it settled to its owner"};
}

/// Every chat line shown came from the participant that owns the name it is
/// shown from, to the participant that owns the name it was sent to (both by
/// the scenario), with that text. The sender is the participant that
/// recorded the ChatSent, never the name it calls itself.
verdict chat_authentic(const run_facts& f) {
  using chat_key = std::tuple<std::string, std::string, std::string>; // sender, recipient, text
  std::map<chat_key, int> sent;                                       // participants, text
  std::size_t shown = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "ChatSent"))
      ++sent[{who_of(rec), owner_seen_by(f, who_of(rec), detail_of(rec, "to")),
              detail_of(rec, "text")}];
    if (!is_event(rec, "ChatShown"))
      continue;
    ++shown;
    auto named = detail_of(rec, "from");
    auto from = owner_seen_by(f, who_of(rec), named);
    auto text = who_of(rec) + " showed \"" + detail_of(rec, "text") + "\" as from " + named;
    if (from.empty())
      return {false, text + ", a name the scenario gives no one"};
    if (sent[{from, who_of(rec), detail_of(rec, "text")}]-- <= 0)
      return {false, text + " (" + from + " by the scenario), who never sent it to " + who_of(rec),
              events_where(f.records, "ChatShown", "text", detail_of(rec, "text"))};
  }
  return {true, std::to_string(shown) + " chat line(s) shown, each as its sender sent it"};
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
  return {true,
          std::to_string(asked) + " payment(s) asked for, each finished (or lost with its payer)"};
}

} // namespace

std::vector<invariant_info> invariants() {
  return {
    {"token_settled_at_most_once", "no payment token is settled twice", token_settled_at_most_once},
    {"no_unauthorised_payment",
     "every settlement moves a positive amount its payer asked for, as itself",
     no_unauthorised_payment},
    {"reservations_resolved",
     "at the end every reservation is settled, returned at expiry, or still within the token "
     "lifetime the scenario gave its server",
     reservations_resolved},
    {"received_as_issued",
     "every payment a payee shows matches a token the server issued, and is shown by the owner "
     "of the payee's name",
     received_as_issued},
    {"received_after_settlement",
     "every payment a payee shows was settled, for that amount, to the account the scenario gives "
     "it, before it was shown",
     received_after_settlement},
    {"payments_complete",
     "every payment a payer asked for finishes (liveness), unless the payer lost it in a crash "
     "or is down at the end",
     payments_complete},
    {"chat_authentic",
     "every chat line shown came, with that text, from the participant the scenario gives the "
     "name it shows, to the one it was sent to",
     chat_authentic},
  };
}

} // namespace protobed::micropay
