// The network's decisions, without CAF: for each packet, which faults apply,
// when (and how often) it is delivered, and what its fate was. The network
// actor carries these decisions out; tests drive this class directly.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/config.hpp"
#include "actors/runtime/packet.hpp"
#include "actors/runtime/time.hpp"
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

enum class fault_type : std::uint8_t { drop, delay, duplicate, reorder, corrupt };
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
  std::uint32_t burst = 1;            ///< drop: once it fires, this many matching packets in a row
  sim_time jitter{0};                 ///< delay: plus a uniform random extra in [0, jitter]
  std::uint32_t bytes = 1;            ///< corrupt: random bytes to flip
  source_pos pos;                     ///< where the scenario declared it
};

/// [from, until); no `until` = to the end of the run.
struct time_window {
  sim_time from{0};
  std::optional<sim_time> until;
  bool contains(sim_time t) const {
    return t >= from && (!until || t < *until);
  }
};

/// Participants cut off from everyone else for a while, then healed.
struct partition_rule {
  std::vector<std::string> side;
  time_window when;
};

/// A participant unreachable for a while: offline (a phone out of coverage)
/// or crashed (its process is down; timers lost, state lost or kept).
struct outage {
  std::string participant;
  time_window when;
  bool crash = false;
  bool keep_state = false; ///< crash: restart with the state it had
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
  /// How long a packet may wait in its recipient's input queue before it is
  /// shed unread: overload becomes named failures, never unbounded memory.
  sim_time queue_delay_limit = std::chrono::seconds(10);
  std::vector<link_latency> links;
  std::vector<fault_rule> faults;
  std::vector<tap> taps;
  std::vector<partition_rule> partitions;
  std::vector<outage> outages;
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
  std::vector<std::uint32_t> rules;   ///< the fault rules that applied (indices into `faults`)
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
    std::uint32_t burst_left = 0;
  };
  struct held {
    packet p;
    std::string link;
  };

  bool fires(std::size_t rule, const packet& p);
  /// "offline", "crashed" or "partitioned" if the packet cannot travel now.
  std::string unreachable(const packet& p, sim_time now) const;
  void corrupt(packet& p, std::uint32_t bytes);
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
