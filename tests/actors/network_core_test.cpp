// The network's fault decisions, without CAF.
#include <catch2/catch.hpp>

#include "actors/runtime/network.hpp"
#include "actors/runtime/trace.hpp"

using namespace protobed;
using namespace std::chrono_literals;

namespace {

packet pkt(const char* from, const char* to, const char* kind = "ecommerce.pm_po") {
  return packet{0, from, to, kind, {1, 2, 3}, {}};
}

network_core make(std::vector<fault_rule> faults, sim_time latency = 1ms) {
  network_config cfg;
  cfg.latency = latency;
  cfg.faults = std::move(faults);
  return network_core(cfg, crypto::rng::deterministic(1, "network"));
}

fault_rule rule(fault_type t, const char* from = "*", const char* to = "*",
                const char* kind = "*") {
  fault_rule r;
  r.type = t;
  r.on = {from, to, kind};
  return r;
}

} // namespace

TEST_CASE("without faults every packet is delivered after the latency", "[network]") {
  auto net = make({}, 5ms);
  auto r = net.route(pkt("a", "b"), 1s);
  CHECK(r.fate == "delivered");
  REQUIRE(r.deliveries.size() == 1);
  CHECK(r.deliveries[0].at == 1s + 5ms);
  CHECK(r.p.id == 1);
  CHECK(net.route(pkt("a", "b"), 1s).p.id == 2);
}

TEST_CASE("per-link latency overrides the default", "[network]") {
  network_config cfg;
  cfg.latency = 1ms;
  cfg.links.push_back({{"a", "b", "*"}, 40ms});
  network_core net(cfg, crypto::rng::deterministic(1, "n"));
  CHECK(net.route(pkt("a", "b"), 0s).deliveries[0].at == 40ms);
  CHECK(net.route(pkt("b", "a"), 0s).deliveries[0].at == 1ms);
}

TEST_CASE("drop with a count drops only that many matching packets", "[network]") {
  auto r = rule(fault_type::drop, "bank", "shop", "ecommerce.bank_reply");
  r.count = 1;
  auto net = make({r});
  CHECK(net.route(pkt("bank", "shop", "ecommerce.bank_reply"), 0s).fate == "dropped");
  CHECK(net.route(pkt("bank", "shop", "ecommerce.bank_reply"), 0s).fate == "delivered");
  CHECK(net.route(pkt("bank", "alice", "ecommerce.bank_reply"), 0s).fate == "delivered");
}

TEST_CASE("after lets the first matching packets pass", "[network]") {
  auto r = rule(fault_type::drop, "a", "b");
  r.after = 2;
  auto net = make({r});
  CHECK(net.route(pkt("a", "b"), 0s).fate == "delivered");
  CHECK(net.route(pkt("a", "b"), 0s).fate == "delivered");
  CHECK(net.route(pkt("a", "b"), 0s).fate == "dropped");
}

TEST_CASE("probabilistic drops follow the seed and the probability", "[network]") {
  auto r = rule(fault_type::drop);
  r.probability = 0.3;
  auto run = [&](std::uint64_t seed) {
    network_config cfg;
    cfg.faults = {r};
    network_core net(cfg, crypto::rng::deterministic(seed, "network"));
    std::string fates;
    for (int i = 0; i < 1000; ++i)
      fates += net.route(pkt("a", "b"), 0s).fate == "dropped" ? 'x' : '.';
    return fates;
  };
  auto a = run(1);
  CHECK(a == run(1));
  CHECK(a != run(2));
  auto drops = std::count(a.begin(), a.end(), 'x');
  CHECK(drops > 240);
  CHECK(drops < 360);
}

TEST_CASE("delay adds to the latency", "[network]") {
  auto r = rule(fault_type::delay, "a", "b");
  r.delay = 10s;
  auto net = make({r});
  auto res = net.route(pkt("a", "b"), 1s);
  CHECK(res.fate == "delayed");
  CHECK(res.deliveries[0].at == 11s + 1ms);
}

TEST_CASE("duplicate delivers extra copies, spaced", "[network]") {
  auto r = rule(fault_type::duplicate);
  r.copies = 2;
  r.spacing = 100ms;
  auto net = make({r});
  auto res = net.route(pkt("a", "b"), 0s);
  CHECK(res.fate == "duplicated");
  REQUIRE(res.deliveries.size() == 3);
  CHECK(res.deliveries[0].at == 1ms);
  CHECK(res.deliveries[2].at == 201ms);
  CHECK(res.deliveries[1].p.id == res.p.id);
}

TEST_CASE("reorder holds a packet until the next one on its link overtakes it", "[network]") {
  auto r = rule(fault_type::reorder, "a", "b");
  r.count = 1;
  auto net = make({r});
  auto first = net.route(pkt("a", "b"), 0s);
  CHECK(first.fate == "reordered");
  CHECK(first.deliveries.empty());
  REQUIRE(first.hold_until);
  auto other_link = net.route(pkt("a", "c"), 1ms);
  CHECK(other_link.deliveries.size() == 1); // does not release it
  auto second = net.route(pkt("a", "b"), 2ms);
  REQUIRE(second.deliveries.size() == 2);
  CHECK(second.deliveries[0].p.id == second.p.id);
  CHECK(second.deliveries[1].p.id == first.p.id);
  CHECK(second.deliveries[1].at > second.deliveries[0].at);
  CHECK_FALSE(net.flush(first.p.id, 2s)); // already released
}

