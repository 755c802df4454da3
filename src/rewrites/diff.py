"""What changes for real traffic when a table changes: `diff(old, new, requests)`.

Every request is resolved by both routers; a request whose answer differs in kind, URL, status,
route, params, response headers, locale or whether the middleware runs (a request Next.js fails
counts by its status) is a change.
Changes are grouped by the rule that decided in each table, counted (weighted by how often each
request was seen, for requests from access logs) and kept with examples. Without requests, the
two tables give their own (`generated_requests`).

>>> from rewrites import Router
>>> from rewrites.diff import diff
>>> routes = ["/", "/api/auth/[...nextauth]"]
>>> rule = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
>>> old = Router.from_next_config({"rewrites": [rule]}, routes)
>>> new = Router.from_next_config({"rewrites": {"fallback": [rule]}}, routes)
>>> report = diff(old, new, ["/api/auth/session", "/api/users", "/api/auth/session"])
>>> print(report.summary(examples=1))
3 requests (2 distinct) compared: 2 (1 distinct) go somewhere else, in 1 group.
<BLANKLINE>
2 requests (1 distinct): rewrites[0] '/api/:path*' → no rule
    proxied → local: 2 (1 distinct)
    /api/auth/session ×2
        proxied http://localhost:3001/api/auth/session
      → local /api/auth/session (route /api/auth/[...nextauth])

Requests are counted after dropping what resolution never reads: only the headers (and cookies)
that either table reads are kept (`Reads`), so requests that differ in, say, their user agent
count as one. Access logs are read as a stream
(`read_access_logs`: nginx/Apache combined format and JSON lines, compressed or not), and
`jobs=N` spreads the distinct requests over N processes, each given both routers once.
"""

from __future__ import annotations

import bz2
import collections
import concurrent.futures
import enum
import gc
import gzip
import io
import json
import lzma
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, TypeAlias
from urllib.parse import quote

import attrs

from ._conditions import parse_cookies
from ._examples import failing as failing_parts
from ._examples import (
    near_paths,
    request_parts,
    route_samples,
    samples,
    satisfying_values,
    with_query,
)
from ._js.node import header_text
from ._results import Resolution
from ._rules import Rule
from .errors import RequestError
from .router import Router

__all__ = [
    "FIELDS",
    "Answer",
    "Change",
    "DiffReport",
    "Group",
    "Progress",
    "Reads",
    "Request",
    "RuleRef",
    "Traffic",
    "Transition",
    "Verdict",
    "default_jobs",
    "diff",
    "generated_requests",
    "parse_log_line",
    "read_access_logs",
]

#: What two answers are compared in, in the order changes list them (`locale`: the locale a page
#: renders with under i18n; `middleware`: whether the middleware runs).
FIELDS = ("verdict", "url", "status", "route", "params", "headers", "locale", "middleware")
#: Examples kept per group unless told otherwise.
EXAMPLES = 20
#: Distinct requests per task handed to a worker process: small enough to spread the work and
#: report progress often, large enough that sending it costs little next to resolving it.
CHUNK = 1_000
#: Rules per task when workers generate the requests (generating one costs about 0.5 ms).
RULE_CHUNK = 200

#: `progress(stage, done, total)`: called as work completes ('generate' or 'resolve').
Progress: TypeAlias = Callable[[str, int, int], None]


class Verdict(enum.StrEnum):
    """What became of a request: one of `Kind`'s, or ERROR when Next.js fails it (its status
    is the answer's `status`)."""

    LOCAL = "local"
    PROXIED = "proxied"
    REDIRECT = "redirect"
    NOT_FOUND = "not_found"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


# --------------------------------------------------------------------------------------------------
# Requests, and what of them resolution reads
# --------------------------------------------------------------------------------------------------


