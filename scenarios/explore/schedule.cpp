#include "scenarios/explore/schedule.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <set>

#include "crypto/rng.hpp"
#include "scenarios/explore/yaml_writer.hpp"

namespace protobed::explore {

namespace {

/// The seed's choices, each a small helper over one deterministic stream.
class dice {
public:
  explicit dice(std::uint64_t seed)
    : rng_(crypto::rng::deterministic(seed, "explore.schedule")) {}

  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) {
    return lo >= hi ? lo : rng_.uniform(lo, hi);
  }
  bool chance(std::uint32_t percent) {
    return rng_.uniform(0, 99) < percent;
  }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[rng_.uniform(0, static_cast<std::uint32_t>(v.size() - 1))];
  }
  std::string ms(std::uint32_t lo, std::uint32_t hi) {
    return std::to_string(between(lo, hi)) + "ms";
  }
  /// A probability in [0.01, max], two decimals.
  std::string probability(double max) {
    auto hundredths = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(max * 100));
    auto p = between(1, hundredths);
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%u.%02u", p / 100, p % 100);
    return buf;
  }

private:
  crypto::rng rng_;
};

struct context {
  const scenario& s;
  std::vector<hop_choice> hops;
  std::vector<std::string> downable; ///< may crash, go offline, be cut off
  std::uint32_t horizon_ms = 0;
  dice& d;
};

config_node one(const std::string& key, config_node body) {
  auto n = map_node();
  put(n, key, std::move(body));
  return n;
}

std::uint32_t horizon_ms(const scenario& s) {
  if (s.explore.horizon)
    return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(*s.explore.horizon).count());
  sim_time last{0};
  for (const auto& st : s.steps)
    last = std::max(last, st.at);
  return static_cast<std::uint32_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(last).count() + 10000);
}

/// Which packets a packet fault applies to: one hop's kind, or any; now and
/// then only towards one participant.
void packet_filter(context& c, config_node& f) {
  if (!c.hops.empty() && c.d.chance(60)) {
    const auto& h = c.d.pick(c.hops);
    put(f, "kind", h.kind);
    if (!h.receivers.empty() && c.d.chance(30))
      put(f, "to", c.d.pick(h.receivers));
  }
}

config_node packet_fault(context& c, const std::string& type) {
  auto f = map_node();
  packet_filter(c, f);
  put(f, "probability", c.d.probability(c.s.explore.max_probability));
  if (c.d.chance(25))
    put(f, "count", std::to_string(c.d.between(1, 3)));
  if (type == "drop" && c.d.chance(50))
    put(f, "burst", std::to_string(c.d.between(2, 4)));
  if (type == "delay") {
    put(f, "by", c.d.ms(0, 1500));
    if (c.d.chance(50))
      put(f, "jitter", c.d.ms(1, 500));
  }
  if (type == "duplicate") {
    put(f, "copies", std::to_string(c.d.between(1, 2)));
    put(f, "spacing", c.d.ms(0, 500));
  }
  if (type == "reorder")
    put(f, "hold", c.d.ms(100, 2000));
  if (type == "corrupt")
    put(f, "bytes", std::to_string(c.d.between(1, 3)));
  return f;
}

config_node window_fault(context& c, const std::string& type) {
  auto f = map_node();
  const auto& who = c.d.pick(c.downable);
  auto start = c.d.between(0, c.horizon_ms);
  auto end = std::to_string(start + c.d.between(200, 8000)) + "ms";
  if (type == "partition") {
    auto side = list_node();
    side.items.push_back(scalar_node(who));
    put(f, "participants", std::move(side));
    put(f, "from", std::to_string(start) + "ms");
    put(f, "until", end);
  } else if (type == "offline") {
    put(f, "participant", who);
    put(f, "from", std::to_string(start) + "ms");
    put(f, "until", end);
  } else {
    put(f, "participant", who);
    put(f, "at", std::to_string(start) + "ms");
    if (c.d.chance(85))
      put(f, "restart", end);
    // A durable role keeps its state (its disk survives); another one loses
    // it, as its role says, or now and then keeps it.
    if (!c.s.find(who)->role->durable && c.d.chance(30))
      put(f, "state", "kept");
  }
  return f;
}

std::optional<schedule_item> draw_fault(context& c) {
  std::vector<std::string> kinds;
  for (const auto& k : c.s.explore.fault_kinds) {
    bool needs_participant = k == "partition" || k == "offline" || k == "crash";
    if (!needs_participant || !c.downable.empty())
      kinds.push_back(k);
  }
  if (kinds.empty())
    return std::nullopt;
  const auto& type = c.d.pick(kinds);
  bool timed = type == "partition" || type == "offline" || type == "crash";
  return schedule_item{schedule_item::part::fault,
                       one(type, timed ? window_fault(c, type) : packet_fault(c, type))};
}

/// The link an action watches: one sender of the hop to one receiver ("*"
/// for a side no participant plays). Links of other hops stay untapped: the
/// OTP's SMS to a client is not the merchant's link to it.
std::string link_of(context& c, const hop_choice& h) {
  auto side = [&](const std::vector<std::string>& v) {
    return v.empty() ? std::string("*") : c.d.pick(v);
  };
  auto from = side(h.senders);
  return from + "->" + side(h.receivers);
}

