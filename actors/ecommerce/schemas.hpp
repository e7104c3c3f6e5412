// The e-commerce messages field by field, for the attacker (see
// actors/runtime/schema.hpp): one schema per packet kind.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "actors/ecommerce/messages.hpp"
#include "actors/runtime/schema.hpp"

namespace protobed::ecommerce {

/// Every e-commerce packet kind's schema, in protocol order.
std::vector<message_schema> schemas();

// Building blocks shared by the schema files (schema_support.cpp).
std::string text_of(bool b);
/// Opens an envelope with any private key the observer holds.
result<bytes> open_sealed(const term_store& t, byte_view env, const char* ad);
/// Opens a body under any reply key the observer learned: plaintext and key.
std::optional<std::pair<bytes, bytes>> open_reply_keyed(const term_store& t, const char* kind,
                                                        const keyed_body& body);
/// Reads a body under a reply key: sets `nonce` (in clear) and, if the
/// observer holds the key, `reply_key`; returns the plaintext if opened.
std::optional<bytes> read_keyed(const term_store& t, const char* kind, byte_view in,
                                field_values& out);
/// `payload` signed with the key of the participant field `signer` names, encoded.
result<bytes> sign_fields(const term_store& t, const field_values& f, const std::string& signer,
                          result<bytes> payload);
/// `body` sealed for the participant field `recipient` names.
result<bytes> seal_fields(const term_store& t, const field_values& f, const std::string& recipient,
                          result<bytes> body, const char* ad);
/// The payment information fields (pm.*) and the opaque sealed_pm.
std::vector<field_doc> payment_fields(const char* outer);
void read_payment(const term_store& t, byte_view sealed_pm, field_values& out);
/// The sealed PM as given (sealed_pm), or built from the pm.* fields.
result<bytes> build_payment(const field_values& f, const term_store& t);

std::vector<message_schema> setup_schemas();   // schemas_setup.cpp
std::vector<message_schema> payment_schemas(); // schemas_payment.cpp
std::vector<message_schema> outcome_schemas(); // schemas_outcome.cpp

} // namespace protobed::ecommerce
