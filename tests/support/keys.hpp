// Keys shared by tests: made once per test binary from a fixed DRBG stream,
// because RSA keygen (~30 ms) and DSA parameters (~0.5 s) are slow.
#pragma once

#include "crypto/dsa.hpp"
#include "crypto/rsa.hpp"

namespace protobed::test {

const crypto::rsa_private_key& rsa_key_a();
const crypto::rsa_private_key& rsa_key_b();
const crypto::dsa_params& dsa_test_params();
const crypto::dsa_private_key& dsa_key_a();

} // namespace protobed::test
