// Time in protobed: nanoseconds since the start of a run, virtual in sim mode
// and real in --real mode. Cores only ever see this type.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace protobed {

using sim_time = std::chrono::nanoseconds;

/// Parses "250ms", "5s", "1.5s", "6min", "2h", "10us", "0"; nullopt otherwise.
std::optional<sim_time> parse_duration(std::string_view text);

/// The shortest exact form among h, min, s, ms, us, ns: "5s", "1500ms", "6min".
std::string format_duration(sim_time t);

/// Seconds with millisecond precision for reports: "12.345s".
std::string format_seconds(sim_time t);

} // namespace protobed
