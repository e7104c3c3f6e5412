// The messaging invariants, each read from the trace (what the devices and
// the relay did), never from what a participant remembers.
#include "actors/messaging/invariants.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace protobed::messaging {

namespace {

struct sent_message {
  std::string sender;
  std::string to;
  std::string text;
  std::size_t order = 0; ///< among the sender's messages to `to`
};

std::map<std::string, sent_message> sent_messages(const run_facts& f) {
  std::map<std::string, sent_message> out;
  std::map<std::pair<std::string, std::string>, std::size_t> counts;
  for (const auto& rec : f.records)
    if (is_event(rec, "MessageSent")) {
      auto to = detail_of(rec, "to");
      out[detail_of(rec, "msg")] = {who_of(rec), to, detail_of(rec, "text"),
                                    counts[{who_of(rec), to}]++};
    }
  return out;
}

/// Every message a device showed was sent by its claimed sender to it, with that text.
verdict no_forgery(const run_facts& f) {
  auto sent = sent_messages(f);
  std::size_t shown = 0, bad = 0;
  std::string first;
  for (const auto& rec : f.records) {
    if (!is_event(rec, "MessageShown"))
      continue;
    ++shown;
    auto i = sent.find(detail_of(rec, "msg"));
    std::string why;
    if (i == sent.end())
      why = "no device sent it";
    else if (i->second.sender != detail_of(rec, "from") || i->second.to != who_of(rec))
      why = "it was " + i->second.sender + "'s message to " + i->second.to;
    else if (i->second.text != detail_of(rec, "text"))
      why = "the text was \"" + i->second.text + "\"";
    if (why.empty())
      continue;
    if (bad++ == 0)
      first = who_of(rec) + " showed \"" + detail_of(rec, "text") + "\" as from " +
              detail_of(rec, "from") + ", but " + why;
  }
  if (bad)
    return fail_with(bad, first);
  return {true, std::to_string(shown) + " message(s) shown, each as its sender sent it"};
}

/// Each recipient showed each sender's messages in the order they were sent.
verdict delivered_in_order(const run_facts& f) {
  auto sent = sent_messages(f);
  std::map<std::pair<std::string, std::string>, std::size_t> next; // (recipient, sender)
  std::size_t shown = 0;
  for (const auto& rec : f.records) {
    if (!is_event(rec, "MessageShown"))
      continue;
    auto i = sent.find(detail_of(rec, "msg"));
    if (i == sent.end())
      continue; // not a message anyone sent: no_forgery reports it
    ++shown;
    auto& n = next[{who_of(rec), i->second.sender}];
    if (i->second.order < n)
      return {false, who_of(rec) + " showed " + i->second.sender + "'s message " +
                       std::to_string(i->second.order + 1) + " after a later one"};
    n = i->second.order + 1;
  }
  return {true, std::to_string(shown) + " message(s) shown in their senders' order"};
}

/// A relay's limits as the scenario set them: its observation before the
/// first step (else, for a relay not observed, what its events say).
struct relay_limits {
  std::optional<std::size_t> queue;   ///< per offline recipient
  std::optional<std::size_t> mailbox; ///< per (sender, recipient) in any state; none = no limit
};

relay_limits limits_of(const run_facts& f, const std::string& relay, const trace_record& held) {
  relay_limits l;
  auto i = f.initial.find(relay);
  if (i == f.initial.end() || !i->second.numbers.count("queue_limit")) {
    l.queue = std::stoul(detail_of(held, "limit"));
    return l;
  }
  const auto& n = i->second.numbers;
  l.queue = static_cast<std::size_t>(n.at("queue_limit"));
  auto m = n.find("mailbox_limit");
  if (m != n.end() && m->second > 0)
    l.mailbox = static_cast<std::size_t>(m->second);
  return l;
}

/// What one relay holds for one recipient, rebuilt from its events: message
/// ids, oldest first, and who sent each (as the relay's link said).
struct queue_view {
  std::vector<std::pair<std::string, std::string>> held; ///< (msg, sender)
  relay_limits limits;

