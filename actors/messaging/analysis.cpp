#include "actors/messaging/analysis.hpp"

#include "actors/messaging/messages.hpp"
#include "actors/services/otp_provider.hpp"

namespace protobed::messaging {

void analyze(const packet& p, knowledge& k, crypto::rng& r) {
  if (auto text = sms_text_seen(p, k, r))
    if (auto sms = parse_code_sms(*text))
      k.learn({"registration_code", sms->code, describe_source(p)});
}

} // namespace protobed::messaging
