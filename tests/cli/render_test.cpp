// Renders a diagram in headless Chromium (Debian's chromium package) to a PNG
// and checks that something was drawn: a real browser can display it.
#include <catch2/catch.hpp>

#include <png.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "tests/support/run_process.hpp"

using protobed::test::run_process;
using protobed::test::run_protobed;

namespace {

struct image {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint8_t> rgba;
};

image read_png(const std::string& path) {
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_file(&img, path.c_str()) != 0);
  img.format = PNG_FORMAT_RGBA;
  image out{img.width, img.height, std::vector<std::uint8_t>(PNG_IMAGE_SIZE(img))};
  REQUIRE(png_image_finish_read(&img, nullptr, out.rgba.data(), 0, nullptr) != 0);
  return out;
}

} // namespace

TEST_CASE("headless Chromium renders a run's diagram, and it is not blank", "[render]") {
  auto dir = std::string("/tmp/protobed-render-") + std::to_string(::getpid());
  std::filesystem::create_directories(dir + "/profile");
  auto svg = dir + "/run.svg";
  auto r = run_protobed(
    {"run", std::string(PROTOBED_SCENARIO_DIR) + "/attacks/ecommerce/replay-pm-forward.yaml",
     "--diagram", svg});
  REQUIRE(r.exit_code == 0);
  auto png = dir + "/run.png";
  auto shot =
    run_process("/usr/bin/chromium",
                {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--hide-scrollbars", "--user-data-dir=" + dir + "/profile",
                 "--window-size=1100,800", "--screenshot=" + png, "file://" + svg});
  INFO(shot.err);
  REQUIRE(shot.exit_code == 0);
  auto img = read_png(png);
  CHECK(img.width == 1100);
  CHECK(img.height == 800);
  std::size_t inked = 0, red = 0;
  for (std::size_t i = 0; i + 3 < img.rgba.size(); i += 4) {
    auto r8 = img.rgba[i], g8 = img.rgba[i + 1], b8 = img.rgba[i + 2];
    inked += (r8 < 200 || g8 < 200 || b8 < 200) ? 1 : 0;
    red += (r8 > 150 && g8 < 90 && b8 < 90) ? 1 : 0; // the attacker's colour
  }
  auto pixels = static_cast<std::size_t>(img.width) * img.height;
  CHECK(inked > pixels / 100); // lifelines, arrows and text: well over 1 % of the page
  CHECK(inked < pixels / 2);   // but not a solid block either
  CHECK(red > 100);            // the attacker's lifeline and arrows are drawn in its colour
  std::filesystem::remove_all(dir);
}
