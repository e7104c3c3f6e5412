// The e-commerce roles as the scenario engine sees them: documented options,
// commands, and factories from options to cores.
#include <limits>
#include <set>

#include "actors/ecommerce/analysis.hpp"
#include "actors/ecommerce/bank.hpp"
#include "actors/ecommerce/client.hpp"
#include "actors/ecommerce/forgery.hpp"
#include "actors/ecommerce/merchant.hpp"
#include "actors/ecommerce/register.hpp"
#include "actors/ecommerce/schemas.hpp"

namespace protobed::ecommerce {

namespace {

const std::vector<std::string> ecommerce_kinds = {
  kind::otp_request, kind::otp_reply,     kind::setup,           kind::setup_reply,
  kind::pm_po,       kind::pm_forward,    kind::bank_reply,      kind::outcome,
  kind::resolve,     kind::resolve_reply, kind::merchant_resolve};

const std::vector<option_doc> account_schema = {
  {"holder", "string", "", "account holder: a client's or merchant's participant name"},
  {"card", "string", "none", "card number; accounts without one only receive payments"},
  {"expiry", "string", "none", "card expiry, e.g. \"12/29\""},
  {"phone", "string", "none", "phone that receives this card's OTPs"},
  {"balance", "amount", "0", "opening balance in the smallest currency unit"},
};

account parse_account(const config_node& n, std::set<std::string>& holders,
                      std::set<std::string>& cards) {
  option_reader o(n, "an account", account_schema);
  account a{o.str("holder"), o.str("card", ""), o.str("expiry", ""), o.str("phone", ""),
            o.amount("balance", 0)};
  if (!holders.insert(a.holder).second)
    throw config_error(o.need("holder").pos, "duplicate account holder '" + a.holder + "'");
  if (!a.card.empty() && !cards.insert(a.card).second)
    throw config_error(o.need("card").pos, "duplicate card '" + a.card + "'");
  if (!a.card.empty() && a.expiry.empty())
    throw config_error(n.pos, "account '" + a.holder + "' has a card but no expiry");
  return a;
}

/// The client's and the merchant's resolution: how long to wait, how often to ask.
void parse_resolution(const option_reader& o, sim_time& timeout, std::int64_t& retries) {
  timeout = o.duration("timeout", std::chrono::seconds(5));
  if (timeout.count() <= 0)
    throw config_error(o.need("timeout").pos, "timeout must be above 0");
  retries = o.integer("resolution_retries", 8);
  if (retries < 0 || retries > 100)
    throw config_error(o.need("resolution_retries").pos, "resolution_retries must be 0..100");
}

std::any parse_bank(const option_reader& o, const directory& dir) {
  bank_config c;
  const auto& accounts = o.need("accounts");
  if (!accounts.is_list())
    throw config_error(accounts.pos, "accounts must be a list of maps");
  std::set<std::string> holders, cards;
  std::int64_t total = 0;
  for (const auto& a : accounts.items) {
    c.accounts.push_back(parse_account(a, holders, cards));
    if (__builtin_add_overflow(total, c.accounts.back().balance, &total))
      throw config_error(a.pos, "the accounts' balances add up to more than " +
                                  std::to_string(std::numeric_limits<std::int64_t>::max()) +
                                  ": money could not be counted");
  }
  c.otp_provider = participant_ref(o, "otp_provider", dir, "otp_provider");
  c.otp.lifetime = o.duration("otp_lifetime", std::chrono::minutes(5));
  auto attempts = o.integer("otp_attempts", 3);
  if (attempts < 1 || attempts > 100)
    throw config_error(o.need("otp_attempts").pos, "otp_attempts must be 1..100");
  c.otp.max_attempts = static_cast<unsigned>(attempts);
  c.verify_signatures = o.flag("verify_signatures", true);
  c.check_otp = o.flag("check_otp", true);
  c.unique_tids = o.flag("unique_tids", true);
  c.unique_nonces = o.flag("unique_nonces", true);
  c.bind_resolution = o.flag("bind_resolution", true);
  c.per_merchant_tids = o.flag("per_merchant_tids", true);
  c.otp_failure_budget = o.integer("otp_failure_budget", 100);
  if (c.otp_failure_budget < 0 || c.otp_failure_budget > 100)
    throw config_error(o.need("otp_failure_budget").pos,
                       "otp_failure_budget must be 0..100 (0: no budget)");
  c.otp_issue_limit = o.integer("otp_issue_limit", 5);
  if (c.otp_issue_limit < 0 || c.otp_issue_limit > 1000)
    throw config_error(o.need("otp_issue_limit").pos, "otp_issue_limit must be 0..1000 (0: none)");
  c.otp_issue_window = o.duration("otp_issue_window", std::chrono::hours(1));
  if (c.otp_issue_window.count() <= 0)
    throw config_error(o.need("otp_issue_window").pos, "otp_issue_window must be above 0");
  return c;
}

std::any parse_merchant(const option_reader& o, const directory& dir) {
  merchant_config c;
  c.bank = participant_ref(o, "bank", dir, "ecommerce.bank");
  const auto& cat = o.need("catalogue");
  if (!cat.is_map() || cat.entries.empty())
    throw config_error(cat.pos, "catalogue must be a map of item: price with at least one item");
  for (const auto& e : cat.entries) {
    auto price = as_amount(e.value, "price of '" + e.key + "'");
    if (price == 0)
      throw config_error(e.value.pos, "price of '" + e.key + "' must be above 0");
    c.catalogue[e.key] = price;
  }
  c.verify_signatures = o.flag("verify_signatures", true);
  c.check_tid = o.flag("check_tid", true);
  c.resolve = o.flag("resolve", true);
  parse_resolution(o, c.timeout, c.resolution_retries);
  return c;
}

std::any parse_client(const option_reader& o, const directory& dir) {
  client_config c;
  c.merchant = participant_ref(o, "merchant", dir, "ecommerce.merchant");
  c.bank = participant_ref(o, "bank", dir, "ecommerce.bank");
  c.card = o.str("card");
  c.expiry = o.str("expiry");
  c.phone = o.str("phone", "");
  parse_resolution(o, c.timeout, c.resolution_retries);
  c.otp_entry_delay = o.duration("otp_entry_delay", std::chrono::seconds(1));
  auto bits = o.integer("session_key_bits", 2048);
  if (bits != 1024 && bits != 2048 && bits != 3072 && bits != 4096)
    throw config_error(o.need("session_key_bits").pos,
                       "session_key_bits must be 1024, 2048, 3072 or 4096");
  c.session_key_bits = static_cast<unsigned>(bits);
  c.verify_signatures = o.flag("verify_signatures", true);
  c.session_key_pool = o.integer("session_key_pool", 0);
  if (c.session_key_pool < 0 || c.session_key_pool > 100000)
    throw config_error(o.need("session_key_pool").pos, "session_key_pool must be 0..100000");
  c.match_sms_reference = o.flag("match_sms_reference", true);
  c.check_amount = o.flag("check_amount", true);
  c.max_amount = o.amount("max_amount", 100000);
  return c;
}

role_info bank_role() {
  role_info r;
  r.kinds = ecommerce_kinds;
  r.name = "ecommerce.bank";
  r.durable = true;
  r.summary = "issues OTPs, decides payments atomically, answers resolution requests";
  r.long_term_key = true;
  r.options = {
    {"accounts", "list of accounts", "", "holder, card, expiry, phone, balance for each"},
    {"otp_provider", "participant(otp_provider)", "", "the SMS gateway that texts OTPs"},
    {"otp_lifetime", "duration", "5min", "how long an OTP stays valid"},
    {"otp_attempts", "integer", "3", "wrong OTPs allowed before the code is destroyed"},
    {"verify_signatures", "bool", "true",
     "check the client's PM signature and the merchant's claim"},
    {"check_otp", "bool", "true", "check the PM's OTP against the code issued"},
    {"unique_tids", "bool", "true", "refuse a PM whose tid was already decided"},
    {"unique_nonces", "bool", "true", "refuse a replayed OTP request (its nonce was seen)"},
    {"bind_resolution", "bool", "true",
     "a resolution must carry the merchant's signed tid statement naming the requester's key"},
    {"per_merchant_tids", "bool", "true",
     "outcomes are recorded per (merchant, tid): a merchant's resolution touches only its own "
     "tids"},
    {"otp_failure_budget", "integer", "100",
     "consecutive wrong codes per card, across codes, before the card is locked (0: none)"},
    {"otp_issue_limit", "integer", "5", "codes a card may be sent per otp_issue_window (0: none)"},
    {"otp_issue_window", "duration", "1h", "the window of otp_issue_limit"},
  };
  r.parse = parse_bank;
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    return std::make_unique<bank>(std::any_cast<bank_config>(c), *s.long_term_key, s.dir);
  };
  return r;
}

role_info merchant_role() {
  role_info r;
  r.kinds = ecommerce_kinds;
  r.name = "ecommerce.merchant";
  r.summary = "opens transactions (signed tid), checks POs, forwards PMs, relays outcomes";
  r.long_term_key = true;
  r.public_values = [](const std::any& config) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [item, price] : std::any_cast<const merchant_config&>(config).catalogue)
      out["item"].push_back(item);
    return out;
  };
  r.options = {
    {"bank", "participant(ecommerce.bank)", "", "the bank that holds the merchant's account"},
    {"catalogue", "map item: price", "", "what the merchant sells, prices in the smallest unit"},
    {"verify_signatures", "bool", "true", "check the client's PO signature and the bank's outcome"},
    {"check_tid", "bool", "true", "accept a PO only for an open tid of this merchant"},
    {"resolve", "bool", "true", "ask the bank when its answer to a forwarded PM does not come"},
    {"timeout", "duration", "5s", "wait for the bank's answer before asking"},
    {"resolution_retries", "integer", "8", "further attempts, backing off 2x each"},
  };
  r.parse = parse_merchant;
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    return std::make_unique<merchant>(std::any_cast<merchant_config>(c), *s.long_term_key, s.dir);
  };
  return r;
}