TEST_CASE("a held packet nobody overtakes is flushed when its hold ends", "[network]") {
  auto r = rule(fault_type::reorder);
  r.delay = 500ms;
  auto net = make({r});
  auto res = net.route(pkt("a", "b"), 0s);
  CHECK(*res.hold_until == 501ms);
  auto d = net.flush(res.p.id, 501ms);
  REQUIRE(d);
  CHECK(d->p.id == res.p.id);
}

TEST_CASE("several faults combine on one packet", "[network]") {
  auto d = rule(fault_type::delay);
  d.delay = 2s;
  auto net = make({d, rule(fault_type::duplicate)});
  auto res = net.route(pkt("a", "b"), 0s);
  CHECK(res.fate == "delayed+duplicated");
  CHECK(res.deliveries.size() == 2);
  CHECK(res.deliveries[0].at == 2s + 1ms);
}

TEST_CASE("a drop burst takes the next matching packets too", "[network]") {
  auto r = rule(fault_type::drop, "a", "b");
  r.count = 1;
  r.burst = 3;
  auto net = make({r});
  for (int i = 0; i < 3; ++i)
    CHECK(net.route(pkt("a", "b"), 0s).fate == "dropped");
  CHECK(net.route(pkt("a", "b"), 0s).fate == "delivered");
}

TEST_CASE("delay jitter stays within its bound and follows the seed", "[network]") {
  auto r = rule(fault_type::delay);
  r.delay = 10ms;
  r.jitter = 50ms;
  auto net = make({r});
  bool varied = false;
  sim_time first{0};
  for (int i = 0; i < 50; ++i) {
    auto at = net.route(pkt("a", "b"), 0s).deliveries[0].at;
    CHECK(at >= 11ms);
    CHECK(at <= 61ms);
    if (i == 0)
      first = at;
    varied = varied || at != first;
  }
  CHECK(varied);
}

TEST_CASE("corrupt flips bytes of the packet it delivers", "[network]") {
  auto r = rule(fault_type::corrupt);
  r.bytes = 2;
  auto net = make({r});
  auto p = pkt("a", "b");
  p.bytes.assign(64, 0);
  auto res = net.route(p, 0s);
  CHECK(res.fate == "corrupted");
  auto changed = std::count_if(res.deliveries[0].p.bytes.begin(), res.deliveries[0].p.bytes.end(),
                               [](std::uint8_t b) { return b != 0; });
  CHECK(changed >= 1);
  CHECK(changed <= 2);
}

TEST_CASE("a partition cuts its side off from the rest until it heals", "[network]") {
  network_config cfg;
  cfg.partitions.push_back({{"bank"}, {1s, 5s}});
  network_core net(cfg, crypto::rng::deterministic(1, "n"));
  CHECK(net.route(pkt("shop", "bank"), 500ms).fate == "delivered");
  CHECK(net.route(pkt("shop", "bank"), 2s).fate == "partitioned");
  CHECK(net.route(pkt("bank", "alice"), 2s).fate == "partitioned");
  CHECK(net.route(pkt("shop", "alice"), 2s).fate == "delivered");
  CHECK(net.route(pkt("shop", "bank"), 5s).fate == "delivered");
}

TEST_CASE("offline and crashed participants neither send nor receive", "[network]") {
  network_config cfg;
  cfg.outages.push_back({"alice", {1s, 2s}, false, false});
  cfg.outages.push_back({"bank", {3s, std::nullopt}, true, true});
  network_core net(cfg, crypto::rng::deterministic(1, "n"));
  CHECK(net.route(pkt("sms", "alice"), 1500ms).fate == "offline");
  CHECK(net.route(pkt("alice", "shop"), 1500ms).fate == "offline");
  CHECK(net.route(pkt("sms", "alice"), 2s).fate == "delivered");
  CHECK(net.route(pkt("shop", "bank"), 10s).fate == "crashed");
}

TEST_CASE("a tap sends matching packets to the attacker first", "[network]") {
  network_config cfg;
  cfg.taps.push_back({{"alice", "shop", "*"}, "mallory"});
  network_core net(cfg, crypto::rng::deterministic(1, "n"));
  auto res = net.route(pkt("alice", "shop"), 1s);
  CHECK(res.fate == "intercepted");
  REQUIRE(res.deliveries.size() == 1);
  CHECK(res.deliveries[0].target == "mallory");
  CHECK(res.deliveries[0].at == 1s);
  auto forwarded = pkt("alice", "shop");
  forwarded.via = "mallory"; // what the attacker puts back is not tapped again
  CHECK(net.route(forwarded, 1s).fate == "delivered");
  CHECK(net.route(pkt("shop", "alice"), 1s).fate == "delivered");
}

TEST_CASE("the trace records each packet's digest, so one changed byte shows", "[network][trace]") {
  protobed::trace t;
  packet p{0, "a", "b", "x.y", std::vector<std::uint8_t>(100, 7), {}};
  route_result r{p, "delivered", {}, std::nullopt};
  t.packet_routed(sim_time{0}, r);
  r.p.bytes[50] ^= 1;
  t.packet_routed(sim_time{0}, r);
  t.packet_undeliverable(sim_time{0}, r.p);
  auto recs = t.records();
  REQUIRE(recs.size() == 3);
  CHECK(recs[0]["bytes"] == recs[1]["bytes"]);
  CHECK(recs[0]["digest"].get<std::string>().size() == 16);
  CHECK(recs[0]["digest"] != recs[1]["digest"]);
  CHECK(recs[1]["digest"] == recs[2]["digest"]);
}
