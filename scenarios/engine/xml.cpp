#include "scenarios/engine/xml.hpp"

namespace protobed {

std::string xml_escape(const std::string& s, bool newlines) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += newlines ? "&#10;" : "\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

} // namespace protobed