role_info client_role() {
  role_info r;
  r.kinds = ecommerce_kinds;
  r.name = "ecommerce.client";
  r.summary = "buys with card + OTP; resolves with the bank on timeout";
  r.options = {
    {"merchant", "participant(ecommerce.merchant)", "", "where the client shops"},
    {"bank", "participant(ecommerce.bank)", "", "the bank that issued the card"},
    {"card", "string", "", "card number"},
    {"expiry", "string", "", "card expiry"},
    {"phone", "string", "none", "the phone that receives OTPs"},
    {"timeout", "duration", "5s", "wait for an outcome before asking the bank (resolution)"},
    {"resolution_retries", "integer", "8",
     "further resolution attempts, backing off 2x each (up to 16x timeout)"},
    {"otp_entry_delay", "duration", "1s", "time the user takes to read and type the OTP"},
    {"session_key_bits", "integer", "2048", "size of the fresh RSA session key per purchase"},
    {"verify_signatures", "bool", "true", "check the merchant's tid and the bank's outcome"},
    {"session_key_pool", "integer", "0", "session keys made at start, each used once (benchmarks)"},
    {"match_sms_reference", "bool", "true",
     "use an SMS code only for the purchase its reference names, and only once"},
    {"check_amount", "bool", "true",
     "refuse a quoted amount other than the buy's price (or above max_amount, or not above 0)"},
    {"max_amount", "amount", "100000", "the most a purchase without a price may cost"},
  };
  r.commands = {
    {"buy",
     "start a purchase",
     "item",
     {{"item", "string", "", "catalogue item"},
      {"price", "amount", "none (max_amount)", "the price the user saw and agrees to"},
      {"amount", "amount", "catalogue price", "pay this amount instead"},
      {"otp", "string", "the SMS code", "type this code instead of the SMS one"},
      {"card", "string", "its own card", "type this card number instead (someone else's)"},
      {"expiry", "string", "its own card's", "and this expiry"},
      {"otp_delay", "duration", "otp_entry_delay", "time before typing the code"},
      {"count", "count", "1", "purchases back to back, each after the last ends (1..1000000)"}}}};
  r.parse = parse_client;
  // What a phished client gives away: its card. An insider client (the
  // attacker's own, with its own card and phone) may type another's card
  // and guess the code texted to the other's phone.
  r.credentials = [](const std::any& c, const std::string&) {
    const auto& cfg = std::any_cast<const client_config&>(c);
    return std::map<std::string, std::string>{{"card", cfg.card}, {"expiry", cfg.expiry}};
  };
  r.insider_commands = {{"buy",
                         {{"item", "{public.item}"},
                          {"card", "{other.card}"},
                          {"expiry", "{other.expiry}"},
                          {"otp", "{guess}"},
                          {"count", "{count}"}}}};
  r.phone = [](const std::any& c) { return std::any_cast<const client_config&>(c).phone; };
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    auto made = std::make_unique<client>(std::any_cast<client_config>(c), s.dir, s.setup_rng);
    made->make_keys_with(s.fresh_key);
    return made;
  };
  return r;
}

} // namespace

void register_roles(role_registry& r) {
  r.add(client_role());
  r.add(merchant_role());
  r.add(bank_role());
  r.add_analyzer(analyze);
  r.add_forger(make_forger());
  r.add_protocol(protocol());
  for (auto& s : schemas())
    r.add_schema(std::move(s));
}

} // namespace protobed::ecommerce