@attrs.frozen
class Request:
    """A request: its URL (path and query) and headers (lowercased names, sorted)."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        if not self.headers:
            return self.url
        return f"{self.url} [" + "; ".join(f"{k}: {v}" for k, v in self.headers) + "]"


#: What `diff` takes as one request: a URL, a `(url, headers)` pair, or a `Request`.
RequestLike: TypeAlias = "str | tuple[str, Mapping[str, Any] | None] | Request"


@attrs.frozen
class Reads:
    """The request headers two tables' conditions read: resolution looks at no other, so every
    other header is dropped before requests are counted.

    `headers` are the names read whole (lowercased: a `header` condition's key, `host` for a
    `host` condition); `cookies` the cookie names read one by one (a `cookie` condition), kept
    in a `cookie` header rebuilt as the `cookie` package parses it.

    >>> from rewrites import Router
    >>> router = Router.from_next_config({"rewrites": [{"source": "/a", "destination": "/b",
    ...     "has": [{"type": "cookie", "key": "beta"}]}]})
    >>> Reads.of(router).keep({"User-Agent": "curl", "Cookie": "sid=1; beta=yes"})
    (('cookie', 'beta=yes'),)
    """

    headers: frozenset[str] = frozenset()
    cookies: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *routers: Router) -> Reads:
        """What these routers read: any condition of their rules and middleware matchers, and
        with i18n the host, `accept-language` and the `NEXT_LOCALE` cookie."""
        headers: set[str] = set()
        cookies: set[str] = set()
        for router in routers:
            conditions = [c for rule in router.rules for c in (*rule.has, *rule.missing)]
            if router.middleware is not None:
                for matcher in router.middleware.matchers:
                    conditions += [*matcher.has, *matcher.missing]
            for condition in conditions:
                if condition.type == "header":
                    headers.add(condition.key.lower())
                elif condition.type == "cookie":
                    cookies.add(condition.key)
                elif condition.type == "host":
                    headers.add("host")
            if router.i18n is not None:
                # _i18n's locale detection: domains by host, the NEXT_LOCALE cookie, then
                # accept-language.
                headers.update(("host", "accept-language"))
                cookies.add("NEXT_LOCALE")
        return cls(frozenset(headers), frozenset(cookies))

    def keep(
        self, headers: Mapping[str, Any] | Iterable[tuple[str, Any]] | None
    ) -> tuple[tuple[str, str], ...]:
        """The headers resolution reads, as Node gives them (lowercased names, a repeated
        header's values joined), sorted by name."""
        if not headers or not (self.headers or self.cookies):
            return ()
        items = headers.items() if isinstance(headers, Mapping) else headers
        kept: dict[str, str] = {}
        for name, value in items:
            key = str(name).lower()
            whole = key in self.headers
            if not whole and not (key == "cookie" and self.cookies):
                continue
            text = header_text(key, value)
            if not whole:
                # Only the cookies a condition reads, rebuilt so that the `cookie` package
                # reads the same values back (first one of a name wins, values URL-decoded).
                found = parse_cookies(text)
                text = "; ".join(
                    f"{k}={quote(v, safe='')}" for k, v in found.items() if k in self.cookies
                )
                if not text:
                    continue
            kept[key] = text
        return tuple(sorted(kept.items()))

    def request(self, item: RequestLike) -> Request:
        """A request as `diff` counts it (only the headers resolution reads)."""
        if isinstance(item, Request):
            return Request(item.url, self.keep(item.headers))
        if isinstance(item, str):
            return Request(item)
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            return Request(item[0], self.keep(item[1]))
        raise TypeError(
            f"got {item!r} ({type(item).__name__}); expected a URL string, a (url, headers) "
            "pair or a Request"
        )


# --------------------------------------------------------------------------------------------------
# Answers and changes
# --------------------------------------------------------------------------------------------------


@attrs.frozen
class RuleRef:
    """A rule named as the config names it: its place and source."""

    place: str
    source: str

    @classmethod
    def of(cls, rule: Rule | None) -> RuleRef | None:
        """The reference to a rule (None for none)."""
        return None if rule is None else cls(rule.place, rule.source)

    def __str__(self) -> str:
        return f"{self.place} {self.source!r}"


@attrs.frozen
class Answer:
    """What one table did with a request, as plain data: its verdict, URL, redirect or error
    status, route and params, response headers, the rule that decided, the locale a page renders
    with and whether the middleware runs (`error` is the message of a request Next.js fails)."""

    verdict: Verdict
    url: str | None = None
    status: int | None = None
    route: str | None = None
    params: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    headers: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    rule: RuleRef | None = None
    error: str | None = None
    locale: str | None = None
    middleware: bool = False

    @classmethod
    def of(cls, resolution: Resolution) -> Answer:
        """The answer a resolution gives."""
        return cls(
            Verdict(resolution.kind.value),
            resolution.url,
            resolution.status,
            resolution.route,
            dict(resolution.params),
            dict(resolution.headers),
            RuleRef.of(resolution.rule),
            locale=resolution.locale,
            middleware=resolution.middleware,
        )

    @classmethod
    def failed(cls, error: RequestError) -> Answer:
        """The answer to a request Next.js fails: its status and message."""
        return cls(Verdict.ERROR, status=error.status, error=error.message)

    def value(self, field: str) -> Any:
        """One of the compared fields (`FIELDS`)."""
        return getattr(self, field)

    def __str__(self) -> str:
        if self.verdict is Verdict.ERROR:
            return f"error {self.status}: {self.error}"
        if self.verdict is Verdict.REDIRECT:
            text = f"redirect {self.status} {self.url}"
        elif self.verdict is Verdict.NOT_FOUND:
            text = f"not found {self.url}"
        else:
            text = f"{self.verdict} {self.url}"
        if self.route:
            text += f" (route {self.route})"
        if self.locale:
            text += f" [locale {self.locale}]"
        if self.middleware:
            text += " [middleware runs]"
        if self.headers:
            text += " headers " + json.dumps(self.headers, ensure_ascii=False)
        return text


def _same(old: Resolution, new: Resolution) -> bool:
    """Whether two resolutions answer alike (the deciding rule aside)."""
    return (
        old.kind is new.kind
        and old.url == new.url
        and old.status == new.status
        and old.route == new.route
        and old.params == new.params
        and old.headers == new.headers
        and old.locale == new.locale
        and old.middleware == new.middleware
    )


def _answer(router: Router, request: Request) -> Resolution | RequestError:
    """A router's resolution of a request, or the error Next.js fails it with."""
    try:
        return router.resolve(request.url, dict(request.headers) if request.headers else None)
    except RequestError as error:
        return error


@attrs.frozen
class Change:
    """One request that goes somewhere else: how often it was seen, and both answers."""

    request: Request
    count: int
    old: Answer
    new: Answer

    @property
    def fields(self) -> tuple[str, ...]:
        """The compared fields (`FIELDS`) in which the answers differ."""
        return tuple(f for f in FIELDS if self.old.value(f) != self.new.value(f))

    def sort_key(self) -> tuple[int, str, tuple[tuple[str, str], ...]]:
        """The most seen first, then by URL: which examples a group keeps, however the
        requests were split between processes."""
        return (-self.count, self.request.url, self.request.headers)


@attrs.frozen
class Transition:
    """How many changed requests went from one verdict to another."""

    old: Verdict
    new: Verdict
    distinct: int
    count: int


@attrs.frozen
class Group:
    """The changes decided by one rule in the old table and one in the new (None: no rule),
    counted (`distinct` requests, `count` weighted), by verdicts, with the most seen kept as
    examples."""

    old_rule: RuleRef | None
    new_rule: RuleRef | None
    distinct: int
    count: int
    transitions: tuple[Transition, ...]
    examples: tuple[Change, ...]

    @property
    def title(self) -> str:
        """`old rule → new rule`."""
        return f"{self.old_rule or 'no rule'} → {self.new_rule or 'no rule'}"


# --------------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------------


def _number(n: int) -> str:
    """An integer with thousands separators."""
    return f"{n:,}"


def _how_many(count: int, distinct: int) -> str:
    """'12 (3 distinct)', or '3' when every request was seen once."""
    if count == distinct:
        return _number(count)
    return f"{_number(count)} ({_number(distinct)} distinct)"


def _counted(count: int, distinct: int) -> str:
    """'12 requests (3 distinct)', or '3 requests' when every request was seen once."""
    noun = "request" if count == 1 else "requests"
    if count == distinct:
        return f"{_number(count)} {noun}"
    return f"{_number(count)} {noun} ({_number(distinct)} distinct)"


@attrs.frozen
class DiffReport:
    """Which requests go somewhere else with the new table, grouped by the rules that decided.

    `distinct` requests were compared, `count` counting repeats; `groups` hold the changes,
    the most requests first; `generated` tells that the requests came from the tables
    themselves; `limit` is how many examples each group keeps. `str()` is the summary;
    `details()` lists every kept example field by field. Picklable, and `to_json()` /
    `from_json()` give it back equal.
    """

    distinct: int
    count: int
    groups: tuple[Group, ...] = ()
    generated: bool = False
    limit: int = EXAMPLES

    @property
    def changed(self) -> int:
        """Requests that go somewhere else (counting repeats)."""
        return sum(group.count for group in self.groups)

    @property
    def changed_distinct(self) -> int:
        """Distinct requests that go somewhere else."""
        return sum(group.distinct for group in self.groups)

    def changes(self) -> Iterator[Change]:
        """Every kept example, group by group."""
        for group in self.groups:
            yield from group.examples

    def count_to(self, verdicts: Iterable[Verdict | str]) -> int:
        """Changed requests (counting repeats) whose new verdict is one of these."""
        wanted = {Verdict(v) for v in verdicts}
        return sum(t.count for g in self.groups for t in g.transitions if t.new in wanted)

    def merge(self, other: DiffReport) -> DiffReport:
        """Both reports' counts, groups and examples in one (the reduce step over partitions of
        the requests: merging in any order gives the same report)."""
        tally = _Tally(max(self.limit, other.limit))
        tally.add_report(self)
        tally.add_report(other)
        return tally.report(
            self.distinct + other.distinct,
            self.count + other.count,
            generated=self.generated and other.generated,
        )

    # --- text --------------------------------------------------------------------------------

    def summary(self, examples: int = 3) -> str:
        """Counts per group, the transitions of each, and its most seen `examples`."""
        whence = " generated from the tables" if self.generated else ""
        head = f"{_counted(self.count, self.distinct)}{whence} compared: "
        if not self.groups:
            return head + "none goes somewhere else."
        groups = f"{len(self.groups)} group" + ("" if len(self.groups) == 1 else "s")
        verb = "goes" if self.changed == 1 else "go"
        changed = _how_many(self.changed, self.changed_distinct)
        lines = [head + f"{changed} {verb} somewhere else, in {groups}."]
        for group in self.groups:
            lines += ["", f"{_counted(group.count, group.distinct)}: {group.title}"]
            for t in group.transitions:
                lines.append(f"    {t.old} → {t.new}: {_how_many(t.count, t.distinct)}")
            for change in group.examples[:examples]:
                seen = f" ×{_number(change.count)}" if change.count > 1 else ""
                lines.append(f"    {change.request}{seen}")
                lines.append(f"        {change.old}")
                lines.append(f"      → {change.new}")
            hidden = group.distinct - min(examples, len(group.examples))
            if hidden > 0:
                lines.append(f"    ... and {_number(hidden)} more")
        return "\n".join(lines)

    def details(self) -> str:
        """Every kept example of every group, with each field that differs, old → new."""
        lines: list[str] = []
        for number, group in enumerate(self.groups, 1):
            kept = len(group.examples)
            lines.append(
                f"[{number}] {group.title}: {_counted(group.count, group.distinct)}"
                + (f", {kept} shown" if kept < group.distinct else "")
            )
            for change in group.examples:
                seen = f" ×{_number(change.count)}" if change.count > 1 else ""
                lines.append(f"  {change.request}{seen}")
                rows = [(f, change.old.value(f), change.new.value(f)) for f in change.fields]
                rows.append(("rule", change.old.rule, change.new.rule))
                if change.old.error or change.new.error:
                    rows.append(("error", change.old.error, change.new.error))
                width = max(len(name) for name, _, _ in rows)
                for name, before, after in rows:
                    lines.append(f"    {name.ljust(width)}  {_show(before)} → {_show(after)}")
            lines.append("")
        return "\n".join(lines).rstrip()

    def __str__(self) -> str:
        return self.summary()

    # --- JSON --------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "distinct": self.distinct,
            "count": self.count,
            "changed": self.changed,
            "changed_distinct": self.changed_distinct,
            "generated": self.generated,
            "limit": self.limit,
            "groups": [_group_data(g) for g in self.groups],
        }

    def to_json(self, indent: int | None = None) -> str:
        """The report as JSON text (`from_json` reads it back)."""
        return json.dumps(self.to_data(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> DiffReport:
        """A report from `to_data`'s data."""
        return cls(
            data["distinct"],
            data["count"],
            tuple(_group_from(g) for g in data["groups"]),
            data["generated"],
            data["limit"],
        )

    @classmethod
    def from_json(cls, text: str) -> DiffReport:
        """A report from `to_json`'s text."""
        return cls.from_data(json.loads(text))


def _show(value: Any) -> str:
    """A field's value in the details: JSON for params and headers, '-' for none."""
    if value is None:
        return "-"
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _rule_data(rule: RuleRef | None) -> dict[str, str] | None:
    return None if rule is None else {"place": rule.place, "source": rule.source}


def _rule_from(data: Mapping[str, str] | None) -> RuleRef | None:
    return None if data is None else RuleRef(data["place"], data["source"])


def _answer_data(answer: Answer) -> dict[str, Any]:
    return {
        "verdict": answer.verdict.value,
        "url": answer.url,
        "status": answer.status,
        "route": answer.route,
        "params": dict(answer.params),
        "headers": dict(answer.headers),
        "rule": _rule_data(answer.rule),
        "error": answer.error,
        "locale": answer.locale,
        "middleware": answer.middleware,
    }


def _answer_from(data: Mapping[str, Any]) -> Answer:
    return Answer(
        Verdict(data["verdict"]),
        data["url"],
        data["status"],
        data["route"],
        dict(data["params"]),
        dict(data["headers"]),
        _rule_from(data["rule"]),
        data["error"],
        data.get("locale"),
        bool(data.get("middleware", False)),
    )


def _group_data(group: Group) -> dict[str, Any]:
    return {
        "old_rule": _rule_data(group.old_rule),
        "new_rule": _rule_data(group.new_rule),
        "distinct": group.distinct,
        "count": group.count,
        "transitions": [
            {"old": t.old.value, "new": t.new.value, "distinct": t.distinct, "count": t.count}
            for t in group.transitions
        ],
        "examples": [
            {
                "url": c.request.url,
                "headers": dict(c.request.headers),
                "count": c.count,
                "fields": list(c.fields),
                "old": _answer_data(c.old),
                "new": _answer_data(c.new),
            }
            for c in group.examples
        ],
    }


def _group_from(data: Mapping[str, Any]) -> Group:
    return Group(
        _rule_from(data["old_rule"]),
        _rule_from(data["new_rule"]),
        data["distinct"],
        data["count"],
        tuple(
            Transition(Verdict(t["old"]), Verdict(t["new"]), t["distinct"], t["count"])
            for t in data["transitions"]
        ),
        tuple(
            Change(
                Request(c["url"], tuple(sorted(c["headers"].items()))),
                c["count"],
                _answer_from(c["old"]),
                _answer_from(c["new"]),
            )
            for c in data["examples"]
        ),
    )


@attrs.define
class _GroupTally:
    """One group being counted."""

    distinct: int = 0
    count: int = 0
    transitions: dict[tuple[Verdict, Verdict], list[int]] = attrs.Factory(dict)
    examples: list[Change] = attrs.Factory(list)


@attrs.define
class _Tally:
    """Changes being counted into groups, keeping each group's `limit` most seen examples."""

    limit: int
    groups: dict[tuple[RuleRef | None, RuleRef | None], _GroupTally] = attrs.Factory(dict)

    def _group(self, old: RuleRef | None, new: RuleRef | None) -> _GroupTally:
        group = self.groups.get((old, new))
        if group is None:
            group = self.groups[old, new] = _GroupTally()
        return group

    def _keep(self, group: _GroupTally, changes: Iterable[Change]) -> None:
        group.examples.extend(changes)
        if len(group.examples) > 2 * self.limit:
            group.examples.sort(key=Change.sort_key)
            del group.examples[self.limit :]

    def add(self, change: Change) -> None:
        """Count one change."""
        group = self._group(change.old.rule, change.new.rule)
        group.distinct += 1
        group.count += change.count
        moved = group.transitions.setdefault((change.old.verdict, change.new.verdict), [0, 0])
        moved[0] += 1
        moved[1] += change.count
        self._keep(group, [change])

    def add_report(self, report: DiffReport) -> None:
        """Count every group of a report."""
        for g in report.groups:
            group = self._group(g.old_rule, g.new_rule)
            group.distinct += g.distinct
            group.count += g.count
            for t in g.transitions:
                moved = group.transitions.setdefault((t.old, t.new), [0, 0])
                moved[0] += t.distinct
                moved[1] += t.count
            self._keep(group, g.examples)

    def report(self, distinct: int, count: int, *, generated: bool) -> DiffReport:
        """The report of what was counted: groups with the most requests first."""
        groups = []
        for (old, new), g in self.groups.items():
            transitions = sorted(
                (Transition(a, b, n, c) for (a, b), (n, c) in g.transitions.items()),
                key=lambda t: (-t.count, -t.distinct, t.old, t.new),
            )
            examples = sorted(g.examples, key=Change.sort_key)[: self.limit]
            groups.append(Group(old, new, g.distinct, g.count, tuple(transitions), tuple(examples)))
        groups.sort(key=lambda g: (-g.count, -g.distinct, g.title))
        return DiffReport(distinct, count, tuple(groups), generated, self.limit)


def compare(
    old: Router,
    new: Router,
    requests: Iterable[tuple[Request, int]],
    examples: int = EXAMPLES,
) -> DiffReport:
    """The report for distinct requests, each with how often it was seen, in this process."""
    tally = _Tally(examples)
    distinct = count = 0
    for request, seen in requests:
        distinct += 1
        count += seen
        before = _answer(old, request)
        after = _answer(new, request)
        if isinstance(before, Resolution) and isinstance(after, Resolution):
            if _same(before, after):
                continue
        elif (
            isinstance(before, RequestError)
            and isinstance(after, RequestError)
            and before.status == after.status
        ):
            continue
        tally.add(Change(request, seen, _as_answer(before), _as_answer(after)))
    return tally.report(distinct, count, generated=False)


def _as_answer(found: Resolution | RequestError) -> Answer:
    return Answer.failed(found) if isinstance(found, RequestError) else Answer.of(found)


# --------------------------------------------------------------------------------------------------
# Requests from the tables
# --------------------------------------------------------------------------------------------------

#: Up to this many distinct condition variants, every generated path is sent with each of them
#: (the tables' conditions combined); past it, each path only with its own rule's.
CROSS_VARIANTS = 16
_NO_SENT: tuple[dict[str, str], dict[str, str]] = ({}, {})


def _variants(rule: Rule) -> list[tuple[dict[str, str], dict[str, str]]]:
    """What to send with a rule's paths: nothing, what makes its conditions hold, and each way
    they fail."""
    if not rule.has and not rule.missing:
        return [_NO_SENT]
    chosen = satisfying_values(rule)
    holding = [request_parts(chosen)] if chosen is not None else []
    return [_NO_SENT, *holding, *failing_parts(rule)]


def _rule_paths(rule: Rule, limit: int) -> list[str]:
    """Paths a rule's source matches, and paths near them."""
    return list(dict.fromkeys([*samples(rule.pattern, limit), *near_paths(rule.pattern)]))


def _sent_key(sent: tuple[dict[str, str], dict[str, str]]) -> tuple[Any, ...]:
    headers, query = sent
    return tuple(sorted(headers.items())), tuple(sorted(query.items()))


def _rule_requests(rules: Sequence[Rule], limit: int) -> list[tuple[list[str], list[Any]]]:
    """Per rule: its paths and its condition variants (as sorted items, to be hashable)."""
    return [(_rule_paths(rule, limit), [_sent_key(s) for s in _variants(rule)]) for rule in rules]


def _unique_rules(routers: Sequence[Router]) -> list[Rule]:
    """Every rule of the routers, one of each source, flags and conditions (a rule both tables
    have is generated for once)."""
    seen: dict[tuple[Any, ...], Rule] = {}
    for router in routers:
        for rule in router.rules:
            key = (
                rule.source,
                rule.pattern.case_sensitive,
                rule.pattern.strict,
                tuple((c.type, c.key, c.value) for c in rule.has),
                tuple((c.type, c.key, c.value) for c in rule.missing),
            )
            seen.setdefault(key, rule)
    return list(seen.values())


def _route_paths(routers: Sequence[Router]) -> list[str]:
    """Paths each local route serves and paths next to them, under each table's basePath, with
    and without each i18n locale."""
    pages = dict.fromkeys(
        route.page for router in routers if router.routes is not None for route in router.routes
    )
    bases = dict.fromkeys(router.table.base_path for router in routers)
    locales = dict.fromkeys(
        ["", *("/" + x for r in routers if r.i18n is not None for x in r.i18n.locales)]
    )
    out: list[str] = []
    for page in pages:
        for path in route_samples(page):
            for base in bases:
                for locale in locales:
                    out.append((base + locale + path).removesuffix("/") or "/")
    return out


def _i18n_variants(routers: Sequence[Router]) -> list[tuple[Any, Any]]:
    """What i18n's locale detection reads: each locale as `accept-language` and as the
    `NEXT_LOCALE` cookie, and each domain as the host."""
    out: list[tuple[Any, Any]] = []
    for router in routers:
        if router.i18n is None:
            continue
        for locale in router.i18n.locales:
            out.append(((("accept-language", locale),), ()))
            out.append(((("cookie", f"NEXT_LOCALE={locale}"),), ()))
        for domain in router.i18n.domains:
            out.append(((("host", domain.domain),), ()))
    return out


def generated_requests(
    old: Router,
    new: Router,
    *,
    limit: int = 4,
    jobs: int = 1,
    progress: Progress | None = None,
) -> list[Request]:
    """Requests made from the two tables: for every rule of either (one of each, with its
    conditions) paths its source matches (`limit` of them) and paths near them; for every
    local route paths it serves and paths next to it (under each i18n locale too); `/` under
    each basePath.

    A path is sent with nothing, with what makes its rule's `has` hold and `missing` fail, and
    with each way they fail (with i18n: each locale as `accept-language` and `NEXT_LOCALE`
    cookie, each domain as host); while the two tables have at most `CROSS_VARIANTS` such
    variants in all, every path is sent with every variant. See docs/diff.md for what this
    finds and what it cannot.
    """
    routers = (old, new)
    rules = _unique_rules(routers)
    if jobs > 1 and len(rules) > RULE_CHUNK:
        starts = range(0, len(rules), RULE_CHUNK)
        made = _in_workers(
            old,
            new,
            [("generate", (start, start + RULE_CHUNK, limit)) for start in starts],
            jobs,
            progress,
            len(rules),
            weights=[min(RULE_CHUNK, len(rules) - start) for start in starts],
            rules=rules,
        )
        per_rule = [item for part in made for item in part]
    else:
        per_rule = []
        for done, rule in enumerate(rules, 1):
            per_rule.extend(_rule_requests([rule], limit))
            if progress is not None and (done % RULE_CHUNK == 0 or done == len(rules)):
                progress("generate", done, len(rules))
    variants = dict.fromkeys(v for _, own in per_rule for v in own)
    variants.update(dict.fromkeys(_i18n_variants(routers)))
    cross = len(variants) <= CROSS_VARIANTS
    out: dict[Request, None] = {}

    def emit(path: str, sent: Iterable[Any]) -> None:
        for headers, query in sent:
            out[Request(with_query(path, dict(query)), headers)] = None

    for base in dict.fromkeys(router.table.base_path for router in routers):
        emit(base or "/", variants)
    for path in _route_paths(routers):
        emit(path, variants if cross else [_sent_key(_NO_SENT)])
    for paths, own in per_rule:
        for path in paths:
            emit(path, variants if cross else own)
    return list(out)


# --------------------------------------------------------------------------------------------------
# Access logs
# --------------------------------------------------------------------------------------------------

#: nginx's and Apache's combined format (the common format too: referer and agent optional):
#: `host ident user [time] "METHOD target PROTOCOL" status bytes "referer" "user-agent"`.
_COMMON = r'\S+ \S+ \S+ \[[^\]]*\] "(?:[A-Za-z]+ )?([^ "]*)(?: [^"]*)?" \d{3} \S+'
_COMBINED = re.compile(_COMMON + r'(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?')
#: The request target alone: three times faster than `_COMBINED` where no header is wanted.
_TARGET_ONLY = re.compile(_COMMON)
#: What a request target may start with (`*`, `-` and a TLS probe's bytes are no request).
_TARGETS = ("/", "http://", "https://")
#: nginx escapes `"`, `\` and unprintable bytes as `\xHH`; Apache as `\"`, `\\` and `\xhh`.
_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})|\\(.)")
#: Compressed files are told by their first bytes, not their names.
_MAGIC = ((b"\x1f\x8b", gzip.open), (b"BZh", bz2.open), (b"\xfd7zXZ\x00", lzma.open))
#: How many unreadable lines a Traffic names (it counts them all).
_NAMED_SKIPS = 5


