// Every protocol protobed ships, registered in one place: adding a protocol
// is its folder plus one line here.
#include "actors/attack/register.hpp"
#include "actors/core/otp_provider.hpp"
#include "actors/core/registry.hpp"
#include "actors/echo/echo.hpp"
#include "actors/ecommerce/register.hpp"

namespace protobed {

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

role_registry make_registry() {
  role_registry r;
  r.add(otp_provider_role());
  r.add_analyzer(analyze_sms);
  attack::register_roles(r);
  ecommerce::register_roles(r);
  echo::register_roles(r);
  return r;
}

} // namespace

const role_registry& builtin_roles() {
  static const role_registry registry = make_registry();
  return registry;
}

} // namespace protobed
