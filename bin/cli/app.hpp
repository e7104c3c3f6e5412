// The `protobed` command line: global options and subcommand dispatch.
#pragma once

namespace protobed::cli {

/// Exit codes shared by every subcommand.
enum exit_code : int {
  exit_ok = 0,         ///< everything held
  exit_failed = 1,     ///< ran, but some expectation or requirement failed
  exit_bad_input = 2,  ///< bad usage or bad input file (one-line message)
  exit_incomplete = 3, ///< the run could not complete
};

int run_app(int argc, char** argv);

} // namespace protobed::cli