def _unescape(text: str) -> str:
    """A logged string with its escapes undone."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], text)


@attrs.frozen
class Traffic:
    """Requests read from access logs: each distinct request with how often it was seen, the
    lines read, and the lines that were neither format (counted; the first few named
    `file:line`)."""

    counts: Mapping[Request, int] = attrs.field(hash=False)
    lines: int
    skipped: int
    skipped_at: tuple[str, ...] = ()


def _open_log(path: str) -> IO[str]:
    """A log file as text, decompressed when its first bytes say it is gzip, bzip2 or xz
    (`-`: standard input)."""
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, "utf-8", errors="replace")
    raw = open(path, "rb")  # noqa: SIM115 (closed by the wrapper, or below)
    try:
        head = raw.read(6)
        raw.seek(0)
        for magic, opener in _MAGIC:
            if head.startswith(magic):
                return io.TextIOWrapper(opener(raw), "utf-8", errors="replace")
        return io.TextIOWrapper(raw, "utf-8", errors="replace")
    except BaseException:
        raw.close()
        raise


def _json_line(line: str, reads: Reads) -> tuple[Request, int] | None:
    """A JSON line `{"url": ..., "headers": {...}, "count": n}` (headers and count optional)."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    headers = data.get("headers") or {}
    count = data.get("count", 1)
    if not isinstance(headers, dict) or type(count) is not int or count < 1:
        return None
    return Request(data["url"], reads.keep(headers)), count


