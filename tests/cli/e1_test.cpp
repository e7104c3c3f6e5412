// The command line a newcomer meets first: the live view (run -v, -vv,
// --quiet) and the starter scenarios of `protobed new`.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/run_process.hpp"

using protobed::test::run_protobed;

namespace {

const std::string scenarios = PROTOBED_SCENARIO_DIR;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

std::string temp_path(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "protobed-e1-test";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

} // namespace

TEST_CASE("run -v prints each event and each lost packet as it happens", "[cli][live]") {
  auto file = scenarios + "/ecommerce/bank-reply-dropped.yaml";
  auto r = run_protobed({"run", "-v", file});
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  // One line per event (17 in this run), the dropped packet, no plain delivery.
  CHECK(count(r.out, "s  ") >= 18);
  CHECK(r.out.find("   2.005000s  bank           PaymentCommitted tid=") != std::string::npos);
  CHECK(r.out.find("   2.005000s  bank → shop            ecommerce.bank_reply       dropped (drop "
                   "rule, line 21)") != std::string::npos);
  CHECK(r.out.find("delivered\n") == std::string::npos);
  CHECK(r.out.find("\033[") == std::string::npos); // not a terminal: plain text
  // The live lines come first, in time order, then the report.
  CHECK(r.out.find("PurchaseStarted") < r.out.find("OutcomeReceived"));
  CHECK(r.out.find("OutcomeReceived") < r.out.find("scenario  ecommerce-bank-reply-dropped"));
  auto vv = run_protobed({"run", "-vv", file});
  CHECK(count(vv.out, "delivered\n") == 13); // 14 packets, one dropped
  auto live = [](const std::string& out) { return out.substr(0, out.find("scenario  ")); };
  CHECK(live(run_protobed({"run", "--verbose", "--verbose", file}).out) == live(vv.out));
  auto plain = run_protobed({"run", file});
  CHECK(plain.out.find("PaymentCommitted tid=") == std::string::npos);
}

TEST_CASE("run -v on the real clock puts the live lines on stderr", "[cli][live]") {
  auto r = run_protobed({"run", "-v", "--real", scenarios + "/ecommerce/happy-path.yaml"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("bank           PaymentCommitted tid=") != std::string::npos);
  CHECK(r.out.find("PaymentCommitted tid=") == std::string::npos);
  CHECK(r.out.find("result    PASS") != std::string::npos);
}

TEST_CASE("run --quiet prints only each scenario's verdict", "[cli][live]") {
  auto r = run_protobed({"run", "--quiet", scenarios + "/ecommerce/happy-path.yaml",
                         scenarios + "/ecommerce/wrong-otp.yaml"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "ecommerce-happy-path  PASS (8/8 expectations held)\n"
                 "ecommerce-wrong-otp  PASS (" +
                   r.out.substr(r.out.rfind('(') + 1));
  CHECK(count(r.out, "\n") == 2);
  auto both = run_protobed({"run", "-q", "-v", scenarios + "/ecommerce/happy-path.yaml"});
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("--verbose and --quiet exclude each other") != std::string::npos);
  auto bundled = run_protobed({"run", "-qv", scenarios + "/ecommerce/happy-path.yaml"});
  CHECK(bundled.exit_code == 2);
  CHECK(bundled.err.find("--verbose and --quiet exclude each other") != std::string::npos);
}

TEST_CASE("protobed new writes a starter that runs and passes for every protocol",
          "[cli][starter]") {
  for (auto protocol : {"ecommerce", "messaging", "micropay", "purchase", "echo"}) {
    INFO(protocol);
    auto file = temp_path(std::string(protocol) + ".yaml");
    std::filesystem::remove(file);
    auto made = run_protobed({"new", protocol, file});
    INFO(made.err);
    REQUIRE(made.exit_code == 0);
    CHECK(made.err.find("wrote " + file) == 0);
    auto run = run_protobed({"run", file});
    INFO(run.out);
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("result    PASS") != std::string::npos);
    // It does not overwrite what the user may have changed.
    auto again = run_protobed({"new", protocol, file});
    CHECK(again.exit_code == 2);
    CHECK(again.err.find("already exists (--force overwrites it)") != std::string::npos);
    CHECK(run_protobed({"new", protocol, file, "--force"}).exit_code == 0);
  }
  auto out = run_protobed({"new", "purchase", "-"});
  CHECK(out.exit_code == 0);
  CHECK(out.out.find("# purchase — ") == 0);
  CHECK(out.out.find("- invariant: no_unauthorised_order") != std::string::npos);
  auto unknown = run_protobed({"new", "ecomerce", temp_path("x.yaml")});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err ==
        "protobed new: unknown protocol 'ecomerce' (did you mean 'ecommerce'?); registered: "
        "ecommerce, messaging, micropay, purchase, echo\n");
  CHECK(run_protobed({"new", "ecommerce"}).exit_code == 2);
  CHECK(run_protobed({"new", "--help"}).out.find("Usage: protobed new PROTOCOL FILE") == 0);
}

TEST_CASE("a failed expectation prints the trace lines that decided it", "[cli][explain]") {
  std::ifstream in(scenarios + "/ecommerce/bank-reply-dropped.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto yaml = text.str();
  auto at = yaml.find("outcome: {alice: committed}");
  REQUIRE(at != std::string::npos);
  yaml.replace(at, 27, "outcome: {alice: aborted}");
  auto file = temp_path("explain.yaml");
  std::ofstream(file) << yaml;
  auto r = run_protobed({"run", file});
  INFO(r.out);
  CHECK(r.exit_code == 1);
  auto fail = r.out.find("FAIL  outcome of alice is aborted  (observed: committed)\n");
  REQUIRE(fail != std::string::npos);
  auto evidence = r.out.substr(fail, r.out.find("PASS", fail) - fail);
  CHECK(evidence.find("alice          OutcomeReceived purchase=1") != std::string::npos);
  CHECK(evidence.find("via=resolution") != std::string::npos);
  CHECK(evidence.find("bank → alice           ecommerce.resolve_reply") != std::string::npos);
}
