// libFuzzer target: every messaging wire decoder and the registration SMS
// format on arbitrary bytes (what a decoder accepts must re-encode to the
// same bytes), then the same bytes as a packet to a fresh relay and device:
// the first byte picks the packet kind. Nothing may crash.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_support.hpp"

#include "actors/messaging/device.hpp"
#include "actors/messaging/messages.hpp"
#include "actors/messaging/relay.hpp"
#include "actors/services/otp_provider.hpp"

using namespace protobed;
using namespace protobed::messaging;

using fuzz::deliver;
using fuzz::round_trip;

namespace {

struct world {
  directory dir;
  crypto::rsa_private_key key = fuzz::fixed_key();
  world() {
    dir.add_participant("relay", "messaging.relay");
    dir.add_participant("sms", "otp_provider");
    dir.add_participant("alice", "messaging.device");
    dir.add_phone("+1", "alice");
    dir.add_public_key("relay", key.public_key());
    dir.add_public_key("sms", key.public_key());
    dir.add_public_key("alice", key.public_key());
  }
};

const char* kinds[] = {kind::enrol,   kind::confirm,   kind::registered, kind::lookup,
                       kind::key,     kind::send,      kind::accepted,   kind::deliver,
                       kind::receipt, kind::delivered, sms_kind};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crypto::byte_view in(data, size);
  round_trip(in, decode_enrolment);
  round_trip(in, decode_signed_blob);
  round_trip(in, decode_confirmation);
  round_trip(in, decode_registration_result);
  round_trip(in, decode_key_query);
  round_trip(in, decode_key_answer);
  round_trip(in, decode_envelope);
  round_trip(in, decode_submission);
  round_trip(in, decode_acceptance);
  round_trip(in, decode_delivery);
  round_trip(in, decode_receipt_statement);
  round_trip(in, decode_linked);
  (void)parse_code_sms(std::string(reinterpret_cast<const char*>(data), size));
  if (size == 0)
    return 0;
  static world w;
  packet p;
  p.id = 1;
  p.from = "alice";
  p.to = "relay";
  p.kind = kinds[data[0] % std::size(kinds)];
  p.bytes = bytes(data + 1, data + size);
  relay_config rc;
  rc.sms = "sms";
  relay r(rc, w.key, w.dir);
  deliver(r, "relay", p);
  device_config dc;
  dc.relay = "relay";
  dc.phone = "+1";
  dc.check_links = false;
  device d(dc, w.key, w.dir);
  p.from = "relay";
  p.to = "alice";
  deliver(d, "alice", p);
  return 0;
}