def parse_log_line(line: str, reads: Reads = Reads()) -> tuple[Request, int] | None:
    """The request of one access-log line and how many it stands for, or None for a line that
    is neither format (see `read_access_logs`): the map step over a log split across machines.

    >>> parse_log_line('1.2.3.4 - - [14/May/2026:10:00:00 +0000] "GET /a?b=1 HTTP/1.1" 200 5')
    (Request(url='/a?b=1', headers=()), 1)
    """
    found = _COMBINED.match(line)
    if found is not None:
        target = _unescape(found[1])
        if not target.startswith(_TARGETS):
            return None
        headers: list[tuple[str, str]] = []
        if found[2] not in (None, "-") and "referer" in reads.headers:
            headers.append(("referer", _unescape(found[2])))
        if found[3] not in (None, "-") and "user-agent" in reads.headers:
            headers.append(("user-agent", _unescape(found[3])))
        return Request(target, tuple(headers)), 1
    if line.lstrip().startswith("{"):
        return _json_line(line, reads)
    return None


def read_access_logs(
    paths: Iterable[str],
    reads: Reads = Reads(),
    progress: Callable[[int], None] | None = None,
) -> Traffic:
    """The distinct requests of access logs, counted, read line by line (never whole).

    A line is either the combined (or common) log format of nginx and Apache, whose request
    target is the URL (and whose referer and user agent are headers, kept if `reads` wants
    them), or a JSON object `{"url": "/path?query", "headers": {...}, "count": 1}` (headers
    and count optional). Files may be gzip, bzip2 or xz compressed (told by their first
    bytes); `-` is standard input. Targets that are not a path or an http(s) URL (`*`, `-`,
    garbage from TLS probes) are skipped with the lines that fit no format; blank lines are
    not counted. Raises OSError when a file cannot be read.
    """
    # Counted by target first, a Request made once per distinct one: most lines are a repeat.
    targets: collections.Counter[str] = collections.Counter()
    counts: collections.Counter[Request] = collections.Counter()
    lines = skipped = 0
    skipped_at: list[str] = []
    fast = None if {"referer", "user-agent"} & reads.headers else _TARGET_ONLY.match
    for path in paths:
        with _open_log(path) as stream:
            for number, line in enumerate(stream, 1):
                lines += 1
                if progress is not None and not lines % 100_000:
                    progress(lines)
                short = fast(line) if fast is not None else None
                if short is not None:
                    target = short[1] if "\\" not in short[1] else _unescape(short[1])
                    if target.startswith(_TARGETS):
                        targets[target] += 1
                        continue
                found = parse_log_line(line, reads)
                if found is not None:
                    counts[found[0]] += found[1]
                elif not line.strip():
                    lines -= 1
                else:
                    skipped += 1
                    if len(skipped_at) < _NAMED_SKIPS:
                        skipped_at.append(f"{path}:{number}")
    for target, seen in targets.items():
        counts[Request(target)] += seen
    if progress is not None:
        progress(lines)
    return Traffic(dict(counts), lines, skipped, tuple(skipped_at))


