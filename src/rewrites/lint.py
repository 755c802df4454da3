"""Lint: the problems of a routing table, each shown by a request that demonstrates it.

Every check is exact where the patterns allow it and otherwise works from generated examples; an
example is kept only once resolving it with the router shows the problem. The codes are stable:

    RW101  a beforeFiles/afterFiles rewrite takes requests a dynamic page was meant to serve
    RW102  a rule can never apply: an earlier rule decides every path it matches
    RW103  a rule duplicates an earlier one (same source, has and missing)
    RW104  a rule is likely shadowed: every generated example was decided by earlier rules
    RW201  a negative lookahead tests a prefix, not a segment ('(?!auth)' also skips 'authors')
    RW202  a repeated parameter never captures: a greedy group before it takes everything
    RW203  a rule's matcher backtracks catastrophically on long paths
    RW204  a `has`/`missing` value's alternation is not grouped ('yes|true' is '^yes' or 'true$')
    RW301  `$N` in a destination: substituted here, left literal by Next.js
    RW401  a redirect's destination is redirected again (a chain)
    RW402  redirects that loop
    RW403  a rewrite or header rule matches Next.js's own `/_next` assets
    RW404  an open redirect: a value the request sends starts the Location
    RW501  a destination that can never render: every request the rule matches fails (500)
    RW601  a middleware matcher's negative lookahead tests a prefix: look-alikes skip it ('/apiary')
    RW602  the middleware runs on Next.js's own assets (/_next/static, /_next/image)
    RW603  the middleware never runs on the home page '/' (though it runs on other pages)
    RW604  with i18n, a rule or matcher names a locale without `locale: false`: it never matches

>>> import rewrites
>>> router = rewrites.Router.from_next_config(
...     {"rewrites": [{"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}]},
...     routes=["/", "/api/auth/[...nextauth]"],
... )
>>> [d.code for d in lint(router)]
['RW101']
"""

from __future__ import annotations

import enum
import functools
import itertools
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import regex

from ._conditions import Condition, safe_param_name
from ._examples import (
    WORDS,
    Example,
    anchored,
    build,
    example_requests,
    fits,
    holds,
    key_values,
    matches,
    prefix_lookahead,
    regex_tree,
    request_parts,
    samples,
    satisfying,
    satisfying_values,
    witnesses,
)
from ._index import host_key
from ._js.regexp import Alt, Group, Look, Node, Quant, Seq, capture_names, group_end, to_utf16
from ._js.url import URLError, parse_url
from ._middleware import Matcher, Middleware, load_middleware
from ._pattern import Pattern
from ._pattern import compile as compile_source
from ._regexp import NEVER, free_length
from ._results import Explanation, Kind, Resolution
from ._rules import Phase, Rule
from ._syntax import Key
from ._syntax import parse as parse_source
from .errors import RewritesError
from .router import Router

__all__ = ["CODES", "Diagnostic", "Severity", "lint"]


class Severity(enum.StrEnum):
    """How bad a diagnostic is (a `str` enum: it prints, compares and serialises as its value).

    >>> Severity.ERROR == "error", f"{Severity.INFO}"
    (True, 'info')
    """

    #: The table does something its author cannot have meant (a proxy steals a page, a loop).
    ERROR = "error"
    #: Likely a mistake, or not portable to Next.js.
    WARNING = "warning"
    #: Worth knowing, often deliberate.
    INFO = "info"


#: Every code, with its severity and a one-line summary (docs/lint.md shows an example of each).
CODES: Mapping[str, tuple[Severity, str]] = {
    "RW101": (Severity.ERROR, "rewrite takes requests a dynamic page was meant to serve"),
    "RW102": (Severity.WARNING, "rule can never apply: earlier rules decide every path it matches"),
    "RW103": (Severity.WARNING, "duplicate rule"),
    "RW104": (Severity.INFO, "rule likely shadowed by earlier rules"),
    "RW201": (Severity.WARNING, "negative lookahead tests a prefix, not a segment"),
    "RW202": (Severity.WARNING, "repeated parameter never captures"),
    "RW203": (Severity.WARNING, "matcher backtracks catastrophically"),
    "RW204": (Severity.WARNING, "has/missing value alternation is not grouped"),
    "RW301": (Severity.WARNING, "`$N` in a destination is not portable to Next.js"),
    "RW401": (Severity.WARNING, "redirect chain"),
    "RW402": (Severity.ERROR, "redirect loop"),
    "RW403": (Severity.WARNING, "rule matches Next.js's own /_next assets"),
    "RW404": (Severity.WARNING, "open redirect: a request chooses the Location's site"),
    "RW501": (Severity.ERROR, "destination can never render"),
    "RW601": (Severity.WARNING, "middleware matcher's lookahead tests a prefix, not a segment"),
    "RW602": (Severity.WARNING, "middleware runs on Next.js's own /_next assets"),
    "RW603": (Severity.WARNING, "middleware never runs on the home page"),
    "RW604": (Severity.WARNING, "locale in a source without `locale: false`"),
}

