#include "actors/messaging/workload.hpp"

#include <algorithm>
#include <sstream>

#include "actors/runtime/time.hpp"

namespace protobed::messaging {

namespace {

std::string sender(std::size_t i) {
  return "s" + std::to_string(i);
}

std::string recipient(std::size_t i) {
  return "r" + std::to_string(i);
}

std::size_t share(std::size_t n, std::size_t pairs, std::size_t i) {
  return n / pairs + (i < n % pairs ? 1 : 0);
}

} // namespace

std::string workload(const workload_options& o) {
  auto pairs = std::max<std::size_t>(1, std::min(o.clients, o.transactions));
  // Registration (and the key pairs the run makes) comes first, outside the
  // measured window: messages start once every device can have registered.
  auto start_ms = std::max<std::size_t>(1000, pairs * 2 * 20);
  std::ostringstream y, placement;
  y << "scenario: bench-messaging\n"
    << "description: \"" << o.transactions << " messages by " << pairs << " sender(s) to as many "
    << "recipients, through one relay\"\n"
    << "seed: " << o.seed << "\nmode: real\ntime_limit: 2h\nnetwork: {latency: 0}\n"
    << "participants:\n  relay: {role: messaging.relay, otp_provider: sms}\n"
    << "  sms: {role: otp_provider}\n";
  for (std::size_t i = 0; i < pairs; ++i)
    for (const auto& name : {sender(i), recipient(i)})
      y << "  " << name << ": {role: messaging.device, relay: relay, phone: \"+"
        << 300000000 + (name[0] == 's' ? 0 : 500000) + i << "\", code_delay: 0, timeout: "
        << format_duration(o.timeout.value_or(std::chrono::seconds(60))) << "}\n";
  y << "steps:\n  - at: 0\n";
  for (std::size_t i = 0; i < pairs; ++i)
    y << "    " << sender(i) << ": {register: {}}\n    " << recipient(i) << ": {register: {}}\n";
  y << "  - at: " << start_ms << "ms\n";
  for (std::size_t i = 0; i < pairs; ++i)
    y << "    " << sender(i) << ": {send: {to: " << recipient(i)
      << ", text: \"a message of about sixty-four bytes, as chat messages often are\", count: "
      << share(o.transactions, pairs, i) << "}}\n";
  y << "expect:\n  - invariant: no_forgery\n  - invariant: no_silent_loss\n"
    << "  - invariant: delivered_in_order\n";
  if (o.placed) {
    y << "placement: {relay: n1, sms: n1";
    for (std::size_t i = 0; i < pairs; ++i)
      y << ", " << sender(i) << ": n2, " << recipient(i) << ": n3";
    y << "}\n";
  }
  return y.str();
}

} // namespace protobed::messaging
