"""The first-match-preserving index over one phase's rules.

It only ever skips rules that cannot match the path, and yields the others in table order, so a
resolution through it is the same as a plain loop over every rule (`tests/test_index.py` checks it
on random tables).

Each rule is filed under one key: the most selective literal it cannot do without.

* A **whole literal segment**: literal text of the source that starts with '/' and is followed by
  '/' or the end (`docs` and `page-9` in `/:tenant/docs/page-9`). Whatever the parameters before
  it match, a path can only match the rule if that text is one of its segments. When everything
  before the segment is literal or a plain one-segment parameter, its position is known too
  (`docs` is the path's second segment), and the key says so.
* A parameter that is a **finite alternation of literals** and a whole segment
  (`/:locale(en|fr|de)/...`) files the rule under each alternative.
* A source that is **nothing but literal segments** (`/old/page`) is filed by its whole text: it
  only matches that path, or it with one more '/'.
* A source with none of these but a **literal tail** (the built-in `/:path+/` redirect,
  `/:name*.json`) is a candidate only for paths that end with it.

Of a rule's keys, the one fewest other rules share is taken, so a table of `/:locale/page-N` rules
files each under its own `page-N`. A lookup splits the path once and looks up each segment (by
position, and anywhere). Only rules with no literal at all (`/:path*`, `/((?!api).*)`) are
candidates for every path. Case-insensitive rules are keyed by their text folded as JavaScript
folds it (`_js_fold`: ASCII letters among themselves, `É` with `é`, never a non-ASCII character to
an ASCII one), and a path is folded the same way before its lookup. A custom group that could
reach outside its parentheses makes the whole rule unkeyed.

Rules that only apply on one host (a `has` host value that is plain text, as a multi-tenant table's
are) are filed by that host first and by their keys within it, so a request only meets the rules
of its own host.
"""

from __future__ import annotations

import functools
import heapq
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ._conditions import PLAIN_VALUE, RequestView
from ._js.case import CASE_GROUPS
from ._js.node import inherits
from ._js.regexp import JSRegexError, parse
from ._pattern import Pattern
from ._rules import Rule
from ._syntax import Key, Token

__all__ = [
    "Candidates",
    "Index",
    "PathView",
    "PhaseIndex",
    "PlainIndex",
    "SegmentKey",
    "TableIndex",
    "host_key",
    "need_key",
    "segment_keys",
]

#: Below this many candidates, one sort beats heapq.merge's per-item overhead.
_SORT_BELOW = 48

#: What an index offers for a path: (position in the phase, rule), in table order.
Candidates = Iterator[tuple[int, Rule]]

#: One way to key a rule: the segment's index in the path (None: anywhere) and the texts it may
#: have (one for a literal, several for an alternation), in the rule's case rule.
SegmentKey = tuple[int | None, tuple[str, ...]]


