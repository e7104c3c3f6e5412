#include "scenarios/explore/yaml_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <regex>

namespace protobed::explore {

namespace {

constexpr std::size_t flow_width = 100;

/// A number or a duration as a scenario writes them: 25, -1, 0.05, 300ms.
bool number_like(const std::string& s) {
  static const std::regex number(R"(-?[0-9]{1,9}(\.[0-9]+)?(us|ms|s|m|h)?)");
  return std::regex_match(s, number);
}

/// Plain only when YAML reads it back as the same string (not as null), and
/// only for names, numbers and durations: card numbers, phones and dates are
/// quoted, as people write them.
bool plain_ok(const std::string& s) {
  static const std::regex name(R"([A-Za-z_][A-Za-z0-9_.\-/>]*)");
  if (s == "null" || s == "Null" || s == "NULL" || s == "~")
    return false;
  return number_like(s) || std::regex_match(s, name);
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string scalar_text(const config_node& n) {
  if (n.kind == config_node::type::null)
    return "~";
  return plain_ok(n.scalar) ? n.scalar : quoted(n.scalar);
}

std::string key_text(const std::string& k) {
  return plain_ok(k) ? k : quoted(k);
}

void write_block(const config_node& n, int indent, std::string& out);

/// `prefix` then the value: inline when it fits on the line, else nested.
void write_value(const std::string& prefix, const config_node& v, int indent, std::string& out) {
  bool leaf = !v.is_map() && !v.is_list();
  auto flow = to_flow(v);
  bool empty = (v.is_map() && v.entries.empty()) || (v.is_list() && v.items.empty());
  if (leaf || empty || prefix.size() + flow.size() <= flow_width) {
    out += prefix + " " + flow + "\n";
    return;
  }
  out += prefix + "\n";
  write_block(v, indent + 2, out);
}

void write_block(const config_node& n, int indent, std::string& out) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  if (n.is_map()) {
    for (const auto& e : n.entries)
      write_value(pad + key_text(e.key) + ":", e.value, indent, out);
  } else if (n.is_list()) {
    for (const auto& item : n.items) {
      if (item.is_map() && !item.entries.empty() &&
          to_flow(item).size() + indent + 2 > flow_width) {
        // "- key: …" with the rest of the map under it.
        std::string inner;
        write_block(item, indent + 2, inner);
        inner.replace(0, static_cast<std::size_t>(indent) + 2, pad + "- ");
        out += inner;
        continue;
      }
      write_value(pad + "-", item, indent, out);
    }
  } else {
    out += pad + scalar_text(n) + "\n";
  }
}

} // namespace

std::string to_flow(const config_node& n) {
  if (n.is_map()) {
    std::string out = "{";
    for (std::size_t i = 0; i < n.entries.size(); ++i)
      out += (i ? ", " : "") + key_text(n.entries[i].key) + ": " + to_flow(n.entries[i].value);
    return out + "}";
  }
  if (n.is_list()) {
    std::string out = "[";
    for (std::size_t i = 0; i < n.items.size(); ++i)
      out += (i ? ", " : "") + to_flow(n.items[i]);
    return out + "]";
  }
  return scalar_text(n);
}

std::string to_yaml(const config_node& root) {
  std::string out;
  write_block(root, 0, out);
  return out;
}

config_node map_node() {
  config_node n;
  n.kind = config_node::type::map;
  return n;
}

config_node list_node() {
  config_node n;
  n.kind = config_node::type::list;
  return n;
}

config_node scalar_node(std::string value) {
  return config_node::make_scalar(std::move(value));
}

config_node* find_entry(config_node& map, const std::string& key) {
  for (auto& e : map.entries)
    if (e.key == key)
      return &e.value;
  return nullptr;
}

void put(config_node& map, const std::string& key, config_node value) {
  if (auto* v = find_entry(map, key)) {
    *v = std::move(value);
    return;
  }
  map.entries.push_back({key, {}, std::move(value)});
}

void put(config_node& map, const std::string& key, std::string value) {
  put(map, key, scalar_node(std::move(value)));
}

} // namespace protobed::explore
