// Runs a program with arguments and captures its exit code, stdout and stderr.
// For tests of the command line as a user sees it.
#pragma once

#include <string>
#include <vector>

namespace protobed::test {

struct process_result {
  int exit_code = -1;
  std::string out;
  std::string err;

  std::size_t err_lines() const;
};

process_result run_process(const std::string& program, const std::vector<std::string>& args);

/// Runs the protobed binary under test (its path is a compile definition).
process_result run_protobed(const std::vector<std::string>& args);

} // namespace protobed::test
