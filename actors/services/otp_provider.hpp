// The otp_provider: an SMS gateway. A service (the bank, the relay) sends it
// a sealed request "text T to phone P"; it keeps the text in P's inbox and
// forwards it as an "otp.sms" packet to the participant who owns P. SMS
// itself is plaintext, as on a real phone network.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/runtime/directory.hpp"
#include "actors/runtime/knowledge.hpp"
#include "actors/runtime/participant.hpp"

namespace protobed {

inline constexpr const char* sms_request_kind = "otp.deliver";
inline constexpr const char* sms_kind = "otp.sms";

/// What a service sends the gateway: sealed for the gateway's key.
crypto::result<crypto::bytes> encode_sms_request(crypto::rng& r,
                                                 const crypto::rsa_public_key& gateway,
                                                 const std::string& phone, const std::string& text);

/// The text of an SMS an observer can read: otp.sms in the clear, otp.deliver
/// only with the gateway's key. Protocols parse their own formats from it.
std::optional<std::string> sms_text_seen(const packet& p, const knowledge& k, crypto::rng& r);

class otp_provider final : public participant_core {
public:
  otp_provider(crypto::rsa_private_key key, const directory& dir);

  void on_packet(const packet& p, context& ctx) override;
  observation observe() const override;

  const std::vector<std::string>& inbox(const std::string& phone) const;

private:
  crypto::rsa_private_key key_;
  const directory& dir_;
  std::map<std::string, std::vector<std::string>> inboxes_;
};

} // namespace protobed
