#include "actors/runtime/config.hpp"

#include <charconv>

#include "actors/runtime/suggest.hpp"

namespace protobed {

const char* config_node::type_name() const {
  switch (kind) {
    case type::null:
      return "nothing";
    case type::scalar:
      return "a scalar";
    case type::list:
      return "a list";
    case type::map:
      return "a map";
  }
  return "?";
}

const config_node* config_node::find(const std::string& key) const {
  for (const auto& e : entries)
    if (e.key == key)
      return &e.value;
  return nullptr;
}

config_node config_node::make_scalar(std::string value, source_pos pos) {
  config_node n;
  n.kind = type::scalar;
  n.scalar = std::move(value);
  n.pos = pos;
  return n;
}

std::string as_string(const config_node& n, const std::string& what) {
  if (!n.is_scalar())
    throw config_error(n.pos, what + " must be a string, not " + n.type_name());
  return n.scalar;
}

std::int64_t as_int(const config_node& n, const std::string& what) {
  auto s = as_string(n, what);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range)
    throw config_error(n.pos, what + " '" + s + "' is out of range");
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty())
    throw config_error(n.pos, what + " must be an integer, not '" + s + "'");
  return v;
}

std::int64_t as_count(const config_node& n, const std::string& what) {
  auto v = as_int(n, what);
  if (v < 1 || v > max_count)
    throw config_error(n.pos, what + " must be a count from 1 to " + std::to_string(max_count) +
                                ", not " + std::to_string(v));
  return v;
}

std::int64_t as_amount(const config_node& n, const std::string& what) {
  auto v = as_int(n, what);
  if (v < 0)
    throw config_error(n.pos, what + " must not be negative (got " + std::to_string(v) + ")");
  return v;
}

bool as_bool(const config_node& n, const std::string& what) {
  auto s = as_string(n, what);
  if (s == "true")
    return true;
  if (s == "false")
    return false;
  throw config_error(n.pos, what + " must be true or false, not '" + s + "'");
}

sim_time as_duration(const config_node& n, const std::string& what) {
  auto s = as_string(n, what);
  auto d = parse_duration(s);
  if (!d)
    throw config_error(n.pos, what + " must be a duration like 500ms, 5s or 6min, not '" + s + "'");
  // A bound that keeps every product the engine forms (a timeout backed off
  // 16x, a window added to a time) far inside 64-bit nanoseconds.
  if (*d > max_duration)
    throw config_error(n.pos, what + " must be at most 8760h (a year), not '" + s + "'");
  return *d;
}

double as_probability(const config_node& n, const std::string& what) {
  auto s = as_string(n, what);
  try {
    std::size_t used = 0;
    double p = std::stod(s, &used);
    if (used == s.size() && p >= 0 && p <= 1)
      return p;
  } catch (const std::exception&) {
  }
  throw config_error(n.pos, what + " must be a probability between 0 and 1, not '" + s + "'");
}

option_reader::option_reader(const config_node& map, std::string what,
                             const std::vector<option_doc>& schema)
  : map_(map)
  , what_(std::move(what)) {
  if (map.kind == config_node::type::null)
    return;
  if (!map.is_map())
    throw config_error(map.pos, what_ + " must be a map of options, not " + map.type_name());
  std::vector<std::string> names;
  for (const auto& o : schema)
    names.push_back(o.name);
  for (const auto& e : map.entries) {
    bool known = false;
    for (const auto& n : names)
      known = known || n == e.key;
    if (!known)
      throw config_error(e.key_pos, "unknown option '" + e.key + "' for " + what_ +
                                      did_you_mean(e.key, names));
  }
  for (const auto& o : schema)
    if (o.fallback.empty() && !map.find(o.name))
      throw config_error(map.pos, what_ + " needs option '" + o.name + "' (" + o.doc + ")");
}

bool option_reader::has(const std::string& name) const {
  return map_.is_map() && map_.find(name) != nullptr;
}

const config_node* option_reader::get(const std::string& name) const {
  return map_.is_map() ? map_.find(name) : nullptr;
}

const config_node& option_reader::need(const std::string& name) const {
  if (auto n = get(name))
    return *n;
  throw config_error(map_.pos, what_ + " needs option '" + name + "'");
}

std::string option_reader::str(const std::string& name, const std::string& fallback) const {
  auto n = get(name);
  return n ? as_string(*n, name) : fallback;
}

std::string option_reader::str(const std::string& name) const {
  return as_string(need(name), name);
}

std::int64_t option_reader::amount(const std::string& name, std::int64_t fallback) const {
  auto n = get(name);
  return n ? as_amount(*n, name) : fallback;
}

std::int64_t option_reader::integer(const std::string& name, std::int64_t fallback) const {
  auto n = get(name);
  return n ? as_int(*n, name) : fallback;
}

bool option_reader::flag(const std::string& name, bool fallback) const {
  auto n = get(name);
  return n ? as_bool(*n, name) : fallback;
}

sim_time option_reader::duration(const std::string& name, sim_time fallback) const {
  auto n = get(name);
  return n ? as_duration(*n, name) : fallback;
}

std::int64_t option_reader::integer_in(const std::string& name, std::int64_t fallback,
                                       std::int64_t lo, std::int64_t hi) const {
  auto v = integer(name, fallback);
  if (v < lo || v > hi)
    throw config_error(need(name).pos,
                       name + " must be " + std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

sim_time option_reader::signed_duration(const std::string& name, sim_time fallback) const {
  auto n = get(name);
  if (!n)
    return fallback;
  if (n->is_scalar() && n->scalar.size() > 1 && n->scalar[0] == '-') {
    auto behind = *n;
    behind.scalar.erase(0, 1);
    return -as_duration(behind, name);
  }
  return as_duration(*n, name);
}

sim_time option_reader::positive_duration(const std::string& name, sim_time fallback) const {
  auto d = duration(name, fallback);
  if (d.count() <= 0)
    throw config_error(need(name).pos, name + " must be above 0");
  return d;
}

} // namespace protobed
