// The messaging roles as the scenario engine sees them: documented options,
// commands, and factories from options to cores.
#include "actors/messaging/analysis.hpp"
#include "actors/messaging/device.hpp"
#include "actors/messaging/register.hpp"
#include "actors/messaging/relay.hpp"
#include "actors/messaging/schemas.hpp"

namespace protobed::messaging {

namespace {

const std::vector<std::string> messaging_kinds = {
  kind::enrol, kind::confirm,  kind::registered, kind::lookup,  kind::key,
  kind::send,  kind::accepted, kind::deliver,    kind::receipt, kind::delivered};

std::any parse_relay(const option_reader& o, const directory& dir) {
  relay_config c;
  c.sms = participant_ref(o, "otp_provider", dir, "otp_provider");
  c.code.lifetime = o.positive_duration("code_lifetime", std::chrono::minutes(5));
  c.code.max_attempts = static_cast<unsigned>(o.integer_in("code_attempts", 3, 1, 100));
  c.code_failure_budget = o.integer_in("code_failure_budget", 100, 0, 100);
  c.code_issue_limit = o.integer_in("code_issue_limit", 5, 0, 1000);
  c.code_issue_window = o.positive_duration("code_issue_window", std::chrono::hours(1));
  c.code_lock_time = o.positive_duration("code_lock_time", std::chrono::hours(1));
  c.keep_pending_enrolments = o.flag("keep_pending_enrolments", true);
  c.queue_limit = o.integer_in("queue_limit", 2, 1, 1000);
  c.mailbox_limit = o.integer_in("mailbox_limit", 1000, 0, 1000000);
  if (c.mailbox_limit > 0 && c.mailbox_limit < c.queue_limit)
    throw config_error(o.need("mailbox_limit").pos,
                       "mailbox_limit must be at least queue_limit (0: no limit)");
  c.mailbox_per_sender = o.flag("mailbox_per_sender", true);
  c.fair_eviction = o.flag("fair_eviction", true);
  c.notice_limit = o.integer_in("notice_limit", 64, 0, 1000000);
  c.check_replays = o.flag("check_replays", true);
  c.redeliver_after = o.positive_duration("redeliver_after", std::chrono::seconds(2));
  c.delivery_retries = o.integer_in("delivery_retries", 6, 0, 100);
  c.check_codes = o.flag("check_codes", true);
  c.check_links = o.flag("check_links", true);
  return c;
}

std::any parse_device(const option_reader& o, const directory& dir) {
  device_config c;
  c.relay = participant_ref(o, "relay", dir, "messaging.relay");
  c.phone = o.str("phone");
  if (c.phone.empty() || c.phone.size() > 32)
    throw config_error(o.need("phone").pos, "phone must be 1..32 characters");
  c.code_delay = o.duration("code_delay", std::chrono::seconds(1));
  c.timeout = o.positive_duration("timeout", std::chrono::seconds(5));
  c.retries = o.integer_in("retries", 6, 0, 100);
  c.verify_safety_numbers = o.flag("verify_safety_numbers", false);
  c.verify_signatures = o.flag("verify_signatures", true);
  c.check_macs = o.flag("check_macs", true);
  c.check_replays = o.flag("check_replays", true);
  c.check_gaps = o.flag("check_gaps", true);
  c.check_links = o.flag("check_links", true);
  c.block_mismatched_keys = o.flag("block_mismatched_keys", true);
  c.authenticate_first = o.flag("authenticate_first", true);
  return c;
}

role_info relay_role() {
  role_info r;
  r.name = "messaging.relay";
  // What it holds for offline recipients it promised to keep: on disk, so a
  // crash keeps registrations and queues (explore found messages lost with a
  // relay that restarted empty). `state: lost` still shows that loss.
  r.durable = true;
  r.summary = "binds phones to keys after an SMS code; routes messages it cannot read; holds at "
              "most 2 per offline recipient";
  r.long_term_key = true;
  r.kinds = messaging_kinds;
  r.options = {
    {"otp_provider", "participant(otp_provider)", "", "the SMS gateway that texts codes"},
    {"code_lifetime", "duration", "5min", "how long a registration code stays valid"},
    {"code_attempts", "integer", "3", "wrong codes allowed before the code is destroyed (1..100)"},
    {"code_failure_budget", "integer", "100",
     "wrong codes in a row per phone, across enrolments, before it is locked (0..100; 0: none)"},
    {"code_issue_limit", "integer", "5",
     "codes a phone may be sent per code_issue_window (0: none)"},
    {"code_issue_window", "duration", "1h", "the window of code_issue_limit"},
    {"code_lock_time", "duration", "1h",
     "how long a phone stays locked once code_failure_budget is spent; then the budget starts "
     "again"},
    {"keep_pending_enrolments", "bool", "true",
     "never displace a pending enrolment: one over the 4 a phone may have is refused"},
    {"queue_limit", "integer", "2",
     "messages held per offline recipient; one more evicts the oldest of the sender holding the "
     "most"},
    {"mailbox_limit", "integer", "1000",
     "messages held per (sender, recipient) in any state; one more is refused (0: no limit)"},
    {"mailbox_per_sender", "bool", "true",
     "mailbox_limit counts each sender apart (off: all senders together, so one can fill it)"},
    {"fair_eviction", "bool", "true",
     "evict the oldest message of the sender holding the most, on a tie of the one whose latest "
     "came last (off: the oldest)"},
    {"notice_limit", "integer", "64",
     "eviction notices kept per recipient; one more drops the oldest of the sender with the most "
     "(0: no limit)"},
    {"check_replays", "bool", "true",
     "refuse a message at or below the highest sequence number accepted in its session, unless "
     "it is the one answered (a replayed send)"},
    {"redeliver_after", "duration", "2s",
     "wait for a receipt before delivering again (backs off 2x)"},
    {"delivery_retries", "integer", "6", "deliveries again before the relay waits for a reconnect"},
    {"check_codes", "bool", "true", "bind a phone only with the code texted to it"},
    {"check_links", "bool", "true", "refuse device packets whose link MAC does not verify"},
  };
  r.parse = parse_relay;
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    return std::make_unique<relay>(std::any_cast<relay_config>(c), *s.long_term_key, s.dir);
  };
  return r;
}

role_info device_role() {
  role_info r;
  r.name = "messaging.device";
  r.summary = "a user's phone app: registers with an SMS code, checks safety numbers, sends and "
              "shows end-to-end encrypted messages";
  r.long_term_key = true; // the key pair the app makes; the directory copy is the out-of-band one
  r.kinds = messaging_kinds;
  r.options = {
    {"relay", "participant(messaging.relay)", "", "the relay it registers with"},
    {"phone", "string", "", "its phone number (the SMS gateway texts it)"},
    {"code_delay", "duration", "1s", "time the user takes to type the SMS code"},
    {"timeout", "duration", "5s", "wait for the relay to accept a message before sending it again"},
    {"retries", "integer", "6", "sends again (backing off 2x) before giving up with SendFailed"},
    {"verify_safety_numbers", "bool", "false",
     "compare each contact's key with the one exchanged out of band (its real key)"},
    {"verify_signatures", "bool", "true", "check session-key signatures and receipts"},
    {"check_macs", "bool", "true", "check each message's HMAC before decrypting"},
    {"check_replays", "bool", "true", "refuse a sequence number already shown"},
    {"check_gaps", "bool", "true", "refuse a message after a gap no eviction notice explains"},
    {"check_links", "bool", "true", "refuse relay packets whose link MAC does not verify"},
    {"block_mismatched_keys", "bool", "true",
     "never use a key that failed the safety-number check; its contact stays blocked until verify"},
    {"authenticate_first", "bool", "true",
     "check a message's MAC before acting on its sequence number (off: the seed's order)"},
  };
  // An insider device: a registered user sending as much as it likes to
  // another (explore's floods time it to land while the victim is offline).
  r.insider_commands = {
    {"send", {{"to", "{other}"}, {"text", "spam from {self}"}, {"count", "{count}"}}}};
  r.commands = {
    {"register",
     "register the phone and key with the relay (the SMS code confirms it)",
     "code",
     {{"code", "string", "the SMS code", "type this code instead of the SMS one"},
      {"code_delay", "duration", "code_delay", "time before typing the code"}}},
    {"reregister",
     "make a new key pair (a new phone) and register it",
     "code",
     {{"code", "string", "the SMS code", "type this code instead of the SMS one"},
      {"code_delay", "duration", "code_delay", "time before typing the code"}}},
    {"lookup",
     "ask the relay for a contact's key again",
     "contact",
     {{"contact", "participant(messaging.device)", "", "whose key"}}},
    {"verify",
     "compare a contact's key with the one exchanged out of band, now (lifts a block if it "
     "matches)",
     "contact",
     {{"contact", "participant(messaging.device)", "", "whose key"}}},
    {"send",
     "send end-to-end encrypted messages, one after another",
     "to",
     {{"to", "participant(messaging.device)", "", "the recipient"},
      {"text", "string", "hello", "the message (numbered when count > 1)"},
      {"count", "count", "1", "messages back to back (1..1000000)"}}},
  };
  r.parse = parse_device;
  r.public_values = [](const std::any& config) { // phone numbers are there to be called
    std::map<std::string, std::vector<std::string>> out;
    const auto& phone = std::any_cast<const device_config&>(config).phone;
    if (!phone.empty())
      out["phone"].push_back(phone);
    return out;
  };
  r.phone = [](const std::any& c) { return std::any_cast<const device_config&>(c).phone; };
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    auto made = std::make_unique<device>(std::any_cast<device_config>(c), *s.long_term_key, s.dir);
    made->make_keys_with(s.fresh_key);
    return made;
  };
  return r;
}

} // namespace

void register_roles(role_registry& r) {
  r.add(device_role());
  r.add(relay_role());
  r.add_analyzer(analyze);
  r.add_protocol(protocol());
  for (auto& s : schemas())
    r.add_schema(std::move(s));
}

} // namespace protobed::messaging