class PathView:
    """A request path as the indexes look it up: its segments, and the same folded for the
    case-insensitive rules, each worked out once per path whichever phases ask."""

    __slots__ = ("_folded", "_found", "_segments", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._segments: list[str] | None = None
        self._folded: PathView | None = None
        #: The last `TableIndex.found` answer for this path: (index, host, request, positions).
        self._found: _Kept | None = None

    def segments(self) -> list[str]:
        """The text split at '/' (the first piece is what comes before the first '/')."""
        if self._segments is None:
            self._segments = self.text.split("/")
        return self._segments

    def folded(self) -> PathView:
        """The path folded as JavaScript's case-insensitive matching folds it."""
        folded = self._folded
        if folded is None:
            text = _js_fold(self.text)
            folded = self._folded = self if text == self.text else PathView(text)
        return folded


class PlainIndex:
    """Every rule of a phase, in order: the baseline the index must agree with."""

    __slots__ = ("rules",)

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)

    def candidates(
        self,
        pathname: str | PathView,
        start: int = 0,
        host: str | None = None,
        request: RequestView | None = None,
    ) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for every rule at `start` or later."""
        for position in range(start, len(self.rules)):
            yield position, self.rules[position]

    def __len__(self) -> int:
        return len(self.rules)


class _Keyed:
    """Rules of one case rule, by key: a segment (at a known position, or anywhere), whole
    text, literal tail."""

    __slots__ = ("lettered", "segments", "tails", "used", "whole")

    def __init__(self) -> None:
        #: segment text -> [(its index in the path, or -1 for anywhere; positions), ...]: one
        #: lookup per segment of a path finds both kinds.
        self.segments: dict[str, list[tuple[int, list[int]]]] = {}
        self.whole: dict[str, list[int]] = {}
        self.tails: dict[str, list[int]] = {}
        #: Whether any key has a letter (else case folding never changes a lookup).
        self.lettered = False
        #: Whether any rule is filed here at all.
        self.used = False

    def walk(self, path: PathView, into: list[list[int]]) -> None:
        """Append the positions lists of the rules keyed by the path's text."""
        pathname = path.text
        whole = self.whole
        if whole:
            # A route regex also takes one more '/' after the source's end.
            key = pathname[1:]
            found = whole.get(key)
            if found:
                into.append(found)
            if key.endswith("/"):
                found = whole.get(key[:-1])
                if found:
                    into.append(found)
        segments = self.segments
        if segments:
            # The keys the path has, found at once; then whether each is where its rules need it
            # (`at` counts from -1, the text before the path's first '/': never a key).
            texts = path._segments or path.segments()
            hits = segments.keys() & texts
            if hits:
                last = len(texts) - 1
                for text in hits:
                    for at, positions in segments[text]:
                        if at < 0 or (at < last and texts[at + 1] == text):
                            into.append(positions)
        tails = self.tails
        # The built-in '/:path+/' is often the only rule keyed by its tail, and its '/' ends only
        # a path that ends with one.
        if tails and (pathname[-1:] == "/" or len(tails) > 1 or "/" not in tails):
            slash = pathname[-1:] == "/"
            for tail, positions in tails.items():
                if pathname.endswith(tail) or (slash and pathname[:-1].endswith(tail)):
                    into.append(positions)

    def size(self, mine: range) -> int:
        """How many distinct keys file a rule of `mine`."""
        keyed = [positions for entries in self.segments.values() for _, positions in entries]
        keyed += [*self.whole.values(), *self.tails.values()]
        return sum(_meets(positions, mine) for positions in keyed)

    def depth(self, mine: range) -> int:
        """How many segment positions key a rule of `mine`."""
        levels = [
            at + 1
            for entries in self.segments.values()
            for at, positions in entries
            if at >= 0 and _meets(positions, mine)
        ]
        return max(levels, default=0)


def _meets(positions: list[int], mine: range) -> bool:
    """Whether ascending `positions` has one in `mine`."""
    at = bisect_left(positions, mine.start)
    return at < len(positions) and positions[at] < mine.stop


class _Paths:
    """Rules keyed by their literals (case-sensitive rules as written, the others in ASCII lower
    case), and the rules with no literal at all."""

    __slots__ = ("always", "exact", "folded")

    def __init__(self) -> None:
        self.exact = _Keyed()
        self.folded = _Keyed()
        self.always: list[int] = []

    def walk(self, path: PathView, into: list[list[int]]) -> None:
        """Append the positions lists of every rule that may match the path."""
        if self.always:
            into.append(self.always)
        if not path.text.startswith("/"):
            # A path that does not start with '/' can only meet the unkeyed rules: every keyed
            # source starts with a literal '/' (tails aside, and those need a '/' path too).
            return
        if self.exact.used:
            self.exact.walk(path, into)
        folded = self.folded
        if folded.lettered:
            folded.walk(path._folded or path.folded(), into)
        elif folded.used:
            folded.walk(path, into)  # the built-in '/:path+/' alone: no letter to fold

    def keys(self, mine: range) -> int:
        """How many distinct keys file a rule of `mine`."""
        return self.exact.size(mine) + self.folded.size(mine)

    def depth(self, mine: range) -> int:
        """The deepest segment keyed by position for a rule of `mine`."""
        return max(self.exact.depth(mine), self.folded.depth(mine))

    def wholes(self, mine: range) -> int:
        """How many rules of `mine` are filed by their whole text."""
        lists = (*self.exact.whole.values(), *self.folded.whole.values())
        return sum(_within(positions, mine) for positions in lists)


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

    def add(self, value: tuple[str, tuple[int, ...]], position: int) -> _Paths:
        """Count the rule at `position` as one of the host's: its rules, to file it in by path."""
        text, wild = value
        by_wild = self.tables.get(len(text))
        if by_wild is None:
            by_wild = self.tables[len(text)] = {}
        by_key = by_wild.get(wild)
        if by_key is None:
            by_key = by_wild[wild] = {}
        paths = by_key.get(text)
        if paths is None:
            paths = by_key[text] = _Paths()
        self.every.append(position)
        return paths

    def walk(self, host: str, pathname: PathView, into: list[list[int]]) -> None:
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


