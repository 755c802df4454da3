"""Examples: paths a source matches, and the headers, cookies, query and host its conditions see.

One home for the example generation that lint (which resolves examples to show a problem) and
`rewrites.strategies` (which draws from them) share. Everything here is deterministic, readable
values first (`x`, then values read off a custom group's regex), and checked before it is given:
every path from `samples` is matched by its pattern, every request from `satisfying` makes the
rule's `has` hold and its `missing` fail, and every one from `failing` makes them fail.

>>> from rewrites import compile
>>> samples(compile("/docs/:slug/:page(\\\\d+)").as_route(), limit=2)
['/docs/x/1', '/docs/y/11']
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

import attrs
import regex

from ._conditions import Condition, ConditionError, RequestView, match_conditions
from ._js.regexp import (
    Alt,
    Assertion,
    Chars,
    Group,
    JSRegexError,
    Look,
    Node,
    Quant,
    Seq,
    group_end,
    parse,
    to_utf16,
    translate,
)
from ._pattern import Pattern
from ._rules import Rule
from ._syntax import Key, Token

__all__ = [
    "WORDS",
    "Example",
    "Sent",
    "anchored",
    "build",
    "condition_values",
    "conditions_hold",
    "example_requests",
    "failing",
    "fits",
    "holds",
    "key_values",
    "lookahead_words",
    "matches",
    "near_misses",
    "near_paths",
    "prefix_lookahead",
    "regex_tree",
    "request_parts",
    "route_samples",
    "samples",
    "satisfying",
    "satisfying_values",
    "with_query",
    "witnesses",
]

#: Readable parameter values tried first when building example paths (by key position).
WORDS = ("x", "y", "z", "w")
#: Characters tried first when a class must produce one.
_PREFERRED = "xyab1XA-_.~"

#: What a request sends for some conditions: headers (lowercased names) and query.
Sent = tuple[dict[str, str], dict[str, str]]


# --------------------------------------------------------------------------------------------------
# Values a regex accepts
# --------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def regex_tree(text: str) -> Node | None:
    """The syntax tree of a JavaScript regex (None when it does not parse)."""
    try:
        return parse(text)
    except JSRegexError:
        return None


def _contains(node: Chars, ch: str) -> bool:
    """Whether a character class accepts `ch` (ignoring case folding)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in node.ranges) != node.negated


def _pick_chars(node: Chars) -> list[str]:
    """One or two characters a class accepts, readable ones first."""
    out = [ch for ch in _PREFERRED if _contains(node, ch)][:2]
    if out:
        return out
    scan = (chr(cp) for cp in itertools.chain(range(0x21, 0x7F), range(0xA1, 0x2000)))
    return [next((ch for ch in scan if _contains(node, ch)), "")]


def witnesses(node: Node, limit: int = 4) -> list[str]:
    """A few strings `node` may match (lookaheads ignored: callers check by matching)."""
    if isinstance(node, Chars):
        return _pick_chars(node)
    if isinstance(node, Group):
        return witnesses(node.body, limit)
    if isinstance(node, Quant):
        body = witnesses(node.body, limit)
        top = node.max if node.max is not None else 2
        counts = dict.fromkeys(n for n in (max(node.min, 1), node.min, 2) if node.min <= n <= top)
        return list(dict.fromkeys(b * n for n in counts for b in body))[:limit]
    if isinstance(node, Seq):
        acc = [""]
        for item in node.items:
            acc = list(dict.fromkeys(a + b for a in acc for b in witnesses(item, limit)))[:limit]
        return acc
    if isinstance(node, Alt):
        per = [witnesses(alt, limit) for alt in node.alternatives]
        flat = [w for group in itertools.zip_longest(*per) for w in group if w is not None]
        return list(dict.fromkeys(flat))[:limit]
    return [""]  # assertions, lookarounds, back-references


# --------------------------------------------------------------------------------------------------
# Paths a source matches
# --------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _validator(pattern: str, case_sensitive: bool) -> regex.Pattern[str] | None:
    """`^(?:pattern)$` for one key, as path-to-regexp validates a value."""
    try:
        py, _ = translate(to_utf16(f"^(?:{pattern})$"), ignore_case=not case_sensitive)
    except JSRegexError:
        return None
    return regex.compile(py, regex.V0, cache_pattern=False)


def fits(pattern: Pattern, key: Key, value: str) -> bool:
    """Whether a value fits a key's own pattern."""
    check = _validator(key.pattern, pattern.case_sensitive)
    return check is not None and check.match(to_utf16(value)) is not None


