// The command line as a user meets it: help texts, exit codes, one-line errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/run_process.hpp"

using protobed::test::run_process;
using protobed::test::run_protobed;

namespace {

/// Bad usage: exit 2, exactly one line on stderr, nothing on stdout.
void check_one_line_error(const std::vector<std::string>& args, const std::string& needle) {
  auto r = run_protobed(args);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err_lines() == 1);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("protobed", 0) == 0);
  CHECK(r.err.find(needle) != std::string::npos);
}

} // namespace

TEST_CASE("protobed --help lists the commands and exits 0", "[cli]") {
  auto r = run_protobed({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Usage: protobed") != std::string::npos);
  for (auto cmd : {"run", "validate", "list", "bench"})
    CHECK(r.out.find(std::string("  ") + cmd + " ") != std::string::npos);
  CHECK(r.out.find("Exit codes") != std::string::npos);
}

TEST_CASE("protobed --version prints the version", "[cli]") {
  auto r = run_protobed({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("protobed 0.", 0) == 0);
}

TEST_CASE("protobed with no command prints usage to stderr and exits 2", "[cli]") {
  auto r = run_protobed({});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("Usage: protobed") != std::string::npos);
}

TEST_CASE("every level has --help", "[cli]") {
  for (auto args :
       std::vector<std::vector<std::string>>{{"bench", "--help"}, {"bench", "crypto", "--help"}}) {
    auto r = run_protobed(args);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage: protobed bench") != std::string::npos);
  }
}

TEST_CASE("bad usage is one line on stderr with exit code 2", "[cli]") {
  check_one_line_error({"frobnicate"}, "unknown command 'frobnicate'");
  check_one_line_error({"bnech"}, "did you mean 'bench'?");
  check_one_line_error({"--frobnicate"}, "unknown option '--frobnicate'");
  check_one_line_error({"bench", "frobnicate"}, "protobed bench: unknown command");
  check_one_line_error({"bench", "crypto", "--frobnicate"}, "unrecognised option");
  check_one_line_error({"bench", "crypto", "--seconds", "-1"}, "--seconds must be in");
  check_one_line_error({"bench", "crypto", "--seconds"}, "required argument");
  check_one_line_error({"bench", "crypto", "--seconds", "abc"}, "--seconds");
  check_one_line_error({"bench", "crypto", "--only", "rsa4096"}, "matches no primitive");
  check_one_line_error({"bench", "crypto", "--only", "x2559"}, "did you mean 'x25519'?");
  check_one_line_error({"node"}, "--listen needs HOST:PORT");
  check_one_line_error({"node", "--listen", "4001"}, "--listen needs HOST:PORT");
  check_one_line_error({"run", "x.yaml", "--nodes", "n1=localhost"}, "--nodes must be");
  check_one_line_error({"run", "x.yaml", "--nodes", "n1=a:1", "--sim"}, "excludes --sim");
  check_one_line_error({"node", "--listen", "0.0.0.0:0"}, "reachable from other hosts");
  check_one_line_error({"node", "--listen", "10.1.2.3:4001"}, "--certs DIR");
  check_one_line_error({"node", "--listen", "127.0.0.1:0", "--certs", "d", "--insecure"},
                       "exclude each other");
  check_one_line_error({"node", "--listen", "127.0.0.1:0", "--certs", "/nonexistent"},
                       "/nonexistent/node.pem does not exist");
  check_one_line_error({"run", "x.yaml", "--certs", "d"}, "--certs only applies to --nodes");
  check_one_line_error({"run", "x.yaml", "--nodes", "n1=a:1", "--certs", "/nonexistent"},
                       "driver.pem does not exist");
  check_one_line_error({"bench", "ecommerce", "--certs", "d"}, "--certs only applies to --nodes");
}

TEST_CASE("list --json gives scripts the registry: protocols, hops, invariants", "[cli][list]") {
  auto r = run_protobed({"list", "--json"});
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["format"] == 1);
  CHECK(doc["engine_invariants"][0]["name"] == "money_conserved");
  const nlohmann::json* ecommerce = nullptr;
  for (const auto& p : doc["protocols"])
    if (p["name"] == "ecommerce")
      ecommerce = &p;
  REQUIRE(ecommerce);
  CHECK((*ecommerce)["hops"].size() == 11);
  CHECK((*ecommerce)["hops"][0]["kind"] == "ecommerce.otp_request");
  CHECK((*ecommerce)["hops"][0]["from_role"] == "ecommerce.client");
  CHECK((*ecommerce)["transaction"]["end"] == "OutcomeReceived");
  bool found = false;
  for (const auto& role : doc["roles"])
    found = found || (role["name"] == "ecommerce.bank" && role["protocol"] == "ecommerce");
  CHECK(found);
}

TEST_CASE("bench names every protocol that brings a workload", "[cli][bench]") {
  auto r = run_protobed({"bench", "--help"});
  CHECK(r.exit_code == 0);
  for (auto target : {"crypto", "ecommerce", "messaging", "micropay", "purchase", "echo"})
    CHECK(r.out.find(std::string("  ") + target + " ") != std::string::npos);
}

TEST_CASE("bench crypto --list names every primitive", "[cli][bench]") {
  auto r = run_protobed({"bench", "crypto", "--list"});
  CHECK(r.exit_code == 0);
  for (auto name : {"rsa2048.keygen", "rsa2048.private_op", "rsa2048.public_op", "dsa2048.sign",
                    "dsa2048.verify", "aes256gcm.seal", "cbc_hmac.seal", "scrypt.n16384"})
    CHECK(r.out.find(name) != std::string::npos);
}

TEST_CASE("bench crypto --json measures the selected primitives", "[cli][bench]") {
  auto r = run_protobed(
    {"bench", "crypto", "--json", "--seconds", "0.01", "--only", "aes", "--only", "x25519"});
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["format"] == 1);
  CHECK(doc["benchmark"] == "crypto");
  CHECK(doc["machine"]["cores"].get<int>() >= 1);
  std::vector<std::string> names;
  for (const auto& res : doc["results"]) {
    names.push_back(res["name"]);
    CHECK(res["iterations"].get<int>() >= 3);
    CHECK(res["ops_per_second"].get<double>() > 0);
    CHECK(res["micros_per_op"].get<double>() > 0);
  }
  CHECK(names == std::vector<std::string>{"aes256gcm.seal", "aes256gcm.open", "x25519.agree"});
}

