// libFuzzer target: every micropayment wire decoder and the command parser on
// arbitrary bytes (what a decoder accepts must re-encode to the same bytes),
// then the same bytes as a packet to a fresh server and a logged-out peer:
// the first byte picks the packet kind. Nothing may crash.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_support.hpp"

#include "actors/micropay/channel.hpp"
#include "actors/micropay/messages.hpp"
#include "actors/micropay/peer.hpp"
#include "actors/micropay/server.hpp"

using namespace protobed;
using namespace protobed::micropay;

using fuzz::deliver;
using fuzz::round_trip;

namespace {

struct world {
  directory dir;
  crypto::rsa_private_key key = fuzz::fixed_key();
  world() {
    dir.add_participant("server", "micropay.server");
    dir.add_participant("alice", "micropay.peer");
    dir.add_public_key("server", key.public_key());
    dir.add_public_key("alice", key.public_key());
  }
};

const char* kinds[] = {kind::hello,  kind::welcome, kind::command, kind::reply,   kind::dial,
                       kind::answer, kind::token,   kind::redeem,  kind::settled, kind::chat};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crypto::byte_view in(data, size);
  for (const char* label : {kind::hello, kind::dial}) {
    round_trip(
      in, [&](byte_view b) { return decode_hello(b, label); },
      [&](const hello& x) { return encode(x, label); });
    round_trip(
      in, [&](byte_view b) { return decode_welcome(b, label); },
      [&](const welcome& x) { return encode(x, label); });
  }
  round_trip(in, decode_card);
  round_trip(in, decode_record);
  round_trip(in, decode_request);
  round_trip(in, decode_reply);
  round_trip(in, decode_token);
  round_trip(in, decode_settlement);
  round_trip(in, decode_chat_line);
  (void)parse_command(std::string(reinterpret_cast<const char*>(data), size));
  (void)read_hello(kind::dial, in);
  if (size == 0)
    return 0;
  static world w;
  packet p;
  p.id = 1;
  p.from = "alice";
  p.to = "server";
  p.kind = kinds[data[0] % std::size(kinds)];
  p.bytes = bytes(data + 1, data + size);
  server_config sc;
  sc.accounts = {{"alice", 10}};
  server s(sc, w.key, w.dir);
  deliver(s, "server", p);
  peer_config pc;
  pc.server = "server";
  pc.user = "alice";
  peer a(pc, w.key, w.dir);
  p.from = "server";
  p.to = "alice";
  deliver(a, "alice", p);
  return 0;
}
