#include "scenarios/engine/diagram.hpp"

#include "scenarios/engine/xml.hpp"

#include <map>
#include <sstream>

namespace protobed {

namespace {

constexpr int col_w = 170;
constexpr int left = 90;
constexpr int top = 96;
constexpr int row_h = 26;
constexpr const char* attacker_colour = "#c0392b";

/// One drawable line of the diagram: a packet, an event or a fold marker.
struct row {
  const trace_record* rec = nullptr;
  std::size_t folded = 0;
};

bool in_window(const trace_record& rec, const diagram_options& o) {
  sim_time t{rec["t"].get<std::int64_t>()};
  return (!o.from || t >= *o.from) && (!o.to || t <= *o.to);
}

std::vector<row> layout_rows(const std::vector<trace_record>& recs, const diagram_options& o) {
  std::vector<row> rows;
  for (const auto& rec : recs)
    if (rec["type"] != "release" && in_window(rec, o))
      rows.push_back({&rec, 0});
  if (rows.size() <= o.max_rows)
    return rows;
  auto keep = o.max_rows / 2;
  std::vector<row> out(rows.begin(), rows.begin() + keep);
  out.push_back({nullptr, rows.size() - 2 * keep});
  out.insert(out.end(), rows.end() - keep, rows.end());
  return out;
}

class svg_writer {
public:
  svg_writer(const scenario_report& r, const diagram_options& o)
    : r_(r)
    , recs_(r.run.trace->records())
    , rows_(layout_rows(recs_, o)) {
    for (std::size_t i = 0; i < r.s->participants.size(); ++i) {
      const auto& p = r.s->participants[i];
      column_[p.name] = left + col_w / 2 + static_cast<int>(i) * col_w;
      attacker_[p.name] = static_cast<bool>(p.role->taps); // it sits on links
    }
  }

  std::string render() {
    auto failed = failures();
    int height =
      top + static_cast<int>(rows_.size()) * row_h + 40 + static_cast<int>(failed.size() + 1) * 18;
    int width = left + static_cast<int>(column_.size()) * col_w + 20;
    out_ << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\""
         << height << "\" viewBox=\"0 0 " << width << " " << height
         << "\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n";
    defs();
    out_ << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
    header();
    lifelines(top + static_cast<int>(rows_.size()) * row_h);
    for (std::size_t i = 0; i < rows_.size(); ++i)
      draw_row(rows_[i], top + 14 + static_cast<int>(i) * row_h);
    footer(top + static_cast<int>(rows_.size()) * row_h + 30, failed);
    out_ << "</svg>\n";
    return out_.str();
  }

private:
  void defs() {
    out_ << "<defs>\n";
    for (auto [id, colour] : {std::pair{"arrow", "#222222"},
                              {"arrow-attack", attacker_colour},
                              {"arrow-corrupt", "#d35400"}})
      out_ << "<marker id=\"" << id << "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
           << "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
           << "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"" << colour << "\"/></marker>\n";
    out_ << "</defs>\n";
  }

  void header() {
    out_ << "<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"bold\">"
         << xml_escape(r_.s->name) << "</text>\n"
         << "<text x=\"12\" y=\"40\" fill=\"#555555\">" << xml_escape(r_.s->description)
         << "</text>\n"
         << "<text x=\"12\" y=\"56\" fill=\"#555555\">seed " << r_.run.seed << ", "
         << (r_.run.real ? "real" : "sim") << " mode, " << format_seconds(r_.run.end)
         << (r_.passed() ? " — PASS" : " — FAIL") << "</text>\n";
    for (const auto& p : r_.s->participants) {
      int x = column_[p.name];
      auto colour = attacker_[p.name] ? attacker_colour : "#2c3e50";
      out_ << "<g class=\"participant\"><rect x=\"" << x - 70 << "\" y=\"66\" width=\"140\" "
           << "height=\"22\" rx=\"4\" fill=\"" << colour << "\"/><text x=\"" << x
           << "\" y=\"81\" fill=\"#ffffff\" text-anchor=\"middle\" font-weight=\"bold\">"
           << xml_escape(p.name) << "</text></g>\n";
    }
  }

  void lifelines(int bottom) {
    for (const auto& [name, x] : column_)
      out_ << "<line class=\"lifeline\" x1=\"" << x << "\" y1=\"88\" x2=\"" << x << "\" y2=\""
           << bottom << "\" stroke=\"#bbbbbb\" stroke-dasharray=\"4 3\"/>\n";
  }

  int column(const std::string& name) const {
    auto i = column_.find(name);
    return i == column_.end() ? left : i->second;
  }

  void time_label(const trace_record& rec, int y) {
    out_ << "<text x=\"8\" y=\"" << y + 4 << "\" fill=\"#888888\">"
         << format_seconds(sim_time{rec["t"].get<std::int64_t>()}) << "</text>\n";
  }

  void draw_row(const row& rw, int y) {
    if (!rw.rec) {
      out_ << "<text class=\"fold\" x=\"" << left << "\" y=\"" << y + 4
           << "\" fill=\"#888888\" font-style=\"italic\">… " << rw.folded
           << " records folded (draw a part with --window FROM..TO) …</text>\n";
      return;
    }
    time_label(*rw.rec, y);
    if ((*rw.rec)["type"] == "packet")
      draw_packet(*rw.rec, y);
    else
      draw_event(*rw.rec, y);
  }