def matches(pattern: Pattern, path: str) -> bool:
    """Whether a pattern matches a path (a timeout counts as no)."""
    try:
        return pattern.match(path, timeout=1.0) is not None
    except TimeoutError:
        return False


def key_values(pattern: Pattern, key: Key, position: int) -> list[str]:
    """Values a key accepts, a readable word first (`position` picks which of `WORDS`)."""
    node = regex_tree(key.pattern)
    found = [WORDS[position % len(WORDS)], *(witnesses(node) if node else [])]
    return [v for v in dict.fromkeys(found) if v and fits(pattern, key, v)]


def build(tokens: Sequence[Token], values: Mapping[int, Sequence[str] | None]) -> str:
    """A path from tokens: `values` maps token positions to their values (None: left out)."""
    out: list[str] = []
    for at, token in enumerate(tokens):
        if isinstance(token, str):
            out.append(token)
        elif not token.pattern:
            if not token.optional or values.get(at) is not None:
                out.append(token.prefix + token.suffix)
        else:
            for value in values.get(at) or ():
                out.append(token.prefix + value + token.suffix)
    return "".join(out)


def samples(pattern: Pattern, limit: int = 8) -> list[str]:
    """Paths the pattern matches, simple ones first (every one checked by matching)."""
    keys = [(at, t) for at, t in enumerate(pattern.tokens) if isinstance(t, Key) and t.pattern]
    choices = {at: key_values(pattern, key, n) for n, (at, key) in enumerate(keys)}
    if any(not choices[at] and not key.optional for at, key in keys):
        return []

    def variant(pick: int, repeat: int, present: bool) -> dict[int, Sequence[str] | None]:
        """Each key's value: the `pick`-th choice, `repeat` times for a repeated key."""
        values: dict[int, Sequence[str] | None] = {}
        for at, key in keys:
            options = choices[at]
            if not options or (key.optional and not present):
                values[at] = None
                continue
            first = options[min(pick, len(options) - 1)]
            others = options[1:] or options
            values[at] = [first, *others[: repeat - 1]] if key.repeat else [first]
        return values

    plans = [variant(0, 1, False), variant(0, 1, True)]
    for at, key in keys:
        if key.optional:  # each optional key left out alone: `/blog/1/api` of `/blog/:a?/:b*/api`
            plan = variant(0, 1, True)
            plan[at] = None
            plans.append(plan)
    plans.append(variant(1, 2, True))
    for at, _ in keys:
        for option in choices[at][1:]:
            plan = variant(0, 1, True)
            plan[at] = [option]
            plans.append(plan)
    paths = list(dict.fromkeys(build(pattern.tokens, plan) for plan in plans))
    return [p for p in paths if matches(pattern, p)][:limit]


# --------------------------------------------------------------------------------------------------
# What `has` and `missing` see
# --------------------------------------------------------------------------------------------------


def condition_values(condition: Condition) -> list[str]:
    """Values that may make a condition hold, readable first (callers check with `holds`)."""
    if condition.value is None:
        return ["1"]
    node = regex_tree(condition.value)
    return [w for w in (witnesses(node) if node else []) if w]


def request_parts(values: Iterable[tuple[Condition, str]]) -> Sent:
    """Headers and query in which each condition reads its value (a later one wins a shared key;
    cookies go into one `cookie` header, URL-encoded as the `cookie` package reads them)."""
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    query: dict[str, str] = {}
    for condition, value in values:
        if condition.type == "header":
            headers[condition.key.lower()] = value
        elif condition.type == "cookie":
            cookies[condition.key] = value
        elif condition.type == "query":
            query[condition.key] = value
        else:
            headers["host"] = value
    if cookies:
        headers["cookie"] = "; ".join(f"{k}={quote(v, safe='')}" for k, v in cookies.items())
    return headers, query


def holds(condition: Condition, value: str) -> bool:
    """Whether a condition holds for one value of what it reads (not when testing it fails the
    request, as a value tested against an inherited JavaScript name does)."""
    headers, query = request_parts([(condition, value)])
    try:
        return condition.test(RequestView(headers), query, {})
    except ConditionError:
        return False


