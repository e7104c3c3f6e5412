// Every top-level subcommand's entry point, one file each in cli/.
#pragma once

#include "bin/cli/command.hpp"

namespace protobed::cli {

int bench_command(const args& a);
int explore_command(const args& a);
int list_command(const args& a);
int new_command(const args& a);
int node_command(const args& a);
int run_command(const args& a);
int validate_command(const args& a);

/// The table `protobed` dispatches on, in the order --help lists them.
const std::vector<command>& top_level_commands();

} // namespace protobed::cli
