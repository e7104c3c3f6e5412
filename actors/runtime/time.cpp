#include "actors/runtime/time.hpp"

#include <cmath>
#include <cstdio>
#include <utility>

namespace protobed {

namespace {

struct unit {
  const char* name;
  std::int64_t ns;
};

// Longest suffixes first so "ms" is not read as "s".
constexpr unit units[] = {{"min", 60'000'000'000},  {"ms", 1'000'000},   {"us", 1'000}, {"ns", 1},
                          {"h", 3'600'000'000'000}, {"s", 1'000'000'000}};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::optional<double> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 32)
    return std::nullopt;
  bool dot = false;
  for (char c : s) {
    if (c == '.' && !dot)
      dot = true;
    else if (c < '0' || c > '9')
      return std::nullopt;
  }
  if (s.front() == '.' || s.back() == '.')
    return std::nullopt;
  return std::stod(std::string(s));
}

} // namespace

std::optional<sim_time> parse_duration(std::string_view text) {
  if (text == "0")
    return sim_time{0};
  for (const auto& u : units) {
    if (!ends_with(text, u.name))
      continue;
    auto n = parse_number(text.substr(0, text.size() - std::char_traits<char>::length(u.name)));
    if (!n)
      return std::nullopt;
    double ns = *n * static_cast<double>(u.ns);
    if (ns > 9.2e18) // beyond int64 nanoseconds (~292 years)
      return std::nullopt;
    return sim_time{static_cast<std::int64_t>(std::llround(ns))};
  }
  return std::nullopt;
}

std::string format_duration(sim_time t) {
  auto ns = t.count();
  if (ns == 0)
    return "0s";
  constexpr std::pair<const char*, std::int64_t> order[] = {
    {"h", 3'600'000'000'000}, {"min", 60'000'000'000}, {"s", 1'000'000'000},
    {"ms", 1'000'000},        {"us", 1'000},           {"ns", 1}};
  for (const auto& [name, size] : order)
    if (ns % size == 0)
      return std::to_string(ns / size) + name;
  return std::to_string(ns) + "ns";
}

std::string format_seconds(sim_time t) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%.3fs", static_cast<double>(t.count()) / 1e9);
  return buf;
}

} // namespace protobed
