// Every protocol protobed ships, registered in one place: adding a protocol
// is its folder plus one line here.
#include "actors/attack/register.hpp"
#include "actors/echo/echo.hpp"
#include "actors/ecommerce/register.hpp"
#include "actors/messaging/register.hpp"
#include "actors/micropay/register.hpp"
#include "actors/purchase/register.hpp"
#include "actors/runtime/registry.hpp"
#include "actors/services/register.hpp"

namespace protobed {

namespace {

role_registry make_registry() {
  role_registry r;
  services::register_roles(r);
  attack::register_roles(r);
  ecommerce::register_roles(r);
  messaging::register_roles(r);
  micropay::register_roles(r);
  purchase::register_roles(r);
  echo::register_roles(r);
  return r;
}

} // namespace

const role_registry& builtin_roles() {
  static const role_registry registry = make_registry();
  return registry;
}

} // namespace protobed
