"""The first-match-preserving index over one phase's rules.

It only ever skips rules that cannot match the path, and yields the others in table order, so a
resolution through it is the same as a plain loop over every rule (`tests/test_index.py` checks it
on random tables).

Every rule whose source starts with literal whole segments (`/old/blog/:slug` starts with `old`,
`blog`) sits in a trie under those segments; a path can only match it if the path starts with the
same segments, so a lookup walks the path's segments from the root and takes the rules of every
node it passes. Rules with a dynamic first segment (`/:locale/...`), or whose literal text cannot be
keyed exactly, sit at the root and are always candidates. Case-insensitive rules live in a second
trie keyed by ASCII-lowercased segments. A source that is nothing but literal segments (`/old/page`)
is filed by its whole text instead: it only matches that path, or it with one more '/'.

Rules that only apply on one host (a `has` host value that is plain text, as a multi-tenant table's
are) are filed by that host first and by their segments within it, so a request only meets the
rules of its own host.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence

from ._conditions import PLAIN_VALUE
from ._pattern import Pattern
from ._rules import Rule
from ._syntax import Key, Token

__all__ = ["Candidates", "PhaseIndex", "PlainIndex", "host_key", "leading_segments"]

#: Below this many candidates, one sort beats heapq.merge's per-item overhead.
_SORT_BELOW = 48


#: What an index offers for a path: (position in the phase, rule), in table order.
Candidates = Iterator[tuple[int, Rule]]


class PlainIndex:
    """Every rule of a phase, in order: the baseline the index must agree with."""

    __slots__ = ("rules",)

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)

    def candidates(
        self, pathname: str, start: int = 0, host: str | None = None
    ) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for every rule at `start` or later."""
        for position in range(start, len(self.rules)):
            yield position, self.rules[position]


class _Node:
    """One trie node: the rules whose literal segments end here (and go on), and the next
    segments."""

    __slots__ = ("children", "positions")

    # Empty until used: a 100k-rule table has many nodes, and every object allocated while
    # building makes the garbage collector's passes over the whole table longer.
    def __init__(self) -> None:
        self.children: dict[str, _Node] | None = None
        self.positions: list[int] | None = None


class _Trie:
    """Rules keyed by their literal leading segments; a walk gives every node on a path."""

    __slots__ = ("depth", "root")

    def __init__(self) -> None:
        self.root = _Node()
        self.depth = 0  # the deepest key: path segments below it are never looked at

    def add(self, segments: Sequence[str], position: int) -> None:
        """File the rule at `position` under `segments`."""
        node = self.root
        for segment in segments:
            if node.children is None:
                node.children = {}
            child = node.children.get(segment)
            if child is None:
                child = node.children[segment] = _Node()
            node = child
        if node.positions is None:
            node.positions = []
        node.positions.append(position)
        self.depth = max(self.depth, len(segments))

    def walk(self, pathname: str, into: list[list[int]]) -> None:
        """Append the positions of every non-empty node along `pathname` (root excluded)."""
        node = self.root
        # Splitting at most depth+1 times keeps a long hostile path from costing more than the
        # segments the trie can use; the last piece may then hold the rest of the path.
        for segment in pathname.split("/", self.depth + 1)[1 : self.depth + 1]:
            child = node.children.get(segment) if node.children else None
            if child is None:
                return
            node = child
            if node.positions:
                into.append(node.positions)

    def nodes(self) -> Iterator[_Node]:
        """Every node, depth first."""
        stack = [self.root]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children.values() if node.children else ())


class _Paths:
    """Rules keyed by their literal leading segments, in two tries (case-sensitive rules as
    written, the others in ASCII lower case); rules that are nothing but literal segments, by
    their whole text; and the rules with no literal segment."""

    __slots__ = ("always", "exact", "folded", "whole_exact", "whole_folded")

    def __init__(self) -> None:
        self.exact = _Trie()
        self.folded = _Trie()
        # A whole literal source (`/old/page`) only matches that path, or it with one more '/'
        # (modifyRouteRegex): most of a migration table, looked up in one step.
        self.whole_exact: dict[str, list[int]] = {}
        self.whole_folded: dict[str, list[int]] = {}
        self.always: list[int] = []

    def add(self, rule: Rule, position: int) -> None:
        """File a rule (positions must come in ascending order)."""
        segments = leading_segments(rule.pattern)
        sensitive = rule.pattern.case_sensitive
        if not segments:
            self.always.append(position)  # no literal segment: a candidate for every path
        elif _is_whole(rule.pattern, segments):
            whole = self.whole_exact if sensitive else self.whole_folded
            whole.setdefault("/".join(segments), []).append(position)
        else:
            (self.exact if sensitive else self.folded).add(segments, position)

    def walk(self, pathname: str, into: list[list[int]]) -> None:
        """Append the positions lists of every rule that may match `pathname`."""
        if self.always:
            into.append(self.always)
        if not pathname.startswith("/"):
            # A path that does not start with '/' can only meet the root rules: every keyed
            # source starts with a literal '/'.
            return
        if self.exact.depth:
            self.exact.walk(pathname, into)
        if self.whole_exact:
            _whole(self.whole_exact, pathname[1:], into)
        if self.folded.depth or self.whole_folded:
            lowered = _ascii_lower(pathname)
            if self.folded.depth:
                self.folded.walk(lowered, into)
            if self.whole_folded:
                _whole(self.whole_folded, lowered[1:], into)

    def nodes(self) -> int:
        """How many trie nodes there are."""
        return sum(1 for trie in (self.exact, self.folded) for _ in trie.nodes())

    def depth(self) -> int:
        """The deepest key."""
        return max(self.exact.depth, self.folded.depth)

    def wholes(self) -> int:
        """How many rules are filed by their whole text."""
        return sum(map(len, (*self.whole_exact.values(), *self.whole_folded.values())))


