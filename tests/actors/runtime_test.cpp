// Small runtime pieces: durations, SMS codes, the option reader.
#include <catch2/catch.hpp>

#include "actors/runtime/config.hpp"
#include "actors/runtime/time.hpp"

using namespace protobed;
using namespace std::chrono_literals;

TEST_CASE("durations parse with units and print exactly", "[runtime][time]") {
  CHECK(parse_duration("250ms") == 250ms);
  CHECK(parse_duration("1.5s") == 1500ms);
  CHECK(parse_duration("6min") == 6min);
  CHECK(parse_duration("2h") == 2h);
  CHECK(parse_duration("10us") == 10us);
  CHECK(parse_duration("0") == 0s);
  for (auto bad : {"", "5", "s", "5 s", "-5s", "5sec", "1e3s", ".5s", "999999999h"})
    CHECK_FALSE(parse_duration(bad));
  CHECK(format_duration(5s) == "5s");
  CHECK(format_duration(1500ms) == "1500ms");
  CHECK(format_duration(6min) == "6min");
  CHECK(format_seconds(2007ms) == "2.007s");
}

TEST_CASE("the option reader rejects unknown and missing options", "[runtime][config]") {
  std::vector<option_doc> schema = {{"bank", "string", "", "the bank"},
                                    {"timeout", "duration", "5s", "wait"}};
  config_node map;
  map.kind = config_node::type::map;
  map.entries.push_back({"bank", {3, 5}, config_node::make_scalar("b", {3, 11})});
  map.entries.push_back({"timout", {4, 5}, config_node::make_scalar("1s", {4, 13})});
  try {
    option_reader r(map, "participant 'alice'", schema);
    FAIL("no error");
  } catch (const config_error& e) {
    CHECK(std::string(e.what()) ==
          "unknown option 'timout' for participant 'alice' (did you mean 'timeout'?)");
    CHECK(e.pos().line == 4);
    CHECK(e.pos().column == 5);
  }
  map.entries.pop_back();
  option_reader ok(map, "participant 'alice'", schema);
  CHECK(ok.str("bank") == "b");
  CHECK(ok.duration("timeout", 5s) == 5s);
  map.entries.clear();
  CHECK_THROWS_AS(option_reader(map, "p", schema), config_error);
}

TEST_CASE("a signed duration may be behind, an ordinary one may not", "[runtime][config]") {
  std::vector<option_doc> schema = {{"clock_offset", "duration", "0s", "how far off"}};
  auto offset = [&](const std::string& text, bool may_be_behind) {
    config_node map; // kept alive while the reader reads it
    map.kind = config_node::type::map;
    map.entries.push_back({"clock_offset", {2, 3}, config_node::make_scalar(text, {2, 17})});
    option_reader r(map, "participant 'alice'", schema);
    return may_be_behind ? r.signed_duration("clock_offset", 0s) : r.duration("clock_offset", 0s);
  };
  CHECK(offset("-20s", true) == -20s);
  CHECK(offset("1500ms", true) == 1500ms);
  CHECK_THROWS_AS(offset("-20s", false), config_error);
  CHECK_THROWS_AS(offset("--20s", true), config_error);
  CHECK_THROWS_AS(offset("-", true), config_error);
}
