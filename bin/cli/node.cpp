// `protobed node --listen HOST:PORT [--name N]`: a process that publishes a
// node actor with CAF's middleman and spawns participants for drivers.
#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>

#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "actors/shell/caf_types.hpp"
#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"
#include "bin/cli/scenario_files.hpp"
#include "scenarios/engine/distribution.hpp"
#include "scenarios/engine/tls.hpp"

namespace po = boost::program_options;

namespace protobed::cli {

namespace {

/// Blocks SIGINT and SIGTERM in every thread (CAF's threads inherit the
/// mask), so the main thread can wait for them with sigwait.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

} // namespace

namespace {

struct node_cli {
  std::string listen, name = "node", certs, make_certs;
  bool insecure = false;
  unsigned threads = 0;
};

po::options_description describe(node_cli& o) {
  po::options_description desc(
    "Usage: protobed node --listen HOST:PORT [--name N] [--certs DIR | --insecure]\n"
    "       protobed node --make-certs DIR\n\n"
    "Serves drivers: publishes a node actor with CAF's middleman and spawns the\n"
    "participants a scenario places on it (protobed run FILE --nodes N=HOST:PORT).\n"
    "Port 0 picks a free port. Prints 'listening on HOST:PORT' when ready, a line\n"
    "when a run starts and when it is freed (its driver's run ended, or the driver\n"
    "died or lost its connection: the node stops that run's participants and\n"
    "frees its state), and stops cleanly on SIGINT or SIGTERM.\n\n"
    "With --certs DIR the link is mutual TLS: the node presents DIR/node.pem and\n"
    "accepts only drivers whose certificate DIR/ca.pem signed (run --certs DIR).\n"
    "Without it the link is plain TCP, which a node accepts only on a loopback\n"
    "address unless --insecure says so. --make-certs DIR writes a new CA and a node\n"
    "and a driver certificate into DIR; copy ca.pem with node.* to the nodes and\n"
    "with driver.* to the driver, and keep ca.key elsewhere.\n\nOptions");
  desc.add_options()("help,h", "show this help")(
    "listen", po::value(&o.listen)->value_name("HOST:PORT"), "address to listen on")(
    "threads", po::value(&o.threads)->value_name("N"),
    "worker threads (default: the host's cores); nodes sharing a host's cores can each take "
    "fewer")("name", po::value(&o.name)->value_name("N"),
             "the node's name in messages (default: node)")(
    "certs", po::value(&o.certs)->value_name("DIR"),
    "serve over TLS with DIR/node.pem, DIR/node.key and DIR/ca.pem")(
    "insecure", po::bool_switch(&o.insecure),
    "allow plain TCP on an address other hosts can reach: anyone who can connect can run "
    "participants here")("make-certs", po::value(&o.make_certs)->value_name("DIR"),
                         "write a CA, a node and a driver certificate into DIR and exit");
  return desc;
}

int make_certs(const std::string& dir) {
  try {
    make_certificates(dir);
  } catch (const std::exception& e) {
    std::cerr << "protobed node: " << e.what() << "\n";
    return exit_bad_input;
  }
  std::cout << "wrote " << dir << "/ca.pem, ca.key, node.pem, node.key, driver.pem, driver.key\n"
            << "nodes:  protobed node --listen HOST:PORT --certs DIR   (ca.pem, node.*)\n"
            << "driver: protobed run FILE --nodes ... --certs DIR     (ca.pem, driver.*)\n"
            << "keep ca.key off the nodes and the driver: it makes certificates\n";
  return exit_ok;
}

} // namespace

int node_command(const args& a) {
  node_cli o;
  auto desc = describe(o);
  auto vm = parse_args("node", a, desc);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  if (!o.make_certs.empty())
    return make_certs(o.make_certs);
  auto addr = parse_address(o.listen);
  if (!addr)
    throw usage_error(
      "node: --listen needs HOST:PORT, e.g. 127.0.0.1:4001 (see 'protobed node --help')");
  if (!o.certs.empty() && o.insecure)
    throw usage_error("node: --certs and --insecure exclude each other");
  if (o.certs.empty() && !o.insecure && !is_loopback(addr->host))
    throw usage_error("node: " + addr->host +
                      " is reachable from other hosts: serve it over TLS with --certs DIR (see "
                      "--make-certs), or say --insecure");
  std::optional<tls_files> tls;
  if (!o.certs.empty())
    tls = certs_option("node", o.certs, "node");
  auto signals = block_stop_signals();
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  if (tls)
    configure_tls(cfg, *tls);
  cfg.set("scheduler.max-threads",
          static_cast<std::size_t>(
            o.threads > 0 ? o.threads : std::max(1u, std::thread::hardware_concurrency())));
  // Blocking workers: a node shares its host's cores with other processes
  // (the driver, other nodes); work-stealing workers would spin while idle.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  register_types(cfg);
  caf::actor_system sys{cfg};
  auto node = sys.spawn(node_actor, o.name, [](const std::string& line) {
    static std::mutex out;
    std::lock_guard<std::mutex> g(out);
    std::cout << line << std::endl;
  });
  auto port = tls ? caf::openssl::publish(node, addr->port, addr->host.c_str(), true)
                  : sys.middleman().publish(node, addr->port, addr->host.c_str(), true);
  if (!port) {
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    std::cerr << "protobed node: cannot listen on " << o.listen << ": " << sys.render(port.error())
              << "\n";
    return exit_incomplete;
  }
  std::cout << "protobed node " << o.name << " listening on " << addr->host << ":" << *port
            << (tls ? " (TLS)" : " (plain TCP)") << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  caf::anon_send(node, pb_stop_atom::value);
  if (!tls)
    sys.middleman().unpublish(node, *port);
  std::cout << "protobed node " << o.name << " stopped" << std::endl;
  return exit_ok;
}

} // namespace protobed::cli
