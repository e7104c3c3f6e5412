// A packet: the only thing participants exchange. The bytes are the real
// encoded (and usually encrypted) message, so faults and attackers act on
// exactly what a network would carry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace protobed {

struct packet {
  std::uint64_t id = 0; ///< assigned by the network, unique within a run
  std::string from;     ///< sender's participant name (as claimed: not authenticated)
  std::string to;       ///< recipient's participant name
  std::string kind;     ///< "<protocol>.<message>", e.g. "ecommerce.pm_po"
  std::vector<std::uint8_t> bytes;
  /// Who really put it on the wire when that is not `from`: the attacker
  /// that forwarded, replayed, tampered or injected it. Empty otherwise.
  std::string via;
};

} // namespace protobed
