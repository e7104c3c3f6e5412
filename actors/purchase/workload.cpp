#include "actors/purchase/workload.hpp"

#include <algorithm>
#include <sstream>
#include <thread>

#include "actors/runtime/time.hpp"

namespace protobed::purchase {

namespace {

std::size_t share(std::size_t n, std::size_t customers, std::size_t i) {
  return n / customers + (i < n % customers ? 1 : 0);
}

} // namespace

std::string workload(const workload_options& o) {
  auto customers = std::max<std::size_t>(1, std::min(o.clients, o.transactions));
  // Logins (an envelope for the OPD and a scrypt check each) come first,
  // outside the measured window; orders start once every customer can be in.
  auto step_ms = std::max<std::size_t>(1000, customers * 60);
  auto timeout = o.timeout.value_or(std::chrono::seconds(60));
  auto cores = std::clamp(std::thread::hardware_concurrency(), 1u, 64u);
  std::ostringstream y;
  y << "scenario: bench-purchase\n"
    << "description: \"" << o.transactions << " orders signed with " << o.signature << " by "
    << customers << " customer(s), one OPD on " << cores << " worker(s)\"\n"
    << "seed: " << o.seed << "\nmode: real\ntime_limit: 2h\nnetwork: {latency: 0}\n"
    << "participants:\n  opd:\n    role: purchase.opd\n    workers: " << cores
    << "\n    mail_server: mail\n    freshness: " << format_duration(timeout * 10)
    << "\n    max_quantity: 1\n    stock: {book: " << o.transactions << "}\n    customers:\n";
  for (std::size_t i = 0; i < customers; ++i)
    y << "      - {id: c" << i << ", password: \"pw" << i << "\"}\n";
  y << "  mail: {role: mail_server}\n";
  for (std::size_t i = 0; i < customers; ++i)
    y << "  c" << i << ": {role: purchase.customer, opd: opd, password: \"pw" << i
      << "\", signature: " << o.signature << ", timeout: " << format_duration(timeout) << "}\n";
  y << "steps:\n  - at: 0\n";
  for (std::size_t i = 0; i < customers; ++i)
    y << "    c" << i << ": {login: {}}\n";
  y << "  - at: " << step_ms << "ms\n";
  for (std::size_t i = 0; i < customers; ++i)
    y << "    c" << i << ": {order: {item: book, count: " << share(o.transactions, customers, i)
      << "}}\n";
  y << "expect:\n  - invariant: stock_never_negative\n  - invariant: order_processed_at_most_once\n"
    << "  - invariant: receipt_matches_order\n  - invariant: mail_matches_outcome\n"
    << "  - invariant: no_unauthorised_order\n  - invariant: login_accepted_once\n";
  if (o.placed) {
    y << "placement: {opd: n1, mail: n1";
    for (std::size_t i = 0; i < customers; ++i)
      y << ", c" << i << (i % 2 ? ": n3" : ": n2");
    y << "}\n";
  }
  return y.str();
}

} // namespace protobed::purchase