def _whole(table: dict[str, list[int]], key: str, into: list[list[int]]) -> None:
    """The whole literal rules for a path (its text after the first '/'), and for the path
    without one trailing '/'."""
    found = table.get(key)
    if found:
        into.append(found)
    if key.endswith("/"):
        found = table.get(key[:-1])
        if found:
            into.append(found)


class _Hosts:
    """Rules that only apply on one host, by host: those with a `has` host value that is plain
    text (`acme.example.com`, `acme\\.example\\.com`), which would otherwise be tried on every
    request (a multi-tenant table's `/:path*` rules, one per host).

    Next.js matches the value as the regex `^value$` against the lowercased hostname, where an
    unescaped '.' matches any character. A value is filed under its text with those wildcard
    positions masked, in a table per length and wildcard positions; a host is looked up in each
    table of its length with the same positions masked. That finds every rule whose value can
    match the host (and may find more: '.' does not match a line terminator, the mask does).
    """

    __slots__ = ("every", "tables")

    def __init__(self) -> None:
        #: length -> wildcard positions -> masked value -> that host's rules, by path
        self.tables: dict[int, dict[tuple[int, ...], dict[str, _Paths]]] = {}
        self.every: list[int] = []  # every rule filed here, ascending

    def add(self, value: tuple[str, tuple[int, ...]], rule: Rule, position: int) -> None:
        """File the rule at `position` under its masked host value, then by its path."""
        text, wild = value
        by_wild = self.tables.setdefault(len(text), {})
        by_key = by_wild.setdefault(wild, {})
        paths = by_key.get(text)
        if paths is None:
            paths = by_key[text] = _Paths()
        paths.add(rule, position)
        self.every.append(position)

    def walk(self, host: str, pathname: str, into: list[list[int]]) -> None:
        """Append the positions of every rule whose host value may match `host` and whose
        source may match `pathname`."""
        for wild, table in self.tables.get(len(host), {}).items():
            key = host
            if wild:
                chars = list(host)
                for at in wild:
                    chars[at] = "."
                key = "".join(chars)
            paths = table.get(key)
            if paths is not None:
                paths.walk(pathname, into)

    def groups(self) -> Iterator[_Paths]:
        """Every host's rules."""
        for by_wild in self.tables.values():
            for table in by_wild.values():
                yield from table.values()


def host_key(rule: Rule) -> tuple[str, tuple[int, ...]] | None:
    """The masked text and wildcard positions of a rule's plain `has` host value, if it has one."""
    for condition in rule.has:
        value = condition.value
        # Plain text, where '.' is either escaped (a dot) or not (any character). A value with
        # upper case is filed too: no lowercased host ever finds it, as none ever matches it.
        if condition.type != "host" or not value or not PLAIN_VALUE.fullmatch(value):
            continue
        text: list[str] = []
        wild: list[int] = []
        at = 0
        while at < len(value):
            if value[at] == "\\":
                at += 1  # an escaped '.': the dot itself
            elif value[at] == ".":
                wild.append(len(text))
            text.append(value[at])
            at += 1
        return "".join(text), tuple(wild)
    return None


