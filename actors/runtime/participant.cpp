#include "actors/runtime/participant.hpp"

namespace protobed {

void participant_core::on_timer(const timer_id& id, context& ctx) {
  ctx.emit("UnexpectedTimer", {{"timer", id.text()}});
}

void participant_core::on_peer_status(const std::string&, bool, context&) {}

void participant_core::on_work_done(const timer_id& id, std::any, context& ctx) {
  ctx.emit("UnexpectedWork", {{"work", id.text()}});
}

std::unique_ptr<crypto::rng> work_rng(crypto::rng& parent) {
  // 32 bytes from the participant's generator: the same stream in simulation
  // (so a run replays), fresh OS randomness in real mode.
  auto seed = parent.generate(32);
  std::uint64_t head = 0;
  for (int i = 0; i < 8; ++i)
    head = head << 8 | seed[i];
  return std::make_unique<crypto::rng>(crypto::rng::deterministic(
    head, crypto::to_hex(crypto::byte_view(seed.data() + 8, seed.size() - 8))));
}

void participant_core::on_command(const command& c, context& ctx) {
  ctx.emit("CommandRejected", {{"verb", c.verb}, {"reason", "this role takes no commands"}});
}

} // namespace protobed
