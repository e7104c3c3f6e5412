// What an observer learns from the e-commerce SMS: the one-time code in the
// bank's fixed format (otp.sms in clear; otp.deliver with the gateway's
// key). Every other e-commerce packet is read through its schema
// (schemas_*.cpp), whose secret fields are the secrets learned.
#include "actors/ecommerce/analysis.hpp"

#include "actors/ecommerce/otp_sms.hpp"
#include "actors/services/otp_provider.hpp"

namespace protobed::ecommerce {

void analyze(const packet& p, knowledge& k, crypto::rng& r) {
  if (auto text = sms_text_seen(p, k, r))
    if (auto sms = parse_otp_sms(*text))
      k.learn({"otp", sms->code, describe_source(p)});
}

} // namespace protobed::ecommerce