class PhaseIndex:
    """Candidate rules of one phase for a path, in ascending position.

    >>> from rewrites import Router
    >>> router = Router.from_next_config({"redirects": [
    ...     {"source": "/old/:slug", "destination": "/new/:slug", "permanent": True},
    ...     {"source": "/:path*/amp", "destination": "/:path*", "permanent": True}]})
    >>> [rule.source for _, rule in router.indexes["redirects"].candidates("/blog/x")]
    ['/:path+/', '/:path*/amp']
    """

    __slots__ = ("hosts", "paths", "rules")

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.paths = _Paths()  # every rule but those that only apply on one host
        self.hosts = _Hosts()  # those, by host and then by path
        for position, rule in enumerate(self.rules):
            host = host_key(rule) if rule.has else None
            if host is None:
                self.paths.add(rule, position)
            else:
                self.hosts.add(host, rule, position)

    def candidates(
        self, pathname: str, start: int = 0, host: str | None = None
    ) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for every rule at `start` or later that may match `pathname`.

        `host` is the request's lowercased hostname ("" when it has none), for the rules that
        only apply on one host; None (unknown) takes them all.
        """
        lists: list[list[int]] = []
        self.paths.walk(pathname, lists)
        if self.hosts.every:
            if host is None:
                lists.append(self.hosts.every)
            elif host:
                self.hosts.walk(host, pathname, lists)
        rules = self.rules
        for position in _ascending(lists, start):
            yield position, rules[position]

    def __len__(self) -> int:
        return len(self.rules)

    def stats(self) -> dict[str, int]:
        """Sizes for benchmarks and explain: rules, always-candidates (for every host), rules
        filed by host, trie nodes and depth."""
        groups = [self.paths, *self.hosts.groups()]
        return {
            "rules": len(self.rules),
            "always": len(self.paths.always),
            "by_host": len(self.hosts.every),
            "whole": sum(paths.wholes() for paths in groups),
            "nodes": sum(paths.nodes() for paths in groups),
            "depth": max(paths.depth() for paths in groups),
        }


def _ascending(lists: list[list[int]], start: int) -> Iterable[int]:
    """The positions of sorted `lists` at `start` or later, merged in ascending order."""
    if start:
        lists = [cut for cut in (p[bisect_left(p, start) :] for p in lists) if cut]
    if not lists:
        return ()
    if len(lists) == 1:
        return lists[0]
    if sum(map(len, lists)) < _SORT_BELOW:
        return sorted([p for positions in lists for p in positions])
    return heapq.merge(*lists)


def _ascii_lower(text: str) -> str:
    """Lowercase A-Z only: JavaScript's case-insensitive regexes never map non-ASCII to ASCII."""
    if text.isascii():
        return text.lower()
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def leading_segments(pattern: Pattern) -> tuple[str, ...]:
    """The whole literal segments every path `pattern` matches starts with (keyed for its case).

    `/api/users/:id` gives ('api', 'users'); `/api-:id`, `/api{-:x}?` and `/:locale/api` give ()
    (the last literal segment is only whole when a '/' or the end must follow it). A segment with
    non-ASCII text ends the key (JavaScript and Python fold case differently), and so does a
    custom group that could reach outside its parentheses.
    """
    tokens = pattern.tokens
    head = tokens[0] if tokens else None
    if not isinstance(head, str) or not head.startswith("/"):
        return ()
    if len(tokens) > 1 and not _groups_contained(tokens):
        return ()
    ascii_only = head.isascii()
    parts = (head.lower() if ascii_only and not pattern.case_sensitive else head).split("/")[1:]
    if len(tokens) > 1 and not _segment_ends(tokens, 1):
        parts.pop()
    if ascii_only:  # most sources: nothing to stop at, and already keyed for their case
        return tuple(parts)
    out: list[str] = []
    for part in parts:
        if not part.isascii():
            break
        out.append(part if pattern.case_sensitive else part.lower())
    return tuple(out)


def _is_whole(pattern: Pattern, segments: tuple[str, ...]) -> bool:
    """Whether the source is exactly its keyed segments: no parameter, nothing left unkeyed."""
    tokens = pattern.tokens
    return len(tokens) == 1 and isinstance(tokens[0], str) and tokens[0].count("/") == len(segments)


def _segment_ends(tokens: Sequence[Token], at: int) -> bool:
    """Whether a '/' or the end of the path must follow the tokens before `at`."""
    for token in tokens[at:]:
        if isinstance(token, str):
            return token.startswith("/")
        if not token.prefix.startswith("/"):
            return False
        if not token.optional:
            return True
        # '/:a?' may be absent: what follows it decides.
    return True


def _groups_contained(tokens: Sequence[Token]) -> bool:
    """Whether every custom group closes exactly its own parentheses (as JavaScript parses it).

    path-to-regexp counts parentheses inside character classes too, so a group such as
    `([(?(?]))|(?:(?:x[))])` can close the groups around it and add a top-level alternative that
    skips the literal prefix; such a source is never keyed.
    """
    return all(_contained(t.pattern) for t in tokens if isinstance(t, Key) and t.custom)


def _contained(pattern: str) -> bool:
    """Whether a JavaScript regex fragment has balanced groups and closes every class."""
    depth, i, n = 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            # In JavaScript (no `u` flag) the first unescaped ']' closes a class, even in '[]'.
            i += 2 if pattern.startswith("^", i + 1) else 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            if i >= n:
                return False
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0 and i == n
