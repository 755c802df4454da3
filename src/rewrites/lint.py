"""Lint: the problems of a routing table, each shown by a request that demonstrates it.

Every check is exact where the patterns allow it and otherwise works from generated examples; an
example is kept only once resolving it with the router shows the problem. The codes are stable:

    RW101  a beforeFiles/afterFiles rewrite takes requests a dynamic page was meant to serve
    RW102  a rule can never apply: an earlier rule decides every path it matches
    RW103  a rule duplicates an earlier one (same source, has and missing)
    RW104  a rule is likely shadowed: every generated example was decided by earlier rules
    RW201  a negative lookahead tests a prefix, not a segment ('(?!auth)' also skips 'authors')
    RW202  a repeated parameter never captures: a greedy group before it takes everything
    RW203  a custom group backtracks catastrophically on long paths
    RW204  a `has`/`missing` value's alternation is not grouped ('yes|true' is '^yes' or 'true$')
    RW301  `$N` in a destination: substituted here, left literal by Next.js
    RW401  a redirect's destination is redirected again (a chain)
    RW402  redirects that loop
    RW403  a rewrite or header rule matches Next.js's own `/_next` assets

>>> import rewrites
>>> router = rewrites.Router.from_next_config(
...     {"rewrites": [{"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}]},
...     routes=["/", "/api/auth/[...nextauth]"],
... )
>>> [d.code for d in lint(router)]
['RW101']
"""

from __future__ import annotations

import functools
import itertools
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import attrs
import regex

from ._conditions import Condition, RequestView, match_conditions
from ._index import host_key
from ._js.regexp import (
    JSRegexError,
    _Alt,
    _Assertion,
    _Chars,
    _Group,
    _Look,
    _Node,
    _Parser,
    _Quant,
    _Seq,
    to_utf16,
    translate,
)
from ._pattern import Pattern
from ._pattern import compile as compile_source
from ._rules import Phase, Rule
from ._syntax import Key, Token
from .errors import RewritesError
from .router import Explanation, Kind, Resolution, Router

__all__ = ["CODES", "Diagnostic", "lint"]

#: Every code, with its severity and a one-line summary (docs/lint.md shows an example of each).
CODES: Mapping[str, tuple[str, str]] = {
    "RW101": ("error", "rewrite takes requests a dynamic page was meant to serve"),
    "RW102": ("warning", "rule can never apply: earlier rules decide every path it matches"),
    "RW103": ("warning", "duplicate rule"),
    "RW104": ("info", "rule likely shadowed by earlier rules"),
    "RW201": ("warning", "negative lookahead tests a prefix, not a segment"),
    "RW202": ("warning", "repeated parameter never captures"),
    "RW203": ("warning", "custom group backtracks catastrophically"),
    "RW204": ("warning", "has/missing value alternation is not grouped"),
    "RW301": ("warning", "`$N` in a destination is not portable to Next.js"),
    "RW401": ("warning", "redirect chain"),
    "RW402": ("error", "redirect loop"),
    "RW403": ("warning", "rule matches Next.js's own /_next assets"),
}

#: Outcomes of an explanation step that mean the rule applied.
_APPLIED = frozenset({"matched", "redirect", "proxied", "rewritten"})
#: Readable parameter values tried first when building example paths (by key position).
_WORDS = ("x", "y", "z", "w")
#: Characters tried first when a class must produce one.
_PREFERRED = "xyab1XA-_.~"
#: How long a custom group may take on a hostile path before RW203 reports it (seconds).
SLOW = 0.05
#: The size of a hostile path for RW203.
HOSTILE_SIZE = 4 * 1024
#: The matcher's time limit on a hostile path (seconds).
HOSTILE_TIMEOUT = 0.25
#: A request for one of Next.js's own assets (RW403).
_NEXT_ASSET = "/_next/static/chunks/main.js"


@attrs.frozen
class Diagnostic:
    """One problem of a table: a stable code, where it is, and a request that shows it.

    `example` is a request URL that demonstrates the problem (sent with `headers`), `outcome`
    what resolving it shows, and `fix` the likely fix.
    """

    code: str
    severity: str
    place: str
    message: str
    example: str | None
    fix: str | None
    source: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    outcome: str | None = None

    def __str__(self) -> str:
        head = f"{self.severity} {self.code} {self.place}"
        head += f" {self.source!r}: " if self.source else ": "
        lines = [head + self.message]
        if self.example is not None:
            sent = "".join(f" [{k}: {v}]" for k, v in self.headers)
            arrow = f" → {self.outcome}" if self.outcome else ""
            lines.append(f"  example: {_shorten(self.example)}{sent}{arrow}")
        if self.fix:
            lines.append(f"  fix: {self.fix}")
        return "\n".join(lines)


def _shorten(text: str) -> str:
    """A long example (a hostile path) as its start, its length and its end."""
    if len(text) <= 100 and text.isprintable():
        return text
    return f"{text[:40]}…({len(text)} characters)…{text[-3:]!r}"


