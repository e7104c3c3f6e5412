// Escaping text for XML (the SVG diagram and the JUnit report).
#pragma once

#include <string>

namespace protobed {

/// Escapes &, <, > and "; with `newlines`, also line breaks (for attributes).
std::string xml_escape(const std::string& s, bool newlines = false);

} // namespace protobed
