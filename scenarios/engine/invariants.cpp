#include "scenarios/engine/invariants.hpp"

#include <algorithm>

namespace protobed {

namespace {

/// Sums every participant's reported `total` (participants that keep
/// accounts report one); false if the sum cannot be represented.
bool total_of(const std::map<std::string, observation>& obs, std::int64_t& sum) {
  sum = 0;
  for (const auto& [who, o] : obs) {
    auto t = o.numbers.find("total");
    if (t != o.numbers.end() && __builtin_add_overflow(sum, t->second, &sum))
      return false;
  }
  return true;
}

/// Money is neither created nor destroyed: the accounts' total after the run
/// equals the total before the first step.
verdict money_conserved(const run_facts& f) {
  std::int64_t before = 0, after = 0;
  if (!total_of(f.initial, before) || !total_of(f.final, after))
    return {false, "the accounts' total does not fit in 64 bits"};
  return {before == after, "total " + std::to_string(before) + " -> " + std::to_string(after)};
}

} // namespace

const std::vector<invariant_info>& engine_invariants() {
  static const std::vector<invariant_info> all = {
    {"money_conserved", "the accounts' total after the run equals the total before it",
     money_conserved},
  };
  return all;
}

const invariant_info* find_invariant(const std::string& name, const role_registry& roles) {
  for (const auto& inv : engine_invariants())
    if (inv.name == name)
      return &inv;
  return roles.find_invariant(name);
}

std::vector<std::string> invariant_names(const role_registry& roles) {
  std::vector<std::string> out;
  for (const auto& inv : engine_invariants())
    out.push_back(inv.name);
  for (const auto& p : roles.protocols())
    for (const auto& inv : p.invariants)
      if (std::find(out.begin(), out.end(), inv.name) == out.end())
        out.push_back(inv.name);
  return out;
}

} // namespace protobed