class _Needs:
    """Rules that only apply when the request has a header or a cookie: those with a `has`
    condition on it (`{"type": "header", "key": "x-legacy-client"}`), which would otherwise be
    tried on every request whatever their source (a `/((?!api/).*)` rule behind a header).

    Next.js reads the header (or cookie) from the request, and a condition on one the request
    does not send never holds (`matchHas` needs a value): such a rule cannot apply. Headers and
    cookies never change during a resolution, so this narrowing holds in every phase.
    """

    __slots__ = ("cookies", "every", "headers")

    def __init__(self) -> None:
        self.headers: dict[str, _Paths] = {}  # lowercased header name -> its rules, by path
        self.cookies: dict[str, _Paths] = {}  # cookie name -> its rules, by path
        self.every: list[int] = []  # every rule filed here, ascending

    def add(self, need: tuple[str, str], position: int) -> _Paths:
        """Count the rule at `position` as needing the header or cookie: its rules, to file it
        in by path."""
        kind, name = need
        table = self.headers if kind == "header" else self.cookies
        paths = table.get(name)
        if paths is None:
            paths = table[name] = _Paths()
        self.every.append(position)
        return paths

    def walk(self, request: RequestView, pathname: PathView, into: list[list[int]]) -> None:
        """Append the positions of every rule whose header or cookie the request sends and
        whose source may match `pathname`."""
        sent = request.headers
        if not sent:
            return
        if self.headers:
            _walk_shared(self.headers, sent, pathname, into)
        cookies = self.cookies
        if cookies and "cookie" in sent:
            header = sent["cookie"]
            # A cookie's name is in the header as it is (only values are decoded): a header that
            # holds none of the names this table needs is not parsed for them.
            if len(cookies) > _SCANNED_NAMES or any(name in header for name in cookies):
                _walk_shared(cookies, request.cookies, pathname, into)

    def groups(self) -> Iterator[_Paths]:
        """Every header's and cookie's rules."""
        yield from self.headers.values()
        yield from self.cookies.values()


#: Up to how many cookie names a Cookie header is searched for, before it is parsed.
_SCANNED_NAMES = 8


def _walk_shared(
    table: dict[str, _Paths], sent: Mapping[str, object], pathname: PathView, into: list[list[int]]
) -> None:
    """Walk the rules of every name both in `table` and `sent` (going through the smaller)."""
    if len(table) <= len(sent):
        for name, paths in table.items():
            if name in sent:
                paths.walk(pathname, into)
    else:
        for name in sent:
            found = table.get(name)
            if found is not None:
                found.walk(pathname, into)


def need_key(rule: Rule) -> tuple[str, str] | None:
    """The header (lowercased) or cookie a rule's `has` conditions need the request to send, if
    any: ("header", name) or ("cookie", name).

    A name that a JavaScript object inherits (`constructor`) is never one: Next.js reads the
    inherited property when the request lacks it, so the condition can hold (or fail the request)
    without it.
    """
    for condition in rule.has:
        if condition.type == "header":
            name = condition.key.lower()
        elif condition.type == "cookie":
            name = condition.key
        else:
            continue
        if not inherits(name):
            return condition.type, name
    return None


