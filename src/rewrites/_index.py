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
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence

from ._conditions import PLAIN_VALUE
from ._js.case import CASE_GROUPS
from ._js.regexp import JSRegexError, parse
from ._pattern import Pattern
from ._rules import Rule
from ._syntax import Key, Token

__all__ = [
    "Candidates",
    "PathView",
    "PhaseIndex",
    "PlainIndex",
    "SegmentKey",
    "host_key",
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

    __slots__ = ("_distinct", "_folded", "_segments", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._segments: list[str] | None = None
        self._distinct: set[str] | None = None
        self._folded: PathView | None = None

    def segments(self) -> list[str]:
        """The text split at '/' (the first piece is what comes before the first '/')."""
        if self._segments is None:
            self._segments = self.text.split("/")
        return self._segments

    def distinct(self) -> set[str]:
        """Each segment once."""
        if self._distinct is None:
            self._distinct = set(self.segments())
        return self._distinct

    def folded(self) -> PathView:
        """The path folded as JavaScript's case-insensitive matching folds it."""
        if self._folded is None:
            text = _js_fold(self.text)
            self._folded = self if text == self.text else PathView(text)
        return self._folded


class PlainIndex:
    """Every rule of a phase, in order: the baseline the index must agree with."""

    __slots__ = ("rules",)

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)

    def candidates(
        self, pathname: str | PathView, start: int = 0, host: str | None = None
    ) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for every rule at `start` or later."""
        for position in range(start, len(self.rules)):
            yield position, self.rules[position]

    def __len__(self) -> int:
        return len(self.rules)


class _Keyed:
    """Rules of one case rule, by key: segment at a known position, segment anywhere, whole
    text, literal tail."""

    __slots__ = ("anywhere", "at", "lettered", "tails", "used", "whole")

    def __init__(self) -> None:
        self.at: list[dict[str, list[int]]] = []  # by segment index, then segment text
        self.anywhere: dict[str, list[int]] = {}
        self.whole: dict[str, list[int]] = {}
        self.tails: dict[str, list[int]] = {}
        #: Whether any key has a letter (else case folding never changes a lookup).
        self.lettered = False
        #: Whether any rule is filed here at all.
        self.used = False

    def add(self, key: SegmentKey, position: int) -> None:
        """File the rule at `position` under every text of `key`."""
        index, texts = key
        if index is None:
            table = self.anywhere
        else:
            while len(self.at) <= index:
                self.at.append({})
            table = self.at[index]
        for text in texts:
            _append(table, text, position)
        self.lettered = self.used = True

    def walk(self, path: PathView, into: list[list[int]]) -> None:
        """Append the positions lists of the rules keyed by the path's text."""
        pathname = path.text
        if self.whole:
            _whole(self.whole, pathname[1:], into)
        if self.at:
            segments = path.segments()
            at = self.at
            for index in range(min(len(at), len(segments) - 1)):
                found = at[index].get(segments[index + 1])
                if found:
                    into.append(found)
        if self.anywhere:
            anywhere = self.anywhere
            for segment in path.distinct():
                found = anywhere.get(segment)
                if found:
                    into.append(found)
        if self.tails:
            # A route regex also takes one more '/' after the source's end (see `_whole`).
            trimmed = pathname[:-1] if pathname.endswith("/") else pathname
            for tail, positions in self.tails.items():
                if pathname.endswith(tail) or trimmed.endswith(tail):
                    into.append(positions)

    def size(self) -> int:
        """How many distinct keys there are."""
        return sum(map(len, self.at)) + len(self.anywhere) + len(self.whole) + len(self.tails)


def _append(table: dict[str, list[int]], text: str, position: int) -> None:
    """Add `position` to the list under `text` (positions come in ascending order)."""
    found = table.get(text)
    if found is None:
        table[text] = [position]
    elif found[-1] != position:
        found.append(position)


class _Paths:
    """Rules keyed by their literals (case-sensitive rules as written, the others in ASCII lower
    case), and the rules with no literal at all."""

    __slots__ = ("always", "exact", "folded")

    def __init__(self) -> None:
        self.exact = _Keyed()
        self.folded = _Keyed()
        self.always: list[int] = []

    def add(self, rule: Rule, position: int, choose: _Chooser) -> None:
        """File a rule (positions must come in ascending order)."""
        pattern = rule.pattern
        keyed = self.exact if pattern.case_sensitive else self.folded
        whole = choose.wholes.get(id(pattern))
        if whole is not None:
            _append(keyed.whole, whole, position)
            keyed.lettered = keyed.used = True
            return
        key = choose(pattern)
        if key is not None:
            keyed.add(key, position)
            return
        tail = _literal_tail(pattern)
        if tail is not None:
            _append(keyed.tails, tail, position)
            keyed.lettered = keyed.lettered or tail.upper() != tail
            keyed.used = True
        else:
            self.always.append(position)  # no literal: a candidate for every path

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
            folded.walk(path.folded(), into)
        elif folded.used:
            folded.walk(path, into)  # the built-in '/:path+/' alone: no letter to fold

    def keys(self) -> int:
        """How many distinct keys there are."""
        return self.exact.size() + self.folded.size()

    def depth(self) -> int:
        """The deepest segment keyed by position."""
        return max(len(self.exact.at), len(self.folded.at))

    def wholes(self) -> int:
        """How many rules are filed by their whole text."""
        return sum(map(len, (*self.exact.whole.values(), *self.folded.whole.values())))


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


class _Chooser:
    """Picks each rule's most selective key: the one the fewest rules of the phase share."""

    __slots__ = ("counts", "options", "wholes")

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.options: dict[int, list[SegmentKey]] = {}
        self.counts: dict[tuple[int | None, str], int] = {}
        #: The whole text of each source that is nothing but literal segments, by pattern.
        self.wholes: dict[int, str] = {}
        for rule in rules:
            whole = _whole_text(rule.pattern)
            if whole is not None:
                self.wholes[id(rule.pattern)] = whole
                continue  # filed by its whole text, never under a segment
            options = segment_keys(rule.pattern)
            self.options[id(rule.pattern)] = options
            for index, texts in options:
                for text in texts:
                    self.counts[index, text] = self.counts.get((index, text), 0) + 1

    def __call__(self, pattern: Pattern) -> SegmentKey | None:
        options = self.options.get(id(pattern))
        if options is None:
            options = segment_keys(pattern)
        if not options:
            return None
        if len(options) == 1:
            return options[0]
        counts = self.counts
        # Fewest rules sharing the key; on a tie a known position (fewer lookups hit it), then
        # the deeper segment (sections near the root are shared by more of the site's paths).
        return min(
            options,
            key=lambda o: (
                sum(counts.get((o[0], t), 1) for t in o[1]),
                o[0] is None,
                -(o[0] or 0),
            ),
        )


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

    def add(
        self, value: tuple[str, tuple[int, ...]], rule: Rule, position: int, choose: _Chooser
    ) -> None:
        """File the rule at `position` under its masked host value, then by its path."""
        text, wild = value
        by_wild = self.tables.setdefault(len(text), {})
        by_key = by_wild.setdefault(wild, {})
        paths = by_key.get(text)
        if paths is None:
            paths = by_key[text] = _Paths()
        paths.add(rule, position, choose)
        self.every.append(position)

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


class PhaseIndex:
    """Candidate rules of one phase for a path, in ascending position.

    >>> from rewrites import Router
    >>> router = Router.from_next_config({"redirects": [
    ...     {"source": "/old/:slug", "destination": "/new/:slug", "permanent": True},
    ...     {"source": "/:path*/amp", "destination": "/:path*", "permanent": True}]})
    >>> [rule.source for _, rule in router.indexes["redirects"].candidates("/blog/x")]
    []
    >>> [rule.source for _, rule in router.indexes["redirects"].candidates("/blog/amp/")]
    ['/:path+/', '/:path*/amp']
    """

    __slots__ = ("hosts", "paths", "rules")

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: Sequence[Rule] = tuple(rules)
        self.paths = _Paths()  # every rule but those that only apply on one host
        self.hosts = _Hosts()  # those, by host and then by path
        choose = _Chooser(self.rules)
        for position, rule in enumerate(self.rules):
            host = host_key(rule) if rule.has else None
            if host is None:
                self.paths.add(rule, position, choose)
            else:
                self.hosts.add(host, rule, position, choose)

    def candidates(
        self, pathname: str | PathView, start: int = 0, host: str | None = None
    ) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for every rule at `start` or later that may match `pathname`.

        `host` is the request's lowercased hostname ("" when it has none), for the rules that
        only apply on one host; None (unknown) takes them all.
        """
        if isinstance(pathname, str):
            pathname = PathView(pathname)
        lists: list[list[int]] = []
        self.paths.walk(pathname, lists)
        if self.hosts.every:
            if host is None:
                lists.append(self.hosts.every)
            elif host:
                self.hosts.walk(host, pathname, lists)
        if not lists:
            return iter(())  # most phases, for most paths
        return self._offer(lists, start)

    def _offer(self, lists: list[list[int]], start: int) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for the positions of `lists`, merged, from `start` on."""
        rules = self.rules
        for position in _ascending(lists, start):
            yield position, rules[position]

    def __len__(self) -> int:
        return len(self.rules)

    def __getstate__(self) -> tuple[_Paths, _Hosts]:
        """The keys only: a restored router gives the index its rules again (`restore`)."""
        return self.paths, self.hosts

    def __setstate__(self, state: tuple[_Paths, _Hosts]) -> None:
        self.paths, self.hosts = state
        self.rules = ()

    def restore(self, rules: Sequence[Rule]) -> PhaseIndex:
        """This unpickled index with its phase's rules."""
        self.rules = rules
        return self

    def stats(self) -> dict[str, int]:
        """Sizes for benchmarks and explain: rules, always-candidates (for every host), rules
        filed by host, rules filed whole, distinct keys and the deepest positional key."""
        groups = [self.paths, *self.hosts.groups()]
        return {
            "rules": len(self.rules),
            "always": len(self.paths.always),
            "by_host": len(self.hosts.every),
            "whole": sum(paths.wholes() for paths in groups),
            "keys": sum(paths.keys() for paths in groups),
            "depth": max(paths.depth() for paths in groups),
        }


def _ascending(lists: list[list[int]], start: int) -> Iterable[int]:
    """The positions of sorted `lists` at `start` or later, merged in ascending order, each once
    (a rule keyed by an alternation, or a segment the path has twice, is in several lists)."""
    if start:
        lists = [cut for cut in (p[bisect_left(p, start) :] for p in lists) if cut]
    if not lists:
        return ()
    if len(lists) == 1:
        return lists[0]
    if sum(map(len, lists)) < _SORT_BELOW:
        return sorted({p for positions in lists for p in positions})
    return _once(heapq.merge(*lists))


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


def segment_keys(pattern: Pattern) -> list[SegmentKey]:
    """Every key a source could be filed under: its whole literal segments (with their segment
    index when it is fixed) and its whole-segment literal alternations.

    `/:tenant/docs/page-9` gives [(1, ('docs',)), (2, ('page-9',))]; `/(.*)/amp-42` gives
    [(None, ('amp-42',))]; `/:locale(en|fr)/x` gives [(0, ('en', 'fr')), (1, ('x',))]. A
    segment is whole when literal '/' comes before it and a '/' or the end must follow.
    """
    tokens = pattern.tokens
    if not tokens or (len(tokens) > 1 and not _groups_contained(tokens)):
        return []
    sensitive = pattern.case_sensitive
    keys: list[SegmentKey] = []
    segment: int | None = -1  # the index of the segment the text so far ends in
    last = len(tokens) - 1
    for at, token in enumerate(tokens):
        if isinstance(token, str):
            parts = token.split("/")
            for offset in range(1, len(parts)):
                text = parts[offset]
                if not text or (offset == len(parts) - 1 and not _segment_ends(tokens, at + 1)):
                    continue
                index = None if segment is None else segment + offset
                keys.append((index, (_keyed_text(text, sensitive),)))
            if segment is not None:
                segment += len(parts) - 1
            continue
        texts = _alternatives(token, sensitive)
        if texts is not None and (at == last or _segment_ends(tokens, at + 1)):
            keys.append((None if segment is None else segment + 1, texts))
        if segment is not None:
            segment = _after(token, segment)
    return keys


def _alternatives(key: Key, sensitive: bool) -> tuple[str, ...] | None:
    """The texts of a required whole-segment parameter that is a finite alternation of literals
    (`/:locale(en|fr|de)`), keyed for the rule's case rule."""
    if key.prefix != "/" or key.suffix or key.modifier or not key.custom:
        return None
    texts = []
    for alternative in key.pattern.split("|"):
        if not alternative or not _LITERAL_CHARS.issuperset(alternative):
            return None
        texts.append(_keyed_text(alternative, sensitive))
    return tuple(dict.fromkeys(texts))


#: Characters that stand for themselves in a JavaScript regex (no '.', no escapes).
_LITERAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~")


def _after(key: Key, segment: int) -> int | None:
    """The segment index after a parameter, when it is fixed."""
    if not key.custom or _alternatives(key, True) is not None:
        # path-to-regexp's own patterns (`[^\/]+?`) and literal alternations never span a '/'.
        if key.prefix == "/" and not key.suffix and not key.modifier:
            return segment + 1  # '/:id': exactly the next segment
        if "/" not in key.prefix + key.suffix and key.modifier in ("", "?"):
            return segment  # ':id' inside a segment ('/api-:id'): the same segment
    return None


def _whole_text(pattern: Pattern) -> str | None:
    """The text after the first '/' of a source that is nothing but literal segments."""
    tokens = pattern.tokens
    if len(tokens) != 1 or not isinstance(tokens[0], str) or not tokens[0].startswith("/"):
        return None
    return _keyed_text(tokens[0], pattern.case_sensitive)[1:]


def _literal_tail(pattern: Pattern) -> str | None:
    """The literal text every path the source matches ends with (the source's last token), in
    the rule's case rule; None when the source does not end in literal text."""
    tokens = pattern.tokens
    if len(tokens) < 2 or not isinstance(tokens[-1], str) or not _groups_contained(tokens):
        return None
    return _keyed_text(tokens[-1], pattern.case_sensitive)


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
