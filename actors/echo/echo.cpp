#include "actors/echo/echo.hpp"

namespace protobed::echo {

namespace {

const std::vector<std::uint8_t> payload(64, 0x2a);

} // namespace

void echo::on_command(const command& c, context& ctx) {
  if (c.verb != "ping")
    return participant_core::on_command(c, ctx);
  left_ = std::stoll(c.arg("count", "1"));
  if (left_-- > 0)
    ctx.send(peer_, ping_kind, payload);
}

void echo::on_packet(const packet& p, context& ctx) {
  if (p.kind == ping_kind) {
    ctx.send(p.from, pong_kind, p.bytes);
  } else if (p.kind == pong_kind) {
    ++round_trips_;
    if (left_-- > 0)
      ctx.send(peer_, ping_kind, payload);
  }
}

observation echo::observe() const {
  observation o;
  o.numbers["round_trips"] = round_trips_;
  return o;
}

void register_roles(role_registry& r) {
  role_info e;
  e.name = "echo";
  e.summary = "ping-pong without cryptography, for measuring the framework itself";
  e.kinds = {ping_kind, pong_kind};
  e.options = {{"peer", "participant(echo)", "", "the other end"}};
  e.commands = {{"ping",
                 "bounce a packet off the peer count times",
                 "count",
                 {{"count", "amount", "", "round trips"}}}};
  e.parse = [](const option_reader& o, const directory& dir) -> std::any {
    return participant_ref(o, "peer", dir, "echo");
  };
  e.build = [](const std::any& c, const role_setup&) -> std::unique_ptr<participant_core> {
    return std::make_unique<echo>(std::any_cast<std::string>(c));
  };
  r.add(std::move(e));
}

} // namespace protobed::echo