  void draw_packet(const trace_record& rec, int y) {
    std::string fate = rec["fate"];
    std::string from = rec["from"], to = rec["to"];
    std::string via = rec.contains("via") ? rec["via"].get<std::string>() : "";
    bool intercepted = fate == "intercepted";
    int x1 = column(via.empty() ? from : via);
    int x2 = column(intercepted ? rec["by"].get<std::string>() : to);
    bool lost = fate == "dropped" || fate == "partitioned" || fate == "offline" ||
                fate == "crashed" || fate == "undeliverable";
    bool delayed = fate.find("delayed") != std::string::npos;
    bool attack = !via.empty() || intercepted;
    bool corrupted = fate.find("corrupted") != std::string::npos;
    auto colour = attack ? attacker_colour : corrupted ? "#d35400" : lost ? "#999999" : "#222222";
    auto marker = attack ? "arrow-attack" : corrupted ? "arrow-corrupt" : "arrow";
    int end_x = lost ? (x1 + x2) / 2 : x2;
    int end_y = delayed ? y + row_h - 6 : y;
    std::string cls = "packet " + std::string(lost          ? "lost"
                                              : intercepted ? "intercepted"
                                                            : "delivered");
    out_ << "<g class=\"" << cls << "\"><line x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << end_x
         << "\" y2=\"" << end_y << "\" stroke=\"" << colour << "\" stroke-width=\"1.4\""
         << (delayed || intercepted ? " stroke-dasharray=\"6 3\"" : "")
         << (lost ? "" : std::string(" marker-end=\"url(#") + marker + ")\"") << "/>";
    if (lost)
      out_ << "<path d=\"M" << end_x - 5 << "," << end_y - 5 << " l10,10 m0,-10 l-10,10\" "
           << "stroke=\"#c0392b\" stroke-width=\"2\"/>";
    std::string label = rec["kind"].get<std::string>() + " (" +
                        std::to_string(rec["bytes"].get<std::size_t>()) + " B)";
    if (!via.empty())
      label += " as " + from;
    if (fate != "delivered")
      label += " [" + fate + "]";
    out_ << "<text x=\"" << (x1 + x2) / 2 << "\" y=\"" << y - 4
         << "\" text-anchor=\"middle\" fill=\"" << colour << "\">" << xml_escape(label)
         << "</text></g>\n";
  }

  void draw_event(const trace_record& rec, int y) {
    std::string who = rec["who"], name = rec["name"];
    int x = column(who);
    const auto& roles = r_.s->registry();
    auto fill = attacker_[who]             ? "#fadbd8"
                : roles.is_detection(name) ? "#fdebd0"
                : roles.is_outcome(name)   ? "#d6eaf8"
                                           : "#f4f6f6";
    std::string text = name;
    if (rec.contains("details")) {
      for (const char* key : {"outcome", "reason", "amount", "what"})
        if (rec["details"].contains(key)) {
          text += " " + rec["details"][key].get<std::string>();
          break;
        }
    }
    int w = static_cast<int>(text.size()) * 6 + 12;
    out_ << "<g class=\"event\"><rect x=\"" << x - w / 2 << "\" y=\"" << y - 10 << "\" width=\""
         << w << "\" height=\"17\" rx=\"3\" fill=\"" << fill << "\" stroke=\"#aaaaaa\"/><text x=\""
         << x << "\" y=\"" << y + 2 << "\" text-anchor=\"middle\">" << xml_escape(text)
         << "</text></g>\n";
  }

  std::vector<const check_result*> failures() const {
    std::vector<const check_result*> out;
    for (const auto& c : r_.checks)
      if (!c.passed)
        out.push_back(&c);
    return out;
  }

  void footer(int y, const std::vector<const check_result*>& failed) {
    if (failed.empty()) {
      out_ << "<text class=\"summary\" x=\"12\" y=\"" << y << "\" fill=\"#1e8449\">All "
           << r_.checks.size() << " expectations held.</text>\n";
      return;
    }
    out_ << "<text class=\"summary\" x=\"12\" y=\"" << y << "\" fill=\"#c0392b\""
         << " font-weight=\"bold\">Failed expectations:</text>\n";
    for (std::size_t i = 0; i < failed.size(); ++i)
      out_ << "<text class=\"failure\" x=\"24\" y=\"" << y + 18 * static_cast<int>(i + 1)
           << "\" fill=\"#c0392b\">"
           << xml_escape(failed[i]->text + " (observed: " + failed[i]->observed + ")")
           << "</text>\n";
  }

  const scenario_report& r_;
  std::vector<trace_record> recs_;
  std::vector<row> rows_;
  std::map<std::string, int> column_;
  std::map<std::string, bool> attacker_;
  std::ostringstream out_;
};

} // namespace

std::optional<diagram_options> parse_window(const std::string& text) {
  auto dots = text.find("..");
  if (dots == std::string::npos)
    return std::nullopt;
  diagram_options o;
  auto a = text.substr(0, dots), b = text.substr(dots + 2);
  if (!a.empty()) {
    o.from = parse_duration(a);
    if (!o.from)
      return std::nullopt;
  }
  if (!b.empty()) {
    o.to = parse_duration(b);
    if (!o.to)
      return std::nullopt;
  }
  if (o.from && o.to && *o.to < *o.from)
    return std::nullopt;
  return o;
}

std::string render_svg(const scenario_report& r, const diagram_options& opts) {
  return svg_writer(r, opts).render();
}

std::string render_html(const scenario_report& r, const diagram_options& opts) {
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + xml_escape(r.s->name) +
         "</title><style>body{margin:0;background:#fff}</style></head><body>\n" +
         render_svg(r, opts) + "</body></html>\n";
}

} // namespace protobed
