// The micropayment protocol as the engine sees it beyond its roles: its hops,
// invariants, what one transaction (a payment) is, how pictures colour its
// events, and its benchmark workload.
#include "actors/micropay/invariants.hpp"
#include "actors/micropay/messages.hpp"
#include "actors/micropay/register.hpp"
#include "actors/micropay/workload.hpp"

namespace protobed::micropay {

namespace {

constexpr const char* peer_role = "micropay.peer";
constexpr const char* server_role = "micropay.server";

std::vector<hop_doc> hops() {
  return {
    {kind::hello, peer_role, server_role,
     "channel id, ephemeral X25519 key, long-term key, time; signed by that key"},
    {kind::welcome, server_role, peer_role,
     "ephemeral key and the hello's hash; signed by the server"},
    {kind::command, peer_role, server_role, "a numbered command text, in a GCM record"},
    {kind::reply, server_role, peer_role,
     "the seed's reply text (+ card or token), in a GCM record"},
    {kind::dial, peer_role, peer_role,
     "like hello, plus the payer's server-signed card; signed by the payer"},
    {kind::answer, peer_role, peer_role,
     "like welcome, plus the payee's card; signed by the payee"},
    {kind::token, peer_role, peer_role, "the server-signed token, in a GCM record"},
    {kind::redeem, peer_role, server_role, "the token, as a numbered request in a GCM record"},
    {kind::settled, server_role, peer_role, "how the payment ended, in a GCM record"},
    {kind::chat, peer_role, peer_role, "a chat line, in a GCM record"},
  };
}

transaction_def payment() {
  transaction_def t;
  t.start = "PaymentRequested";
  t.end = "PaymentFinished";
  t.key = "payment";
  t.alias = "token";
  t.success = "settled";
  t.steps = {
    {"request", {"PaymentRequested"}, {"TokenReceived"}},
    {"delivery", {"TokenReceived"}, {"PaymentPending"}},
    {"redeem", {"PaymentPending"}, {"TokenSettled"}},
    {"notice", {"TokenSettled"}, {"PaymentFinished"}},
  };
  t.setup = setup_def{"login", "LoginStarted", "LoggedIn"};
  return t;
}

starter_def starter() {
  starter_def s;
  s.description = "alice and bob register and log in; alice pays bob 30 through the server";
  s.participants = {
    {"server",
     server_role,
     {{"accounts", "\n      - {name: alice, balance: 100}\n      - {name: bob, balance: 20}"}}},
    {"alice", peer_role, {{"server", "server"}}},
    {"bob", peer_role, {{"server", "server"}}},
  };
  s.steps = {{"0s", "alice", "register", "{}"},
             {"0s", "bob", "register", "{}"},
             {"1s", "alice", "login", "{}"},
             {"1s", "bob", "login", "{}"},
             {"2s", "alice", "pay", "{to: bob, amount: \"30\"}"}};
  return s;
}

} // namespace

protocol_info protocol() {
  protocol_info p;
  p.name = "micropay";
  p.summary = "peer-to-peer micropayments: a payment server issues single-use signed tokens that "
              "payers hand to payees over agreed-key channels";
  p.hops = hops();
  p.invariants = invariants();
  p.transaction = payment();
  p.hints.detections = {"HandshakeRefused", "RecordInvalid", "TokenRefused",  "LoginRefused",
                        "PayRefused",       "RedeemRefused", "ReplayRejected"};
  p.hints.outcomes = {"LoggedIn",           "TokenIssued",     "PaymentReceived", "TokenSettled",
                      "ReservationExpired", "PaymentFinished", "ChatShown"};
  p.workload = workload;
  p.placement_doc = "server on n1, payers on n2, payees on n3";
  p.starter = starter();
  return p;
}

} // namespace protobed::micropay
