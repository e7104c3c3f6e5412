// The e-commerce invariants, decided from what happened (the trace), never
// from what a participant remembers at the end: a client that crashed and
// lost its state still paid what it paid.
#include "actors/ecommerce/invariants.hpp"

#include <map>
#include <set>
#include <tuple>

namespace protobed::ecommerce {

namespace {

std::string short_tid(const std::string& tid) {
  return tid.substr(0, 8) + "…";
}

/// One purchase as its client lived it: (client, purchase number) -> facts.
struct purchase_facts {
  std::string client, tid, merchant, amount, outcome;
  bool ended = false;
  bool lost = false; ///< the client crashed with its state lost before it ended
  bool down = false; ///< the client crashed before it ended and never came back
};

std::map<std::pair<std::string, std::string>, purchase_facts> purchases(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, purchase_facts> out;
  std::map<std::string, std::set<std::string>> open; // client -> purchases not ended
  for (const auto& rec : f.records) {
    if (rec["type"] != "event")
      continue;
    auto who = who_of(rec);
    if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost") {
      for (const auto& n : open[who])
        out[{who, n}].lost = true;
      open[who].clear();
      continue;
    }
    auto n = detail_of(rec, "purchase");
    if (n.empty())
      continue;
    auto& p = out[{who, n}];
    if (is_event(rec, "PurchaseStarted")) {
      p = purchase_facts{who, {}, {}, {}, {}, false, false};
      open[who].insert(n);
    } else if (is_event(rec, "SetupComplete")) {
      p.tid = detail_of(rec, "tid");
      // The merchant the scenario sends this client to — not the one a
      // (possibly forged) tid statement names.
      p.merchant = scenario_text(f, who, "merchant").value_or(detail_of(rec, "merchant"));
    } else if (is_event(rec, "OutcomeReceived") && !p.ended) {
      p.ended = true;
      p.outcome = detail_of(rec, "outcome");
      open[who].erase(n);
    }
  }
  for (const auto& who : down_at_end(f.records))
    for (const auto& n : open[who])
      out[{who, n}].down = true;
  return out;
}

/// The bank's decisions: (merchant, tid) -> its last recorded decision
/// ("committed", "aborted: why") and where in the trace. A tid is its
/// merchant's: two merchants' tids of one value are two transactions. An
/// abort recorded without a merchant (per_merchant_tids off) is the tid's for
/// every merchant: stored under "".
struct bank_decisions {
  std::map<std::pair<std::string, std::string>, std::pair<std::size_t, std::string>> last;

  explicit bank_decisions(const run_facts& f) {
    for (std::size_t i = 0; i < f.records.size(); ++i) {
      const auto& rec = f.records[i];
      if (is_event(rec, "PaymentCommitted"))
        last[{detail_of(rec, "payee"), detail_of(rec, "tid")}] = {i, "committed"};
      else if (is_event(rec, "PaymentAborted"))
        last[{detail_of(rec, "merchant"), detail_of(rec, "tid")}] = {i, "aborted: " +
                                                                          detail_of(rec, "reason")};
    }
  }
  /// The later of the merchant's own decision and one for every merchant.
  std::string of(const std::string& merchant, const std::string& tid) const {
    const std::pair<std::size_t, std::string>* best = nullptr;
    for (const auto& key : {std::make_pair(merchant, tid), std::make_pair(std::string(), tid)})
      if (auto i = last.find(key); i != last.end() && (!best || i->second.first > best->first))
        best = &i->second;
    return best ? best->second : std::string("nothing");
  }
};

verdict charged_at_most_once(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, std::int64_t> charges; // (payee, tid)
  for (const auto& rec : f.records)
    if (is_event(rec, "PaymentCommitted"))
      ++charges[{detail_of(rec, "payee"), detail_of(rec, "tid")}];
  std::int64_t worst = 0;
  std::string worst_tid;
  for (const auto& [key, n] : charges)
    if (n > worst) {
      worst = n;
      worst_tid = key.second;
    }
  auto observed = std::to_string(charges.size()) + " tid(s) charged, at most " +
                  std::to_string(worst) + " time(s) each";
  if (worst > 1)
    observed += " (tid " + worst_tid.substr(0, 12) + "… charged " + std::to_string(worst) + "x)";
  if (worst <= 1)
    return {true, observed};
  return {false, observed, events_where(f.records, "PaymentCommitted", "tid", worst_tid)};
}

verdict no_unauthorised_payment(const run_facts& f) {
  // What each client signed and sent: (client, tid, amount, merchant).
  std::set<std::tuple<std::string, std::string, std::string, std::string>> paid;
  std::size_t payments = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "PaymentSent")) {
      paid.emplace(who_of(rec), detail_of(rec, "tid"), detail_of(rec, "amount"),
                   detail_of(rec, "merchant"));
      continue;
    }
    if (!is_event(rec, "PaymentCommitted"))
      continue;
    ++payments;
    auto tid = detail_of(rec, "tid"), payer = detail_of(rec, "payer");
    auto payee = detail_of(rec, "payee"), amount = detail_of(rec, "amount");
    if (paid.count({payer, tid, amount, payee}) == 0)
      return {false, "payment of " + amount + " from " + payer + " to " + payee + " (tid " +
                       short_tid(tid) + ") matches no payment " + payer + " sent"};
  }
  return {true,
          std::to_string(payments) + " committed payment(s), each one a payment its payer sent"};
}

