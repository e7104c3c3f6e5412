// The purchase-order roles as the scenario engine sees them: documented
// options, commands, and factories from options to cores.
#include <set>

#include "actors/purchase/customer.hpp"
#include "actors/purchase/opd.hpp"
#include "actors/purchase/register.hpp"
#include "crypto/password.hpp"

namespace protobed::purchase {

namespace {

const std::vector<std::string> purchase_kinds = {kind::login,
                                                 kind::welcome,
                                                 kind::order,
                                                 kind::receipt,
                                                 services::mail_kind::hello,
                                                 services::mail_kind::submit,
                                                 services::mail_kind::ack};

const std::vector<option_doc> customer_account_schema = {
  {"id", "string", "", "the customer ID it logs in with"},
  {"participant", "participant(purchase.customer)", "the id",
   "the customer whose signing key is on file for this account"},
  {"password", "string", "", "its password (the OPD keeps only a salted scrypt hash)"},
  {"email", "string", "<id>@example.com", "where the OPD mails it"},
};

/// The OPD's disk: where its order book lies between a crash and the
/// restart. A run's first build of the OPD puts a new book on it; a rebuild
/// after a crash that lost the OPD's memory finds that book again (with
/// durable_orders; without, it starts a new one, as a lost disk would).
struct opd_disk {
  std::shared_ptr<order_book> book;
};

/// The accounts as the scenario states them; the password is hashed when
/// the OPD is built.
struct opd_options {
  opd_config cfg;
  std::vector<std::string> passwords; ///< beside cfg.customers, in order
  std::uint64_t password_cost = 16384;
  std::shared_ptr<opd_disk> disk = std::make_shared<opd_disk>();
};

void parse_customers(const option_reader& o, const directory& dir, opd_options& out) {
  const auto& list = o.need("customers");
  if (!list.is_list() || list.items.empty())
    throw config_error(list.pos, "customers must be a list of accounts (id, password, …)");
  std::set<std::string> ids;
  for (const auto& n : list.items) {
    option_reader a(n, "a customer account", customer_account_schema);
    customer_account c;
    c.id = a.str("id");
    if (c.id.empty() || c.id.size() > max_text)
      throw config_error(a.need("id").pos, "a customer id must be 1..256 characters");
    if (!ids.insert(c.id).second)
      throw config_error(a.need("id").pos, "duplicate customer id '" + c.id + "'");
    c.participant =
      a.has("participant") ? participant_ref(a, "participant", dir, "purchase.customer") : c.id;
    if (!a.has("participant") && dir.role_of(c.id) != "purchase.customer")
      throw config_error(a.need("id").pos, "customer '" + c.id +
                                             "' is not a purchase.customer participant: say "
                                             "which one holds its key with participant:");
    c.email = a.str("email", c.id + "@example.com");
    out.cfg.customers.push_back(c);
    out.passwords.push_back(a.str("password"));
  }
}

void parse_stock(const option_reader& o, opd_config& c) {
  const auto& stock = o.need("stock");
  if (!stock.is_map() || stock.entries.empty())
    throw config_error(stock.pos, "stock must be a map of item: quantity with at least one item");
  for (const auto& e : stock.entries)
    c.stock[e.key] = as_amount(e.value, "stock of '" + e.key + "'");
}

std::any parse_opd(const option_reader& o, const directory& dir) {
  opd_options out;
  auto& c = out.cfg;
  parse_customers(o, dir, out);
  parse_stock(o, c);
  c.mail.server = participant_ref(o, "mail_server", dir, "mail_server");
  c.mail.timeout = o.positive_duration("mail_timeout", std::chrono::seconds(2));
  c.mail.retries = static_cast<int>(o.integer_in("mail_retries", 10, 0, 1000));
  c.freshness = o.positive_duration("freshness", std::chrono::seconds(30));
  c.session_lifetime = o.positive_duration("session_lifetime", std::chrono::hours(1));
  c.max_failures = static_cast<int>(o.integer_in("max_failures", 3, 0, 1000));
  c.lock_time = o.positive_duration("lock_time", std::chrono::seconds(60));
  c.limit_senders = o.flag("limit_senders", true);
  c.sender_failures = static_cast<int>(o.integer_in("sender_failures", 10, 1, 100000));
  c.max_quantity = o.integer_in("max_quantity", 1000, 1, 1000000000);
  auto cost = o.integer_in("password_cost", 16384, 1024, 1 << 20);
  if ((cost & (cost - 1)) != 0)
    throw config_error(o.need("password_cost").pos, "password_cost must be a power of two");
  out.password_cost = static_cast<std::uint64_t>(cost);
  c.check_signatures = o.flag("check_signatures", true);
  c.key_on_file = o.flag("key_on_file", true);
  c.check_freshness = o.flag("check_freshness", true);
  c.check_nonces = o.flag("check_nonces", true);
  c.check_sessions = o.flag("check_sessions", true);
  c.check_replays = o.flag("check_replays", true);
  c.check_stock = o.flag("check_stock", true);
  c.durable_orders = o.flag("durable_orders", true);
  c.answer_unknown = o.flag("answer_unknown", true);
  c.skew_margin = o.flag("skew_margin", true);
  return out;
}

/// The order book the OPD starts with: a new one at the run's first build
/// (the engine builds with setup randomness only then); at a rebuild after
/// a crash, the one on disk if the orders are durable.
std::shared_ptr<order_book> mount_book(const opd_options& in, const role_setup& s) {
  bool first_build = s.setup_rng != nullptr;
  if (first_build || !in.cfg.durable_orders || !in.disk->book) {
    in.disk->book = std::make_shared<order_book>(in.cfg, *s.long_term_key, s.dir);
    in.disk->book->replaced_lost = !first_build; // a new book at a rebuild: the old one is lost
  }
  return in.disk->book;
}

std::unique_ptr<participant_core> build_opd(const std::any& config, const role_setup& s) {
  auto in = std::any_cast<opd_options>(config);
  auto book = mount_book(in, s);
  // A restart that lost state hashes again, with fresh salts: nothing of
  // the hashes reaches the trace.
  auto fallback = crypto::rng::os();
  auto& r = s.setup_rng ? *s.setup_rng : fallback;
  auto hash = [&](const std::string& password) {
    auto h = crypto::hash_password(r, password, {in.password_cost, 8, 1});
    return h ? *h : std::string("unusable");
  };
  for (std::size_t i = 0; i < in.cfg.customers.size(); ++i)
    in.cfg.customers[i].password_hash = hash(in.passwords[i]);
  in.cfg.decoy_hash = hash(crypto::to_hex(r.generate(16)));
  return std::make_unique<opd>(std::move(in.cfg), *s.long_term_key, s.dir, std::move(book));
}

role_info opd_role() {
  role_info r;
  r.name = "purchase.opd";
  r.summary = "the order processing department: logins against salted scrypt hashes, signed "
              "orders checked against the key on file, stock, receipts and shipping mail";
  r.long_term_key = true;
  r.durable = true; // a crash keeps it all; with state: lost, durable_orders keeps the book
  r.disk_apart = true;
  r.public_values = [](const std::any& config) {
    std::map<std::string, std::vector<std::string>> out;
    const auto& cfg = std::any_cast<const opd_options&>(config).cfg;
    for (const auto& [item, count] : cfg.stock)
      out["order.item"].push_back(item);
    for (const auto& account : cfg.customers)
      out["to_address"].push_back(account.email);
    return out;
  };
  r.kinds = purchase_kinds;
  r.options = {
    {"customers", "list of accounts", "", "id, password, email and participant for each"},
    {"stock", "map item: quantity", "", "what is in stock"},
    {"mail_server", "participant(mail_server)", "", "where shipping mail goes"},
    {"freshness", "duration", "30s", "how far an order's or login's signed time may be from ours"},
    {"session_lifetime", "duration", "1h", "how long a login lasts"},
    {"max_failures", "integer", "3", "wrong passwords in a row before the account locks; 0: never"},
    {"lock_time", "duration", "60s", "how long a locked account stays locked"},
    {"sender_failures", "integer", "10",
     "with limit_senders: new logins from one sender within lock_time that did not log in "
     "before it is not heard"},
    {"max_quantity", "integer", "1000", "the largest quantity one order may ask for"},
    {"password_cost", "integer", "16384", "scrypt N (a power of two) for the stored hashes"},
    {"mail_timeout", "duration", "2s", "resend a mail the server has not acknowledged by then"},
    {"mail_retries", "integer", "10", "resends before MailFailed"},
    {"check_signatures", "bool", "true", "verify each order's signature"},
    {"key_on_file", "bool", "true",
     "verify with the customer's key on file and refuse an order that carries a key; off: use "
     "the key the order carries (the seed's way)"},
    {"check_freshness", "bool", "true", "the order's signed time must be inside the window"},
    {"check_nonces", "bool", "true",
     "process each (customer, nonce) once; a resend gets the "
     "recorded receipt"},
    {"check_sessions", "bool", "true", "an order must come in a logged-in session of its customer"},
    {"check_replays", "bool", "true",
     "refuse a record whose sequence number does not move forward, a stale login, and a login "
     "taken before (kept in the order book while fresh) or signed too close to a restart that "
     "lost the book"},
    {"check_stock", "bool", "true", "never ship more than is in stock"},
    {"durable_orders", "bool", "true",
     "the order book (stock, every decision, the mail outbox, wrong passwords and locks) is on "
     "disk: a restart with state lost keeps it, so stock is never recreated, numbers go on and a "
     "guesser gets no fresh tries; off: it starts a new book"},
    {"answer_unknown", "bool", "true",
     "answer an order signed before the OPD's book was opened (one a lost book may have "
     "shipped) as unknown; off: refuse it"},
    {"limit_senders", "bool", "true",
     "drop, before opening it (LoginThrottled), a login from a sender with sender_failures new "
     "logins within lock_time that did not log in: a flood costs no RSA decryption nor scrypt"},
    {"skew_margin", "bool", "true",
     "a book that replaced a lost one also counts as before it what was signed within freshness "
     "after it opened (a clock ahead): such orders unknown, such logins refused; off: only what "
     "was signed before it opened"},
  };
  r.parse = parse_opd;
  r.build = build_opd;
  return r;
}

std::any parse_customer(const option_reader& o, const directory& dir) {
  customer_config c;
  c.opd = participant_ref(o, "opd", dir, "purchase.opd");
  c.id = o.str("id", "");
  c.password = o.str("password", "");
  c.timeout = o.positive_duration("timeout", std::chrono::seconds(2));
  c.retries = static_cast<int>(o.integer_in("retries", 6, 0, 100));
  c.verify_receipts = o.flag("verify_receipts", true);
  c.carry_key = o.flag("carry_key", false);
  c.clock_offset = o.signed_duration("clock_offset", sim_time{});
  auto scheme = o.str("signature", "rsa");
  if (scheme != "rsa" && scheme != "dsa")
    throw config_error(o.need("signature").pos, "signature must be rsa or dsa");
  return std::make_pair(c, scheme == "dsa");
}

role_info customer_role() {
  role_info r;
  r.name = "purchase.customer";
  r.summary = "a customer: logs in with ID and password, places orders signed with RSA-PSS or "
              "DSA, checks the OPD's signed receipts";
  r.long_term_key = true;
  r.kinds = purchase_kinds;
  r.options = {
    {"opd", "participant(purchase.opd)", "", "the order processing department"},
    {"id", "string", "its participant name", "the customer ID it logs in with"},
    {"password", "string", "\"\"", "its password"},
    {"signature", "rsa | dsa", "rsa", "sign orders with RSA-PSS (its long-term key) or DSA"},
    {"timeout", "duration", "2s",
     "wait for an answer before sending again (order waits back off 2x)"},
    {"retries", "integer", "6", "sends again before giving up with a named event"},
    {"verify_receipts", "bool", "true", "accept only receipts the OPD signed, for the order sent"},
    {"carry_key", "bool", "false", "put its public key in each order, as the seed did"},
    {"clock_offset", "duration", "0s", "how far its clock is off (negative: behind)"},
  };
  r.commands = {
    {"login",
     "log in with the customer ID and password (inside an envelope for the OPD)",
     "password",
     {{"password", "string", "its password option", "the password to try"},
      {"id", "string", "its id", "the customer ID to log in as"}}},
    {"order",
     "sign and send an order; the next starts when the last is answered",
     "item",
     {{"item", "string", "", "what to buy"},
      {"quantity", "amount", "1", "how many"},
      {"count", "count", "1", "orders one after another (1..1000000)"}}},
  };
  r.signature = [](const std::any& c) {
    return std::any_cast<std::pair<customer_config, bool>>(c).second
             ? crypto::signature_scheme::dsa
             : crypto::signature_scheme::rsa_pss;
  };
  r.parse = parse_customer;
  r.credentials = [](const std::any& c, const std::string& name) {
    const auto& cfg = std::any_cast<const std::pair<customer_config, bool>&>(c).first;
    return std::map<std::string, std::string>{{"customer", cfg.id.empty() ? name : cfg.id},
                                              {"password", cfg.password}};
  };
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    auto cfg = std::any_cast<std::pair<customer_config, bool>>(c).first;
    if (cfg.id.empty())
      cfg.id = s.name;
    return std::make_unique<customer>(std::move(cfg), *s.signing_key, s.dir);
  };
  return r;
}

} // namespace

void register_roles(role_registry& r) {
  r.add(customer_role());
  r.add(opd_role());
  r.add_protocol(protocol());
  for (auto& s : schemas())
    r.add_schema(std::move(s));
}

} // namespace protobed::purchase
