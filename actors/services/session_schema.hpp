// Schemas (actors/runtime/schema.hpp) for packets of a sealed session
// (session.hpp): the opening, whose plaintext an observer reads only with a
// private key that opens it — and then learns the session's keys — and the
// records, whose payload it reads only under a key it learned. A forger
// seals any opening for anyone and any record under any key it names.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "actors/runtime/schema.hpp"
#include "actors/services/session.hpp"

namespace protobed::services {

/// How one packet's payload maps to fields.
struct payload_fields {
  std::vector<field_doc> fields;
  std::function<void(byte_view payload, field_values& out)> read;
  /// The payload from the fields (and the keys the builder holds).
  std::function<result<bytes>(const field_values& f, const term_store& t)> build;
};

/// A record of `kind` in a session whose keys come from `label`: fields
/// `session`, `seq`, `key` (the direction's key) and the payload's. An
/// observer opens it with a key it learned, or with the keys derived from a
/// session secret it learned.
message_schema record_schema(const char* kind, const char* label, payload_fields payload);

/// The fields `session`, `secret`, `opener_key` and `responder_key` of an
/// opening: read from a decoded opening, with the keys derived under `label`.
void read_session_keys(const char* label, const bytes& session, const bytes& secret,
                       field_values& out);
/// Their docs. The secret is a key the forger of an opening chooses (and so
/// knows); the two derived keys are read-only.
std::vector<field_doc> session_key_fields(const std::string& protection);

} // namespace protobed::services
