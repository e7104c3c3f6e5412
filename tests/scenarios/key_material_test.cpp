// A node's share of a run's keys: every public key, its own private keys.
#include <catch2/catch.hpp>

#include "scenarios/engine/key_material.hpp"
#include "scenarios/engine/loader.hpp"
#include "scenarios/engine/world.hpp"

using namespace protobed;

namespace {

scenario many_customers() {
  return load_scenario(std::string(PROTOBED_SCENARIO_DIR) + "/purchase/many-customers.yaml");
}

} // namespace

TEST_CASE("a node's keys hold every public key and only its participants' private keys",
          "[distribution][keys]") {
  auto s = many_customers();
  world driver;
  build_world(s, world_options{1, true, false, nullptr}, driver);
  auto share = keys_for(driver, {"c0", "c1"});
  for (const auto& [name, key] : driver.keys)
    CHECK(share.rsa_public.count(name) == 1);
  std::set<std::string> with_private;
  for (const auto& [name, der] : share.rsa_private)
    with_private.insert(name);
  for (const auto& [name, der] : share.dsa_private)
    with_private.insert(name);
  CHECK(with_private == std::set<std::string>{"c0", "c1"});
  CHECK(share.rsa_private.count("opd") == 0);
  CHECK(share.dsa_private.count("c1") == 1); // c1 signs its orders with DSA
  CHECK(share.dsa_public.count("c3") == 1);  // and so does c3, whose key stays home

  // The node builds its world from the share: the same directory, no other private key.
  auto decoded = decode_key_material(encode_key_material(share));
  REQUIRE(decoded);
  std::set<std::string> only{"c0", "c1"};
  world node;
  build_world(s, world_options{99, true, false, &only, &*decoded}, node);
  for (const auto& [name, role] : driver.dir.participants()) {
    const auto* a = driver.dir.verifying_key(name);
    const auto* b = node.dir.verifying_key(name);
    REQUIRE((a == nullptr) == (b == nullptr));
    if (a)
      CHECK(a->to_der() == b->to_der());
  }
  CHECK(node.keys.count("opd") == 0);
  CHECK(node.cores.size() == 2);
}

TEST_CASE("malformed key material is refused", "[distribution][keys]") {
  CHECK_FALSE(decode_key_material("rsa-public alice zz\n"));
  CHECK_FALSE(decode_key_material("ssh-key alice 00\n"));
  CHECK(decode_key_material(""));
  key_material bad;
  bad.rsa_public["alice"] = crypto::bytes{1, 2, 3};
  auto s = many_customers();
  world w;
  CHECK_THROWS_WITH(build_world(s, world_options{1, true, false, nullptr, &bad}, w),
                    Catch::Contains("given for alice does not parse"));
}