#: How long a rule's matcher may take on a hostile path before RW203 reports it (CPU seconds).
SLOW = 0.05
#: The size of a hostile path for RW203.
HOSTILE_SIZE = 4 * 1024
#: The matcher's time limit on a hostile path (CPU seconds): past it, the path counts as slow.
HOSTILE_TIMEOUT = 2 * SLOW
#: The CPU time RW203 may spend timing hostile paths in one lint run: rules after it is spent
#: are not timed (a catastrophic rule costs up to `HOSTILE_TIMEOUT`, a safe one microseconds).
BACKTRACKING_BUDGET = 2.0
#: A request for one of Next.js's own assets (RW403).
_NEXT_ASSET = "/_next/static/chunks/main.js"


@attrs.frozen
class Diagnostic:
    """One problem of a table: a stable code, where it is, and a request that shows it.

    `example` is a request URL that demonstrates the problem (sent with `headers`), `outcome`
    what resolving it shows, and `fix` the likely fix.
    """

    code: str
    severity: Severity = attrs.field(converter=Severity)
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
# The linter
# --------------------------------------------------------------------------------------------------


class _Linter:
    """One lint run over a router: the checks, and the resolutions they share."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.rules = tuple(r for r in router.rules if not r.built_in)
        self.order = {rule: at for at, rule in enumerate(router.rules)}
        self.found: list[tuple[int, int, Diagnostic]] = []
        self._explained: dict[Example, Explanation | None] = {}
        self.backtracking_spent = 0.0  # CPU seconds RW203 has spent timing (`BACKTRACKING_BUDGET`)

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
        self.never_renders()
        self.redirect_chains()
        self.open_redirects()
        self.forgotten_locale_false()
        self.middleware_checks()
        self.found.sort(key=lambda item: (item[0], item[1]))
        return [d for _, _, d in self.found]

    def report(self, rule: Rule, code: str, message: str, **fields: Any) -> None:
        """Record a diagnostic about a rule (severity from CODES unless given)."""
        severity = fields.pop("severity", CODES[code][0])
        diagnostic = Diagnostic(code, severity, rule.place, message, source=rule.source, **fields)
        self.found.append((self.order.get(rule, -1), len(self.found), diagnostic))

    def explain(self, request: Example) -> Explanation | None:
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
        i18n = self.router.i18n
        for route in routes.sorted_dynamic:
            for path in _route_paths(route.page):
                full = self.router.table.base_path + path
                # With i18n the rules see the path with the default locale added.
                seen = full
                if i18n is not None:
                    seen = f"{self.router.table.base_path}/{i18n.default_locale}{path}"
                found = routes.find(path)
                if found is None or found.route != route.page:
                    continue
                for rule in self.rules:
                    if rule.phase not in (Phase.BEFORE_FILES, Phase.AFTER_FILES):
                        continue
                    if (rule, route.page) in reported or not matches(rule.pattern, seen):
                        continue
                    if self.steals(rule, route.page, full):
                        reported.add((rule, route.page))

    def steals(self, rule: Rule, page: str, path: str) -> bool:
        """Report `rule` if it takes `path` from `page`; whether it did."""
        sent = satisfying(rule)
        if sent is None:
            return False
        request = Example.of(path, sent)
        explained = self.explain(request)
        if explained is None or rule not in explained.applied():
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
            severity=Severity.ERROR if proxied else Severity.WARNING,
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
                if later.built_in or self.locale_copy(later):
                    continue
                if self.exactly_shadowed(later, self.may_cover(phase, position)):
                    continue
                self.likely_shadowed(later)

    def locale_copy(self, rule: Rule) -> bool:
        """Whether `rule` is one of the default-locale copies Next.js makes of a redirect with
        i18n (its author cannot remove or move it: it is not reported as shadowed)."""
        return (
            self.router.i18n is not None
            and rule.phase is Phase.REDIRECTS
            and rule.item.get("locale") is not False
            and ":nextInternalLocale" not in rule.source
        )

    def may_cover(self, phase: Phase, position: int) -> list[Rule]:
        """The user's rules before the one at `position` that may match every path it matches.

        A rule that covers it matches, in particular, one path it matches; the router's index
        never leaves out a rule that matches a path, so its candidates for one such path are
        enough (this keeps lint linear on large tables). With no such path at hand, every
        earlier rule.
        """
        rules = self.router.phase(phase)
        later = rules[position]
        path = next(iter(samples(later.pattern, limit=1)), None)
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
    ) -> tuple[Example, Resolution] | None:
        """A request for `rule` that an earlier rule decides instead (None if it applies)."""
        first: tuple[Example, Resolution] | None = None
        tried = 0
        for request in example_requests(rule):
            explained = self.explain(request)
            if explained is None:
                continue
            tried += 1
            if rule in explained.applied():
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
        for request in example_requests(rule):
            explained = self.explain(request)
            if explained is None:
                continue
            decider = explained.resolution.rule
            if rule in explained.applied() or decider is None or decider == rule:
                return
            deciders.append(decider)
            evidence.append(f"{request.url} → {explained.resolution} by {decider.place}")
        if not deciders:
            return
        names = ", ".join(dict.fromkeys(f"{d.place} {d.source!r}" for d in deciders))
        first = example_requests(rule)[0]
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
            found = prefix_lookahead(key)
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
                fix=f"anchor it at the segment's end: (?!{anchored(body)}) — source "
                f"{fixed_source!r}",
            )

    def prefix_example(
        self, rule: Rule, key: Key, word: str, fixed_source: str
    ) -> tuple[Example, Resolution] | None:
        """A path whose segment starts with `word` that only the anchored lookahead lets match."""
        try:
            fixed = compile_source(fixed_source, case_sensitive=rule.pattern.case_sensitive)
        except RewritesError:
            return None
        at = rule.pattern.tokens.index(key)
        keys = [(i, t) for i, t in enumerate(rule.pattern.tokens) if isinstance(t, Key)]
        values: dict[int, Sequence[str] | None] = {}
        for n, (i, other) in enumerate(keys):
            options = key_values(rule.pattern, other, n) if i != at else []
            values[i] = None if other.optional else options[:1] or None
        for extra in ("x", "enticate", "-x"):
            values[at] = [word + extra]
            path = build(rule.pattern.tokens, values)
            if matches(rule.pattern, path) or not matches(fixed.as_route(), path):
                continue
            request = Example.of(path, satisfying(rule) or ({}, {}))
            explained = self.explain(request)
            if explained is not None and rule not in explained.applied():
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
            greedy = [(i, k) for i, k in keys[:n] if k.custom and fits(rule.pattern, k, "x/y")]
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
            options = key_values(rule.pattern, other, n)
            base[i] = options[:1] if options and not (other.optional and i != at) else None
        shown: tuple[str, tuple[Any, ...]] | None = None
        for count in (1, 2):
            base[at] = [WORDS[(position + j) % len(WORDS)] for j in range(count)]
            path = build(rule.pattern.tokens, base)
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
        """RW203: time the rule's matcher on hostile paths built from its parameters, default
        and custom alike; a matcher that cannot backtrack badly (`_regexp.free_length`) is not
        timed, and the whole check stops once `BACKTRACKING_BUDGET` is spent."""
        pattern = rule.pattern
        if not pattern.keys or free_length(pattern.tokens) == NEVER:
            return
        for path in _hostile_paths(pattern):
            if self.backtracking_spent >= BACKTRACKING_BUDGET:
                return
            took = _time_match(pattern, path)
            self.backtracking_spent += min(took, HOSTILE_TIMEOUT)
            if took <= SLOW:
                continue
            limit = f"over {HOSTILE_TIMEOUT * 1000:.0f} ms (timed out)"
            timing = limit if took == float("inf") else f"{took * 1000:.0f} ms"
            self.report(
                rule,
                "RW203",
                f"{rule.source!r} backtracks catastrophically: a {len(path)}-character path "
                f"takes {timing} to reject (Next.js runs the same backtracking regex in V8, "
                "with no bound; here the request fails once match_timeout is spent)",
                example=path,
                outcome=f"{timing} in the matcher",
                fix="avoid parameters and quantifiers that can match the same text one after "
                "another ((a+)+, (.*)*, (.*)-(.*), {-:a}*{-:b}*, /:a*/:b*): use a character "
                "class that excludes the separator, e.g. ([^/-]+)-([^/-]+), or one repeated "
                "parameter per source",
            )
            return

    # --- RW204 -----------------------------------------------------------------------------------

    def conditions(self, rule: Rule) -> None:
        """RW204: `a|b` in a has/missing value is `^a` or `b$`, not one of two values."""
        for kind, items in (("has", rule.has), ("missing", rule.missing)):
            for position, condition in enumerate(items):
                if condition.value is None:
                    continue
                node = regex_tree(condition.value)
                if not isinstance(node, Alt):
                    continue
                self.ungrouped(rule, kind, position, condition, node)

    def ungrouped(
        self, rule: Rule, kind: str, position: int, condition: Condition, node: Alt
    ) -> None:
        """Report one ungrouped alternation, with a value that matches only because of it."""
        grouped = Condition(condition.type, condition.key, f"(?:{condition.value})")
        value = next(
            (
                w + "XX"
                for w in witnesses(node.alternatives[0])
                if holds(condition, w + "XX") and not holds(grouped, w + "XX")
            ),
            None,
        )
        if value is None:
            return
        request = self.condition_request(rule, kind, condition, value)
        explained = self.explain(request) if request is not None else None
        outcome = None
        if explained is not None:
            applied = rule in explained.applied()
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
    ) -> Example | None:
        """A request for the rule whose `condition` sees `value` (and, for a `has`, every other
        `has` holds)."""
        paths = samples(rule.pattern, 1)
        others = satisfying_values(rule) if kind == "has" else []
        if not paths or others is None:
            return None
        return Example.of(paths[0], request_parts([*others, (condition, value)]))

    # --- RW301 -----------------------------------------------------------------------------------

    def never_renders(self) -> None:
        """RW501: the loader's warnings about destinations no request can render."""
        by_place = {rule.place: rule for rule in self.rules}
        for warning in self.router.warnings:
            rule = by_place.get(warning.place.removesuffix(".destination"))
            if rule is None or not warning.place.endswith(".destination"):
                continue
            requests = example_requests(rule, 1)
            self.report(
                rule,
                "RW501",
                warning.message,
                example=requests[0].url if requests else None,
                headers=requests[0].headers if requests else (),
                outcome="500" if requests else None,
                fix="use only the source's parameters (and `has` captures) in the destination, "
                "with `*` for a repeated one",
            )

    def positional(self, rule: Rule) -> None:
        """RW301: `$N` is ours; Next.js sends it literally."""
        template = rule.destination
        if template is None or not _REF.search(template.destination):
            return
        requests = example_requests(rule, 2)
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
        if not matches(rule.pattern, path):
            return
        request = Example.of(path, satisfying(rule) or ({}, {}))
        explained = self.explain(request)
        if explained is None or rule not in explained.applied():
            return
        if rule.phase is Phase.HEADERS:
            what = "adds its headers to Next.js's own assets (/_next/static, chunks, images)"
            severity = Severity.INFO
        elif rule.phase is Phase.BEFORE_FILES:
            what = "takes every /_next asset before the files are checked"
            severity = Severity.ERROR
        else:
            what = (
                "gets every /_next asset that does not exist (stale chunks after a deploy), "
                "instead of a 404"
            )
            severity = Severity.WARNING
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

    # --- RW601, RW602, RW603, RW604: the middleware and i18n -----------------------------------

    def report_matcher(
        self, matcher: Matcher | None, code: str, message: str, **fields: Any
    ) -> None:
        """Record a diagnostic about a middleware matcher (after every rule's)."""
        place = "middleware" if matcher is None else matcher.place
        source = "" if matcher is None else matcher.source
        diagnostic = Diagnostic(code, CODES[code][0], place, message, source=source, **fields)
        self.found.append((len(self.order), len(self.found), diagnostic))

    def middleware_checks(self) -> None:
        """RW601, RW602 and RW603 on the middleware's matchers."""
        middleware = self.router.middleware
        if middleware is None:
            return
        for matcher in middleware.matchers:
            self.matcher_lookahead(matcher)
        self.middleware_on_assets(middleware)
        self.middleware_misses_home(middleware)

    def resolved(self, url: str) -> Resolution | None:
        """The router's answer for a plain request (None when Next.js would fail it)."""
        explained = self.explain(Example(url, ()))
        return None if explained is None else explained.resolution

    def matcher_lookahead(self, matcher: Matcher) -> None:
        """RW601: `(?!api|...)` opening a segment skips `/apiary` too; shown by a request the
        middleware skips that the segment-anchored lookahead would let it run on."""
        try:
            tokens = parse_source(matcher.source, "/#?")
        except RewritesError:
            return
        for at, key in enumerate(tokens):
            if not isinstance(key, Key) or not key.pattern.startswith("(?!"):
                continue
            prefix = tokens[:at]
            if not all(isinstance(t, str) for t in prefix) or key.prefix != "/":
                return
            end = group_end(key.pattern, 0)
            if end is None:
                return
            body = key.pattern[3 : end - 1]
            if body.endswith(("(?:/|$)", "(/|$)", "(?=/|$)")):
                continue
            anchored_body = f"(?:{body})(?:/|$)"
            fixed_source = _replace_pattern(
                matcher.source, key, f"(?!{anchored_body})" + key.pattern[end:]
            )
            found = self.lookahead_example(matcher, prefix, body, fixed_source)
            if found is None:
                continue
            url, word = found
            self.report_matcher(
                matcher,
                "RW601",
                f"the lookahead (?!{body}) tests a prefix, not a segment: the middleware also "
                f"skips every path whose segment starts with {word!r}, not just {'/' + word!r}",
                example=url,
                outcome="the middleware does not run",
                fix=f"anchor it at the segment's end: {fixed_source!r}",
            )

    def lookahead_example(
        self, matcher: Matcher, prefix: Sequence[Any], body: str, fixed_source: str
    ) -> tuple[str, str] | None:
        """A request the middleware skips but would run on with `fixed_source` in its place,
        and the lookahead word it starts with."""
        router = self.router
        written = router.middleware.written if router.middleware is not None else None
        fixed_value: Any = fixed_source
        if isinstance(written, list):
            fixed_value = [
                _with_source(item, fixed_source) if at == _matcher_index(matcher) else item
                for at, item in enumerate(written)
            ]
        elif isinstance(written, str):
            fixed_value = fixed_source
        else:
            return None
        fixed, problems = load_middleware(
            fixed_value, i18n=router.i18n, base_path=router.table.base_path
        )
        if fixed is None or problems:
            return None
        fixed_router = attrs.evolve(router, middleware=fixed)
        base = router.table.base_path + "".join(str(t) for t in prefix)
        for word in _lookahead_words(body):
            for extra in ("ary", "-docs", "x", "s"):
                url = f"{base}/{word}{extra}"
                got = self.resolved(url)
                if got is None or got.middleware or got.kind is Kind.REDIRECT:
                    continue
                try:
                    if fixed_router.resolve(url).middleware:
                        return url, word
                except RewritesError:
                    continue
        return None

    def middleware_on_assets(self, middleware: Middleware) -> None:
        """RW602: the middleware runs on `/_next/static/...` and `/_next/image` requests."""
        base = self.router.table.base_path
        for url in (
            f"{base}/_next/static/chunks/main.js",
            f"{base}/_next/image?url=%2Fa.png&w=64&q=75",
        ):
            got = self.resolved(url)
            if got is None or not got.middleware:
                continue
            path = url.split("?", 1)[0]
            matcher = next((m for m in middleware.matchers if m.match(path)), None)
            what = (
                "a middleware without `config.matcher` runs on every request"
                if middleware.written is True
                else f"the matcher {matcher.source!r} selects it"
                if matcher
                else "it is selected"
            )
            self.report_matcher(
                matcher,
                "RW602",
                f"the middleware runs on Next.js's own assets ({path}): {what}; each static "
                "file and image request pays for it",
                example=url,
                outcome=str(got),
                fix="exclude them, e.g. matcher: '/((?!_next/static|_next/image|favicon.ico).*)'",
            )
            return

    def middleware_misses_home(self, middleware: Middleware) -> None:
        """RW603: the middleware runs on a top-level page but never on the home page."""
        base = self.router.table.base_path
        home = self.resolved(base or "/")
        if home is not None and home.kind is Kind.REDIRECT:
            home = self.resolved(base + "/")
        page = self.resolved(base + "/some-page")
        if home is None or page is None or home.middleware or not page.middleware:
            return
        if home.kind is Kind.REDIRECT:
            return
        why = ""
        if self.router.i18n is not None and any(m.locale for m in middleware.matchers):
            why = (
                f" With i18n each matcher needs a locale segment: the home page is routed as "
                f"{home.path!r}, which no matcher allows (yet '/{self.router.i18n.default_locale}/'"
                " with its slash is)"
            )
        self.report_matcher(
            None,
            "RW603",
            f"the middleware never runs on the home page {base or '/'!r}, though it runs on "
            f"{base + '/some-page'!r}.{why}",
            example=base or "/",
            outcome=f"{home} (the middleware does not run)",
            fix="add '/' to the matcher: matcher: ['/', ...]",
        )

    def forgotten_locale_false(self) -> None:
        """RW604: with i18n, a source that starts with a locale gets the locale parameter in
        front of it again; without `locale: false` it never matches the path it names."""
        i18n = self.router.i18n
        if i18n is None:
            return
        lowered = {x.lower(): x for x in i18n.locales}
        reported: set[tuple[str, int]] = set()
        for rule in self.rules:
            item = rule.item
            source = item.get("source")
            if item.get("locale") is False or not isinstance(source, str):
                continue
            if (rule.phase, rule.index) in reported:
                continue  # a redirect's default-locale copies come from the same item
            locale = _leading_locale(source, lowered)
            if locale is None:
                continue
            reported.add((rule.phase, rule.index))
            try:
                written = compile_source(source)
            except RewritesError:
                continue
            for path in samples(written, limit=4):
                url = self.router.table.base_path + path
                explained = self.explain(Example.of(url, satisfying(rule) or ({}, {})))
                if explained is None or rule in explained.applied():
                    continue
                self.report(
                    rule,
                    "RW604",
                    f"rule {rule.place} {source!r} starts with the locale {locale!r} but has no "
                    f"`locale: false`: Next.js puts the locale parameter in front of it again "
                    f"({rule.source!r}), so it never matches {url!r}",
                    example=url,
                    outcome=str(explained.resolution),
                    fix="add `locale: false` to the rule (it then matches the path as written)",
                )
                break
        middleware = self.router.middleware
        for matcher in () if middleware is None else middleware.matchers:
            locale = _leading_locale(matcher.source, lowered) if matcher.locale else None
            if locale is None:
                continue
            url = self.router.table.base_path + matcher.source.split(":", 1)[0].rstrip("/(")
            got = self.resolved(url or "/")
            if got is None or got.path is None or matcher.match(got.path):
                continue
            self.report_matcher(
                matcher,
                "RW604",
                f"the middleware matcher {matcher.source!r} starts with the locale {locale!r} "
                "but has no `locale: false`: Next.js puts a locale segment in front of it again, "
                f"so it does not select {url!r}",
                example=url,
                outcome=f"{got} (this matcher does not select it)",
                fix="write it as {source: ..., locale: false}",
            )

    # --- RW404 -----------------------------------------------------------------------------------

    def open_redirects(self) -> None:
        """RW404: a redirect whose Location's scheme, host or leading '//' comes from a value the
        request sends, shown by a request that sends the visitor to another site."""
        for rule in self.router.phase(Phase.REDIRECTS):
            if rule.built_in or rule.destination is None:
                continue
            names = _site_params(rule.destination.destination)
            for request in self.escape_requests(rule, names):
                explained = self.explain(request)
                if explained is None or explained.resolution.kind is not Kind.REDIRECT:
                    continue
                location = explained.resolution.url
                if _off_site(location):
                    self.report(
                        rule,
                        "RW404",
                        f"redirect {rule.place} {rule.source!r} takes the start of its "
                        f"Location ({rule.destination.destination!r}) from the request, so a "
                        "link to this site can send visitors to any other (Next.js does the "
                        "same)",
                        example=request.url,
                        headers=request.headers,
                        outcome=f"{explained.resolution.status} {location!r}",
                        fix="put a literal path or host before the parameter, or constrain the "
                        "parameter's pattern (for example ':next([a-z0-9-]+)')",
                    )
                    break

    def escape_requests(self, rule: Rule, names: Sequence[str]) -> Iterator[Example]:
        """Requests that put a value that escapes the site into each of `names`: a source
        parameter (in the path) or a `has` capture (in the header, cookie or query it reads)."""
        sent = satisfying(rule)
        if sent is None:
            return
        headers, query = sent
        keys = {
            key.name: at
            for at, key in enumerate(rule.pattern.tokens)
            if isinstance(key, Key) and isinstance(key.name, str) and key.pattern
        }
        values = samples(rule.pattern, 1)
        for name in names:
            for escape in _ESCAPES:
                if name in keys:
                    path = _with_value(rule.pattern, keys[name], escape)
                    if path is not None:
                        yield Example.of(path, sent)
                    continue
                for condition in rule.has:
                    if name not in _captures(condition):
                        continue
                    where = dict(query) if condition.type == "query" else dict(headers)
                    if condition.type == "cookie":
                        where["cookie"] = f"{condition.key}={escape}"
                    else:
                        where[condition.key if condition.type != "host" else "host"] = escape
                    parts = (where, query) if condition.type != "query" else (headers, where)
                    if values:
                        yield Example.of(values[0], parts)

    # --- RW401, RW402 ----------------------------------------------------------------------------

    def redirect_chains(self) -> None:
        """RW401/RW402: follow each redirect's Location while it stays on this site."""
        for rule in self.router.phase(Phase.REDIRECTS):
            if rule.built_in:
                continue
            for request in example_requests(rule, 3):
                if self.follow(rule, request):
                    break

    def follow(self, rule: Rule, request: Example) -> bool:
        """Report a chain or loop starting at `request` (decided by `rule`); whether one was."""
        hops: list[tuple[str, Resolution]] = []
        seen = [request.url]
        url = request.url
        for _ in range(8):
            explained = self.explain(Example(url, request.headers))
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
        self, rule: Rule, request: Example, hops: Sequence[tuple[str, Resolution]]
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


