// "Did you mean …?" for names a user mistyped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace protobed {

/// Levenshtein distance between two strings.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a typo, else "".
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

} // namespace protobed
