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

void log_line(caf::stateful_actor<node_state>* self, const std::string& line) {
  if (self->state.log)
    self->state.log("protobed node " + self->state.node_name + ": " + line);
}

/// Records a run's participants and world, watching the driver and them.
void keep_run(caf::stateful_actor<node_state>* self, const caf::actor& network,
              std::unique_ptr<world> w, const std::vector<caf::actor>& spawned) {
  auto& st = self->state;
  auto key = network.address();
  bool first = st.runs.count(key) == 0;
  auto& run = st.runs[key];
  if (first) {
    self->monitor(network);
    ++st.served;
  }
  for (const auto& a : spawned) {
    self->monitor(a);
    run.live.insert(a.address());
    st.run_of[a.address()] = key;
  }
  run.spawned += spawned.size();
  run.worlds.push_back(std::move(w));
  if (first)
    log_line(self, "run " + std::to_string(st.served) +
                     " started: " + std::to_string(spawned.size()) + " participant(s)");
}

/// Frees a run whose driver is gone once its participants are all down.
void free_if_done(caf::stateful_actor<node_state>* self, const caf::actor_addr& key) {
  auto i = self->state.runs.find(key);
  if (i == self->state.runs.end() || !i->second.driver_gone || !i->second.live.empty())
    return;
  auto n = i->second.spawned;
  self->state.runs.erase(i);
  log_line(self, "run ended, freed " + std::to_string(n) + " participant(s); " +
                   std::to_string(self->state.runs.size()) + " run(s) held");
}

void on_down(caf::stateful_actor<node_state>* self, const caf::down_msg& msg) {
  auto& st = self->state;
  if (auto p = st.run_of.find(msg.source); p != st.run_of.end()) { // a participant
    auto key = p->second;
    st.run_of.erase(p);
    if (auto r = st.runs.find(key); r != st.runs.end())
      r->second.live.erase(msg.source);
    return free_if_done(self, key);
  }
  auto r = st.runs.find(msg.source); // a driver: the run is over
  if (r == st.runs.end())
    return;
  r->second.driver_gone = true;
  for (const auto& who : r->second.live)
    if (auto a = caf::actor_cast<caf::actor>(who))
      self->send_exit(a, caf::exit_reason::user_shutdown);
  free_if_done(self, msg.source);
}

spawn_reply spawn_here(caf::stateful_actor<node_state>* self, const std::string& text,
                       const std::string& file, const std::vector<std::string>& overrides,
                       std::uint64_t seed, const std::vector<std::string>& names,
                       const std::string& keys_text, const caf::actor& network,
                       std::int64_t elapsed_ns) {
  std::vector<option_override> sets;
  for (const auto& o : overrides)
    if (auto parsed = parse_override(o))
      sets.push_back(*parsed);
  try {
    auto s = load_scenario_text(text, file, sets);
    std::set<std::string> only(names.begin(), names.end());
    auto keys = decode_key_material(keys_text);
    if (!keys)
      return {std::vector<caf::actor>{},
              "node " + self->state.node_name + " got malformed keys from the driver"};
    auto w = std::make_unique<world>();
    build_world(s, world_options{seed, true, false, &only, &*keys}, *w);
    auto start = self->clock().now() - std::chrono::nanoseconds(elapsed_ns);
    std::vector<caf::actor> out;
    for (const auto& n : names) {
      if (w->cores.count(n) == 0)
        return {std::vector<caf::actor>{},
                "node " + self->state.node_name + " has no participant '" + n + "' to spawn"};
      out.push_back(self->spawn(participant_actor,
                                participant_setup{n, w->cores[n], w->rngs[n], network, start,
                                                  nullptr, w->queue_delay_limit, w->workers[n]}));
    }
    keep_run(self, network, std::move(w), out);
    return {out, ""};
  } catch (const std::exception& e) {
    return {std::vector<caf::actor>{},
            "node " + self->state.node_name + " cannot load the scenario: " + e.what()};
  }
}

} // namespace

caf::behavior node_actor(caf::stateful_actor<node_state>* self, std::string name,
                         std::function<void(const std::string&)> log) {
  self->state.node_name = std::move(name);
  self->state.log = std::move(log);
  self->set_down_handler([=](caf::down_msg& msg) { on_down(self, msg); });
  return {
    [=](pb_spawn_atom, const std::string& text, const std::string& file,
        const std::vector<std::string>& overrides, std::uint64_t seed,
        const std::vector<std::string>& names, const std::string& keys, const caf::actor& network,
        std::int64_t elapsed_ns) -> spawn_reply {
      return spawn_here(self, text, file, overrides, seed, names, keys, network, elapsed_ns);
    },
    [=](pb_status_atom) {
      return std::make_tuple(static_cast<std::uint64_t>(self->state.runs.size()),
                             static_cast<std::uint64_t>(self->state.served));
    },
    [=](pb_stop_atom) {
      for (const auto& [who, run] : self->state.run_of)
        if (auto a = caf::actor_cast<caf::actor>(who))
          self->send_exit(a, caf::exit_reason::user_shutdown);
      self->quit();
    },
  };
}

} // namespace protobed
