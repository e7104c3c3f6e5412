// The purchase-order protocol as the engine sees it beyond its roles: its
// hops, invariants, what one transaction (an order) is and how pictures
// colour its events.
#include "actors/purchase/invariants.hpp"
#include "actors/purchase/messages.hpp"
#include "actors/purchase/register.hpp"
#include "actors/purchase/workload.hpp"
#include "actors/services/mail.hpp"

namespace protobed::purchase {

namespace {

constexpr const char* customer_role = "purchase.customer";
constexpr const char* opd_role = "purchase.opd";

std::vector<hop_doc> hops() {
  return {
    {kind::login, customer_role, opd_role,
     "customer ID, password, session id and secret, time, nonce; sealed for the OPD (OAEP + GCM)"},
    {kind::welcome, opd_role, customer_role, "ok or refused (and why), in a GCM record"},
    {kind::order, customer_role, opd_role,
     "item, quantity, time, nonce; signed RSA-PSS or DSA by the customer, in a GCM record"},
    {kind::receipt, opd_role, customer_role,
     "order digest, number, outcome; signed by the OPD, in a GCM record"},
    {services::mail_kind::hello, opd_role, "mail_server",
     "session id and secret, sender, server, time, nonce; signed by the OPD, sealed for the "
     "mail server"},
    {services::mail_kind::submit, opd_role, "mail_server",
     "to, subject, body, mail id, in a GCM record"},
    {services::mail_kind::ack, "mail_server", opd_role, "the mail id, in a GCM record"},
  };
}

transaction_def order_transaction() {
  transaction_def t;
  t.start = "OrderPlaced";
  t.end = "OrderFinished";
  t.key = "purchase"; // the customer's own numbering; the OPD names it by its nonce

  t.alias = "order";
  t.success = "accepted";
  t.steps = {
    {"decision", {"OrderPlaced"}, {"OrderAccepted", "OrderRefused", "OrderUnknown"}},
    {"receipt", {"OrderAccepted", "OrderRefused", "OrderUnknown"}, {"OrderFinished"}},
  };
  t.setup = setup_def{"login", "LoginStarted", "LoggedIn"};
  return t;
}

starter_def starter() {
  starter_def s;
  s.description = "alice logs in and orders two books, signed; the OPD ships and mails her";
  s.participants = {
    {"opd",
     opd_role,
     {{"mail_server", "mail"},
      {"stock", "{book: 5}"},
      {"customers",
       "\n      - {id: alice, password: \"correct horse\", email: alice@example.com}"}}},
    {"mail", "mail_server", {}},
    {"alice", customer_role, {{"opd", "opd"}, {"password", "\"correct horse\""}}},
  };
  s.steps = {{"0s", "alice", "login", "{}"},
             {"1s", "alice", "order", "{item: book, quantity: \"2\"}"}};
  return s;
}

} // namespace

protocol_info protocol() {
  protocol_info p;
  p.name = "purchase";
  p.summary = "signed purchase orders (RSA-PSS or DSA) to an order processing department that "
              "checks them against the key on file, ships from stock and mails the customer";
  p.hops = hops();
  p.invariants = invariants();
  p.transaction = order_transaction();
  p.hints.detections = {"LoginRefused",   "AccountLocked", "OrderRefused", "ReceiptRejected",
                        "ReplayRejected", "RecordInvalid", "MailRefused"};
  p.hints.outcomes = {"LoggedIn",      "OrderAccepted", "OrderUnknown",
                      "OrderFinished", "MailDelivered", "MailFailed"};
  p.workload = workload;
  p.placement_doc = "OPD and mail server on n1, customers on n2 and n3";
  p.starter = starter();
  return p;
}

} // namespace protobed::purchase
