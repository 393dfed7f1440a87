#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks that every barge.conf key barged reads is documented.

The keys are the rows of the table `keys[]` in src/daemon/edges/barged-config.c
(group, key, minimum, maximum, field); a field's default is the
BARGED_CONFIG_DEFAULT_* macro that barged_settings_init_defaults() assigns
to it, with its value from barged-config.h, and a maximum other than
G_MAXUINT32 is a BARGED_CONFIG_* macro of barged-config.h. Every key must
appear, with that default, minimum and maximum, in

- barge.conf(5): a `.BI KEY= ...` entry under `.SH "[GROUP]"` whose text
  says "Minimum: N" and "default: N" (and "maximum: N" if it has one);
- docs/configuration.md: a table row under `### [GROUP]`:
  | `KEY` | default | minimum | meaning |, the minimum cell saying
  "maximum N" if it has one;
- data/barge.conf: a `#KEY=DEFAULT` line under `[GROUP]`.

Keys whose value is text are the rows of the table `text_keys[]` (group,
key, parser, field); their default is empty. Each must appear in

- barge.conf(5): a `.BI KEY= ...` entry under `.SH "[GROUP]"` whose text
  says "default: empty";
- docs/configuration.md: a table row under `### [GROUP]` whose default
  cell is "empty";
- data/barge.conf: a `#KEY=` line (nothing after the `=`) under `[GROUP]`.

A key documented in one of them that barged does not read fails too.

