#!/usr/bin/env python3
"""Writes the generated part of the e-commerce attack matrix: for every hop of the
protocol, a replay, a tamper, a drop and an inject scenario (the safe halves).
Hand-written scenarios with the same name are never overwritten.

    python3 scripts/gen_attack_matrix.py      # from the repository root
"""
import os

OUT = 'scenarios/attacks/ecommerce'

# hop: (kind, from, to, needs resolution (drop the bank's reply first))
HOPS = {
    'otp-request':   ('ecommerce.otp_request',   'alice', 'bank',  False),
    'otp-reply':     ('ecommerce.otp_reply',     'bank',  'alice', False),
    'setup':         ('ecommerce.setup',         'alice', 'shop',  False),
    'setup-reply':   ('ecommerce.setup_reply',   'shop',  'alice', False),
    'pm-po':         ('ecommerce.pm_po',         'alice', 'shop',  False),
    'pm-forward':    ('ecommerce.pm_forward',    'shop',  'bank',  False),
    'bank-reply':    ('ecommerce.bank_reply',    'bank',  'shop',  False),
    'outcome':       ('ecommerce.outcome',       'shop',  'alice', False),
    'resolve':       ('ecommerce.resolve',       'alice', 'bank',  True),
    'resolve-reply': ('ecommerce.resolve_reply', 'bank',  'alice', True),
}

# (attack, hop) -> (alice's outcome, [expected events as (who, name, details)])
DUP = ('alice', 'DuplicateOutcomeIgnored', {})
EXPECT = {
    ('tamper', 'otp-request'): ('aborted: no-otp', [('bank', 'EnvelopeRejected', {})]),
    ('drop', 'otp-request'): ('aborted: no-otp', [('alice', 'OutcomeReceived', {'outcome': 'aborted: no-otp'})]),
    ('inject', 'otp-request'): ('committed', [('bank', 'ReplayRejected', {'reason': 'nonce-seen'})]),
    ('replay', 'otp-reply'): ('committed', [('alice', 'ReplayRejected', {'kind': 'ecommerce.otp_reply'})]),
    ('tamper', 'otp-reply'): ('committed', [('alice', 'SignatureInvalid', {})]),
    ('drop', 'otp-reply'): ('committed', [('mallory', 'AttackDropped', {})]),
    ('inject', 'otp-reply'): ('committed', [('alice', 'ReplayRejected', {'kind': 'ecommerce.otp_reply'})]),
    ('replay', 'setup'): ('committed', [('shop', 'ReplayRejected', {'reason': 'nonce-seen'})]),
    ('tamper', 'setup'): ('aborted: setup-timeout', [('shop', 'SetupRejected', {})]),
    ('drop', 'setup'): ('aborted: setup-timeout', [('alice', 'OutcomeReceived', {'outcome': 'aborted: setup-timeout'})]),
    ('inject', 'setup'): ('committed', [('shop', 'ReplayRejected', {'reason': 'nonce-seen'})]),
    ('replay', 'setup-reply'): ('committed', [('alice', 'ReplayRejected', {'kind': 'ecommerce.setup_reply'})]),
    ('tamper', 'setup-reply'): ('aborted: setup-timeout', [('alice', 'SignatureInvalid', {})]),
    ('drop', 'setup-reply'): ('aborted: setup-timeout', [('alice', 'OutcomeReceived', {'outcome': 'aborted: setup-timeout'})]),
    ('inject', 'setup-reply'): ('committed', [('alice', 'ReplayRejected', {'kind': 'ecommerce.setup_reply'})]),
    ('drop', 'pm-po'): ('aborted: resolved-without-payment', [('alice', 'ResolutionUsed', {})]),
    ('inject', 'pm-po'): ('committed', [('shop', 'PoRejected', {'reason': 'tid-not-open'})]),
    ('tamper', 'pm-forward'): ('aborted', [('bank', 'EnvelopeRejected', {})]),
    ('replay', 'bank-reply'): ('committed', [DUP]),
    ('drop', 'bank-reply'): ('committed', [('alice', 'ResolutionUsed', {})]),
    ('inject', 'bank-reply'): ('committed', [DUP]),
    ('replay', 'outcome'): ('committed', [DUP]),
    ('tamper', 'outcome'): ('committed', [('alice', 'SignatureInvalid', {}), ('alice', 'ResolutionUsed', {})]),
    ('drop', 'outcome'): ('committed', [('alice', 'ResolutionUsed', {})]),
    ('inject', 'outcome'): ('committed', [DUP]),
    ('replay', 'resolve'): ('committed', [('bank', 'ResolutionAnswered', {}), DUP]),
    ('tamper', 'resolve'): ('committed', [('bank', 'EnvelopeRejected', {}), ('alice', 'ResolutionRetried', {})]),
    ('drop', 'resolve'): ('committed', [('alice', 'ResolutionRetried', {})]),
    ('inject', 'resolve'): ('committed', [DUP]),
    ('replay', 'resolve-reply'): ('committed', [DUP]),
    ('tamper', 'resolve-reply'): ('committed', [('alice', 'SignatureInvalid', {}), ('alice', 'ResolutionRetried', {})]),
    ('drop', 'resolve-reply'): ('committed', [('alice', 'ResolutionRetried', {})]),
    ('inject', 'resolve-reply'): ('committed', [DUP]),
}