@attrs.frozen
class _Request:
    """A request to try: URL and headers."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()


def lint(router: Router) -> list[Diagnostic]:
    """Every problem lint finds in a table, in routing order.

    >>> router = Router.from_next_config({"redirects": [
    ...     {"source": "/a", "destination": "/b", "permanent": True},
    ...     {"source": "/b", "destination": "/a", "permanent": True}]})
    >>> [d.code for d in lint(router)]
    ['RW402', 'RW402']
    """
    return _Linter(router).run()


# --------------------------------------------------------------------------------------------------
# Examples: values, paths and requests built from a rule
# --------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _parse_js(text: str) -> _Node | None:
    """The AST of a JavaScript regex (None when it does not parse)."""
    try:
        return _Parser(to_utf16(text)).parse()
    except JSRegexError:
        return None


@functools.lru_cache(maxsize=1024)
def _validator(pattern: str, case_sensitive: bool) -> regex.Pattern[str] | None:
    """`^(?:pattern)$` for one key, as path-to-regexp validates a value."""
    try:
        py, _ = translate(to_utf16(f"^(?:{pattern})$"), ignore_case=not case_sensitive)
    except JSRegexError:
        return None
    return regex.compile(py, regex.V0, cache_pattern=False)


def _fits(pattern: Pattern, key: Key, value: str) -> bool:
    """Whether a value fits a key's own pattern."""
    check = _validator(key.pattern, pattern.case_sensitive)
    return check is not None and check.match(to_utf16(value)) is not None


def _contains(node: _Chars, ch: str) -> bool:
    """Whether a character class accepts `ch` (ignoring case folding)."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in node.ranges) != node.negated


def _pick_chars(node: _Chars) -> list[str]:
    """One or two characters a class accepts, readable ones first."""
    out = [ch for ch in _PREFERRED if _contains(node, ch)][:2]
    if out:
        return out
    scan = (chr(cp) for cp in itertools.chain(range(0x21, 0x7F), range(0xA1, 0x2000)))
    return [next((ch for ch in scan if _contains(node, ch)), "")]


def _witnesses(node: _Node, limit: int = 4) -> list[str]:
    """A few strings `node` may match (lookaheads ignored: callers check by matching)."""
    if isinstance(node, _Chars):
        return _pick_chars(node)
    if isinstance(node, _Group):
        return _witnesses(node.body, limit)
    if isinstance(node, _Quant):
        body = _witnesses(node.body, limit)
        top = node.max if node.max is not None else 2
        counts = dict.fromkeys(n for n in (max(node.min, 1), node.min, 2) if node.min <= n <= top)
        return list(dict.fromkeys(b * n for n in counts for b in body))[:limit]
    if isinstance(node, _Seq):
        acc = [""]
        for item in node.items:
            acc = list(dict.fromkeys(a + b for a in acc for b in _witnesses(item, limit)))[:limit]
        return acc
    if isinstance(node, _Alt):
        per = [_witnesses(alt, limit) for alt in node.alternatives]
        flat = [w for group in itertools.zip_longest(*per) for w in group if w is not None]
        return list(dict.fromkeys(flat))[:limit]
    return [""]  # assertions, lookarounds, back-references


def _key_values(pattern: Pattern, key: Key, position: int) -> list[str]:
    """Values a key accepts, a readable word first."""
    node = _parse_js(key.pattern)
    found = [_WORDS[position % len(_WORDS)], *(_witnesses(node) if node else [])]
    return [v for v in dict.fromkeys(found) if v and _fits(pattern, key, v)]


def _build(tokens: Sequence[Token], values: Mapping[int, Sequence[str] | None]) -> str:
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


def _samples(pattern: Pattern, limit: int = 8) -> list[str]:
    """Paths the pattern matches, simple ones first (every one checked by matching)."""
    keys = [(at, t) for at, t in enumerate(pattern.tokens) if isinstance(t, Key) and t.pattern]
    choices = {at: _key_values(pattern, key, n) for n, (at, key) in enumerate(keys)}
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

    plans = [variant(0, 1, False), variant(0, 1, True), variant(1, 2, True)]
    for at, _ in keys:
        for option in choices[at][1:]:
            plan = variant(0, 1, True)
            plan[at] = [option]
            plans.append(plan)
    paths = list(dict.fromkeys(_build(pattern.tokens, plan) for plan in plans))
    return [p for p in paths if _matches(pattern, p)][:limit]


def _matches(pattern: Pattern, path: str) -> bool:
    """Whether a pattern matches a path (a timeout counts as no)."""
    try:
        return pattern.match(path, timeout=1.0) is not None
    except TimeoutError:
        return False


def _condition_value(condition: Condition) -> list[str]:
    """Values that make a condition hold, readable first."""
    if condition.value is None:
        return ["1"]
    node = _parse_js(condition.value)
    return [w for w in (_witnesses(node) if node else []) if w]


def _satisfying(rule: Rule) -> tuple[dict[str, str], dict[str, str]] | None:
    """Headers and query that make every `has` of a rule hold and no `missing` (None if unsure)."""
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    query: dict[str, str] = {}
    for condition in rule.has:
        value = next(iter(_condition_value(condition)), None)
        if value is None:
            return None
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
    if match_conditions(rule.has, rule.missing, RequestView(headers), query) is None:
        return None
    return headers, query


def _with_query(path: str, query: Mapping[str, str]) -> str:
    """A path with a query string."""
    if not query:
        return path
    return (
        path + "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query.items())
    )


def _requests(rule: Rule, limit: int = 8) -> list[_Request]:
    """Requests that match a rule's source and satisfy its conditions."""
    conditions = _satisfying(rule)
    if conditions is None:
        return []
    headers, query = conditions
    sent = tuple(sorted(headers.items()))
    return [
        _Request(_with_query(path, query), sent)
        for path in _samples(rule.pattern, limit)
        if "//" not in path and "\\" not in path
    ]


