// What invariants judge from, and the one toolkit they read it with.
//
// The rule (docs/architecture.md, "Ground truth"): an invariant takes from a
// participant's events only what that participant believes or did;
// ownership, quantities and limits come from the scenario as loaded (the
// participants' observations before the first step), identities from the
// network's record of who sent which packet, and online/offline from the
// scenario's schedule (and the engine's Crashed/Restarted records).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/runtime/network.hpp"
#include "actors/runtime/observation.hpp"
#include "actors/runtime/time.hpp"
#include "actors/runtime/trace.hpp"

namespace protobed {

/// What an invariant may judge from (docs/architecture.md, "Ground truth"):
/// the trace (participants' events: what each believes or did; packet
/// records: who really sent what), the participants as the scenario built
/// them (`initial`, before the first step: balances, stock, limits, owners),
/// their end state, and the scenario's schedule of offline and crash windows.
struct run_facts {
  const std::vector<trace_record>& records;
  const std::map<std::string, observation>& initial;
  const std::map<std::string, observation>& final;
  const std::vector<outage>* schedule = nullptr; ///< none: nobody was ever offline
};

struct verdict {
  bool held = false;
  std::string observed; ///< what the run showed, for the report
  /// For a failure: the trace records (indices into run_facts::records) that
  /// decided it, shown under the failure. Empty: the engine picks the events
  /// that mention what `observed` names.
  std::vector<std::size_t> evidence = {};
};

/// Indices of the events named `name` whose detail `key` is `value`.
std::vector<std::size_t> events_where(const std::vector<trace_record>& records, const char* name,
                                      const char* key, const std::string& value);

struct invariant_info {
  std::string name;    ///< as scenarios write it: `invariant: money_conserved`
  std::string meaning; ///< one line
  std::function<verdict(const run_facts&)> check;
};

// Reading the trace.

bool is_event(const trace_record& rec, const char* name);
std::string detail_of(const trace_record& rec, const char* key);
/// A top-level text field of a record ("who", "fate"), or "" if it has none.
std::string text_of(const trace_record& rec, const char* key);
/// The participants that crashed and had not restarted by the end of the
/// trace: an invariant cannot hold them to what they would have done next.
std::set<std::string> down_at_end(const std::vector<trace_record>& records);

/// Who recorded an event ("who"), or "" for a record that has none.
std::string who_of(const trace_record& rec);
/// A failed verdict naming the first of `n` violations ("… (and 2 more)").
verdict fail_with(std::size_t n, const std::string& first);

// The network's record: who really sent what.

/// A packet record its named sender put on the wire itself — not one an
/// attacker sent in its name (`via`).
bool sent_itself(const trace_record& packet);
/// Did the network hand this packet to its recipient (delivered, perhaps
/// late, twice, reordered or garbled) — not dropped, cut off or intercepted?
bool reached(const trace_record& packet);
/// Is this a packet record of `kind` (any kind if empty)?
bool is_packet(const trace_record& rec, const std::string& kind = {});

// The scenario as loaded.

/// A number the scenario gave `who`, as its core reported it before the
/// first step (run_facts::initial: balances, stock, limits).
std::optional<std::int64_t> scenario_number(const run_facts& f, const std::string& who,
                                            const std::string& key);
/// A text the scenario gave `who` (owners, keys), likewise.
std::optional<std::string> scenario_text(const run_facts& f, const std::string& who,
                                         const std::string& key);

// The schedule: online, offline, down.

/// Was `who` unreachable at `t` by the scenario's schedule (an `offline`
/// window, or a crash until its restart)?
bool unreachable_at(const run_facts& f, const std::string& who, sim_time t);
/// The time of a trace record.
sim_time time_of(const trace_record& rec);

// Rates: what a flood may cost.

/// The records (indices into `records`, ascending in time) of the first
/// `limit + 1` of `chosen` that fall inside one `window`, or none: at most
/// `limit` of them in any window, the sliding count a rate limit keeps.
std::vector<std::size_t> over_rate(const std::vector<trace_record>& records,
                                   const std::vector<std::size_t>& chosen, std::int64_t limit,
                                   sim_time window);
/// Events counted against one rate: those of one participant (`who`, that
/// promised the rate) about one thing (`about`: a card's holder, a phone).
struct rate_group {
  std::string who, about;
  std::vector<std::size_t> records; ///< ascending
};
/// The events named `name`, grouped by who recorded them and their detail
/// `about`.
std::vector<rate_group> rate_groups(const std::vector<trace_record>& records, const char* name,
                                    const char* about);
/// A rate a role promises (`promised.NAME` and `promised.NAME_window_ms` in
/// its observation before the first step), judged over each group: the
/// failure naming the first group with more than the limit in one window
/// ("WHO WHAT ABOUT 6 times in 4s: …"), or none.
std::optional<verdict> over_promised_rate(const run_facts& f, const char* name,
                                          const std::vector<rate_group>& groups,
                                          const std::string& what);

} // namespace protobed