VERB = {'replay': 'replays', 'tamper': 'flips a random byte of', 'drop': 'drops',
        'inject': 'injects a recorded copy (at 60s) of'}

def action(attack, link, kind):
    m = f'link: "{link}", kind: {kind}, occurrence: 1'
    if attack == 'replay':
        return f'replay: {{{m}, after: 300ms}}'
    if attack == 'tamper':
        return f'tamper: {{{m}, random: true}}'
    if attack == 'drop':
        return f'drop: {{{m}}}'
    return f'inject: {{at: 60s, copy_of: {{{m}}}}}'

def details(d):
    return '' if not d else ', details: {' + ', '.join(f'{k}: "{v}"' for k, v in d.items()) + '}'

def scenario(attack, hop, seed):
    kind, src, dst, needs_resolution = HOPS[hop]
    outcome, events = EXPECT[(attack, hop)]
    link = f'{src}->{dst}'
    taps = [link] + (['bank->shop'] if needs_resolution else [])
    actions = ['drop: {link: "bank->shop", kind: ecommerce.bank_reply}'] if needs_resolution else []
    actions.append(action(attack, link, kind))
    why = ' (after the bank\'s reply to the merchant is lost, so alice resolves)' if needs_resolution else ''
    out = f'''scenario: attack-{attack}-{hop}
description: "mallory {VERB[attack]} the {kind} packet on {link}{why}; generated by scripts/gen_attack_matrix.py"
seed: {seed}
participants:
  bank:
    role: ecommerce.bank
    otp_provider: sms
    accounts:
      - {{holder: alice, card: "4111111111111111", expiry: "12/29", phone: "+40700000001", balance: 100}}
      - {{holder: shop, balance: 0}}
  shop: {{role: ecommerce.merchant, bank: bank, catalogue: {{book: 25}}}}
  sms: {{role: otp_provider}}
  alice: {{role: ecommerce.client, merchant: shop, bank: bank, card: "4111111111111111", expiry: "12/29", phone: "+40700000001"}}
  mallory:
    role: attacker
    taps: [{", ".join(f'"{t}"' for t in taps)}]
    actions:
''' + ''.join(f'      - {a}\n' for a in actions) + '''steps:
  - {at: 1s, alice: {buy: book}}
expect:
''' + f'  - outcome: {{alice: "{outcome}"}}\n'
    for who, name, d in events:
        out += f'  - event: {{who: {who}, name: {name}{details(d)}}}\n'
    for inv in ['money_conserved', 'charged_at_most_once', 'no_unauthorised_payment',
                'outcome_agreement', 'secrecy']:
        out += f'  - invariant: {inv}\n'
    return out

def main():
    seed = 100
    for (attack, hop) in EXPECT:
        seed += 1
        path = os.path.join(OUT, f'{attack}-{hop}.yaml')
        if os.path.exists(path) and 'generated by scripts/gen_attack_matrix.py' not in open(path).read():
            continue
        with open(path, 'w') as f:
            f.write(scenario(attack, hop, seed))

if __name__ == '__main__':
    main()
