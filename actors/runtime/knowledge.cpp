#include "actors/runtime/knowledge.hpp"

#include <algorithm>

namespace protobed {

bool knowledge::learn(secret s) {
  auto same = [&](const secret& x) { return x.what == s.what && x.value == s.value; };
  if (std::any_of(secrets_.begin(), secrets_.end(), same))
    return false;
  secrets_.push_back(std::move(s));
  return true;
}

void knowledge::learn_key(crypto::bytes key) {
  if (std::find(symmetric_keys.begin(), symmetric_keys.end(), key) == symmetric_keys.end())
    symmetric_keys.push_back(std::move(key));
}

std::string describe_source(const packet& p) {
  return "packet " + std::to_string(p.id) + " (" + p.kind + " " + p.from + "->" + p.to + ")";
}

} // namespace protobed
