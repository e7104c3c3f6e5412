// What a participant reports about its state at the start and end of a run,
// for expectations: balances, outcomes, inbox sizes. Flat keys, e.g.
// "balance.alice" -> 75, "outcome" -> "committed".
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace protobed {

struct observation {
  std::map<std::string, std::int64_t> numbers;
  std::map<std::string, std::string> texts;
};

} // namespace protobed
