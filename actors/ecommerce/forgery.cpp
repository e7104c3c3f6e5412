#include "actors/ecommerce/forgery.hpp"

#include "actors/ecommerce/messages.hpp"
#include "actors/ecommerce/sealing.hpp"
#include "actors/runtime/directory.hpp"
#include "actors/runtime/schema.hpp"
#include "crypto/envelope.hpp"

namespace protobed::ecommerce {

namespace {

/// Opens a client's setup with any private key the attacker holds.
std::optional<setup_request> open_setup(const packet& p, forge_context& f) {
  for (const auto& [owner, key] : f.known.private_keys) {
    auto body = crypto::open(f.rng, key, p.bytes, kind::setup);
    if (!body)
      continue;
    if (auto req = decode_setup_request(*body))
      return *req;
  }
  return std::nullopt;
}

/// A setup reply in `as`'s name: a fresh tid, signed with the attacker's key.
std::optional<packet> impersonate_merchant(const packet& p, const std::string& as,
                                           forge_context& f) {
  if (p.kind != kind::setup)
    return std::nullopt;
  auto req = open_setup(p, f);
  auto client_key = req ? crypto::rsa_public_key::from_der(req->session_key)
                        : crypto::result<crypto::rsa_public_key>(crypto::error{});
  if (!client_key)
    return std::nullopt;
  // The attacker does not know the catalogue: it quotes a price of 1 unless
  // the script sets one (-2^63 .. 2^64-1, as any forged integer field).
  field_reader fields(f.fields);
  std::int64_t amount = fields.has("amount") ? fields.amount("amount") : 1;
  if (fields.error())
    return std::nullopt;
  tid_statement st{f.rng.generate(tid_size), req->item, amount, client_key->fingerprint(), as};
  auto signed_tid = sign_blob(f.rng, f.own_key, encode(st));
  if (!signed_tid)
    return std::nullopt;
  auto reply =
    seal_keyed(f.rng, req->reply_key, kind::setup_reply, req->nonce, encode(*signed_tid));
  if (!reply)
    return std::nullopt;
  return packet{0, as, p.from, kind::setup_reply, std::move(*reply), {}};
}

/// The setup re-sealed for its merchant with the attacker's session key in it.
std::optional<packet> substitute_session_key(const packet& p, forge_context& f) {
  if (p.kind != kind::setup)
    return std::nullopt;
  auto req = open_setup(p, f);
  const auto* merchant = f.dir.public_key(p.to);
  if (!req || !merchant)
    return std::nullopt;
  req->session_key = f.own_key.public_key().to_der();
  auto body = encode(*req);
  auto sealed = body ? crypto::seal(f.rng, *merchant, *body, kind::setup) : body;
  if (!sealed)
    return std::nullopt;
  packet out = p;
  out.bytes = std::move(*sealed);
  return out;
}

} // namespace

forger make_forger() {
  return forger{impersonate_merchant, substitute_session_key, {kind::setup}};
}

} // namespace protobed::ecommerce
