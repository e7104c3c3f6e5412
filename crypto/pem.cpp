#include "crypto/pem.hpp"

#include <cryptopp/base64.h>
#include <cryptopp/filters.h>

namespace protobed::crypto {

std::string pem_encode(std::string_view label, byte_view der) {
  std::string body;
  CryptoPP::Base64Encoder enc(new CryptoPP::StringSink(body), true, 64);
  enc.Put(der.data(), der.size());
  enc.MessageEnd();
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  out += body;
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

result<bytes> pem_decode(std::string_view label, std::string_view pem) {
  auto begin = "-----BEGIN " + std::string(label) + "-----";
  auto end = "-----END " + std::string(label) + "-----";
  auto b = pem.find(begin);
  if (b == std::string_view::npos)
    return make_error(errc::malformed, "missing '" + begin + "'");
  auto body_start = b + begin.size();
  auto e = pem.find(end, body_start);
  if (e == std::string_view::npos)
    return make_error(errc::malformed, "missing '" + end + "'");
  auto body = pem.substr(body_start, e - body_start);
  for (char c : body) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=' ||
              c == '\n' || c == '\r' || c == ' ' || c == '\t';
    if (!ok)
      return make_error(errc::malformed, "invalid base64 character in PEM body");
  }
  std::string der;
  CryptoPP::StringSource(reinterpret_cast<const CryptoPP::byte*>(body.data()), body.size(), true,
                         new CryptoPP::Base64Decoder(new CryptoPP::StringSink(der)));
  return bytes(der.begin(), der.end());
}

} // namespace protobed::crypto
