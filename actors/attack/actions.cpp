#include "actors/attack/actions.hpp"

#include "actors/runtime/suggest.hpp"
#include "crypto/codec.hpp"

namespace protobed::attack {

namespace {

const std::vector<std::string> action_names = {
  "observe", "drop",       "delay",       "replay",         "tamper",
  "inject",  "compromise", "impersonate", "substitute_key", "forge"};

std::vector<option_doc> schema_for(action_type t) {
  std::vector<option_doc> match = {
    {"link", "from->to", "*", "the link, e.g. shop->bank; * for any"},
    {"kind", "packet kind", "*", "packet kind"},
    {"occurrence", "integer", "every", "only the n-th matching packet (1 = the first)"},
  };
  switch (t) {
    case action_type::observe:
    case action_type::drop:
    case action_type::substitute_key:
      return match;
    case action_type::impersonate:
      match.push_back({"as", "participant", "", "answer in this participant's name"});
      match.push_back(
        {"sign_with", "participant", "its own key", "sign with this (stolen) private key"});
      match.push_back({"fields", "map", "none", "fields it sets in the answer, e.g. {amount: 90}"});
      return match;
    case action_type::forge:
      return {{"kind", "packet kind", "", "what to build (a kind with a schema)"},
              {"fields", "map", "none",
               "field: value | {observed: {link, kind, occurrence, "
               "field}} | {matched: field} | {fresh: true}"},
              {"from", "participant", "the matched packet's recipient, or the attacker",
               "claimed sender"},
              {"to", "participant", "the matched packet's sender", "recipient"},
              {"at", "duration", "none (then on:)", "when to send it"},
              {"on", "map", "none (then at:)",
               "{link, kind, occurrence}: send it in answer to this packet"}};
    case action_type::delay:
      match.push_back({"by", "duration", "", "hold the packet this long"});
      return match;
    case action_type::replay:
      match.push_back({"after", "duration", "1s", "time before each copy"});
      match.push_back({"times", "integer", "1", "copies to send"});
      match.push_back({"to", "participant", "the original recipient", "send copies here"});
      return match;
    case action_type::tamper:
      match.push_back({"offset", "integer", "0", "byte offset; negative counts from the end"});
      match.push_back({"xor", "hex", "none", "bytes to XOR in at the offset"});
      match.push_back({"set", "hex", "none", "bytes to write at the offset"});
      match.push_back({"random", "bool", "false", "flip one random byte instead"});
      return match;
    case action_type::inject:
      return {{"at", "duration", "", "when to inject"},
              {"copy_of", "map", "none", "{link, kind, occurrence} of a recorded packet"},
              {"bytes", "hex", "none", "literal bytes instead of a copy"},
              {"from", "participant", "the copy's sender", "claimed sender"},
              {"to", "participant", "the copy's recipient", "recipient"},
              {"kind", "packet kind", "the copy's kind", "packet kind"}};
    case action_type::compromise:
      return {{"at", "duration", "", "when the key is handed over"},
              {"participant", "participant", "", "whose long-term private key"}};
  }
  return {};
}

std::string participant(const option_reader& o, const std::string& key, const directory& dir) {
  const auto& n = o.need(key);
  auto name = as_string(n, key);
  if (dir.has(name))
    return name;
  std::vector<std::string> names;
  for (const auto& [p, r] : dir.participants())
    names.push_back(p);
  throw config_error(n.pos,
                     key + " names unknown participant '" + name + "'" + did_you_mean(name, names));
}

crypto::bytes hex_option(const option_reader& o, const std::string& key) {
  auto n = o.get(key);
  if (!n)
    return {};
  auto text = as_string(*n, key);
  if (text.empty())
    throw config_error(n->pos, key + " must not be empty: hex bytes like \"01\" or \"00ff\"");
  if (text.size() % 2 != 0)
    throw config_error(n->pos, key + " has an odd number of hex digits (" +
                                 std::to_string(text.size()) + "): two digits make a byte");
  auto b = crypto::from_hex(text);
  if (!b)
    throw config_error(n->pos, key + " must be hex digits 0-9 a-f, like \"01\" or \"00ff\"");
  return *b;
}

std::string known_kind(const config_node& n, const std::vector<message_schema>& schemas) {
  auto kind = as_string(n, "kind");
  std::vector<std::string> kinds;
  for (const auto& s : schemas) {
    if (s.kind == kind)
      return kind;
    kinds.push_back(s.kind);
  }
  throw config_error(n.pos, "no schema for packet kind '" + kind + "' (forge builds " +
                              "registered kinds only)" + did_you_mean(kind, kinds));
}

const message_schema* schema_of(const std::string& kind,
                                const std::vector<message_schema>& schemas) {
  for (const auto& s : schemas)
    if (s.kind == kind)
      return &s;
  return nullptr;
}

/// `field` must be one of the schema's (when the kind is known).
void check_field(const message_schema* s, const std::string& field, source_pos pos) {
  if (!s || s->field(field) || field == "session_key.fingerprint")
    return;
  std::vector<std::string> names;
  for (const auto& f : s->fields)
    names.push_back(f.name);
  throw config_error(pos, s->kind + " has no field '" + field + "'" + did_you_mean(field, names));
}

packet_match parse_match(const option_reader& o, const directory& dir) {
  packet_match m;
  if (auto n = o.get("link"))
    m.on = parse_link(*n, dir);
  if (auto n = o.get("kind")) {
    m.on.kind = as_string(*n, "kind");
    if (m.on.kind != "*" && !dir.knows_kind(m.on.kind))
      throw config_error(n->pos,
                         "unknown packet kind '" + m.on.kind + "'" +
                           did_you_mean(m.on.kind, {dir.kinds().begin(), dir.kinds().end()}));
  }
  auto occ = o.integer("occurrence", 0);
  if (o.has("occurrence") && occ < 1)
    throw config_error(o.need("occurrence").pos, "occurrence counts from 1");
  m.occurrence = static_cast<std::uint64_t>(occ);
  return m;
}

void parse_tamper(action& a, const option_reader& o) {
  a.offset = o.integer("offset", 0);
  a.xor_mask = hex_option(o, "xor");
  a.set = hex_option(o, "set");
  a.random = o.flag("random", false);
  int ways = (a.xor_mask.empty() ? 0 : 1) + (a.set.empty() ? 0 : 1) + (a.random ? 1 : 0);
  if (ways != 1)
    throw config_error(o.pos(), "tamper needs exactly one of xor, set or random: true");
  auto width = static_cast<std::int64_t>(std::max(a.xor_mask.size(), a.set.size()));
  auto limit = static_cast<std::int64_t>(crypto::max_message_size);
  if (a.offset >= limit || a.offset + width > limit || a.offset < -limit)
    throw config_error(o.need("offset").pos,
                       "offset " + std::to_string(a.offset) + " is beyond any packet (at most " +
                         std::to_string(crypto::max_message_size) + " bytes)");
}

const std::vector<option_doc> observed_schema = {
  {"link", "from->to", "*", "the link it crossed"},
  {"kind", "packet kind", "*", "its kind"},
  {"occurrence", "integer", "1", "the n-th such packet recorded"},
  {"field", "string", "", "the field to take"},
};

field_source parse_source(const config_entry& e, const action& a, const directory& dir,
                          const std::vector<message_schema>& schemas) {
  field_source src;
  src.pos = e.value.pos;
  if (e.value.is_scalar()) {
    src.value = e.value.scalar;
    return src;
  }
  if (!e.value.is_map() || e.value.entries.size() != 1)
    throw config_error(e.value.pos, "field '" + e.key + "' takes a value, {observed: …}, " +
                                      "{matched: FIELD}, {public_key: NAME} or {fresh: true}");
  const auto& how = e.value.entries.front();
  if (how.key == "fresh") {
    src.type = field_source::from::fresh;
    if (!as_bool(how.value, "fresh"))
      throw config_error(how.value.pos, "fresh takes true");
  } else if (how.key == "public_key") {
    src.type = field_source::from::public_key;
    src.value = as_string(how.value, "public_key");
    if (!dir.public_key(src.value) && !dir.has(src.value))
      throw config_error(how.value.pos, "public_key names unknown participant '" + src.value + "'");
  } else if (how.key == "matched") {
    src.type = field_source::from::matched;
    src.field = as_string(how.value, "matched");
    if (a.type != action_type::forge || a.at)
      throw config_error(how.key_pos, "matched needs on: (the packet to answer)");
    if (a.match.on.kind != "*")
      check_field(schema_of(a.match.on.kind, schemas), src.field, how.value.pos);
  } else if (how.key == "observed") {
    src.type = field_source::from::observed;
    option_reader o(how.value, "observed", observed_schema);
    src.observed = parse_match(o, dir);
    if (src.observed.occurrence == 0)
      src.observed.occurrence = 1;
    src.field = o.str("field");
    if (src.observed.on.kind != "*")
      check_field(schema_of(src.observed.on.kind, schemas), src.field, o.need("field").pos);
  } else {
    throw config_error(how.key_pos,
                       "unknown field source '" + how.key + "'" +
                         did_you_mean(how.key, {"observed", "matched", "fresh", "public_key"}));
  }
  return src;
}

void parse_fields(action& a, const config_node* node, const message_schema* s, const directory& dir,
                  const std::vector<message_schema>& schemas) {
  if (!node)
    return;
  if (!node->is_map())
    throw config_error(node->pos, "fields must be a map of field: value");
  for (const auto& e : node->entries) {
    check_field(s, e.key, e.key_pos);
    a.fields[e.key] = parse_source(e, a, dir, schemas);
  }
}

void parse_forge(action& a, const option_reader& o, const directory& dir,
                 const std::vector<message_schema>& schemas) {
  a.kind = known_kind(o.need("kind"), schemas);
  if (o.has("at") == o.has("on"))
    throw config_error(o.pos(),
                       "forge needs exactly one of at (a time) or on (a packet to answer)");
  if (o.has("at"))
    a.at = o.duration("at", sim_time{0});
  if (auto on = o.get("on")) {
    option_reader m(*on, "on", schema_for(action_type::observe));
    a.match = parse_match(m, dir);
  }
  if (o.has("from"))
    a.from = participant(o, "from", dir);
  if (o.has("to"))
    a.to = participant(o, "to", dir);
  if (a.at && a.to.empty())
    throw config_error(o.pos(), "forge at a time needs to: (there is no packet to answer)");
  parse_fields(a, o.get("fields"), schema_of(a.kind, schemas), dir, schemas);
}

void parse_inject(action& a, const option_reader& o, const directory& dir) {
  a.at = o.duration("at", sim_time{0});
  a.raw = hex_option(o, "bytes");
  if (auto c = o.get("copy_of")) {
    option_reader co(*c, "copy_of", schema_for(action_type::observe));
    a.match = parse_match(co, dir);
    if (a.match.occurrence == 0)
      a.match.occurrence = 1;
  }
  if (a.raw.empty() == !o.has("copy_of"))
    throw config_error(o.pos(), "inject needs exactly one of copy_of or bytes");
  if (o.has("from"))
    a.from = participant(o, "from", dir);
  if (o.has("to"))
    a.to = participant(o, "to", dir);
  a.kind = o.str("kind", "");
  if (!a.raw.empty() && (a.to.empty() || a.kind.empty()))
    throw config_error(o.pos(), "inject with bytes needs to and kind");
}

action parse_action(const config_node& item, const directory& dir,
                    const std::vector<message_schema>& schemas) {
  if (!item.is_map() || item.entries.size() != 1)
    throw config_error(item.pos, "an action is a map with one key: " +
                                   std::string("observe, drop, delay, replay, tamper, inject, "
                                               "compromise, impersonate, substitute_key or forge"));
  const auto& e = item.entries.front();
  auto it = std::find(action_names.begin(), action_names.end(), e.key);
  if (it == action_names.end())
    throw config_error(e.key_pos, "unknown attacker action '" + e.key + "'" +
                                    did_you_mean(e.key, action_names));
  action a;
  a.type = static_cast<action_type>(it - action_names.begin());
  a.pos = e.key_pos;
  option_reader o(e.value, "action '" + e.key + "'", schema_for(a.type));
  switch (a.type) {
    case action_type::inject:
      parse_inject(a, o, dir);
      return a;
    case action_type::compromise:
      a.at = o.duration("at", sim_time{0});
      a.participant = participant(o, "participant", dir);
      return a;
    case action_type::forge:
      parse_forge(a, o, dir, schemas);
      return a;
    default:
      break;
  }
  a.match = parse_match(o, dir);
  if (a.type == action_type::impersonate) {
    a.as = participant(o, "as", dir);
    if (o.has("sign_with"))
      a.sign_with = participant(o, "sign_with", dir);
    parse_fields(a, o.get("fields"), nullptr, dir, schemas);
  }
  if (a.type == action_type::delay)
    a.by = o.duration("by", sim_time{0});
  if (a.type == action_type::replay) {
    a.by = o.duration("after", std::chrono::seconds(1));
    auto times = o.integer("times", 1);
    if (times < 1 || times > 1000)
      throw config_error(o.need("times").pos, "times must be 1..1000");
    a.times = static_cast<std::uint32_t>(times);
    if (o.has("to"))
      a.to = participant(o, "to", dir);
  }
  if (a.type == action_type::tamper)
    parse_tamper(a, o);
  return a;
}

} // namespace

const char* to_string(action_type t) {
  return action_names[static_cast<std::size_t>(t)].c_str();
}

link_filter parse_link(const config_node& n, const directory& dir) {
  auto text = as_string(n, "link");
  link_filter f;
  if (text == "*")
    return f;
  auto arrow = text.find("->");
  if (arrow == std::string::npos)
    throw config_error(n.pos, "a link is written from->to (or *), not '" + text + "'");
  f.from = text.substr(0, arrow);
  f.to = text.substr(arrow + 2);
  std::vector<std::string> names;
  for (const auto& [p, r] : dir.participants())
    names.push_back(p);
  for (const auto& side : {f.from, f.to})
    if (side != "*" && !dir.has(side))
      throw config_error(n.pos, "link '" + text + "' names unknown participant '" + side + "'" +
                                  did_you_mean(side, names));
  return f;
}

attacker_config parse_attacker(const config_node& taps, const config_node* actions,
                               const directory& dir, const std::vector<message_schema>& schemas) {
  attacker_config c;
  if (!taps.is_list() || taps.items.empty())
    throw config_error(taps.pos, "taps must be a list of links like [\"alice->shop\", \"*\"]");
  for (const auto& t : taps.items)
    c.taps.push_back(parse_link(t, dir));
  if (actions) {
    if (!actions->is_list())
      throw config_error(actions->pos, "actions must be a list");
    for (const auto& item : actions->items)
      c.actions.push_back(parse_action(item, dir, schemas));
  }
  return c;
}

} // namespace protobed::attack
