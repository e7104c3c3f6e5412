#include "scenarios/explore/replay.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "actors/runtime/time.hpp"
#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/director.hpp"
#include "scenarios/engine/loader.hpp"
#include "scenarios/explore/process.hpp"

namespace protobed::explore {

namespace {

using clock_type = std::chrono::steady_clock;

std::string failure_line(const std::string& name, const std::string& observed) {
  return "F\t" + flat(name) + "\t" + flat(observed) + "\n";
}

/// The child: loads and plays the text as `run` does, reports each failure
/// as a line and "E" at the end.
[[noreturn]] void replay_child(const std::string& text, const std::string& name, int fd) {
  std::string out;
  try {
    auto s = load_scenario_text(text, name);
    auto run = run_scenario(s);
    if (!run.completed)
      out += failure_line("incomplete", run.incomplete_reason);
    for (const auto& c : check_expectations(s, run))
      if (!c.passed)
        out += failure_line(c.text, c.observed);
  } catch (const load_error& e) {
    out += failure_line("invalid-schedule", e.what());
  } catch (const std::exception& e) {
    out += failure_line("exception", e.what());
  }
  write_all(fd, out + "E\n");
  ::close(fd);
  _exit(0);
}

/// Reads `fd` to its end, or until `deadline`; false when the deadline came first.
bool read_until(int fd, clock_type::time_point deadline, std::string& out) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd, POLLIN, 0};
    auto ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready <= 0)
      continue; // EINTR or nothing yet: the deadline is checked above
    char buf[4096];
    auto n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return true;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

replay_outcome parse(const std::string& out, int status) {
  replay_outcome r;
  bool ended = false;
  std::size_t start = 0;
  for (auto nl = out.find('\n'); nl != std::string::npos; nl = out.find('\n', start)) {
    auto f = split_tabs(out.substr(start, nl - start));
    start = nl + 1;
    if (f.size() == 3 && f[0] == "F")
      r.failures.push_back({f[1], f[2]});
    else if (f.size() == 1 && f[0] == "E")
      ended = true;
  }
  if (!ended)
    r.failures.push_back({"crash", "the replay " + exit_text(status)});
  return r;
}

} // namespace

bool replay_outcome::shows(const std::string& failure) const {
  return std::any_of(failures.begin(), failures.end(),
                     [&](const broken_invariant& b) { return b.name == failure; });
}

std::string replay_outcome::describe() const {
  if (failures.empty())
    return "passed";
  std::string text = "failed with ";
  for (std::size_t i = 0; i < failures.size(); ++i)
    text += (i ? ", " : "") + failures[i].name;
  if (!failures.front().observed.empty())
    text += " (" + failures.front().observed + ")";
  return text;
}

replay_outcome replay_reproducer(const std::string& text, const std::string& name,
                                 std::chrono::milliseconds timeout) {
  int fds[2];
  if (::pipe(fds) != 0)
    throw std::runtime_error(std::string("explore: pipe: ") + std::strerror(errno));
  std::fflush(nullptr);
  auto deadline = clock_type::now() + timeout;
  pid_t pid = ::fork();
  if (pid < 0)
    throw std::runtime_error(std::string("explore: fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    replay_child(text, name, fds[1]);
  }
  ::close(fds[1]);
  std::string out;
  bool in_time = read_until(fds[0], deadline, out);
  if (!in_time)
    ::kill(pid, SIGKILL);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!in_time)
    return {
      {{"timeout", "the replay took longer than " + format_duration(timeout) + " (wall time)"}}};
  return parse(out, status);
}

} // namespace protobed::explore
