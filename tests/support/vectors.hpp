// Reads known-answer vector files (tests/data/*.vec): "name = value" lines,
// records separated by blank lines, '#' comments. Values are kept as text.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "crypto/bytes.hpp"

namespace protobed::test {

struct vector_record {
  std::map<std::string, std::string> fields;
  int line = 0; ///< where the record starts, for failure messages

  bool has(const std::string& name) const {
    return fields.count(name) != 0;
  }
  const std::string& text(const std::string& name) const;
  crypto::bytes hex(const std::string& name) const;
  unsigned long long number(const std::string& name) const;
};

/// Loads tests/data/<name>; throws std::runtime_error if missing or malformed.
std::vector<vector_record> load_vectors(const std::string& name);

} // namespace protobed::test
