// The device's inbox: a delivery is shown only if its session key was signed
// by the sender's key (as the relay gave it and, with verify_safety_numbers,
// as checked out of band), its HMAC verifies, its sequence number is new,
// and any gap before it is one the relay's eviction notices explain. Then
// the recipient signs a receipt.
#include "actors/messaging/device.hpp"

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
  if (c.refused)
    return ctx.emit("MessageRefused", {{"from", name_of(d.from)}, {"reason", "untrusted key"}});
  if (!c.key) {
    waiting_for_key_[d.from].push_back(d);
    if (c.lookup_nonce.empty())
      lookup(d.from, ctx);
    return;
  }
  auto msg = message_id(d.envelope);
  auto* s = session_of(*e, ctx);
  if (!s)
    return;
  auto seq = e->h.seq;
  if (cfg_.check_replays && (seq < s->next_seq || s->shown.count(seq))) {
    ctx.emit("ReplayRefused",
             {{"from", name_of(d.from)}, {"msg", msg}, {"seq", std::to_string(seq)}});
    return send_receipt(*e, msg, ctx); // the relay may not have had the first receipt
  }
  if (seq > s->next_seq && !explained_gap(d, *e, *s, ctx))
    return;
  auto text = open_body(*e, *s, ctx);
  if (!text)
    return;
  s->shown.insert(seq);
  s->next_seq = std::max(s->next_seq, seq + 1);
  ++shown_;
  ctx.emit(
    "MessageShown",
    {{"from", name_of(d.from)}, {"msg", msg}, {"seq", std::to_string(seq)}, {"text", *text}});
  send_receipt(*e, msg, ctx);
}

device::in_session* device::session_of(const envelope& e, context& ctx) {
  auto id = std::make_pair(e.h.from, e.h.session);
  auto i = in_sessions_.find(id);
  if (i != in_sessions_.end())
    return &i->second;
  const auto from = name_of(e.h.from);
  if (e.wrapped_key.empty()) {
    ctx.emit("MessageRefused", {{"from", from}, {"reason", "unknown session"}});
    return nullptr;
  }
  auto statement = wrap_statement(e.h, e.wrapped_key);
  if (cfg_.verify_signatures &&
      (!statement || !contacts_[e.h.from].key->verify(*statement, e.wrap_signature))) {
    ctx.emit("SignatureInvalid",
             {{"kind", kind::deliver}, {"from", from}, {"what", "session key"}});
    return nullptr;
  }
  auto key = key_.decrypt(ctx.rng(), e.wrapped_key);
  if (!key || key->size() != crypto::cbc_hmac_key_size) {
    ctx.emit("MessageRefused", {{"from", from}, {"reason", "session key does not unwrap"}});
    return nullptr;
  }
  ctx.emit("SessionOpened", {{"with", from}, {"session", crypto::to_hex(e.h.session)}});
  return &in_sessions_.emplace(id, in_session{std::move(*key), 0, {}}).first->second;
}

bool device::explained_gap(const delivery& d, const envelope& e, const in_session& s,
                           context& ctx) {
  std::uint64_t missing = 0, explained = 0;
  for (auto k = s.next_seq; k < e.h.seq; ++k) {
    if (s.shown.count(k))
      continue;
    ++missing;
    for (const auto& ev : d.evicted)
      if (ev.from == e.h.from && ev.session == e.h.session && ev.seq == k) {
        ++explained;
        break;
      }
  }
  if (missing == explained) {
    if (missing)
      ctx.emit("GapExplained", {{"from", name_of(e.h.from)}, {"evicted", std::to_string(missing)}});
    return true;
  }
  if (!cfg_.check_gaps) {
    ctx.emit("GapAccepted", {{"from", name_of(e.h.from)}, {"missing", std::to_string(missing)}});
    return true;
  }
  ctx.emit("GapRefused", {{"from", name_of(e.h.from)},
                          {"expected", std::to_string(s.next_seq)},
                          {"got", std::to_string(e.h.seq)}});
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