verdict outcome_agreement(const run_facts& f) {
  const bank_decisions decided(f);
  std::size_t compared = 0, lost = 0, gave_up = 0;
  for (const auto& [key, p] : purchases(f)) {
    if (p.tid.empty())
      continue; // never opened: nothing the bank could have recorded
    if (p.lost || p.down) {
      ++lost;
      continue;
    }
    // A client that ran out of resolution attempts says so ('unknown', with
    // ResolutionFailed): it believes nothing false. A network that loses
    // every retry can always bring that about; only a wrong belief, or none
    // at all, fails.
    if (p.ended && p.outcome == "unknown") {
      ++gave_up;
      continue;
    }
    ++compared;
    auto outcome = p.ended ? p.outcome : std::string("pending");
    auto recorded = decided.of(p.merchant, p.tid);
    bool agree = (outcome == "committed") == (recorded == "committed");
    if (!agree || outcome == "pending")
      return {false, p.client + " ended '" + outcome + "' but the bank recorded '" + recorded +
                       "' for tid " + short_tid(p.tid)};
  }
  auto observed = std::to_string(compared) + " purchase(s): client and bank agree on each";
  if (lost > 0)
    observed += " (" + std::to_string(lost) +
                " lost with a client's state or its client down at the end, not compared)";
  if (gave_up > 0)
    observed += " (" + std::to_string(gave_up) + " ended 'unknown': the client gave up asking)";
  return {true, observed};
}

/// Every tid a client accepted was issued by the merchant the scenario sends
/// it to, for the session key the client itself made — or answered in that
/// merchant's name and signed with that merchant's own key, by an attacker
/// the scenario handed the key (its impersonation, AttackImpersonated
/// signed_with the merchant): whoever signs with a merchant's key is that
/// merchant. One signed with any other key is never excused.
verdict peer_authentication(const run_facts& f) {
  std::set<std::tuple<std::string, std::string, std::string>> issued;   // (merchant, tid, key)
  std::map<std::pair<std::string, std::string>, std::size_t> as_itself; // (client, merchant)
  std::size_t n = 0, from_stolen = 0;
  for (std::size_t i = 0; i < f.records.size(); ++i) {
    const auto& rec = f.records[i];
    if (is_event(rec, "AttackImpersonated") &&
        detail_of(rec, "signed_with") == detail_of(rec, "as")) {
      ++as_itself[{detail_of(rec, "to"), detail_of(rec, "as")}];
    } else if (is_event(rec, "TidIssued")) {
      issued.emplace(who_of(rec), detail_of(rec, "tid"), detail_of(rec, "client_key"));
    } else if (is_event(rec, "SetupComplete")) {
      ++n;
      auto client = who_of(rec), tid = detail_of(rec, "tid");
      auto merchant = scenario_text(f, client, "merchant").value_or(detail_of(rec, "merchant"));
      if (issued.count({merchant, tid, detail_of(rec, "client_key")}) > 0)
        continue;
      if (auto& left = as_itself[{client, merchant}]; left > 0) {
        --left;
        ++from_stolen;
        continue;
      }
      return {false,
              client + " accepted tid " + short_tid(tid) + " that " + merchant +
                " never issued to its session key",
              {i}};
    }
  }
  auto observed = std::to_string(n) + " accepted transaction(s), each opened by its merchant";
  if (from_stolen > 0)
    observed +=
      " (" + std::to_string(from_stolen) +
      " opened by an attacker signing with the merchant's stolen key: it is the merchant)";
  return {true, observed};
}

