#include "actors/runtime/participant.hpp"

namespace protobed {

void participant_core::on_timer(const timer_id& id, context& ctx) {
  ctx.emit("UnexpectedTimer", {{"timer", id.text()}});
}

void participant_core::on_peer_status(const std::string&, bool, context&) {}

void participant_core::on_command(const command& c, context& ctx) {
  ctx.emit("CommandRejected", {{"verb", c.verb}, {"reason", "this role takes no commands"}});
}

} // namespace protobed
