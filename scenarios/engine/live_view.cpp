#include "scenarios/engine/live_view.hpp"

#include <cstdio>

#include "actors/runtime/protocol.hpp"

namespace protobed {

namespace {

std::string paint(const std::string& text, const char* code, bool color) {
  return color ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

std::string seconds(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%11.6fs", static_cast<double>(ns) / 1e9);
  return buf;
}

/// A detail value as shown: long ones (tids, keys) cut to their first 12 characters.
std::string shortened(const std::string& v) {
  return v.size() > 16 ? v.substr(0, 12) + "…" : v;
}

/// Padded to `width` characters as a terminal shows them (UTF-8 "→" is one).
std::string padded(std::string s, std::size_t width) {
  std::size_t shown = 0;
  for (unsigned char c : s)
    shown += (c & 0xc0) != 0x80 ? 1 : 0;
  if (shown < width)
    s.append(width - shown, ' ');
  return s;
}

std::string event_line(const trace_record& rec, bool color) {
  std::string out =
    padded(text_of(rec, "who"), 14) + " " + paint(text_of(rec, "name"), "1;36", color);
  if (auto d = rec.find("details"); d != rec.end())
    for (const auto& [k, v] : d->items())
      out += " " + k + "=" + shortened(v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

/// " (drop rule, line 33)" for the rules that applied to a faulted packet.
std::string rules_of(const trace_record& rec, const std::vector<std::string>* faults) {
  auto f = rec.find("faults");
  if (!faults || f == rec.end() || !f->is_array())
    return {};
  std::string out;
  for (const auto& i : *f) {
    auto k = i.get<std::size_t>();
    if (k < faults->size())
      out += (out.empty() ? " (" : "; ") + (*faults)[k];
  }
  return out.empty() ? out : out + ")";
}

std::string packet_line(const trace_record& rec, bool color,
                        const std::vector<std::string>* faults) {
  auto fate = text_of(rec, "fate");
  auto route = text_of(rec, "from") + " → " + text_of(rec, "to");
  if (auto via = text_of(rec, "via"); !via.empty())
    route += " (via " + via + ")";
  auto reason = fate;
  if (auto by = text_of(rec, "by"); !by.empty())
    reason += " by " + by;
  bool lost = fate == "dropped" || fate == "undeliverable" || fate == "offline" ||
              fate == "crashed" || fate == "partitioned" ||
              fate.find("corrupted") != std::string::npos;
  const char* code = fate == "delivered" ? "2" : lost ? "31" : "33";
  return padded(route, 22) + " " + padded(text_of(rec, "kind"), 26) + " " +
         paint(reason, code, color) + rules_of(rec, faults);
}

} // namespace

std::vector<std::string> fault_names(const network_config& n) {
  std::vector<std::string> out;
  for (const auto& f : n.faults)
    out.push_back(std::string(to_string(f.type)) + " rule" +
                  (f.pos.line > 0 ? ", line " + std::to_string(f.pos.line) : std::string{}));
  return out;
}

std::string live_line(const trace_record& rec, live_level level, bool color,
                      const std::vector<std::string>* faults) {
  if (level == live_level::quiet)
    return {};
  auto type = text_of(rec, "type");
  auto t = paint(seconds(rec.value("t", std::int64_t{0})), "2", color) + "  ";
  if (type == "event")
    return t + event_line(rec, color);
  if (type == "packet") {
    if (level < live_level::packets && text_of(rec, "fate") == "delivered")
      return {};
    return t + packet_line(rec, color, faults);
  }
  if (type == "release" && level >= live_level::packets)
    return t + padded("packet #" + std::to_string(rec.value("id", std::uint64_t{0})), 22) + " " +
           paint("released from reordering", "33", color);
  return {};
}

} // namespace protobed
