#include "scenarios/engine/key_cache.hpp"

namespace protobed {

key_cache& key_cache::shared() {
  static key_cache cache;
  return cache;
}

// Keys are made outside the lock (two threads may make the same key; the
// first one stored wins, and both are the same key anyway).
crypto::rsa_private_key key_cache::rsa(std::uint64_t key_seed, const std::string& label,
                                       unsigned bits) {
  rsa_key id{key_seed, label, bits};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto i = rsa_.find(id); i != rsa_.end())
      return i->second;
  }
  auto r = crypto::rng::deterministic(key_seed, label);
  auto key = crypto::rsa_private_key::generate(r, bits);
  std::lock_guard<std::mutex> lock(mutex_);
  return rsa_.emplace(id, std::move(key)).first->second;
}

crypto::dsa_params key_cache::dsa_params(std::uint64_t key_seed, const std::string& label) {
  named id{key_seed, label};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto i = params_.find(id); i != params_.end())
      return i->second;
  }
  auto r = crypto::rng::deterministic(key_seed, label);
  auto params = crypto::dsa_params::generate(r);
  std::lock_guard<std::mutex> lock(mutex_);
  return params_.emplace(id, std::move(params)).first->second;
}

crypto::dsa_private_key key_cache::dsa(std::uint64_t key_seed, const std::string& label,
                                       const crypto::dsa_params& params) {
  named id{key_seed, label};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto i = dsa_.find(id); i != dsa_.end())
      return i->second;
  }
  auto r = crypto::rng::deterministic(key_seed, label);
  auto key = crypto::dsa_private_key::generate(r, params);
  std::lock_guard<std::mutex> lock(mutex_);
  return dsa_.emplace(id, std::move(key)).first->second;
}

std::size_t key_cache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rsa_.size() + params_.size() + dsa_.size();
}

} // namespace protobed
