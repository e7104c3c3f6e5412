// What the draws of a schedule share (schedule.cpp, sessions.cpp): the
// seed's dice, the scenario as the draws see it, and small helpers. Internal
// to scenarios/explore.
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/rng.hpp"
#include "scenarios/explore/schedule.hpp"
#include "scenarios/explore/yaml_writer.hpp"

namespace protobed::explore::draw {

/// The seed's choices, each a small helper over one deterministic stream.
class dice {
public:
  dice(std::uint64_t seed, const char* stream)
    : rng_(crypto::rng::deterministic(seed, stream)) {}

  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) {
    return lo >= hi ? lo : rng_.uniform(lo, hi);
  }
  bool chance(std::uint32_t percent) {
    return rng_.uniform(0, 99) < percent;
  }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[rng_.uniform(0, static_cast<std::uint32_t>(v.size() - 1))];
  }
  std::string ms(std::uint32_t lo, std::uint32_t hi) {
    return std::to_string(between(lo, hi)) + "ms";
  }
  /// `bytes` random bytes, as hex.
  std::string hex(std::size_t bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
      auto b = between(0, 255);
      out += digits[b >> 4];
      out += digits[b & 15];
    }
    return out;
  }
  /// A code someone guesses: six digits.
  std::string code() {
    char digits[8];
    std::snprintf(digits, sizeof(digits), "%06u", between(0, 999999));
    return digits;
  }
  /// A probability in [0.01, max], two decimals.
  std::string probability(double max) {
    auto hundredths = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(max * 100));
    auto p = between(1, hundredths);
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%u.%02u", p / 100, p % 100);
    return buf;
  }

private:
  crypto::rng rng_;
};

/// Whether an observer reads the field off the wire without a key: in the
/// clear, or an opaque envelope carried whole.
inline bool in_clear(const field_doc& f) {
  return f.protection.rfind("clear", 0) == 0 || f.protection.find("opaque") != std::string::npos;
}

/// Whether a stolen long-term key may open the field: sealed or wrapped for
/// a participant (not under a session's symmetric key).
inline bool sealed_for_someone(const field_doc& f) {
  return f.protection.find("sealed for") != std::string::npos ||
         f.protection.find("wrapped") != std::string::npos;
}

/// A bytes field a packet of some hop carries readable on the wire (in the
/// clear, or an opaque envelope), which a forge may copy whole.
struct opaque_field {
  const hop_choice* hop = nullptr;
  std::string field;
};

struct context {
  const scenario& s;
  std::vector<hop_choice> hops;
  std::vector<std::string> downable;    ///< may crash, go offline, be cut off
  std::vector<std::string> people;      ///< every participant but attackers
  std::vector<std::string> key_holders; ///< those of them with a long-term key
  /// The scheme each key holder signs with ("rsa_pss", "dsa"): its role's choice.
  std::map<std::string, std::string> scheme_of;
  std::vector<std::string> stolen; ///< whose keys the schedule hands the attacker
  std::vector<opaque_field> opaque;
  std::uint32_t horizon_ms = 0;
  dice& d;
  /// Values anyone may know, by field (role_info::public_values of every participant).
  std::map<std::string, std::vector<std::string>> public_values = {};
  /// What each participant that has any gives away when phished (role_info::credentials).
  std::map<std::string, std::map<std::string, std::string>> credentials = {};
  std::string attacker = {}; ///< the attacker's name in the run
  /// Who the scenario's steps have talk to whom: (participant, a participant
  /// named in one of its commands), with the time of the step.
  struct talk {
    std::string who, to;
    std::uint32_t at_ms = 0;
  };
  std::vector<talk> talks = {};
};

