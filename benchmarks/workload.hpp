// The built-in e-commerce workload for `protobed bench ecommerce`, written as
// an ordinary scenario so that it runs through the same director, network
// and participants as every other run.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace protobed::bench {

struct workload_options {
  std::size_t transactions = 200;
  std::size_t clients = 8;    ///< closed model: concurrent clients, back to back
  std::optional<double> rate; ///< open model: purchases started per second
  bool key_pool = true;       ///< pre-generate each client's session keys
  unsigned session_key_bits = 2048;
  std::uint64_t seed = 1;
  bool placed = false; ///< add placement: bank+sms on n1, shop n2, clients n3
};

std::string ecommerce_workload(const workload_options& o);

/// Two echo participants bouncing `round_trips` packets: no cryptography.
std::string echo_workload(std::size_t round_trips);

} // namespace protobed::bench
