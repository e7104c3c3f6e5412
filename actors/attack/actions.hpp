// The attacker's scripted actions. Packet actions fire on packets the
// attacker intercepts, matched by link, kind and occurrence; timed actions
// (inject, compromise) fire at a point in time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/config.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/network.hpp"
#include "actors/runtime/schema.hpp"
#include "crypto/bytes.hpp"

namespace protobed::attack {

enum class action_type : std::uint8_t {
  observe,
  drop,
  delay,
  replay,
  tamper,
  inject,
  compromise,
  impersonate,
  substitute_key,
  forge
};
const char* to_string(action_type t);

/// Which intercepted packets an action takes: `occurrence` 0 = every match.
struct packet_match {
  link_filter on;
  std::uint64_t occurrence = 0;
};

/// Where a forged field's value comes from.
struct field_source {
  enum class from : std::uint8_t { literal, observed, matched, fresh, public_key };
  from type = from::literal;
  std::string value;     ///< literal: the value as text; public_key: whose key
  packet_match observed; ///< observed: the recorded packet (occurrence counts from 1)
  std::string field;     ///< observed, matched: the field of that packet to take
  source_pos pos;
};

struct action {
  action_type type = action_type::observe;
  packet_match match;         ///< packet actions; inject: the recorded packet to copy
  std::optional<sim_time> at; ///< timed actions
  sim_time by{0};             ///< delay: extra time; replay: time between copies
  std::uint32_t times = 1;    ///< replay: copies
  std::string from;           ///< replay/inject: claimed sender (default: the original's)
  std::string to;             ///< replay/inject: recipient (default: the original's)
  std::string kind;           ///< inject: packet kind (default: the original's)
  // tamper: at `offset` (negative counts from the end) XOR or overwrite bytes,
  // or flip one random byte.
  std::int64_t offset = 0;
  crypto::bytes xor_mask;
  crypto::bytes set;
  bool random = false;
  crypto::bytes raw;       ///< inject: literal bytes instead of a copy
  std::string participant; ///< compromise: whose long-term key is handed over
  std::string as;          ///< impersonate: in whose name to answer
  std::string sign_with;   ///< impersonate: sign with this participant's key (stolen); default own
  /// forge: the packet kind and its fields; impersonate: fields it sets (amount).
  std::map<std::string, field_source> fields;
  source_pos pos;
};

struct attacker_config {
  std::vector<link_filter> taps;
  std::vector<action> actions;
};

/// Parses the attacker role's options. Throws config_error.
attacker_config parse_attacker(const config_node& taps, const config_node* actions,
                               const directory& dir, const std::vector<message_schema>& schemas);

/// "alice->shop" (either side may be "*"), or "*" for every link.
link_filter parse_link(const config_node& n, const directory& dir);

} // namespace protobed::attack
