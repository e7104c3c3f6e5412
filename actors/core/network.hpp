// The network's decisions, without CAF: for each packet, which faults apply,
// when (and how often) it is delivered, and what its fate was. The network
// actor carries these decisions out; tests drive this class directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/core/config.hpp"
#include "actors/core/packet.hpp"
#include "actors/core/time.hpp"
#include "crypto/rng.hpp"

namespace protobed {

/// Which packets a rule applies to; "*" matches anything.
struct link_filter {
  std::string from = "*";
  std::string to = "*";
  std::string kind = "*";

  bool matches(const packet& p) const;
  std::string describe() const; ///< "bank->shop ecommerce.bank_reply"
};

enum class fault_type : std::uint8_t { drop, delay, duplicate, reorder };
const char* to_string(fault_type t);

struct fault_rule {
  fault_type type = fault_type::drop;
  link_filter on;
  std::uint64_t after = 0;            ///< let this many matching packets pass first
  std::optional<std::uint64_t> count; ///< apply at most this often (default: always)
  double probability = 1.0;           ///< chance to apply to each matching packet
  sim_time delay{0};                  ///< delay: extra time; reorder: longest hold (default 1s)
  std::uint32_t copies = 1;           ///< duplicate: extra copies
  sim_time spacing{0};                ///< duplicate: each copy this much after the previous one
  source_pos pos;                     ///< where the scenario declared it
};

/// An attacker's tap: matching packets go to `attacker` instead of their
/// recipient; what the attacker puts back on the wire is not tapped again by it.
struct tap {
  link_filter on;
  std::string attacker;
};

/// Link latency: a default, overridden per link.
struct link_latency {
  link_filter on;
  sim_time latency{0};
};

struct network_config {
  sim_time latency = std::chrono::milliseconds(1);
  std::vector<link_latency> links;
  std::vector<fault_rule> faults;
  std::vector<tap> taps;
};

/// One copy of a packet to hand over at absolute time `at` to `target`
/// (the recipient, or the attacker that intercepts it).
struct delivery {
  packet p;
  sim_time at;
  std::string target;
};

struct route_result {
  packet p;                           ///< the packet, id assigned
  std::string fate;                   ///< "delivered", "dropped", "delayed+duplicated" …
  std::vector<delivery> deliveries;   ///< of this packet and of held ones it releases
  std::optional<sim_time> hold_until; ///< reordered: flush by then if nothing overtakes
};

class network_core {
public:
  network_core(network_config cfg, crypto::rng r);

  /// Decides the fate of a packet sent at `now`.
  route_result route(packet p, sim_time now);
  /// Releases a held packet whose hold expired, if it is still held.
  std::optional<delivery> flush(std::uint64_t id, sim_time now);

  /// A fresh packet id, for packets that never reach routing (no recipient).
  std::uint64_t take_id() {
    return next_id_++;
  }

private:
  struct rule_state {
    std::uint64_t matched = 0;
    std::uint64_t applied = 0;
  };
  struct held {
    packet p;
    std::string link;
  };

  bool fires(std::size_t rule, const packet& p);
  const tap* tapped_by(const packet& p) const;

public:
  /// Whether an attacker's tap takes this packet (even to a recipient that does not exist).
  bool tapped(const packet& p) const {
    return tapped_by(p) != nullptr;
  }

private:
  sim_time latency_of(const packet& p) const;
  void release_held(const std::string& link, sim_time after, route_result& r);

  network_config cfg_;
  crypto::rng rng_;
  std::vector<rule_state> state_;
  std::vector<held> held_; ///< in hold order
  std::uint64_t next_id_ = 1;
};

} // namespace protobed
