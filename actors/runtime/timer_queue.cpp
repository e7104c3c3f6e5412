#include "actors/runtime/timer_queue.hpp"

namespace protobed {

bool timer_queue::arm(const timer_id& id, sim_time deadline) {
  auto generation = next_generation_++;
  auto [it, fresh] = live_.insert_or_assign(id, generation);
  heap_.push(entry{deadline, generation, id});
  if (heap_.size() > 2 * live_.size() + 64)
    compact(); // cancelled timers far in the future would otherwise pile up
  return fresh;
}

bool timer_queue::cancel(const timer_id& id) {
  return live_.erase(id) != 0; // its heap entry is now stale, dropped when reached
}

std::size_t timer_queue::clear() {
  auto n = live_.size();
  live_.clear();
  heap_ = {};
  return n;
}

std::vector<std::pair<timer_id, sim_time>> timer_queue::take_all() {
  std::vector<std::pair<timer_id, sim_time>> out;
  for (; !heap_.empty(); heap_.pop())
    if (is_live(heap_.top()))
      out.emplace_back(heap_.top().id, heap_.top().deadline);
  live_.clear();
  return out;
}

bool timer_queue::is_live(const entry& e) const {
  auto i = live_.find(e.id);
  return i != live_.end() && i->second == e.generation;
}

void timer_queue::drop_stale_top() {
  while (!heap_.empty() && !is_live(heap_.top()))
    heap_.pop();
}

void timer_queue::compact() {
  std::vector<entry> keep;
  keep.reserve(live_.size());
  while (!heap_.empty()) {
    if (is_live(heap_.top()))
      keep.push_back(heap_.top());
    heap_.pop();
  }
  heap_ = decltype(heap_)(std::greater<entry>{}, std::move(keep));
}

std::optional<timer_id> timer_queue::take_due(sim_time now, std::uint64_t mark) {
  drop_stale_top();
  if (heap_.empty() || heap_.top().deadline > now || heap_.top().generation >= mark)
    return std::nullopt;
  auto id = heap_.top().id;
  heap_.pop();
  live_.erase(id);
  return id;
}

void timer_queue::woke(sim_time at) {
  auto i = wakeups_.find(at);
  if (i != wakeups_.end())
    wakeups_.erase(i);
}

std::optional<sim_time> timer_queue::wakeup_needed() {
  drop_stale_top();
  if (heap_.empty())
    return std::nullopt;
  auto due = heap_.top().deadline;
  if (!wakeups_.empty() && *wakeups_.begin() <= due)
    return std::nullopt; // an earlier (or same) wakeup is on its way
  wakeups_.insert(due);
  return due;
}

} // namespace protobed
