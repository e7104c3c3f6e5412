#include "actors/ecommerce/workload.hpp"

#include <cstdio>
#include <sstream>

#include "actors/runtime/time.hpp"

namespace protobed::ecommerce {

namespace {

std::string client_name(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "c%05zu", i);
  return buf;
}

std::string card(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "4111%012zu", i);
  return buf;
}

/// How many purchases client i makes so that they add up to n.
std::size_t share(std::size_t n, std::size_t clients, std::size_t i) {
  return n / clients + (i < n % clients ? 1 : 0);
}

} // namespace

std::string workload(const workload_options& o) {
  auto clients = std::max<std::size_t>(1, std::min(o.clients, o.transactions));
  std::ostringstream y;
  y << "scenario: bench-ecommerce\n"
    << "description: \"" << o.transactions << " purchases by " << clients << " clients ("
    << (o.rate ? "open model" : "closed model") << ")\"\n"
    << "seed: " << o.seed
    << "\nmode: real\ntime_limit: 2h\nnetwork: {latency: 0"
    // With a client timeout, a packet that waited a fifth of it is shed: work
    // for a client that already gave up only delays the others.
    << (o.timeout ? ", queue_delay_limit: " + format_duration(*o.timeout / 5) : std::string{})
    << "}\n"
    << "participants:\n  bank:\n    role: ecommerce.bank\n    otp_provider: sms\n"
    // Every client buys back to back with one card: no limit on codes per hour.
    << "    otp_issue_limit: 0\n"
    << "    accounts:\n";
  for (std::size_t i = 0; i < clients; ++i)
    y << "      - {holder: " << client_name(i) << ", card: \"" << card(i)
      << "\", expiry: \"12/29\", phone: \"+" << 400000000 + i << "\", balance: 1000000000}\n";
  y << "      - {holder: shop, balance: 0}\n"
    << "  shop: {role: ecommerce.merchant, bank: bank, catalogue: {book: 25}}\n"
    << "  sms: {role: otp_provider}\n";
  for (std::size_t i = 0; i < clients; ++i) {
    auto purchases =
      o.rate ? (o.transactions + clients - 1) / clients : share(o.transactions, clients, i);
    y << "  " << client_name(i) << ": {role: ecommerce.client, merchant: shop, bank: bank, card: \""
      << card(i) << "\", expiry: \"12/29\", phone: \"+" << 400000000 + i
      << "\", otp_entry_delay: 0, timeout: "
      << format_duration(o.timeout.value_or(std::chrono::seconds(60)))
      << (o.timeout ? ", resolution_retries: 2" : "")
      << ", session_key_bits: " << o.session_key_bits
      << ", session_key_pool: " << (o.key_pool ? purchases : 0) << "}\n";
  }
  y << "steps:\n";
  if (o.rate) { // open model: arrivals every 1/rate seconds, round robin
    for (std::size_t k = 0; k < o.transactions; ++k)
      y << "  - {at: " << static_cast<long long>(k * 1e6 / *o.rate) << "us, "
        << client_name(k % clients) << ": {buy: book}}\n";
  } else { // closed model: each client buys back to back
    y << "  - at: 0\n";
    for (std::size_t i = 0; i < clients; ++i)
      y << "    " << client_name(i)
        << ": {buy: {item: book, count: " << share(o.transactions, clients, i) << "}}\n";
  }
  y << "expect:\n  - invariant: money_conserved\n  - invariant: charged_at_most_once\n";
  if (o.placed) {
    y << "placement: {bank: n1, sms: n1, shop: n2";
    for (std::size_t i = 0; i < clients; ++i)
      y << ", " << client_name(i) << ": n3";
    y << "}\n";
  }
  return y.str();
}

} // namespace protobed::ecommerce
