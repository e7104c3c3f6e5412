#include "actors/services/mail_client.hpp"

#include <algorithm>

#include "crypto/codec.hpp"
#include "crypto/envelope.hpp"

namespace protobed::services {

namespace {
const timer_id resend_timer{"mail.resend", 0};
} // namespace

mail_client::mail_client(mail_client_config cfg, crypto::rsa_private_key key, const directory& dir)
  : cfg_(std::move(cfg))
  , key_(std::move(key))
  , dir_(dir) {}

void mail_client::open_session(context& ctx) {
  const auto* server_key = dir_.public_key(cfg_.server);
  if (!server_key)
    return;
  mail_hello h{ctx.rng().generate(session_id_size),
               ctx.rng().generate(session_secret_size),
               ctx.self(),
               cfg_.server,
               ctx.now().count(),
               ctx.rng().generate(16)};
  auto s = session::derive(mail_session_label, h.session, h.secret, true);
  auto payload = encode(h);
  if (!s || !payload)
    return;
  auto blob = crypto::encode(crypto::signed_blob{*payload, key_.sign(ctx.rng(), *payload)});
  auto sealed = blob ? crypto::seal(ctx.rng(), *server_key, *blob, byte_view(mail_kind::hello))
                     : crypto::result<bytes>(blob.error());
  if (!sealed)
    return;
  session_ = std::move(*s);
  hello_ = std::move(*sealed);
}

void mail_client::submit(const queued& q, context& ctx) {
  if (!session_)
    return;
  if (auto rec = session_->seal(ctx.rng(), mail_kind::submit, encode(q.m)))
    ctx.send(cfg_.server, mail_kind::submit, std::move(*rec));
}

void mail_client::arm(context& ctx) {
  if (!pending_.empty())
    ctx.set_timer(resend_timer, cfg_.timeout);
}

void mail_client::send(const std::string& to, const std::string& subject, const std::string& body,
                       const std::string& ref, context& ctx) {
  if (!session_) {
    open_session(ctx);
    if (session_)
      ctx.send(cfg_.server, mail_kind::hello, hello_);
  }
  queued q{mail{ctx.rng().generate(mail_id_size), to, subject, body, ref}, 0};
  submit(q, ctx);
  bool idle = pending_.empty();
  pending_.emplace(++queued_, std::move(q));
  if (idle)
    arm(ctx);
}

bool mail_client::on_packet(const packet& p, context& ctx) {
  if (p.kind != mail_kind::ack)
    return false;
  auto rec = decode_record(p.bytes);
  if (!rec || !session_ || rec->session != session_->id()) {
    ctx.emit("PacketRejected", {{"kind", p.kind}, {"from", p.from}, {"reason", "unknown session"}});
    return true;
  }
  // Acks are idempotent (acknowledging a mail twice does nothing), and a
  // server that lost its state numbers its records from 1 again: no
  // sequence check here.
  auto opened = session_->open(p.kind.c_str(), *rec, false);
  if (!opened.payload) {
    ctx.emit(opened.why == session::refusal::replayed ? "ReplayRejected" : "RecordInvalid",
             {{"kind", p.kind}, {"from", p.from}});
    return true;
  }
  auto ack = decode_mail_ack(*opened.payload);
  if (!ack) {
    ctx.emit("PacketRejected",
             {{"kind", p.kind}, {"from", p.from}, {"reason", ack.error().message()}});
    return true;
  }
  auto waiting = std::find_if(pending_.begin(), pending_.end(),
                              [&](const auto& q) { return q.second.m.id == ack->id; });
  if (waiting == pending_.end()) {
    ctx.emit("PacketIgnored", {{"kind", p.kind},
                               {"from", p.from},
                               {"reason", "acknowledges no mail waiting"},
                               {"mail", short_hex(ack->id)}});
    return true;
  }
  const auto& m = waiting->second.m;
  ctx.emit("MailSent",
           {{"to", m.to}, {"subject", m.subject}, {"ref", m.ref}, {"mail", short_hex(m.id)}});
  pending_.erase(waiting);
  if (pending_.empty())
    ctx.cancel_timer(resend_timer);
  return true;
}

bool mail_client::on_timer(const timer_id& id, context& ctx) {
  if (!(id == resend_timer))
    return false;
  if (pending_.empty())
    return true;
  for (auto i = pending_.begin(); i != pending_.end();) {
    if (++i->second.attempts > cfg_.retries) {
      ctx.emit("MailFailed", {{"to", i->second.m.to},
                              {"subject", i->second.m.subject},
                              {"ref", i->second.m.ref},
                              {"mail", short_hex(i->second.m.id)},
                              {"reason", "the mail server did not acknowledge it"}});
      i = pending_.erase(i);
    } else {
      ++i;
    }
  }
  if (!pending_.empty() && session_)
    ctx.send(cfg_.server, mail_kind::hello, hello_); // the server may have lost the session
  for (const auto& [n, q] : pending_)
    submit(q, ctx);
  arm(ctx);
  return true;
}

void mail_client::on_start(context& ctx) {
  arm(ctx);
}

std::string short_hex(byte_view b) {
  return crypto::to_hex(b.sub(0, 8));
}

} // namespace protobed::services
