// The director: turns a scenario into actors and plays it. In sim mode
// (default) CAF's test_coordinator runs every actor on one thread in virtual
// time, all randomness comes from DRBG streams derived from the seed, and the
// same file + seed give a byte-identical trace. In real mode the work-stealing
// scheduler and the real clock run the same participants.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/runtime/observation.hpp"
#include "actors/runtime/trace.hpp"
#include "scenarios/engine/schema.hpp"

namespace protobed {

struct run_options {
  std::optional<std::uint64_t> seed; ///< overrides the file's seed
  std::optional<bool> real;          ///< overrides the file's mode
  /// Node name -> address. When given, participants the scenario places on a
  /// node run there (real mode is implied); the rest run in this process.
  std::map<std::string, std::pair<std::string, std::uint16_t>> nodes;
  /// With nodes: the directory of the TLS files (`protobed node --make-certs`);
  /// the driver then presents driver.pem and trusts only ca.pem. Empty: plain
  /// TCP, for nodes started with --insecure or on loopback without --certs.
  std::string certs;
  /// Real mode: CAF's scheduler policy, "stealing" (CAF's default) or "sharing".
  std::string scheduler = "stealing";
  /// Real mode: called at the start and about every `tick_every` with the
  /// elapsed time and the trace.
  std::function<void(sim_time, const protobed::trace&)> on_tick;
  sim_time tick_every = std::chrono::milliseconds(200);
  /// Called with each trace record as it is made (the live view of
  /// `run --verbose`); see trace::set_listener.
  trace::listener on_record;
};

struct run_result {
  std::uint64_t seed = 0;
  bool real = false;
  bool completed = true;
  std::string incomplete_reason; ///< why the run could not complete
  sim_time end{0};               ///< time of the last activity (virtual in sim)
  double wall_seconds = 0;
  std::shared_ptr<protobed::trace> trace;
  std::map<std::string, observation> initial; ///< before the first step
  std::map<std::string, observation> final;   ///< after the run
};

run_result run_scenario(const scenario& s, const run_options& opts = {});

} // namespace protobed