# --------------------------------------------------------------------------------------------------
# The linter
# --------------------------------------------------------------------------------------------------


class _Linter:
    """One lint run over a router: the checks, and the resolutions they share."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.rules = tuple(r for r in router.rules if not r.built_in)
        self.order = {rule: at for at, rule in enumerate(router.rules)}
        self.found: list[tuple[int, int, Diagnostic]] = []
        self._explained: dict[_Request, Explanation | None] = {}

    def run(self) -> list[Diagnostic]:
        """Run every check; the diagnostics in routing order."""
        self.stealing()
        self.shadowing()
        for rule in self.rules:
            self.lookaheads(rule)
            self.never_captures(rule)
            self.backtracking(rule)
            self.conditions(rule)
            self.positional(rule)
            self.next_assets(rule)
        self.redirect_chains()
        self.found.sort(key=lambda item: (item[0], item[1]))
        return [d for _, _, d in self.found]

    def report(self, rule: Rule, code: str, message: str, **fields: Any) -> None:
        """Record a diagnostic about a rule (severity from CODES unless given)."""
        severity = fields.pop("severity", CODES[code][0])
        diagnostic = Diagnostic(code, severity, rule.place, message, source=rule.source, **fields)
        self.found.append((self.order.get(rule, -1), len(self.found), diagnostic))

    def explain(self, request: _Request) -> Explanation | None:
        """The router's explanation of a request (None when Next.js would fail it)."""
        if request not in self._explained:
            try:
                found: Explanation | None = self.router.explain(request.url, dict(request.headers))
            except (RewritesError, TimeoutError):
                found = None
            self._explained[request] = found
        return self._explained[request]

    # --- RW101 -----------------------------------------------------------------------------------

    def stealing(self) -> None:
        """RW101: a path each dynamic page serves, resolved: a rewrite must not take it first."""
        routes = self.router.routes
        if routes is None:
            return
        reported: set[tuple[Rule, str]] = set()
        for route in routes.sorted_dynamic:
            for path in _route_paths(route.page):
                full = self.router.table.base_path + path
                found = routes.find(path)
                if found is None or found.route != route.page:
                    continue
                for rule in self.rules:
                    if rule.phase not in (Phase.BEFORE_FILES, Phase.AFTER_FILES):
                        continue
                    if (rule, route.page) in reported or not _matches(rule.pattern, full):
                        continue
                    if self.steals(rule, route.page, full):
                        reported.add((rule, route.page))

    def steals(self, rule: Rule, page: str, path: str) -> bool:
        """Report `rule` if it takes `path` from `page`; whether it did."""
        conditions = _satisfying(rule)
        if conditions is None:
            return False
        headers, query = conditions
        request = _Request(_with_query(path, query), tuple(sorted(headers.items())))
        explained = self.explain(request)
        if explained is None or not _applied(explained, rule):
            return False
        result = explained.resolution
        if result.kind is Kind.LOCAL and result.route == page:
            return False
        proxied = result.kind is Kind.PROXIED
        what = "proxies" if proxied else "rewrites away"
        self.report(
            rule,
            "RW101",
            f"rule {rule.place} {rule.source!r} {what} requests that page {page} was meant to "
            f"serve: {rule.phase} rewrites run before dynamic routes",
            severity="error" if proxied else "warning",
            example=request.url,
            headers=request.headers,
            outcome=f"{result} (page {page} would have served it)",
            fix=_stealing_fix(rule, page),
        )
        return True

    # --- RW102, RW103, RW104 ---------------------------------------------------------------------

    def shadowing(self) -> None:
        """RW102/RW103 exactly for simple sources, RW104 from examples for the rest."""
        for phase in (Phase.REDIRECTS, Phase.BEFORE_FILES, Phase.AFTER_FILES, Phase.FALLBACK):
            for position, later in enumerate(self.router.phase(phase)):
                if later.built_in:
                    continue
                if self.exactly_shadowed(later, self.may_cover(phase, position)):
                    continue
                self.likely_shadowed(later)

    def may_cover(self, phase: Phase, position: int) -> list[Rule]:
        """The user's rules before the one at `position` that may match every path it matches.

        A rule that covers it matches, in particular, one path it matches; the router's index
        never leaves out a rule that matches a path, so its candidates for one such path are
        enough (this keeps lint linear on large tables). With no such path at hand, every
        earlier rule.
        """
        rules = self.router.phase(phase)
        later = rules[position]
        path = next(iter(_samples(later.pattern, limit=1)), None)
        if path is None:
            return [rule for rule in rules[:position] if not rule.built_in]
        out: list[Rule] = []
        for at, rule in self.router.indexes[phase].candidates(path, 0, _example_host(later)):
            if at >= position:
                break
            if not rule.built_in:
                out.append(rule)
        return out

    def exactly_shadowed(self, later: Rule, earlier: Sequence[Rule]) -> bool:
        """RW103 for a duplicate, RW102 for an earlier deciding rule that covers every path."""
        for rule in earlier:
            if not _conditions_implied(rule, later):
                continue
            duplicate = _same_conditions(rule, later) and rule.source == later.source
            if not duplicate and not (_decides(rule) and _covers(rule.pattern, later.pattern)):
                continue
            evidence = self.never_applies(later, {rule})
            if evidence is None:
                continue
            request, result = evidence
            if duplicate:
                code = "RW103"
                message = (
                    f"rule {later.place} {later.source!r} duplicates rule {rule.place}: same "
                    "source, has and missing, and the earlier one decides first"
                )
                fix = f"remove one of {rule.place} and {later.place}"
            else:
                code = "RW102"
                message = (
                    f"rule {later.place} {later.source!r} can never match: rule {rule.place} "
                    f"{rule.source!r} already matches every path it accepts"
                )
                fix = f"move {later.place} before {rule.place}, or remove it"
            self.report(
                later,
                code,
                message,
                example=request.url,
                headers=request.headers,
                outcome=str(result),
                fix=fix,
            )
            return True
        return False

    def never_applies(
        self, rule: Rule, deciders: set[Rule] | None = None
    ) -> tuple[_Request, Resolution] | None:
        """A request for `rule` that an earlier rule decides instead (None if it applies)."""
        first: tuple[_Request, Resolution] | None = None
        tried = 0
        for request in _requests(rule):
            explained = self.explain(request)
            if explained is None:
                continue
            tried += 1
            if _applied(explained, rule):
                return None
            decider = explained.resolution.rule
            if decider is None or decider == rule or self.order.get(decider, 0) > self.order[rule]:
                return None
            if deciders is not None and deciders and decider not in deciders:
                continue
            if first is None:
                first = (request, explained.resolution)
        return first if tried else None

    def likely_shadowed(self, rule: Rule) -> None:
        """RW104: every example of the rule was decided by earlier rules."""
        deciders: list[Rule] = []
        evidence: list[str] = []
        for request in _requests(rule):
            explained = self.explain(request)
            if explained is None:
                continue
            decider = explained.resolution.rule
            if _applied(explained, rule) or decider is None or decider == rule:
                return
            deciders.append(decider)
            evidence.append(f"{request.url} → {explained.resolution} by {decider.place}")
        if not deciders:
            return
        names = ", ".join(dict.fromkeys(f"{d.place} {d.source!r}" for d in deciders))
        first = _requests(rule)[0]
        more = "; ".join(evidence[1:4])
        self.report(
            rule,
            "RW104",
            f"rule {rule.place} {rule.source!r} is likely shadowed: every example path it "
            f"matches ({len(evidence)} tried) was decided first by {names}"
            + (f" (also {more})" if more else ""),
            example=first.url,
            headers=first.headers,
            outcome=evidence[0].split(" → ", 1)[1],
            fix="move it before the rules that decide its paths, narrow them, or remove it",
        )

    # --- RW201 -----------------------------------------------------------------------------------

    def lookaheads(self, rule: Rule) -> None:
        """RW201: `(?!word)` at the start of a segment's group excludes every word it starts."""
        for key in rule.pattern.keys:
            found = _prefix_lookahead(key)
            if found is None:
                continue
            words, body, fixed_pattern = found
            fixed_source = _replace_pattern(rule.source, key, fixed_pattern)
            example = self.prefix_example(rule, key, words[0], fixed_source)
            if example is None:
                continue
            request, result = example
            self.report(
                rule,
                "RW201",
                f"the lookahead (?!{body}) in {rule.source!r} tests a prefix, not a segment: it "
                f"also skips every segment that starts with {words[0]!r}",
                example=request.url,
                headers=request.headers,
                outcome=f"{result} ({rule.place} does not match it)",
                fix=f"anchor it at the segment's end: (?!{_anchored(body)}) — source "
                f"{fixed_source!r}",
            )

    def prefix_example(
        self, rule: Rule, key: Key, word: str, fixed_source: str
    ) -> tuple[_Request, Resolution] | None:
        """A path whose segment starts with `word` that only the anchored lookahead lets match."""
        try:
            fixed = compile_source(fixed_source, case_sensitive=rule.pattern.case_sensitive)
        except RewritesError:
            return None
        at = rule.pattern.tokens.index(key)
        keys = [(i, t) for i, t in enumerate(rule.pattern.tokens) if isinstance(t, Key)]
        values: dict[int, Sequence[str] | None] = {}
        for n, (i, other) in enumerate(keys):
            options = _key_values(rule.pattern, other, n) if i != at else []
            values[i] = None if other.optional else options[:1] or None
        for extra in ("x", "enticate", "-x"):
            values[at] = [word + extra]
            path = _build(rule.pattern.tokens, values)
            if _matches(rule.pattern, path) or not _matches(fixed.as_route(), path):
                continue
            conditions = _satisfying(rule)
            headers, query = conditions or ({}, {})
            request = _Request(_with_query(path, query), tuple(sorted(headers.items())))
            explained = self.explain(request)
            if explained is not None and not _applied(explained, rule):
                return request, explained.resolution
        return None

    # --- RW202 -----------------------------------------------------------------------------------

    def never_captures(self, rule: Rule) -> None:
        """RW202: an optional repeated key after a greedy group that can take '/' stays empty."""
        tokens = rule.pattern.tokens
        keys = [(at, t) for at, t in enumerate(tokens) if isinstance(t, Key) and t.pattern]
        for n, (at, key) in enumerate(keys):
            if not (key.repeat and key.optional):
                continue
            greedy = [(i, k) for i, k in keys[:n] if k.custom and _fits(rule.pattern, k, "x/y")]
            if not greedy:
                continue
            shown = self.empty_capture(rule, at, key, n)
            if shown is None:
                continue
            path, group = shown
            _, before = greedy[-1]
            index = [k for _, k in keys].index(before)
            value = group[index] if index < len(group) else None
            self.report(
                rule,
                "RW202",
                f"`:{key.name}{key.modifier}` never captures anything: the greedy group "
                f"({before.pattern}) before it ({before.label}) takes the rest of the path",
                example=path,
                outcome=f"{before.label} = {value!r}, {key.label} empty",
                fix=f"drop `/:{key.name}{key.modifier}` and name the group instead "
                f"(':{key.name}({before.pattern})'), or stop the group at a segment "
                "([^/]+ instead of .*)",
            )

    def empty_capture(
        self, rule: Rule, at: int, key: Key, position: int
    ) -> tuple[str, tuple[Any, ...]] | None:
        """A path that gives the key segments, yet the key captures nothing in every one."""
        keys = [(i, t) for i, t in enumerate(rule.pattern.tokens) if isinstance(t, Key)]
        base: dict[int, Sequence[str] | None] = {}
        for n, (i, other) in enumerate(keys):
            options = _key_values(rule.pattern, other, n)
            base[i] = options[:1] if options and not (other.optional and i != at) else None
        shown: tuple[str, tuple[Any, ...]] | None = None
        for count in (1, 2):
            base[at] = [_WORDS[(position + j) % len(_WORDS)] for j in range(count)]
            path = _build(rule.pattern.tokens, base)
            try:
                found = rule.pattern.match(path, timeout=1.0)
            except TimeoutError:
                return None
            if found is None:
                continue
            index = [k for _, k in keys if k.pattern].index(key)
            if found.groups[index] is not None:
                return None
            shown = shown or (path, found.groups)
        return shown

    # --- RW203 -----------------------------------------------------------------------------------

    def backtracking(self, rule: Rule) -> None:
        """RW203: time the rule's regex on hostile paths built from its custom groups."""
        if not any(k.custom for k in rule.pattern.keys):
            return
        for path in _hostile_paths(rule.pattern):
            took = _time_match(rule.pattern, path)
            if took <= SLOW:
                continue
            limit = f"over {HOSTILE_TIMEOUT * 1000:.0f} ms (timed out)"
            timing = limit if took == float("inf") else f"{took * 1000:.0f} ms"
            self.report(
                rule,
                "RW203",
                f"{rule.source!r} backtracks catastrophically: a {len(path)}-character path "
                f"takes {timing} to reject (Next.js runs the same backtracking regex in V8)",
                example=path,
                outcome=f"{timing} in the matcher",
                fix="avoid nested or adjacent quantifiers that can match the same text "
                "((a+)+, (.*)*, (.*)-(.*)): use a character class that excludes the "
                "separator, e.g. ([^/-]+)-([^/-]+)",
            )
            return

    # --- RW204 -----------------------------------------------------------------------------------

    def conditions(self, rule: Rule) -> None:
        """RW204: `a|b` in a has/missing value is `^a` or `b$`, not one of two values."""
        for kind, items in (("has", rule.has), ("missing", rule.missing)):
            for position, condition in enumerate(items):
                if condition.value is None:
                    continue
                node = _parse_js(condition.value)
                if not isinstance(node, _Alt):
                    continue
                self.ungrouped(rule, kind, position, condition, node)

    def ungrouped(
        self, rule: Rule, kind: str, position: int, condition: Condition, node: _Alt
    ) -> None:
        """Report one ungrouped alternation, with a value that matches only because of it."""
        grouped = Condition(condition.type, condition.key, f"(?:{condition.value})")
        value = next(
            (
                w + "XX"
                for w in _witnesses(node.alternatives[0])
                if _holds(condition, w + "XX") and not _holds(grouped, w + "XX")
            ),
            None,
        )
        if value is None:
            return
        request = self.condition_request(rule, kind, condition, value)
        explained = self.explain(request) if request is not None else None
        outcome = None
        if explained is not None:
            applied = _applied(explained, rule)
            outcome = f"{explained.resolution} ({rule.place} {'applies' if applied else 'skipped'})"
        what = condition.key or "host"
        self.report(
            rule,
            "RW204",
            f"{kind}[{position}] {condition.type} {what!r} value {condition.value!r} is "
            f"^{condition.value}$ in Next.js: the alternation is not grouped, so it also "
            f"accepts {value!r}",
            example=request.url if request else value,
            headers=request.headers if request else (),
            outcome=outcome,
            fix=f'group it: "value": {grouped.value!r}',
        )

    def condition_request(
        self, rule: Rule, kind: str, condition: Condition, value: str
    ) -> _Request | None:
        """A request for the rule whose `condition` sees `value`."""
        samples = _samples(rule.pattern, 1)
        satisfied = _satisfying(rule) if kind == "has" else ({}, {})
        if not samples or satisfied is None:
            return None
        headers, query = dict(satisfied[0]), dict(satisfied[1])
        if condition.type == "header":
            headers[condition.key.lower()] = value
        elif condition.type == "cookie":
            headers["cookie"] = f"{condition.key}={quote(value, safe='')}"
        elif condition.type == "query":
            query[condition.key] = value
        else:
            headers["host"] = value
        return _Request(_with_query(samples[0], query), tuple(sorted(headers.items())))

    # --- RW301 -----------------------------------------------------------------------------------

    def positional(self, rule: Rule) -> None:
        """RW301: `$N` is ours; Next.js sends it literally."""
        template = rule.destination
        if template is None or not _REF.search(template.destination):
            return
        requests = _requests(rule, 2)
        literal = self.next_router()
        ours = self.explain(requests[0]) if requests else None
        theirs = _safe_resolve(literal, requests[0]) if requests and literal else None
        outcome = None
        if ours is not None and theirs is not None:
            outcome = f"here {ours.resolution}; Next.js: {theirs}"
        refs = ", ".join(dict.fromkeys(m.group(0) for m in _REF.finditer(template.destination)))
        here = "substituted here" if self.router.table.positional_refs else "literal here too"
        self.report(
            rule,
            "RW301",
            f"{refs} in the destination {template.destination!r} is {here} but left literal by "
            "Next.js (it is Vercel `routes` syntax): not portable to Next.js",
            example=requests[0].url if requests else None,
            headers=requests[0].headers if requests else (),
            outcome=outcome,
            fix=_positional_fix(rule),
        )

    @functools.cached_property
    def _next_router(self) -> Router | None:
        """The same table loaded as Next.js reads it (`$N` literal)."""
        try:
            return Router.from_next_config(
                self.router.table.config,
                None if self.router.routes is None else [r.page for r in self.router.routes],
                positional_refs=False,
                early_errors=False,
            )
        except RewritesError:
            return None

    def next_router(self) -> Router | None:
        """The table as Next.js reads it (cached)."""
        return self._next_router

    # --- RW403 -----------------------------------------------------------------------------------

    def next_assets(self, rule: Rule) -> None:
        """RW403: rewrite and header sources are not guarded against `/_next` as redirects are."""
        if rule.phase is Phase.REDIRECTS:
            return
        path = self.router.table.base_path + _NEXT_ASSET
        if not _matches(rule.pattern, path):
            return
        conditions = _satisfying(rule)
        headers, query = conditions or ({}, {})
        request = _Request(_with_query(path, query), tuple(sorted(headers.items())))
        explained = self.explain(request)
        if explained is None or not _applied(explained, rule):
            return
        if rule.phase is Phase.HEADERS:
            what = "adds its headers to Next.js's own assets (/_next/static, chunks, images)"
            severity = "info"
        elif rule.phase is Phase.BEFORE_FILES:
            what = "takes every /_next asset before the files are checked"
            severity = "error"
        else:
            what = (
                "gets every /_next asset that does not exist (stale chunks after a deploy), "
                "instead of a 404"
            )
            severity = "warning"
        self.report(
            rule,
            "RW403",
            f"rule {rule.place} {rule.source!r} matches /_next paths and {what}: redirects are "
            "guarded against /_next, rewrites and headers are not",
            severity=severity,
            example=request.url,
            headers=request.headers,
            outcome=str(explained.resolution),
            fix="exclude it with a segment-anchored lookahead, e.g. '/:path((?!_next(?:/|$)).*)'",
        )

    # --- RW401, RW402 ----------------------------------------------------------------------------

    def redirect_chains(self) -> None:
        """RW401/RW402: follow each redirect's Location while it stays on this site."""
        for rule in self.router.phase(Phase.REDIRECTS):
            if rule.built_in:
                continue
            for request in _requests(rule, 3):
                if self.follow(rule, request):
                    break

    def follow(self, rule: Rule, request: _Request) -> bool:
        """Report a chain or loop starting at `request` (decided by `rule`); whether one was."""
        hops: list[tuple[str, Resolution]] = []
        seen = [request.url]
        url = request.url
        for _ in range(8):
            explained = self.explain(_Request(url, request.headers))
            if explained is None or explained.resolution.kind is not Kind.REDIRECT:
                break
            result = explained.resolution
            if not hops and result.rule != rule:
                return False
            hops.append((url, result))
            if not result.url.startswith("/") or result.url.startswith("//"):
                break
            url = result.url
            if url in seen:
                self.report_loop(rule, request, hops)
                return True
            seen.append(url)
        user = [r.rule for _, r in hops[1:] if r.rule is not None and not r.rule.built_in]
        if not user:
            return False
        chain = " → ".join(f"{r.status} {r.url}" for _, r in hops)
        nxt = user[0]
        self.report(
            rule,
            "RW401",
            f"redirect {rule.place} {rule.source!r} leads to a path that redirect {nxt.place} "
            f"{nxt.source!r} redirects again ({len(hops)} hops)",
            example=request.url,
            headers=request.headers,
            outcome=chain,
            fix=f"point {rule.place} at the final destination ({hops[-1][1].url})",
        )
        return True

    def report_loop(
        self, rule: Rule, request: _Request, hops: Sequence[tuple[str, Resolution]]
    ) -> None:
        """Report a redirect loop."""
        chain = " → ".join(f"{r.status} {r.url}" for _, r in hops)
        others = [
            f"{r.rule.place} {r.rule.source!r}"
            for _, r in hops[1:]
            if r.rule is not None and r.rule != rule
        ]
        self.report(
            rule,
            "RW402",
            f"redirect {rule.place} {rule.source!r} loops"
            + (f" with {', '.join(dict.fromkeys(others))}" if others else " onto itself")
            + ": the browser never arrives",
            example=request.url,
            headers=request.headers,
            outcome=chain,
            fix="make one of the redirects' destinations a path none of them matches",
        )


