// Participant groups: one entry that stands for many participants with
// numbered names and per-member values ("c{i:04}", "4111{i:012}"), list items
// generated the same way (a bank's accounts), and `every: GROUP` in steps,
// expectations and placement. Expanded on the config tree before the loader
// reads it, so each member is an ordinary participant afterwards and every
// later error points at the template's line and column.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "actors/runtime/config.hpp"

namespace protobed {

/// Group name -> its members' names, in order.
using group_table = std::map<std::string, std::vector<std::string>>;

/// Expands every group, generated list item and `every:` in a scenario tree
/// in place and returns the groups it found. A tree with none is unchanged,
/// so expanding twice is harmless. Throws config_error at the template.
group_table expand_groups(config_node& root);

/// "{i}" and "{i:04}" in `text` filled with `i` ("{{" and "}}" stand for
/// braces). Throws config_error at `pos` for any other placeholder.
std::string fill_template(const std::string& text, std::int64_t i, source_pos pos);

} // namespace protobed
