// A parsed option tree with source positions: what a scenario file says about
// one participant, step or fault, independent of YAML. Roles read their
// options from it and report mistakes as config_error at the right place.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "actors/runtime/time.hpp"

namespace protobed {

/// 1-based line and column in the scenario file; 0 when unknown.
struct source_pos {
  int line = 0;
  int column = 0;
};

/// A mistake in a scenario, reported as "file:line:col: message".
class config_error : public std::runtime_error {
public:
  config_error(source_pos pos, const std::string& message)
    : std::runtime_error(message)
    , pos_(pos) {}
  source_pos pos() const noexcept {
    return pos_;
  }

private:
  source_pos pos_;
};

struct config_entry;

struct config_node {
  enum class type : std::uint8_t { null, scalar, list, map };

  type kind = type::null;
  std::string scalar;
  std::vector<config_node> items;    ///< list elements
  std::vector<config_entry> entries; ///< map entries, in file order
  source_pos pos;

  bool is_scalar() const {
    return kind == type::scalar;
  }
  bool is_list() const {
    return kind == type::list;
  }
  bool is_map() const {
    return kind == type::map;
  }
  const char* type_name() const;
  /// The entry's value for `key` in a map, or nullptr.
  const config_node* find(const std::string& key) const;

  static config_node make_scalar(std::string value, source_pos pos = {});
};

struct config_entry {
  std::string key;
  source_pos key_pos;
  config_node value;
};

/// Scalar conversions that throw config_error at the node's position.
std::string as_string(const config_node& n, const std::string& what);
std::int64_t as_int(const config_node& n, const std::string& what);
/// The longest duration a scenario may give (a year): products such as a
/// timeout backed off 16x stay far inside 64-bit nanoseconds.
inline constexpr sim_time max_duration = std::chrono::hours(8760);
/// The largest count a scenario may give (purchases, round trips, runs).
inline constexpr std::int64_t max_count = 1000000;

/// A count of things to do: an integer 1..max_count.
std::int64_t as_count(const config_node& n, const std::string& what);
/// An amount in the smallest currency unit: an integer >= 0.
std::int64_t as_amount(const config_node& n, const std::string& what);
bool as_bool(const config_node& n, const std::string& what);
sim_time as_duration(const config_node& n, const std::string& what);
double as_probability(const config_node& n, const std::string& what);

/// One documented option of a role (or of a step, fault or expectation).
struct option_doc {
  std::string name;
  std::string type; ///< "string", "amount", "duration", "bool", "participant(ecommerce.bank)" …
  std::string fallback; ///< default as text; "" = required
  std::string doc;
};

/// Reads a map of options against a schema: rejects keys the schema does not
/// name (with a did-you-mean) and required keys that are missing.
class option_reader {
public:
  option_reader(const config_node& map, std::string what, const std::vector<option_doc>& schema);

  bool has(const std::string& name) const;
  /// The node for a key, or nullptr when absent (after schema checks).
  const config_node* get(const std::string& name) const;
  /// The node for a required key; config_error if missing.
  const config_node& need(const std::string& name) const;

  std::string str(const std::string& name, const std::string& fallback) const;
  std::string str(const std::string& name) const;
  std::int64_t amount(const std::string& name, std::int64_t fallback) const;
  std::int64_t integer(const std::string& name, std::int64_t fallback) const;
  bool flag(const std::string& name, bool fallback) const;
  sim_time duration(const std::string& name, sim_time fallback) const;
  /// An integer that must lie in lo..hi ("name must be lo..hi" at its place).
  std::int64_t integer_in(const std::string& name, std::int64_t fallback, std::int64_t lo,
                          std::int64_t hi) const;
  /// A duration that must be above 0.
  sim_time positive_duration(const std::string& name, sim_time fallback) const;
  /// A duration that may be negative ("-20s": behind).
  sim_time signed_duration(const std::string& name, sim_time fallback) const;

  const std::string& what() const {
    return what_;
  }
  source_pos pos() const {
    return map_.pos;
  }

private:
  const config_node& map_;
  std::string what_;
};

} // namespace protobed
