#include "scenarios/engine/security_checks.hpp"

#include <set>
#include <sstream>

namespace protobed {

namespace {

struct purchase_record {
  std::string client;
  std::string tid;
  std::int64_t amount = 0;
  std::string merchant;
  std::string outcome;
};

/// Every purchase any client reports ("purchase.N" = "tid amount merchant").
std::vector<purchase_record> purchases(const run_result& r) {
  std::vector<purchase_record> out;
  for (const auto& [who, o] : r.final) {
    for (const auto& [key, value] : o.texts) {
      if (key.rfind("purchase.", 0) != 0)
        continue;
      purchase_record p{who, {}, 0, {}, {}};
      std::istringstream in(value);
      in >> p.tid >> p.amount >> p.merchant;
      auto outcome = o.texts.find("outcome." + key.substr(9));
      p.outcome = outcome == o.texts.end() ? "" : outcome->second;
      out.push_back(p);
    }
  }
  return out;
}

std::string short_tid(const std::string& tid) {
  return tid.substr(0, 8) + "…";
}

bool committed(const std::string& outcome) {
  return outcome == "committed";
}

} // namespace

check_result no_unauthorised_payment(const expectation& x, const run_result& r) {
  auto started = purchases(r);
  std::size_t payments = 0;
  for (const auto& rec : r.trace->records()) {
    if (rec["type"] != "event" || rec["name"] != "PaymentCommitted")
      continue;
    ++payments;
    const auto& d = rec["details"];
    std::string tid = d["tid"], payer = d["payer"], payee = d["payee"];
    auto amount = std::stoll(d["amount"].get<std::string>());
    bool ok = false;
    for (const auto& p : started)
      ok = ok || (p.client == payer && p.tid == tid && p.amount == amount && p.merchant == payee);
    if (!ok)
      return {"no_unauthorised_payment", false,
              "payment of " + std::to_string(amount) + " from " + payer + " to " + payee +
                " (tid " + short_tid(tid) + ") matches no purchase " + payer + " started",
              x.pos};
  }
  return {"no_unauthorised_payment", true,
          std::to_string(payments) + " committed payment(s), each one a purchase its payer started",
          x.pos};
}

check_result secrecy(const expectation& x, const run_result& r) {
  std::string learned;
  std::int64_t n = 0;
  for (const auto& [who, o] : r.final) {
    auto count = o.numbers.find("secrets");
    if (count == o.numbers.end())
      continue;
    n += count->second;
    for (const auto& [key, value] : o.texts)
      if (key.rfind("secret.", 0) == 0 && learned.empty())
        learned = who + " learned " + value;
  }
  if (n == 0)
    return {"secrecy", true, "no attacker learned a card, OTP or session key", x.pos};
  return {"secrecy", false,
          learned + (n > 1 ? " (and " + std::to_string(n - 1) + " more)" : std::string{}), x.pos};
}

check_result outcome_agreement(const expectation& x, const run_result& r) {
  std::size_t compared = 0;
  for (const auto& p : purchases(r)) {
    std::string recorded;
    for (const auto& [who, o] : r.final)
      if (auto i = o.texts.find("outcome." + p.tid); i != o.texts.end())
        recorded = i->second;
    ++compared;
    bool bank_committed = committed(recorded);
    if (committed(p.outcome) != bank_committed || p.outcome == "unknown" || p.outcome == "pending")
      return {"outcome_agreement", false,
              p.client + " ended '" + p.outcome + "' but the bank recorded '" +
                (recorded.empty() ? "nothing" : recorded) + "' for tid " + short_tid(p.tid),
              x.pos};
  }
  return {"outcome_agreement", true,
          std::to_string(compared) + " purchase(s): client and bank agree on each", x.pos};
}

} // namespace protobed

namespace protobed {

check_result peer_authentication(const expectation& x, const run_result& r) {
  std::set<std::pair<std::string, std::string>> issued; // (merchant, tid)
  for (const auto& rec : r.trace->records())
    if (rec["type"] == "event" && rec["name"] == "TidIssued")
      issued.emplace(rec["who"].get<std::string>(), rec["details"]["tid"].get<std::string>());
  std::size_t n = 0;
  for (const auto& p : purchases(r)) {
    ++n;
    if (issued.count({p.merchant, p.tid}) == 0)
      return {"peer_authentication", false,
              p.client + " accepted tid " + short_tid(p.tid) + " that " + p.merchant +
                " never issued",
              x.pos};
  }
  return {"peer_authentication", true,
          std::to_string(n) + " accepted transaction(s), each opened by its merchant", x.pos};
}

} // namespace protobed
