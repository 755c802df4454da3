"""What resolution produces: a `Resolution`, and for `explain` the `Step`s that led to it.

Kinds, trace stages and trace outcomes are enums (`str` enums, so they print and compare as their
values): a caller never tests a string.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping

import attrs

from ._rules import Rule
from ._values import QueryValue

__all__ = [
    "APPLIED",
    "Explanation",
    "Kind",
    "Outcome",
    "Resolution",
    "Stage",
    "Step",
    "new_resolution",
]


class Kind(enum.StrEnum):
    """What happens to a request."""

    LOCAL = "local"
    PROXIED = "proxied"
    REDIRECT = "redirect"
    NOT_FOUND = "not_found"

    def __str__(self) -> str:
        return self.value


class Stage(enum.StrEnum):
    """Where in Next.js's routing order a trace step happened (resolve-routes.js's order)."""

    NORMALIZE = "normalize"
    #: i18n: router-server's locale redirect, and resolve-routes' default-locale prefix.
    LOCALE = "locale"
    #: The `/_next/data/<build>/....json` form of a page, taken apart when there is middleware.
    NEXT_DATA = "_next/data"
    HEADERS = "headers"
    REDIRECTS = "redirects"
    #: Whether the middleware (proxy) matcher selects the request; it runs between redirects and
    #: beforeFiles.
    MIDDLEWARE = "middleware"
    BEFORE_FILES = "beforeFiles"
    CHECK_FS = "check_fs"
    AFTER_FILES = "afterFiles"
    DYNAMIC_ROUTES = "dynamic routes"
    FALLBACK = "fallback"
    #: A closing note on why the resolution came out as it did.
    WHY = "why"

    def __str__(self) -> str:
        return self.value


class Outcome(enum.StrEnum):
    """What came of one trace step."""

    #: The phase has no rules.
    EMPTY = "empty"
    #: The index skipped rules that cannot match this path (or only apply on another host), or
    #: (a step naming its rule) one that needs a header or cookie the request does not send.
    SKIPPED = "skipped"
    #: The rule's source did not match the path.
    NO_MATCH = "no-match"
    #: The source matched, but a `has`/`missing` condition did not hold.
    CONDITIONS = "conditions"
    #: A header rule matched and added its headers.
    MATCHED = "matched"
    #: A redirect rule (or the repeated-slash normalisation) answered with a redirect.
    REDIRECT = "redirect"
    #: A rewrite to an external URL: the request is proxied.
    PROXIED = "proxied"
    #: An internal rewrite changed the path.
    REWRITTEN = "rewritten"
    #: After a rewrite, a page serves the new path.
    SERVED = "served"
    #: After a rewrite, no page serves the new path: the next rule sees it.
    CONTINUE = "continue"
    #: A page check found a page or file.
    FOUND = "found"
    #: A page check found none.
    MISS = "miss"
    #: A remark with no effect on the resolution.
    NOTE = "note"
    #: i18n: the request's locale was set (detected, or the default added to the path).
    LOCALE = "locale"
    #: The middleware matcher selects the request: the middleware runs.
    RUNS = "runs"

    def __str__(self) -> str:
        return self.value


#: The outcomes of a step in which its rule took effect.
APPLIED = frozenset({Outcome.MATCHED, Outcome.REDIRECT, Outcome.PROXIED, Outcome.REWRITTEN})


@attrs.frozen(weakref_slot=False)
class Resolution:
    """Where a request goes.

    `url` is the upstream URL (proxied), the Location (redirect), or path + query (local and
    not found); `path` and `query` the final pathname and query; `route` and `params` the app
    route that serves it; `status` the redirect status; `headers` the header rules' headers
    (none on redirects and proxied responses); `rule` the rule that decided. With i18n, `locale`
    is the locale the page renders with (local and not found; `path` carries it too, as the
    pathname Next.js hands the page does: `/en/about`). `middleware` is True when Next.js runs
    the middleware (proxy) for the request; the resolution is what follows when it answers
    `NextResponse.next()`.
    """

    kind: Kind
    url: str
    path: str | None = None
    query: Mapping[str, QueryValue] = attrs.field(factory=dict, hash=False)
    route: str | None = None
    params: Mapping[str, QueryValue] = attrs.field(factory=dict, hash=False)
    status: int | None = None
    headers: Mapping[str, QueryValue] = attrs.field(factory=dict, hash=False)
    rule: Rule | None = None
    locale: str | None = None
    middleware: bool = False

    def __str__(self) -> str:
        notes = (f" [locale {self.locale}]" if self.locale else "") + (
            " [middleware runs]" if self.middleware else ""
        )
        if self.kind is Kind.REDIRECT:
            return f"redirect {self.status} {self.url}{notes}"
        if self.kind is Kind.PROXIED:
            return f"proxied {self.url}{notes}"
        if self.kind is Kind.LOCAL:
            where = f" (route {self.route}" + (f", params {self.params})" if self.params else ")")
            return f"local {self.url}{where if self.route else ''}{notes}"
        return f"not found {self.url}{notes}"


_RESOLUTION_FIELDS = (
    "kind",
    "url",
    "path",
    "query",
    "route",
    "params",
    "status",
    "headers",
    "rule",
    "locale",
    "middleware",
)
assert tuple(field.name for field in attrs.fields(Resolution)) == _RESOLUTION_FIELDS


class _NewResolution:
    """`Resolution(...)` with the fields resolution sets given by position (no locale, no
    middleware), made in half the time of attrs' `__init__`, which every request pays.

    An object of this class has `Resolution`'s very slots, so it can become one: its
    `__init__` sets them as plain attributes (the frozen class's `__setattr__` refuses that),
    then hands the object to `Resolution`. CPython allows that only between classes of the same
    layout, and a `__weakref__` slot after the fields makes two slotted classes differ: that is
    why `Resolution` has none.
    """

    __slots__ = _RESOLUTION_FIELDS

    def __init__(
        self,
        kind: Kind,
        url: str,
        path: str | None,
        query: Mapping[str, QueryValue],
        route: str | None,
        params: Mapping[str, QueryValue],
        status: int | None,
        headers: Mapping[str, QueryValue],
        rule: Rule | None,
    ) -> None:
        self.kind = kind
        self.url = url
        self.path = path
        self.query = query
        self.route = route
        self.params = params
        self.status = status
        self.headers = headers
        self.rule = rule
        self.locale = None
        self.middleware = False
        self.__class__ = Resolution  # type: ignore[assignment]


#: `_NewResolution`, typed as what it makes.
new_resolution: Callable[
    [
        Kind,
        str,
        str | None,
        Mapping[str, QueryValue],
        str | None,
        Mapping[str, QueryValue],
        int | None,
        Mapping[str, QueryValue],
        Rule | None,
    ],
    Resolution,
] = _NewResolution  # type: ignore[assignment]


@attrs.frozen
class Step:
    """One thing resolution did: the stage, the rule tried (if any), and what came of it."""

    phase: Stage
    outcome: Outcome
    detail: str
    rule: Rule | None = None

    def __str__(self) -> str:
        head = f"{self.rule.place} {self.rule.source!r}: " if self.rule else ""
        return f"[{self.phase}] {head}{self.detail}"


@attrs.frozen
class Explanation:
    """Every step of a resolution, and its result; `str()` is a readable trace."""

    request: str
    steps: tuple[Step, ...]
    resolution: Resolution

    def applied(self) -> tuple[Rule, ...]:
        """The rules that took effect (a header rule, a redirect, a rewrite), and the one that
        decided, in the order they first did."""
        rules = [s.rule for s in self.steps if s.rule is not None and s.outcome in APPLIED]
        if self.resolution.rule is not None:
            rules.append(self.resolution.rule)
        return tuple(_unique(rules))

    def exercised(self) -> tuple[Rule, ...]:
        """Every rule whose source was tried against the request, in the order it was (a rule
        the index skipped for a header or cookie the request does not send was not)."""
        tried = (s.rule for s in self.steps if s.outcome is not Outcome.SKIPPED)
        return tuple(_unique(rule for rule in tried if rule is not None))

    def __str__(self) -> str:
        lines = [f"{self.request}"]
        lines += [f"  {step}" for step in self.steps]
        lines.append(f"  => {self.resolution}")
        return "\n".join(lines)


def _unique(rules: Iterator[Rule] | list[Rule]) -> Iterator[Rule]:
    """Each rule once, first occurrence kept (rules compare by phase and place, not identity)."""
    seen: set[int] = set()
    for rule in rules:
        if id(rule) not in seen:
            seen.add(id(rule))
            yield rule
