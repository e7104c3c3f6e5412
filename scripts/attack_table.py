#!/usr/bin/env python3
"""Prints the markdown grid of a protocol's attack matrix (hop x attack) from its
scenario files: each cell is the events the safe half expects and the outcome
it expects; a double dagger marks cells that also have an .unprotected half.
docs/attacks.md carries its output.

    python3 scripts/attack_table.py [PROTOCOL]   # default: ecommerce
Expectations every cell shares (the matrix's "expect") are left out of the grid.
"""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ATTACKS = ['replay', 'tamper', 'drop', 'inject', 'forge']


def cell(path, common):
    """`common`: expectations every cell of the matrix has (left out of the grid)."""
    text = ''.join(line for line in open(path) if line.strip()[2:] not in common)
    events = re.findall(r'- event: \{who: ([\w-]+), name: (\w+)', text)
    outcome = re.search(r'- outcome: \{\w+: "?([^"}]+)"?\}', text)
    parts = ', '.join(f'{name} ({who})' for who, name in events if who != 'mallory' or
                      not name.startswith('Attack'))
    out = '; '.join(x for x in (parts, outcome.group(1) if outcome else '') if x)
    if os.path.exists(path.replace('.yaml', '.unprotected.yaml')):
        out += ' ‡'
    return out


def main():
    protocol = sys.argv[1] if len(sys.argv) > 1 else 'ecommerce'
    folder = os.path.join(ROOT, 'scenarios', 'attacks', protocol)
    hops = []
    matrix = json.load(open(os.path.join(folder, 'matrix.json')))
    common = set(matrix.get('expect', []))
    for c in matrix['cells']:
        if c['hop'] not in hops:
            hops.append(c['hop'])
    print('| hop | ' + ' | '.join(ATTACKS) + ' |')
    print('|---|' + '---|' * len(ATTACKS))
    for hop in hops:
        row = []
        for a in ATTACKS:
            path = os.path.join(folder, f'{a}-{hop}.yaml')
            row.append(cell(path, common) if os.path.exists(path) else '—')
        print(f'| `{hop}` | ' + ' | '.join(row) + ' |')


if __name__ == '__main__':
    main()
