#include "actors/messaging/relay.hpp"

#include <algorithm>
#include <utility>

#include "crypto/hash.hpp"

namespace protobed::messaging {

namespace {

constexpr const char* redeliver_timer = "redeliver";

/// Backs off 2x per attempt, at most 32x.
sim_time backoff(sim_time base, std::int64_t attempt) {
  return base * (std::int64_t{1} << std::min<std::int64_t>(attempt, 5));
}

} // namespace

relay::relay(relay_config cfg, crypto::rsa_private_key key, const directory& dir)
  : cfg_(std::move(cfg))
  , key_(std::move(key))
  , dir_(dir) {}

void relay::on_packet(const packet& p, context& ctx) {
  if (p.kind == kind::enrol)
    on_enrolment(p, ctx);
  else if (p.kind == kind::confirm)
    on_confirmation(p, ctx);
  else if (p.kind == kind::lookup)
    on_lookup(p, ctx);
  else if (p.kind == kind::send)
    on_submission(p, ctx);
  else if (p.kind == kind::receipt)
    on_receipt(p, ctx);
  else
    ctx.emit("UnexpectedPacket", {{"kind", p.kind}, {"from", p.from}});
}

relay::account* relay::find_account(const std::string& phone) {
  auto i = accounts_.find(phone);
  return i == accounts_.end() ? nullptr : &i->second;
}

std::optional<std::pair<relay::account*, bytes>> relay::open_link(const packet& p, context& ctx) {
  auto l = decode_linked(p.bytes);
  if (!l) {
    ctx.emit("PacketRejected",
             {{"kind", p.kind}, {"from", p.from}, {"reason", l.error().message()}});
    return std::nullopt;
  }
  auto* a = find_account(l->phone);
  if (!a) {
    ctx.emit("PacketRejected",
             {{"kind", p.kind}, {"from", p.from}, {"reason", "no device with phone " + l->phone}});
    return std::nullopt;
  }
  if (!cfg_.check_links)
    return std::make_pair(a, std::move(l->payload));
  auto payload = unlink(a->link_key, p.kind.c_str(), *l);
  if (!payload) {
    ctx.emit("LinkMacInvalid", {{"kind", p.kind}, {"phone", l->phone}, {"from", p.from}});
    return std::nullopt;
  }
  return std::make_pair(a, std::move(*payload));
}

void relay::send_linked(const account& a, const std::string& phone, const char* kind,
                        result<bytes> payload, context& ctx) {
  auto out = link(a.link_key, kind, phone, std::move(payload));
  if (!out)
    return ctx.emit("SendFailed", {{"kind", kind}, {"reason", out.error().message()}});
  ctx.send(a.address, kind, std::move(*out));
}

void relay::on_lookup(const packet& p, context& ctx) {
  auto opened = open_link(p, ctx);
  if (!opened)
    return;
  auto q = decode_key_query(opened->second);
  if (!q)
    return ctx.emit("PacketRejected", {{"kind", p.kind}, {"reason", q.error().message()}});
  const auto* target = find_account(q->phone);
  ctx.emit("KeyLookedUp", {{"phone", q->phone}, {"found", target ? "true" : "false"}});
  auto asker = decode_linked(p.bytes)->phone;
  send_linked(*opened->first, asker, kind::key,
              encode(key_answer{q->phone, q->nonce, target ? target->public_key : bytes{}}), ctx);
}

void relay::on_submission(const packet& p, context& ctx) {
  auto opened = open_link(p, ctx);
  if (!opened)
    return;
  auto sender_phone = decode_linked(p.bytes)->phone;
  auto s = decode_submission(opened->second);
  auto e = and_then(s, [](const submission& x) { return decode_envelope(x.envelope); });
  if (!e)
    return ctx.emit("PacketRejected", {{"kind", p.kind}, {"reason", e.error().message()}});
  auto msg = message_id(s->envelope);
  auto known = accepted_.find(msg);
  auto status = known != accepted_.end()
                  ? known->second.status
                  : accept(s->to, {msg, sender_phone, s->envelope, e->h.session, e->h.seq}, ctx);
  send_linked(*opened->first, sender_phone, kind::accepted, encode(acceptance{msg, status}), ctx);
}

/// Holds a new message, or says why not; the answer is kept to be given
/// again to a resend (a full mailbox is not: a resend may find room; nor is
/// an old message's refusal: it would displace its sender's latest answer).
std::string relay::accept(const std::string& to, held_message m, context& ctx) {
  auto refuse = [&](const char* reason) {
    ctx.emit("MessageRefused", {{"msg", m.msg}, {"from", m.from}, {"reason", reason}});
    return std::string("refused: ") + reason;
  };
  auto header = decode_envelope(m.envelope);
  std::string status;
  if (header->h.from != m.from || header->h.to != to) {
    status = refuse("header-mismatch");
  } else if (!find_account(to)) {
    status = refuse("unknown-recipient");
  } else {
    if (old_message(to, m, ctx))
      return "refused: old-message";
    if (mailbox_full(to, m, ctx))
      return "refused: mailbox-full";
    mark_accepted(to, m);
    record_answer(m.msg, m.from, "held", true);
    hold(to, std::move(m), ctx);
    return "held";
  }
  record_answer(m.msg, m.from, status, false);
  return status;
}

namespace {

/// Sessions remembered per (sender, recipient): an honest sender starts a
/// new one only when a key changes or it loses its state.
constexpr std::size_t remembered_sessions = 4;

} // namespace

bool relay::old_message(const std::string& to, const held_message& m, context& ctx) {
  if (!cfg_.check_replays)
    return false;
  auto pair = sessions_.find({m.from, to});
  if (pair == sessions_.end())
    return false;
  for (const auto& s : pair->second) {
    if (s.session != m.session || m.seq > s.highest)
      continue;
    ctx.emit("ReplayRejected", {{"kind", kind::send},
                                {"msg", m.msg},
                                {"from", m.from},
                                {"for", to},
                                {"seq", std::to_string(m.seq)},
                                {"highest", std::to_string(s.highest)},
                                {"reason", "old-message"}});
    return true;
  }
  return false;
}

void relay::mark_accepted(const std::string& to, const held_message& m) {
  auto& marks = sessions_[{m.from, to}];
  auto s = std::find_if(marks.begin(), marks.end(),
                        [&](const session_mark& x) { return x.session == m.session; });
  session_mark mark{m.session, m.seq};
  if (s != marks.end()) {
    mark.highest = std::max(s->highest, m.seq);
    marks.erase(s);
  }
  marks.push_back(std::move(mark)); // the most recently used last
  if (marks.size() > remembered_sessions)
    marks.pop_front();
}

bool relay::mailbox_full(const std::string& to, const held_message& m, context& ctx) {
  if (cfg_.mailbox_limit <= 0)
    return false;
  const auto& box = mailboxes_[to];
  std::int64_t held = static_cast<std::int64_t>(box.queue.size());
  if (cfg_.mailbox_per_sender) {
    auto i = box.held_by.find(m.from);
    held = i == box.held_by.end() ? 0 : i->second;
  }
  if (held < cfg_.mailbox_limit)
    return false;
  ctx.emit("MailboxFull", {{"msg", m.msg},
                           {"from", m.from},
                           {"for", to},
                           {"held", std::to_string(held)},
                           {"limit", std::to_string(cfg_.mailbox_limit)}});
  return true;
}

void relay::record_answer(const std::string& msg, const std::string& sender,
                          const std::string& status, bool held) {
  accepted_[msg] = answer{status, sender, held};
  auto& latest = latest_[sender];
  auto previous = std::exchange(latest, msg);
  if (previous != msg)
    forget_answer(previous);
}

void relay::forget_answer(const std::string& msg) {
  auto i = accepted_.find(msg);
  if (i == accepted_.end() || i->second.held)
    return;
  auto latest = latest_.find(i->second.sender);
  if (latest == latest_.end() || latest->second != msg)
    accepted_.erase(i);
}

void relay::released(const std::string& msg) {
  auto i = accepted_.find(msg);
  if (i == accepted_.end())
    return;
  i->second.held = false;
  forget_answer(msg);
}

void relay::deliver_head(const std::string& phone, context& ctx) {
  auto& box = mailboxes_[phone];
  const auto& a = accounts_.at(phone);
  if (box.queue.empty() || !online(a))
    return;
  const auto& m = box.queue.front();
  send_linked(a, phone, kind::deliver, encode(delivery{m.from, m.envelope, notices_for(box, m)}),
              ctx);
  if (box.attempts > 0) // the first delivery shows in the trace as its packet
    ctx.emit("MessageRedelivered",
             {{"msg", m.msg}, {"to", phone}, {"attempt", std::to_string(box.attempts + 1)}});
  if (!box.deadline)
    ++due_boxes_;
  box.deadline = ctx.now() + backoff(cfg_.redeliver_after, box.attempts);
  arm(*box.deadline, ctx);
}

void relay::clear_deadline(mailbox& box, context& ctx) {
  if (!box.deadline)
    return;
  box.deadline.reset();
  if (--due_boxes_ == 0 && armed_) { // a timer left armed would keep a finished run waiting
    ctx.cancel_timer({redeliver_timer, 0});
    armed_.reset();
  }
}

void relay::arm(sim_time deadline, context& ctx) {
  if (armed_ && *armed_ <= deadline)
    return;
  armed_ = deadline;
  ctx.set_timer({redeliver_timer, 0}, deadline - ctx.now());
}

void relay::redeliver_due(context& ctx) {
  armed_.reset();
  std::optional<sim_time> next;
  for (auto& [phone, box] : mailboxes_) {
    if (!box.deadline)
      continue;
    if (*box.deadline > ctx.now()) {
      next = next ? std::min(*next, *box.deadline) : *box.deadline;
      continue;
    }
    clear_deadline(box, ctx);
    const auto* a = find_account(phone);
    if (!a || box.queue.empty() || !online(*a))
      continue;
    if (++box.attempts > cfg_.delivery_retries) {
      box.stalled = true;
      ctx.emit("DeliveryStalled", {{"msg", box.queue.front().msg},
                                   {"to", phone},
                                   {"attempts", std::to_string(box.attempts)}});
      continue;
    }
    deliver_head(phone, ctx); // sets a new deadline and arms for it
  }
  if (next)
    arm(*next, ctx);
}

void relay::on_receipt(const packet& p, context& ctx) {
  auto opened = open_link(p, ctx);
  if (!opened)
    return;
  auto recipient = decode_linked(p.bytes)->phone;
  auto blob = decode_signed_blob(opened->second);
  auto r = and_then(blob, [](const signed_blob& b) { return decode_receipt_statement(b.payload); });
  if (!r)
    return ctx.emit("PacketRejected", {{"kind", p.kind}, {"reason", r.error().message()}});
  const auto& key = opened->first->key;
  if (!key || r->to != recipient || !key->verify(blob->payload, blob->signature))
    return ctx.emit("SignatureInvalid", {{"kind", p.kind}, {"from", p.from}});
  auto& box = mailboxes_[recipient];
  if (box.queue.empty() || box.queue.front().msg != r->msg)
    return ctx.emit("ReceiptIgnored", {{"msg", r->msg}, {"reason", "not-in-flight"}});
  auto head = take(box, 0);
  notices_told(box, head);
  released(head.msg);
  const auto& sender = head.from;
  box.attempts = 0;
  box.stalled = false;
  clear_deadline(box, ctx);
  ctx.emit("MessageDelivered", {{"msg", r->msg}, {"to", recipient}});
  if (const auto* s = find_account(sender))
    send_linked(*s, sender, kind::delivered, encode(*blob), ctx);
  deliver_head(recipient, ctx);
}

void relay::on_timer(const timer_id& id, context& ctx) {
  if (id.purpose != redeliver_timer)
    return participant_core::on_timer(id, ctx);
  redeliver_due(ctx);
}

void relay::on_peer_status(const std::string& peer, bool reachable, context& ctx) {
  if (reachable)
    offline_.erase(peer);
  else
    offline_.insert(peer);
  for (auto& [phone, a] : accounts_) {
    if (a.address != peer)
      continue;
    auto& box = mailboxes_[phone];
    if (!reachable) {
      clear_deadline(box, ctx);
      trim(phone, ctx);
      continue;
    }
    box.attempts = 0;
    box.stalled = false;
    if (!box.queue.empty())
      ctx.emit("QueueFlushing", {{"to", phone}, {"held", std::to_string(box.queue.size())}});
    deliver_head(phone, ctx);
  }
}

observation relay::observe() const {
  observation o;
  o.numbers["registered"] = static_cast<std::int64_t>(accounts_.size());
  std::int64_t held = 0, notices = 0;
  for (const auto& [phone, box] : mailboxes_) {
    held += static_cast<std::int64_t>(box.queue.size());
    notices += static_cast<std::int64_t>(box.evicted.size());
    if (!box.evicted.empty())
      o.numbers["notices." + phone] = static_cast<std::int64_t>(box.evicted.size());
    if (box.queue.empty())
      continue;
    o.numbers["held." + phone] = static_cast<std::int64_t>(box.queue.size());
    std::string ids;
    for (const auto& m : box.queue)
      ids += (ids.empty() ? "" : ",") + m.msg;
    o.texts["held." + phone] = ids;
  }
  o.numbers["held"] = held;
  o.numbers["queue_limit"] = cfg_.queue_limit;
  o.numbers["mailbox_limit"] = cfg_.mailbox_limit;
  o.numbers["notices"] = notices;
  o.numbers["notice_limit"] = cfg_.notice_limit;
  const relay_config defaults;
  promise_rate(o, "code_issue_limit", cfg_.code_issue_limit, cfg_.code_issue_window,
               defaults.code_issue_limit, defaults.code_issue_window);
  o.numbers["answers"] = static_cast<std::int64_t>(accepted_.size());
  std::int64_t sessions = 0;
  for (const auto& [pair, marks] : sessions_)
    sessions += static_cast<std::int64_t>(marks.size());
  o.numbers["sessions"] = sessions;
  return o;
}

} // namespace protobed::messaging
