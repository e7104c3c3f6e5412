// Made-up trace records, and invariants checked over them: for tests that
// show an invariant holding on one trace and breaking on another.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "actors/runtime/protocol.hpp"

namespace protobed::test {

inline trace_record event_record(const std::string& who, const std::string& name,
                                 std::vector<std::pair<std::string, std::string>> details,
                                 std::int64_t t = 0) {
  trace_record r;
  r["t"] = t;
  r["type"] = "event";
  r["who"] = who;
  r["name"] = name;
  trace_record d;
  for (const auto& [k, v] : details)
    d[k] = v;
  r["details"] = d;
  return r;
}

/// A packet record as the network writes it; `via`: the attacker that put it
/// on the wire in `from`'s name.
inline trace_record packet_record(const std::string& from, const std::string& to,
                                  const std::string& kind, const std::string& via = "",
                                  const std::string& fate = "delivered") {
  trace_record r;
  r["type"] = "packet";
  r["from"] = from;
  r["to"] = to;
  r["kind"] = kind;
  r["fate"] = fate;
  if (!via.empty())
    r["via"] = via;
  return r;
}

/// `inv` over `recs`, with `final` as the participants' end state.
inline verdict check_invariant(const invariant_info& inv, const std::vector<trace_record>& recs,
                               const std::map<std::string, observation>& final = {}) {
  std::map<std::string, observation> none;
  return inv.check(run_facts{recs, none, final});
}

/// The invariant called `name` among `all`; throws if there is none.
inline const invariant_info& invariant_named(const std::vector<invariant_info>& all,
                                             const std::string& name) {
  for (const auto& inv : all)
    if (inv.name == name)
      return inv;
  throw std::logic_error("no invariant " + name);
}

} // namespace protobed::test
