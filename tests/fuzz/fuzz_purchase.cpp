// libFuzzer target: every purchase-order and mail wire decoder on arbitrary
// bytes (what a decoder accepts must re-encode to the same bytes), then the
// same bytes as a packet to a fresh OPD, a customer and a mail server: the
// first byte picks the packet kind. Nothing may crash.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_support.hpp"

#include "actors/purchase/customer.hpp"
#include "actors/purchase/messages.hpp"
#include "actors/purchase/opd.hpp"
#include "actors/services/mail_server.hpp"

using namespace protobed;
using namespace protobed::purchase;

using fuzz::deliver;
using fuzz::round_trip;

namespace {

struct world {
  directory dir;
  crypto::rsa_private_key key = fuzz::fixed_key();
  world() {
    for (auto [name, role] : {std::pair{"opd", "purchase.opd"}, std::pair{"mail", "mail_server"},
                              std::pair{"alice", "purchase.customer"}}) {
      dir.add_participant(name, role);
      dir.add_public_key(name, key.public_key());
    }
  }
};

const char* kinds[] = {kind::login,
                       kind::welcome,
                       kind::order,
                       kind::receipt,
                       services::mail_kind::hello,
                       services::mail_kind::submit,
                       services::mail_kind::ack};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crypto::byte_view in(data, size);
  round_trip(in, decode_login);
  round_trip(in, decode_welcome);
  round_trip(in, decode_order);
  round_trip(in, decode_receipt);
  round_trip(in, services::decode_record);
  round_trip(in, services::decode_mail_hello);
  round_trip(in, services::decode_mail);
  round_trip(in, services::decode_mail_ack);
  if (size == 0)
    return 0;
  static world w;
  packet p;
  p.id = 1;
  p.kind = kinds[data[0] % std::size(kinds)];
  p.bytes = bytes(data + 1, data + size);
  opd_config oc;
  oc.customers = {{"alice", "alice", "scrypt$1024$8$1$00$00", "alice@example.com"}};
  oc.stock = {{"book", 1}};
  oc.mail.server = "mail";
  opd o(oc, w.key, w.dir);
  p.from = "alice";
  p.to = "opd";
  deliver(o, "opd", p);
  customer_config cc;
  cc.opd = "opd";
  cc.id = "alice";
  customer c(cc, crypto::signing_key(w.key), w.dir);
  p.from = "opd";
  p.to = "alice";
  deliver(c, "alice", p);
  services::mail_server m({}, w.key, w.dir);
  p.to = "mail";
  deliver(m, "mail", p);
  return 0;
}
