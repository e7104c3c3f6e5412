#include "actors/services/register.hpp"

#include "actors/services/otp_provider.hpp"

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

} // namespace

void register_roles(role_registry& r) {
  r.add(otp_provider_role());
}

} // namespace protobed::services
