#include "scenarios/engine/key_material.hpp"

#include <sstream>

#include "scenarios/engine/world.hpp"

namespace protobed {

key_material keys_for(const world& w, const std::set<std::string>& names) {
  key_material k;
  for (const auto& [name, role] : w.dir.participants()) {
    if (const auto* pub = w.dir.public_key(name))
      k.rsa_public[name] = pub->to_der();
    if (const auto* v = w.dir.verifying_key(name);
        v && v->scheme() == crypto::signature_scheme::dsa)
      k.dsa_public[name] = v->to_der();
  }
  for (const auto& name : names) {
    if (auto i = w.keys.find(name); i != w.keys.end())
      k.rsa_private[name] = i->second.to_der();
    if (auto i = w.signing_keys.find(name);
        i != w.signing_keys.end() && i->second.scheme() == crypto::signature_scheme::dsa)
      k.dsa_private[name] = i->second.to_der();
  }
  return k;
}

namespace {

std::map<std::string, crypto::bytes> key_material::*field(const std::string& kind) {
  if (kind == "rsa-public")
    return &key_material::rsa_public;
  if (kind == "dsa-public")
    return &key_material::dsa_public;
  if (kind == "rsa-private")
    return &key_material::rsa_private;
  if (kind == "dsa-private")
    return &key_material::dsa_private;
  return nullptr;
}

} // namespace

std::string encode_key_material(const key_material& k) {
  std::ostringstream out;
  for (const char* kind : {"rsa-public", "dsa-public", "rsa-private", "dsa-private"})
    for (const auto& [name, der] : k.*field(kind))
      out << kind << ' ' << name << ' ' << crypto::to_hex(der) << '\n';
  return out.str();
}

std::optional<key_material> decode_key_material(const std::string& text) {
  key_material k;
  std::istringstream in(text);
  std::string kind, name, hex;
  while (in >> kind >> name >> hex) {
    auto f = field(kind);
    auto der = crypto::from_hex(hex);
    if (!f || !der)
      return std::nullopt;
    (k.*f)[name] = std::move(*der);
  }
  if (!in.eof())
    return std::nullopt;
  return k;
}

} // namespace protobed