class TableIndex:
    """Every phase's rules in one index, so that a request's path is looked up once for all of
    them: positions are global (a phase's rules follow the phases before it, in `Phase` order),
    and each phase reads its own range of the answer (`PhaseIndex`).

    A rule is filed under the host its `has` names (`_Hosts`), else under a header or cookie its
    `has` needs (`_Needs`), else by its path alone (`_Paths`); within each, by its key.
    """

    __slots__ = ("ends", "entries", "hosts", "needs", "offsets", "paths", "phases")

    def __init__(self, phases: Sequence[Sequence[Rule]]) -> None:
        #: Each phase's rules (a restored index gets them again: `attach`).
        self.phases: tuple[Sequence[Rule], ...] = tuple(phases)
        rules: list[Rule] = []
        offsets = []
        for phase_rules in phases:
            offsets.append(len(rules))
            rules.extend(phase_rules)
        self.offsets: tuple[int, ...] = tuple(offsets)
        self.entries = _entries(self.phases)
        #: Where each phase's positions end (the next one's offset, or the table's end).
        self.ends: tuple[int, ...] = (*self.offsets[1:], len(rules))
        self.paths = _Paths()  # the rules of every request
        self.hosts = _Hosts()  # those that only apply on one host, by host and then by path
        self.needs = _Needs()  # those that need a header or cookie, by it and then by path
        _build(self, rules)

    def found(
        self, path: PathView, host: str | None = None, request: RequestView | None = None
    ) -> list[int]:
        """The ascending positions of every rule that may apply to the path (each once).

        `host` is the request's lowercased hostname ("" when it has none) and `request` its
        headers and cookies; None (unknown) takes every rule filed under a host, or under a
        header or cookie whose source may match. The answer is kept on the path for the phases
        that ask next.
        """
        kept = path._found
        if kept is not None and kept[0] is self and kept[1] == host and kept[2] is request:
            return kept[3]
        found = self.walk(path, host, request)
        path._found = (self, host, request, found)
        return found

    def walk(self, path: PathView, host: str | None, request: RequestView | None) -> list[int]:
        """`found`, worked out (not kept): the ascending global positions of the candidates (a
        list the index may own: never changed)."""
        lists: list[list[int]] = []
        self.paths.walk(path, lists)
        hosts = self.hosts.every
        if hosts:
            if host is None:
                lists.append(hosts)
            elif host:
                self.hosts.walk(host, path, lists)
        needs = self.needs
        if needs.every:
            if request is None:
                for paths in needs.groups():
                    paths.walk(path, lists)
            elif request.headers:
                needs.walk(request, path, lists)
        return lists[0] if len(lists) == 1 else _merged(lists)

    def split(
        self, path: PathView, host: str | None = None, request: RequestView | None = None
    ) -> dict[int, list[tuple[int, Rule]]]:
        """`found` by phase: the number of each phase with candidates (its place in `Phase`) →
        (position in the phase, rule) of each (resolve() asks once per path it routes)."""
        return self.split_of(self.walk(path, host, request))

    def split_of(self, positions: list[int]) -> dict[int, list[tuple[int, Rule]]]:
        """`split` of the positions `walk` found."""
        split: dict[int, list[tuple[int, Rule]]] = {}
        entries = self.entries
        for position in positions:
            found = entries[position]
            if found is None:
                found = entries[position] = self._entry(position)
            number, entry = found
            mine = split.get(number)
            if mine is None:
                split[number] = [entry]
            else:
                mine.append(entry)
        return split

    def rule_at(self, position: int) -> Rule:
        """The rule at a global position (kept in `entries`, as `split` keeps it)."""
        found = self.entries[position]
        if found is None:
            found = self.entries[position] = self._entry(position)
        return found[1][1]

    def _entry(self, position: int) -> tuple[int, tuple[int, Rule]]:
        """The rule at a global position as `split` hands it out: its phase's number, and its
        (position in the phase, rule); kept in `entries` once asked for (a restored router's
        rules are built as requests reach them)."""
        offsets = self.offsets
        number = bisect_right(offsets, position) - 1
        local = position - offsets[number]
        return number, (local, self.phases[number][local])

    def groups(self) -> Iterator[_Paths]:
        """Every group of rules keyed by path: the common one, then per host, header, cookie."""
        yield self.paths
        yield from self.hosts.groups()
        yield from self.needs.groups()

    def __getstate__(self) -> tuple[_Paths, _Hosts, _Needs, tuple[int, ...]]:
        """The keys, not the rules (see `attach`)."""
        return self.paths, self.hosts, self.needs, self.offsets

    def __setstate__(self, state: tuple[_Paths, _Hosts, _Needs, tuple[int, ...]]) -> None:
        self.paths, self.hosts, self.needs, self.offsets = state
        self.phases = ()
        self.entries = []

    def attach(self, phases: Sequence[Sequence[Rule]]) -> TableIndex:
        """This unpickled index with its phases' rules again."""
        self.phases = tuple(phases)
        self.entries = _entries(self.phases)
        self.ends = (*self.offsets[1:], len(self.entries))
        return self


