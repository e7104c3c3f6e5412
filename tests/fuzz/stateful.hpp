// Stateful fuzzing, the same for every protocol: a world (participants in a
// core_harness with fixed keys and a scripted run) plays to a point the first
// input byte picks, the input from its third byte on arrives as a packet on a
// hop (kind, sender, receiver) the second byte picks — put on the wire by
// "fuzz" in the sender's name — and the run plays to its end. At that point
// every participant's random stream is replaced: the input may replay or
// change what was sent before it (as an attacker on the wire can), but not
// predict what the fixed seed would have made the participants send later. Then nothing
// may have crashed and every invariant of the protocol must hold over the
// harness's trace, as the engine would judge a run. The points and hops are
// learnt from one honest run of the world, so a protocol lists neither.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "actors/runtime/ground_truth.hpp"
#include "crypto/hash.hpp"
#include "crypto/rsa.hpp"
#include "tests/support/core_harness.hpp"

namespace protobed::fuzz {

/// One 1024-bit key per name, the same every run, made once per process: a
/// world uses these instead of making keys per input.
inline const crypto::rsa_private_key& fixed_key_of(const std::string& name) {
  static std::map<std::string, crypto::rsa_private_key> keys;
  auto i = keys.find(name);
  if (i == keys.end()) {
    auto r = crypto::rng::deterministic(10, "fuzz-stateful." + name);
    i = keys.emplace(name, crypto::rsa_private_key::generate(r, 1024)).first;
  }
  return i->second;
}

struct hop {
  std::string kind, from, to;
  bool operator<(const hop& o) const {
    return std::tie(kind, from, to) < std::tie(o.kind, o.from, o.to);
  }
};

/// A protocol's world: `make` builds the participants and schedules the
/// honest run; `invariants` are the protocol's own.
struct stateful_world {
  std::function<std::shared_ptr<test::core_harness>()> make;
  std::vector<invariant_info> invariants;
};

/// A packet of the honest run: its hop (index), when it was sent, its bytes.
struct sent_packet {
  std::size_t hop = 0;
  sim_time at{};
  std::vector<std::uint8_t> bytes;
};

/// Every world's run ends here, honest or fuzzed.
inline constexpr sim_time stateful_horizon = std::chrono::minutes(10);

/// What one honest run of a world shows: its hops, the points just before
/// each delivery (to stop at), every packet (for seeds), and when each
/// 16-byte window of their bytes was first sent (for `foreknown`).
struct stateful_plan {
  std::vector<hop> hops;
  std::vector<sim_time> points;
  std::vector<sent_packet> packets;
  std::map<std::string, sim_time> first_sent;
};

inline constexpr std::size_t window_bytes = 16;

inline std::string window_at(const std::uint8_t* p) {
  return std::string(reinterpret_cast<const char*>(p), window_bytes);
}

inline stateful_plan plan_of(const stateful_world& w) {
  auto h = w.make();
  h->run(stateful_horizon);
  std::set<hop> hops;
  std::set<sim_time> points;
  for (const auto& r : h->records())
    if (is_packet(r)) {
      hops.insert({text_of(r, "kind"), text_of(r, "from"), text_of(r, "to")});
      points.insert(sim_time{r["t"].get<std::int64_t>()} - std::chrono::microseconds(500));
    }
  stateful_plan plan{{hops.begin(), hops.end()}, {points.begin(), points.end()}, {}};
  for (const auto& r : h->records())
    if (is_packet(r)) {
      hop x{text_of(r, "kind"), text_of(r, "from"), text_of(r, "to")};
      auto i = static_cast<std::size_t>(std::lower_bound(plan.hops.begin(), plan.hops.end(), x) -
                                        plan.hops.begin());
      // The harness delivers 1 ms after the send.
      auto sent = sim_time{r["t"].get<std::int64_t>()} - std::chrono::milliseconds(1);
      for (const auto& p : h->sent(x.kind))
        if (p.id == r["id"].get<std::uint64_t>())
          plan.packets.push_back({i, sent, p.bytes});
    }
  for (const auto& p : plan.packets)
    for (std::size_t i = 0; i + window_bytes <= p.bytes.size(); ++i) {
      auto [at, fresh] = plan.first_sent.try_emplace(window_at(p.bytes.data() + i), p.at);
      if (!fresh && p.at < at->second)
        at->second = p.at;
    }
  // An input picks a point and a hop with one byte each; the run must end.
  if (plan.points.size() > 256 || plan.hops.size() > 256 ||
      (!plan.points.empty() && plan.points.back() >= stateful_horizon))
    throw std::logic_error("a stateful world needs at most 256 points and hops, within 10 min");
  return plan;
}

/// The world is deterministic, so a seed could hold what the participants
/// will send after the point — a signature or MAC no attacker can have yet.
/// An input that holds 16 bytes found only in packets sent after `point`
/// (and in none sent before) is such foreknowledge, not an attack.
inline bool foreknown(const stateful_plan& plan, sim_time point, const std::uint8_t* data,
                      std::size_t size) {
  for (std::size_t i = 0; i + window_bytes <= size; ++i) {
    auto first = plan.first_sent.find(window_at(data + i));
    if (first != plan.first_sent.end() && first->second > point)
      return true;
  }
  return false;
}

/// Every invariant that fails over the harness's run, one line each.
inline std::vector<std::string> broken(const stateful_world& w, const test::core_harness& h,
                                       const std::map<std::string, observation>& initial) {
  auto final = h.observations();
  std::vector<std::string> out;
  for (const auto& inv : w.invariants) {
    auto v = inv.check(run_facts{h.records(), initial, final});
    if (!v.held)
      out.push_back(inv.name + ": " + v.observed);
  }
  return out;
}

/// A world played with one input: the harness after the run, and the
/// participants as built (for the invariants).
struct played {
  std::shared_ptr<test::core_harness> h;
  std::map<std::string, observation> initial;
};

/// Plays the world to point `point` (an index, taken modulo), puts `bytes`
/// on the wire on hop `hop` (likewise) and plays on to the end.
inline played play_input(const stateful_world& w, const stateful_plan& plan, std::size_t point,
                         std::size_t hop, std::vector<std::uint8_t> bytes) {
  played out{w.make(), {}};
  out.initial = out.h->observations();
  auto at = plan.points[point % plan.points.size()];
  out.h->run(at);
  // A stream of its own per input: what the participants make after the
  // point is neither the honest run's nor the same across inputs.
  out.h->reseed("after-input." + crypto::to_hex(crypto::sha256(bytes)));
  const auto& to = plan.hops[hop % plan.hops.size()];
  // At the point itself: before the delivery it precedes.
  out.h->inject(packet{0, to.from, to.to, to.kind, std::move(bytes), "fuzz"}, at);
  out.h->run(stateful_horizon);
  return out;
}

/// One fuzz input against the world (see the top of this file).
inline int play(const stateful_world& w, const stateful_plan& plan, const std::uint8_t* data,
                std::size_t size) {
  if (size < 2 || plan.points.empty() || plan.hops.empty())
    return 0;
  if (foreknown(plan, plan.points[data[0] % plan.points.size()], data + 2, size - 2))
    return 0;
  auto run = play_input(w, plan, data[0], data[1], {data + 2, data + size});
  auto failed = broken(w, *run.h, run.initial);
  if (std::getenv("PROTOBED_FUZZ_TRACE")) // the run, to read how a crash came about
    for (const auto& r : run.h->records())
      std::fprintf(stderr, "%s\n", r.dump().c_str());
  for (const auto& line : failed)
    std::fprintf(stderr, "invariant broken: %s\n", line.c_str());
  if (!failed.empty())
    __builtin_trap();
  return 0;
}

} // namespace protobed::fuzz