def _safe_resolve(router: Router, request: Example) -> Resolution | None:
    """Resolve, or None when Next.js would fail the request."""
    try:
        return router.resolve(request.url, dict(request.headers))
    except (RewritesError, TimeoutError):
        return None


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
        path = build(later.tokens, values) or "/"
        if matches(later, path) and not matches(earlier, path):
            return False
    return True


def _leading_locale(source: str, lowered: Mapping[str, str]) -> str | None:
    """The locale a source's first segment names: literally (`/en/...`) or as one alternative
    of a parameter (`/:lang(en|fr)/...`); None when it names none."""
    first = source[1:].split("/", 1)[0]
    if first.lower() in lowered:
        return lowered[first.lower()]
    found = re.fullmatch(r":?\w*\(([\w|\\-]+)\)", first)
    if found is None:
        return None
    for option in found.group(1).replace("\\", "").split("|"):
        if option.lower() in lowered:
            return lowered[option.lower()]
    return None


def _lookahead_words(body: str) -> list[str]:
    """The alternatives of a lookahead body that are plain words ('api', '_next/static',
    'favicon.ico'; an unescaped '.' taken as itself), in order."""
    words: list[str] = []
    depth = 0
    current = ""
    for ch in body + "|":
        if ch == "|" and depth == 0:
            word = current.replace("\\.", ".")
            if re.fullmatch(r"[A-Za-z0-9_\-][A-Za-z0-9_\-./]*", word):
                words.append(word)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    return words