  std::size_t held_by(const std::string& sender) const {
    return static_cast<std::size_t>(
      std::count_if(held.begin(), held.end(), [&](const auto& m) { return m.second == sender; }));
  }
  /// The sender an eviction must take from: the one holding the most; on a
  /// tie, the one whose latest message arrived last (a newcomer cannot push
  /// out what was there first).
  std::string due_sender() const {
    std::size_t most = 0;
    for (const auto& m : held)
      most = std::max(most, held_by(m.second));
    for (auto i = held.rbegin(); i != held.rend(); ++i)
      if (held_by(i->second) == most)
        return i->second;
    return {};
  }
  /// Why evicting `msg` now breaks the policy, or "" if it does not: an
  /// eviction needs a queue over its limit, and takes the oldest message of
  /// the sender due (due_sender).
  std::string wrong_eviction(const std::string& msg) const {
    auto i = std::find_if(held.begin(), held.end(), [&](const auto& m) { return m.first == msg; });
    if (i == held.end())
      return msg + ", which it did not hold";
    if (limits.queue && held.size() <= *limits.queue)
      return msg + " while it held " + std::to_string(held.size()) + " (limit " +
             std::to_string(*limits.queue) + ")";
    auto due = due_sender();
    if (i->second != due)
      return msg + " of " + i->second + " (" + std::to_string(held_by(i->second)) +
             " held) while " + due + " held " + std::to_string(held_by(due)) +
             (held_by(due) == held_by(i->second) ? ", its latest arriving last" : "");
    auto oldest =
      std::find_if(held.begin(), held.end(), [&](const auto& m) { return m.second == i->second; });
    if (oldest != i)
      return msg + ", not " + i->second + "'s oldest (" + oldest->first + ")";
    return {};
  }
};

/// How many `QueueEvicted` for (relay, recipient) directly follow record i
/// (the same step of that relay).
/// The evictions of `key`'s queue in the relay's same step as record `i`
/// (the events that follow it directly, packets in between).
std::size_t evictions_after(const std::vector<trace_record>& r, std::size_t i,
                            const std::pair<std::string, std::string>& key) {
  std::size_t evicted = 0;
  for (auto j = i + 1; j < r.size(); ++j) {
    if (is_packet(r[j]))
      continue;
    if (!is_event(r[j], "QueueEvicted") || who_of(r[j]) != key.first)
      break;
    evicted += detail_of(r[j], "for") == key.second ? 1 : 0;
  }
  return evicted;
}

/// Was the device with this phone unreachable at `t`, by the scenario's
/// schedule (not by what the relay believed)?
bool recipient_offline(const run_facts& f, const std::string& phone, sim_time t) {
  for (const auto& [who, o] : f.initial) {
    auto p = o.texts.find("phone");
    if (p != o.texts.end() && p->second == phone && unreachable_at(f, who, t))
      return true;
  }
  return false;
}

/// Why a relay's end state keeps more eviction notices for a recipient than
/// the scenario's notice_limit, or "".
std::string notices_over_limit(const run_facts& f) {
  for (const auto& [relay, o] : f.final) {
    auto i = f.initial.find(relay);
    if (i == f.initial.end() || !i->second.numbers.count("notice_limit"))
      continue;
    auto limit = i->second.numbers.at("notice_limit");
    if (limit <= 0)
      continue;
    for (const auto& [key, n] : o.numbers)
      if (key.rfind("notices.", 0) == 0 && n > limit)
        return relay + " kept " + std::to_string(n) + " eviction notices for " + key.substr(8) +
               " (limit " + std::to_string(limit) + ")";
  }
  return {};
}

/// At most the scenario's queue_limit held per recipient offline by the
/// scenario's schedule (not by the relay's belief), at most its mailbox_limit per (sender,
/// recipient) in any state, each message held once (a replay takes no room), every eviction from a
/// queue over its limit, of the oldest message of the sender due, and at the end at most
/// notice_limit eviction notices per recipient.
verdict queue_bound(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, queue_view> queues; // (relay, recipient)
  std::map<std::string, std::set<std::string>> ever_held;           // relay -> msg ids
  std::size_t evictions = 0;
  const auto& r = f.records;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto& rec = r[i];
    auto key = std::make_pair(who_of(rec), detail_of(rec, "for"));
    if (is_event(rec, "MessageHeld")) {
      auto& q = queues[key];
      auto msg = detail_of(rec, "msg");
      if (!ever_held[key.first].insert(msg).second)
        return {false, key.first + " held " + msg + " for " + key.second +
                         " a second time (a replay took room)"};
      q.limits = limits_of(f, key.first, rec);
      q.held.emplace_back(msg, detail_of(rec, "from"));
      if (recipient_offline(f, key.second, time_of(rec))) {
        auto held = q.held.size() - std::min(evictions_after(r, i, key), q.held.size());
        if (q.limits.queue && held > *q.limits.queue)
          return {false, key.first + " held " + std::to_string(held) + " messages for offline " +
                           key.second + " (limit " + std::to_string(*q.limits.queue) + ")"};
      } else if (q.limits.mailbox && q.held_by(detail_of(rec, "from")) > *q.limits.mailbox) {
        return {false, key.first + " held " + std::to_string(q.held_by(detail_of(rec, "from"))) +
                         " messages from " + detail_of(rec, "from") + " for " + key.second +
                         " (limit " + std::to_string(*q.limits.mailbox) + ")"};
      }
    } else if (is_event(rec, "QueueEvicted")) {
      auto& q = queues[key];
      ++evictions;
      auto why = q.wrong_eviction(detail_of(rec, "msg"));
      if (!why.empty())
        return {false, key.first + " evicted " + why + " for " + key.second};
      auto msg = detail_of(rec, "msg");
      q.held.erase(
        std::find_if(q.held.begin(), q.held.end(), [&](const auto& m) { return m.first == msg; }));
    } else if (is_event(rec, "MessageDelivered")) {
      auto& q = queues[{who_of(rec), detail_of(rec, "to")}];
      auto msg = detail_of(rec, "msg");
      auto m =
        std::find_if(q.held.begin(), q.held.end(), [&](const auto& x) { return x.first == msg; });
      if (m != q.held.end())
        q.held.erase(m);
    } else if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost") {
      for (auto& [k, q] : queues)
        if (k.first == who_of(rec))
          q.held.clear(); // what it held went with its state (no_silent_loss says so)
      ever_held.erase(who_of(rec));
    }
  }
  auto notices = notices_over_limit(f);
  if (!notices.empty())
    return {false, notices};
  return {true, std::to_string(evictions) +
                  " eviction(s), each from a full queue, of the oldest of the sender due; each "
                  "message held once; within the limits"};
}

