#include "tests/support/run_process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace protobed::test {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string temp_path(const char* tag) {
  std::string t = "/tmp/protobed-test-" + std::string(tag) + "-XXXXXX";
  int fd = ::mkstemp(t.data());
  if (fd < 0)
    throw std::runtime_error("mkstemp failed");
  ::close(fd);
  return t;
}

} // namespace

std::size_t process_result::err_lines() const {
  return static_cast<std::size_t>(std::count(err.begin(), err.end(), '\n'));
}

process_result run_process(const std::string& program, const std::vector<std::string>& args) {
  auto out_path = temp_path("out");
  auto err_path = temp_path("err");
  pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error("fork failed");
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_TRUNC);
    int err = ::open(err_path.c_str(), O_WRONLY | O_TRUNC);
    int in = ::open("/dev/null", O_RDONLY);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::dup2(in, 0);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  process_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return r;
}

process_result run_protobed(const std::vector<std::string>& args) {
  return run_process(PROTOBED_BINARY, args);
}

} // namespace protobed::test
