// Offloaded work on worker actors: a core's state stays in its actor. A test
// role spends from a balance, checking and reserving in the core and hashing
// on the workers; every callback checks that no other callback is running
// on the same core at the same time.
#include <catch2/catch.hpp>

#include "crypto/hash.hpp"
#include "scenarios/engine/checks.hpp"
#include "scenarios/engine/director.hpp"
#include "scenarios/engine/loader.hpp"

using namespace protobed;
using namespace std::chrono_literals;

namespace {

class spender final : public participant_core {
public:
  void on_packet(const packet&, context&) override {}

  void on_command(const command& c, context& ctx) override {
    enter guard(*this);
    auto n = std::stoll(c.arg("count", "1"));
    for (std::int64_t i = 0; i < n; ++i) {
      if (balance_ == 0) {
        ++refused_;
        continue;
      }
      --balance_; // reserved here, before the work starts
      auto index = next_++;
      ctx.offload({"hash", index}, [index](crypto::rng& r) -> std::any {
        auto digest = r.generate(32);
        for (int k = 0; k < 50; ++k)
          digest = crypto::sha256(digest);
        return std::pair<std::uint64_t, crypto::bytes>{index * 2, digest};
      });
    }
  }

  void on_work_done(const timer_id& id, std::any result, context&) override {
    enter guard(*this);
    auto r = std::any_cast<std::pair<std::uint64_t, crypto::bytes>>(std::move(result));
    wrong_ += r.first != id.index * 2 || r.second.size() != 32 ? 1 : 0;
    duplicates_ += seen_.insert(id.index).second ? 0 : 1;
    ++done_;
  }

  observation observe() const override {
    observation o;
    o.numbers = {{"balance", balance_},   {"done", done_},   {"refused", refused_},
                 {"overlaps", overlaps_}, {"wrong", wrong_}, {"duplicates", duplicates_}};
    return o;
  }

private:
  /// Counts a callback that starts while another is still running.
  struct enter {
    spender& s;
    explicit enter(spender& x)
      : s(x) {
      s.overlaps_ += s.inside_ ? 1 : 0;
      s.inside_ = true;
    }
    ~enter() {
      s.inside_ = false;
    }
  };

  std::int64_t balance_ = 400, done_ = 0, refused_ = 0, overlaps_ = 0, wrong_ = 0, duplicates_ = 0;
  std::uint64_t next_ = 0;
  std::set<std::uint64_t> seen_;
  bool inside_ = false;
};

role_registry spender_roles() {
  role_registry r;
  role_info s;
  s.name = "test.spender";
  s.summary = "spends from a balance, hashing on its workers";
  s.commands = {{"spend", "spend count times", "count", {{"count", "count", "1", ""}}}};
  s.parse = [](const option_reader&, const directory&) { return std::any(0); };
  s.build = [](const std::any&, const role_setup&) -> std::unique_ptr<participant_core> {
    return std::make_unique<spender>();
  };
  r.add(s);
  return r;
}

run_result run_spender(const std::string& mode, unsigned workers) {
  static const auto roles = spender_roles();
  std::string text =
    "scenario: t\ndescription: d\nseed: 3\nmode: " + mode +
    "\nparticipants:\n  s: {role: test.spender, workers: " + std::to_string(workers) +
    "}\nsteps:\n";
  for (int i = 0; i < 6; ++i)
    text += "  - {at: " + std::to_string(i) + "ms, s: {spend: {count: 100}}}\n";
  text += "expect:\n  - no_event: {who: s, name: Overlap}\n";
  return run_scenario(load_scenario_text(text, "t.yaml", {}, roles));
}

} // namespace

TEST_CASE("offloaded work comes back once, into its core alone, with the state kept there",
          "[director][workers]") {
  for (auto [mode, workers] :
       {std::pair{"real", 2u}, std::pair{"real", 0u}, std::pair{"sim", 2u}}) {
    INFO(mode << " with " << workers << " worker(s)");
    auto r = run_spender(mode, workers);
    REQUIRE(r.completed);
    const auto& n = r.final.at("s").numbers;
    CHECK(n.at("done") == 400); // exactly what the balance allowed
    CHECK(n.at("refused") == 200);
    CHECK(n.at("balance") == 0);
    CHECK(n.at("overlaps") == 0);
    CHECK(n.at("wrong") == 0);
    CHECK(n.at("duplicates") == 0);
  }
}

TEST_CASE("with workers, a simulated run is still byte-identical per seed", "[director][workers]") {
  auto text = [](unsigned workers) {
    std::string t = R"(scenario: t
description: d
seed: 8
participants:
  server:
    role: micropay.server
    workers: )" + std::to_string(workers) +
                    R"(
    accounts: [{name: alice, balance: 100}, {name: bob, balance: 0}]
  alice: {role: micropay.peer, server: server}
  bob: {role: micropay.peer, server: server}
steps:
  - {at: 0, alice: {register: {}}, bob: {register: {}}}
  - {at: 1s, alice: {login: {}}, bob: {login: {}}}
  - {at: 2s, alice: {pay: {to: bob, amount: "3", count: 4}}}
expect:
  - invariant: money_conserved
)";
    return t;
  };
  auto trace_of = [](const run_result& r) {
    std::ostringstream out;
    r.trace->write_jsonl(out);
    return out.str();
  };
  auto s = load_scenario_text(text(2), "t.yaml");
  auto a = run_scenario(s);
  REQUIRE(a.completed);
  CHECK(trace_of(a) == trace_of(run_scenario(s)));
  CHECK(a.final.at("server").numbers.at("balance.bob") == 12);
  // The same payments inline (no workers) settle the same way.
  auto inline_run = run_scenario(load_scenario_text(text(0), "t.yaml"));
  CHECK(inline_run.final.at("server").numbers.at("balance.bob") == 12);
}
