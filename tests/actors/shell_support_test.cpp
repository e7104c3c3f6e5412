// The shell's own machinery, without CAF: the timer queue and the activity count.
#include <catch2/catch.hpp>

#include <thread>

#include "actors/runtime/timer_queue.hpp"
#include "actors/shell/activity.hpp"

using namespace protobed;
using namespace std::chrono_literals;

namespace {

timer_id t(const char* purpose, std::uint64_t index = 0) {
  return {purpose, index};
}

/// Every timer due at `now` and armed before this call, in firing order.
std::vector<std::string> fire(timer_queue& q, sim_time now) {
  std::vector<std::string> out;
  auto mark = q.mark();
  while (auto id = q.take_due(now, mark))
    out.push_back(id->text());
  return out;
}

} // namespace

TEST_CASE("timers fire by deadline, then in the order they were armed", "[runtime][timers]") {
  timer_queue q;
  q.arm(t("b"), 2s);
  q.arm(t("a"), 1s);
  q.arm(t("c"), 2s);
  CHECK(fire(q, 500ms).empty());
  CHECK(fire(q, 2s) == std::vector<std::string>{"a.0", "b.0", "c.0"});
  CHECK(q.armed() == 0);
}

TEST_CASE("a cancelled timer never fires, a re-armed one fires once, at its new time",
          "[runtime][timers]") {
  timer_queue q;
  CHECK(q.arm(t("x"), 1s));
  CHECK_FALSE(q.arm(t("x"), 3s)); // re-armed: not new
  CHECK(q.arm(t("y"), 2s));
  CHECK(q.cancel(t("y")));
  CHECK_FALSE(q.cancel(t("y")));
  CHECK(fire(q, 2s).empty());
  CHECK(fire(q, 3s) == std::vector<std::string>{"x.0"});
}

TEST_CASE("one clock wakeup serves every later timer, an earlier timer asks for its own",
          "[runtime][timers]") {
  timer_queue q;
  q.arm(t("a"), 10s);
  CHECK(q.wakeup_needed() == sim_time(10s));
  for (std::uint64_t i = 0; i < 100; ++i) { // the usual case: later timeouts, one wakeup
    q.arm(t("later", i), 20s + sim_time(i));
    CHECK_FALSE(q.wakeup_needed());
  }
  q.arm(t("sooner"), 5s);
  CHECK(q.wakeup_needed() == sim_time(5s));
  CHECK_FALSE(q.wakeup_needed());
  q.woke(5s);
  CHECK(fire(q, 5s) == std::vector<std::string>{"sooner.0"});
  CHECK_FALSE(q.wakeup_needed()); // the 10s wakeup is still on its way
  q.woke(10s);
  CHECK(fire(q, 10s) == std::vector<std::string>{"a.0"});
  CHECK(q.wakeup_needed() == sim_time(20s));
}

TEST_CASE("a wakeup that finds its timer cancelled asks for the next live one",
          "[runtime][timers]") {
  timer_queue q;
  q.arm(t("a"), 1s);
  q.arm(t("b"), 4s);
  CHECK(q.wakeup_needed() == sim_time(1s));
  q.cancel(t("a"));
  q.woke(1s);
  CHECK(fire(q, 1s).empty());
  CHECK(q.wakeup_needed() == sim_time(4s));
}

TEST_CASE("a timer armed while due ones fire waits for its own wakeup", "[runtime][timers]") {
  timer_queue q;
  q.arm(t("a"), 1s);
  auto mark = q.mark();
  auto first = q.take_due(1s, mark);
  REQUIRE(first);
  q.arm(t("again"), 1s); // a zero-delay timer armed by a's handler
  CHECK_FALSE(q.take_due(1s, mark));
  CHECK(fire(q, 1s) == std::vector<std::string>{"again.0"});
}

TEST_CASE("a crash forgets every timer, cancelled timers do not pile up", "[runtime][timers]") {
  timer_queue q;
  for (std::uint64_t i = 0; i < 10000; ++i) { // arm a timeout per request, cancel it on reply
    q.arm(t("request", i), 60s + sim_time(i));
    q.cancel(t("request", i));
  }
  CHECK(q.held() <= 64 + 2);
  q.arm(t("a"), 1s);
  q.arm(t("b"), 2s);
  CHECK(q.clear() == 2);
  CHECK(q.armed() == 0);
  CHECK(fire(q, 1h).empty());
}

TEST_CASE("a crash hands over its live deadlines, earliest first, for a restart with kept state",
          "[runtime][timers]") {
  timer_queue q;
  q.arm(t("late"), 5s);
  q.arm(t("early"), 1s);
  q.arm(t("gone"), 2s);
  q.cancel(t("gone"));
  q.arm(t("early"), 3s); // re-armed: only the new deadline counts
  auto kept = q.take_all();
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].first.text() == "early.0");
  CHECK(kept[0].second == 3s);
  CHECK(kept[1].first.text() == "late.0");
  CHECK(kept[1].second == 5s);
  CHECK(q.armed() == 0);
  CHECK(fire(q, 1h).empty());
}

TEST_CASE("the director's wait on the activity count wakes when it reaches zero",
          "[runtime][activity]") {
  activity act;
  act.add(2);
  CHECK_FALSE(act.wait_quiet_for(std::chrono::milliseconds(1)));
  std::thread worker([&] {
    act.done();
    act.done();
  });
  // Without the wakeup this would sleep the whole hour (and ctest's timeout fails it).
  CHECK(act.wait_quiet_for(std::chrono::hours(1)));
  worker.join();
  act.add(1);
  act.add(-1); // a negative add reaching zero wakes too
  CHECK(act.wait_quiet_for(std::chrono::hours(1)));
}