/// What the run shows about who may resolve each tid and who asked.
struct resolution_facts {
  /// tid -> (merchant that issued it -> the client key it was issued to)
  std::map<std::string, std::map<std::string, std::string>> issued;
  /// (tid, client key) -> the client that made that key and accepted the tid
  std::map<std::pair<std::string, std::string>, std::string> payer;
  /// (participant, tid) it asked the bank about: its ResolutionUsed or
  /// ResolutionRetried (what it did).
  std::set<std::pair<std::string, std::string>> asked;
  /// (participant, packet kind) the network saw it send itself — not a
  /// packet an attacker sent in its name.
  std::set<std::pair<std::string, std::string>> sent;

  bool asked_itself(const std::string& who, const std::string& tid, const char* kind) const {
    return asked.count({who, tid}) && sent.count({who, kind});
  }
};

/// Is this abort by resolution one that merchant `m`'s tid, issued to
/// `client_key`, allowed? Its payer may resolve — the client that made that
/// key and accepted the tid, asking itself; so may the merchant that issued
/// it, asking itself. "Itself": its own ResolutionUsed and, in the network's
/// record, a request it sent — not a name or key written inside a request.
bool allowed_abort(const trace_record& abort, const std::string& m, const std::string& client_key,
                   const resolution_facts& facts) {
  auto tid = detail_of(abort, "tid");
  if (detail_of(abort, "request") == "ecommerce.merchant_resolve")
    return facts.asked_itself(m, tid, "ecommerce.merchant_resolve");
  auto payer = facts.payer.find({tid, client_key});
  return detail_of(abort, "by") == client_key && payer != facts.payer.end() &&
         facts.asked_itself(payer->second, tid, "ecommerce.resolve");
}

void learn(resolution_facts& facts, const trace_record& rec) {
  if (is_packet(rec) && sent_itself(rec))
    facts.sent.emplace(text_of(rec, "from"), text_of(rec, "kind"));
  else if (is_event(rec, "TidIssued"))
    facts.issued[detail_of(rec, "tid")][who_of(rec)] = detail_of(rec, "client_key");
  else if (is_event(rec, "SetupComplete"))
    facts.payer[{detail_of(rec, "tid"), detail_of(rec, "client_key")}] = who_of(rec);
  else if (is_event(rec, "ResolutionUsed") || is_event(rec, "ResolutionRetried"))
    facts.asked.emplace(who_of(rec), detail_of(rec, "tid"));
}

/// A tid aborted by resolution was asked for by its payer or its own
/// merchant. Who issued a tid comes from the merchants' TidIssued, who holds
/// its key from the clients' SetupComplete (what each did); who asked from
/// their own requests as the network recorded them — never from a name or
/// fingerprint written inside a request (a forger copies it from the claim).
verdict only_payer_resolves(const run_facts& f) {
  resolution_facts facts;
  std::size_t n = 0;
  for (std::size_t i = 0; i < f.records.size(); ++i) {
    const auto& rec = f.records[i];
    learn(facts, rec);
    if (!is_event(rec, "PaymentAborted") || detail_of(rec, "reason") != "resolved-without-payment")
      continue;
    ++n;
    auto tid = detail_of(rec, "tid"), whose = detail_of(rec, "merchant");
    for (const auto& [m, client_key] : facts.issued[tid]) {
      if (!whose.empty() && whose != m)
        continue; // another merchant's tid of the same value: not m's sale
      if (!allowed_abort(rec, m, client_key, facts))
        return {false,
                m + "'s tid " + short_tid(tid) + " was aborted by a resolution that neither its " +
                  "payer nor " + m + " asked for",
                {i}};
    }
  }
  return {true, std::to_string(n) + " tid(s) aborted by resolution, each by its payer or merchant"};
}

/// Every payment a client signed is for the amount it agreed to: the
/// purchase's price, or at most its max_amount.
verdict paid_as_agreed(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, std::string> agreed; // (client, purchase)
  std::size_t n = 0;
  for (const auto& rec : f.records) {
    if (rec["type"] != "event")
      continue;
    auto key = std::make_pair(who_of(rec), detail_of(rec, "purchase"));
    if (is_event(rec, "PurchaseStarted"))
      agreed[key] = detail_of(rec, "agreed");
    if (!is_event(rec, "PaymentSent") || agreed.count(key) == 0)
      continue;
    ++n;
    const auto& terms = agreed[key];
    auto amount = std::stoll(detail_of(rec, "amount"));
    bool ok = terms.rfind("<=", 0) == 0 ? amount <= std::stoll(terms.substr(2))
                                        : amount == std::stoll(terms);
    if (!ok)
      return {false, key.first + " paid " + std::to_string(amount) + " for purchase " + key.second +
                       " after agreeing to " + terms};
  }
  return {true, std::to_string(n) + " payment(s), each for the amount its client agreed to"};
}

