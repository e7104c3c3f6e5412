#include "actors/runtime/participant.hpp"

namespace protobed {

void participant_core::on_timer(const std::string& name, context& ctx) {
  ctx.emit("UnexpectedTimer", {{"timer", name}});
}

void participant_core::on_command(const command& c, context& ctx) {
  ctx.emit("CommandRejected", {{"verb", c.verb}, {"reason", "this role takes no commands"}});
}

} // namespace protobed
