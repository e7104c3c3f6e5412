#include "tests/support/vectors.hpp"

#include <fstream>
#include <stdexcept>

namespace protobed::test {

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

} // namespace

const std::string& vector_record::text(const std::string& name) const {
  auto i = fields.find(name);
  if (i == fields.end())
    throw std::runtime_error("vector at line " + std::to_string(line) + " has no '" + name + "'");
  return i->second;
}

crypto::bytes vector_record::hex(const std::string& name) const {
  auto b = crypto::from_hex(text(name));
  if (!b)
    throw std::runtime_error("vector at line " + std::to_string(line) + ": '" + name +
                             "' is not hex");
  return *b;
}

unsigned long long vector_record::number(const std::string& name) const {
  return std::stoull(text(name));
}

std::vector<vector_record> load_vectors(const std::string& name) {
  std::string path = std::string(PROTOBED_TEST_DATA_DIR) + "/" + name;
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot open " + path);
  std::vector<vector_record> out;
  vector_record current;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto t = trim(line);
    if (!t.empty() && t[0] == '#')
      continue;
    if (t.empty()) {
      if (!current.fields.empty())
        out.push_back(std::move(current));
      current = {};
      continue;
    }
    auto eq = t.find('=');
    if (eq == std::string::npos)
      throw std::runtime_error(path + ":" + std::to_string(n) + ": expected 'name = value'");
    if (current.fields.empty())
      current.line = n;
    current.fields[trim(t.substr(0, eq))] = trim(t.substr(eq + 1));
  }
  if (!current.fields.empty())
    out.push_back(std::move(current));
  return out;
}

} // namespace protobed::test