# --------------------------------------------------------------------------------------------------
# Helpers of the checks
# --------------------------------------------------------------------------------------------------

_REF = regex.compile(r"\$(?:\d+|\{\d+\})")
_DYNAMIC = regex.compile(r"\[\[\.\.\.[^\]]+\]\]|\[\.\.\.[^\]]+\]|\[[^\]]+\]")


def _example_host(rule: Rule) -> str | None:
    """A host for the index to look up the rules that may shadow `rule`: only rules whose
    conditions it also has can, so with no host condition none of those filed by host ("");
    with one plain host value, that host; otherwise any (None)."""
    hosts = [c for c in rule.has if c.type == "host"]
    if not hosts:
        return ""
    key = host_key(rule)
    return key[0] if key is not None and len(hosts) == 1 else None


def _route_paths(page: str) -> Iterator[str]:
    """Paths a dynamic page serves: `x` for each param, then `x/y` for catch-alls."""
    yield _DYNAMIC.sub("x", page)
    if "..." in page:
        yield _DYNAMIC.sub(lambda m: "x/y" if "..." in m.group(0) else "x", page)


def _applied(explained: Explanation, rule: Rule) -> bool:
    """Whether a rule applied during a resolution."""
    return any(step.rule == rule and step.outcome in _APPLIED for step in explained.steps)


