#include "actors/micropay/workload.hpp"

#include <algorithm>
#include <sstream>
#include <thread>

#include "actors/runtime/time.hpp"

namespace protobed::micropay {

namespace {

std::string payer(std::size_t i) {
  return "p" + std::to_string(i);
}

std::string payee(std::size_t i) {
  return "q" + std::to_string(i);
}

std::size_t share(std::size_t n, std::size_t pairs, std::size_t i) {
  return n / pairs + (i < n % pairs ? 1 : 0);
}

} // namespace

std::string workload(const workload_options& o) {
  auto pairs = std::max<std::size_t>(1, std::min(o.clients, o.transactions));
  // Registration and login (two signed handshakes each) come first, outside
  // the measured window: payments start once every peer can be logged in.
  auto step_ms = std::max<std::size_t>(500, pairs * 2 * 10);
  auto timeout = o.timeout.value_or(std::chrono::seconds(60));
  std::ostringstream y, placement;
  y << "scenario: bench-micropay\n"
    << "description: \"" << o.transactions << " payments by " << pairs << " payer(s) to as many "
    << "payees, through one server\"\n"
    << "seed: " << o.seed << "\nmode: real\ntime_limit: 2h\nnetwork: {latency: 0}\n"
    << "participants:\n  server:\n    role: micropay.server\n    workers: "
    << std::clamp(std::thread::hardware_concurrency(), 1u, 64u)
    << "\n    token_lifetime: " << format_duration(timeout * 10) << "\n    accounts:\n";
  for (std::size_t i = 0; i < pairs; ++i)
    y << "      - {name: " << payer(i) << ", balance: " << share(o.transactions, pairs, i) << "}\n";
  for (std::size_t i = 0; i < pairs; ++i)
    for (const auto& name : {payer(i), payee(i)})
      y << "  " << name
        << ": {role: micropay.peer, server: server, timeout: " << format_duration(timeout) << "}\n";
  y << "steps:\n  - at: 0\n";
  for (std::size_t i = 0; i < pairs; ++i)
    y << "    " << payer(i) << ": {register: {}}\n    " << payee(i) << ": {register: {}}\n";
  y << "  - at: " << step_ms << "ms\n";
  for (std::size_t i = 0; i < pairs; ++i)
    y << "    " << payer(i) << ": {login: {}}\n    " << payee(i) << ": {login: {}}\n";
  y << "  - at: " << 2 * step_ms << "ms\n";
  for (std::size_t i = 0; i < pairs; ++i)
    y << "    " << payer(i) << ": {pay: {to: " << payee(i)
      << ", amount: \"1\", count: " << share(o.transactions, pairs, i) << "}}\n";
  y << "expect:\n  - invariant: money_conserved\n  - invariant: token_settled_at_most_once\n"
    << "  - invariant: no_unauthorised_payment\n  - invariant: reservations_resolved\n";
  if (o.placed) {
    y << "placement: {server: n1";
    for (std::size_t i = 0; i < pairs; ++i)
      y << ", " << payer(i) << ": n2, " << payee(i) << ": n3";
    y << "}\n";
  }
  return y.str();
}

} // namespace protobed::micropay