/// Which packets an action takes. Replays, injections and forgeries may take
/// every packet of the kind; a drop or tamper takes one, because one that
/// takes every packet on a link only shows that an attacker who cuts a link
/// stops what crosses it.
config_node match_of(context& c, const hop_choice& h, bool may_take_all) {
  auto m = map_node();
  put(m, "link", link_of(c, h));
  put(m, "kind", h.kind);
  // The first packet of the kind half the time, every one a quarter, else a later one.
  auto roll = c.d.between(0, 3);
  if (roll <= 1 || (roll == 2 && !may_take_all))
    put(m, "occurrence", "1");
  else if (roll == 3)
    put(m, "occurrence", std::to_string(c.d.between(2, 3)));
  return m;
}

const message_schema* schema_of(const scenario& s, const std::string& kind) {
  for (const auto& m : s.registry().schemas())
    if (m.kind == kind)
      return &m;
  return nullptr;
}

/// A packet of the hop's kind built by the attacker: in a sender's name, to a
/// receiver, with some fields copied from the packet it intercepts and the
/// rest its own (fresh nonces, its own keys), amounts now and then its own.
config_node forge_action(context& c, const hop_choice& h) {
  auto a = map_node();
  put(a, "kind", h.kind);
  auto on = match_of(c, h, true);
  put(a, "on", on);
  if (!h.senders.empty())
    put(a, "from", c.d.pick(h.senders));
  if (!h.receivers.empty())
    put(a, "to", c.d.pick(h.receivers));
  auto fields = map_node();
  if (const auto* schema = schema_of(c.s, h.kind)) {
    for (const auto& f : schema->fields) {
      if (f.type == "amount" && c.d.chance(30)) {
        static const std::vector<std::string> amounts = {"0", "1", "-1", "1000000"};
        put(fields, f.name, c.d.pick(amounts));
      } else if (c.d.chance(60)) {
        auto src = map_node();
        put(src, "matched", f.name);
        put(fields, f.name, std::move(src));
      }
    }
  }
  if (!fields.entries.empty())
    put(a, "fields", std::move(fields));
  return a;
}

config_node attack_action(context& c, const std::string& type, const hop_choice& h) {
  if (type == "forge")
    return forge_action(c, h);
  if (type == "inject") {
    auto a = map_node();
    put(a, "at", c.d.ms(0, c.horizon_ms));
    put(a, "copy_of", match_of(c, h, true));
    if (h.receivers.size() > 1 && c.d.chance(30))
      put(a, "to", c.d.pick(h.receivers));
    return a;
  }
  auto a = match_of(c, h, type == "replay");
  if (type == "replay") {
    put(a, "after", c.d.ms(0, 2000));
    put(a, "times", std::to_string(c.d.between(1, 2)));
    if (h.receivers.size() > 1 && c.d.chance(30))
      put(a, "to", c.d.pick(h.receivers));
  }
  if (type == "tamper")
    put(a, "random", "true");
  return a;
}

schedule_item draw_action(context& c) {
  const auto& type = c.d.pick(c.s.explore.attacks);
  const auto& hop = c.d.pick(c.hops);
  return {schedule_item::part::action, one(type, attack_action(c, type, hop))};
}

} // namespace

std::string schedule_item::describe() const {
  return std::string(where == part::fault ? "fault " : "action ") + to_flow(body);
}

std::size_t schedule::faults() const {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [](const auto& i) {
    return i.where == schedule_item::part::fault;
  }));
}

std::size_t schedule::actions() const {
  return items.size() - faults();
}

std::vector<hop_choice> hops_in(const scenario& s) {
  std::set<std::string> kinds;
  for (const auto& p : s.participants)
    kinds.insert(p.role->kinds.begin(), p.role->kinds.end());
  auto players = [&](const std::string& role) {
    std::vector<std::string> out;
    for (const auto& p : s.participants)
      if (p.role->name == role)
        out.push_back(p.name);
    return out;
  };
  std::vector<hop_choice> out;
  for (const auto& proto : s.registry().protocols())
    for (const auto& h : proto.hops)
      if (kinds.count(h.kind))
        out.push_back({h.kind, players(h.from_role), players(h.to_role)});
  return out;
}

schedule draw_schedule(const scenario& s, std::uint64_t seed) {
  dice d(seed);
  context c{s, hops_in(s), {}, horizon_ms(s), d};
  for (const auto& p : s.participants) {
    const auto& up = s.explore.always_up;
    if (p.role->name != "attacker" && std::find(up.begin(), up.end(), p.name) == up.end())
      c.downable.push_back(p.name);
  }
  schedule out;
  auto faults = d.between(s.explore.min_faults, s.explore.max_faults);
  auto actions = c.hops.empty() ? 0 : d.between(s.explore.min_actions, s.explore.max_actions);
  for (std::uint32_t i = 0; i < faults; ++i)
    if (auto f = draw_fault(c))
      out.items.push_back(std::move(*f));
  for (std::uint32_t i = 0; i < actions; ++i)
    out.items.push_back(draw_action(c));
  return out;
}

} // namespace protobed::explore
