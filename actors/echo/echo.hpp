// A ping-pong role with no cryptography at all: two participants bounce a
// small packet through the network actor. `protobed bench` uses it to
// measure the framework's own cost per protocol message.
#pragma once

#include "actors/runtime/participant.hpp"
#include "actors/runtime/registry.hpp"

namespace protobed::echo {

inline constexpr const char* ping_kind = "echo.ping";
inline constexpr const char* pong_kind = "echo.pong";

class echo final : public participant_core {
public:
  explicit echo(std::string peer)
    : peer_(std::move(peer)) {}

  void on_command(const command& c, context& ctx) override;
  void on_packet(const packet& p, context& ctx) override;
  observation observe() const override;

private:
  std::string peer_;
  std::int64_t left_ = 0;
  std::int64_t round_trips_ = 0;
};

void register_roles(role_registry& r);

} // namespace protobed::echo
