// The run's trace: one record per packet decision, event and step, in the
// order they happened, virtual time first. Written as JSON lines; checks and
// reports read the same records. Thread-safe, so --real mode can share it.
//
// While the run goes, a record is kept as a compact entry (a packet's fate,
// an event as it was emitted); it becomes JSON only when read. Building JSON
// per packet cost the benchmarks more than routing the packet did.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <unordered_map>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/runtime/event.hpp"
#include "actors/runtime/network.hpp"
#include "actors/runtime/time.hpp"

namespace protobed {

/// Keys keep insertion order, so a record prints the same way every time.
using trace_record = nlohmann::ordered_json;

class trace {
public:
  void packet_routed(sim_time t, const route_result& r);
  void packet_flushed(sim_time t, const delivery& d);
  void packet_undeliverable(sim_time t, const packet& p);
  void event_recorded(sim_time t, const std::string& who, event e);

  /// Called with each record as it is appended (the live view), under the
  /// trace's lock: records arrive one at a time, in trace order. The listener
  /// must not call back into the trace.
  using listener = std::function<void(const trace_record&)>;
  void set_listener(listener l);

  /// A copy of every record so far.
  std::vector<trace_record> records() const;
  void write_jsonl(std::ostream& out) const;
  std::size_t size() const;
  /// How many events of this name were recorded so far (cheap: for progress).
  std::size_t event_count(const std::string& name) const;

  /// A name kept once per trace (participant, kind, fate); 0 is "".
  using name_id = std::uint32_t;

  /// A packet's fate as routed (or found undeliverable).
  struct packet_entry {
    std::uint64_t id = 0;
    name_id from = 0, to = 0, kind = 0, via = 0, fate = 0, by = 0;
    std::size_t bytes = 0;
    std::array<std::uint8_t, 8> digest{};
    std::vector<std::int64_t> deliver_at;
    std::optional<std::int64_t> hold_until;
    std::vector<std::uint64_t> releases;
    std::vector<std::uint32_t> rules; ///< fault rules that applied (indices)
    bool undeliverable = false;
  };
  struct release_entry {
    std::uint64_t id = 0;
    std::int64_t deliver_at = 0;
  };
  struct event_entry {
    name_id who = 0;
    event e;
  };
  struct entry {
    sim_time t;
    std::variant<packet_entry, release_entry, event_entry> what;
  };

private:
  void append(entry e);                    ///< mutex held
  name_id intern(const std::string& name); ///< mutex held
  void convert_new() const;                ///< entries not yet JSON into cache_ (mutex held)

  const entry& at(std::size_t i) const {
    return chunks_[i / chunk][i % chunk];
  }

  /// Entries in fixed-size chunks: appending never moves the ones kept.
  static constexpr std::size_t chunk = 4096;
  mutable std::mutex mutex_;
  std::vector<std::vector<entry>> chunks_;
  std::size_t size_ = 0;
  mutable std::vector<trace_record> cache_; ///< the first cache_.size() entries, as JSON
  std::map<std::string, std::size_t> event_counts_;
  listener listener_;
  /// Names by id, and ids by name: entries hold ids, so they stay small
  /// (a long run appends millions) and copy no strings.
  std::vector<std::string> names_{""};
  std::unordered_map<std::string, name_id> name_ids_{{"", 0}};
};

} // namespace protobed
