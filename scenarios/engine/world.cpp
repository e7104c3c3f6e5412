#include "scenarios/engine/world.hpp"

#include <atomic>

#include "scenarios/engine/key_cache.hpp"

namespace protobed {

namespace {

crypto::rng stream(const world_options& o, bool deterministic, const std::string& label) {
  return deterministic ? crypto::rng::deterministic(o.seed, label) : crypto::rng::os();
}

bool signs_with_dsa(const participant_spec& p) {
  return p.role->long_term_key && p.role->signature &&
         p.role->signature(p.config) == crypto::signature_scheme::dsa;
}

/// DSA key pairs for the participants that chose DSA, over one set of domain
/// parameters per run (making parameters is the expensive part).
void add_dsa_keys(const scenario& s, const world_options& o, world& w) {
  std::optional<crypto::dsa_params> params;
  for (const auto& p : s.participants) {
    if (!signs_with_dsa(p))
      continue;
    bool same_everywhere = !o.real || o.deterministic_keys;
    auto label = "keys.dsa." + p.name;
    if (!params && s.key_seed) {
      params = key_cache::shared().dsa_params(*s.key_seed, "keys.dsa_params");
    } else if (!params) {
      auto params_rng = stream(o, same_everywhere, "keys.dsa_params");
      params = crypto::dsa_params::generate(params_rng);
    }
    auto key = s.key_seed ? key_cache::shared().dsa(*s.key_seed, label, *params) : [&] {
      auto key_rng = stream(o, same_everywhere, label);
      return crypto::dsa_private_key::generate(key_rng, *params);
    }();
    w.dir.add_verifying_key(p.name, key.public_key());
    w.signing_keys.insert_or_assign(p.name, crypto::signing_key(std::move(key)));
  }
}

/// From the scenario's key seed (made once per process), or from the run's seed.
crypto::rsa_private_key long_term_key(const scenario& s, const world_options& o,
                                      const std::string& label) {
  if (s.key_seed)
    return key_cache::shared().rsa(*s.key_seed, label);
  auto key_rng = stream(o, !o.real || o.deterministic_keys, label);
  return crypto::rsa_private_key::generate(key_rng);
}

/// Keys a participant makes during the run (session keys), the n-th from the
/// stream "session.<name>.<n>" of the key seed: the same in every run.
std::function<crypto::rsa_private_key(unsigned)> session_keys(const scenario& s,
                                                              const std::string& name) {
  if (!s.key_seed)
    return {};
  auto next = std::make_shared<std::atomic<std::uint64_t>>(0);
  return [seed = *s.key_seed, name, next](unsigned bits) {
    return key_cache::shared().rsa(seed, "session." + name + "." + std::to_string((*next)++), bits);
  };
}

template <class T>
T parsed(crypto::result<T> r, const std::string& what, const std::string& name) {
  if (!r)
    throw std::runtime_error("the " + what + " key given for " + name +
                             " does not parse: " + r.error().message());
  return std::move(*r);
}

/// The keys a node was given: every public key, its own private keys.
void given_keys(const key_material& k, world& w) {
  using crypto::signature_scheme;
  for (const auto& [name, der] : k.rsa_public)
    w.dir.add_public_key(name, parsed(crypto::rsa_public_key::from_der(der), "public", name));
  for (const auto& [name, der] : k.dsa_public)
    w.dir.add_verifying_key(
      name,
      parsed(crypto::verifying_key::from_der(signature_scheme::dsa, der), "DSA public", name));
  for (const auto& [name, der] : k.rsa_private)
    w.keys.emplace(name, parsed(crypto::rsa_private_key::from_der(der), "private", name));
  for (const auto& [name, der] : k.dsa_private)
    w.signing_keys.insert_or_assign(
      name, parsed(crypto::signing_key::from_der(signature_scheme::dsa, der), "DSA private", name));
}

void build_directory(const scenario& s, const world_options& o, world& w) {
  for (const auto& p : s.participants) {
    w.dir.add_participant(p.name, p.role->name);
    if (!p.phone.empty())
      w.dir.add_phone(p.phone, p.name);
  }
  if (o.keys)
    return given_keys(*o.keys, w);
  for (const auto& p : s.participants) {
    if (!p.role->long_term_key)
      continue;
    auto key = long_term_key(s, o, "keys." + p.name);
    w.dir.add_public_key(p.name, key.public_key());
    w.keys.emplace(p.name, std::move(key));
  }
  add_dsa_keys(s, o, w);
}

std::shared_ptr<core_slot> build_core(const scenario& s, const participant_spec& p,
                                      const world_options& o, world& w) {
  // Set-up material (password salts, key pools) is key material: with a key
  // seed it is the same in every run, as the keys are.
  auto setup_rng = s.key_seed ? crypto::rng::deterministic(*s.key_seed, "setup." + p.name)
                              : stream(o, !o.real, "setup." + p.name);
  role_setup setup{p.name,
                   w.dir,
                   std::nullopt,
                   std::nullopt,
                   &w.keys,
                   &w.signing_keys,
                   &builtin_roles().analyzers(),
                   &builtin_roles().forgers(),
                   &builtin_roles().schemas(),
                   nullptr,
                   session_keys(s, p.name)};
  if (auto k = w.keys.find(p.name); k != w.keys.end()) {
    setup.long_term_key = k->second;
    setup.signing_key = crypto::signing_key(k->second);
  }
  if (auto k = w.signing_keys.find(p.name); k != w.signing_keys.end())
    setup.signing_key = k->second;
  setup.setup_rng = &setup_rng;
  auto slot = std::make_shared<core_slot>();
  slot->core = p.role->build(p.config, setup);
  // A restart that loses state starts over from the scenario's options.
  setup.setup_rng = nullptr;
  slot->rebuild = [role = p.role, config = p.config, setup] {
    return std::shared_ptr<participant_core>(role->build(config, setup));
  };
  return slot;
}

} // namespace

void build_world(const scenario& s, const world_options& o, world& w) {
  build_directory(s, o, w);
  auto net = s.network;
  for (const auto& p : s.participants) {
    if (p.role->taps)
      for (const auto& link : p.role->taps(p.config))
        net.taps.push_back({link, p.name});
    if (o.only && o.only->count(p.name) == 0)
      continue;
    w.cores[p.name] = build_core(s, p, o, w);
    w.rngs[p.name] = std::make_shared<crypto::rng>(stream(o, !o.real, "participant." + p.name));
    w.workers[p.name] = p.workers;
  }
  w.network = std::make_shared<network_core>(net, stream(o, !o.real, "network"));
  w.queue_delay_limit = s.network.queue_delay_limit;
}

} // namespace protobed
