// The relay's mailboxes: holding a message for its recipient, evicting the
// oldest of the sender holding the most when an offline recipient's queue is
// over its limit, and the eviction notices that tell the recipient of a loss.
#include "actors/messaging/relay.hpp"

#include <algorithm>
#include <utility>

namespace protobed::messaging {

void relay::hold(const std::string& to, held_message m, context& ctx) {
  auto& box = mailboxes_[to];
  const auto& a = accounts_.at(to);
  auto msg = m.msg;
  ++box.held_by[m.from];
  box.queue.push_back(std::move(m));
  ctx.emit("MessageHeld", {{"msg", msg},
                           {"from", box.queue.back().from},
                           {"for", to},
                           {"held", std::to_string(box.queue.size())},
                           {"offline", online(a) ? "false" : "true"},
                           {"limit", std::to_string(cfg_.queue_limit)}});
  if (!online(a))
    trim(to, ctx);
  else if (box.queue.size() == 1)
    deliver_head(to, ctx);
}

void relay::trim(const std::string& phone, context& ctx) {
  auto& box = mailboxes_[phone];
  while (static_cast<std::int64_t>(box.queue.size()) > cfg_.queue_limit)
    evict(phone, box, victim(box), ctx);
}

std::size_t relay::victim(const mailbox& box) const {
  if (!cfg_.fair_eviction)
    return 0;
  std::int64_t most = 0;
  for (const auto& [sender, n] : box.held_by)
    most = std::max(most, n);
  // Among the senders holding the most, the one whose latest message came
  // last: a newcomer cannot push out what was there first.
  const std::string* last = nullptr;
  for (auto i = box.queue.rbegin(); i != box.queue.rend() && !last; ++i)
    if (box.held_by.at(i->from) == most)
      last = &i->from;
  for (std::size_t i = 0; i < box.queue.size(); ++i)
    if (box.queue[i].from == *last)
      return i;
  return 0;
}

relay::held_message relay::take(mailbox& box, std::size_t i) {
  auto m = std::move(box.queue[i]);
  box.queue.erase(box.queue.begin() + static_cast<std::ptrdiff_t>(i));
  auto n = box.held_by.find(m.from);
  if (n != box.held_by.end() && --n->second <= 0)
    box.held_by.erase(n);
  return m;
}

void relay::evict(const std::string& phone, mailbox& box, std::size_t i, context& ctx) {
  auto old = take(box, i);
  ctx.emit("QueueEvicted", {{"msg", old.msg},
                            {"from", old.from},
                            {"for", phone},
                            {"seq", std::to_string(old.seq)},
                            {"limit", std::to_string(cfg_.queue_limit)}});
  if (old.msg == box.carried_for) { // the head goes: the next one chooses its own
    box.carried.clear();
    box.carried_for.clear();
  }
  add_notice(phone, box, old, ctx);
  released(old.msg);
}

namespace {

bool same_run(const eviction& a, const eviction& b) {
  return a.from == b.from && a.session == b.session && a.seq == b.seq && a.count == b.count;
}

} // namespace

void relay::add_notice(const std::string& phone, mailbox& box, const held_message& old,
                       context& ctx) {
  // A run grows only while untold and not carried by a delivery in flight,
  // so what a receipt marks told is what the recipient was shown.
  auto run = std::find_if(box.evicted.begin(), box.evicted.end(), [&](const notice& n) {
    const auto& ev = n.run;
    return !n.told && ev.from == old.from && ev.session == old.session &&
           ev.seq + ev.count == old.seq &&
           std::none_of(box.carried.begin(), box.carried.end(),
                        [&](const eviction& c) { return same_run(c, ev); });
  });
  if (run != box.evicted.end()) {
    ++run->run.count;
    return;
  }
  box.evicted.push_back({{old.from, old.session, old.seq, 1}, false});
  while (cfg_.notice_limit > 0 && static_cast<std::int64_t>(box.evicted.size()) > cfg_.notice_limit)
    drop_notice(phone, box, ctx);
}

/// Drops the oldest run of the sender with the most runs (on a tie, of the
/// one whose latest run came last), as evictions choose.
void relay::drop_notice(const std::string& phone, mailbox& box, context& ctx) {
  std::map<std::string, std::size_t> runs;
  std::size_t most = 0;
  for (const auto& n : box.evicted)
    most = std::max(most, ++runs[n.run.from]);
  const std::string* last = nullptr;
  for (auto i = box.evicted.rbegin(); i != box.evicted.rend() && !last; ++i)
    if (runs[i->run.from] == most)
      last = &i->run.from;
  auto gone = std::find_if(box.evicted.begin(), box.evicted.end(),
                           [&](const notice& n) { return n.run.from == *last; });
  ctx.emit("NoticeDropped", {{"for", phone},
                             {"from", gone->run.from},
                             {"seq", std::to_string(gone->run.seq)},
                             {"count", std::to_string(gone->run.count)},
                             {"told", gone->told ? "true" : "false"},
                             {"limit", std::to_string(cfg_.notice_limit)}});
  box.evicted.erase(gone);
}

std::vector<eviction> relay::notices_for(mailbox& box, const held_message& m) {
  std::vector<eviction> out;
  for (const auto& n : box.evicted)
    if (n.run.from == m.from && n.run.session == m.session && n.run.seq < m.seq &&
        out.size() < max_eviction_notices)
      out.push_back(n.run);
  if (box.carried_for != m.msg) {
    box.carried.clear();
    box.carried_for = m.msg;
    auto has_held = [&](const eviction& ev) {
      return std::any_of(box.queue.begin(), box.queue.end(), [&](const held_message& h) {
        return h.from == ev.from && h.session == ev.session;
      });
    };
    for (const auto& n : box.evicted)
      if (!n.told && !has_held(n.run) && out.size() + box.carried.size() < max_eviction_notices)
        box.carried.push_back(n.run);
  }
  out.insert(out.end(), box.carried.begin(), box.carried.end());
  return out;
}

void relay::notices_told(mailbox& box, const held_message& head) {
  box.evicted.erase(std::remove_if(box.evicted.begin(), box.evicted.end(),
                                   [&](const notice& n) {
                                     return n.run.from == head.from &&
                                            n.run.session == head.session && n.run.seq < head.seq;
                                   }),
                    box.evicted.end());
  if (box.carried_for == head.msg)
    for (auto& n : box.evicted)
      if (std::any_of(box.carried.begin(), box.carried.end(),
                      [&](const eviction& c) { return same_run(c, n.run); }))
        n.told = true;
  box.carried.clear();
  box.carried_for.clear();
}

} // namespace protobed::messaging
