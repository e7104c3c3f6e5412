#include "tests/support/core_harness.hpp"

#include <stdexcept>

#include "crypto/counters.hpp"
#include "crypto/hash.hpp"

namespace protobed::test {

core_harness::core_harness(std::uint64_t seed)
  : seed_(seed) {}

crypto::rsa_private_key core_harness::long_term_key(const std::string& name) {
  auto i = keys_.find(name);
  if (i == keys_.end()) {
    auto r = crypto::rng::deterministic(seed_, "keys." + name);
    i = keys_.emplace(name, crypto::rsa_private_key::generate(r)).first;
    dir.add_public_key(name, i->second.public_key());
  }
  return i->second;
}

void core_harness::use_key(const std::string& name, crypto::rsa_private_key key) {
  dir.add_public_key(name, key.public_key());
  keys_.insert_or_assign(name, std::move(key));
}

void core_harness::add(const std::string& name, std::unique_ptr<participant_core> c) {
  members_[name] =
    member{std::move(c),
           std::make_unique<crypto::rng>(crypto::rng::deterministic(seed_, "participant." + name)),
           {}};
}

void core_harness::reseed(const std::string& label) {
  for (auto& [name, m] : members_)
    m.rng = std::make_unique<crypto::rng>(
      crypto::rng::deterministic(seed_, "participant." + name + "." + label));
}

participant_core& core_harness::core(const std::string& name) {
  return *members_.at(name).core;
}

void core_harness::schedule(sim_time at, std::function<void()> action) {
  queue_.push(item{at, seq_++, std::move(action)});
}

template <class F>
void core_harness::call(const std::string& name, F&& f) {
  auto& m = members_.at(name);
  context ctx(name, now_, *m.rng);
  f(*m.core, ctx);
  apply(name, ctx.out());
}

void core_harness::apply(const std::string& name, effects& fx) {
  for (auto& e : fx.events) {
    trace_record r;
    r["t"] = now_.count();
    r["type"] = "event";
    r["who"] = name;
    r["name"] = e.name;
    trace_record d = trace_record::object();
    for (const auto& [k, v] : e.details)
      d[k] = v;
    r["details"] = std::move(d);
    records_.push_back(std::move(r));
    events_.emplace_back(name, std::move(e));
  }
  for (auto& o : fx.sends)
    inject(packet{0, o.from.empty() ? name : o.from, std::move(o.to), std::move(o.kind),
                  std::move(o.bytes), o.from.empty() ? std::string{} : name},
           now_ + std::chrono::milliseconds(1));
  auto& timers = members_.at(name).timers;
  for (const auto& c : fx.cancels)
    timers.erase(c);
  for (const auto& t : fx.timers) {
    auto gen = next_generation_++;
    timers[t.id] = gen;
    schedule(now_ + t.after, [this, name, t, gen] {
      auto& live = members_.at(name).timers;
      auto i = live.find(t.id);
      if (i == live.end() || i->second != gen)
        return;
      live.erase(i);
      call(name, [&](participant_core& c, context& ctx) { c.on_timer(t.id, ctx); });
    });
  }
  // Offloaded work runs now, as the shell without workers runs it; its
  // result is handed back at the same instant, after what is already due.
  for (auto& w : fx.work) {
    auto rng = work_rng(*members_.at(name).rng);
    auto result = std::make_shared<std::any>(w.work(*rng));
    schedule(now_, [this, name, id = w.id, result] {
      call(name, [&](participant_core& c, context& ctx) { c.on_work_done(id, *result, ctx); });
    });
  }
}

void core_harness::set_reachable(const std::string& who, bool reachable, sim_time at) {
  schedule(at, [this, who, reachable] {
    for (const auto& [name, m] : members_)
      if (name != who)
        call(name,
             [&](participant_core& c, context& ctx) { c.on_peer_status(who, reachable, ctx); });
  });
}

void core_harness::inject(packet p, sim_time at) {
  p.id = next_packet_++;
  schedule(at, [this, p]() mutable {
    wire_.push_back(p);
    bool delivered = !on_wire || on_wire(p);
    record_packet(p, !delivered ? "dropped" : members_.count(p.to) ? "delivered" : "undeliverable");
    if (!delivered || members_.count(p.to) == 0)
      return;
    call(p.to, [&](participant_core& c, context& ctx) { c.on_packet(p, ctx); });
  });
}

void core_harness::record_packet(const packet& p, const char* fate) {
  trace_record r;
  r["t"] = now_.count();
  r["type"] = "packet";
  r["id"] = p.id;
  r["from"] = p.from;
  r["to"] = p.to;
  r["kind"] = p.kind;
  r["bytes"] = p.bytes.size();
  {
    crypto::detail::uncounted_scope framework; // not the protocol's crypto
    r["digest"] = crypto::to_hex(crypto::sha256(p.bytes)).substr(0, 16);
  }
  if (!p.via.empty())
    r["via"] = p.via;
  r["fate"] = fate;
  records_.push_back(std::move(r));
}

std::map<std::string, observation> core_harness::observations() const {
  std::map<std::string, observation> out;
  for (const auto& [name, m] : members_)
    out[name] = m.core->observe();
  return out;
}

void core_harness::command(const std::string& name, protobed::command c, sim_time at) {
  schedule(at, [this, name, c] {
    call(name, [&](participant_core& core, context& ctx) { core.on_command(c, ctx); });
  });
}

void core_harness::run(sim_time limit) {
  while (!queue_.empty() && queue_.top().at <= limit) {
    auto it = queue_.top();
    queue_.pop();
    now_ = it.at;
    it.action();
  }
}

std::size_t core_harness::count(const std::string& who, const std::string& name) const {
  std::size_t n = 0;
  for (const auto& [w, e] : events_)
    n += (w == who && e.name == name) ? 1 : 0;
  return n;
}

std::map<std::string, std::string> core_harness::last(const std::string& who,
                                                      const std::string& name) const {
  std::map<std::string, std::string> out;
  for (const auto& [w, e] : events_)
    if (w == who && e.name == name)
      out = {e.details.begin(), e.details.end()};
  return out;
}

std::vector<packet> core_harness::sent(const std::string& kind) const {
  std::vector<packet> out;
  for (const auto& p : wire_)
    if (p.kind == kind)
      out.push_back(p);
  return out;
}

} // namespace protobed::test