/// The merchant learns every committed payment (and ships), and ships
/// nothing that was not committed.
verdict merchant_informed(const run_facts& f) {
  std::set<std::pair<std::string, std::string>> committed, shipped; // (merchant, tid)
  // Tids a merchant issued and then lost with its state (a crash with
  // `state: lost`) before it shipped: what it forgot it cannot ship. Nor can
  // a merchant that is down at the end.
  std::set<std::pair<std::string, std::string>> issued, forgotten;
  // Tids a merchant gave up asking the bank about (ResolutionFailed): like a
  // client's 'unknown', it knows it does not know, and says so.
  std::set<std::pair<std::string, std::string>> gave_up;
  auto down = down_at_end(f.records);
  for (const auto& rec : f.records) {
    if (is_event(rec, "ResolutionFailed"))
      gave_up.emplace(who_of(rec), detail_of(rec, "tid"));
    if (is_event(rec, "PaymentCommitted")) {
      committed.emplace(detail_of(rec, "payee"), detail_of(rec, "tid"));
    } else if (is_event(rec, "OrderShipped")) {
      shipped.emplace(who_of(rec), detail_of(rec, "tid"));
    } else if (is_event(rec, "TidIssued")) {
      issued.emplace(who_of(rec), detail_of(rec, "tid"));
    } else if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost") {
      for (const auto& [m, tid] : issued)
        if (m == who_of(rec) && !shipped.count({m, tid}))
          forgotten.emplace(m, tid);
    }
  }
  std::size_t not_compared = 0;
  for (const auto& [merchant, tid] : committed) {
    if (shipped.count({merchant, tid}))
      continue;
    if (forgotten.count({merchant, tid}) || down.count(merchant) ||
        gave_up.count({merchant, tid})) {
      ++not_compared;
      continue;
    }
    return {false, merchant + " was paid for tid " + short_tid(tid) + " but never learned it"};
  }
  for (const auto& [merchant, tid] : shipped)
    if (!committed.count({merchant, tid}))
      return {false, merchant + " shipped tid " + short_tid(tid) + ", which was never paid"};
  auto observed = std::to_string(committed.size()) + " paid order(s), each shipped once known";
  if (not_compared > 0)
    observed +=
      " (" + std::to_string(not_compared) +
      " forgotten in a merchant's crash with its state lost, given up (ResolutionFailed), "
      "or with its merchant down at the end: not compared)";
  return {true, observed};
}

/// Liveness: every purchase a client started ends with an outcome it knows
/// (committed, aborted, or 'unknown' after it gave up asking), unless the
/// client lost it in a crash with its state lost or is down at the end.
verdict purchases_complete(const run_facts& f) {
  std::size_t ended = 0, excused = 0, open = 0;
  std::string first;
  for (const auto& [key, p] : purchases(f)) {
    if (p.ended) {
      ++ended;
    } else if (p.lost || p.down) {
      ++excused;
    } else if (++open == 1) {
      first = p.client + "'s purchase " + key.second + " never ended";
    }
  }
  if (open > 0)
    return fail_with(open, first);
  auto observed = std::to_string(ended) + " purchase(s), each ended with an outcome";
  if (excused > 0)
    observed += " (" + std::to_string(excused) + " lost with a client's state or down at the end)";
  return {true, observed};
}

/// No bank sends codes for one card (its OtpIssued, naming the account's
/// holder: what it did) more often than it promises: its otp_issue_limit per
/// otp_issue_window, or the protocol's 5 per hour where the scenario switched
/// the limit off. Anyone who knows a card number can start purchases with it;
/// each costs the holder an SMS.
verdict sms_bounded(const run_facts& f) {
  auto sent = rate_groups(f.records, "OtpIssued", "holder");
  if (auto over = over_promised_rate(f, "otp_issue_limit", sent, "sent codes for the card of"))
    return *over;
  return {true, std::to_string(sent.size()) + " card(s) sent codes, none beyond its bank's rate"};
}

