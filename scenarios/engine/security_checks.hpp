// The security invariants a scenario can demand of a finished run, beyond
// money_conserved and charged_at_most_once (see checks.cpp).
#pragma once

#include "scenarios/engine/checks.hpp"

namespace protobed {

/// Every committed payment matches a purchase its payer started: same tid,
/// amount and merchant.
check_result no_unauthorised_payment(const expectation& x, const run_result& r);

/// No attacker learned a card number, OTP or session key in the clear.
check_result secrecy(const expectation& x, const run_result& r);

/// Each client's outcome for a tid agrees with the bank's record of it.
check_result outcome_agreement(const expectation& x, const run_result& r);

/// Every transaction a client accepted was opened by the merchant it paid
/// (a TidIssued event at that merchant for that tid).
check_result peer_authentication(const expectation& x, const run_result& r);

} // namespace protobed
