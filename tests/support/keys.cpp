#include "tests/support/keys.hpp"

namespace protobed::test {

namespace {

crypto::rng& key_rng() {
  static auto r = crypto::rng::deterministic(20261121, "tests.keys");
  return r;
}

} // namespace

const crypto::rsa_private_key& rsa_key_a() {
  static auto k = crypto::rsa_private_key::generate(key_rng());
  return k;
}

const crypto::rsa_private_key& rsa_key_b() {
  static auto k = crypto::rsa_private_key::generate(key_rng());
  return k;
}

const crypto::dsa_params& dsa_test_params() {
  static auto p = crypto::dsa_params::generate(key_rng());
  return p;
}

const crypto::dsa_private_key& dsa_key_a() {
  static auto k = crypto::dsa_private_key::generate(key_rng(), dsa_test_params());
  return k;
}

} // namespace protobed::test
