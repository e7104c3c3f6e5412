// A session opened with one sealed message (purchase logins, mail
// submission): the opener picks a fresh session id and a 32-byte secret and
// sends them inside a hybrid envelope for the responder's RSA key (OAEP-wrapped
// AES-256-GCM key). Both ends derive one AES-256-GCM key per direction with
// HKDF-SHA256 (salt: the session id, info: the protocol's label). Everything
// after the opening is a numbered record:
//
//   record = field(session id) ‖ u64 seq ‖ field(IV ‖ GCM(payload) ‖ tag),
//   AD = kind ‖ session id ‖ seq
//
// so a record cannot be moved to another kind, session or position, and a
// receiver refuses a sequence number that does not move forward.
#pragma once

#include <optional>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/error.hpp"
#include "crypto/rng.hpp"

namespace protobed::services {

using crypto::byte_view;
using crypto::bytes;
template <class T>
using result = crypto::result<T>;

inline constexpr std::size_t session_id_size = 16;
inline constexpr std::size_t session_secret_size = 32;

struct record {
  bytes session;
  std::uint64_t seq = 0;
  bytes sealed;
};
result<bytes> encode(const record& x);
result<record> decode_record(byte_view in);
/// A record's associated data: kind ‖ session id ‖ seq.
bytes record_ad(const char* kind, byte_view session, std::uint64_t seq);

/// One end of an open session.
class session {
public:
  session() = default;
  /// The keys from the opening's secret; `opener` is the end that chose it.
  static result<session> derive(const char* label, bytes id, byte_view secret, bool opener);

  const bytes& id() const {
    return id_;
  }
  /// `payload` as the next record of `kind`.
  result<bytes> seal(crypto::rng& r, const char* kind, const result<bytes>& payload);

  /// Why a record was not opened: its tag did not verify, or its sequence
  /// number did not move forward.
  enum class refusal { invalid, replayed };
  struct opened {
    std::optional<bytes> payload;
    refusal why = refusal::invalid;
  };
  /// Opens `rec` of `kind`; with check_replays off, an old sequence number is
  /// accepted again (to show what the check stops).
  opened open(const char* kind, const record& rec, bool check_replays);

private:
  bytes id_;
  bytes send_key_;
  bytes recv_key_;
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
};

/// The reason a refused record gets in events: "invalid tag" or "replayed".
const char* to_string(session::refusal r);

} // namespace protobed::services
