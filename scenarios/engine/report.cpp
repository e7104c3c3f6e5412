#include "scenarios/engine/report.hpp"

#include <cstdio>
#include <cstring>
#include <map>

#include "scenarios/engine/live_view.hpp"

namespace protobed {

namespace {

std::size_t count_type(const run_result& r, const char* type) {
  std::size_t n = 0;
  for (const auto& rec : r.trace->records())
    n += rec["type"] == type ? 1 : 0;
  return n;
}

std::string paint(const char* text, const char* code, bool color) {
  return color ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
}

std::string wall(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3fs", seconds);
  return buf;
}

/// "intercepted 3, replay 1; learned 2 secret(s)" for each attacker.
std::vector<std::string> attacker_lines(const run_result& r) {
  std::vector<std::string> out;
  for (const auto& [who, o] : r.final) {
    auto secrets = o.numbers.find("secrets");
    if (secrets == o.numbers.end())
      continue;
    std::string line = who + ":";
    std::string sep = " ";
    for (const auto& [key, n] : o.numbers) {
      if (key.rfind("attack.", 0) != 0)
        continue;
      line += sep + key.substr(7) + " " + std::to_string(n);
      sep = ", ";
    }
    line += "; learned " + std::to_string(secrets->second) + " secret(s)";
    out.push_back(line);
  }
  return out;
}

/// How often each participant reported each detection event.
std::map<std::string, std::int64_t> detections(const run_result& r, const role_registry& roles) {
  std::map<std::string, std::int64_t> out;
  for (const auto& rec : r.trace->records())
    if (rec["type"] == "event" && roles.is_detection(rec["name"]))
      ++out[rec["name"].get<std::string>() + " at " + rec["who"].get<std::string>()];
  return out;
}

/// Counts of packets by fate, by kind, and events by name.
nlohmann::ordered_json trace_summary(const run_result& r) {
  std::map<std::string, std::int64_t> fates, kinds, events;
  for (const auto& rec : r.trace->records()) {
    if (rec["type"] == "packet") {
      ++fates[rec["fate"].get<std::string>()];
      ++kinds[rec["kind"].get<std::string>()];
    } else if (rec["type"] == "event") {
      ++events[rec["name"].get<std::string>()];
    }
  }
  return {{"records", r.trace->size()},
          {"packets_by_fate", fates},
          {"packets_by_kind", kinds},
          {"events_by_name", events}};
}

bool same_place(source_pos a, source_pos b) {
  return a.line == b.line && a.column == b.column && a.line != 0;
}

/// Each check on a line; passes that came from one `every:` template are one
/// line ("… and 49 more like it"), and each failure shows the trace records
/// that decided it.
void print_checks(std::ostream& out, const std::vector<check_result>& checks, bool color) {
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const auto& c = checks[i];
    out << "  " << (c.passed ? paint("PASS", "32", color) : paint("FAIL", "31;1", color)) << "  "
        << c.text << "  (observed: " << c.observed << ")";
    std::size_t alike = 0;
    while (c.passed && i + 1 < checks.size() && checks[i + 1].passed &&
           same_place(checks[i + 1].pos, c.pos)) {
      ++alike;
      ++i;
    }
    if (alike > 0)
      out << " and " << alike << " more like it (line " << c.pos.line << ")";
    out << "\n";
    for (const auto& rec : c.evidence)
      out << "        " << live_line(rec, live_level::packets, color) << "\n";
  }
}

} // namespace

bool scenario_report::passed() const {
  return run.completed && failures() == 0;
}

std::size_t scenario_report::failures() const {
  std::size_t n = 0;
  for (const auto& c : checks)
    n += c.passed ? 0 : 1;
  return n;
}

std::string replay_command(const scenario_report& r) {
  auto cmd = "protobed run " + r.s->file + " --seed " + std::to_string(r.run.seed) +
             (r.run.real ? " --real" : "");
  for (const auto& o : r.s->overrides)
    cmd += " --set " + o;
  return cmd;
}

void print_report(std::ostream& out, const scenario_report& r, bool color) {
  out << "scenario  " << r.s->name << " — " << r.s->description << "\n"
      << "file      " << r.s->file << "\n"
      << "run       seed " << r.run.seed << ", " << (r.run.real ? "real" : "sim") << " mode, "
      << (r.run.real ? "elapsed " : "virtual ") << format_seconds(r.run.end) << ", wall "
      << wall(r.run.wall_seconds) << ", " << count_type(r.run, "packet") << " packets, "
      << count_type(r.run, "event") << " events\n";
  auto attackers = attacker_lines(r.run);
  for (const auto& line : attackers)
    out << "attacker  " << line << "\n";
  auto detected = detections(r.run, r.s->registry());
  if (!detected.empty() || !attackers.empty()) {
    out << "detected  ";
    if (detected.empty())
      out << "nothing";
    std::string sep;
    for (const auto& [what, n] : detected) {
      out << sep << what << (n > 1 ? " x" + std::to_string(n) : std::string{});
      sep = ", ";
    }
    out << "\n";
  }
  print_checks(out, r.checks, color);
  if (!r.run.completed)
    out << "  " << paint("INCOMPLETE", "33;1", color) << "  " << r.run.incomplete_reason << "\n";
  out << "result    ";
  print_verdict(out, r, color);
}

void print_verdict(std::ostream& out, const scenario_report& r, bool color) {
  auto held = r.checks.size() - r.failures();
  out << (r.passed() ? paint("PASS", "32;1", color)
                     : paint(r.run.completed ? "FAIL" : "INCOMPLETE", "31;1", color))
      << " (" << held << "/" << r.checks.size() << " expectations held)";
  if (!r.passed())
    out << "; replay: " << replay_command(r);
  out << "\n";
}

nlohmann::ordered_json report_json(const std::vector<scenario_report>& reports) {
  auto scenarios = nlohmann::ordered_json::array();
  for (const auto& r : reports) {
    auto checks = nlohmann::ordered_json::array();
    for (const auto& c : r.checks)
      checks.push_back({{"expectation", c.text},
                        {"passed", c.passed},
                        {"observed", c.observed},
                        {"line", c.pos.line},
                        {"evidence", c.evidence}});
    nlohmann::ordered_json observations;
    for (const auto& [who, o] : r.run.final)
      observations[who] = {{"numbers", o.numbers}, {"texts", o.texts}};
    scenarios.push_back({{"scenario", r.s->name},
                         {"description", r.s->description},
                         {"file", r.s->file},
                         {"seed", r.run.seed},
                         {"mode", r.run.real ? "real" : "sim"},
                         {"passed", r.passed()},
                         {"completed", r.run.completed},
                         {"incomplete_reason", r.run.incomplete_reason},
                         {"end_ns", r.run.end.count()},
                         {"wall_seconds", r.run.wall_seconds},
                         {"packets", count_type(r.run, "packet")},
                         {"events", count_type(r.run, "event")},
                         {"replay", replay_command(r)},
                         {"trace_summary", trace_summary(r.run)},
                         {"attackers", attacker_lines(r.run)},
                         {"detections", detections(r.run, r.s->registry())},
                         {"expectations", checks},
                         {"observations", observations}});
  }
  std::size_t passed = 0;
  for (const auto& r : reports)
    passed += r.passed() ? 1 : 0;
  return {
    {"format", 1},
    {"summary",
     {{"scenarios", reports.size()}, {"passed", passed}, {"failed", reports.size() - passed}}},
    {"scenarios", scenarios}};
}

} // namespace protobed