def _safe_resolve(router: Router, request: _Request) -> Resolution | None:
    """Resolve, or None when Next.js would fail the request."""
    try:
        return router.resolve(request.url, dict(request.headers))
    except (RewritesError, TimeoutError):
        return None


def _holds(condition: Condition, value: str) -> bool:
    """Whether a condition holds for one value of what it reads."""
    if condition.type == "cookie":
        view = RequestView({"cookie": f"{condition.key}={quote(value, safe='')}"})
        return condition.test(view, {}, {})
    if condition.type == "query":
        return condition.test(RequestView({}), {condition.key: value}, {})
    key = "host" if condition.type == "host" else condition.key.lower()
    return condition.test(RequestView({key: value}), {}, {})


def _decides(rule: Rule) -> bool:
    """Whether a matching rule ends resolution (a redirect, or a proxy)."""
    return rule.phase is Phase.REDIRECTS or (
        rule.destination is not None and rule.destination.external
    )


def _same_conditions(a: Rule, b: Rule) -> bool:
    """Whether two rules have the same has and missing (order aside)."""
    return set(a.has) == set(b.has) and set(a.missing) == set(b.missing)


def _conditions_implied(earlier: Rule, later: Rule) -> bool:
    """Whether the later rule's conditions imply the earlier one's (each of them is also there)."""
    return set(earlier.has) <= set(later.has) and set(earlier.missing) <= set(later.missing)


