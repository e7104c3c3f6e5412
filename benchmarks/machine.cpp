#include "benchmarks/machine.hpp"

#include <cryptopp/config_ver.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace protobed::bench {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size())
        return line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string read_small(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

unsigned affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0)
    return 0;
  return static_cast<unsigned>(CPU_COUNT(&set));
}

/// The process's cgroup paths: v2's ("0::/path") and v1's cpu controller's.
void cgroup_paths(std::string& v2, std::string& v1_cpu) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos)
      continue;
    auto controllers = line.substr(a + 1, b - a - 1);
    auto path = line.substr(b + 1);
    if (line.rfind("0::", 0) == 0)
      v2 = path;
    std::stringstream list(controllers);
    for (std::string c; std::getline(list, c, ',');)
      if (c == "cpu")
        v1_cpu = path;
  }
}

/// The tightest quota along `path` and its parents, in cores; 0 = none.
template <class Read>
double tightest(std::string path, Read read_quota) {
  double best = 0;
  while (true) {
    double q = read_quota(path);
    if (q > 0 && (best == 0 || q < best))
      best = q;
    if (path.empty() || path == "/")
      return best;
    auto slash = path.rfind('/');
    path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
  }
}

double cgroup_quota() {
  std::string v2, v1;
  cgroup_paths(v2, v1);
  if (!v1.empty())
    if (double q = tightest(v1, [](const std::string& p) {
          auto dir = "/sys/fs/cgroup/cpu" + (p == "/" ? std::string{} : p);
          auto quota = read_small(dir + "/cpu.cfs_quota_us");
          auto period = read_small(dir + "/cpu.cfs_period_us");
          try {
            double qv = std::stod(quota), pv = std::stod(period);
            return qv > 0 && pv > 0 ? qv / pv : 0.0;
          } catch (const std::exception&) {
            return 0.0;
          }
        }))
      return q;
  if (!v2.empty())
    return tightest(v2, [](const std::string& p) {
      return parse_cpu_max(
        read_small("/sys/fs/cgroup" + (p == "/" ? std::string{} : p) + "/cpu.max"));
    });
  return 0;
}

} // namespace

double parse_cpu_max(const std::string& text) {
  std::stringstream in(text);
  std::string quota;
  double period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0)
    return 0;
  try {
    double q = std::stod(quota);
    return q > 0 ? q / period : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

usable_cores find_usable_cores() {
  usable_cores u;
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  u.online = online > 0 ? static_cast<unsigned>(online) : 1;
  u.affinity = affinity_cpus();
  if (u.affinity == 0)
    u.affinity = u.online;
  u.quota = cgroup_quota();
  u.cores = u.affinity;
  if (u.affinity < u.online)
    u.limited_by = "affinity";
  if (u.quota > 0 && u.quota < u.cores) {
    u.cores = u.quota;
    u.limited_by = "cgroup quota";
  }
  return u;
}

machine_cpu parse_proc_stat(const std::string& first_line, double ticks_per_second) {
  std::stringstream in(first_line);
  std::string label;
  in >> label;
  std::vector<double> f;
  for (double v; in >> v;)
    f.push_back(v);
  machine_cpu m;
  if (label != "cpu" || f.size() < 8 || ticks_per_second <= 0)
    return m;
  // user nice system idle iowait irq softirq steal [guest guest_nice: inside user]
  m.busy_seconds = (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / ticks_per_second;
  m.steal_seconds = f[7] / ticks_per_second;
  m.known = true;
  return m;
}

machine_cpu read_machine_cpu() {
  static const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  char line[256] = {};
  FILE* f = std::fopen("/proc/stat", "r");
  if (!f)
    return {};
  bool ok = std::fgets(line, sizeof(line), f) != nullptr;
  std::fclose(f);
  return ok ? parse_proc_stat(line, hz) : machine_cpu{};
}

machine_info describe_machine() {
  machine_info m;
  m.cpu_model = cpu_model();
  m.usable = find_usable_cores();
  int v = CRYPTOPP_VERSION;
  m.cryptopp =
    std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." + std::to_string(v % 10);
  return m;
}

} // namespace protobed::bench
