// A sequence diagram of a run, drawn by protobed itself as self-contained SVG
// (no JavaScript, no network): one lifeline per participant, one arrow per
// packet in virtual-time order, events as notes, failed expectations below.
#pragma once

#include <optional>
#include <string>

#include "scenarios/engine/report.hpp"

namespace protobed {

struct diagram_options {
  std::optional<sim_time> from; ///< --window FROM..TO: only records in [from, to]
  std::optional<sim_time> to;
  std::size_t max_rows = 400; ///< longer runs fold their middle
};

/// Parses "1s..3s", "..3s" or "1s.."; nullopt if malformed.
std::optional<diagram_options> parse_window(const std::string& text);

std::string render_svg(const scenario_report& r, const diagram_options& opts = {});
/// The SVG inside a minimal, self-contained HTML page.
std::string render_html(const scenario_report& r, const diagram_options& opts = {});

} // namespace protobed
