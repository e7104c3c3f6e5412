// What a protocol registers beyond its roles: its invariants (checked over a
// finished run's trace), the events that start and end one transaction (for
// bench figures and per-step times), which events a picture should show as
// detections or outcomes, and a benchmark workload. The engine knows a
// protocol only through this and the roles.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/runtime/ground_truth.hpp"

namespace protobed {

/// One protocol step's duration: from the first of `from` to the first of
/// `to` within the same transaction.
struct step_def {
  std::string name;
  std::vector<std::string> from;
  std::vector<std::string> to;
};

/// Work a participant does once before its transactions can start (a
/// device's registration): from its first `start` event to its first `end`.
/// Benchmarks report it beside the window, not in it.
struct setup_def {
  std::string name; ///< "registration"
  std::string start;
  std::string end;
};

/// How a transaction shows in the trace. It starts with event `start` at its
/// initiator, which names it by detail `key` (unique per initiator), and ends
/// with the initiator's first `end` event, whose detail `outcome` equals
/// `success` when it succeeded. Other participants' events name it by detail
/// `alias` (e.g. a tid), learned from an initiator event that carries both.
struct transaction_def {
  std::string start;
  std::string end;
  std::string key;
  std::string alias;
  std::string outcome = "outcome";
  std::string success;
  std::vector<step_def> steps;
  std::optional<setup_def> setup;
};

/// Which events a sequence diagram colours as detections (a check refused
/// something) and as outcomes (a transaction was decided or learned).
struct diagram_hints {
  std::set<std::string> detections;
  std::set<std::string> outcomes;
};

/// The knobs of a protocol's built-in benchmark workload.
struct workload_options {
  std::size_t transactions = 200;
  std::size_t clients = 8;    ///< closed model: concurrent initiators, back to back
  std::optional<double> rate; ///< open model: transactions started per second
  bool key_pool = true;       ///< per-transaction keys made before the run
  unsigned session_key_bits = 2048;
  std::uint64_t seed = 1;
  bool placed = false; ///< add a placement over nodes n1, n2, n3
  /// How long an initiator waits before giving up or resolving; also bounds
  /// its retries (overload runs use it to bound the work in flight).
  std::optional<std::chrono::nanoseconds> timeout;
  /// For protocols whose initiators choose how they sign (purchase): "rsa" or "dsa".
  std::string signature = "rsa";
};

/// One hop of a protocol: a packet kind, the role that sends it and the role
/// that receives it, in protocol order (the attack matrix has a row per hop).
struct hop_doc {
  std::string kind;
  std::string from_role;
  std::string to_role;
  std::string summary;
};

/// `protobed new <protocol>`: the smallest scenario that runs one
/// transaction. The command writes it out with the registry's docs (roles,
/// options, commands, invariants) as comments.
struct starter_def {
  struct participant {
    std::string name;
    std::string role;
    /// Option -> its value as YAML text ("sms", "{book: 25}"), in file order.
    std::vector<std::pair<std::string, std::string>> options;
  };
  struct step {
    std::string at; ///< "1s"
    std::string who;
    std::string verb;
    std::string args; ///< YAML flow text: "book", "{to: bob, text: hi}"
  };
  std::string description;
  std::vector<participant> participants;
  std::vector<step> steps; ///< the last one starts the transaction
};

struct protocol_info {
  std::string name; ///< the prefix of its roles and packet kinds: "ecommerce"
  std::string summary;
  std::vector<hop_doc> hops;
  std::vector<invariant_info> invariants;
  std::optional<transaction_def> transaction;
  diagram_hints hints;
  /// `protobed bench <name>`: the workload as an ordinary scenario's text.
  std::function<std::string(const workload_options&)> workload;
  std::string placement_doc; ///< what `placed` puts on which node
  std::optional<starter_def> starter;
};

} // namespace protobed
