#include "scenarios/engine/distribution.hpp"

#include <charconv>

#include "actors/shell/caf_types.hpp"
#include "scenarios/engine/loader.hpp"

namespace protobed {

std::optional<node_address> parse_address(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return std::nullopt;
  unsigned port = 0;
  auto p = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc{} || end != p.data() + p.size() || port > 65535)
    return std::nullopt;
  return node_address{text.substr(0, colon), static_cast<std::uint16_t>(port)};
}

std::optional<std::map<std::string, node_address>> parse_nodes(const std::string& text) {
  std::map<std::string, node_address> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      return std::nullopt;
    auto addr = parse_address(item.substr(eq + 1));
    if (!addr || !out.emplace(item.substr(0, eq), *addr).second)
      return std::nullopt;
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

namespace {

using spawn_reply = std::tuple<std::vector<caf::actor>, std::string>;

spawn_reply spawn_here(caf::stateful_actor<node_state>* self, const std::string& text,
                       const std::string& file, const std::vector<std::string>& overrides,
                       std::uint64_t seed, const std::vector<std::string>& names,
                       const caf::actor& network, std::int64_t elapsed_ns) {
  std::vector<option_override> sets;
  for (const auto& o : overrides)
    if (auto parsed = parse_override(o))
      sets.push_back(*parsed);
  try {
    auto s = load_scenario_text(text, file, sets);
    std::set<std::string> only(names.begin(), names.end());
    auto w = std::make_unique<world>();
    build_world(s, world_options{seed, true, true, &only}, *w);
    auto start = self->clock().now() - std::chrono::nanoseconds(elapsed_ns);
    std::vector<caf::actor> out;
    for (const auto& n : names) {
      if (w->cores.count(n) == 0)
        return {std::vector<caf::actor>{},
                "node " + self->state.node_name + " has no participant '" + n + "' to spawn"};
      auto a = self->spawn(participant_actor,
                           participant_setup{n, w->cores[n], w->rngs[n], network, start, nullptr,
                                             w->queue_delay_limit, w->workers[n]});
      self->state.spawned.push_back(a);
      out.push_back(a);
    }
    self->state.worlds.push_back(std::move(w));
    return {out, ""};
  } catch (const std::exception& e) {
    return {std::vector<caf::actor>{},
            "node " + self->state.node_name + " cannot load the scenario: " + e.what()};
  }
}

} // namespace

caf::behavior node_actor(caf::stateful_actor<node_state>* self, std::string name) {
  self->state.node_name = std::move(name);
  return {
    [=](pb_spawn_atom, const std::string& text, const std::string& file,
        const std::vector<std::string>& overrides, std::uint64_t seed,
        const std::vector<std::string>& names, const caf::actor& network,
        std::int64_t elapsed_ns) -> spawn_reply {
      return spawn_here(self, text, file, overrides, seed, names, network, elapsed_ns);
    },
    [=](pb_stop_atom) {
      for (const auto& a : self->state.spawned)
        self->send_exit(a, caf::exit_reason::user_shutdown);
      self->quit();
    },
  };
}

} // namespace protobed
