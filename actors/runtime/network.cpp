#include "actors/runtime/network.hpp"

#include <algorithm>
#include <cstdint>

namespace protobed {

bool link_filter::matches(const packet& p) const {
  return (from == "*" || from == p.from) && (to == "*" || to == p.to) &&
         (kind == "*" || kind == p.kind);
}

std::string link_filter::describe() const {
  return from + "->" + to + (kind == "*" ? std::string{} : " " + kind);
}

const char* to_string(fault_type t) {
  switch (t) {
    case fault_type::drop:
      return "drop";
    case fault_type::delay:
      return "delay";
    case fault_type::duplicate:
      return "duplicate";
    case fault_type::reorder:
      return "reorder";
    case fault_type::corrupt:
      return "corrupt";
  }
  return "?";
}

network_core::network_core(network_config cfg, crypto::rng r)
  : cfg_(std::move(cfg))
  , rng_(std::move(r))
  , state_(cfg_.faults.size()) {}

bool network_core::fires(std::size_t i, const packet& p) {
  const auto& rule = cfg_.faults[i];
  auto& st = state_[i];
  if (!rule.on.matches(p))
    return false;
  if (st.burst_left > 0) { // the rest of a burst: no draw, no count
    --st.burst_left;
    return true;
  }
  if (++st.matched <= rule.after)
    return false;
  if (rule.count && st.applied >= *rule.count)
    return false;
  // Draw only for probabilistic rules, so adding a certain fault does not
  // shift the random stream of the others.
  if (rule.probability < 1.0) {
    auto draw = rng_.uniform(0, 999'999);
    if (draw >= static_cast<std::uint32_t>(rule.probability * 1'000'000))
      return false;
  }
  ++st.applied;
  if (rule.type == fault_type::drop)
    st.burst_left = rule.burst - 1;
  return true;
}

std::string network_core::unreachable(const packet& p, sim_time now) const {
  for (const auto& o : cfg_.outages)
    if ((o.participant == p.from || o.participant == p.to) && o.when.contains(now))
      return o.crash ? "crashed" : "offline";
  for (const auto& part : cfg_.partitions) {
    if (!part.when.contains(now))
      continue;
    auto in = [&](const std::string& n) {
      return std::find(part.side.begin(), part.side.end(), n) != part.side.end();
    };
    if (in(p.from) != in(p.to))
      return "partitioned";
  }
  return {};
}

void network_core::corrupt(packet& p, std::uint32_t bytes) {
  if (p.bytes.empty())
    return;
  for (std::uint32_t i = 0; i < bytes; ++i) {
    auto at = rng_.uniform(0, static_cast<std::uint32_t>(p.bytes.size() - 1));
    p.bytes[at] ^= static_cast<std::uint8_t>(rng_.uniform(1, 255));
  }
}

sim_time network_core::latency_of(const packet& p) const {
  for (auto i = cfg_.links.rbegin(); i != cfg_.links.rend(); ++i)
    if (i->on.matches(p))
      return i->latency;
  return cfg_.latency;
}

const tap* network_core::tapped_by(const packet& p) const {
  for (const auto& t : cfg_.taps)
    if (t.on.matches(p) && p.via != t.attacker && p.from != t.attacker && p.to != t.attacker)
      return &t;
  return nullptr;
}

route_result network_core::route(packet p, sim_time now) {
  p.id = take_id();
  route_result r{std::move(p), {}, {}, std::nullopt};
  if (auto why = unreachable(r.p, now); !why.empty()) {
    r.fate = why;
    return r;
  }
  // An attacker on the path sees the packet first, as it leaves the sender.
  if (const auto* t = tapped_by(r.p)) {
    r.fate = "intercepted";
    r.deliveries.push_back({r.p, now, t->attacker});
    return r;
  }
  const auto link = r.p.from + "->" + r.p.to;
  sim_time at = now + latency_of(r.p);
  std::vector<std::string> fates;
  std::uint32_t copies = 0;
  sim_time spacing{0};
  bool hold = false;
  sim_time hold_for = std::chrono::seconds(1);
  for (std::size_t i = 0; i < cfg_.faults.size(); ++i) {
    if (!fires(i, r.p))
      continue;
    const auto& rule = cfg_.faults[i];
    r.rules.push_back(static_cast<std::uint32_t>(i));
    switch (rule.type) {
      case fault_type::drop:
        r.fate = "dropped";
        release_held(link, at, r);
        return r;
      case fault_type::delay:
        at += rule.delay;
        if (rule.jitter.count() > 0) {
          auto us = std::chrono::duration_cast<std::chrono::microseconds>(rule.jitter).count();
          at += std::chrono::microseconds(
            rng_.uniform(0, static_cast<std::uint32_t>(std::min<std::int64_t>(us, UINT32_MAX))));
        }
        fates.push_back("delayed");
        break;
      case fault_type::corrupt:
        corrupt(r.p, rule.bytes);
        fates.push_back("corrupted");
        break;
      case fault_type::duplicate:
        copies += rule.copies;
        spacing = rule.spacing;
        fates.push_back("duplicated");
        break;
      case fault_type::reorder:
        hold = true;
        if (rule.delay.count() > 0)
          hold_for = rule.delay;
        fates.push_back("reordered");
        break;
    }
  }
  if (hold) {
    // Held back until the next packet on this link overtakes it.
    held_.push_back({r.p, link});
    r.hold_until = at + hold_for;
  } else {
    for (std::uint32_t c = 0; c <= copies; ++c)
      r.deliveries.push_back({r.p, at + spacing * c, r.p.to});
  }
  release_held(link, at, r);
  if (fates.empty())
    fates.push_back("delivered");
  for (std::size_t i = 0; i < fates.size(); ++i)
    r.fate += (i ? "+" : "") + fates[i];
  return r;
}

void network_core::release_held(const std::string& link, sim_time after, route_result& r) {
  for (auto i = held_.begin(); i != held_.end();) {
    if (i->link == link && i->p.id != r.p.id) {
      auto target = i->p.to;
      r.deliveries.push_back({std::move(i->p), after + sim_time{1}, std::move(target)});
      i = held_.erase(i);
    } else {
      ++i;
    }
  }
}

std::optional<delivery> network_core::flush(std::uint64_t id, sim_time now) {
  auto i = std::find_if(held_.begin(), held_.end(), [&](const held& h) { return h.p.id == id; });
  if (i == held_.end())
    return std::nullopt;
  auto target = i->p.to;
  delivery d{std::move(i->p), now, std::move(target)};
  held_.erase(i);
  return d;
}

} // namespace protobed
