#include "actors/services/register.hpp"

#include "actors/services/mail_server.hpp"
#include "actors/services/otp_provider.hpp"

#include <cctype>

namespace protobed::services {

namespace {

role_info otp_provider_role() {
  role_info r;
  r.name = "otp_provider";
  r.summary = "SMS gateway: keeps a phone inbox and texts codes to the phone's owner";
  r.long_term_key = true;
  r.kinds = {sms_request_kind, sms_kind};
  r.parse = [](const option_reader&, const directory&) -> std::any { return {}; };
  r.build = [](const std::any&, const role_setup& s) -> std::unique_ptr<participant_core> {
    return std::make_unique<otp_provider>(*s.long_term_key, s.dir);
  };
  return r;
}

role_info mail_server_role() {
  role_info r;
  r.name = "mail_server";
  r.summary = "a mailbox per address: senders open a signed, sealed session and submit mail, "
              "each mail id delivered once and acknowledged";
  r.long_term_key = true;
  r.durable = true; // mailboxes are on disk
  r.kinds = {mail_kind::hello, mail_kind::submit, mail_kind::ack};
  r.options = {
    {"check_senders", "bool", "true", "accept a session only if the sender it names signed it"},
    {"freshness", "duration", "30s", "how old a session's hello may be"},
  };
  r.parse = [](const option_reader& o, const directory&) -> std::any {
    mail_server_config c;
    c.check_senders = o.flag("check_senders", true);
    c.freshness = o.positive_duration("freshness", std::chrono::seconds(30));
    return c;
  };
  r.build = [](const std::any& c, const role_setup& s) -> std::unique_ptr<participant_core> {
    return std::make_unique<mail_server>(std::any_cast<mail_server_config>(c), *s.long_term_key,
                                         s.dir);
  };
  return r;
}

/// The first standalone run of six digits in an SMS: the code, whichever
/// service's format carries it.
std::string six_digit_code(const std::string& text) {
  for (std::size_t i = 0; i + 6 <= text.size(); ++i) {
    auto digit = [&](std::size_t k) {
      return k < text.size() && std::isdigit(static_cast<unsigned char>(text[k]));
    };
    if ((i > 0 && digit(i - 1)) || digit(i + 6))
      continue;
    bool all = true;
    for (std::size_t k = i; k < i + 6 && all; ++k)
      all = digit(k);
    if (all)
      return text.substr(i, 6);
  }
  return {};
}

/// An SMS as the phone network carries it: text in the clear. `code` lets a
/// forge reuse the code an intercepted text carried.
message_schema sms_schema() {
  message_schema s;
  s.kind = sms_kind;
  s.fields = {{"text", "text", "clear (the phone network)", "", ""},
              {"code", "text", "clear, inside the text", "", ""}};
  s.read = [](crypto::byte_view in, const term_store&) {
    std::string text(in.begin(), in.end());
    return field_values{{"text", text}, {"code", six_digit_code(text)}};
  };
  s.build = [](const field_values& f, const term_store&) {
    field_reader r(f);
    auto text = r.text("text");
    if (r.error())
      return crypto::result<crypto::bytes>(*r.error());
    return crypto::result<crypto::bytes>(crypto::bytes(text.begin(), text.end()));
  };
  return s;
}

} // namespace

void register_roles(role_registry& r) {
  r.add(otp_provider_role());
  r.add(mail_server_role());
  r.add_schema(sms_schema());
  for (auto& s : mail_schemas())
    r.add_schema(std::move(s));
}

} // namespace protobed::services
