// The messaging packets field by field, for the attacker (see
// actors/runtime/schema.hpp): one schema per packet kind.
#pragma once

#include <vector>

#include "actors/messaging/messages.hpp"
#include "actors/runtime/schema.hpp"

namespace protobed::messaging {

/// Every messaging packet kind's schema, in protocol order.
std::vector<message_schema> schemas();

// schemas_support.cpp: link packets and envelopes, shared by several kinds.
/// Reads a link packet: `phone` and, if the observer learned a key whose MAC
/// verifies, `link_key`; returns the payload (links are not encrypted).
std::optional<bytes> read_link(const term_store& t, const char* kind, byte_view in,
                               field_values& out);
/// The payload under field `link_key`, for the device field `phone`.
result<bytes> build_link(const field_values& f, const char* kind, result<bytes> payload);
/// The `link_key` field of a link packet: whose key MACs it.
field_doc link_key_field(const char* whose);
/// `payload` signed with the key of the participant field `signer` names.
result<bytes> sign_fields(const term_store& t, const field_values& f, const std::string& signer,
                          result<bytes> payload);
/// The envelope's fields (env.*), and reading and building it.
std::vector<field_doc> envelope_fields(const char* where);
void read_envelope(const term_store& t, byte_view env, field_values& out);
result<bytes> build_envelope(const field_values& f, const term_store& t);

std::vector<message_schema> registration_schemas(); // schemas_registration.cpp
std::vector<message_schema> chat_schemas();         // schemas_chat.cpp

} // namespace protobed::messaging
