#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The D-Bus API reference of Barge, generated from introspection/*.xml.

    dbus-reference.py --output dbus-api.md XML...   writes the Markdown page
    dbus-reference.py --check XML...                 fails on undocumented API

The XML files carry their documentation in the comments gdbus-codegen reads:
a comment right before an interface, property, method or signal that starts
with its name and a colon, with one "@arg: text" line for every argument.
--check fails (exit status 1) when an interface, a member or an argument of a
method or signal has no such comment, so the reference cannot fall behind.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET


class Doc:
    def __init__(self, text=''):
        self.name = None
        self.params = {}
        self.body = ''
        self.short = ''
        if text:
            self.parse(text)

    def parse(self, text):
        raw = text.strip('\n').splitlines()
        while raw and not raw[0].strip():
            raw.pop(0)
        if not raw:
            return
        first = raw.pop(0).strip()
        match = re.match(r'^([A-Za-z0-9_.]+):\s*(.*)$', first)
        if not match:
            return
        self.name = match.group(1)
        body = [match.group(2)] if match.group(2) else []
        current = None
        current_indent = 0
        for raw_line in raw:
            line = raw_line.strip()
            indent = len(raw_line) - len(raw_line.lstrip())
            param = re.match(r'^@([A-Za-z0-9_]+):\s*(.*)$', line)
            if param:
                current = param.group(1)
                current_indent = indent
                self.params[current] = param.group(2)
            elif current is not None and line and indent > current_indent:
                # A continuation of the argument's text: indented deeper.
                self.params[current] += ' ' + line
            else:
                current = None
                body.append(line)
        self.short = self.params.pop('short_description', '')
        self.body = markdown('\n'.join(body).strip())


def markdown(text):
    """The few DocBook tags used in the comments, as Markdown."""
    text = re.sub(r'<literal>(.*?)</literal>', r'`\1`', text, flags=re.S)
    text = re.sub(r'<listitem>\s*<para>(.*?)</para>\s*</listitem>',
                  lambda m: '\n- ' + ' '.join(m.group(1).split()) + '\n', text, flags=re.S)
    text = re.sub(r'\s*</?itemizedlist>\s*', '\n\n', text)
    text = re.sub(r'</?para>', '', text)
    # Joins the lines of each paragraph; list items stay one per line.
    paragraphs = []
    for block in re.split(r'\n\s*\n', text):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith('- ') for line in lines):
            paragraphs.append('\n'.join(lines))
        else:
            # "Errors:" lists read better on their own line.
            joined = ' '.join(lines)
            joined = re.sub(r'\s+Errors:\s*', '\n\nErrors: ', joined)
            paragraphs.append(joined)
    return '\n\n'.join(p for p in paragraphs if p)


def parse_file(path):
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(path, parser=parser).getroot()
    interfaces = []

    def documented(children):
        """Pairs each element with the comment right before it."""
        pending = None
        for child in children:
            if child.tag is ET.Comment:
                pending = Doc(child.text or '')
            else:
                yield child, pending or Doc()
                pending = None

    for iface, doc in documented(list(root)):
        if iface.tag != 'interface':
            continue
        members = []
        for member, member_doc in documented(list(iface)):
            members.append((member, member_doc))
        interfaces.append((iface, doc, members))
    return interfaces


def check(interfaces, path):
    problems = []
    for iface, doc, members in interfaces:
        name = iface.get('name')
        if doc.name != name or not (doc.body or doc.short):
            problems.append('%s: interface %s has no doc comment' % (path, name))
        for member, member_doc in members:
            what = '%s %s.%s' % (member.tag, name, member.get('name'))
            if member_doc.name != member.get('name') or not member_doc.body:
                problems.append('%s: %s has no doc comment' % (path, what))
                continue
            if member.tag in ('method', 'signal'):
                for arg in member.findall('arg'):
                    text = member_doc.params.get(arg.get('name'), '').strip()
                    if not text:
                        problems.append('%s: argument %s of %s is not documented'
                                        % (path, arg.get('name'), what))
                for extra in set(member_doc.params) - {a.get('name') for a in member.findall('arg')}:
                    problems.append('%s: %s documents @%s, which it does not have'
                                    % (path, what, extra))
    return problems


def signature(member):
    args = []
    for arg in member.findall('arg'):
        direction = arg.get('direction', 'out' if member.tag == 'method' else '')
        prefix = (direction + ' ') if member.tag == 'method' else ''
        args.append('%s%s %s' % (prefix, arg.get('type'), arg.get('name')))
    return '%s (%s)' % (member.get('name'), ', '.join(args))


def anchor(iface_name, member_name=''):
    return re.sub(r'[^a-z0-9]+', '-', (iface_name + ' ' + member_name).lower()).strip('-')


def render(all_interfaces):
    out = ['Title: D-Bus API', '', '# D-Bus API', '',
           'The service `org.freedesktop.Barge1` on the system bus (or a session bus, '
           'with `barged --session`). This page is generated from the introspection '
           'XML in `introspection/`, which is installed in '
           '`$datadir/dbus-1/interfaces/`. libbarge wraps all of it; see '
           '[class@Barge.Client], [class@Barge.Job] and [class@Barge.File].', '',
           'Errors are D-Bus errors named `org.freedesktop.Barge1.Error.<Name>`; '
           'libbarge turns each into a code of [error@Barge.Error].', '']
    for iface, doc, members in all_interfaces:
        name = iface.get('name')
        out += ['## %s' % name, '']
        if doc.short:
            out += ['*%s*' % doc.short, '']
        if doc.body:
            out += [doc.body, '']
        for kind, title in (('property', 'Properties'), ('method', 'Methods'),
                            ('signal', 'Signals')):
            chosen = [(m, d) for m, d in members if m.tag == kind]
            if not chosen:
                continue
            out += ['### %s' % title, '']
            for member, member_doc in chosen:
                if kind == 'property':
                    out += ['#### %s' % member.get('name'), '',
                            '```', '%s %s (%s)' % (member.get('name'), member.get('type'),
                                                   member.get('access')), '```', '']
                else:
                    out += ['#### %s' % member.get('name'), '',
                            '```', signature(member), '```', '']
                    for arg in member.findall('arg'):
                        out.append('- `%s`: %s' % (arg.get('name'),
                                                   markdown(member_doc.params.get(arg.get('name'), ''))))
                    if member.findall('arg'):
                        out.append('')
                if member_doc.body:
                    out += [member_doc.body, '']
    return '\n'.join(out).rstrip() + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true')
    parser.add_argument('--output')
    parser.add_argument('xml', nargs='+')
    args = parser.parse_args()

    everything = []
    problems = []
    for path in args.xml:
        interfaces = parse_file(path)
        if not interfaces:
            problems.append('%s: no interface' % path)
        problems += check(interfaces, path)
        everything += interfaces

    if args.check:
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        print('%d interfaces, %d members: all documented'
              % (len(everything), sum(len(m) for _, _, m in everything)))
        return 0
    if args.output:
        with open(args.output, 'w') as f:
            f.write(render(everything))
    return 0


if __name__ == '__main__':
    sys.exit(main())