/// Every message sent was shown, evicted with an event, refused or given up
/// with an event, or is still held by a relay at the end.
/// Messages a sender lost with its state (a crash with `state: lost`), or
/// still held by a sender that is down at the end, before the relay accepted
/// them: its outbox went with it, not silently.
std::set<std::string> lost_with_sender(const run_facts& f) {
  std::map<std::string, std::set<std::string>> outbox; // sender -> messages not yet accepted
  std::set<std::string> out;
  for (const auto& rec : f.records) {
    if (is_event(rec, "MessageSent")) {
      outbox[who_of(rec)].insert(detail_of(rec, "msg"));
    } else if (is_event(rec, "MessageAccepted")) {
      outbox[who_of(rec)].erase(detail_of(rec, "msg"));
    } else if (is_event(rec, "MessageHeld") || is_event(rec, "MessageDelivered")) {
      // The relay has it: from now on the relay must account for it.
      for (auto& [sender, msgs] : outbox)
        msgs.erase(detail_of(rec, "msg"));
    } else if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost") {
      out.insert(outbox[who_of(rec)].begin(), outbox[who_of(rec)].end());
      outbox[who_of(rec)].clear();
    }
  }
  for (const auto& sender : down_at_end(f.records))
    out.insert(outbox[sender].begin(), outbox[sender].end());
  return out;
}