Usage: check-config-keys.py CONFIG_C CONFIG_H MAN_PAGE CONFIGURATION_MD BARGE_CONF
"""

import re
import sys


def read(path):
    with open(path, encoding='utf-8') as f:
        return f.read()


def code_keys(config_c, config_h):
    """{(group, key): (default, minimum, maximum or None)} from the sources."""
    source = read(config_c)
    table = re.search(r'static const BargedSettingsKey keys\[\] = \{(.*?)\n\};', source, re.S)
    if table is None:
        sys.exit('%s: no table keys[]' % config_c)
    rows = re.findall(r'\{\s*"(\w+)",\s*"(\w+)",\s*(\d+),\s*(\w+),\s*'
                      r'G_STRUCT_OFFSET\s*\(\s*BargedSettings,\s*(\w+)\s*\)\s*\}',
                      table.group(1))
    if not rows:
        sys.exit('%s: no rows in keys[]' % config_c)
    init = re.search(r'barged_settings_init_defaults \(BargedSettings \*settings\)\n\{(.*?)\n\}', source, re.S)
    if init is None:
        sys.exit('%s: no barged_settings_init_defaults()' % config_c)
    field_macro = dict(re.findall(r'settings->(\w+) = (BARGED_CONFIG_DEFAULT_\w+);', init.group(1)))
    macros = {name: int(value) for name, value in
              re.findall(r'^#define (BARGED_CONFIG_\w+) (\d+)\s*$', read(config_h), re.M)}
    keys = {}
    for group, key, minimum, maximum, field in rows:
        macro = field_macro.get(field)
        if macro is None or macro not in macros:
            sys.exit('%s: no BARGED_CONFIG_DEFAULT_* default for field %s ([%s] %s)'
                     % (config_c, field, group, key))
        if maximum == 'G_MAXUINT32':
            maximum = None
        elif maximum in macros:
            maximum = macros[maximum]
        else:
            sys.exit('%s: the maximum %s of [%s] %s is neither G_MAXUINT32 nor a number of %s'
                     % (config_c, maximum, group, key, config_h))
        keys[(group, key)] = (macros[macro], int(minimum), maximum)
    return keys


def code_text_keys(config_c):
    """{(group, key)} of the text keys, from the table text_keys[]."""
    source = read(config_c)
    table = re.search(r'static const BargedSettingsTextKey text_keys\[\] = \{(.*?)\n\};', source, re.S)
    if table is None:
        sys.exit('%s: no table text_keys[]' % config_c)
    rows = re.findall(r'\{\s*"(\w+)",\s*"(\w+)",\s*(\w+),\s*'
                      r'G_STRUCT_OFFSET\s*\(\s*BargedSettings,\s*(\w+)\s*\)\s*\}',
                      table.group(1))
    if not rows:
        sys.exit('%s: no rows in text_keys[]' % config_c)
    return {(group, key) for group, key, _parser, _field in rows}


def roff_text(lines):
    """Plain text of roff lines: font macros joined, other requests dropped."""
    words = []
    for line in lines:
        if line.startswith('.\\"'):
            continue
        match = re.match(r'\.(B|I|SM|BR|RB|BI|IB|IR|RI)\s+(.*)', line)
        if match:
            # roff arguments: "quoted, with spaces" or runs without spaces.
            args = [q.replace('""', '"') if q else w
                    for q, w in re.findall(r'"((?:[^"]|"")*)"|(\S+)', match.group(2))]
            joiner = ' ' if match.group(1) in ('B', 'I', 'SM') else ''
            words.append(joiner.join(args))
        elif not line.startswith('.'):
            words.append(line)
    text = ' '.join(words)
    return re.sub(r'\\\((?:em|en)', '-', text).replace('\\-', '-').replace('\\e', '\\')


def man_keys(path):
    """{(group, key): text of its entry}."""
    keys = {}
    group = None
    entry = None
    for line in read(path).splitlines():
        section = re.match(r'\.SH\s+"?\[(\w+)\]"?\s*$', line)
        if section or line.startswith('.SH'):
            group = section.group(1) if section else None
            entry = None
            continue
        if group is None:
            continue
        if line.startswith('.TP'):
            entry = None
            continue
        key = re.match(r'\.BI\s+"?(\w+)=', line)
        if key and entry is None:
            entry = (group, key.group(1))
            keys[entry] = []
            continue
        if entry is not None:
            keys[entry].append(line)
    return {k: roff_text(v) for k, v in keys.items()}


def markdown_keys(path):
    """{(group, key): (default cell, minimum cell)}."""
    keys = {}
    group = None
    for line in read(path).splitlines():
        heading = re.match(r'(#+)\s+(.*)', line)
        if heading:
            section = re.fullmatch(r'\[(\w+)\]', heading.group(2).strip())
            group = section.group(1) if section and heading.group(1) == '###' else None
            continue
        row = re.match(r'\|\s*`(\w+)`\s*\|([^|]*)\|([^|]*)\|', line)
        if group is not None and row:
            keys[(group, row.group(1))] = (row.group(2).strip(), row.group(3).strip())
    return keys


def conf_keys(path):
    """{(group, key): value} of the commented-out defaults."""
    keys = {}
    group = None
    for line in read(path).splitlines():
        section = re.match(r'\[(\w+)\]\s*$', line)
        if section:
            group = section.group(1)
            continue
        value = re.match(r'#\s*(\w+)=(.*)$', line)
        if group is not None and value:
            keys[(group, value.group(1))] = value.group(2).strip()
    return keys


def leading_number(text):
    match = re.match(r'(\d+)\b', text)
    return int(match.group(1)) if match else None


def main(argv):
    if len(argv) != 6:
        sys.exit(__doc__)
    config_c, config_h, man, markdown, conf = argv[1:]
    code = code_keys(config_c, config_h)
    text_keys = code_text_keys(config_c)
    documented = {man: man_keys(man), markdown: markdown_keys(markdown), conf: conf_keys(conf)}
    problems = []

    for (group, key), (default, minimum, maximum) in sorted(code.items()):
        name = '[%s] %s' % (group, key)
        text = documented[man].get((group, key))
        if text is None:
            problems.append('%s: %s is not documented' % (man, name))
        else:
            found = re.search(r'\b[Dd]efault:\s*(\d+)', text)
            if found is None or int(found.group(1)) != default:
                problems.append('%s: %s must say "default: %d"' % (man, name, default))
            found = re.search(r'\bMinimum:\s*(\d+)', text)
            if found is None or int(found.group(1)) != minimum:
                problems.append('%s: %s must say "Minimum: %d"' % (man, name, minimum))
            found = re.search(r'\b[Mm]aximum:\s*(\d+)', text)
            if maximum is not None and (found is None or int(found.group(1)) != maximum):
                problems.append('%s: %s must say "maximum: %d"' % (man, name, maximum))
        cells = documented[markdown].get((group, key))
        if cells is None:
            problems.append('%s: %s has no row under "### [%s]"' % (markdown, name, group))
        else:
            if leading_number(cells[0]) != default:
                problems.append('%s: %s: default "%s", the code says %d' % (markdown, name, cells[0], default))
            if leading_number(cells[1]) != minimum:
                problems.append('%s: %s: minimum "%s", the code says %d' % (markdown, name, cells[1], minimum))
            found = re.search(r'\bmaximum (\d+)', cells[1])
            if maximum is not None and (found is None or int(found.group(1)) != maximum):
                problems.append('%s: %s: the minimum cell must say "maximum %d"' % (markdown, name, maximum))
        value = documented[conf].get((group, key))
        if value is None:
            problems.append('%s: no "#%s=%d" under [%s]' % (conf, key, default, group))
        elif value != str(default):
            problems.append('%s: %s: "%s", the code says %d' % (conf, name, value, default))

    for group, key in sorted(text_keys):
        name = '[%s] %s' % (group, key)
        text = documented[man].get((group, key))
        if text is None:
            problems.append('%s: %s is not documented' % (man, name))
        elif re.search(r'\b[Dd]efault:\s*empty\b', text) is None:
            problems.append('%s: %s must say "default: empty"' % (man, name))
        cells = documented[markdown].get((group, key))
        if cells is None:
            problems.append('%s: %s has no row under "### [%s]"' % (markdown, name, group))
        elif not cells[0].startswith('empty'):
            problems.append('%s: %s: default "%s", the code says empty' % (markdown, name, cells[0]))
        value = documented[conf].get((group, key))
        if value is None:
            problems.append('%s: no "#%s=" under [%s]' % (conf, key, group))
        elif value != '':
            problems.append('%s: %s: "%s", the code says empty' % (conf, name, value))

    for path, keys in documented.items():
        for group, key in sorted(set(keys) - set(code) - text_keys):
            problems.append('%s: [%s] %s is documented but barged does not read it' % (path, group, key))

    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print('%d keys documented in %s' % (len(code) + len(text_keys), ', '.join(documented)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