inline bool allows(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

inline config_node one(const std::string& key, config_node body) {
  auto n = map_node();
  put(n, key, std::move(body));
  return n;
}

/// The link an action watches: one sender of the hop to one receiver ("*"
/// for a side no participant plays). Links of other hops stay untapped: the
/// OTP's SMS to a client is not the merchant's link to it.
inline std::string link_of(context& c, const hop_choice& h) {
  auto side = [&](const std::vector<std::string>& v) {
    return v.empty() ? std::string("*") : c.d.pick(v);
  };
  auto from = side(h.senders);
  return from + "->" + side(h.receivers);
}

inline const message_schema* schema_of(const scenario& s, const std::string& kind) {
  for (const auto& m : s.registry().schemas())
    if (m.kind == kind)
      return &m;
  return nullptr;
}

inline bool has_fields(const message_schema* m, std::initializer_list<const char*> names) {
  return m && std::all_of(names.begin(), names.end(),
                          [&](const char* n) { return m->field(n) != nullptr; });
}

/// `text` with every `key` replaced by `value`.
inline std::string replaced(std::string text, const std::string& key, const std::string& value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

/// Integers a forged integer field (an amount, a sequence number, a
/// quantity, a time) may take instead: the edges of the types they are read
/// into. 2^64 - 1 is the 64 bits of -1: an unsigned field carries it, a
/// signed one reads it as -1 (field_reader::amount).
inline const std::vector<std::string> extreme_integers = {"0",
                                                          "1",
                                                          "-1",
                                                          "1000000",
                                                          "2147483648",
                                                          "4294967295",
                                                          "4294967296",
                                                          "9223372036854775807",
                                                          "-9223372036854775808",
                                                          "18446744073709551615"};

/// An integer lo..hi as text, or `percent` of the time (where `forge_values`
/// allow extremes) one of extreme_integers: a drawn amount.
inline std::string amount_or_extreme(const context& c, dice& d, std::uint32_t percent,
                                     std::uint32_t lo, std::uint32_t hi) {
  return allows(c.s.explore.forge_values, "extreme") && d.chance(percent)
           ? d.pick(extreme_integers)
           : std::to_string(d.between(lo, hi));
}

/// One forged session's choices: whose account it is in, what it knows of
/// it, and whose key it must not sign with (never both factors of one
/// participant: its password or session secret *and* its key — that is no
/// hole, it is the participant).
struct account {
  std::string who;
  std::map<std::string, std::string> credentials; ///< id always; password if phished
  std::string no_signer;
  std::uint32_t at_ms = 0; ///< when the packet is sent (for its time fields)
};

/// A value for one field of a forged packet, or nothing (the schema's
/// default: fresh nonces, the attacker's signature, the recipient).
std::optional<config_node> session_value(const context& c, dice& d, const account& a,
                                         const field_doc& f);
/// `fields` with a drawn value for each field of `kind`'s schema it does not set.
config_node fields_of(const context& c, dice& d, const account& a, const std::string& kind,
                      config_node fields);
/// `forge: {kind, at, from, to, fields}` (`from` left out when empty).
config_node forge(const std::string& kind, const std::string& at, const std::string& from,
                  const std::string& to, config_node fields);
schedule_item action(config_node body);
std::string at(std::uint32_t ms);

/// A handshake whose opener carries an ephemeral secret its sender chooses
/// and a long-term signature (micropay's hello and dial), the answer the
/// channel keys are read off, and the records sent in the channel.
struct channel_hops {
  const hop_choice* opener = nullptr;
  const hop_choice* answer = nullptr;
  std::vector<const hop_choice*> records; ///< from the opener's side
};
std::vector<channel_hops> channels_in(const context& c);
/// A channel of the attacker's own (channels.cpp).
std::vector<schedule_item> own_channel(const context& c, dice& d, const channel_hops& h);

/// An enrolment: an opener that enrols a key for a phone under a nonce its
/// sender chooses (messaging's register), and the packet that finishes it on the same hop
/// with that nonce and a texted code (confirm).
struct enrolment_hops {
  const hop_choice* opener = nullptr;
  const hop_choice* finish = nullptr;
};
std::vector<enrolment_hops> enrolments_in(const context& c);
/// An enrolment of the attacker's own in a known number, the code guessed
/// (enrolments.cpp).
std::vector<schedule_item> own_enrolment(const context& c, dice& d, const enrolment_hops& e);
/// The same enrolment `times` times in a row in one number, each with a
/// nonce of its own and three guesses at its code (a flood).
std::vector<schedule_item> own_enrolments(const context& c, dice& d, const enrolment_hops& e,
                                          std::uint32_t times);

/// The sessions of its own the attacker opens, drawn from their own stream
/// (sessions.cpp): for each, a forged opener and records forged in it.
std::vector<schedule_item> draw_sessions(const context& c, std::uint64_t seed);

/// The insiders' steps, drawn from their own stream (insiders.cpp): a
/// participant whose role lists insider commands gives 1–3 of them.
std::vector<schedule_item> draw_insiders(const context& c, std::uint64_t seed);

/// The floods, drawn from their own stream (floods.cpp): an insider command
/// whose role lets it repeat itself (`{count}`), or an enrolment of the
/// attacker's own, 6–12 times.
std::vector<schedule_item> draw_floods(const context& c, std::uint64_t seed);

/// A dishonest receiver, drawn from its own stream (insiders.cpp): a
/// participant whose key the attacker holds from the start answers a packet
/// of a kind the protocol's forger answers, as itself, signed with its own
/// key, quoting an amount it chose (15 % of the seeds where one may be).
std::vector<schedule_item> draw_dishonest(const context& c, std::uint64_t seed);

/// An insider of the run and a victim of its role, or none (insiders.cpp).
std::optional<std::pair<const participant_spec*, std::string>> insider_and_victim(const context& c,
                                                                                  dice& d);
/// `{at: T, INSIDER: {VERB: {ARG: VALUE…}}}` with the placeholders filled
/// (`{count}` as `count`); nothing when the command needs what the attacker
/// cannot have.
std::optional<schedule_item> insider_step(const context& c, dice& d, const insider_command& cmd,
                                          std::uint32_t at_ms, const std::string& self,
                                          const std::string& other, const std::string& count = "1");

} // namespace protobed::explore::draw