# --------------------------------------------------------------------------------------------------
# Work spread over processes
# --------------------------------------------------------------------------------------------------

#: What a worker process holds: both routers, the rules to generate for, examples to keep.
_WORKER: dict[str, Any] = {}


def _start_worker(old: Router, new: Router, rules: Sequence[Rule], examples: int) -> None:
    """A worker's initializer: both routers once, for every task it runs."""
    _WORKER.update(old=old, new=new, rules=rules, examples=examples)


def _run_task(task: tuple[str, Any]) -> Any:
    """One task in a worker: compare a chunk of requests, or generate for a range of rules."""
    what, payload = task
    if what == "resolve":
        return compare(_WORKER["old"], _WORKER["new"], payload, _WORKER["examples"])
    start, stop, limit = payload
    return _rule_requests(_WORKER["rules"][start:stop], limit)


def _context(start_method: str | None) -> multiprocessing.context.BaseContext:
    """`fork` on Linux (the workers inherit both routers as they are, with nothing pickled),
    else the platform's default (macOS and Windows spawn: each worker unpickles them once)."""
    if start_method is None and sys.platform.startswith("linux"):
        start_method = "fork"
    return multiprocessing.get_context(start_method)


def _in_workers(
    old: Router,
    new: Router,
    tasks: Sequence[tuple[str, Any]],
    jobs: int,
    progress: Progress | None,
    total: int,
    *,
    weights: Sequence[int],
    rules: Sequence[Rule] = (),
    examples: int = EXAMPLES,
    start_method: str | None = None,
) -> list[Any]:
    """Every task's result, in task order, run by `jobs` processes."""
    context = _context(start_method)
    forking = context.get_start_method() == "fork"
    if forking:
        # Objects alive now are never collected in the workers, so the collector does not
        # touch (and copy) the pages of two large tables in every one of them.
        gc.freeze()
    try:
        with concurrent.futures.ProcessPoolExecutor(
            jobs, context, initializer=_start_worker, initargs=(old, new, rules, examples)
        ) as pool:
            futures = {pool.submit(_run_task, task): n for n, task in enumerate(tasks)}
            if forking:
                gc.unfreeze()
                forking = False
            results: list[Any] = [None] * len(tasks)
            done = 0
            for future in concurrent.futures.as_completed(futures):
                n = futures[future]
                results[n] = future.result()
                done += weights[n]
                if progress is not None:
                    progress(tasks[n][0], done, total)
            return results
    finally:
        if forking:
            gc.unfreeze()