/// No bank texts two codes for one purchase (its OtpIssued events, per
/// holder and the purchase's reference: what it did). A second code replaces
/// the first, which its holder may be typing: a replayed request would have
/// the right code refused. A bank restarted with its state lost (a lost
/// disk, which no protocol survives) is held to this only after the restart.
verdict one_code_per_purchase(const run_facts& f) {
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::size_t>> issued;
  std::map<std::string, std::size_t> lost_at; // bank -> its last restart with state lost
  for (std::size_t i = 0; i < f.records.size(); ++i) {
    const auto& rec = f.records[i];
    if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost")
      lost_at[who_of(rec)] = i;
    if (!is_event(rec, "OtpIssued"))
      continue;
    auto& seen = issued[{who_of(rec), detail_of(rec, "holder"), detail_of(rec, "reference")}];
    if (auto lost = lost_at.find(who_of(rec));
        lost != lost_at.end() && !seen.empty() && lost->second > seen.back())
      seen.clear(); // a bank that lost its disk cannot know what it texted before
    seen.push_back(i);
    if (seen.size() > 1)
      return {false,
              who_of(rec) + " texted " + detail_of(rec, "holder") + " a second code for purchase " +
                detail_of(rec, "reference"),
              seen};
  }
  return {true, std::to_string(issued.size()) + " purchase(s) texted a code, each one code"};
}

/// Every code a client took from an SMS (its OtpReceived: what it did) is
/// for the purchase the SMS names: the reference of the purchase it took the
/// code for (its PurchaseStarted) is the SMS's. A late or stray SMS used for
/// another purchase is a code the bank will refuse, typed by an honest user.
verdict codes_match_purchase(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::size_t>>
    started; // (client, purchase) -> (reference, record)
  std::size_t used = 0;
  for (std::size_t i = 0; i < f.records.size(); ++i) {
    const auto& rec = f.records[i];
    auto key = std::make_pair(who_of(rec), detail_of(rec, "purchase"));
    if (is_event(rec, "PurchaseStarted"))
      started[key] = {detail_of(rec, "reference"), i};
    if (!is_event(rec, "OtpReceived"))
      continue;
    ++used;
    auto p = started.find(key);
    if (p != started.end() && p->second.first != detail_of(rec, "reference"))
      return {false,
              who_of(rec) + " took the code of an SMS for purchase " + detail_of(rec, "reference") +
                " for its purchase " + key.second + " (" + p->second.first + ")",
              {p->second.second, i}};
  }
  return {true, std::to_string(used) + " code(s) taken, each for the purchase its SMS named"};
}

} // namespace

std::vector<invariant_info> invariants() {
  return {
    {"charged_at_most_once",
     "no merchant's tid is charged more than once (PaymentCommitted per merchant and tid)",
     charged_at_most_once},
    {"no_unauthorised_payment",
     "every committed payment is one its payer sent: same tid, amount and merchant",
     no_unauthorised_payment},
    {"outcome_agreement",
     "every client's outcome for a tid agrees with the bank's last decision for that merchant's "
     "tid",
     outcome_agreement},
    {"peer_authentication",
     "every tid a client accepted was issued by the merchant it names (or signed with that "
     "merchant's stolen key by an attacker answering as it: it is the merchant)",
     peer_authentication},
    {"only_payer_resolves",
     "a tid aborted by resolution was asked for by its payer or by the merchant that issued it "
     "(as the network recorded the request's sender), nobody else",
     only_payer_resolves},
    {"paid_as_agreed", "every payment a client signed is for the amount it agreed to",
     paid_as_agreed},
    {"purchases_complete",
     "every purchase a client started ends with an outcome it knows (liveness), unless the "
     "client lost it in a crash or is down at the end",
     purchases_complete},
    {"merchant_informed",
     "every merchant learns of (and ships) each payment made to it, and ships nothing unpaid",
     merchant_informed},
    {"sms_bounded",
     "no bank sends codes for one card more often than its otp_issue_limit per otp_issue_window "
     "(the protocol's 5 per hour where a scenario switches the limit off): a flood of purchases "
     "in a card's name does not flood its holder's phone",
     sms_bounded},
    {"one_code_per_purchase",
     "no bank texts two codes for one purchase (holder and reference): a second would replace "
     "the code its holder is typing",
     one_code_per_purchase},
    {"codes_match_purchase",
     "every code a client takes from an SMS is for the purchase the SMS names (its reference)",
     codes_match_purchase},
  };
}

} // namespace protobed::ecommerce
