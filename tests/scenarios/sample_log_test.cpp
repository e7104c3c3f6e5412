// The bench's counter samples stay bounded and evenly spaced on long runs.
#include <catch2/catch.hpp>

#include "benchmarks/analysis.hpp"

using namespace protobed;

TEST_CASE("the bench keeps at most its limit of samples, evenly spaced", "[bench]") {
  bench::sample_log log(8);
  for (int i = 0; i < 8; ++i)
    log.offer({sim_time(i), {}, 0, {}});
  REQUIRE(log.samples().size() == 8); // not thinned until it must be
  for (int i = 8; i < 1000; ++i)
    log.offer({sim_time(i), {}, 0, {}});
  const auto& kept = log.samples();
  CHECK(kept.size() <= 8);
  CHECK(kept.size() >= 4);
  CHECK(kept.front().t == sim_time(0));
  auto step = kept[1].t - kept[0].t;
  for (std::size_t i = 1; i < kept.size(); ++i)
    CHECK(kept[i].t - kept[i - 1].t == step);
  CHECK(kept.back().t >= sim_time(1000) - step); // it still reaches the end of the run
}
