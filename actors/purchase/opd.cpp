// The OPD's logins and sessions: a login is opened with the OPD's private
// key, the password checked against the salted scrypt hash (off the actor
// with workers), failures counted and the account locked for a time after
// too many; the answer goes back as the first record of the session the
// login opened.
#include "actors/purchase/opd.hpp"

#include "crypto/envelope.hpp"
#include "crypto/password.hpp"

namespace protobed::purchase {

order_book::order_book(const opd_config& cfg, crypto::rsa_private_key key, const directory& dir)
  : stock(cfg.stock)
  , outbox(cfg.mail, std::move(key), dir) {}

opd::opd(opd_config cfg, crypto::rsa_private_key key, const directory& dir,
         std::shared_ptr<order_book> book)
  : cfg_(std::move(cfg))
  , key_(key)
  , dir_(dir)
  , book_(book ? std::move(book) : std::make_shared<order_book>(cfg_, key, dir)) {}

void opd::on_start(context& ctx) {
  if (!book_->opened) // a book found again keeps the time it was opened
    book_->opened = ctx.now();
  book_->outbox.on_start(ctx);
  // Receipts whose signing a crash cut short: the decision is in the book,
  // so sign it again; a resent order gets it.
  for (const auto& [key, d] : book_->decisions)
    if (d.signed_receipt.empty())
      sign_receipt(key, ctx);
}

void opd::on_packet(const packet& p, context& ctx) {
  if (book_->outbox.on_packet(p, ctx))
    return;
  if (p.kind == kind::login)
    return on_login(p, ctx);
  if (p.kind == kind::order)
    return on_order(p, ctx);
  ctx.emit("PacketRejected", {{"kind", p.kind}, {"from", p.from}, {"reason", "not for the OPD"}});
}

void opd::on_timer(const timer_id& id, context& ctx) {
  book_->outbox.on_timer(id, ctx);
}

void opd::on_work_done(const timer_id& id, std::any result, context& ctx) {
  if (id.purpose == "login")
    return finish_login(id.index, std::any_cast<bool>(result), ctx);
  if (id.purpose == "verify")
    return decide(id.index, std::any_cast<bool>(result), ctx);
  if (id.purpose == "receipt")
    return finish_receipt(id.index, std::any_cast<bytes>(std::move(result)), ctx);
  if (id.purpose == "refusal")
    return finish_refusal(id.index, std::any_cast<bytes>(std::move(result)), ctx);
}

const customer_account* opd::account(const std::string& id) const {
  for (const auto& c : cfg_.customers)
    if (c.id == id)
      return &c;
  return nullptr;
}

void opd::on_login(const packet& p, context& ctx) {
  if (throttled(p.from, ctx)) // before its RSA decryption and scrypt check
    return;
  auto plain = crypto::open(ctx.rng(), key_, p.bytes, byte_view(kind::login));
  auto l = plain ? decode_login(*plain) : result<login>(plain.error());
  if (!l)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", l.error().message()}});
  if (auto i = sessions_.find(l->session); i != sessions_.end()) {
    // The login again (its answer was lost, or a replay): the same answer,
    // which only the one who sealed the login can read.
    ctx.emit("LoginRepeated", {{"customer", i->second.customer}});
    if (!i->second.welcome.empty())
      ctx.send(i->second.peer, kind::welcome, i->second.welcome);
    return;
  }
  prune_sessions(ctx.now());
  count_login(p.from, ctx.now());
  auto s = services::session::derive(session_label, l->session, l->secret, false);
  if (!s)
    return ctx.emit("PacketRejected",
                    {{"kind", p.kind}, {"from", p.from}, {"reason", s.error().message()}});
  auto& st = sessions_[l->session];
  st.s = std::move(*s);
  st.peer = p.from;
  st.customer = l->customer;
  st.opened = ctx.now();
  auto refuse = [&](const std::string& event_reason, const std::string& wire_reason) {
    ctx.emit("LoginRefused", {{"customer", l->customer}, {"reason", event_reason}});
    answer_login(st, wire_reason, ctx);
  };
  auto age = ctx.now() - sim_time(l->time);
  if (cfg_.check_replays && (age > cfg_.freshness || age < -cfg_.freshness))
    return refuse("stale login", "stale login");
  if (auto why = replayed_login(*l))
    return refuse(*why, *why);
  if (cfg_.check_replays) // its time is fresh: it is forgotten once a replay would be stale
    book_->logins[l->session] = l->time;
  const auto* acct = account(l->customer);
  if (!acct) { // checked like a known one, so that timing does not tell IDs apart
    logins_[++work_] = {l->session, l->customer, false};
    return check_password(work_, cfg_.decoy_hash, l->password, ctx);
  }
  auto& as = book_->accounts[l->customer];
  if (as.locked_until > sim_time{} && ctx.now() < as.locked_until)
    return refuse("account locked", "account locked");
  if (as.locked_until > sim_time{}) {
    as.locked_until = {};
    ctx.emit("AccountUnlocked", {{"customer", l->customer}});
  }
  logins_[++work_] = {l->session, l->customer, true};
  check_password(work_, acct->password_hash, l->password, ctx);
}

/// A sender whose new logins within lock_time failed (or are still being
/// checked), sender_failures of them, is not heard until they age out: its
/// login is dropped before it costs an RSA decryption and a scrypt check (a
/// decoy one for an unknown ID). Counted as they arrive, so a burst is bounded
/// too; one that logs in is taken off. A login sent again is answered from
/// memory and not counted.
bool opd::throttled(const std::string& from, context& ctx) {
  if (!cfg_.limit_senders)
    return false;
  auto i = unsuccessful_.find(from);
  if (i == unsuccessful_.end())
    return false;
  auto& arrived = i->second;
  while (!arrived.empty() && arrived.front() + cfg_.lock_time <= ctx.now())
    arrived.pop_front();
  if (arrived.empty()) {
    unsuccessful_.erase(i);
    return false;
  }
  if (static_cast<int>(arrived.size()) < cfg_.sender_failures)
    return false;
  ctx.emit("LoginThrottled", {{"from", from},
                              {"unsuccessful", std::to_string(arrived.size())},
                              {"within", format_duration(cfg_.lock_time)}});
  return true;
}

void opd::count_login(const std::string& from, sim_time now) {
  if (cfg_.limit_senders)
    unsuccessful_[from].push_back(now);
}

void opd::forgive_login(const std::string& from) {
  auto i = unsuccessful_.find(from);
  if (i == unsuccessful_.end())
    return;
  i->second.pop_back();
  if (i->second.empty())
    unsuccessful_.erase(i);
}

void opd::check_password(std::uint64_t n, const std::string& stored, const std::string& password,
                         context& ctx) {
  ctx.offload({"login", n}, [stored, password](crypto::rng&) {
    auto ok = crypto::verify_password(password, stored);
    return std::any(ok && *ok);
  });
}

/// A fresh login the OPD may have taken before, now that its sessions are
/// gone (a restart that lost its memory): one its book recorded, or, in a
/// book that replaced a lost one, one signed too close to the restart to
/// tell. Refused, never logged in again: a replayed login would open the
/// session again and take its old records once more.
std::optional<std::string> opd::replayed_login(const login& l) const {
  if (!cfg_.check_replays)
    return std::nullopt;
  if (book_->logins.count(l.session))
    return "login already used";
  if (predates_book(l.time))
    return "too close to the OPD's restart";
  return std::nullopt;
}

void opd::prune_sessions(sim_time now) {
  for (auto i = sessions_.begin(); i != sessions_.end();) {
    const auto& st = i->second;
    bool over =
      st.authenticated ? st.expires < now : !st.welcome.empty() && st.opened + cfg_.freshness < now;
    i = over ? sessions_.erase(i) : std::next(i);
  }
  auto& seen = book_->logins; // a replay of these would be refused as stale anyway
  for (auto i = seen.begin(); i != seen.end();)
    i = sim_time(i->second) + cfg_.freshness < now ? seen.erase(i) : std::next(i);
}

void opd::finish_login(std::uint64_t n, bool password_ok, context& ctx) {
  auto i = logins_.find(n);
  if (i == logins_.end())
    return;
  auto [session_id, customer, known] = i->second;
  logins_.erase(i);
  auto s = sessions_.find(session_id);
  if (s == sessions_.end())
    return;
  auto& st = s->second;
  if (!known) {
    ctx.emit("LoginRefused", {{"customer", customer}, {"reason", "unknown customer"}});
    return answer_login(st, "wrong customer ID or password", ctx);
  }
  auto& as = book_->accounts[customer];
  if (as.locked_until > sim_time{} && ctx.now() < as.locked_until) {
    ctx.emit("LoginRefused", {{"customer", customer}, {"reason", "account locked"}});
    return answer_login(st, "account locked", ctx);
  }
  if (password_ok) {
    forgive_login(st.peer);
    as.failures = 0;
    st.authenticated = true;
    st.expires = ctx.now() + cfg_.session_lifetime;
    ctx.emit("LoggedIn", {{"customer", customer}, {"session", short_id(session_id)}});
    return answer_login(st, "", ctx);
  }
  ++as.failures;
  ctx.emit("LoginRefused", {{"customer", customer},
                            {"reason", "wrong password"},
                            {"failures", std::to_string(as.failures)}});
  if (cfg_.max_failures > 0 && as.failures >= cfg_.max_failures) {
    as.failures = 0;
    as.locked_until = ctx.now() + cfg_.lock_time;
    ctx.emit("AccountLocked", {{"customer", customer}, {"for", format_duration(cfg_.lock_time)}});
  }
  answer_login(st, "wrong customer ID or password", ctx);
}

void opd::answer_login(session_state& st, const std::string& reason, context& ctx) {
  auto rec =
    st.s.seal(ctx.rng(), kind::welcome, encode(welcome{reason.empty() ? "ok" : "refused", reason}));
  if (!rec)
    return;
  st.welcome = std::move(*rec);
  ctx.send(st.peer, kind::welcome, st.welcome);
}

opd::session_state* opd::find_session(const bytes& id, const packet& p, context& ctx) {
  auto i = sessions_.find(id);
  if (i == sessions_.end()) {
    ctx.emit("PacketRejected", {{"kind", p.kind}, {"from", p.from}, {"reason", "unknown session"}});
    return nullptr;
  }
  return &i->second;
}

observation opd::observe() const {
  observation o;
  for (const auto& [item, n] : book_->stock)
    o.numbers["stock." + item] = n;
  std::int64_t accepted = 0, refused = 0, unknown = 0, sessions = 0;
  for (const auto& [k, d] : book_->decisions) {
    const auto& outcome = d.content.outcome;
    (outcome == "accepted" ? accepted : outcome == "refused" ? refused : unknown) += 1;
  }
  for (const auto& [id, st] : sessions_)
    sessions += st.authenticated ? 1 : 0;
  o.numbers["orders_accepted"] = accepted;
  o.numbers["orders_refused"] = refused;
  o.numbers["orders_unknown"] = unknown;
  o.numbers["logged_in"] = sessions;
  o.numbers["mail_pending"] = static_cast<std::int64_t>(book_->outbox.pending());
  // From the scenario, for the invariants: whose account each customer ID is,
  // where its mail goes, and the mail server this OPD mails through.
  for (const auto& c : cfg_.customers) {
    o.texts["owner." + c.id] = c.participant;
    o.texts["email." + c.id] = c.email;
  }
  o.texts["mail_server"] = cfg_.mail.server;
  o.numbers["freshness_ms"] =
    std::chrono::duration_cast<std::chrono::milliseconds>(cfg_.freshness).count();
  const opd_config defaults;
  promise_rate(o, "max_failures", cfg_.max_failures, cfg_.lock_time, defaults.max_failures,
               defaults.lock_time);
  return o;
}

} // namespace protobed::purchase
