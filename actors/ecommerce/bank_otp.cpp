// The bank's one-time codes: one per purchase (keyed by the OTP request's
// nonce, which the PM repeats), so two purchases on one card never cancel
// each other; a budget of consecutive wrong codes per card across codes; and
// a limit on how many codes a card is sent per window.
#include "actors/ecommerce/bank.hpp"
#include "actors/ecommerce/otp_sms.hpp"
#include "actors/services/otp_provider.hpp"

namespace protobed::ecommerce {

namespace {

std::string otp_failure(crypto::errc e) {
  switch (e) {
    case crypto::errc::expired:
      return "otp-expired";
    case crypto::errc::exhausted:
      return "otp-exhausted";
    case crypto::errc::not_issued:
    case crypto::errc::already_used:
      return "otp-missing";
    default:
      return "otp-wrong";
  }
}

} // namespace

std::optional<std::string> bank::refuse_code(const account& acct, context& ctx) {
  auto& card = cards_[acct.card];
  if (card.locked)
    return std::string("card-locked");
  if (cfg_.otp_issue_limit <= 0)
    return std::nullopt;
  while (!card.issued.empty() && card.issued.front() + cfg_.otp_issue_window <= ctx.now())
    card.issued.pop_front();
  if (static_cast<std::int64_t>(card.issued.size()) < cfg_.otp_issue_limit)
    return std::nullopt;
  ctx.emit("OtpRateLimited", {{"holder", acct.holder},
                              {"limit", std::to_string(cfg_.otp_issue_limit)},
                              {"window", format_duration(cfg_.otp_issue_window)}});
  return std::string("rate-limited");
}

bool bank::text_code(const account& acct, const bytes& nonce, const crypto::rsa_public_key& gateway,
                     context& ctx) {
  auto code = crypto::random_otp(ctx.rng());
  auto text = otp_sms_text(ctx.self(), code, purchase_reference(nonce), cfg_.otp.lifetime);
  auto sms = encode_sms_request(ctx.rng(), gateway, acct.phone, text);
  if (!sms) {
    ctx.emit("SendFailed", {{"kind", sms_request_kind}, {"reason", sms.error().message()}});
    return false;
  }
  auto& issued =
    codes_.insert_or_assign(nonce, issued_code{acct.card, crypto::otp_verifier(cfg_.otp)})
      .first->second;
  issued.verifier.issue(code, ctx.now());
  cards_[acct.card].issued.push_back(ctx.now());
  ctx.send(cfg_.otp_provider, sms_request_kind, std::move(*sms));
  ctx.emit("OtpIssued", {{"holder", acct.holder}, {"reference", purchase_reference(nonce)}});
  return true;
}

std::optional<std::string> bank::check_code(const payment_info& pm, const account& payer,
                                            context& ctx) {
  auto& card = cards_[payer.card];
  if (card.locked) {
    ctx.emit("OtpRejected", {{"tid", crypto::to_hex(pm.tid)}, {"reason", "card-locked"}});
    return std::string("card-locked");
  }
  auto i = codes_.find(pm.nonce);
  auto st = i == codes_.end() || i->second.card != payer.card
              ? crypto::status(crypto::make_error(crypto::errc::not_issued))
              : i->second.verifier.verify(pm.otp, ctx.now());
  if (st) {
    card.consecutive_failures = 0;
    return std::nullopt;
  }
  auto reason = otp_failure(st.error().code);
  ctx.emit("OtpRejected", {{"tid", crypto::to_hex(pm.tid)}, {"reason", reason}});
  if (reason == "otp-wrong" || reason == "otp-exhausted")
    ++card.consecutive_failures;
  if (cfg_.otp_failure_budget > 0 && card.consecutive_failures >= cfg_.otp_failure_budget &&
      !card.locked) {
    card.locked = true;
    ctx.emit("CardLocked",
             {{"holder", payer.holder}, {"failures", std::to_string(card.consecutive_failures)}});
  }
  return reason;
}

} // namespace protobed::ecommerce
