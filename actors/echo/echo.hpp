// A ping-pong role with no cryptography at all: two participants bounce a
// small packet through the network actor. `protobed bench echo` uses it to
// measure the framework's own cost per protocol message. It is also the
// smallest complete protocol: roles, an invariant, a transaction definition
// and a workload, all registered from this folder (see docs/architecture.md,
// "How to add a protocol").
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
  void on_peer_status(const std::string& peer, bool reachable, context& ctx) override;
  observation observe() const override;

private:
  void start_run(context& ctx);
  void ping(context& ctx);

  std::string peer_;
  std::int64_t runs_ = 0;      ///< runs started so far; the current one is the run's number
  std::int64_t runs_left_ = 0; ///< runs still to start after this one
  std::int64_t per_run_ = 0;   ///< round trips per run
  std::int64_t left_ = 0;      ///< round trips still to start in this run
  std::int64_t in_run_ = 0;    ///< round trips completed in this run
  std::int64_t round_trips_ = 0;
};

/// The echo protocol: the echo role, invariant round_trips_complete, one
/// transaction per `ping` command, and the framework-cost workload.
void register_roles(role_registry& r);

} // namespace protobed::echo
