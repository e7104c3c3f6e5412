// The command line as a user meets it: help texts, exit codes, one-line errors.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/support/run_process.hpp"

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
  CHECK(r.out.find("bench") != std::string::npos);
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