class PhaseIndex:
    """Candidate rules of one phase for a path, in ascending position: its range of a
    `TableIndex` (one of its own when built from a phase's rules alone).

    >>> from rewrites import Router
    >>> router = Router.from_next_config({"redirects": [
    ...     {"source": "/old/:slug", "destination": "/new/:slug", "permanent": True},
    ...     {"source": "/:path*/amp", "destination": "/:path*", "permanent": True}]})
    >>> [rule.source for _, rule in router.indexes["redirects"].candidates("/blog/x")]
    []
    >>> [rule.source for _, rule in router.indexes["redirects"].candidates("/blog/amp/")]
    ['/:path+/', '/:path*/amp']
    """

    __slots__ = ("end", "number", "offset", "rules", "shared")

    def __init__(
        self, rules: Sequence[Rule], shared: TableIndex | None = None, number: int = 0
    ) -> None:
        self.rules = rules
        self.shared = TableIndex([rules]) if shared is None else shared
        self.number = number  # the phase's place among the shared index's phases
        self.offset = self.shared.offsets[number]
        self.end = self.offset + len(rules)

    def candidates(
        self,
        pathname: str | PathView,
        start: int = 0,
        host: str | None = None,
        request: RequestView | None = None,
    ) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for every rule at `start` or later that may match `pathname`.

        `host` is the request's lowercased hostname ("" when it has none), for the rules that
        only apply on one host, and `request` its headers and cookies, for the rules that need
        one; None (unknown) takes them all.
        """
        if isinstance(pathname, str):
            pathname = PathView(pathname)
        found = self.shared.found(pathname, host, request)
        low = bisect_left(found, self.offset + start)
        high = bisect_left(found, self.end, low)
        if low == high:
            return iter(())  # most phases, for most paths
        return self._offer(found, low, high)

    def _offer(self, found: list[int], low: int, high: int) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for the global positions `found[low:high]`."""
        rules, offset = self.rules, self.offset
        for at in range(low, high):
            position = found[at] - offset
            yield position, rules[position]

    def __len__(self) -> int:
        return len(self.rules)

    def stats(self) -> dict[str, int]:
        """Sizes for benchmarks and explain: rules, always-candidates (for every host and
        request), rules filed by host, by header or cookie, and whole, distinct keys and the
        deepest positional key, all of this phase."""
        shared = self.shared
        mine = range(self.offset, self.end)
        groups = list(shared.groups())
        return {
            "rules": len(self.rules),
            "always": _within(shared.paths.always, mine),
            "by_host": _within(shared.hosts.every, mine),
            "by_request": _within(shared.needs.every, mine),
            "whole": sum(paths.wholes(mine) for paths in groups),
            "keys": sum(paths.keys(mine) for paths in groups),
            "depth": max(paths.depth(mine) for paths in groups),
        }


def _within(positions: Iterable[int], mine: range) -> int:
    """How many of `positions` are in `mine`."""
    return sum(1 for p in positions if p in mine)


def _entries(phases: Sequence[Sequence[Rule]]) -> list[tuple[int, tuple[int, Rule]] | None]:
    """By global position, what `TableIndex.split` hands out for the rule (`_entry`), None until
    a request first reaches it: one list read per candidate, no search for its phase."""
    return [None] * sum(map(len, phases))


def _merged(lists: list[list[int]]) -> list[int]:
    """The positions of sorted `lists`, merged in ascending order, each once (a rule keyed by an
    alternation, or a segment the path has twice, is in several lists)."""
    if not lists:
        return _NONE
    if len(lists) == 1:
        return lists[0]
    if len(lists) == 2:
        first, second = lists
        # Usually apart: an always-candidate header rule before the path's keyed rules.
        if first and second:
            if first[-1] < second[0]:
                return first + second
            if second[-1] < first[0]:
                return second + first
    if sum(map(len, lists)) < _SORT_BELOW:
        return sorted({p for positions in lists for p in positions})
    return list(_once(heapq.merge(*lists)))


_NONE: list[int] = []
#: What a path keeps of `TableIndex.found`: the index, host and request it was asked for, and
#: the positions.
_Kept = tuple["TableIndex", str | None, object, list[int]]


def _once(positions: Iterable[int]) -> Iterator[int]:
    """Ascending positions with repeats dropped."""
    last = -1
    for position in positions:
        if position != last:
            yield position
            last = position


def _js_fold(text: str) -> str:
    """One representative of `text`'s class under JavaScript's case-insensitive matching: two
    strings a case-insensitive regex (no `u` flag) takes for each other fold alike.

    V8 compares code units by `Canonicalize` (`_js.case`): ASCII letters fold among themselves
    (to lower case here, so ASCII keys read as written), `É`/`é` fold together, and no
    non-ASCII character folds to ASCII (`ſ` stays apart from `s`, the Kelvin sign from `k`).
    """
    if text.isascii():
        return text.lower()
    return text.translate(_JS_FOLD)


