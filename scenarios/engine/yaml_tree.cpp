#include "scenarios/engine/yaml_tree.hpp"

#include <set>

#include <yaml-cpp/yaml.h>

namespace protobed {

namespace {

source_pos pos_of(const YAML::Mark& m) {
  if (m.is_null())
    return {};
  return {m.line + 1, m.column + 1};
}

constexpr int max_depth = 64;
/// Nodes a file may expand to: a base plus one per 4 bytes of text. Aliases
/// share nodes in the YAML graph but are copied here, so nested anchors used
/// many times ("billion laughs") would multiply without bound; written-out
/// YAML has about one node per 7 bytes (a generated 60,000-step benchmark
/// workload fits), and the largest library scenario has ~3,000.
constexpr std::size_t base_nodes = 200000;
/// The longest value: names, descriptions, hex packets all fit easily.
constexpr std::size_t max_scalar = 65536;

struct budget {
  std::size_t used = 0;
  std::size_t limit = 0;
};

config_node convert(const YAML::Node& n, int depth, budget& nodes) {
  if (depth > max_depth)
    throw config_error(pos_of(n.Mark()), "nesting deeper than 64 levels");
  if (++nodes.used > nodes.limit)
    throw config_error(pos_of(n.Mark()), "the file expands to more than " +
                                           std::to_string(nodes.limit) +
                                           " nodes (anchors and aliases that multiply?)");
  config_node out;
  out.pos = pos_of(n.Mark());
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out.kind = config_node::type::null;
      break;
    case YAML::NodeType::Scalar:
      if (n.Scalar().size() > max_scalar)
        throw config_error(out.pos, "a value of " + std::to_string(n.Scalar().size()) +
                                      " bytes: values are at most " + std::to_string(max_scalar));
      out.kind = config_node::type::scalar;
      out.scalar = n.Scalar();
      break;
    case YAML::NodeType::Sequence:
      out.kind = config_node::type::list;
      for (const auto& item : n)
        out.items.push_back(convert(item, depth + 1, nodes));
      break;
    case YAML::NodeType::Map: {
      out.kind = config_node::type::map;
      std::set<std::string> seen;
      for (const auto& kv : n) {
        auto key_pos = pos_of(kv.first.Mark());
        if (!kv.first.IsScalar())
          throw config_error(key_pos, "map keys must be plain names");
        auto key = kv.first.Scalar();
        if (!seen.insert(key).second)
          throw config_error(key_pos, "duplicate key '" + key + "'");
        out.entries.push_back({key, key_pos, convert(kv.second, depth + 1, nodes)});
      }
      break;
    }
  }
  return out;
}

} // namespace

config_node parse_yaml(const std::string& text) {
  try {
    budget nodes{0, base_nodes + text.size() / 4};
    return convert(YAML::Load(text), 0, nodes);
  } catch (const YAML::ParserException& e) {
    throw config_error(pos_of(e.mark), "YAML syntax: " + e.msg);
  } catch (const YAML::Exception& e) {
    throw config_error(pos_of(e.mark), "YAML: " + e.msg);
  }
}

} // namespace protobed
