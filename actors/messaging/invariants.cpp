// The messaging invariants, each read from the trace (what the devices and
// the relay did), never from what a participant remembers.
#include "actors/messaging/invariants.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace protobed::messaging {

namespace {

std::string who(const trace_record& rec) {
  return rec.value("who", std::string{});
}

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
      out[detail_of(rec, "msg")] = {who(rec), to, detail_of(rec, "text"), counts[{who(rec), to}]++};
    }
  return out;
}

verdict fail_with(std::size_t n, const std::string& first) {
  return {false, first + (n > 1 ? " (and " + std::to_string(n - 1) + " more)" : std::string{})};
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
    else if (i->second.sender != detail_of(rec, "from") || i->second.to != who(rec))
      why = "it was " + i->second.sender + "'s message to " + i->second.to;
    else if (i->second.text != detail_of(rec, "text"))
      why = "the text was \"" + i->second.text + "\"";
    if (why.empty())
      continue;
    if (bad++ == 0)
      first = who(rec) + " showed \"" + detail_of(rec, "text") + "\" as from " +
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
    auto& n = next[{who(rec), i->second.sender}];
    if (i->second.order < n)
      return {false, who(rec) + " showed " + i->second.sender + "'s message " +
                       std::to_string(i->second.order + 1) + " after a later one"};
    n = i->second.order + 1;
  }
  return {true, std::to_string(shown) + " message(s) shown in their senders' order"};
}

/// What one relay holds for one recipient, rebuilt from its events.
struct queue_view {
  std::vector<std::string> held;
};

/// At most `limit` held per offline recipient, and only the oldest evicted.
verdict queue_bound(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, queue_view> queues; // (relay, recipient)
  std::size_t evictions = 0;
  const auto& r = f.records;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto& rec = r[i];
    auto key = std::make_pair(who(rec), detail_of(rec, "for"));
    if (is_event(rec, "MessageHeld")) {
      auto& q = queues[key];
      q.held.push_back(detail_of(rec, "msg"));
      if (detail_of(rec, "offline") != "true")
        continue;
      auto limit = std::stoul(detail_of(rec, "limit"));
      std::size_t evicted = 0; // the evictions this call made
      for (auto j = i + 1; j < r.size() && (is_event(r[j], "QueueEvicted") ||
                                            !r[j].contains("event") || who(r[j]) != key.first);
           ++j)
        if (is_event(r[j], "QueueEvicted") && who(r[j]) == key.first &&
            detail_of(r[j], "for") == key.second)
          ++evicted;
      if (q.held.size() - std::min(evicted, q.held.size()) > limit)
        return {false, key.first + " held " + std::to_string(q.held.size() - evicted) +
                         " messages for offline " + key.second + " (limit " +
                         std::to_string(limit) + ")"};
    } else if (is_event(rec, "QueueEvicted")) {
      auto& q = queues[key];
      ++evictions;
      if (q.held.empty() || q.held.front() != detail_of(rec, "msg"))
        return {false, key.first + " evicted " + detail_of(rec, "msg") + " for " + key.second +
                         ", not the oldest held (" + (q.held.empty() ? "none" : q.held.front()) +
                         ")"};
      q.held.erase(q.held.begin());
    } else if (is_event(rec, "MessageDelivered")) {
      auto& q = queues[{who(rec), detail_of(rec, "to")}];
      auto m = std::find(q.held.begin(), q.held.end(), detail_of(rec, "msg"));
      if (m != q.held.end())
        q.held.erase(m);
    }
  }
  return {true, std::to_string(evictions) + " eviction(s), each of the oldest, within the limit"};
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
      outbox[who(rec)].insert(detail_of(rec, "msg"));
    } else if (is_event(rec, "MessageAccepted")) {
      outbox[who(rec)].erase(detail_of(rec, "msg"));
    } else if (is_event(rec, "MessageHeld") || is_event(rec, "MessageDelivered")) {
      // The relay has it: from now on the relay must account for it.
      for (auto& [sender, msgs] : outbox)
        msgs.erase(detail_of(rec, "msg"));
    } else if (is_event(rec, "Restarted") && detail_of(rec, "state") == "lost") {
      out.insert(outbox[who(rec)].begin(), outbox[who(rec)].end());
      outbox[who(rec)].clear();
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

/// A sender learned "delivered" only for a message its recipient showed.
verdict receipts_truthful(const run_facts& f) {
  std::set<std::string> shown;
  std::size_t confirmed = 0;
  for (const auto& rec : f.records) {
    if (is_event(rec, "MessageShown"))
      shown.insert(detail_of(rec, "msg"));
    if (!is_event(rec, "DeliveryConfirmed"))
      continue;
    ++confirmed;
    if (!shown.count(detail_of(rec, "msg")))
      return {false, who(rec) + " was told message " + detail_of(rec, "message") + " to " +
                       detail_of(rec, "to") + " was delivered, but it was never shown"};
  }
  return {true, std::to_string(confirmed) + " receipt(s), each for a message shown"};
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
     "a relay holds at most queue_limit messages per offline recipient and evicts the oldest",
     queue_bound},
    {"no_silent_loss",
     "every message sent is shown, evicted or refused with an event, or still held at the end",
     no_silent_loss},
    {"receipts_truthful", "a sender is told \"delivered\" only for a message its recipient showed",
     receipts_truthful},
  };
}

} // namespace protobed::messaging
