// The run's trace: one record per packet decision, event and step, in the
// order they happened, virtual time first. Written as JSON lines; checks and
// reports read the same records. Thread-safe, so --real mode can share it.
#pragma once

#include <map>
#include <mutex>
#include <ostream>
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
  void event_recorded(sim_time t, const std::string& who, const event& e);

  /// A copy of every record so far.
  std::vector<trace_record> records() const;
  void write_jsonl(std::ostream& out) const;
  std::size_t size() const;
  /// How many events of this name were recorded so far (cheap: for progress).
  std::size_t event_count(const std::string& name) const;

private:
  void append(trace_record r);

  mutable std::mutex mutex_;
  std::vector<trace_record> records_;
  std::map<std::string, std::size_t> event_counts_;
};

} // namespace protobed