verdict no_silent_loss(const run_facts& f) {
  auto sent = sent_messages(f);
  std::set<std::string> accounted;
  for (const auto& rec : f.records)
    for (auto name :
         {"MessageShown", "QueueEvicted", "SendFailed", "SendRefused", "MessageRefused"})
      if (is_event(rec, name) && !detail_of(rec, "msg").empty())
        accounted.insert(detail_of(rec, "msg"));
  auto with_sender = lost_with_sender(f);
  std::size_t forgotten = 0;
  for (const auto& msg : with_sender)
    forgotten += accounted.insert(msg).second ? 1 : 0;
  for (const auto& [name, o] : f.final)
    for (const auto& [key, ids] : o.texts)
      if (key.rfind("held.", 0) == 0) {
        std::istringstream in(ids);
        for (std::string id; std::getline(in, id, ',');)
          accounted.insert(id);
      }
  std::size_t lost = 0;
  std::string first;
  for (const auto& [msg, m] : sent)
    if (!accounted.count(msg) && lost++ == 0)
      first = m.sender + "'s message \"" + m.text + "\" to " + m.to + " (" + msg +
              ") was neither shown, evicted, refused nor held at the end";
  if (lost)
    return fail_with(lost, first);
  auto observed = std::to_string(sent.size()) + " message(s) sent, every one accounted for";
  if (forgotten > 0)
    observed += " (" + std::to_string(forgotten) +
                " lost with its sender's state, or its sender down at the end, before the relay "
                "accepted it)";
  return {true, observed};
}

/// A receipt went out only for a message its recipient showed: a sender
/// told "delivered" (DeliveryConfirmed), or a relay that took a recipient's
/// signed receipt and passed it on (MessageDelivered).
verdict receipts_truthful(const run_facts& f) {
  std::set<std::string> shown;
  std::size_t confirmed = 0, passed_on = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "MessageShown"))
      shown.insert(detail_of(rec, "msg"));
    if (is_event(rec, "MessageDelivered")) {
      ++passed_on;
      if (!shown.count(detail_of(rec, "msg")))
        return {false, who_of(rec) + " passed on " + detail_of(rec, "to") +
                         "'s signed receipt for " + detail_of(rec, "msg") +
                         ", which was never shown"};
    }
    if (!is_event(rec, "DeliveryConfirmed"))
      continue;
    ++confirmed;
    if (!shown.count(detail_of(rec, "msg")))
      return {false, who_of(rec) + " was told message " + detail_of(rec, "message") + " to " +
                       detail_of(rec, "to") + " was delivered, but it was never shown"};
  }
  return {true, std::to_string(confirmed) + " receipt(s) at senders and " +
                  std::to_string(passed_on) + " passed on by relays, each for a message shown"};
}

/// No relay texts codes to one phone (its CodeSent: what it did) more often
/// than it promises: its code_issue_limit per code_issue_window, or the
/// protocol's 5 per hour where the scenario switched the limit off. Anyone
/// may enrol in any number; each enrolment costs its owner an SMS.
verdict sms_bounded(const run_facts& f) {
  auto sent = rate_groups(f.records, "CodeSent", "phone");
  if (auto over = over_promised_rate(f, "code_issue_limit", sent, "texted codes to"))
    return *over;
  return {true,
          std::to_string(sent.size()) + " phone(s) texted codes, none beyond its relay's rate"};
}