TEST_CASE("bench crypto prints a table with a header and the machine", "[cli][bench]") {
  auto r = run_protobed({"bench", "crypto", "--seconds", "0.01", "--only", "cbc_hmac"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("machine:") != std::string::npos);
  CHECK(r.out.find("ops/s") != std::string::npos);
  CHECK(r.out.find("cbc_hmac.open") != std::string::npos);
}

namespace {

std::string data(const std::string& name) {
  return std::string(PROTOBED_TEST_DATA_DIR) + "/scenarios/" + name;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST_CASE("run exits 0 when every expectation holds and prints a summary", "[cli][run]") {
  auto r = run_protobed({"run", std::string(PROTOBED_SCENARIO_DIR) + "/ecommerce/happy-path.yaml"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("scenario  ecommerce-happy-path") != std::string::npos);
  CHECK(r.out.find("seed 7, sim mode, virtual 2.007s") != std::string::npos);
  CHECK(r.out.find("PASS  outcome of alice is committed  (observed: committed)") !=
        std::string::npos);
  CHECK(r.out.find("result    PASS (8/8 expectations held)") != std::string::npos);
}

TEST_CASE("run exits 1 when an expectation fails and shows how to replay", "[cli][run]") {
  auto r = run_protobed({"run", data("cli/failing.yaml"), "--seed", "9"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("FAIL  balance of alice at bank is 99  (observed: 75)") != std::string::npos);
  CHECK(r.out.find("replay: protobed run " + data("cli/failing.yaml") + " --seed 9") !=
        std::string::npos);
}

TEST_CASE("run exits 3 when the run cannot complete", "[cli][run]") {
  auto r = run_protobed({"run", data("cli/incomplete.yaml")});
  CHECK(r.exit_code == 3);
  CHECK(r.out.find("INCOMPLETE  time_limit 1500ms reached") != std::string::npos);
}

TEST_CASE("run exits 2 with one line per bad file and runs nothing", "[cli][run]") {
  auto r = run_protobed({"run", data("cli/failing.yaml"), data("bad/unknown-role.yaml")});
  CHECK(r.exit_code == 2);
  CHECK(r.err_lines() == 1);
  CHECK(r.err.find("unknown-role.yaml:6:16: unknown role") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("run --trace writes the same JSON lines for the same seed", "[cli][run]") {
  auto file = data("cli/failing.yaml");
  run_protobed({"run", file, "--trace", "/tmp/protobed-cli-trace-a.jsonl"});
  run_protobed({"run", file, "--trace", "/tmp/protobed-cli-trace-b.jsonl"});
  run_protobed({"run", file, "--seed", "4", "--trace", "/tmp/protobed-cli-trace-c.jsonl"});
  auto a = slurp("/tmp/protobed-cli-trace-a.jsonl");
  CHECK(a.size() > 1000);
  CHECK(a == slurp("/tmp/protobed-cli-trace-b.jsonl"));
  CHECK(a != slurp("/tmp/protobed-cli-trace-c.jsonl"));
  std::istringstream lines(a);
  std::string line;
  while (std::getline(lines, line)) {
    auto rec = nlohmann::ordered_json::parse(line);
    CHECK(rec.begin().key() == "t"); // virtual time first
  }
}

TEST_CASE("run --report writes a versioned JSON report", "[cli][run]") {
  auto r =
    run_protobed({"run", data("cli/failing.yaml"), "--report", "/tmp/protobed-cli-report.json"});
  CHECK(r.exit_code == 1);
  auto doc = nlohmann::json::parse(slurp("/tmp/protobed-cli-report.json"));
  CHECK(doc["format"] == 1);
  CHECK(doc["summary"]["failed"] == 1);
  auto s = doc["scenarios"][0];
  CHECK(s["scenario"] == "cli-failing");
  CHECK(s["seed"] == 3);
  CHECK(s["expectations"][1]["passed"] == false);
  CHECK(s["expectations"][1]["observed"] == "75");
  CHECK(s["observations"]["bank"]["numbers"]["balance.alice"] == 75);
}

TEST_CASE("run rejects --trace with several files and contradictory modes", "[cli][run]") {
  check_one_line_error({"run", data("cli/failing.yaml"), data("cli/failing.yaml"), "--trace", "x"},
                       "--trace takes exactly one scenario file");
  check_one_line_error({"run", data("cli/failing.yaml"), "--real", "--sim"}, "exclude each other");
  check_one_line_error({"run"}, "no scenario file given");
}

TEST_CASE("validate prints one line per file and exits 2 on a bad one", "[cli][validate]") {
  auto ok = run_protobed({"validate", data("cli/failing.yaml")});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("ok  ") == 0);
  auto bad = run_protobed({"validate", data("bad/unknown-fault.yaml")});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("unknown-fault.yaml:6:5: unknown fault 'dorp' (did you mean 'drop'?)") !=
        std::string::npos);
}

TEST_CASE("every hostile or malformed file is one line and exit 2, quickly", "[cli][validate]") {
  // Alias bombs, deep nesting, huge numbers and lines, binary, odd Unicode: the
  // loader answers each in a fraction of a second (measured ~0.2 s for the
  // alias bomb); the bound here only catches a hang or a blow-up.
  for (const auto& e : std::filesystem::directory_iterator(std::string(PROTOBED_TEST_DATA_DIR) +
                                                           "/scenarios/bad")) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_protobed({"validate", e.path().string()});
    auto took = std::chrono::steady_clock::now() - t0;
    INFO(e.path().filename().string() << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err_lines() == 1);
    CHECK(took < std::chrono::seconds(10));
  }
}

TEST_CASE("validate counts every kind of fault, crash windows included", "[cli][validate]") {
  auto dir = std::filesystem::temp_directory_path() / "protobed-validate-faults";
  std::filesystem::create_directories(dir);
  auto file = (dir / "crash-only.yaml").string();
  std::ofstream(file) << "scenario: crash-only\ndescription: one crash window\n"
                         "participants:\n  a: {role: echo, peer: b}\n  b: {role: echo, peer: a}\n"
                         "faults:\n  - crash: {participant: b, at: 1s, restart: 2s}\n"
                         "expect:\n  - invariant: round_trips_complete\n";
  auto r = run_protobed({"validate", file});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("1 faults") != std::string::npos);
}

TEST_CASE("list shows every role with its options and the scenarios", "[cli][list]") {
  auto r = run_protobed({"list", "--scenarios", PROTOBED_SCENARIO_DIR});
  CHECK(r.exit_code == 0);
  for (auto s : {"ecommerce.bank", "ecommerce.merchant", "ecommerce.client", "otp_provider",
                 "verify_signatures", "unique_tids", "command buy", "happy-path.yaml"})
    CHECK(r.out.find(s) != std::string::npos);
}

namespace {

/// The safe halves of a protocol's attack matrix (files without ".unprotected").
std::vector<std::string> safe_halves(const std::string& protocol) {
  std::vector<std::string> out;
  auto dir = std::string(PROTOBED_SCENARIO_DIR) + "/attacks/" + protocol;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    if (e.path().extension() == ".yaml" && name.find(".unprotected.") == std::string::npos)
      out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

/// Every named check a role offers, as participant.option=off, with the safe
/// half of the attack matrix that shows what it stops.
const std::map<std::string, std::vector<std::pair<std::string, std::string>>> checks = {
  {"ecommerce",
   {{"bank.verify_signatures=false", "forge-junk-pm"},
    {"bank.check_otp=false", "otp-flood"},
    {"bank.unique_tids=false", "inject-pm-forward"},
    {"bank.unique_nonces=false", "inject-otp-request"},
    {"bank.bind_resolution=false", "forge-resolve-abort"},
    {"bank.per_merchant_tids=false", "other-merchant-resolves"},
    {"bank.otp_issue_limit=0", "otp-flood"},
    {"bank.otp_failure_budget=0", "otp-guessing-budget"},
    {"shop.verify_signatures=false", "forge-bank-reply"},
    {"shop.check_tid=false", "inject-pm-po"},
    {"shop.resolve=false", "drop-bank-reply-merchant"},
    {"alice.verify_signatures=false", "forge-otp-reply"},
    {"alice.check_amount=false", "impersonate-merchant-stolen-key"},
    {"alice.match_sms_reference=false", "late-duplicate-sms"}}},
  {"messaging",
   {{"relay.check_codes=false", "register-someone-elses-phone"},
    {"relay.check_links=false", "queue-flood"},
    {"alice.check_links=false", "forge-key"},
    {"bob.check_links=false", "forge-deliver"},
    {"alice.verify_safety_numbers=false", "relay-substitutes-key"},
    {"bob.verify_safety_numbers=false", "sms-interception"},
    {"alice.verify_signatures=false", "relay-forges-receipt"},
    {"bob.verify_signatures=false", "relay-forges-message"},
    {"bob.check_macs=false", "tamper-message-body"},
    {"bob.check_replays=false", "replay-after-reconnect"},
    {"bob.check_gaps=false", "unexplained-gap"},
    {"alice.block_mismatched_keys=false", "mismatched-key-sent-again"},
    {"bob.authenticate_first=false", "unauthenticated-replay"},
    {"relay.keep_pending_enrolments=false", "enrolment-displacement"},
    {"relay.code_issue_limit=0", "code-flood"},
    {"relay.code_failure_budget=0", "code-guessing-budget"},
    {"relay.mailbox_limit=0", "mailbox-flood"},
    {"relay.fair_eviction=false", "queue-takeover"},
    {"relay.fair_eviction=false", "sybil-eviction"},
    {"relay.check_replays=false", "replay-old-send"},
    {"relay.mailbox_per_sender=false", "mailbox-starvation"},
    {"relay.notice_limit=0", "notice-flood"},
    {"relay.code_lock_time=1000h", "phone-lock-lifts"}}},
  {"micropay",
   {{"server.check_credentials=false", "login-as-someone-else"},
    {"server.check_payer=false", "payer-field-forged"},
    {"server.check_amounts=false", "negative-amount"},
    {"server.single_use_tokens=false", "double-redeem"},
    {"server.check_replays=false", "replay-command"},
    {"server.check_owners=false", "claim-funded-name"},
    {"server.check_owners=false", "claim-payee-name"},
    {"server.check_owners=false", "chat-as-claimed-name"},
    {"bob.bind_channels=false", "dial-as-another-peer"},
    {"bob.show_after_settlement=false", "redeem-blocked-until-expiry"},
    {"alice.check_handshakes=false", "impersonate-payee"},
    {"bob.check_handshakes=false", "impersonate-payer"},
    {"bob.verify_tokens=false", "forged-token"},
    {"bob.check_replays=false", "replay-token"}}},
  {"purchase",
   {{"opd.check_signatures=false", "phished-password"},
    {"opd.key_on_file=false", "key-in-order"},
    {"opd.check_freshness=false", "delayed-order"},
    {"opd.check_nonces=false", "replay-order-old-timestamp"},
    {"opd.check_sessions=false", "stolen-customer-key"},
    {"opd.check_replays=false", "replay-order"},
    {"opd.check_stock=false", "oversell"},
    {"alice.verify_receipts=false", "forged-receipt"},
    {"alice.carry_key=true", "replay-order"},
    {"mail.check_senders=false", "forged-shipping-mail"},
    {"opd.durable_orders=false", "crash-recreates-stock"},
    {"opd.answer_unknown=false", "crash-refuses-shipped-order"},
    {"opd.skew_margin=false", "clock-ahead-after-crash"},
    {"opd.limit_senders=false", "login-flood"},
    {"opd.check_replays=false", "login-replay-after-crash"}}},
};

TEST_CASE("the attack matrix's safe halves all hold with every check on", "[cli][attacks]") {
  for (const auto& [protocol, unused] : checks) {
    auto args = safe_halves(protocol);
    REQUIRE(args.size() >= 10);
    args.insert(args.begin(), "run");
    auto r = run_protobed(args);
    INFO(protocol << ": " << r.out);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("the switch test covers every check a protocol's roles offer", "[cli][attacks]") {
  // Who plays which role in each protocol's attack matrix.
  const std::map<std::string, std::map<std::string, std::string>> cast = {
    {"ecommerce",
     {{"bank", "ecommerce.bank"}, {"shop", "ecommerce.merchant"}, {"alice", "ecommerce.client"}}},
    {"messaging",
     {{"relay", "messaging.relay"}, {"alice", "messaging.device"}, {"bob", "messaging.device"}}},
    {"micropay",
     {{"server", "micropay.server"}, {"alice", "micropay.peer"}, {"bob", "micropay.peer"}}},
    {"purchase",
     {{"opd", "purchase.opd"}, {"alice", "purchase.customer"}, {"mail", "mail_server"}}}};
  auto r = run_protobed({"list", "--json"});
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  std::size_t covered = 0;
  for (const auto& role : doc["roles"]) {
    if (role["protocol"].is_null() || !checks.count(role["protocol"]))
      continue;
    const std::string protocol = role["protocol"];
    for (const auto& opt : role["options"]) {
      if (opt["type"] != "bool")
        continue;
      bool found = false;
      for (const auto& [check, file] : checks.at(protocol)) {
        auto who = check.substr(0, check.find('.'));
        auto name = check.substr(check.find('.') + 1, check.find('=') - check.find('.') - 1);
        found |= name == opt["name"] && cast.at(protocol).at(who) == role["name"];
      }
      INFO(role["name"] << "." << opt["name"]);
      CHECK(found);
      covered += found;
    }
  }
  CHECK(covered >= 36);
}

TEST_CASE("turning off any single check makes a safe half of the matrix fail", "[cli][attacks]") {
  // The safe halves all pass (above); each check, switched off, makes the one
  // that demonstrates it fail.
  for (const auto& [protocol, switches] : checks)
    for (const auto& [check, file] : switches) {
      auto path =
        std::string(PROTOBED_SCENARIO_DIR) + "/attacks/" + protocol + "/" + file + ".yaml";
      REQUIRE(std::filesystem::exists(path));
      auto r = run_protobed({"run", path, "--set", check});
      INFO(protocol << " with " << check << " on " << file);
      CHECK(r.exit_code == 1);
      CHECK(r.out.find("FAIL") != std::string::npos);
    }
}

TEST_CASE("run --diagram and --junit write their files, bad uses are one-line errors",
          "[cli][run][diagram]") {
  auto file = data("cli/failing.yaml");
  auto r = run_protobed({"run", file, "--diagram", "/tmp/protobed-cli.html", "--window", "1s..2s",
                         "--junit", "/tmp/protobed-cli-junit.xml"});
  CHECK(r.exit_code == 1);
  auto html = slurp("/tmp/protobed-cli.html");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("Failed expectations:") != std::string::npos);
  CHECK(slurp("/tmp/protobed-cli-junit.xml").find("<testsuites name=\"protobed\"") !=
        std::string::npos);
  check_one_line_error({"run", file, file, "--diagram", "x.svg"}, "exactly one scenario file");
  check_one_line_error({"run", file, "--diagram", "x.png"}, "must name a .svg or .html file");
  check_one_line_error({"run", file, "--window", "1s..2s"}, "--window only applies to --diagram");
  check_one_line_error({"run", file, "--diagram", "x.svg", "--window", "2s-1s"},
                       "--window must be FROM..TO");
}

TEST_CASE("bench messaging reports registration apart from the messages", "[cli][bench]") {
  auto r = run_protobed({"bench", "messaging", "--transactions", "12", "--clients", "2", "--json",
                         "--echo", "0", "--seconds", "0.01"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["transactions"] == 12);
  CHECK(doc["committed"] == 12); // every message confirmed by its recipient's receipt
  CHECK(doc["setup"]["name"] == "registration");
  CHECK(doc["setup"]["done"] == 4); // two senders, two recipients
  CHECK(doc["setup"]["mean_ms"].get<double>() > 0);
  for (auto step : {"to_relay", "to_recipient", "receipt"})
    CHECK(doc["step_ms"].contains(step));
  CHECK(doc["expectations_broken"].empty());
}

TEST_CASE("bench micropay pays end to end with logins outside the window", "[cli][bench]") {
  auto r = run_protobed({"bench", "micropay", "--transactions", "12", "--clients", "2", "--json",
                         "--echo", "0", "--seconds", "0.01"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["transactions"] == 12);
  CHECK(doc["committed"] == 12); // every payment settled and its payer told
  CHECK(doc["setup"]["name"] == "login");
  CHECK(doc["setup"]["done"] == 4); // two payers, two payees
  for (auto step : {"request", "delivery", "redeem", "notice"})
    CHECK(doc["step_ms"].contains(step));
  CHECK(doc["crypto_per_tx"]["private_ops"].get<double>() >= 1); // the server signs each token
  CHECK(doc["expectations_broken"].empty());
}

TEST_CASE("bench purchase orders end to end with RSA or DSA, logins outside the window",
          "[cli][bench]") {
  for (auto signature : {"rsa", "dsa"}) {
    INFO(signature);
    auto r = run_protobed({"bench", "purchase", "--transactions", "12", "--clients", "2", "--json",
                           "--echo", "0", "--seconds", "0.01", "--signature", signature});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    CHECK(doc["committed"] == 12); // every order accepted and its receipt checked
    CHECK(doc["setup"]["name"] == "login");
    CHECK(doc["setup"]["done"] == 2);
    for (auto step : {"decision", "receipt"})
      CHECK(doc["step_ms"].contains(step));
    CHECK(doc["expectations_broken"].empty());
  }
  check_one_line_error({"bench", "purchase", "--signature", "ecdsa"},
                       "--signature must be rsa or dsa");
}

TEST_CASE("bench counts crypto and CPU inside the throughput's window, not over the setup",
          "[cli][bench]") {
  // Registration, logins and the first dials sign handshakes before the
  // window: over the whole run they would add ~0.1 private operations to
  // each of these 200 payments. Inside the window each payment has exactly
  // one (the server's token signature).
  auto r = run_protobed({"bench", "micropay", "--transactions", "1000", "--clients", "2", "--json",
                         "--echo", "0", "--seconds", "0.01"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["counted_in_window"] == true);
  CHECK(doc["crypto_per_tx"]["private_ops"].get<double>() == Approx(1.0).margin(0.05));
  CHECK(doc["crypto_per_tx"]["public_ops"].get<double>() == Approx(2.0).margin(0.1));
  CHECK(doc["cpu_ms_per_tx"].get<double>() >= doc["crypto_ms_per_tx"].get<double>());
}

TEST_CASE("bench efficiency is crypto share times utilisation over one window, at most 1",
          "[cli][bench]") {
  // All cryptography is timed (keys parsed, random bytes, hashes too) and
  // counted over the span the throughput is taken over: the crypto CPU of a
  // window cannot exceed the cores' time in it.
  auto r = run_protobed({"bench", "micropay", "--transactions", "1000", "--clients", "2", "--json",
                         "--echo", "0", "--seconds", "0.01"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  auto efficiency = doc["efficiency"].get<double>();
  auto share = doc["crypto_share"].get<double>();
  auto utilisation = doc["utilisation"].get<double>();
  CHECK(efficiency > 0);
  CHECK(efficiency <= 1.05);
  CHECK(share <= 1.0);
  CHECK(utilisation <= 1.05);
  CHECK(efficiency == Approx(share * utilisation).epsilon(1e-9));
  CHECK(doc["tps"].get<double>() ==
        Approx(doc["measured"].get<double>() / doc["window_seconds"].get<double>()));
  CHECK(doc["cores"].get<double>() == doc["machine"]["usable_cores"].get<double>());
  CHECK(doc["other_load"].get<double>() >= 0);
  CHECK(doc["window_packets"].get<double>() > 0);
  CHECK(doc["crypto_ms_per_tx_by_kind"]["asymmetric"].get<double>() > 0);
  // Micropay's framework share (~8 % of its CPU) is well above the clocks' noise.
  CHECK(doc["framework_us_per_message"].get<double>() > 0);
}

TEST_CASE("bench --overhead compares slices with the counters on and off", "[cli][bench]") {
  auto r = run_protobed({"bench", "micropay", "--transactions", "2000", "--clients", "8",
                         "--overhead", "--json", "--echo", "0", "--seconds", "0.01"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  const auto& m = doc["instrumentation"]["measured"];
  REQUIRE(m.is_object());
  CHECK(m["slice_pairs"].get<int>() >= 2);
  CHECK(m["on_cpu_ms_per_tx"].get<double>() > 0);
  CHECK(m["off_cpu_ms_per_tx"].get<double>() > 0);
  CHECK(m["standard_error"].get<double>() > 0);
  auto text = run_protobed({"bench", "micropay", "--transactions", "40", "--clients", "2",
                            "--overhead", "--echo", "0", "--seconds", "0.01"});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("counters on and off in turns") != std::string::npos);
}

TEST_CASE("bench counts only the cores this process may use", "[cli][bench]") {
  // Pinned to one CPU, the bound is one core's worth, whatever the machine has.
  const std::string taskset = "/usr/bin/taskset";
  if (!std::filesystem::exists(taskset)) {
    WARN("taskset (util-linux) is not installed: not checked");
    return;
  }
  auto r =
    run_process(taskset, {"-c", "0", PROTOBED_BINARY, "bench", "micropay", "--transactions", "40",
                          "--clients", "2", "--json", "--echo", "0", "--seconds", "0.01"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["machine"]["affinity_cpus"] == 1);
  CHECK(doc["cores"].get<double>() == 1.0);
}

TEST_CASE("bench ecommerce runs a tiny workload and reports every figure", "[cli][bench]") {
  // Seven purchases per card: more than the bank's default codes per card per
  // hour, which the workload must lift.
  auto r = run_protobed({"bench", "ecommerce", "--transactions", "14", "--clients", "2", "--json",
                         "--echo", "200", "--seconds", "0.01", "--session-key-bits", "1024"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["format"] == 2);
  CHECK(doc["transactions"] == 14);
  CHECK(doc["committed"] == 14);
  CHECK(doc["model"] == "closed");
  for (auto key : {"p50", "p90", "p99", "p99.9", "max"})
    CHECK(doc["latency_ms"][key].get<double>() > 0);
  for (auto step : {"setup", "otp", "exchange", "bank_decision", "outcome_relay"})
    CHECK(doc["step_ms"].contains(step));
  // Per purchase: ten private RSA operations (client 2, merchant 3, bank 4, gateway 1);
  // the session keys come from the pool made before the run.
  CHECK(doc["crypto_per_tx"]["private_ops"].get<double>() == Approx(10.0));
  CHECK(doc["crypto_per_tx"]["keygens"].get<double>() == Approx(0.0));
  CHECK(doc["key_pool_build"]["keys"] == 14); // one session key per purchase, made before
  CHECK(doc["key_pool_build"]["seconds"].get<double>() > 0);
  CHECK(doc["key_pool_build"]["sustained_tps"].get<double>() < doc["tps"].get<double>());
  CHECK(doc["crypto_per_tx"]["key_loads"].get<double>() > 0); // session public keys parsed
  CHECK(doc["bound_tps"].get<double>() > 0);
  CHECK(doc["efficiency"].get<double>() > 0);
  // Too few messages here to resolve the framework's share from the noise of
  // the CPU clocks; the micropay run below checks it is measured.
  CHECK(doc["framework_us_per_message"].get<double>() >= 0);
  CHECK(doc["echo"]["pairs"] == 16);
  CHECK(doc["echo"]["cpu_us_per_message"].get<double>() > 0);
  CHECK(doc["echo"]["latency_us_per_message"].get<double>() > 0);
  CHECK(doc["machine"]["usable_cores"].get<double>() >= 1);
  CHECK(doc["instrumentation"]["share"].get<double>() > 0);
  CHECK(doc["cpu_ms_per_tx"].get<double>() > 0);
  CHECK(doc["peak_rss_mb"].get<double>() > 0);
  // The workload's expectations (money conserved, charged once) are checked too.
  CHECK(doc["expectations"] == 2);
  CHECK(doc["expectations_broken"].empty());
}

TEST_CASE("bench --require fails the command when a threshold is not met", "[cli][bench]") {
  std::vector<std::string> base = {
    "bench",     "ecommerce", "--transactions",     "4",    "--clients",    "2", "--echo", "0",
    "--seconds", "0.01",      "--session-key-bits", "1024", "--no-key-pool"};
  auto met = base;
  met.insert(met.end(), {"--require", "failures<=0", "--require", "tps>0"});
  auto r = run_protobed(met);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("require        failures<=0  held") != std::string::npos);
  auto unmet = base;
  unmet.insert(unmet.end(), {"--require", "p99<=1us"});
  auto u = run_protobed(unmet);
  CHECK(u.exit_code == 1);
  CHECK(u.out.find("FAILED") != std::string::npos);
  CHECK(u.out.find("1.00 keygen") != std::string::npos); // no pool: one per purchase
  CHECK(u.out.find("key pool") == std::string::npos);
  check_one_line_error({"bench", "ecommerce", "--require", "p99=~5"}, "--require takes");
  check_one_line_error({"bench", "ecommerce", "--require", "tsp>=5"}, "did you mean 'tps'?");
  check_one_line_error({"bench", "ecommerce", "--clients", "0"}, "at least 1");
  check_one_line_error({"bench", "ecommerce", "--scheduler", "fifo"}, "sharing or stealing");
}

TEST_CASE("bench SCENARIO.yaml measures any scenario file", "[cli][bench]") {
  auto r = run_protobed({"bench", std::string(PROTOBED_SCENARIO_DIR) + "/ecommerce/happy-path.yaml",
                         "--json", "--echo", "0", "--seconds", "0.01"});
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["transactions"] == 1);
  CHECK(doc["committed"] == 1);
}

TEST_CASE("bench ecommerce runs the open model at a given arrival rate", "[cli][bench]") {
  auto r =
    run_protobed({"bench", "ecommerce", "--rate", "50", "--transactions", "6", "--clients", "2",
                  "--json", "--echo", "0", "--seconds", "0.01", "--session-key-bits", "1024"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  CHECK(doc["model"] == "open");
  CHECK(doc["rate"] == 50.0);
  CHECK(doc["transactions"] == 6);
  CHECK(doc["committed"] == 6);
  CHECK(doc["whole_run"] == true); // three purchases per client: no steady window
}

namespace {

std::string explore_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("protobed-cli-explore-" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

} // namespace

TEST_CASE("explore: help, and one-line errors for bad usage and bad files", "[cli][explore]") {
  auto help = run_protobed({"explore", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Usage: protobed explore FILE...") != std::string::npos);
  CHECK(run_protobed({"--help"}).out.find("  explore ") != std::string::npos);
  auto happy = std::string(PROTOBED_SCENARIO_DIR) + "/ecommerce/happy-path.yaml";
  check_one_line_error({"explore"}, "no scenario file given");
  check_one_line_error({"explore", happy, "--seeds", "0"}, "--seeds must be at least 1");
  check_one_line_error({"explore", happy, "--seeds", "5", "--time", "1s"}, "exclude each other");
  check_one_line_error({"explore", happy, "--time", "soon"}, "--time must be a duration");
  check_one_line_error({"explore", happy, "--jobs", "999"}, "--jobs must be 1..256");
  auto missing = run_protobed({"explore", "/nonexistent/x.yaml"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "/nonexistent/x.yaml: cannot read the file\n");
}

TEST_CASE("explore over worker processes: every invariant holds with every check on",
          "[cli][explore]") {
  auto dir = explore_dir("pass");
  auto r = run_protobed(
    {"explore", std::string(PROTOBED_SCENARIO_DIR) + "/ecommerce/happy-path.yaml", "--seeds", "40",
     "--from", "7", "--jobs", "2", "--out", dir, "--report", dir + ".json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("seeds     7..46 (40 runs, 2 jobs") != std::string::npos);
  CHECK(r.out.find("result    PASS") != std::string::npos);
  std::ifstream in(dir + ".json");
  auto doc = nlohmann::json::parse(in);
  CHECK(doc[0]["runs"] == 40);
  CHECK(doc[0]["passed"] == true);
  CHECK(doc[0]["faults"].get<int>() + doc[0]["actions"].get<int>() > 40);
  CHECK_FALSE(std::filesystem::exists(dir)); // no failure, no reproducer
}

TEST_CASE("explore finds a switched-off check, and run fails its reproducer the same way",
          "[cli][explore]") {
  auto dir = explore_dir("fail");
  auto r =
    run_protobed({"explore", std::string(PROTOBED_SCENARIO_DIR) + "/ecommerce/happy-path.yaml",
                  "--set", "bank.unique_tids=false", "--set", "bank.check_otp=false", "--seeds",
                  "200", "--jobs", "2", "--out", dir, "--report", dir + ".json"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  CHECK(r.out.find("FAIL  charged_at_most_once") != std::string::npos);
  std::ifstream in(dir + ".json");
  auto doc = nlohmann::json::parse(in);
  nlohmann::json failure;
  for (const auto& f : doc[0]["failures"])
    if (f["name"] == "charged_at_most_once")
      failure = f;
  REQUIRE(failure.is_object());
  CHECK(failure["minimal_items"].get<int>() <= 3);
  auto file = failure["reproducer"].get<std::string>();
  REQUIRE(std::filesystem::exists(file));
  CHECK(r.out.find("replay: protobed run " + file) != std::string::npos);
  // The reproducer stands alone: the switches are written into it.
  auto replay = run_protobed({"run", file});
  INFO(replay.out);
  CHECK(replay.exit_code == 1);
  CHECK(replay.out.find("FAIL  charged_at_most_once") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("explore --time stops on time", "[cli][explore]") {
  auto dir = explore_dir("time");
  auto start = std::chrono::steady_clock::now();
  auto r = run_protobed({"explore", std::string(PROTOBED_SCENARIO_DIR) + "/micropay/pay-ok.yaml",
                         "--time", "2s", "--jobs", "1", "--out", dir});
  auto took = std::chrono::steady_clock::now() - start;
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("result    PASS") != std::string::npos);
  CHECK(took < std::chrono::seconds(60)); // a bound against a hang, not a timing claim
}

TEST_CASE("node --make-certs writes a CA and node and driver certificates", "[cli][tls]") {
  auto dir = std::filesystem::temp_directory_path() / "protobed-cli-certs";
  std::filesystem::remove_all(dir);
  auto r = run_protobed({"node", "--make-certs", dir.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (auto f : {"ca.pem", "ca.key", "node.pem", "node.key", "driver.pem", "driver.key"})
    CHECK(std::filesystem::is_regular_file(dir / f));
  auto perms = std::filesystem::status(dir / "node.key").permissions();
  CHECK((perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
        std::filesystem::perms::none);
  CHECK(slurp((dir / "node.pem").string()).find("BEGIN CERTIFICATE") != std::string::npos);
  std::filesystem::remove_all(dir);
}
