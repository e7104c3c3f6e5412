// Writes seed corpora for the fuzz targets: the packets of a real e-commerce
// purchase (every kind), keys in DER and PEM, and the scenario library.
//   make_seeds OUT_DIR SCENARIO_DIR
#include <filesystem>
#include <fstream>
#include <iostream>

#include "actors/ecommerce/messages.hpp"
#include "tests/actors/ecommerce_world.hpp"

namespace fs = std::filesystem;
using namespace protobed;

namespace {

void write(const fs::path& p, const std::vector<std::uint8_t>& b) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()),
                                            static_cast<std::streamsize>(b.size()));
}

void packets(const fs::path& out) {
  test::ecommerce_world w;
  w.build();
  int bank_replies = 0; // the first is lost: both resolutions cross the wire
  w.h.on_wire = [&](packet& p) { return p.kind != ecommerce::kind::bank_reply || bank_replies++ > 0; };
  w.buy();
  w.h.run();
  std::size_t n = 0;
  for (const auto* k : {ecommerce::kind::otp_request, ecommerce::kind::otp_reply, ecommerce::kind::setup,
                        ecommerce::kind::setup_reply, ecommerce::kind::pm_po, ecommerce::kind::pm_forward,
                        ecommerce::kind::bank_reply, ecommerce::kind::outcome, ecommerce::kind::resolve,
                        ecommerce::kind::resolve_reply, ecommerce::kind::merchant_resolve, "otp.sms"})
    for (const auto& p : w.h.sent(k)) {
      write(out / "ecommerce" / (std::string(k) + "." + std::to_string(++n)), p.bytes);
      write(out / "codec" / (std::string(k) + "." + std::to_string(n)), p.bytes);
      write(out / "crypto" / (std::string(k) + "." + std::to_string(n)), p.bytes);
    }
  auto key = w.h.long_term_key("bank");
  write(out / "crypto" / "public.der", key.public_key().to_der());
  auto pem = key.public_key().to_pem();
  write(out / "crypto" / "public.pem", std::vector<std::uint8_t>(pem.begin(), pem.end()));
}

void scenarios(const fs::path& out, const fs::path& library) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(library))
    if (e.path().extension() == ".yaml")
      fs::copy_file(e.path(), out / "scenario" / (std::to_string(++n) + ".yaml"),
                    fs::copy_options::overwrite_existing);
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_seeds OUT_DIR SCENARIO_DIR\n";
    return 2;
  }
  fs::path out = argv[1];
  fs::create_directories(out / "scenario");
  packets(out);
  scenarios(out, argv[2]);
  return 0;
}
