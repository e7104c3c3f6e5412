#include "actors/runtime/schema.hpp"

#include "crypto/codec.hpp"
#include "crypto/envelope.hpp"

#include <charconv>

namespace protobed {

namespace {

crypto::error missing(const std::string& what) {
  return crypto::make_error(crypto::errc::invalid_argument, what);
}

} // namespace

const field_doc* message_schema::field(const std::string& name) const {
  for (const auto& f : fields)
    if (f.name == name)
      return &f;
  return nullptr;
}

const std::string* field_reader::find(const std::string& name) {
  auto i = f_.find(name);
  if (i != f_.end())
    return &i->second;
  fail("no value for field " + name);
  return nullptr;
}

void field_reader::fail(std::string why) {
  if (!error_)
    error_ = crypto::make_error(crypto::errc::invalid_argument, std::move(why));
}

std::string field_reader::text(const std::string& name) {
  const auto* v = find(name);
  return v ? *v : std::string{};
}

crypto::bytes field_reader::hex(const std::string& name) {
  const auto* v = find(name);
  if (!v)
    return {};
  auto b = crypto::from_hex(*v);
  if (!b)
    fail("field " + name + " must be hex, not '" + *v + "'");
  return b.value_or(crypto::bytes{});
}

std::int64_t field_reader::amount(const std::string& name) {
  const auto* v = find(name);
  std::int64_t out = 0;
  if (!v)
    return 0;
  const char* last = v->data() + v->size();
  auto [end, ec] = std::from_chars(v->data(), last, out);
  if (ec == std::errc::result_out_of_range && !v->empty() && v->front() != '-') {
    // 2^63 .. 2^64-1: the 64 bits an unsigned field carries on the wire
    // (a signed field reads the same bits as a negative number).
    std::uint64_t u = 0;
    auto [uend, uec] = std::from_chars(v->data(), last, u);
    if (uec == std::errc{} && uend == last)
      return static_cast<std::int64_t>(u);
  }
  if (ec != std::errc{} || end != last)
    fail("field " + name + " must be an integer from -2^63 to 2^64-1, not '" + *v + "'");
  return out;
}

std::uint64_t field_reader::unsigned_amount(const std::string& name) {
  const auto* v = find(name);
  std::uint64_t out = 0;
  if (!v)
    return 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc{} || end != v->data() + v->size())
    fail("field " + name + " must be an integer from 0 to 2^64-1, not '" + *v + "'");
  return out;
}

bool field_reader::flag(const std::string& name) {
  const auto* v = find(name);
  if (v && *v != "true" && *v != "false")
    fail("field " + name + " must be true or false, not '" + *v + "'");
  return v && *v == "true";
}

crypto::result<crypto::bytes> checked_build(const field_reader& r,
                                            crypto::result<crypto::bytes> built) {
  if (r.error())
    return *r.error();
  return built;
}

crypto::result<crypto::rsa_private_key> field_signer(const field_values& f, const std::string& name,
                                                     const term_store& t) {
  auto i = f.find(name);
  if (i == f.end())
    return missing("no value for field " + name);
  auto k = t.known.private_keys.find(i->second);
  if (k == t.known.private_keys.end())
    return missing("the private key of " + i->second + " (for " + name + ")");
  return k->second;
}

crypto::result<crypto::signing_key>
field_signing_key(const field_values& f, const std::string& name, const term_store& t) {
  if (auto i = f.find(name); i != f.end())
    if (auto k = t.known.signing_keys.find(i->second); k != t.known.signing_keys.end())
      return k->second;
  auto rsa = field_signer(f, name, t);
  if (!rsa)
    return rsa.error();
  return crypto::signing_key(std::move(*rsa));
}

crypto::result<crypto::rsa_public_key>
field_recipient(const field_values& f, const std::string& name, const term_store& t) {
  auto i = f.find(name);
  if (i == f.end())
    return missing("no value for field " + name);
  const auto* key = t.dir.public_key(i->second);
  if (!key)
    return missing(i->second + " has no public key (for " + name + ")");
  return *key;
}

crypto::result<crypto::bytes> open_with_held_keys(const term_store& t, crypto::byte_view envelope,
                                                  crypto::byte_view ad) {
  for (const auto& [owner, key] : t.known.private_keys)
    if (auto pt = crypto::open(t.rng, key, envelope, ad))
      return std::move(*pt);
  return crypto::make_error(crypto::errc::invalid_argument, "no key held opens it");
}

crypto::result<crypto::bytes> seal_for_field(const term_store& t, const field_values& f,
                                             const std::string& recipient,
                                             crypto::result<crypto::bytes> body,
                                             crypto::byte_view ad) {
  auto key = field_recipient(f, recipient, t);
  if (!key)
    return key.error();
  return crypto::and_then(body,
                          [&](const crypto::bytes& b) { return crypto::seal(t.rng, *key, b, ad); });
}

crypto::result<crypto::bytes> sign_for_field(const term_store& t, const field_values& f,
                                             const std::string& signer,
                                             crypto::result<crypto::bytes> payload) {
  auto key = field_signer(f, signer, t);
  if (!key)
    return key.error();
  return crypto::and_then(payload, [&](const crypto::bytes& b) {
    return crypto::encode(crypto::signed_blob{b, key->sign(t.rng, b)});
  });
}

} // namespace protobed