def _simple(pattern: Pattern) -> bool:
    """A source of whole literal segments and default-pattern params only."""
    text = "".join(t if isinstance(t, str) else t.prefix for t in pattern.tokens)
    for token in pattern.tokens:
        if isinstance(token, Key) and (
            token.custom or token.prefix != "/" or token.suffix or not token.pattern
        ):
            return False
    return "\\" not in text and all(
        isinstance(t, Key) or t.startswith("/") or t == "" for t in pattern.tokens
    )


def _covers(earlier: Pattern, later: Pattern) -> bool:
    """Whether every path `later` matches, `earlier` matches too (exact for simple sources).

    Each of the later source's params is filled with a value no literal equals; a param of the
    earlier source then takes any value alike. Repetition counts up to one more than the
    earlier source has tokens settle what any longer run would do.
    """
    if not (_simple(earlier) and _simple(later)):
        return False
    if earlier.case_sensitive != later.case_sensitive:
        return False
    fresh = "q0zq"  # not a literal segment of either source (checked below)
    if fresh in earlier.source.lower() or fresh in later.source.lower():
        return False
    keys = [(at, t) for at, t in enumerate(later.tokens) if isinstance(t, Key)]
    limit = len(earlier.tokens) + 2
    ranges = []
    for _, key in keys:
        low = 0 if key.optional else 1
        high = limit if key.repeat else 1
        ranges.append(range(low, high + 1))
    combos = itertools.product(*ranges)
    for counts in itertools.islice(combos, 4096):
        values = {at: [fresh] * n for (at, _), n in zip(keys, counts, strict=True)}
        path = _build(later.tokens, values) or "/"
        if _matches(later, path) and not _matches(earlier, path):
            return False
    return True


