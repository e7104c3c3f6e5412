// Enrolments of the attacker's own. Where a packet enrols a key for a phone
// under a nonce its sender chooses and a second one on the same hop finishes it with
// the same nonce and a code texted to a phone (messaging's register, then
// confirm), the attacker enrols itself: in a number anyone may know (a
// participant's phone), a nonce it chose, and a code it guesses — the relay
// texts the real one to the number's owner, never to the attacker.
#include "scenarios/explore/draw.hpp"

namespace protobed::explore::draw {

std::vector<enrolment_hops> enrolments_in(const context& c) {
  std::vector<enrolment_hops> out;
  for (const auto& h : c.hops) {
    const auto* opener = schema_of(c.s, h.kind);
    if (!has_fields(opener, {"nonce", "phone", "public_key"}) || has_fields(opener, {"code"}) ||
        opener->field("nonce")->fallback != "fresh")
      continue;
    for (const auto& f : c.hops)
      if (f.from_role == h.from_role && f.to_role == h.to_role &&
          has_fields(schema_of(c.s, f.kind), {"nonce", "phone", "code"}) && !h.receivers.empty())
        out.push_back({&h, &f});
  }
  return out;
}

std::vector<schedule_item> own_enrolment(const context& c, dice& d, const enrolment_hops& e) {
  auto phones = c.public_values.find("phone");
  if (phones == c.public_values.end() || phones->second.empty())
    return {};
  account a{c.attacker, {}, {}, d.between(0, c.horizon_ms * 3 / 4)};
  auto to = d.pick(e.opener->receivers);
  auto base = map_node();
  put(base, "phone", d.pick(phones->second));
  put(base, "nonce", d.hex(schema_of(c.s, e.opener->kind)->field("nonce")->fresh_size()));
  std::vector<schedule_item> out;
  out.push_back(
    action(forge(e.opener->kind, at(a.at_ms), "", to, fields_of(c, d, a, e.opener->kind, base))));
  a.at_ms += d.between(200, 3000);
  auto finish = base;
  put(finish, "code", d.code());
  out.push_back(
    action(forge(e.finish->kind, at(a.at_ms), "", to, fields_of(c, d, a, e.finish->kind, finish))));
  return out;
}

std::vector<schedule_item> own_enrolments(const context& c, dice& d, const enrolment_hops& e,
                                          std::uint32_t times) {
  std::vector<schedule_item> out;
  auto phones = c.public_values.find("phone");
  if (phones == c.public_values.end() || phones->second.empty() || times == 0)
    return out;
  auto phone = d.pick(phones->second); // one number, flooded
  auto at_ms = d.between(0, c.horizon_ms * 3 / 4);
  auto to = d.pick(e.opener->receivers);
  auto nonce_size = schema_of(c.s, e.opener->kind)->field("nonce")->fresh_size();
  for (std::uint32_t i = 0; i < times; ++i, at_ms += d.between(200, 3000)) {
    account a{c.attacker, {}, {}, at_ms};
    auto base = map_node();
    put(base, "phone", phone);
    put(base, "nonce", d.hex(nonce_size));
    out.push_back(
      action(forge(e.opener->kind, at(at_ms), "", to, fields_of(c, d, a, e.opener->kind, base))));
    // Three guesses: a code guessed wrong that often is destroyed, and its
    // pending enrolment with it, making room for the next.
    auto guess_ms = at_ms;
    for (int g = 0; g < 3; ++g) {
      auto finish = base;
      put(finish, "code", d.code());
      guess_ms += d.between(100, 1000);
      out.push_back(action(
        forge(e.finish->kind, at(guess_ms), "", to, fields_of(c, d, a, e.finish->kind, finish))));
    }
    at_ms = guess_ms;
  }
  return out;
}

} // namespace protobed::explore::draw
