// What a benchmark knows about the machine: the cores it may use (affinity,
// cgroup quota) and the CPU other processes took (/proc/stat).
#include <catch2/catch.hpp>

#include <sched.h>

#include "benchmarks/machine.hpp"
#include "benchmarks/overhead.hpp"

using namespace protobed::bench;

TEST_CASE("a cgroup v2 cpu.max gives the quota in cores", "[bench][machine]") {
  CHECK(parse_cpu_max("max 100000") == 0);
  CHECK(parse_cpu_max("150000 100000") == Approx(1.5));
  CHECK(parse_cpu_max("50000 100000") == Approx(0.5));
  CHECK(parse_cpu_max("") == 0);
  CHECK(parse_cpu_max("junk") == 0);
  CHECK(parse_cpu_max("100000 0") == 0);
}

TEST_CASE("/proc/stat's cpu line gives busy and steal seconds", "[bench][machine]") {
  // user nice system idle iowait irq softirq steal guest guest_nice
  auto m = parse_proc_stat("cpu  1000 20 300 5000 40 5 6 70 0 0", 100);
  REQUIRE(m.known);
  CHECK(m.busy_seconds == Approx((1000 + 20 + 300 + 5 + 6 + 70) / 100.0));
  CHECK(m.steal_seconds == Approx(0.7));
  CHECK_FALSE(parse_proc_stat("cpu0 1 2 3 4 5 6 7 8", 100).known);
  CHECK_FALSE(parse_proc_stat("cpu 1 2", 100).known);
  CHECK(read_machine_cpu().known); // Linux
}

TEST_CASE("usable cores follow the CPU affinity", "[bench][machine]") {
  auto all = find_usable_cores();
  CHECK(all.cores >= 1);
  CHECK(all.affinity <= all.online);
  cpu_set_t saved;
  REQUIRE(sched_getaffinity(0, sizeof(saved), &saved) == 0);
  if (CPU_COUNT(&saved) < 2)
    return; // nothing to restrict
  cpu_set_t one;
  CPU_ZERO(&one);
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &saved)) {
      CPU_SET(c, &one);
      break;
    }
  REQUIRE(sched_setaffinity(0, sizeof(one), &one) == 0);
  auto pinned = find_usable_cores();
  sched_setaffinity(0, sizeof(saved), &saved);
  CHECK(pinned.affinity == 1);
  if (all.quota == 0 || all.quota >= 1) { // a quota below one core would be the tighter limit
    CHECK(pinned.cores == Approx(1.0));
    CHECK(pinned.limited_by == "affinity");
  }
}

TEST_CASE("bench --overhead alternates its slices on-off, off-on so a drift cancels", "[bench]") {
  std::string pattern;
  for (std::size_t k = 0; k < 8; ++k)
    pattern += protobed::bench::counting_in_slice(k) ? '1' : '0';
  CHECK(pattern == "10011001");
  CHECK(protobed::bench::slice_of(std::chrono::milliseconds(450), std::chrono::milliseconds(200)) ==
        2);
  CHECK(protobed::bench::slice_of(protobed::sim_time{-5}, std::chrono::milliseconds(200)) == 0);
}
