// The invariants' toolkit: reading the trace, the network's record, the
// scenario as loaded and its schedule (ground_truth.hpp).
#include "actors/runtime/ground_truth.hpp"

namespace protobed {

bool is_event(const trace_record& rec, const char* name) {
  return rec["type"] == "event" && rec["name"] == name;
}

std::set<std::string> down_at_end(const std::vector<trace_record>& records) {
  std::set<std::string> down;
  for (const auto& rec : records) {
    if (is_event(rec, "Crashed"))
      down.insert(rec["who"].get<std::string>());
    else if (is_event(rec, "Restarted"))
      down.erase(rec["who"].get<std::string>());
  }
  return down;
}

std::vector<std::size_t> events_where(const std::vector<trace_record>& records, const char* name,
                                      const char* key, const std::string& value) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (is_event(records[i], name) && detail_of(records[i], key) == value)
      out.push_back(i);
  return out;
}

std::string text_of(const trace_record& rec, const char* key) {
  auto i = rec.find(key);
  return i == rec.end() || !i->is_string() ? std::string{} : i->get<std::string>();
}

std::string detail_of(const trace_record& rec, const char* key) {
  auto d = rec.find("details");
  if (d == rec.end())
    return {};
  auto v = d->find(key);
  return v == d->end() ? std::string{} : v->get<std::string>();
}

std::string who_of(const trace_record& rec) {
  return text_of(rec, "who");
}

verdict fail_with(std::size_t n, const std::string& first) {
  return {false, first + (n > 1 ? " (and " + std::to_string(n - 1) + " more)" : std::string{})};
}

bool is_packet(const trace_record& rec, const std::string& kind) {
  return text_of(rec, "type") == "packet" && (kind.empty() || text_of(rec, "kind") == kind);
}

bool reached(const trace_record& packet) {
  auto fate = text_of(packet, "fate");
  if (!is_packet(packet) || fate.empty())
    return false;
  std::size_t from = 0;
  while (from <= fate.size()) {
    auto to = fate.find('+', from);
    auto part = fate.substr(from, to == std::string::npos ? std::string::npos : to - from);
    if (part != "delivered" && part != "delayed" && part != "duplicated" && part != "reordered" &&
        part != "corrupted")
      return false;
    if (to == std::string::npos)
      break;
    from = to + 1;
  }
  return true;
}

bool sent_itself(const trace_record& packet) {
  return is_packet(packet) && !packet.contains("via");
}

std::optional<std::int64_t> scenario_number(const run_facts& f, const std::string& who,
                                            const std::string& key) {
  auto p = f.initial.find(who);
  if (p == f.initial.end())
    return std::nullopt;
  auto v = p->second.numbers.find(key);
  return v == p->second.numbers.end() ? std::nullopt : std::optional<std::int64_t>(v->second);
}

std::optional<std::string> scenario_text(const run_facts& f, const std::string& who,
                                         const std::string& key) {
  auto p = f.initial.find(who);
  if (p == f.initial.end())
    return std::nullopt;
  auto v = p->second.texts.find(key);
  return v == p->second.texts.end() ? std::nullopt : std::optional<std::string>(v->second);
}

bool unreachable_at(const run_facts& f, const std::string& who, sim_time t) {
  if (!f.schedule)
    return false;
  for (const auto& o : *f.schedule)
    if (o.participant == who && o.when.contains(t))
      return true;
  return false;
}

sim_time time_of(const trace_record& rec) {
  auto i = rec.find("t");
  return i == rec.end() || !i->is_number() ? sim_time{} : sim_time(i->get<std::int64_t>());
}

std::vector<std::size_t> over_rate(const std::vector<trace_record>& records,
                                   const std::vector<std::size_t>& chosen, std::int64_t limit,
                                   sim_time window) {
  if (limit < 0)
    return {};
  auto n = static_cast<std::size_t>(limit);
  for (std::size_t k = n; k < chosen.size(); ++k)
    if (time_of(records[chosen[k]]) - time_of(records[chosen[k - n]]) < window)
      return {chosen.begin() + static_cast<std::ptrdiff_t>(k - n),
              chosen.begin() + static_cast<std::ptrdiff_t>(k + 1)};
  return {};
}

std::vector<rate_group> rate_groups(const std::vector<trace_record>& records, const char* name,
                                    const char* about) {
  std::map<std::pair<std::string, std::string>, rate_group> by;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!is_event(records[i], name))
      continue;
    auto& g = by[{who_of(records[i]), detail_of(records[i], about)}];
    g.who = who_of(records[i]);
    g.about = detail_of(records[i], about);
    g.records.push_back(i);
  }
  std::vector<rate_group> out;
  for (auto& [key, g] : by)
    out.push_back(std::move(g));
  return out;
}

std::optional<verdict> over_promised_rate(const run_facts& f, const char* name,
                                          const std::vector<rate_group>& groups,
                                          const std::string& what) {
  for (const auto& g : groups) {
    auto limit = scenario_number(f, g.who, std::string("promised.") + name);
    auto window_ms = scenario_number(f, g.who, std::string("promised.") + name + "_window_ms");
    if (!limit || !window_ms)
      continue;
    auto window = std::chrono::duration_cast<sim_time>(std::chrono::milliseconds(*window_ms));
    auto over = over_rate(f.records, g.records, *limit, window);
    if (over.empty())
      continue;
    return verdict{false,
            g.who + " " + what + " " + g.about + " " + std::to_string(over.size()) +
              " times in " + format_duration(time_of(f.records[over.back()]) -
                                             time_of(f.records[over.front()])) +
              ": more than the " + std::to_string(*limit) + " per " + format_duration(window) +
              " it promises",
            over};
  }
  return std::nullopt;
}

} // namespace protobed
