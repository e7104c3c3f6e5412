// The micropayment roles as the scenario engine sees them: documented
// options, commands, and factories from options to cores.
#include <limits>
#include <set>

#include "actors/micropay/peer.hpp"
#include "actors/micropay/register.hpp"
#include "actors/micropay/schemas.hpp"
#include "actors/micropay/server.hpp"

namespace protobed::micropay {

namespace {

const std::vector<std::string> micropay_kinds = {
  kind::hello,  kind::welcome, kind::command, kind::reply,   kind::dial,
  kind::answer, kind::token,   kind::redeem,  kind::settled, kind::chat};

const std::vector<option_doc> account_schema = {
  {"name", "string", "", "the user name (it still has to REGISTER to bind its key)"},
  {"balance", "amount", "0", "opening balance in dollars"},
  {"participant", "participant(micropay.peer)", "the name",
   "the peer whose long-term key may REGISTER the name (check_owners)"},
};

/// The accounts, and in `owners` those whose `participant` is not the
/// participant of their own name.
std::vector<account_config> parse_accounts(const option_reader& o, const directory& dir,
                                           std::map<std::string, std::string>& owners) {
  std::vector<account_config> out;
  if (!o.has("accounts"))
    return out;
  const auto& accounts = o.need("accounts");
  if (!accounts.is_list())
    throw config_error(accounts.pos, "accounts must be a list of maps");
  std::set<std::string> names;
  std::int64_t total = 0;
  for (const auto& n : accounts.items) {
    option_reader a(n, "an account", account_schema);
    account_config c{a.str("name"), a.amount("balance", 0)};
    if (!valid_user_name(c.name))
      throw config_error(a.need("name").pos,
                         "an account name must be 1..32 letters, digits, '.', '_' or '-'");
    if (!names.insert(c.name).second)
      throw config_error(a.need("name").pos, "duplicate account '" + c.name + "'");
    if (a.has("participant"))
      owners[c.name] = participant_ref(a, "participant", dir, "micropay.peer");
    if (__builtin_add_overflow(total, c.balance, &total))
      throw config_error(n.pos, "the balances add up to more than " +
                                  std::to_string(std::numeric_limits<std::int64_t>::max()));
    out.push_back(c);
  }
  return out;
}

std::any parse_server(const option_reader& o, const directory& dir) {
  server_config c;
  c.accounts = parse_accounts(o, dir, c.owners);
  c.token_lifetime = o.positive_duration("token_lifetime", std::chrono::seconds(30));
  c.card_lifetime = o.positive_duration("card_lifetime", std::chrono::hours(1));
  c.freshness = o.positive_duration("freshness", std::chrono::seconds(30));
  c.max_amount = o.integer_in("max_amount", 1000000, 1, std::numeric_limits<std::int64_t>::max());
  c.check_credentials = o.flag("check_credentials", true);
  c.check_payer = o.flag("check_payer", true);
  c.check_amounts = o.flag("check_amounts", true);
  c.single_use_tokens = o.flag("single_use_tokens", true);
  c.check_replays = o.flag("check_replays", true);
  c.check_owners = o.flag("check_owners", true);
  return c;
}

std::any parse_peer(const option_reader& o, const directory& dir) {
  peer_config c;
  c.server = participant_ref(o, "server", dir, "micropay.server");
  c.user = o.str("user", "");
  if (c.user.size() > 32 || c.user.find('#') != std::string::npos)
    throw config_error(o.need("user").pos, "user must be 1..32 characters, no '#'");
  c.timeout = o.positive_duration("timeout", std::chrono::seconds(2));
  c.retries = o.integer_in("retries", 6, 0, 100);
  c.check_handshakes = o.flag("check_handshakes", true);
  c.verify_tokens = o.flag("verify_tokens", true);
  c.check_replays = o.flag("check_replays", true);
  c.bind_channels = o.flag("bind_channels", true);
  c.show_after_settlement = o.flag("show_after_settlement", true);
  return c;
}

role_info server_role() {
  role_info r;
  r.name = "micropay.server";
  r.summary = "the third-party payment server: accounts bound to keys, logins, the online list, "
              "single-use signed payment tokens";
  r.long_term_key = true;
  r.durable = true; // the ledger survives a crash
  r.kinds = micropay_kinds;
  r.options = {
    {"accounts", "list of accounts", "none",
     "name, opening balance and owning participant for each"},
    {"token_lifetime", "duration", "30s", "a token not redeemed by then expires back to the payer"},
    {"card_lifetime", "duration", "1h", "how long the card a login issues is valid"},
    {"freshness", "duration", "30s", "how old a hello may be"},
    {"max_amount", "integer", "1000000", "the largest amount one payment may move"},
    {"check_credentials", "bool", "true",
     "log a name in only over a channel signed by the key it registered"},
    {"check_payer", "bool", "true", "the payer of a PayRequest must be the logged-in user"},
    {"check_amounts", "bool", "true", "amounts must be whole numbers 1..max_amount"},
    {"single_use_tokens", "bool", "true", "settle each token once"},
    {"check_replays", "bool", "true",
     "refuse a record whose sequence number does not move forward, and a stale hello"},
    {"check_owners", "bool", "true",
     "register a listed account's name only over a channel signed by its participant's key"},
  };
  r.parse = parse_server;
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    return std::make_unique<server>(std::any_cast<server_config>(c), *s.long_term_key, s.dir);
  };
  return r;
}

/// What a peer the attacker controls may send on its own channel: a
/// payment from another's account or of an amount it makes up, a claim to
/// another's name, a login as another.
std::vector<insider_command> peer_insider_commands() {
  auto text = [](const char* t) { return insider_command{"command", {{"text", t}}}; };
  return {text("PayRequest#{other}#{amount}#{self}"), text("PayRequest#{self}#{amount}#{other}"),
          text("REGISTER#{other}"), text("{other}#{self}")};
}

std::vector<command_doc> peer_commands() {
  return {
    {"register", "REGISTER#<user>: bind the user name to this peer's key", "", {}},
    {"login", "<user>#<address>: log in; the answer is the balance and the online list", "", {}},
    {"list", "List: the balance and the online list", "", {}},
    {"exit", "Exit: log out", "", {}},
    {"command",
     "send any command text as typed (e.g. a PayRequest naming someone else as payer)",
     "text",
     {{"text", "string", "", "the command text"}}},
    {"pay",
     "PayRequest#<user>#<amount>#<to>, then hand the token to the payee",
     "to",
     {{"to", "string", "", "the payee's user name"},
      {"amount", "string", "1", "dollars, as typed (the server checks it)"},
      {"count", "count", "1", "payments one after another (1..1000000)"}}},
    {"chat",
     "send a line to another peer over a direct channel",
     "to",
     {{"to", "string", "", "the other peer's user name"}, {"text", "string", "hello", "the line"}}},
  };
}

role_info peer_role() {
  role_info r;
  r.name = "micropay.peer";
  r.summary = "a user's client: registers, logs in, pays other peers with server-signed tokens "
              "and chats with them";
  r.long_term_key = true;
  r.kinds = micropay_kinds;
  r.options = {
    {"server", "participant(micropay.server)", "", "the payment server"},
    {"user", "string", "its participant name", "the user name it registers and logs in as"},
    {"timeout", "duration", "2s", "wait for an answer before sending again (backs off 2x)"},
    {"retries", "integer", "6", "sends again before giving up with a named event"},
    {"check_handshakes", "bool", "true",
     "verify handshake signatures and the server-signed card of the other peer"},
    {"verify_tokens", "bool", "true", "accept only tokens the server signed, for this user"},
    {"check_replays", "bool", "true",
     "refuse a record whose sequence number does not move forward"},
    {"bind_channels", "bool", "true",
     "take a dial or answer only with a card for the address it came from; send a token or "
     "chat only on a channel whose card names the recipient"},
    {"show_after_settlement", "bool", "true",
     "show a payment as received only once the server confirmed it settled"},
  };
  r.commands = peer_commands();
  r.insider_commands = peer_insider_commands();
  r.parse = parse_peer;
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    auto cfg = std::any_cast<peer_config>(c);
    if (cfg.user.empty())
      cfg.user = s.name;
    return std::make_unique<peer>(std::move(cfg), *s.long_term_key, s.dir);
  };
  return r;
}

} // namespace

void register_roles(role_registry& r) {
  r.add(peer_role());
  r.add(server_role());
  r.add_protocol(protocol());
  for (auto& s : schemas())
    r.add_schema(std::move(s));
}

} // namespace protobed::micropay
