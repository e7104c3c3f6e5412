// Console helpers: whether a stream is a terminal, and a one-line progress display.
#pragma once

#include <cstdio>
#include <string>

namespace protobed::cli {

bool is_terminal(std::FILE* f);

/// Rewrites one status line on stderr when stderr is a terminal; silent otherwise.
class progress_line {
public:
  progress_line();
  ~progress_line();
  void show(const std::string& text);
  void clear();

private:
  bool enabled_;
  std::size_t width_ = 0;
};

} // namespace protobed::cli