def _prefix_lookahead(key: Key) -> tuple[list[str], str, str] | None:
    """A segment-starting `(?!word)` that is not anchored: (words, body, fixed key pattern)."""
    if not key.custom or key.prefix != "/" or not key.pattern.startswith("(?!"):
        return None
    end = _group_end(key.pattern, 0)
    if end is None:
        return None
    body = key.pattern[3 : end - 1]
    node = _parse_js(body)
    if node is None or _ends_at_boundary(node):
        return None
    alternatives = node.alternatives if isinstance(node, _Alt) else (node,)
    words = [_literal_word(alt) for alt in alternatives]
    if any(w is None or not w for w in words):
        return None
    fixed = f"(?!{_anchored(body)})" + key.pattern[end:]
    return [w for w in words if w], body, fixed


def _anchored(body: str) -> str:
    """A lookahead body anchored at the end of a segment."""
    node = _parse_js(body)
    inner = f"(?:{body})" if isinstance(node, _Alt) else body
    return inner + "(?:/|$)"


def _group_end(text: str, start: int) -> int | None:
    """The index after the ')' that closes the group opening at `start`."""
    depth, at, in_class = 0, start, False
    while at < len(text):
        ch = text[at]
        if ch == "\\":
            at += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return at + 1
        at += 1
    return None


