// Runs protocol cores together in one process without CAF: a tiny event loop
// that carries out their effects (packets with 1 ms latency, timers,
// events). Tests use it to run both peers of a protocol and to tamper with,
// drop or replay packets on the wire.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "actors/runtime/directory.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/runtime/trace.hpp"
#include "crypto/rsa.hpp"

namespace protobed::test {

class core_harness {
public:
  explicit core_harness(std::uint64_t seed = 1);

  directory dir;

  /// A long-term key for `name`, published in the directory (cached per name).
  crypto::rsa_private_key long_term_key(const std::string& name);
  /// Gives `name` this key instead of a made one (fuzz targets: no keygen per input).
  void use_key(const std::string& name, crypto::rsa_private_key key);
  void add(const std::string& name, std::unique_ptr<participant_core> core);
  participant_core& core(const std::string& name);

  void command(const std::string& name, command c, sim_time at);
  /// Plays until nothing is left or `limit` is reached.
  void run(sim_time limit = std::chrono::hours(1));

  /// Sees every packet before delivery: may change it; false drops it.
  std::function<bool(packet&)> on_wire;
  /// Tells every other core at `at` that `who` went offline or came back.
  void set_reachable(const std::string& who, bool reachable, sim_time at);
  /// Gives every participant a new random stream from now on (its name and
  /// `label`): what they send later cannot be known from an earlier run.
  void reseed(const std::string& label);
  /// Inject a packet as if the network carried it (attackers, replays).
  void inject(packet p, sim_time at);

  std::size_t count(const std::string& who, const std::string& event_name) const;
  /// The details of the last event of this name at `who` (empty if none).
  std::map<std::string, std::string> last(const std::string& who,
                                          const std::string& event_name) const;
  const std::vector<std::pair<std::string, event>>& events() const {
    return events_;
  }
  std::vector<packet> sent(const std::string& kind) const;
  /// The run so far in the engine's trace format, for invariants to judge:
  /// every event, and every packet when it reaches its recipient's side (its
  /// id, digest, `via`, fate; `t` is the delivery time, 1 ms after the send,
  /// unlike the engine's record made at the send). A packet still in flight
  /// when the run stops has no record.
  const std::vector<trace_record>& records() const {
    return records_;
  }
  /// Every participant's observation of itself now.
  std::map<std::string, observation> observations() const;
  sim_time now() const {
    return now_;
  }

private:
  struct item {
    sim_time at;
    std::uint64_t seq;
    std::function<void()> action;
    bool operator>(const item& o) const {
      return at != o.at ? at > o.at : seq > o.seq;
    }
  };
  struct member {
    std::unique_ptr<participant_core> core;
    std::unique_ptr<crypto::rng> rng;
    std::map<timer_id, std::uint64_t> timers;
  };

  void schedule(sim_time at, std::function<void()> action);
  template <class F>
  void call(const std::string& name, F&& f);
  void apply(const std::string& name, effects& fx);
  void record_packet(const packet& p, const char* fate);

  std::uint64_t seed_;
  std::uint64_t seq_ = 0;
  std::uint64_t next_packet_ = 1;
  std::uint64_t next_generation_ = 1;
  sim_time now_{0};
  std::priority_queue<item, std::vector<item>, std::greater<item>> queue_;
  std::map<std::string, member> members_;
  std::map<std::string, crypto::rsa_private_key> keys_;
  std::vector<std::pair<std::string, event>> events_;
  std::vector<packet> wire_;
  std::vector<trace_record> records_;
};

} // namespace protobed::test
