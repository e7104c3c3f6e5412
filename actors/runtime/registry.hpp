// The role registry: the only way the scenario engine knows protocols. A role
// is a name ("ecommerce.bank"), documented options and commands, a parser
// that checks a participant's options against the whole scenario, and a
// factory for its core. Adding a protocol = a folder + one registration.
#pragma once

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/config.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/knowledge.hpp"
#include "actors/runtime/network.hpp"
#include "actors/runtime/participant.hpp"
#include "actors/runtime/protocol.hpp"
#include "actors/runtime/schema.hpp"

namespace protobed {

/// A verb a scenario step may send to a role: `alice: {buy: book}` uses verb
/// "buy" whose primary argument is "item".
struct command_doc {
  std::string verb;
  std::string doc;
  std::string primary;          ///< the argument a bare scalar fills
  std::vector<option_doc> args; ///< all arguments, typed as in option_doc
};

/// A command an insider (a participant the attacker controls: explore's
/// `insiders`) may be made to give: its verb and arguments, in which
/// {self} is the insider's name, {other} another participant of its role
/// and {amount} an integer drawn as forged integers are.
struct insider_command {
  std::string verb;
  std::map<std::string, std::string> args;
};

/// What a role's factory gets when the run is built.
/// Makes an RSA key of `bits` for a participant during a run.
using key_maker = std::function<crypto::rsa_private_key(unsigned bits)>;

struct role_setup {
  std::string name;
  const directory& dir;
  /// This participant's long-term key pair, if its role has one.
  std::optional<crypto::rsa_private_key> long_term_key;
  /// The key it signs with (its role's `signature` choice): RSA-PSS with the
  /// long-term key, or a DSA key made for it; empty without a long-term key.
  std::optional<crypto::signing_key> signing_key;
  /// Every long-term private key of the run: only the attacker gets this,
  /// and uses a key only once a scripted `compromise` hands it over.
  const std::map<std::string, crypto::rsa_private_key>* vault = nullptr;
  /// Likewise every signing key that is not a long-term RSA key (DSA).
  const std::map<std::string, crypto::signing_key>* signing_vault = nullptr;
  /// How each protocol's packets can be read and forged (for the attacker).
  const std::vector<analyzer>* analyzers = nullptr;
  const std::vector<forger>* forgers = nullptr;
  /// Every packet kind's fields, for reading and building (the attacker).
  const std::vector<message_schema>* schemas = nullptr;
  /// Randomness for work done while building (e.g. a session-key pool), so
  /// that it happens before the run starts and stays reproducible.
  crypto::rng* setup_rng = nullptr;
  /// Set when the scenario has a key seed: keys the participant makes during
  /// the run (session keys) come from here instead of its RNG, the same in
  /// every run with that key seed (explore reuses them across schedules).
  key_maker fresh_key;
};

struct role_info {
  std::string name;
  std::string summary;
  std::vector<option_doc> options;
  std::vector<command_doc> commands;
  /// Packet kinds this role sends or receives (fault and tap rules may name them).
  std::vector<std::string> kinds;
  /// Its state survives a crash (a bank's ledger is on disk); others restart empty.
  bool durable = false;
  /// A durable role whose disk is apart from its memory: a crash with
  /// `state: lost` loses sessions and work in flight, never what is on disk
  /// (the OPD's order book). Explore draws such crashes; for other durable
  /// roles `state: lost` is a lost disk, a loss no protocol can prevent.
  bool disk_apart = false;
  /// The run makes this participant an RSA key pair and publishes the public
  /// half in the directory (like an installed certificate).
  bool long_term_key = false;
  /// The scheme this participant signs with, from its options (a customer
  /// choosing RSA-PSS or DSA). Unset: RSA-PSS with the long-term key. A DSA
  /// choice makes it a DSA key pair; the directory keeps its public half as
  /// the participant's verifying key.
  std::function<crypto::signature_scheme(const std::any& config)> signature;
  /// What a phished participant gives away, by the field of a packet it goes
  /// in (a customer's id and password: {customer: alice, password: …}), never
  /// its keys. Explore's sessions may log in with it (forge_values: phished).
  std::function<std::map<std::string, std::string>(const std::any& config, const std::string& name)>
    credentials;
  /// What an insider playing this role may be made to do, besides its
  /// scripted steps (a micropay peer: any command text on its own channel).
  std::vector<insider_command> insider_commands = {};
  /// Values anyone may know from this participant's configuration, by the
  /// field they go in (an OPD's catalogue: order.item -> book, pen). Explore's
  /// forges choose among them.
  std::function<std::map<std::string, std::vector<std::string>>(const std::any& config)>
    public_values;
  /// Options -> the role's config; throws config_error. `dir` knows every
  /// participant's name and role (no keys yet).
  std::function<std::any(const option_reader& opts, const directory& dir)> parse;
  /// Links this participant taps (attackers only).
  std::function<std::vector<link_filter>(const std::any& config)> taps;
  /// The phone number this participant answers, if any (for SMS delivery).
  std::function<std::string(const std::any& config)> phone;
  std::function<std::unique_ptr<participant_core>(const std::any& config, const role_setup& s)>
    build;
};

class role_registry {
public:
  void add(role_info r);
  /// A protocol's invariants, transaction, pictures and workload. Two
  /// protocols may register the same invariant name for one property over
  /// their own events (both have no_unauthorised_payment): the name then
  /// checks both, and holds only if each holds. A protocol registering a
  /// name twice throws.
  void add_protocol(protocol_info p);
  const std::vector<protocol_info>& protocols() const {
    return protocols_;
  }
  const protocol_info* find_protocol(const std::string& name) const;
  /// The protocol a role belongs to ("ecommerce.bank" -> ecommerce), if registered.
  const protocol_info* protocol_of(const role_info& role) const;
  const invariant_info* find_invariant(const std::string& name) const;
  /// A detection: registered as one by a protocol, or named by convention
  /// (…Rejected, …Invalid, …Refused).
  bool is_detection(const std::string& event_name) const;
  bool is_outcome(const std::string& event_name) const;
  void add_analyzer(analyzer a) {
    analyzers_.push_back(std::move(a));
  }
  const std::vector<analyzer>& analyzers() const {
    return analyzers_;
  }
  void add_forger(forger f) {
    forgers_.push_back(std::move(f));
  }
  void add_schema(message_schema s) {
    schemas_.push_back(std::move(s));
  }
  const std::vector<message_schema>& schemas() const {
    return schemas_;
  }
  const message_schema* find_schema(const std::string& kind) const;
  const std::vector<forger>& forgers() const {
    return forgers_;
  }
  const role_info* find(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::vector<role_info>& all() const {
    return roles_;
  }

private:
  std::vector<role_info> roles_;
  std::vector<protocol_info> protocols_;
  std::map<std::string, invariant_info> shared_; ///< names two or more protocols register
  std::vector<analyzer> analyzers_;
  std::vector<forger> forgers_;
  std::vector<message_schema> schemas_;
};

/// Every role protobed ships (see actors/all_roles.cpp).
const role_registry& builtin_roles();

/// Reads a participant-valued option: it must name a participant whose role
/// is `role`. Errors carry a did-you-mean among participants of that role.
std::string participant_ref(const option_reader& opts, const std::string& option,
                            const directory& dir, const std::string& role);

/// Turns a step's value into a command for `role`, checking the verb and its
/// arguments against the role's command_doc. Throws config_error.
command parse_command(const role_info& role, const std::string& verb, source_pos verb_pos,
                      const config_node& value);

} // namespace protobed
