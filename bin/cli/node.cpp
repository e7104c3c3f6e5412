// `protobed node --listen HOST:PORT [--name N]`: a process that publishes a
// node actor with CAF's middleman and spawns participants for drivers.
#include <csignal>
#include <iostream>
#include <mutex>

#include <caf/io/all.hpp>

#include "actors/shell/caf_types.hpp"
#include "bin/cli/app.hpp"
#include "bin/cli/commands.hpp"
#include "scenarios/engine/distribution.hpp"

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

int node_command(const args& a) {
  std::string listen, name = "node";
  po::options_description desc(
    "Usage: protobed node --listen HOST:PORT [--name N]\n\n"
    "Serves drivers: publishes a node actor with CAF's middleman and spawns the\n"
    "participants a scenario places on it (protobed run FILE --nodes N=HOST:PORT).\n"
    "Port 0 picks a free port. Prints 'listening on HOST:PORT' when ready, a line\n"
    "when a run starts and when it is freed (its driver's run ended, or the driver\n"
    "died or lost its connection: the node stops that run's participants and\n"
    "frees its state), and stops cleanly on SIGINT or SIGTERM. The link is not authenticated or\n"
    "encrypted by protobed: use it on networks you control.\n\nOptions");
  desc.add_options()("help,h", "show this help")(
    "listen", po::value(&listen)->value_name("HOST:PORT"), "address to listen on")(
    "name", po::value(&name)->value_name("N"), "the node's name in messages (default: node)");
  auto vm = parse_args("node", a, desc);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return exit_ok;
  }
  auto addr = parse_address(listen);
  if (!addr)
    throw usage_error(
      "node: --listen needs HOST:PORT, e.g. 127.0.0.1:4001 (see 'protobed node --help')");
  auto signals = block_stop_signals();
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.max-threads",
          static_cast<std::size_t>(std::max(1u, std::thread::hardware_concurrency())));
  // Blocking workers: a node shares its host's cores with other processes
  // (the driver, other nodes); work-stealing workers would spin while idle.
  cfg.set("scheduler.policy", caf::atom("sharing"));
  register_types(cfg);
  caf::actor_system sys{cfg};
  auto node = sys.spawn(node_actor, name, [](const std::string& line) {
    static std::mutex out;
    std::lock_guard<std::mutex> g(out);
    std::cout << line << std::endl;
  });
  auto port = sys.middleman().publish(node, addr->port, addr->host.c_str(), true);
  if (!port) {
    caf::anon_send_exit(node, caf::exit_reason::user_shutdown);
    std::cerr << "protobed node: cannot listen on " << listen << ": " << sys.render(port.error())
              << "\n";
    return exit_incomplete;
  }
  std::cout << "protobed node " << name << " listening on " << addr->host << ":" << *port
            << std::endl;
  int sig = 0;
  sigwait(&signals, &sig);
  caf::anon_send(node, pb_stop_atom::value);
  sys.middleman().unpublish(node, *port);
  std::cout << "protobed node " << name << " stopped" << std::endl;
  return exit_ok;
}

} // namespace protobed::cli
