// The device's inbox: a delivery is shown only if its session key was signed
// by the sender's key (as the relay gave it and, with verify_safety_numbers,
// as checked out of band) and its HMAC verifies -- before anything in its
// header is acted on -- then if its sequence number is new and any gap before
// it is one the relay's eviction notices explain. Then the recipient signs a
// receipt: for what it showed, and again for a redelivery of the same message.
// Notices for other sessions that came with a message shown are shown too.
#include "actors/messaging/device.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

#include "crypto/symmetric.hpp"

namespace protobed::messaging {

namespace {

/// Valid UTF-8 without control characters.
bool printable(const bytes& pt) {
  std::size_t follow = 0;
  for (auto b : pt) {
    if (follow) {
      if ((b & 0xc0) != 0x80)
        return false;
      --follow;
    } else if (b >= 0xf0 && b <= 0xf4) {
      follow = 3;
    } else if (b >= 0xe0) {
      follow = b <= 0xef ? 2 : 9;
    } else if (b >= 0xc2) {
      follow = 1;
    } else if (b < 0x20 || b == 0x7f || b >= 0x80) {
      return false;
    }
    if (follow == 9)
      return false;
  }
  return follow == 0;
}

/// The text as the app shows it: as is when printable, else in hex (what a
/// tampered message decrypts to when the MAC check is off).
std::string shown_text(const bytes& pt) {
  return printable(pt) ? std::string(pt.begin(), pt.end()) : "0x" + crypto::to_hex(pt);
}

} // namespace

void device::on_delivery(const packet& p, context& ctx) {
  auto d = read_linked(p, ctx, decode_delivery);
  if (d)
    process(*d, ctx);
}

void device::process(const delivery& d, context& ctx) {
  auto e = decode_envelope(d.envelope);
  if (!e || e->h.to != cfg_.phone || e->h.from != d.from)
    return ctx.emit("MessageRefused",
                    {{"from", name_of(d.from)}, {"reason", "malformed or misaddressed"}});
  auto& c = contacts_[d.from];
  if (c.blocked || c.unavailable)
    return ctx.emit("MessageRefused", {{"from", name_of(d.from)}, {"reason", "untrusted key"}});
  if (!c.key) {
    waiting_for_key_[d.from].push_back(d);
    if (c.lookup_nonce.empty())
      lookup(d.from, ctx);
    return;
  }
  auto msg = message_id(d.envelope);
  if (!cfg_.authenticate_first)
    return process_header_first(d, *e, msg, ctx);
  // Nothing in the header is acted on before the body's MAC holds.
  auto s = session_of(*e, ctx);
  if (!s)
    return;
  auto text = open_body(*e, s->get(), ctx);
  if (!text)
    return;
  auto& session = keep_session(*e, *s, ctx);
  if (replayed(*e, msg, session, ctx))
    return;
  if (e->h.seq > session.next_seq && !explained_gap(d, *e, session, ctx))
    return;
  show(d, *e, msg, *text, session, ctx);
}

void device::process_header_first(const delivery& d, const envelope& e, const std::string& msg,
                                  context& ctx) {
  auto s = session_of(e, ctx);
  if (!s)
    return;
  auto& session = keep_session(e, *s, ctx);
  if (replayed(e, msg, session, ctx))
    return;
  if (e.h.seq > session.next_seq && !explained_gap(d, e, session, ctx))
    return;
  auto text = open_body(e, session, ctx);
  if (text)
    show(d, e, msg, *text, session, ctx);
}

void device::show(const delivery& d, const envelope& e, const std::string& msg,
                  const std::string& text, in_session& s, context& ctx) {
  auto seq = e.h.seq;
  s.shown[seq] = msg;
  s.next_seq = std::max(s.next_seq, seq == UINT64_MAX ? seq : seq + 1); // the last: kept in shown
  ++shown_;
  ctx.emit(
    "MessageShown",
    {{"from", name_of(e.h.from)}, {"msg", msg}, {"seq", std::to_string(seq)}, {"text", text}});
  tell_evictions(d, e, ctx);
  send_receipt(e, msg, ctx);
}

/// The relay's notices for other sessions than this message's: messages
/// evicted whose session has nothing else on the way. Shown to the user
/// once, with the message they came with (a redelivery is a replay).
void device::tell_evictions(const delivery& d, const envelope& e, context& ctx) {
  for (const auto& ev : d.evicted)
    if (ev.from != e.h.from || ev.session != e.h.session)
      ctx.emit("EvictionNoticed", {{"from", name_of(ev.from)},
                                   {"session", crypto::to_hex(ev.session)},
                                   {"seq", std::to_string(ev.seq)},
                                   {"count", std::to_string(ev.count)}});
}

/// A sequence number already shown: refused. The receipt is signed again
/// only for the very message shown under it (the relay may not have had the
/// first receipt); with authenticate_first off, for whatever came.
bool device::replayed(const envelope& e, const std::string& msg, const in_session& s,
                      context& ctx) {
  auto seq = e.h.seq;
  auto shown = s.shown.find(seq);
  if (!cfg_.check_replays || (seq >= s.next_seq && shown == s.shown.end()))
    return false;
  bool same = shown != s.shown.end() && shown->second == msg;
  ctx.emit("ReplayRefused", {{"from", name_of(e.h.from)},
                             {"msg", msg},
                             {"seq", std::to_string(seq)},
                             {"receipt", same || !cfg_.authenticate_first ? "again" : "none"}});
  if (same || !cfg_.authenticate_first)
    send_receipt(e, msg, ctx);
  return true;
}

std::optional<device::session_ref> device::session_of(const envelope& e, context& ctx) {
  auto i = in_sessions_.find(std::make_pair(e.h.from, e.h.session));
  if (i != in_sessions_.end())
    return session_ref{&i->second, std::nullopt};
  const auto from = name_of(e.h.from);
  if (e.wrapped_key.empty()) {
    ctx.emit("MessageRefused", {{"from", from}, {"reason", "unknown session"}});
    return std::nullopt;
  }
  auto statement = wrap_statement(e.h, e.wrapped_key);
  if (cfg_.verify_signatures &&
      (!statement || !contacts_[e.h.from].key->verify(*statement, e.wrap_signature))) {
    ctx.emit("SignatureInvalid",
             {{"kind", kind::deliver}, {"from", from}, {"what", "session key"}});
    return std::nullopt;
  }
  auto key = key_.decrypt(ctx.rng(), e.wrapped_key);
  if (!key || key->size() != crypto::cbc_hmac_key_size) {
    ctx.emit("MessageRefused", {{"from", from}, {"reason", "session key does not unwrap"}});
    return std::nullopt;
  }
  return session_ref{nullptr, in_session{std::move(*key), 0, {}}};
}

device::in_session& device::keep_session(const envelope& e, session_ref& s, context& ctx) {
  if (s.known)
    return *s.known;
  ctx.emit("SessionOpened",
           {{"with", name_of(e.h.from)}, {"session", crypto::to_hex(e.h.session)}});
  return in_sessions_.emplace(std::make_pair(e.h.from, e.h.session), std::move(*s.opened))
    .first->second;
}

/// The gap before `e` is explained when every sequence number in it was
/// shown or named by one of the relay's eviction notices for this session.
/// Counted over the notices (at most a delivery's 64) and the numbers shown
/// past next_seq, never over the gap itself: its size is the sender's to
/// choose (a sequence number near 2^64 costs what 1 does).
bool device::explained_gap(const delivery& d, const envelope& e, const in_session& s,
                           context& ctx) {
  const auto from = name_of(e.h.from);
  const auto seq = e.h.seq;
  const auto gap = seq - s.next_seq;
  auto shown = static_cast<std::uint64_t>(
    std::distance(s.shown.lower_bound(s.next_seq), s.shown.lower_bound(seq)));
  const auto missing = gap - shown;
  // The notices' runs within [next_seq, seq), merged so none counts twice.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> runs;
  for (const auto& ev : d.evicted) {
    if (ev.from != e.h.from || ev.session != e.h.session)
      continue;
    auto lo = std::max(ev.seq, s.next_seq);
    auto hi = std::min(ev.seq + ev.count, seq);
    if (lo < hi)
      runs.emplace_back(lo, hi);
  }
  std::sort(runs.begin(), runs.end());
  std::uint64_t explained = 0, covered_to = s.next_seq;
  for (auto [lo, hi] : runs) {
    lo = std::max(lo, covered_to);
    if (lo >= hi)
      continue;
    auto already =
      static_cast<std::uint64_t>(std::distance(s.shown.lower_bound(lo), s.shown.lower_bound(hi)));
    explained += (hi - lo) - already;
    covered_to = hi;
  }
  if (missing == explained) {
    if (missing)
      ctx.emit("GapExplained", {{"from", from},
                                {"evicted", std::to_string(missing)},
                                {"after", std::to_string(s.next_seq)},
                                {"seq", std::to_string(seq)}});
    return true;
  }
  if (!cfg_.check_gaps) {
    ctx.emit("GapAccepted", {{"from", from},
                             {"missing", std::to_string(missing)},
                             {"after", std::to_string(s.next_seq)},
                             {"seq", std::to_string(seq)}});
    return true;
  }
  ctx.emit("GapRefused", {{"from", from},
                          {"expected", std::to_string(s.next_seq)},
                          {"got", std::to_string(seq)},
                          {"missing", std::to_string(missing)}});
  return false;
}

std::optional<std::string> device::open_body(const envelope& e, const in_session& s, context& ctx) {
  auto ad = encode(e.h);
  auto pt =
    cfg_.check_macs
      ? and_then(ad, [&](const bytes& a) { return crypto::cbc_hmac_open(s.key, e.body, a); })
      : crypto::cbc_open_unauthenticated(s.key, e.body);
  if (!pt) {
    ctx.emit(pt.error().code == crypto::errc::auth_failed ? "MacInvalid" : "MessageRefused",
             {{"from", name_of(e.h.from)},
              {"seq", std::to_string(e.h.seq)},
              {"reason", pt.error().message()}});
    return std::nullopt;
  }
  if (pt->size() > max_text) {
    ctx.emit("MessageRefused", {{"from", name_of(e.h.from)}, {"reason", "text too long"}});
    return std::nullopt;
  }
  return shown_text(*pt);
}

void device::send_receipt(const envelope& e, const std::string& msg, context& ctx) {
  receipt_statement r{msg, e.h.from, cfg_.phone, e.h.session, e.h.seq};
  auto payload = encode(r);
  send_linked(kind::receipt,
              and_then(payload,
                       [&](const bytes& b) {
                         return encode(signed_blob{b, key_.sign(ctx.rng(), b)});
                       }),
              ctx);
}

} // namespace protobed::messaging
