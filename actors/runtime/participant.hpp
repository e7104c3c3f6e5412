// The sans-IO interface every protocol role implements. A core holds protocol
// state and is driven by calls (a packet arrived, a timer fired, a scenario
// step commands it); it answers through its context with effects: packets to
// send, timers to set or cancel, events to record. It takes time and
// randomness from the context and does no I/O, so it runs unchanged in unit
// tests, in virtual time and on the real clock.
#pragma once

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "actors/runtime/event.hpp"
#include "actors/runtime/observation.hpp"
#include "actors/runtime/packet.hpp"
#include "actors/runtime/time.hpp"
#include "crypto/rng.hpp"

namespace protobed {

/// A scenario step addressed to one participant: `alice: {buy: book}` is
/// verb "buy" with args {item: book}.
struct command {
  std::string verb;
  std::map<std::string, std::string> args;

  std::string arg(const std::string& key, const std::string& fallback = {}) const {
    auto i = args.find(key);
    return i == args.end() ? fallback : i->second;
  }
};

struct outgoing {
  std::string to;
  std::string kind;
  std::vector<std::uint8_t> bytes;
  std::string from; ///< claimed sender; empty = the participant itself
};

/// A timer a core sets: what it is for and which instance ({"timeout", 3}
/// for purchase 3). Setting an id again re-arms it; the core gets the same
/// id back when it fires, never a string to parse.
struct timer_id {
  std::string purpose;
  std::uint64_t index = 0;

  bool operator<(const timer_id& o) const {
    return std::tie(purpose, index) < std::tie(o.purpose, o.index);
  }
  bool operator==(const timer_id& o) const {
    return purpose == o.purpose && index == o.index;
  }
  std::string text() const {
    return purpose + "." + std::to_string(index);
  }
};

struct timer_request {
  timer_id id;
  sim_time after;
};

/// Stateless work a core hands off (signing, verifying, opening): it reads
/// only what it captured and its own randomness, never the core's state, so
/// the shell may run it on another core. Its result comes back to the core
/// through on_work_done, under the id it was given.
using work_fn = std::function<std::any(crypto::rng&)>;

struct work_request {
  timer_id id;
  work_fn work;
};

/// Everything one call into a core asked for, in order.
struct effects {
  std::vector<outgoing> sends;
  std::vector<timer_request> timers;
  std::vector<timer_id> cancels;
  std::vector<event> events;
  std::vector<work_request> work;
};

/// What a core sees of the world during one call, and where its effects go.
class context {
public:
  context(const std::string& self, sim_time now, crypto::rng& r)
    : self_(self)
    , now_(now)
    , rng_(r) {}
  /// `self` is kept by reference: a temporary name would dangle.
  context(std::string&& self, sim_time now, crypto::rng& r) = delete;

  const std::string& self() const {
    return self_;
  }
  sim_time now() const {
    return now_;
  }
  crypto::rng& rng() {
    return rng_;
  }

  void send(std::string to, std::string kind, std::vector<std::uint8_t> bytes) {
    out_.sends.push_back({std::move(to), std::move(kind), std::move(bytes), {}});
  }
  /// Puts a packet on the wire in someone else's name (what an attacker on
  /// the path can do). The trace records who really sent it.
  void send_as(std::string from, std::string to, std::string kind,
               std::vector<std::uint8_t> bytes) {
    out_.sends.push_back({std::move(to), std::move(kind), std::move(bytes), std::move(from)});
  }
  /// (Re)arms timer `name`; a timer set again replaces the earlier one.
  void set_timer(timer_id id, sim_time after) {
    out_.timers.push_back({std::move(id), after});
  }
  void cancel_timer(timer_id id) {
    out_.cancels.push_back(std::move(id));
  }
  /// Runs `work` off the core (on the participant's workers, if it has any;
  /// otherwise right after this call) and hands the result to on_work_done.
  /// State the work depends on must be settled before: nothing else the
  /// core does waits for it.
  void offload(timer_id id, work_fn work) {
    out_.work.push_back({std::move(id), std::move(work)});
  }
  void emit(std::string name, std::vector<std::pair<std::string, std::string>> details = {}) {
    out_.events.push_back({std::move(name), std::move(details)});
  }

  effects& out() {
    return out_;
  }

private:
  const std::string& self_;
  sim_time now_;
  crypto::rng& rng_;
  effects out_;
};

/// The generator one piece of offloaded work uses, seeded from the
/// participant's own (so work is as reproducible as the participant).
std::unique_ptr<crypto::rng> work_rng(crypto::rng& parent);

class participant_core {
public:
  virtual ~participant_core() = default;

  virtual void on_start(context&) {}
  virtual void on_packet(const packet& p, context& ctx) = 0;
  virtual void on_timer(const timer_id& id, context& ctx);
  virtual void on_command(const command& c, context& ctx);
  /// `peer` became unreachable (offline window, crash) or reachable again
  /// (window over, restart). Cores that keep state for others (a relay
  /// holding messages) act on it; the default ignores it.
  virtual void on_peer_status(const std::string& peer, bool reachable, context& ctx);
  /// The result of work this core offloaded under `id`.
  virtual void on_work_done(const timer_id& id, std::any result, context& ctx);
  /// State for expectations and reports.
  virtual observation observe() const = 0;
};

} // namespace protobed