def _fold_table() -> dict[int, int]:
    """Each code unit of a case class → the class's representative (its ASCII lower-case
    letter if it has one)."""
    table: dict[int, int] = {}
    for group in CASE_GROUPS:
        ascii_letters = [ch for ch in group if ch.isascii()]
        representative = min(ascii_letters).lower() if ascii_letters else group[0]
        for ch in group:
            if ch != representative:
                table[ord(ch)] = ord(representative)
    return table


_JS_FOLD = _fold_table()


def _keyed_text(text: str, case_sensitive: bool) -> str:
    """Literal text as the index keys it for a rule's case rule."""
    return text if case_sensitive else _js_fold(text)


#: A key as the build works it out: the segment's index in the path (-1: anywhere) and its texts.
_Option = tuple[int, tuple[str, ...]]


def _build(index: TableIndex, rules: Sequence[Rule]) -> None:
    """File every rule of the table in the (empty) groups of `index`.

    A source that is nothing but literal segments is filed by its whole text, and one with no key
    by its literal tail or for every path, as it comes. The others wait until every rule's keys
    are counted, and are then filed in order under their most selective key (`_chosen`).
    """
    common, hosts, needs = index.paths, index.hosts, index.needs
    fold = _JS_FOLD
    pending: list[tuple[int, _Keyed, list[_Option]]] = []
    every_option: list[_Option] = []
    for position, rule in enumerate(rules):
        paths = common
        if rule.has:
            host = host_key(rule)
            if host is not None:
                paths = hosts.add(host, position)
            else:
                need = need_key(rule)
                if need is not None:
                    paths = needs.add(need, position)
        pattern = rule.pattern
        tokens = pattern.tokens
        sensitive = pattern.case_sensitive
        keyed = paths.exact if sensitive else paths.folded
        if len(tokens) == 1:
            text = tokens[0]
            if isinstance(text, str) and text[:1] == "/":
                # Nothing but literal segments: filed by its text after the first '/'.
                if not sensitive:
                    text = text.lower() if text.isascii() else text.translate(fold)
                text = text[1:]
                found = keyed.whole.get(text)
                if found is None:
                    keyed.whole[text] = [position]
                else:
                    found.append(position)
                keyed.lettered = keyed.used = True
                continue
        options = _segment_options(tokens, sensitive)
        if options:
            pending.append((position, keyed, options))
            every_option += options
            continue
        tail = _literal_tail(pattern)
        if tail is None:
            paths.always.append(position)  # no literal: a candidate for every path
            continue
        found = keyed.tails.get(tail)
        if found is None:
            keyed.tails[tail] = [position]
        else:
            found.append(position)
        keyed.lettered = keyed.lettered or tail.upper() != tail
        keyed.used = True
    counts = _counts(every_option)
    for position, keyed, options in pending:
        at, texts = options[0] if len(options) == 1 else _chosen(options, counts)
        segments = keyed.segments
        for text in texts:
            entries = segments.get(text)
            if entries is None:
                segments[text] = [(at, [position])]
                continue
            for kept, positions in entries:
                if kept == at:
                    positions.append(position)
                    break
            else:
                entries.append((at, [position]))
        keyed.lettered = keyed.used = True


def _counts(options: list[_Option]) -> dict[_Option, int]:
    """How many rules have each key: by (index, (text,)) for each text of every option."""
    counts: dict[_Option, int] = Counter(options)
    for (at, texts), count in list(counts.items()):
        if len(texts) > 1:  # an alternation counts for each of its texts
            for text in texts:
                one = (at, (text,))
                counts[one] = counts.get(one, 0) + count
    return counts


def _chosen(options: list[_Option], counts: dict[_Option, int]) -> _Option:
    """The option the fewest rules share; on a tie a known position (fewer lookups hit it), then
    the deeper segment (sections near the root are shared by more of the site's paths), then the
    first."""
    best = options[0]
    best_count = -1
    best_at = 0
    for option in options:
        at, texts = option
        # An alternation is shared by the rules sharing any of its texts.
        count = counts[option] if len(texts) == 1 else sum([counts[at, (t,)] for t in texts])
        if best_count < 0 or count < best_count or (count == best_count and at > best_at):
            best, best_count, best_at = option, count, at
    return best