def _matcher_index(matcher: Matcher) -> int:
    """The position of a matcher in the middleware's list (from its place)."""
    found = re.search(r"\[(\d+)\]$", matcher.place)
    return int(found.group(1)) if found else 0


def _with_source(item: Any, source: str) -> Any:
    """A matcher item (a string or an object) with another source."""
    return {**item, "source": source} if isinstance(item, Mapping) else source


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
    """Long paths that make a backtracking matcher try many splits and then fail: a parameter's
    repeated unit (its prefix and suffix around a letter, or what its custom group's repeats
    accept), then a character that breaks the match, then the source's literal end (which the
    hostile path must keep, or a matcher that checks it first rejects at once)."""
    tokens = pattern.tokens
    last = tokens[-1] if tokens else ""
    ends = [""] if not isinstance(last, str) else [last, ""]  # the literal end first
    for key in pattern.keys:
        units = [key.prefix + "a" + key.suffix, "a" + key.suffix, key.prefix + "a"]
        units += ["a", "-a", "a/", "a-", ".a"]
        if key.custom:
            node = regex_tree(key.pattern)
            if node is not None:
                for inner in _walk_quants(node):
                    units += [w for w in witnesses(inner.body, 2) if w]
        at = tokens.index(key)
        head = "".join(t if isinstance(t, str) else t.prefix for t in tokens[:at])
        head += key.prefix
        for unit in dict.fromkeys(u for u in units if u):
            body = unit * (HOSTILE_SIZE // len(unit))
            # A request can carry '!' but not a raw line feed: those come last.
            for bad in ("", "!", "/", "/!", "\n"):
                for end in ends:
                    yield head + body + bad + end


def _time_match(pattern: Pattern, path: str) -> float:
    """CPU seconds the regex takes on a path (inf past the limit).

    The compiled regex is used directly: `Pattern.match`'s literal-tail early reject would hide
    what V8, which has no such shortcut, goes through.
    """
    subject = path if path.isascii() else to_utf16(path)
    started = time.process_time()
    try:
        pattern.regex.match(subject, timeout=HOSTILE_TIMEOUT)
    except TimeoutError:
        return float("inf")
    return time.process_time() - started


def _walk_quants(node: Node) -> Iterator[Quant]:
    """Every unbounded quantifier in a regex tree."""
    if isinstance(node, Quant):
        if node.max is None:
            yield node
        yield from _walk_quants(node.body)
    elif isinstance(node, Group | Look):
        yield from _walk_quants(node.body)
    elif isinstance(node, Seq):
        for item in node.items:
            yield from _walk_quants(item)
    elif isinstance(node, Alt):
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


#: Values that take a Location off the site when they start it: a protocol-relative path, the
#: same after a tab (browsers drop it), a backslash (browsers read it as '/'), and a host.
_ESCAPES = ("/evil.example", "\t/evil.example", "\\evil.example", "evil.example")
#: The site a relative Location is read against.
_SITE = "https://site.invalid/"


def _site_params(destination: str) -> list[str]:
    """The names of the params that start a destination's path (`/:next`) or sit in its scheme
    or host (`https://:host/`), which decide the Location's site."""
    if destination.startswith("/"):
        head = destination[1:].split("/", 1)[0]
        found = regex.match(r":([A-Za-z0-9_]+)", head)
        return [found.group(1)] if found else []
    authority = destination.split("/", 3)[:3]
    return regex.findall(r":([A-Za-z0-9_]+)", "/".join(authority).replace("://", "/", 1))


def _off_site(location: str) -> bool:
    """Whether a Location, read as a browser reads it on this site, leads to the site one of
    `_ESCAPES` names."""
    try:
        target = parse_url(location, _SITE)
    except URLError:
        return False
    return "evil.example" in target.host


def _captures(condition: Condition) -> set[str]:
    """The params a `has` condition captures: its value's named groups, or (without a value)
    the whole value under its key's name."""
    if condition.value:
        return set(capture_names(condition.value).values())
    return {safe_param_name(condition.key or "host")}


def _with_value(pattern: Pattern, position: int, value: str) -> str | None:
    """A path the source matches with `value` in the key at `position` (None if it cannot)."""
    tokens = pattern.tokens
    values: dict[int, Sequence[str] | None] = {}
    for at, token in enumerate(tokens):
        if isinstance(token, Key) and token.pattern:
            if at == position:
                values[at] = [value]
            else:
                choices = key_values(pattern, token, at)
                values[at] = choices[:1] if choices else None
    path = build(tokens, values)
    return path if matches(pattern, path) else None
