// What a benchmark ran on, recorded beside every result: the CPU, how many
// cores this process may really use, and how busy the rest of the machine was.
#pragma once

#include <cstdint>
#include <string>

namespace protobed::bench {

/// The cores this process may use: the CPUs of its affinity mask, capped by
/// a cgroup CPU quota (v2 `cpu.max` or v1 `cpu.cfs_quota_us`, the tightest
/// along the process's cgroup path). A quota can make it fractional.
struct usable_cores {
  double cores = 1;
  unsigned affinity = 1;  ///< CPUs in the affinity mask
  double quota = 0;       ///< cores the cgroup quota allows; 0: no quota
  unsigned online = 1;    ///< CPUs the machine has online
  std::string limited_by; ///< "affinity", "cgroup quota" or "" (all online CPUs)
};

struct machine_info {
  std::string cpu_model; ///< from /proc/cpuinfo, or "unknown"
  usable_cores usable;
  std::string cryptopp; ///< Crypto++ library version, e.g. "8.7.0"
};

machine_info describe_machine();
usable_cores find_usable_cores();

/// The whole machine's CPU time so far, from /proc/stat's `cpu` line, in
/// seconds: busy (user, nice, system, irq, softirq, steal) and all.
struct machine_cpu {
  double busy_seconds = 0;
  double steal_seconds = 0;
  bool known = false;
};
machine_cpu read_machine_cpu();

/// Parses /proc/stat's first line (for tests); `ticks_per_second` is USER_HZ.
machine_cpu parse_proc_stat(const std::string& first_line, double ticks_per_second);

/// Parses a cgroup v2 `cpu.max` ("max 100000" or "150000 100000") into cores; 0 = no quota.
double parse_cpu_max(const std::string& text);

} // namespace protobed::bench
