// Named events: what participants and the network report about themselves.
// Names are stable CamelCase ("PaymentCommitted", "ReplayRejected"); checks
// and reports find them by name, details are key/value text.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace protobed {

struct event {
  std::string name;
  std::vector<std::pair<std::string, std::string>> details;

  /// The value of detail `key`, or "" if absent.
  std::string detail(const std::string& key) const {
    for (const auto& [k, v] : details)
      if (k == key)
        return v;
    return {};
  }
};

} // namespace protobed