def conditions_hold(rule: Rule, headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
    """Whether every `has` of a rule holds and no `missing` does, for these headers and query
    (not when testing them fails the request)."""
    try:
        return match_conditions(rule.has, rule.missing, RequestView(headers), query) is not None
    except ConditionError:
        return False


def satisfying_values(rule: Rule) -> list[tuple[Condition, str]] | None:
    """A value for each `has` of a rule, such that they all hold and no `missing` does (None if
    unsure)."""
    chosen: list[tuple[Condition, str]] = []
    for condition in rule.has:
        value = next(iter(condition_values(condition)), None)
        if value is None:
            return None
        chosen.append((condition, value))
    return chosen if conditions_hold(rule, *request_parts(chosen)) else None


def satisfying(rule: Rule) -> Sent | None:
    """Headers and query that make every `has` of a rule hold and no `missing` (None if unsure)."""
    chosen = satisfying_values(rule)
    return None if chosen is None else request_parts(chosen)


def failing(rule: Rule) -> list[Sent]:
    """Headers and query that make a rule's conditions fail: each `has` left out in turn (the
    others kept), and each `missing` made to hold; every one checked."""
    chosen = satisfying_values(rule) or []
    out: list[Sent] = []
    for at in range(len(chosen)):
        out.append(request_parts(chosen[:at] + chosen[at + 1 :]))
    for condition in rule.missing:
        found = next((v for v in condition_values(condition) if holds(condition, v)), None)
        if found is not None:
            out.append(request_parts([*chosen, (condition, found)]))
    return [sent for sent in out if not conditions_hold(rule, *sent)]


def with_query(path: str, query: Mapping[str, str]) -> str:
    """A path with a query string."""
    if not query:
        return path
    return (
        path + "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query.items())
    )


@attrs.frozen
class Example:
    """A request to try: URL (path and query) and headers, sorted by name."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, path: str, sent: Sent = ({}, {})) -> Example:
        """The request for a path with these headers and query."""
        headers, query = sent
        return cls(with_query(path, query), tuple(sorted(headers.items())))


def example_requests(rule: Rule, limit: int = 8) -> list[Example]:
    """Requests that match a rule's source and satisfy its conditions."""
    sent = satisfying(rule)
    if sent is None:
        return []
    return [
        Example.of(path, sent)
        for path in samples(rule.pattern, limit)
        if "//" not in path and "\\" not in path
    ]


# --------------------------------------------------------------------------------------------------
# Words a negative lookahead excludes
# --------------------------------------------------------------------------------------------------


def _leading_lookahead(key: Key) -> tuple[str, int] | None:
    """The body of the `(?!...)` a key's pattern starts with, and the index after it."""
    if not key.pattern.startswith("(?!"):
        return None
    end = group_end(key.pattern, 0)
    return None if end is None else (key.pattern[3 : end - 1], end)


def prefix_lookahead(key: Key) -> tuple[list[str], str, str] | None:
    """A segment-starting `(?!word)` that is not anchored: (words, body, fixed key pattern)."""
    if not key.custom or key.prefix != "/":
        return None
    found = _leading_lookahead(key)
    if found is None:
        return None
    body, end = found
    node = regex_tree(body)
    if node is None or _ends_at_boundary(node):
        return None
    words = _words(node)
    if words is None:
        return None
    fixed = f"(?!{anchored(body)})" + key.pattern[end:]
    return words, body, fixed


def lookahead_words(key: Key) -> list[str]:
    """The words a `(?!...)` opening a key's pattern excludes, anchored at the segment's end or
    not: `(?!auth)`, `(?!auth(?:/|$))` and `(?!(?:a|b)(?:/|$))` give their literal words."""
    found = _leading_lookahead(key)
    node = regex_tree(found[0]) if found else None
    if isinstance(node, Seq) and len(node.items) > 1 and _ends_at_boundary(node.items[-1]):
        rest = node.items[:-1]
        node = rest[0] if len(rest) == 1 else Seq(rest)
    if isinstance(node, Group) and node.index is None:
        node = node.body
    return (_words(node) if node is not None else None) or []


def anchored(body: str) -> str:
    """A lookahead body anchored at the end of a segment."""
    node = regex_tree(body)
    inner = f"(?:{body})" if isinstance(node, Alt) else body
    return inner + "(?:/|$)"


def _words(node: Node) -> list[str] | None:
    """The literal word of each alternative (None unless every one is a non-empty word)."""
    alternatives = node.alternatives if isinstance(node, Alt) else (node,)
    words = [_literal_word(alt) for alt in alternatives]
    return [w for w in words if w] if all(words) else None


def _literal_word(node: Node) -> str | None:
    """The literal text a node is made of (single characters in sequence), else None."""
    items = node.items if isinstance(node, Seq) else (node,)
    out = []
    for item in items:
        if isinstance(item, Group) and item.index is None:
            inner = _literal_word(item.body)
            if inner is None:
                return None
            out.append(inner)
            continue
        if not (isinstance(item, Chars) and not item.negated and len(item.ranges) == 1):
            return None
        low, high = item.ranges[0]
        if low != high or chr(low) == "/":
            return None
        out.append(chr(low))
    return "".join(out)


def _ends_at_boundary(node: Node) -> bool:
    """Whether every way through a lookahead body ends at '/' or the end of the path."""
    if isinstance(node, Seq):
        return bool(node.items) and _ends_at_boundary(node.items[-1])
    if isinstance(node, Group):
        return _ends_at_boundary(node.body)
    if isinstance(node, Alt):
        return all(_ends_at_boundary(alt) for alt in node.alternatives)
    if isinstance(node, Chars):
        return not node.negated and node.ranges == ((0x2F, 0x2F),)
    if isinstance(node, Assertion):
        return node.kind == "$"
    if isinstance(node, Look):
        return not node.behind and not node.negative and _ends_at_boundary(node.body)
    return False


# --------------------------------------------------------------------------------------------------
# Paths near a source, and paths of a local route
# --------------------------------------------------------------------------------------------------

#: Values tried, in order, for a key that must be given a value its own pattern refuses.
_REFUSED = ("x", "1", "x1", "X", "-", "x.y", "x/y", "%20")


def near_paths(pattern: Pattern, limit: int = 12) -> list[str]:
    """Paths a small edit away from the pattern's samples, matched or not: a key given each word
    a `(?!...)` opening it excludes (`auth`, `authx`, `auth/x`, `AUTH`), a value its own
    pattern refuses, or a value with a dot (`x.x`, a file to the trailing-slash redirects);
    then the last segment dropped, a segment added at either end, a character added, another
    case, a trailing slash. Some still match (`/api/authx` under
    `(?!auth(?:/|$))`): callers that want misses only use `near_misses`. None holds '//' or '\\'
    (Next.js answers those with a 308 before any rule)."""
    found: list[str] = []
    keys = [(at, t) for at, t in enumerate(pattern.tokens) if isinstance(t, Key) and t.pattern]
    choices = {at: key_values(pattern, key, n) for n, (at, key) in enumerate(keys)}
    plain: dict[int, Sequence[str] | None] = {at: choices[at][:1] or None for at, _ in keys}
    for at, key in keys:
        refused = next((v for v in _REFUSED if not fits(pattern, key, v)), None)
        words = lookahead_words(key)
        # A value with a dot looks like a file to the trailing-slash redirects.
        dotted = [v + ".x" for v in choices[at][:1] if fits(pattern, key, v + ".x")]
        for value in [
            *(v for w in words for v in (w, w + "x", w + "/x", w.upper())),
            *([refused] if refused is not None else []),
            *dotted,
        ]:
            found.append(build(pattern.tokens, {**plain, at: [value]}) or "/")
    for path in samples(pattern, 2):
        head = path.rstrip("/")
        found += [
            "/".join(path.split("/")[:-1]) or "/",
            head + "/x",
            "/x" + path,
            head + "x",
            path.swapcase(),
            path if path.endswith("/") else path + "/",
        ]
    usable = (p for p in found if p.startswith("/") and "//" not in p and "\\" not in p)
    return list(dict.fromkeys(usable))[:limit]


def near_misses(pattern: Pattern, limit: int = 12) -> list[str]:
    """Paths a small edit away from the pattern's samples that it does not match (see
    `near_paths`; every one checked by matching)."""
    return [p for p in near_paths(pattern, limit) if not matches(pattern, p)]


def route_samples(page: str) -> list[str]:
    """Paths a local route serves (`/blog/[slug]` → `/blog/x`; a catch-all gets one and two
    segments, an optional one none too), and paths next to them (the last segment dropped, one
    segment added), readable words first.

    >>> route_samples("/docs/[[...slug]]")
    ['/docs/x', '/docs', '/docs/x/y', '/docs/x/x']
    """
    parts = [part for part in page.split("/") if part]
    options: list[list[str | None]] = []
    dynamic = 0  # params so far: each gets the next of `WORDS`
    for part in parts:
        if not (part.startswith("[") and part.endswith("]")):
            options.append([part])
            continue
        word = WORDS[dynamic % len(WORDS)]
        dynamic += 1
        if part.startswith("[[..."):
            options.append([word, None, f"{word}/y"])
        elif part.startswith("[..."):
            options.append([word, f"{word}/y"])
        else:
            options.append([word])

    def path(picks: Sequence[str | None]) -> str:
        return "/" + "/".join(p for p in picks if p is not None)

    first = [choice[0] for choice in options]
    served = [path(first)]
    for at, choice in enumerate(options):
        for option in choice[1:]:
            served.append(path([*first[:at], option, *first[at + 1 :]]))
    near = [path(first[:-1]), path([*first, "x"])] if parts else []
    return list(dict.fromkeys([*served, *near]))
