// Small helpers for explore's child processes (workers, replays): what a
// child's exit status says, and a line protocol of tab-separated fields over
// a pipe.
#pragma once

#include <string>
#include <vector>

namespace protobed::explore {

/// A waitpid status in words: "exited with status 1", "died of signal 9 (Killed)".
std::string exit_text(int status);

/// Writes all of `s` to `fd`; false if it could not.
bool write_all(int fd, const std::string& s);

/// A field of a line: no tabs or newlines inside.
std::string flat(std::string s);

/// The tab-separated fields of a line.
std::vector<std::string> split_tabs(const std::string& line);

} // namespace protobed::explore
