#include "actors/echo/echo.hpp"

#include <map>
#include <sstream>

namespace protobed::echo {

namespace {

const std::vector<std::uint8_t> payload(64, 0x2a);

} // namespace

void echo::on_command(const command& c, context& ctx) {
  if (c.verb != "ping")
    return participant_core::on_command(c, ctx);
  per_run_ = std::stoll(c.arg("count", "1"));
  runs_left_ = std::stoll(c.arg("runs", "1")) - 1;
  start_run(ctx);
}

void echo::start_run(context& ctx) {
  ++runs_;
  left_ = per_run_;
  in_run_ = 0;
  ctx.emit("PingStarted", {{"run", std::to_string(runs_)}, {"count", std::to_string(left_)}});
  ping(ctx);
}

void echo::ping(context& ctx) {
  if (left_-- > 0)
    return ctx.send(peer_, ping_kind, payload);
  ctx.emit("PingsDone", {{"run", std::to_string(runs_)},
                         {"round_trips", std::to_string(in_run_)},
                         {"outcome", "done"}});
  if (runs_left_-- > 0) // the next run, back to back
    start_run(ctx);
}

void echo::on_packet(const packet& p, context& ctx) {
  if (p.kind == ping_kind) {
    ctx.send(p.from, pong_kind, p.bytes);
  } else if (p.kind == pong_kind) {
    ++round_trips_;
    ++in_run_;
    ping(ctx);
  } else {
    ctx.emit("UnexpectedPacket", {{"kind", p.kind}, {"from", p.from}});
  }
}

void echo::on_peer_status(const std::string& peer, bool reachable, context& ctx) {
  if (peer == peer_)
    ctx.emit(reachable ? "PeerOnline" : "PeerOffline", {{"peer", peer}});
}

observation echo::observe() const {
  observation o;
  o.numbers["round_trips"] = round_trips_;
  return o;
}

namespace {

/// Every ping run that started also finished all its round trips — and the
/// round trips a pinger counted were answered: no more than the pongs the
/// network saw other participants send it themselves (an attacker's replayed
/// pong is no round trip).
verdict round_trips_complete(const run_facts& f) {
  std::map<std::pair<std::string, std::string>, std::string> wanted; // (who, run) -> count
  std::map<std::string, std::int64_t> counted, answered;             // pinger -> round trips
  std::size_t runs = 0;
  for (const auto& rec : f.records) {
    if (is_packet(rec, pong_kind) && sent_itself(rec) && reached(rec))
      ++answered[text_of(rec, "to")];
    auto who = who_of(rec);
    if (is_event(rec, "PingsDone"))
      counted[who] += std::stoll("0" + detail_of(rec, "round_trips"));
    if (is_event(rec, "PingStarted"))
      wanted[{who, detail_of(rec, "run")}] = detail_of(rec, "count");
    else if (is_event(rec, "PingsDone") &&
             wanted[{who, detail_of(rec, "run")}] == detail_of(rec, "round_trips")) {
      wanted.erase({who, detail_of(rec, "run")});
      ++runs;
    }
  }
  if (!wanted.empty()) {
    const auto& [key, count] = *wanted.begin();
    return {false, key.first + "'s run " + key.second + " of " + count +
                     " round trip(s) did not complete"};
  }
  for (const auto& [who, n] : counted)
    if (n > answered[who])
      return {false, who + " counted " + std::to_string(n) + " round trip(s), but only " +
                       std::to_string(answered[who]) + " pong(s) were sent to it by their senders"};
  return {true, std::to_string(runs) + " run(s), every round trip completed"};
}

/// `clients` pairs; pair i's first member makes its share of the
/// transactions (runs of one round trip) back to back.
std::string workload(const workload_options& o) {
  auto pairs = std::max<std::size_t>(1, std::min(o.clients, o.transactions));
  std::ostringstream y, steps, placement;
  y << "scenario: bench-echo\ndescription: \"" << o.transactions << " round trips by " << pairs
    << " pair(s), no cryptography\"\nmode: real\nnetwork: {latency: 0}\nparticipants:\n";
  for (std::size_t i = 0; i < pairs; ++i) {
    auto runs = o.transactions / pairs + (i < o.transactions % pairs ? 1 : 0);
    y << "  a" << i << ": {role: echo, peer: b" << i << "}\n  b" << i << ": {role: echo, peer: a"
      << i << "}\n";
    steps << "    a" << i << ": {ping: {count: 1, runs: " << runs << "}}\n";
    placement << (i ? ", " : "") << "a" << i << ": n1, b" << i << ": n2";
  }
  y << "steps:\n  - at: 0\n" << steps.str() << "expect:\n  - invariant: round_trips_complete\n";
  if (o.placed)
    y << "placement: {" << placement.str() << "}\n";
  return y.str();
}

protocol_info protocol() {
  protocol_info p;
  p.name = "echo";
  p.summary = "ping-pong without cryptography, for measuring the framework itself";
  p.hops = {{ping_kind, "echo", "echo", "64 bytes"}, {pong_kind, "echo", "echo", "the ping back"}};
  p.invariants = {
    {"round_trips_complete", "every ping run finished all its round trips", round_trips_complete}};
  transaction_def t;
  t.start = "PingStarted";
  t.end = "PingsDone";
  t.key = "run";
  t.success = "done";
  p.transaction = t;
  p.hints.outcomes = {"PingsDone"};
  p.workload = workload;
  p.placement_doc = "first members on n1, second members on n2";
  starter_def st;
  st.description = "a bounces a packet off b three times";
  st.participants = {{"a", "echo", {{"peer", "b"}}}, {"b", "echo", {{"peer", "a"}}}};
  st.steps = {{"0s", "a", "ping", "{count: 3}"}};
  p.starter = st;
  return p;
}

} // namespace

void register_roles(role_registry& r) {
  role_info e;
  e.name = "echo";
  e.summary = "ping-pong without cryptography, for measuring the framework itself";
  e.kinds = {ping_kind, pong_kind};
  e.options = {{"peer", "participant(echo)", "", "the other end"}};
  e.commands = {{"ping",
                 "bounce a packet off the peer count times",
                 "count",
                 {{"count", "count", "", "round trips per run (1..1000000)"},
                  {"runs", "count", "1", "runs back to back, each a transaction (1..1000000)"}}}};
  e.parse = [](const option_reader& o, const directory& dir) -> std::any {
    return participant_ref(o, "peer", dir, "echo");
  };
  e.build = [](const std::any& c, const role_setup&) -> std::unique_ptr<participant_core> {
    return std::make_unique<echo>(std::any_cast<std::string>(c));
  };
  r.add(std::move(e));
  r.add_protocol(protocol());
}

} // namespace protobed::echo