def _literal_word(node: _Node) -> str | None:
    """The literal text a node is made of (single characters in sequence), else None."""
    items = node.items if isinstance(node, _Seq) else (node,)
    out = []
    for item in items:
        if isinstance(item, _Group) and item.index is None:
            inner = _literal_word(item.body)
            if inner is None:
                return None
            out.append(inner)
            continue
        if not (isinstance(item, _Chars) and not item.negated and len(item.ranges) == 1):
            return None
        low, high = item.ranges[0]
        if low != high or chr(low) == "/":
            return None
        out.append(chr(low))
    return "".join(out)


def _ends_at_boundary(node: _Node) -> bool:
    """Whether every way through a lookahead body ends at '/' or the end of the path."""
    if isinstance(node, _Seq):
        return bool(node.items) and _ends_at_boundary(node.items[-1])
    if isinstance(node, _Group):
        return _ends_at_boundary(node.body)
    if isinstance(node, _Alt):
        return all(_ends_at_boundary(alt) for alt in node.alternatives)
    if isinstance(node, _Chars):
        return not node.negated and node.ranges == ((0x2F, 0x2F),)
    if isinstance(node, _Assertion):
        return node.kind == "$"
    if isinstance(node, _Look):
        return not node.behind and not node.negative and _ends_at_boundary(node.body)
    return False


def _replace_pattern(source: str, key: Key, pattern: str) -> str:
    """The source with one key's custom pattern replaced."""
    start, end = key.span
    piece = source[start:end]
    at = piece.find("(" + key.pattern + ")")
    if at < 0:
        return source
    piece = piece[:at] + "(" + pattern + ")" + piece[at + len(key.pattern) + 2 :]
    return source[:start] + piece + source[end:]


def _hostile_paths(pattern: Pattern) -> Iterator[str]:
    """Long paths that make a backtracking matcher try many splits and then fail."""
    for key in pattern.keys:
        if not key.custom:
            continue
        node = _parse_js(key.pattern)
        units = ["a", "-a", "a/", "a-"]
        if node is not None:
            for inner in _walk_quants(node):
                units += [w for w in _witnesses(inner.body, 2) if w]
        at = pattern.tokens.index(key)
        head = "".join(t if isinstance(t, str) else t.prefix for t in pattern.tokens[:at])
        head += key.prefix
        for unit in dict.fromkeys(units):
            body = unit * (HOSTILE_SIZE // len(unit))
            # A request can carry '!' but not a raw line feed: those come last.
            for bad in ("", "!", "/!", "\n"):
                yield head + body + bad


def _time_match(pattern: Pattern, path: str) -> float:
    """Seconds the regex takes on a path (inf past the limit).

    The compiled regex is used directly: `Pattern.match`'s literal-tail early reject would hide
    what V8, which has no such shortcut, goes through.
    """
    subject = path if path.isascii() else to_utf16(path)
    started = time.perf_counter()
    try:
        pattern.regex.match(subject, timeout=HOSTILE_TIMEOUT)
    except TimeoutError:
        return float("inf")
    return time.perf_counter() - started


def _walk_quants(node: _Node) -> Iterator[_Quant]:
    """Every unbounded quantifier in a regex tree."""
    if isinstance(node, _Quant):
        if node.max is None:
            yield node
        yield from _walk_quants(node.body)
    elif isinstance(node, _Group | _Look):
        yield from _walk_quants(node.body)
    elif isinstance(node, _Seq):
        for item in node.items:
            yield from _walk_quants(item)
    elif isinstance(node, _Alt):
        for alt in node.alternatives:
            yield from _walk_quants(alt)


def _stealing_fix(rule: Rule, page: str) -> str:
    """How to keep a rewrite off a page: fallback, or a segment-anchored exclusion."""
    move = f"move {rule.place} to `rewrites.fallback` (runs after the pages)"
    tokens = rule.pattern.tokens
    if not (
        len(tokens) == 2
        and isinstance(tokens[0], str)
        and isinstance(tokens[1], Key)
        and tokens[1].repeat
        and not tokens[1].custom
        and tokens[1].prefix == "/"
    ):
        return move + ", or exclude the page's prefix with a segment-anchored lookahead"
    literal, key = tokens[0], tokens[1]
    prefix = _DYNAMIC.split(page, 1)[0].rstrip("/")
    if not prefix.lower().startswith(literal.lower() + "/"):
        return move + ", or exclude the page's prefix with a segment-anchored lookahead"
    rest = regex.escape(prefix[len(literal) + 1 :], special_only=True).replace("/", "\\/")
    name = key.name if isinstance(key.name, str) else "path"
    source = f"{literal}/:{name}((?!{rest}(?:/|$)).*)"
    fix = f"{move}, or exclude the page's prefix: source {source!r}"
    if rule.destination is not None:
        dest = re.sub(rf":{re.escape(name)}[*+]", f":{name}", rule.destination.destination)
        fix += f", destination {dest!r}"
    return fix


def _positional_fix(rule: Rule) -> str:
    """Name the referenced params and use `:name` instead of `$N`."""
    keys = rule.pattern.keys
    parts = []
    for found in _REF.finditer(rule.destination.destination if rule.destination else ""):
        number = int(found.group(0).strip("${}"))
        if not 0 < number <= len(keys):
            continue
        key = keys[number - 1]
        if isinstance(key.name, str):
            parts.append(f"write `:{key.name}{'*' if key.repeat else ''}` for {found.group(0)}")
        else:
            parts.append(
                f"name {key.label} (':p{number}({key.pattern})') and write `:p{number}` for "
                f"{found.group(0)}"
            )
    return "; ".join(parts) or "use `:name` parameters instead of `$N`"
