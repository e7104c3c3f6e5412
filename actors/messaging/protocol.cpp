// The messaging protocol as the engine sees it beyond its roles: its hops,
// invariants, what one transaction (a message) is, how pictures colour its
// events, and its benchmark workload.
#include "actors/messaging/invariants.hpp"
#include "actors/messaging/messages.hpp"
#include "actors/messaging/register.hpp"
#include "actors/messaging/workload.hpp"

namespace protobed::messaging {

namespace {

constexpr const char* device_role = "messaging.device";
constexpr const char* relay_role = "messaging.relay";

std::vector<hop_doc> hops() {
  return {
    {kind::enrol, device_role, relay_role, "phone + public key, signed with that key"},
    {kind::confirm, device_role, relay_role,
     "the SMS code + a fresh link key, sealed for the relay"},
    {kind::registered, relay_role, device_role, "bound or refused, under the link MAC"},
    {kind::lookup, device_role, relay_role, "whose key, under the link MAC"},
    {kind::key, relay_role, device_role, "the contact's key, under the link MAC"},
    {kind::send, device_role, relay_role, "an end-to-end envelope, under the link MAC"},
    {kind::accepted, relay_role, device_role, "held or refused, under the link MAC"},
    {kind::deliver, relay_role, device_role, "the envelope + eviction notices, under the link MAC"},
    {kind::receipt, device_role, relay_role, "the recipient's signed receipt, under the link MAC"},
    {kind::delivered, relay_role, device_role, "the signed receipt, to the sender"},
  };
}

transaction_def message() {
  transaction_def t;
  t.start = "MessageSent";
  t.end = "DeliveryConfirmed";
  t.key = "message";
  t.alias = "msg";
  t.success = "delivered";
  t.steps = {
    {"to_relay", {"MessageSent"}, {"MessageAccepted", "MessageHeld"}},
    {"to_recipient", {"MessageHeld"}, {"MessageShown"}},
    {"receipt", {"MessageShown"}, {"DeliveryConfirmed"}},
  };
  t.setup = setup_def{"registration", "RegistrationStarted", "Registered"};
  return t;
}

starter_def starter() {
  starter_def s;
  s.description = "alice and bob register their phones; alice writes to bob, who confirms";
  s.participants = {
    {"relay", relay_role, {{"otp_provider", "sms"}}},
    {"sms", "otp_provider", {}},
    {"alice", device_role, {{"relay", "relay"}, {"phone", "\"+15550001\""}}},
    {"bob", device_role, {{"relay", "relay"}, {"phone", "\"+15550002\""}}},
  };
  s.steps = {{"0s", "alice", "register", "{}"},
             {"0s", "bob", "register", "{}"},
             {"5s", "alice", "send", "{to: bob, text: \"hi bob\"}"}};
  return s;
}

} // namespace

protocol_info protocol() {
  protocol_info p;
  p.name = "messaging";
  p.summary = "end-to-end messaging: devices register with an SMS code; a relay holds at most 2 "
              "messages per offline recipient";
  p.hops = hops();
  p.invariants = invariants();
  p.transaction = message();
  p.hints.detections = {"SafetyNumberMismatch", "SafetyNumberChanged", "MacInvalid",
                        "GapRefused",           "LinkMacInvalid",      "SignatureInvalid",
                        "CodeRejected",         "ReplayRefused",       "KeyReplaced"};
  p.hints.outcomes = {"Registered", "MessageShown", "QueueEvicted", "DeliveryConfirmed"};
  p.workload = workload;
  p.placement_doc = "relay and sms on n1, senders on n2, recipients on n3";
  p.starter = starter();
  return p;
}

} // namespace protobed::messaging
