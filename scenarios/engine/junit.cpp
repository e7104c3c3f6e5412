#include "scenarios/engine/junit.hpp"

#include "scenarios/engine/live_view.hpp"
#include "scenarios/engine/xml.hpp"

#include <cstdio>
#include <sstream>

namespace protobed {

namespace {

std::string attr(const std::string& s) {
  return xml_escape(s, true);
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", s);
  return buf;
}

void testcase(std::ostream& out, const scenario_report& r) {
  out << "    <testcase name=\"" << attr(r.s->name) << "\" classname=\"protobed." << attr(r.s->file)
      << "\" time=\"" << seconds(r.run.wall_seconds) << "\">\n";
  auto context = "seed " + std::to_string(r.run.seed) + "; replay: " + replay_command(r);
  for (const auto& c : r.checks) {
    if (c.passed)
      continue;
    auto where = r.s->file + ":" + std::to_string(c.pos.line);
    std::string decided;
    for (const auto& rec : c.evidence)
      decided += live_line(rec, live_level::packets, false) + "\n";
    out << "      <failure message=\"" << attr(c.text + " (observed: " + c.observed + ")")
        << "\" type=\"expectation\">"
        << attr(where + ": " + c.text + "\nobserved: " + c.observed + "\n" + decided + context)
        << "</failure>\n";
  }
  if (!r.run.completed)
    out << "      <error message=\"" << attr(r.run.incomplete_reason) << "\" type=\"incomplete\">"
        << attr(context) << "</error>\n";
  out << "      <system-out>" << attr(r.s->description) << "</system-out>\n";
  out << "    </testcase>\n";
}

} // namespace

std::string render_junit(const std::vector<scenario_report>& reports) {
  std::size_t failures = 0, errors = 0;
  double time = 0;
  for (const auto& r : reports) {
    failures += r.failures();
    errors += r.run.completed ? 0 : 1;
    time += r.run.wall_seconds;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"protobed\" tests=\"" << reports.size() << "\" failures=\"" << failures
      << "\" errors=\"" << errors << "\" time=\"" << seconds(time) << "\">\n"
      << "  <testsuite name=\"protobed run\" tests=\"" << reports.size() << "\" failures=\""
      << failures << "\" errors=\"" << errors << "\" time=\"" << seconds(time) << "\">\n";
  for (const auto& r : reports)
    testcase(out, r);
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

} // namespace protobed
