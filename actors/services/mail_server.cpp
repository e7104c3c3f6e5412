#include "actors/services/mail_server.hpp"

#include "crypto/codec.hpp"
#include "crypto/envelope.hpp"

namespace protobed::services {

mail_server::mail_server(mail_server_config cfg, crypto::rsa_private_key key, const directory& dir)
  : cfg_(cfg)
  , key_(std::move(key))
  , dir_(dir) {}

void mail_server::reject(const packet& p, const std::string& reason, context& ctx) {
  ctx.emit("MailRefused", {{"kind", p.kind}, {"from", p.from}, {"reason", reason}});
}

void mail_server::on_packet(const packet& p, context& ctx) {
  if (p.kind == mail_kind::hello)
    return on_hello(p, ctx);
  if (p.kind == mail_kind::submit)
    return on_submit(p, ctx);
  ctx.emit("PacketRejected", {{"kind", p.kind}, {"from", p.from}, {"reason", "not mail"}});
}

void mail_server::on_hello(const packet& p, context& ctx) {
  auto blob = crypto::open(ctx.rng(), key_, p.bytes, byte_view(mail_kind::hello));
  auto signed_hello =
    blob ? crypto::decode_signed_blob(*blob) : crypto::result<crypto::signed_blob>(blob.error());
  auto h = signed_hello ? decode_mail_hello(signed_hello->payload)
                        : crypto::result<mail_hello>(signed_hello.error());
  if (!h)
    return reject(p, "unreadable hello: " + h.error().message(), ctx);
  if (auto i = sessions_.find(h->session); i != sessions_.end())
    return ctx.emit("HelloRepeated", {{"sender", i->second.sender}}); // already open
  if (h->server != ctx.self())
    return reject(p, "hello for another server (" + h->server + ")", ctx);
  if (cfg_.check_senders) {
    const auto* key = dir_.public_key(h->sender);
    if (!key || !key->verify(signed_hello->payload, signed_hello->signature))
      return reject(p, "hello not signed by " + h->sender, ctx);
  }
  auto age = ctx.now() - sim_time(h->time);
  if (age > cfg_.freshness || age < -cfg_.freshness)
    return reject(p, "stale hello", ctx);
  auto s = session::derive(mail_session_label, h->session, h->secret, false);
  if (!s)
    return reject(p, s.error().message(), ctx);
  sessions_.emplace(h->session, sender_session{std::move(*s), h->sender});
  ctx.emit("MailSessionOpened", {{"sender", h->sender}});
}

void mail_server::on_submit(const packet& p, context& ctx) {
  auto rec = decode_record(p.bytes);
  if (!rec)
    return reject(p, rec.error().message(), ctx);
  auto i = sessions_.find(rec->session);
  if (i == sessions_.end())
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", "unknown session"}});
  auto& ss = i->second;
  // Resent mail comes under new sequence numbers; a replayed record is
  // refused, and a mail id delivered once is only acknowledged again.
  auto opened = ss.s.open(p.kind.c_str(), *rec, true);
  if (!opened.payload)
    return ctx.emit(opened.why == session::refusal::replayed ? "ReplayRejected" : "RecordInvalid",
                    {{"kind", p.kind}, {"from", p.from}});
  auto m = decode_mail(*opened.payload);
  if (!m)
    return reject(p, m.error().message(), ctx);
  if (!delivered_ids_.insert({ss.sender, m->id}).second) {
    ctx.emit("MailRepeated", {{"from", ss.sender}, {"mail", short_hex(m->id)}}); // acked again
  } else {
    mailboxes_[m->to].push_back({ss.sender, m->subject, m->body, m->ref});
    // "packet": the submission delivered, so the network's record says who wrote it.
    ctx.emit("MailDelivered", {{"to", m->to},
                               {"from", ss.sender},
                               {"subject", m->subject},
                               {"ref", m->ref},
                               {"mail", short_hex(m->id)},
                               {"packet", std::to_string(p.id)}});
  }
  if (auto ack = ss.s.seal(ctx.rng(), mail_kind::ack, encode(mail_ack{m->id})))
    ctx.send(ss.sender, mail_kind::ack, std::move(*ack));
}

const std::vector<mail_server::delivered>& mail_server::mailbox(const std::string& address) const {
  static const std::vector<delivered> none;
  auto i = mailboxes_.find(address);
  return i == mailboxes_.end() ? none : i->second;
}

observation mail_server::observe() const {
  observation o;
  std::int64_t total = 0;
  for (const auto& [address, box] : mailboxes_) {
    o.numbers["mailbox." + address] = static_cast<std::int64_t>(box.size());
    total += static_cast<std::int64_t>(box.size());
  }
  o.numbers["mails"] = total;
  return o;
}

} // namespace protobed::services
