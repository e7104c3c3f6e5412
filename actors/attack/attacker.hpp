// The Dolev-Yao attacker: sits on the links it taps, sees every packet on
// them first, and by default records it and passes it on unchanged. Its
// script can drop, delay, tamper with, replay or inject packets, and a
// `compromise` hands it a participant's long-term private key, after which it
// reads (also retroactively) everything that key opens. It knows nothing else.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "actors/attack/actions.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/knowledge.hpp"
#include "actors/runtime/participant.hpp"

namespace protobed::attack {

/// Every private key of the run, for `compromise` to hand over: the
/// long-term RSA keys, and the signing keys that are not those (DSA).
struct vaults {
  const std::map<std::string, crypto::rsa_private_key>* rsa = nullptr;
  const std::map<std::string, crypto::signing_key>* signing = nullptr;
};

class attacker final : public participant_core {
public:
  attacker(attacker_config cfg, crypto::rsa_private_key own_key, const directory& dir, vaults vault,
           const std::vector<analyzer>* analyzers, const std::vector<forger>* forgers,
           const std::vector<message_schema>* schemas);

  void on_start(context& ctx) override;
  void on_packet(const packet& p, context& ctx) override;
  void on_timer(const timer_id& id, context& ctx) override;
  observation observe() const override;

  const knowledge& known() const {
    return known_;
  }

private:
  bool fires(std::size_t i, const packet& p);
  /// Applies the packet actions; returns false if the packet must not go on.
  bool apply_actions(packet& out, sim_time& hold, context& ctx);
  void tamper(const action& a, packet& p, context& ctx);
  void schedule_send(packet p, sim_time after, context& ctx);
  void run_timed(const action& a, context& ctx);
  void inject(const action& a, context& ctx);
  void compromise(const action& a, context& ctx);
  void analyze(const packet& p, context& ctx);
  /// The keys (and, with `secrets`, the secrets) `p` gives it; its own
  /// forgeries give keys only: what it made up is no one's secret.
  /// Also into the views without stolen keys (wire) and with stolen
  /// signatures, unless told not to: a packet it built from fields only a
  /// stolen key gave it would teach a view what that view cannot know.
  void learn_from(const packet& p, bool secrets, context& ctx, bool wire_view = true,
                  bool signature_view = true);
  /// Whether every field `a` copies reads the same with `k` as with known_.
  bool copies_clean(const action& a, const packet* matched, const knowledge& k, context& ctx);
  /// What `p` gives with the knowledge `k` (learned into it).
  void learn_into(knowledge& k, const packet& p, bool secrets, context& ctx) const;
  /// Impersonate or substitute_key through the protocols' forgers.
  std::optional<packet> forge(const action& a, const packet& p, context& ctx);
  /// `forge:` — builds a packet field by field from what it knows.
  void forge_message(const action& a, const packet* matched, context& ctx);
  /// Every field of `p` it can read now, through the kind's schema.
  field_values read(const packet& p, context& ctx, const knowledge* with = nullptr) const;
  /// The value of one forged field, or why it cannot have it.
  crypto::result<std::string> resolve(const std::string& name, const field_source& src,
                                      const packet* matched, context& ctx,
                                      const knowledge* with = nullptr);
  void fill_defaults(const message_schema& s, const std::string& to, field_values& f,
                     context& ctx) const;
  const message_schema* schema_of(const std::string& kind) const;
  void fail(const char* action, const std::string& why, context& ctx);

  attacker_config cfg_;
  crypto::rsa_private_key own_key_;
  const directory& dir_;
  vaults vault_;
  const std::vector<analyzer>* analyzers_;
  const std::vector<forger>* forgers_;
  const std::vector<message_schema>* schemas_;
  knowledge known_;
  /// From the first compromise on, two views beside known_: what it would
  /// know had it stolen no key (`without_stolen_`), and that plus what it
  /// got by signing with a stolen key — the keys it chose in packets a
  /// stolen key signed, and what they open (`with_stolen_signatures_`). A
  /// secret the first holds it got by wire; one only the second holds, by a
  /// stolen signature (posing as the key's owner); one only known_ holds, by
  /// a stolen key opening what was sealed for its owner (SecretLearned `by`).
  std::optional<knowledge> without_stolen_;
  std::optional<knowledge> with_stolen_signatures_;
  std::vector<packet> recorded_;
  std::vector<std::uint64_t> matched_; ///< per action: packets it matched so far
  std::vector<packet> pending_;        ///< sends waiting for a timer
  std::map<std::string, std::int64_t> counts_;
};

} // namespace protobed::attack
