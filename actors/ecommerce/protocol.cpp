// The e-commerce protocol as the engine sees it beyond its roles: its hops,
// invariants, what one transaction is, how pictures colour its events, and
// its benchmark workload.
#include "actors/ecommerce/invariants.hpp"
#include "actors/ecommerce/messages.hpp"
#include "actors/ecommerce/register.hpp"
#include "actors/ecommerce/workload.hpp"

namespace protobed::ecommerce {

namespace {

constexpr const char* client_role = "ecommerce.client";
constexpr const char* merchant_role = "ecommerce.merchant";
constexpr const char* bank_role = "ecommerce.bank";

std::vector<hop_doc> hops() {
  return {
    {kind::otp_request, client_role, bank_role, "card + nonce, sealed for the bank"},
    {kind::otp_reply, bank_role, client_role, "the bank's signed word that the SMS went out"},
    {kind::setup, client_role, merchant_role, "session key + reply key, sealed for the merchant"},
    {kind::setup_reply, merchant_role, client_role,
     "the merchant's signed tid, under the reply key"},
    {kind::pm_po, client_role, merchant_role, "signed PM sealed for the bank + signed PO"},
    {kind::pm_forward, merchant_role, bank_role, "the sealed PM + the merchant's signed claim"},
    {kind::bank_reply, bank_role, merchant_role, "the bank's signed outcome"},
    {kind::outcome, merchant_role, client_role, "the bank's signed outcome, under the reply key"},
    {kind::resolve, client_role, bank_role, "a signed resolution request, sealed for the bank"},
    {kind::resolve_reply, bank_role, client_role, "the bank's signed recorded outcome"},
    {kind::merchant_resolve, merchant_role, bank_role,
     "the merchant's signed claim: what became of it?"},
  };
}

transaction_def purchase() {
  transaction_def t;
  t.start = "PurchaseStarted";
  t.end = "OutcomeReceived";
  t.key = "purchase";
  t.alias = "tid";
  t.success = "committed";
  t.steps = {
    {"setup", {"PurchaseStarted"}, {"SetupComplete"}},
    {"otp", {"PurchaseStarted"}, {"OtpReceived"}},
    {"exchange", {"PaymentSent"}, {"PaymentForwarded"}},
    {"bank_decision", {"PaymentForwarded"}, {"PaymentCommitted", "PaymentAborted"}},
    {"outcome_relay", {"PaymentCommitted", "PaymentAborted"}, {"OutcomeReceived"}},
  };
  return t;
}

starter_def starter() {
  starter_def s;
  s.description = "alice buys a book with her card and the code the bank texts her";
  s.participants = {
    {"bank",
     bank_role,
     {{"otp_provider", "sms"},
      {"accounts", "\n      - {holder: alice, card: \"4111111111111111\", expiry: \"12/29\", "
                   "phone: \"+40700000001\", balance: 100}\n      - {holder: shop, balance: 0}"}}},
    {"shop", merchant_role, {{"bank", "bank"}, {"catalogue", "{book: 25}"}}},
    {"sms", "otp_provider", {}},
    {"alice",
     client_role,
     {{"merchant", "shop"},
      {"bank", "bank"},
      {"card", "\"4111111111111111\""},
      {"expiry", "\"12/29\""},
      {"phone", "\"+40700000001\""}}},
  };
  s.steps = {{"1s", "alice", "buy", "book"}};
  return s;
}

} // namespace

protocol_info protocol() {
  protocol_info p;
  p.name = "ecommerce";
  p.summary = "card payment with OTP two-factor authentication: client, merchant, bank, SMS";
  p.hops = hops();
  p.invariants = invariants();
  p.transaction = purchase();
  p.hints.detections = {"SignatureInvalid", "UnknownTid", "InsufficientFunds",
                        "OtpRateLimited",   "CardLocked", "PaymentRefused"};
  p.hints.outcomes = {"PaymentCommitted", "PaymentAborted", "OutcomeRelayed", "OutcomeReceived"};
  p.workload = workload;
  p.placement_doc = "bank and sms on n1, shop on n2, clients on n3";
  p.starter = starter();
  return p;
}

} // namespace protobed::ecommerce