# --------------------------------------------------------------------------------------------------
# diff
# --------------------------------------------------------------------------------------------------


def _counts(
    requests: Iterable[RequestLike] | Mapping[Any, int], reads: Reads
) -> dict[Request, int]:
    """Distinct requests with how often each was given (a mapping gives its counts)."""
    counts: collections.Counter[Request] = collections.Counter()
    if isinstance(requests, Mapping):
        for item, seen in requests.items():
            if not isinstance(seen, int) or seen < 1:
                raise ValueError(f"got a count of {seen!r} for {item!r}; expected a positive int")
            counts[reads.request(item)] += seen
    else:
        for item in requests:
            counts[reads.request(item)] += 1
    return counts


def diff(
    old: Router,
    new: Router,
    requests: Iterable[RequestLike] | Mapping[Any, int] | None = None,
    *,
    jobs: int = 1,
    examples: int = EXAMPLES,
    progress: Progress | None = None,
    start_method: str | None = None,
) -> DiffReport:
    """Which requests the new table sends somewhere else than the old one does.

    `requests` are URL strings (path and query), `(url, headers)` pairs or `Request`s; a
    repeated one counts as often as it comes, and a mapping gives each request's count (as
    `read_access_logs` does). None: the tables' own requests (`generated_requests`). Only the
    headers a condition of either table reads are kept (`Reads`). `jobs` processes share the
    distinct requests, each given both routers once (`start_method` as `multiprocessing` names
    them: `fork` by default on Linux); each group keeps its `examples` most seen
    changes; `progress(stage, done, total)` is told as the work goes.
    """
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"got jobs={jobs!r} ({type(jobs).__name__}); expected a positive int")
    if not isinstance(examples, int) or examples < 0:
        raise ValueError(
            f"got examples={examples!r} ({type(examples).__name__}); expected an int >= 0"
        )
    generated = requests is None
    if requests is None:
        made = generated_requests(old, new, jobs=jobs, progress=progress)
        counts: Mapping[Request, int] = dict.fromkeys(made, 1)
    else:
        counts = _counts(requests, Reads.of(old, new))
    items = list(counts.items())
    chunks = [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]
    tally = _Tally(examples)
    if jobs == 1 or len(chunks) <= 1:
        done = 0
        for chunk in chunks:
            tally.add_report(compare(old, new, chunk, examples))
            done += len(chunk)
            if progress is not None:
                progress("resolve", done, len(items))
    else:
        parts = _in_workers(
            old,
            new,
            [("resolve", chunk) for chunk in chunks],
            jobs,
            progress,
            len(items),
            weights=[len(chunk) for chunk in chunks],
            examples=examples,
            start_method=start_method,
        )
        for part in parts:
            tally.add_report(part)
    return tally.report(len(items), sum(counts.values()), generated=generated)


def default_jobs(distinct: int) -> int:
    """Processes worth starting for this many distinct requests: every core past 20,000 (fewer
    are resolved faster than processes start), else one."""
    return max(1, os.cpu_count() or 1) if distinct > 20_000 else 1
