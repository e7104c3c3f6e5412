#include "bin/cli/terminal.hpp"

#include <unistd.h>

namespace protobed::cli {

bool is_terminal(std::FILE* f) {
  return ::isatty(::fileno(f)) == 1;
}

progress_line::progress_line()
  : enabled_(is_terminal(stderr)) {}

progress_line::~progress_line() {
  clear();
}

void progress_line::show(const std::string& text) {
  if (!enabled_)
    return;
  std::fprintf(stderr, "\r%s", text.c_str());
  if (text.size() < width_)
    std::fprintf(stderr, "%*s", static_cast<int>(width_ - text.size()), "");
  std::fflush(stderr);
  width_ = text.size();
}

void progress_line::clear() {
  if (!enabled_ || width_ == 0)
    return;
  std::fprintf(stderr, "\r%*s\r", static_cast<int>(width_), "");
  std::fflush(stderr);
  width_ = 0;
}

} // namespace protobed::cli
