// libFuzzer target: the canonical codec's reader, driven by the input itself
// (its first byte chooses the sequence of reads), and its writer round trip.
#include <cstddef>
#include <cstdint>

#include "crypto/codec.hpp"

using namespace protobed::crypto;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0)
    return 0;
  byte_view in(data + 1, size - 1);
  reader r(in);
  auto plan = data[0];
  for (int step = 0; step < 8 && r.ok();
       ++step, plan = static_cast<std::uint8_t>(plan >> 1 | plan << 7)) {
    switch (plan & 7) {
      case 0:
        r.u8();
        break;
      case 1:
        r.u16();
        break;
      case 2:
        r.u32();
        break;
      case 3:
        r.u64();
        break;
      case 4:
        r.i64();
        break;
      case 5:
        r.field(4096);
        break;
      case 6:
        r.str(64);
        break;
      default:
        r.exact(16);
        break;
    }
  }
  (void)r.finish();
  // What decodes must encode to the same bytes.
  reader again(in);
  auto f = again.field();
  if (again.finish()) {
    writer w;
    w.field(f);
    auto out = std::move(w).finish();
    if (!out || *out != bytes(in.begin(), in.end()))
      __builtin_trap();
  }
  return 0;
}