/// Every gap a device showed a message after (numbers of one sender's
/// session in [after, seq) not shown) was explained to it, and truly: the
/// device read notices for it (GapExplained; a GapAccepted is a gap shown
/// with none, which its user never learns of) and a relay evicted at least
/// that many of those numbers of that sender's messages for the device's
/// phone (both phones the scenario's: a relay names senders and recipients
/// by phone), by the relay's own QueueEvicted — a notice the relay never
/// made explains nothing. Counted over the evictions, never over the gap (a
/// seq near 2^64).
verdict gaps_explained(const run_facts& f) {
  // (sender's phone, recipient's phone) -> sequence numbers a relay evicted
  std::map<std::pair<std::string, std::string>, std::set<std::uint64_t>> evicted;
  std::size_t gaps = 0;
  for (std::size_t i = 0; i < f.records.size(); ++i) {
    const auto& rec = f.records[i];
    if (is_event(rec, "QueueEvicted")) {
      evicted[{detail_of(rec, "from"), detail_of(rec, "for")}].insert(
        std::strtoull(detail_of(rec, "seq").c_str(), nullptr, 10));
      continue;
    }
    if (!is_event(rec, "GapExplained") && !is_event(rec, "GapAccepted"))
      continue;
    ++gaps;
    auto device = who_of(rec), from = detail_of(rec, "from");
    auto phone = scenario_text(f, device, "phone").value_or("");
    auto from_phone = scenario_text(f, from, "phone").value_or(from);
    auto after = std::strtoull(detail_of(rec, "after").c_str(), nullptr, 10);
    auto seq = std::strtoull(detail_of(rec, "seq").c_str(), nullptr, 10);
    auto missing = std::strtoull(
      detail_of(rec, is_event(rec, "GapAccepted") ? "missing" : "evicted").c_str(), nullptr, 10);
    const auto& gone = evicted[{from_phone, phone}];
    auto made =
      static_cast<std::uint64_t>(std::distance(gone.lower_bound(after), gone.lower_bound(seq)));
    auto what = device + " showed " + from + "'s message " + std::to_string(seq) + " after " +
                std::to_string(missing) + " missing from " + std::to_string(after) + ", ";
    if (is_event(rec, "GapAccepted"))
      return {
        false, what + "told of none of them (a relay evicted " + std::to_string(made) + ")", {i}};
    if (made < missing)
      return {false, what + "of which a relay evicted " + std::to_string(made), {i}};
  }
  return {true, std::to_string(gaps) +
                  " gap(s) shown past, each told to its device and made by a relay's evictions"};
}

} // namespace

std::vector<invariant_info> invariants() {
  return {
    {"delivered_in_order", "each recipient shows each sender's messages in the order sent",
     delivered_in_order},
    {"no_forgery",
     "every message shown was sent by its claimed sender to that device, with that text",
     no_forgery},
    {"queue_bound",
     "a relay holds at most queue_limit messages per offline recipient and mailbox_limit per "
     "(sender, recipient) in any state, each message once, evicts only from a full queue the "
     "oldest of the sender holding the most (on a tie, whose latest came last), and keeps at most "
     "notice_limit eviction notices per recipient",
     queue_bound},
    {"no_silent_loss",
     "every message sent is shown, evicted or refused with an event, or still held at the end",
     no_silent_loss},
    {"gaps_explained",
     "a device shows a message after a gap in its sender's numbers only when eviction notices "
     "told it of the missing messages, and a relay did evict them (by the relay's own evictions, "
     "not the notices the device read)",
     gaps_explained},
    {"receipts_truthful",
     "a receipt (a sender told \"delivered\", one a relay passed on) is only for a message its "
     "recipient showed",
     receipts_truthful},
    {"sms_bounded",
     "no relay texts codes to one phone more often than its code_issue_limit per "
     "code_issue_window (the protocol's 5 per hour where a scenario switches the limit off): "
     "enrolments in someone's number do not flood their phone",
     sms_bounded},
  };
}

} // namespace protobed::messaging