def segment_keys(pattern: Pattern) -> list[SegmentKey]:
    """Every key a source could be filed under: its whole literal segments (with their segment
    index when it is fixed) and its whole-segment literal alternations.

    `/:tenant/docs/page-9` gives [(1, ('docs',)), (2, ('page-9',))]; `/(.*)/amp-42` gives
    [(None, ('amp-42',))]; `/:locale(en|fr)/x` gives [(0, ('en', 'fr')), (1, ('x',))]. A
    segment is whole when literal '/' comes before it and a '/' or the end must follow.
    """
    return [
        (None if at < 0 else at, texts)
        for at, texts in _segment_options(pattern.tokens, pattern.case_sensitive)
    ]


def _segment_options(tokens: Sequence[Token], sensitive: bool) -> list[_Option]:
    """`segment_keys` of a source's tokens, with -1 for a segment anywhere."""
    keys: list[_Option] = []
    segment: int | None = -1  # the index of the segment the text so far ends in (None: unknown)
    last = len(tokens) - 1
    for at, token in enumerate(tokens):
        if isinstance(token, str):
            if not sensitive:
                token = token.lower() if token.isascii() else token.translate(_JS_FOLD)
            parts = token.split("/")
            count = len(parts) - 1
            if not count:
                continue
            if count > 1:  # the segments between two of its '/'
                for offset in range(1, count):
                    text = parts[offset]
                    if text:
                        keys.append((-1 if segment is None else segment + offset, (text,)))
            text = parts[count]
            if text and (at == last or _segment_ends(tokens, at + 1)):
                keys.append((-1 if segment is None else segment + count, (text,)))
            if segment is not None:
                segment += count
            continue
        custom = token.custom
        if custom and last and not _contained(token.pattern):
            return []  # a group that may reach outside its parentheses: never keyed
        if token.prefix == "/" and not token.suffix and not token.modifier:
            # '/:id', exactly the next segment (path-to-regexp's own pattern never spans a '/').
            if custom:
                texts = _alternatives(token.pattern, sensitive)
                if texts is None:
                    segment = None  # a custom pattern may span a '/'
                    continue
                if at == last or _segment_ends(tokens, at + 1):
                    keys.append((-1 if segment is None else segment + 1, texts))
            if segment is not None:
                segment += 1
        elif segment is not None and (
            custom or token.modifier not in ("", "?") or "/" in token.prefix or "/" in token.suffix
        ):
            segment = None  # unless ':id' stays inside a segment ('/api-:id')
    return keys


@functools.lru_cache(maxsize=1024)
def _alternatives(pattern: str, sensitive: bool) -> tuple[str, ...] | None:
    """The texts of a custom pattern that is a finite alternation of literals (`en|fr|de`),
    keyed for the rule's case rule."""
    texts = []
    for alternative in pattern.split("|"):
        if not alternative or not _LITERAL_CHARS.issuperset(alternative):
            return None
        texts.append(_keyed_text(alternative, sensitive))
    return tuple(dict.fromkeys(texts))


#: Characters that stand for themselves in a JavaScript regex (no '.', no escapes).
_LITERAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~")


def _literal_tail(pattern: Pattern) -> str | None:
    """The literal text every path the source matches ends with (the source's last token), in
    the rule's case rule; None when the source does not end in literal text."""
    tokens = pattern.tokens
    tail = tokens[-1] if len(tokens) > 1 else None
    if not isinstance(tail, str) or not _groups_contained(tokens):
        return None
    return _keyed_text(tail, pattern.case_sensitive)


def _segment_ends(tokens: Sequence[Token], at: int) -> bool:
    """Whether a '/' or the end of the path must follow the tokens before `at`."""
    for token in tokens[at:]:
        if isinstance(token, str):
            return token[:1] == "/"
        if token.prefix[:1] != "/":
            return False
        if token.modifier not in ("?", "*"):
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


@functools.lru_cache(maxsize=1024)
def _contained(pattern: str) -> bool:
    """Whether a JavaScript regex fragment parses on its own: balanced groups, every class closed.

    The source's whole regex is valid JavaScript (compiling it checked that), so a fragment that
    parses alone is one the whole regex reads as exactly its own group.
    """
    try:
        parse(pattern)
    except JSRegexError:
        return False
    return True


#: An index over one phase's rules: the first-match-preserving one, or the plain loop.
Index = PhaseIndex | PlainIndex
