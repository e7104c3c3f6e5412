// PEM armour (RFC 7468) around DER: base64 in 64-column lines between labels.
#pragma once

#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"

namespace protobed::crypto {

std::string pem_encode(std::string_view label, byte_view der);
/// Extracts the DER between "-----BEGIN label-----" and its END line.
result<bytes> pem_decode(std::string_view label, std::string_view pem);

} // namespace protobed::crypto
