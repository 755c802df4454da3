"""One resolution: Next.js's routing phases over a request, in resolve-routes.js's order.

The order is server/lib/router-utils/resolve-routes.js (§5 of
../shared/reference/nextjs-semantics.md):

    '//' or '\\' → 308 │ headers (all) │ redirects (first) │ beforeFiles (chained, no file check)
    │ check_fs (exact pages) │ afterFiles (each internal match re-checks pages and dynamic routes)
    │ dynamic routes │ fallback (same) │ 404

An external destination ends resolution at once (PROXIED); header rules are not sent on redirects
and proxied responses. The phases say what Next.js does and nothing else: every event worth a
line in an explanation goes to a tracer (`Tracer` does nothing, `Recorder` writes the steps), so
`resolve()` never builds trace text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._conditions import ConditionError, RequestView, match_conditions
from ._destination import Rendered, RenderError, compile_non_path
from ._index import Candidates, Index, PathView, TableIndex, need_key
from ._js.node import (
    format_legacy,
    header_refusal,
    header_text,
    inherits,
    initial_query_encoder,
    query_object,
    querystring_stringify,
    request_header_refusal,
)
from ._js.uri import escape
from ._js.url import DOT_SEGMENT, UNCHANGED_PATH_CHARS, URLError, parse_url
from ._pages import RouteMatch
from ._plan import GENERAL, NO_PLAN, General, plan
from ._results import Kind, Outcome, Resolution, Stage, Step, new_resolution
from ._rules import Phase, Rule, set_constant, set_plan
from ._steps import Extra, Steps
from ._values import Params, Query, QueryValue, RenderValue
from .errors import RequestError

if TYPE_CHECKING:
    from .router import Router

__all__ = [
    "Recorder",
    "Run",
    "Tracer",
    "has_repeated_slashes",
    "path_has_prefix",
    "resolve_indexed",
]


_STAGE = {phase: Stage(phase.value) for phase in Phase}
#: `Run.conditions`' answer for conditions that do not hold (compared by identity).
_FAILED: Query = {}


class _Done(Exception):
    """Resolution finished early with this result."""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution


class Tracer:
    """Hears every event of a resolution worth a line in a trace, and does nothing with them.

    `Recorder` writes them down. Each method is named for what happened in the run.
    """

    def watch(
        self, phase: Phase, candidates: Candidates, start: int, every: Candidates
    ) -> Candidates:
        """The candidates a phase will try (from `start`), as the tracer wants them seen;
        `every` is what they would be if the request sent every header and cookie."""
        return candidates

    def normalized(self, location: str) -> None:
        """Repeated slashes or backslashes: a 308 before anything else."""

    def no_match(self, phase: Phase, rule: Rule) -> None:
        """The rule's source did not match the path."""

    def conditions_failed(
        self, phase: Phase, rule: Rule, params: Mapping[str, Any], run: Run
    ) -> None:
        """The source matched with `params`, but the rule's conditions do not hold."""

    def headers_added(self, rule: Rule, params: Mapping[str, Any]) -> None:
        """A header rule matched and added its headers."""

    def redirected(self, rule: Rule, params: Mapping[str, Any], location: str) -> None:
        """A redirect rule matched and answers with `location`."""

    def proxied(self, phase: Phase, rule: Rule, params: Mapping[str, Any], url: str) -> None:
        """A rewrite matched and sends the request to an external `url`."""

    def rewritten(
        self, phase: Phase, rule: Rule, params: Mapping[str, Any], before: str, after: str
    ) -> None:
        """An internal rewrite changed the path from `before` to `after`."""

    def checked(self, phase: Phase, rule: Rule, found: RouteMatch | None, path: str) -> None:
        """After a rewrite, the pages were checked for the new `path`."""

    def page(self, stage: Stage, found: RouteMatch | None, path: str) -> None:
        """A page check (check_fs, dynamic routes) outside any rule."""

    def note(self, stage: Stage, outcome: Outcome, detail: str, rule: Rule | None = None) -> None:
        """A step of i18n or the middleware (`_steps`)."""


class Recorder(Tracer):
    """A tracer that writes every event down as a `Step`."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.steps: list[Step] = []

    def add(self, stage: Stage, outcome: Outcome, detail: str, rule: Rule | None = None) -> None:
        """Record one step."""
        self.steps.append(Step(stage, outcome, detail, rule))

    note = add

    def watch(
        self, phase: Phase, candidates: Candidates, start: int, every: Candidates
    ) -> Candidates:
        """Say when a phase is empty, which rules were skipped for a header or cookie the
        request does not send, and how many others the index skipped once it is done."""
        rules = self.router.phase(phase)
        if not rules:
            self.add(_STAGE[phase], Outcome.EMPTY, "no rules")
            return candidates
        return self._counted(phase, candidates, start, len(rules), every)

    def _counted(
        self, phase: Phase, candidates: Candidates, start: int, total: int, every: Candidates
    ) -> Candidates:
        """The candidates in order, a step for each rule of `every` among them that the request
        cannot meet, then (when they run out) the count of rules never offered."""
        if start == 0:
            self._offered = 0
        upcoming = next(candidates, None)
        for position, rule in every:
            self._offered += 1
            if upcoming is not None and upcoming[0] == position:
                yield upcoming
                upcoming = next(candidates, None)
                continue
            self.add(
                _STAGE[phase],
                Outcome.SKIPPED,
                f"{_why_unsent(rule)}: the request does not send it (source not tried)",
                rule,
            )
        skipped = total - self._offered
        if skipped > 0:
            self.add(
                _STAGE[phase],
                Outcome.SKIPPED,
                f"{skipped} other rule(s) skipped: the literal text they need is not "
                "in this path, or they only apply on another host",
            )

    _offered = 0

    def normalized(self, location: str) -> None:
        self.add(
            Stage.NORMALIZE,
            Outcome.REDIRECT,
            f"repeated slashes or backslashes: 308 to {location}",
        )

    def no_match(self, phase: Phase, rule: Rule) -> None:
        self.add(_STAGE[phase], Outcome.NO_MATCH, "source did not match", rule)

    def conditions_failed(
        self, phase: Phase, rule: Rule, params: Mapping[str, Any], run: Run
    ) -> None:
        why = _why_conditions(rule, run.view, run.query_for_has())
        self.add(
            _STAGE[phase],
            Outcome.CONDITIONS,
            f"source matched {_show(params)}, but {why}",
            rule,
        )

    def headers_added(self, rule: Rule, params: Mapping[str, Any]) -> None:
        added = ", ".join(k for k, _ in rule.headers)
        self.add(Stage.HEADERS, Outcome.MATCHED, f"matched {_show(params)}: adds {added}", rule)

    def redirected(self, rule: Rule, params: Mapping[str, Any], location: str) -> None:
        self.add(
            Stage.REDIRECTS,
            Outcome.REDIRECT,
            f"matched {_show(params)}: {rule.status} to {location}",
            rule,
        )

    def proxied(self, phase: Phase, rule: Rule, params: Mapping[str, Any], url: str) -> None:
        self.add(_STAGE[phase], Outcome.PROXIED, f"matched {_show(params)}: proxied to {url}", rule)

    def rewritten(
        self, phase: Phase, rule: Rule, params: Mapping[str, Any], before: str, after: str
    ) -> None:
        self.add(
            _STAGE[phase],
            Outcome.REWRITTEN,
            f"matched {_show(params)}: rewritten {before!r} → {after!r}",
            rule,
        )

    def checked(self, phase: Phase, rule: Rule, found: RouteMatch | None, path: str) -> None:
        if found is not None:
            self.add(_STAGE[phase], Outcome.SERVED, f"page {found.route} serves {path!r}", rule)
        else:
            self.add(
                _STAGE[phase],
                Outcome.CONTINUE,
                f"no page serves {path!r}: the next rule sees it",
                rule,
            )

    def page(self, stage: Stage, found: RouteMatch | None, path: str) -> None:
        if found is not None:
            self.add(stage, Outcome.FOUND, f"page {found.route} serves {path!r}")
        elif stage is Stage.CHECK_FS:
            self.add(stage, Outcome.MISS, f"no page or file is exactly {path!r}")
            if "/_next/data/" in path and self.router.data is None:
                self.add(
                    stage,
                    Outcome.NOTE,
                    "the pages' /_next/data routes are not known (data_routes not given): "
                    "none is assumed",
                )
        else:
            self.add(stage, Outcome.MISS, f"no page serves {path!r}")


#: The tracer of `resolve()`: it hears everything and keeps nothing.
SILENT = Tracer()
#: A request without headers (and so without cookies), shared: nothing changes it.
_NO_HEADERS = RequestView({})


class Run(Steps):
    """One resolution: the mutable parsedUrl state of resolve-routes."""

    __slots__ = (
        "extra",
        "fs_missed",
        "host",
        "init_query",
        "last_rewrite",
        "locale",
        "lookup",
        "path",
        "pathname",
        "query",
        "res_headers",
        "router",
        "search",
        "split",
        "split_for",
        "table",
        "trace",
        "unchecked",
        "url",
        "view",
    )

    def __init__(
        self,
        router: Router,
        url: str,
        headers: Mapping[str, Any] | None,
        tracer: Tracer = SILENT,
    ) -> None:
        self.router = router
        self.table = router.table
        self.trace = tracer
        if headers:
            self.view = RequestView(_headers(headers))
            self.host = self.view.host or ""  # what the index files host-only rules under
        else:
            self.view = _NO_HEADERS
            self.host = ""
        self.url = url
        self.res_headers: Params = {}
        #: Whether a header in `res_headers` may be one Node refuses (one a rule rendered, or
        #: one whose rule's fixed headers are not all sendable: `_header_plan`).
        self.unchecked = False
        #: The pathname as Next.js holds it ('' after a rewrite to a bare query), and the path
        #: that sources and pages are matched against ('/' for '').
        self.pathname = ""
        self.path = "/"
        self.lookup: PathView  # set with the pathname, by `start`
        self.query: Query = {}
        self.init_query: dict[str, str | list[str]] = {}
        self.search = ""  # the request's search ('?...'), as parsedUrl.search keeps it
        self.last_rewrite: Rule | None = None
        #: The path check_fs found no page or file for (check_true need not look it up again).
        self.fs_missed: str | None = None
        #: The index's candidates of every phase for `split_for` (the lookup they are for).
        self.split: dict[int, list[tuple[int, Rule]]] = {}
        self.split_for: PathView | None = None
        #: i18n and middleware state (`_steps`), None when the router has neither.
        features = router.features
        self.extra = None if features is None else Extra(features)
        self.locale: str | None = None

    def set_pathname(self, pathname: str) -> None:
        """Assign the pathname (and the path it is matched as, and looked up as)."""
        self.pathname = pathname
        self.path = pathname or "/"
        self.lookup = PathView(self.path)

    # --- request -----------------------------------------------------------------------------

    def start(self) -> None:
        """Parse the request target; '//' and '\\' get a 308 before anything else."""
        url = self.url
        plain = _plain_target(url)
        if plain is not None:
            # Nothing the URL parser would change: skip it (it is most of a resolve's cost).
            path, query = plain
            self.set_pathname(path)
            if query:
                self.set_query("?" + query)
            return
        if not url.startswith("/"):
            self.start_absolute(url)
            return
        if has_repeated_slashes(url.split("?", 1)[0]):
            target = parse_url("http://n" + _normalize_repeated_slashes(url))
            location = format_legacy(
                pathname=target.pathname, search=target.search, hash=target.hash
            )
            self.trace.normalized(location)
            raise _Done(Resolution(Kind.REDIRECT, location, status=308))
        parsed = parse_url("http://n" + url)
        self.set_pathname(parsed.pathname)
        if parsed.search:
            self.set_query(parsed.search)

    def start_absolute(self, url: str) -> None:
        """A target that is not a path, as Next.js's `parseUrl` takes it: a full URL with '//' or
        '\\' before its query is a 308 to itself (normalised: `http://evil.com/x` answers
        `Location: http://evil.com/x`), another URL is routed by its path, anything else is
        'Invalid URL' (500). Pass the path and query of a full URL to route it instead."""
        try:
            parsed = parse_url(url)
        except URLError:
            raise RequestError(
                f"the request target must be a path ('/...') or a full URL, got {url!r} "
                "(Next.js fails with 'Invalid URL' and answers 500)",
                status=500,
            ) from None
        if has_repeated_slashes(url.split("?", 1)[0]):
            try:
                target = parse_url(_normalize_repeated_slashes(url))
            except URLError:
                raise RequestError(
                    f"the request target {url!r} has repeated slashes, and without them it is "
                    "not a URL (Next.js fails with 'Invalid URL' and answers 500)",
                    status=500,
                ) from None
            location = format_legacy(
                protocol=target.protocol,
                slashes=target.has_host,
                auth=f"{target.username}:{target.password}" if target.password else target.username,
                hostname=target.hostname,
                port=target.port,
                pathname=target.pathname,
                search=target.search,
                hash=target.hash,
            )
            self.trace.normalized(location)
            raise _Done(Resolution(Kind.REDIRECT, location, status=308))
        self.set_pathname(parsed.pathname)
        if parsed.search:
            self.set_query(parsed.search)

    def set_query(self, search: str) -> None:
        """Take the request's query (a non-empty search string) as Next.js parses it."""
        # A list may hold None for a key named like an inherited JS property (`constructor`):
        # Next.js carries that value along as it is, and so do conditions and templates here.
        self.search = search
        plain = _plain_query(search)
        self.query = dict(query_object(search)) if plain is None else plain  # type: ignore[arg-type]
        self.init_query = self.query_for_has()

    # --- matching ----------------------------------------------------------------------------

    def candidates(self, phase: Phase, start: int = 0) -> Iterable[tuple[int, Rule]]:
        """The phase's rules from `start` on that may match the current path, in table order."""
        if self.trace is SILENT and self.router.shared is not None:
            # The path's candidates of every phase, split once.
            split = self.split if self.split_for is self.lookup else self.split_phases()
            mine = split.get(_NUMBER[phase])
            if mine is None:
                return ()
            return [c for c in mine if c[0] >= start] if start else mine
        index: Index = self.router.indexes[phase]
        found = index.candidates(self.lookup, start, self.host, self.view)
        if self.trace is SILENT:
            return found  # the plain loop's, one rule at a time
        every = index.candidates(self.lookup, start, self.host)
        watched: Candidates = self.trace.watch(phase, found, start, every)
        return watched

    def split_phases(self) -> dict[int, list[tuple[int, Rule]]]:
        """The shared index's candidates of every phase for the current path, kept with it
        (only for an indexed router)."""
        shared = self.router.shared
        assert shared is not None
        self.split = shared.split(self.lookup, self.host, self.view)
        self.split_for = self.lookup
        return self.split

    def params_for(
        self, rule: Rule, phase: Phase, values: bool = True
    ) -> tuple[dict[str, RenderValue], Sequence[Any]] | None:
        """The rule's params for the current path (source and conditions), or None. Without
        `values` the source's are not taken out (the caller uses none): only its conditions'."""
        conditioned = bool(rule.has or rule.missing)
        # Not tracing, a rule's conditions are tested before its source, once: they read the
        # request, never the path's params, so a rule whose conditions fail does not apply
        # whether or not its source matches. (The trace keeps Next.js's order.)
        captured = self.conditions(rule) if conditioned and self.trace is SILENT else None
        if captured is _FAILED:
            return None
        timeout = self.router.match_timeout
        found: tuple[dict[str, RenderValue], Sequence[Any]] | None
        try:
            path = self.path if not rule.internal or self.extra is None else self.internal_path()
            if values:
                found = rule.pattern.route_params(path, timeout=timeout)
            else:
                found = ({}, ()) if rule.pattern.matches(path, timeout=timeout) else None
        except TimeoutError:
            raise RequestError(
                f"{rule.place} {rule.source!r}: matching the path ({len(self.path)} characters) "
                f"took over the match_timeout of {timeout:g} s (Next.js would keep backtracking; "
                "see docs/security.md)",
                status=500,
            ) from None
        if found is None:
            self.trace.no_match(phase, rule)
            return None
        params, groups = found
        if conditioned:
            if captured is None:
                try:
                    captured = match_conditions(
                        rule.has, rule.missing, self.view, self.query_for_has(), timeout
                    )
                except ConditionError as exc:
                    raise RequestError(f"{rule.place} {rule.source!r}: {exc}", status=500) from None
                if captured is None:
                    self.trace.conditions_failed(phase, rule, params, self)
                    return None
            params.update(captured)
        return params, groups

    def conditions(self, rule: Rule) -> Query | None:
        """What a rule's `has`/`missing` conditions capture when they hold, `_FAILED` when they
        certainly do not, and None when the usual order must decide: a condition Next.js fails
        the request on (or one past the time bound) fails it only once the source matched."""
        try:
            query = self.query_for_has()
            timeout = self.router.match_timeout
            found = match_conditions(rule.has, rule.missing, self.view, query, timeout)
        except ConditionError:
            return None
        return _FAILED if found is None else found

    def query_for_has(self) -> dict[str, str | list[str]]:
        """The current query as `has` conditions read it."""
        return {k: v for k, v in self.query.items() if v is not None}

    def constant(self, rule: Rule, params: Mapping[str, Any], groups: Sequence[Any]) -> bool:
        """Whether the rule's destination gets nothing from this request, no params, no `$N`
        values and no query, so that what it makes of it is what it makes of any such request:
        kept on the rule (`Rule._constant`) by the first, read by the others. Most rules of a
        large table have a literal source, and most requests no query."""
        return not params and not groups and not self.query

    def render(
        self, rule: Rule, params: dict[str, RenderValue], groups: Sequence[Any], append: bool
    ) -> Rendered:
        """Render the rule's destination; a failure is Next.js's 500."""
        assert rule.destination is not None
        try:
            return rule.destination.render(params, groups, self.query, append=append)
        except RenderError as exc:
            raise RequestError(
                f"{rule.place} ({rule.source!r} → {rule.destination.destination!r}) cannot be "
                f"rendered for this request: {exc} (Next.js answers 500)",
                status=500,
            ) from None

    # --- phases ------------------------------------------------------------------------------

    def headers(self) -> None:
        """Every matching header rule adds its headers; later rules overwrite, set-cookie adds."""
        silent = self.trace is SILENT
        for _, rule in self.candidates(_HEADERS):
            named, sendable, fixed = rule._plan or _header_plan(rule)
            # Headers that name no param (most: security headers on `/:path*`) need no values.
            got = self.params_for(rule, _HEADERS, named or not silent)
            if got is None:
                continue
            params, _ = got
            if not sendable:
                self.unchecked = True  # `local` checks what Node would refuse
            if fixed is not None:
                self.res_headers.update(fixed)  # (each set in turn, as the loop below would)
                self.trace.headers_added(rule, params)
                continue
            for key, value in rule.headers:
                if params and named:
                    try:
                        key = compile_non_path(key, params)
                        value = compile_non_path(value, params)
                    except RenderError as exc:
                        raise RequestError(
                            f"{rule.place}: header {key!r} cannot be rendered: {exc} "
                            "(Next.js answers 500)",
                            status=500,
                        ) from None
                if key.lower() == "set-cookie":
                    existing = self.res_headers.get(key)
                    cookies = (
                        existing
                        if isinstance(existing, list)
                        else ([existing] if isinstance(existing, str) else [])
                    )
                    cookies.append(value)
                    self.res_headers[key] = cookies
                else:
                    self.res_headers[key] = value
            self.trace.headers_added(rule, params)

    def redirects(self) -> Resolution | None:
        """The first matching redirect finishes the request: its resolution."""
        extra = self.extra
        candidates = (
            self.candidates(_REDIRECTS)
            if extra is None or extra.start is None
            else self.redirect_candidates()
        )
        # The usual request takes each rule's plan (`_plan`), and the general way where it has
        # none or cannot tell.
        planned = self.trace is SILENT and extra is None and not self.query
        path, timeout = self.path, self.router.match_timeout
        for _, rule in candidates:
            if planned:
                answer = _planned_redirect(rule, path, timeout)
                if answer is None:
                    continue
                if answer is not GENERAL:
                    return answer  # type: ignore[return-value]
            got = self.params_for(rule, _REDIRECTS)
            if got is None:
                continue
            params, groups = got
            constant = self.constant(rule, params, groups)
            location = rule._constant if constant else None
            if location is None:
                location = self.location(rule, params, groups)
                if constant:
                    set_constant(rule, location)
            self.trace.redirected(rule, params, location)
            return new_resolution(_REDIRECT, location, None, {}, None, {}, rule.status, {}, rule)
        return None

    def location(self, rule: Rule, params: dict[str, RenderValue], groups: Sequence[Any]) -> str:
        """A matching redirect's Location; a failure (one Node would not send) is Next.js's 500.

        A request with no query, to a destination that every request parses alike, gets its
        origin and the path its params render (`Template.plain_target`) when `url.format` would
        write that path as it is (no '#', '?', '//' or '\\' in it): the render, query and
        format it would otherwise go through give back the same text."""
        assert rule.destination is not None
        target = None if self.query else rule.destination.plain_target(params)
        if target is not None and _FORMATTED.search(target[1]) is None:
            location = target[0] + target[1]
        else:
            dest = self.render(rule, params, groups, append=False)
            search = self.stringify(dest.query) if dest.query else ""
            pathname = dest.pathname
            if "//" in pathname or "\\" in pathname:
                pathname = _normalize_repeated_slashes(pathname)
            location = _format(dest, pathname, search)
        # ' ' to '~' only: nothing Node refuses in a header value.
        printable = location.isascii() and location.isprintable()
        refused = None if printable else header_refusal("location", location)
        if refused is not None:
            raise RequestError(
                f"{rule.place} {rule.source!r}: the Location {location!r} cannot be "
                f"sent: {refused} (Next.js answers 500)",
                status=500,
            )
        return location

    def rewrite(self, rule: Rule, phase: Phase, check: bool) -> RouteMatch | Resolution | None:
        """Apply one rewrite rule if it matches; with `check`, look for a page afterwards. A
        proxied request is finished: its resolution."""
        target = (
            GENERAL
            if self.trace is not SILENT or self.extra is not None or self.query
            else _planned_rewrite(rule, self.path, self.router.match_timeout)
        )
        if target is None:
            return None
        params: Mapping[str, Any]
        query: Mapping[str, QueryValue | None]
        if type(target) is str:
            # A local rewrite to the path the rule's plan wrote: no search, no query.
            pathname, search, query, params = target, "", _NO_QUERY, _NO_QUERY
        elif isinstance(target, Resolution):
            return target  # a proxied request's
        else:
            got = self.general_rewrite(rule, phase)
            if got is None or isinstance(got, Resolution):
                return got
            pathname, search, query, params = got
        before = self.pathname
        if self.view.headers.get("rsc") == "1":
            # resolve-routes.js: an RSC request is told where an internal rewrite took it (an
            # external one only for `experimental.clientParamParsingOrigins`, not modelled).
            if before != pathname:
                self.res_headers["x-nextjs-rewritten-path"] = pathname
            if self.search != search:
                self.res_headers["x-nextjs-rewritten-query"] = search[1:]
        if self.extra is not None:
            self.rewritten_locale(pathname)
        self.set_pathname(pathname)
        if query:
            self.query.update(query)
        self.last_rewrite = rule
        self.trace.rewritten(phase, rule, params, before, self.pathname)
        if not check:
            return None
        found = self.check_true()
        self.trace.checked(phase, rule, found, self.pathname)
        return found

    def general_rewrite(
        self, rule: Rule, phase: Phase
    ) -> Resolution | tuple[str, str, Params | Query, Mapping[str, Any]] | None:
        """A rewrite worked out in full: the resolution of a proxied one, else the path,
        search and query it rewrites to and the params it matched; None when it does not
        apply."""
        got = self.params_for(rule, phase)
        if got is None:
            return None
        params, groups = got
        constant = self.constant(rule, params, groups)
        kept: Rendered | str | None = rule._constant if constant else None
        destination = rule.destination
        assert destination is not None
        target = None if kept is not None or self.query else destination.plain_target(params, True)
        # The rendered path, search and query of a local rewrite.
        pathname, search, query = "", "", _NO_QUERY
        if isinstance(kept, str):
            url: str | None = kept  # a proxied rule's URL
        elif target is not None and target[0] and _plain_proxied_path(target[1]):
            # What render, url.format and the URL parser would make of it: origin and path.
            url = target[0] + target[1]
            if constant:
                set_constant(rule, url)
        elif target is not None and not target[0] and "#" not in target[1]:
            url = None  # a local rewrite to the path its params render: no search, no query
            pathname = target[1]
        else:
            dest = kept or self.render(rule, params, groups, append=True)
            url = self.proxy_url(dest) if dest.external else None
            if constant and kept is None:
                set_constant(rule, dest if url is None else url)
            pathname, search, query = dest.pathname, dest.search, dest.query
        if url is not None:
            self.trace.proxied(phase, rule, params, url)
            return new_resolution(_PROXIED, url, None, {}, None, {}, None, {}, rule)
        return pathname, search, query, params

    def chain(self, phase: Phase, check: bool) -> RouteMatch | Resolution | None:
        """A rewrite phase in order; each rule sees the path as the rules before it left it.
        The page found (with `check`), or the resolution of a proxied request."""
        start = 0
        while True:
            path = self.path
            for position, rule in self.candidates(phase, start):
                found = self.rewrite(rule, phase, check)
                if found is not None:
                    return found
                if self.path != path:
                    # Rewritten: the rules after this one see the new path.
                    start = position + 1
                    break
            else:
                return None

    def check_fs(self) -> RouteMatch | None:
        """The exact-page check between beforeFiles and afterFiles (no dynamic routes):
        getItem's order, `/_next/image`, then public files, then pages."""
        if self.extra is not None and self.extra.features.files is not None:
            return self.files_check()  # with locales or data routes (`_steps`)
        router = self.router
        if router.routes is None and router.public is None:
            return None
        path = self.strip_base(self.path)
        found = _exact_file(router, path)
        if found is None and path is not None:
            self.fs_missed = path
        self.trace.page(_CHECK_FS, found, self.pathname)
        return found

    def check_true(self) -> RouteMatch | None:
        """Next.js's `checkTrue`: an exact page, else the dynamic routes in their order."""
        if self.extra is not None and self.extra.features.files is not None:
            return self.files_check_true()  # with locales or data routes (`_steps`)
        router = self.router
        if router.routes is None and router.public is None:
            return None
        path: str | None = self.pathname
        if self.table.base_path:
            path = self.strip_base(self.path)
        return None if path is None else _any_page(router, path, self.fs_missed)

    def strip_base(self, path: str) -> str | None:
        """The path without basePath (None when it lacks it), as getItem does."""
        return _strip_base(self.table.base_path, path)

    # --- output ------------------------------------------------------------------------------

    def stringify(self, query: Mapping[str, Any]) -> str:
        """`stringifyQuery`: only keys and values from the original query are encoded."""
        plain = _plain_stringify(query)
        if plain is not None:
            return plain  # nothing to encode, whichever keys came from the request
        return querystring_stringify(query, initial_query_encoder(self.init_query))

    def proxy_url(self, dest: Rendered) -> str:
        """The upstream URL as proxy-request.js builds it (`new URL(url.format(parsedUrl))`)."""
        search = self.stringify(dest.query) if dest.query else ""
        text = _format(dest, dest.pathname, search)
        if _plain_url(text):
            return text  # what the URL parser would give back unchanged: skip it
        try:
            return parse_url(text).href
        except URLError as exc:
            raise RequestError(
                f"the proxied URL {text!r} is not valid: {exc.message} (Next.js answers 500)",
                status=500,
            ) from None

    def local(self, kind: Kind, found: RouteMatch | None) -> Resolution:
        """A local (or not found) result for the current path and query."""
        if self.unchecked:
            for name, value in self.res_headers.items():
                refused = header_refusal(name, value)
                if refused is not None:
                    raise RequestError(
                        f"a header rule's header cannot be sent: {refused} (Next.js answers 500)",
                        status=500,
                    )
        pathname = self.pathname
        query = self.query_for_has() if self.query else {}
        url = pathname
        if query:
            text = _plain_stringify(query) or querystring_stringify(query, escape)
            url = pathname + "?" + text if text else pathname
        route, params = (None, {}) if found is None else (found.route, dict(found.params))
        headers, rule = dict(self.res_headers), self.last_rewrite
        return new_resolution(kind, url, pathname, query, route, params, None, headers, rule)

    def run(self, resumed: bool = False, redirected: bool = False) -> Resolution:
        """The phases in Next.js's order (a phase without rules is only visited when tracing).

        `resumed` goes on from where `resolve_indexed` left off: the target parsed and the path's
        candidates split, and with `redirected` the redirects tried."""
        extra = self.extra
        try:
            if not resumed:
                if extra is not None:
                    redirect = self.locale_redirect()  # router-server, before resolve-routes
                    if redirect is not None:
                        raise _Done(redirect)
                self.start()
                if extra is not None:
                    self.add_locale()
                    self.next_data()
            plan = self.router.plan
            files = plan[5] or extra is not None  # (i18n and data routes answer without files)
            if self.trace is not SILENT:
                headers = redirects = before = after = fallback = files = True
            elif extra is None and self.router.shared is not None:
                # A phase with no candidate for the path is skipped. Until a rewrite changes the
                # path (only a phase with candidates can), the path's split says which have one;
                # after it, the router's plan (with i18n or middleware the path may change
                # without a rewrite: the plan alone).
                split = self.split if self.split_for is self.lookup else self.split_phases()
                headers, before = 0 in split, 2 in split
                redirects = 1 in split and not redirected
                after = plan[3] if before else 3 in split
                fallback = plan[4] if before or after else 4 in split
            else:
                headers, redirects, before, after, fallback = plan[:5]
            if headers:
                self.headers()
            if redirects:
                done = self.redirects()
                if done is not None:
                    return done if extra is None else self.finish(done)
            if extra is not None:
                self.middleware()
            found: RouteMatch | Resolution | None = None
            if before:
                found = self.chain(_BEFORE_FILES, check=False)
            if found is None and files:
                found = self.check_fs()
            if found is None and after:
                found = self.chain(_AFTER_FILES, check=True)
            if found is None and files:
                found = self.check_true()
                self.trace.page(_DYNAMIC_ROUTES, found, self.pathname)
            if found is None and fallback:
                found = self.chain(_FALLBACK, check=True)
            if isinstance(found, Resolution):
                return found if extra is None else self.finish(found)  # proxied
            if found is not None:
                resolution = self.local(_LOCAL, found)
                return resolution if extra is None else self.finish(resolution)
        except _Done as done:
            return done.resolution if extra is None else self.finish(done.resolution)
        kind = _LOCAL if self.router.routes is None else _NOT_FOUND
        resolution = self.local(kind, None)
        return resolution if extra is None else self.finish(resolution)


def resolve_indexed(router: Router, url: str, headers: Mapping[str, Any] | None) -> Resolution:
    """`Run(router, url, headers).run()` for an indexed router without i18n or middleware.

    The usual request (a target the URL parser leaves as it is, no query) is answered here, in
    the same phases as `Run.run`, from the path's candidates (global positions: each phase is a
    range of them), the rules' plans (`_plan`) and the header rules' fixed headers, without the
    `Run` that holds what every phase may change and tells a tracer each step. The first thing
    only a `Run` can tell (a header rule that names a param or sets a cookie, a rule with
    conditions or without a plan, a plan that cannot tell, an RSC request) goes on in a `Run`
    from where this stopped, or, once a rewrite changed the path, in a new one: nothing here is
    kept where a `Run` reads it.
    """
    plain = _plain_target(url)
    if plain is None or plain[1]:
        return Run(router, url, headers).run()  # (`Run.start` says what to make of it)
    path = plain[0]
    if headers:
        view = RequestView(_headers(headers))
        host = view.host or ""
    else:
        view, host = _NO_HEADERS, ""
    lookup = PathView(path)
    shared = router.shared
    assert shared is not None
    found = shared.walk(lookup, host, view)  # the candidates' global positions, in order
    timeout = router.match_timeout
    added: Params | None = {}  # what the header rules add (None: only a Run can tell)
    redirected = True  # whether every redirect among the candidates was tried, none matching
    if found:
        offsets = shared.offsets
        first, later = offsets[_REDIRECTS_AT], offsets[_REDIRECTS_AT + 1]
        start = 0
        if found[0] < first:
            added = _planned_headers(shared, found, first, path, timeout)
            start = bisect_left(found, first)
        if added is None:
            redirected = False
        else:
            for at in range(start, len(found)):
                position = found[at]
                if position >= later:
                    break  # the rewrites' candidates
                answer = _planned_redirect(shared.rule_at(position), path, timeout)
                if answer is None:
                    continue
                if answer is GENERAL:
                    redirected = False
                    break
                return answer  # type: ignore[return-value]
    if redirected and added is not None and "rsc" not in view.headers:
        rest = _planned_rest(router, shared, path, found, host, view, added)
        if isinstance(rest, Resolution):
            return rest
        if not rest:
            return Run(router, url, headers).run()  # again (nothing here changed a thing)
    run = Run(router, url, None)
    run.view, run.host = view, host
    run.set_pathname(path)
    run.split, run.split_for = shared.split_of(found), run.lookup
    return run.run(resumed=True, redirected=redirected)


def _planned_headers(
    shared: TableIndex, found: list[int], end: int, path: str, timeout: float | None
) -> Params | None:
    """What the header rules among the candidates (global positions below `end`) add for a
    request that `resolve_indexed` took, when each is a fixed set of headers Node sends as they
    are, without `set-cookie` and without conditions (`_header_plan`: most are, such as security
    headers on `/:path*`); None when one is not, for a `Run` to tell."""
    added: Params = {}
    for position in found:
        if position >= end:
            break
        rule = shared.rule_at(position)
        if rule.has or rule.missing:
            return None
        _, sendable, fixed = rule._plan or _header_plan(rule)
        if fixed is None or not sendable:
            return None
        try:
            if not rule.pattern.matches(path, timeout=timeout):
                continue
        except TimeoutError:
            return None  # (a Run says so)
        added.update(fixed)
    return added


def _planned_rest(
    router: Router,
    shared: TableIndex,
    path: str,
    found: list[int],
    host: str,
    view: RequestView,
    added: Params,
) -> Resolution | bool:
    """The phases after the redirects by the rules' plans, for a request `resolve_indexed` took
    this far (no redirect took it; the header rules `added` their headers), as `Run.run` takes
    them: the beforeFiles rewrites, the exact page or file, the afterFiles rewrites (each one
    that rewrites looking for a page or file, dynamic routes included), the dynamic routes, the
    fallback rewrites (each looking again), else not found. Each phase's candidates in order,
    the rules after a rewrite seeing the path it wrote (`Run.chain`).

    The resolution; else, as soon as a rule has no plan or its plan cannot tell, whether a `Run`
    may go on from the redirects (True: no rule rewrote the path yet) or must start again
    (False). Nothing here changes anything a `Run` reads.
    """
    offsets, ends = shared.offsets, shared.ends
    files = router.plan[5]
    if not files and (not found or found[-1] < offsets[_BEFORE_FILES_AT]):
        # No rewrite among the candidates, and no page or file to serve the path.
        return new_resolution(_LOCAL, path, path, {}, None, {}, None, added, None)
    timeout = router.match_timeout
    base = router.table.base_path
    pathname = path
    last: Rule | None = None
    missed: str | None = None  # the path the exact check found nothing for
    page: RouteMatch | None = None
    for number in _REWRITE_PHASES:
        if files and number == _AFTER_FILES_AT:
            stripped = _strip_base(base, pathname)
            page = _exact_file(router, stripped)
            if page is not None:
                break
            missed = stripped
        high = ends[number]
        at, count = bisect_left(found, offsets[number]), len(found)
        while at < count:
            position = found[at]
            if position >= high:
                break
            at += 1
            rule = shared.rule_at(position)
            target = _planned_rewrite(rule, pathname, timeout)
            if target is None:
                continue
            if type(target) is not str:
                return target if isinstance(target, Resolution) else last is None
            last = rule
            if files and number != _BEFORE_FILES_AT:
                stripped = _strip_base(base, target)
                page = None if stripped is None else _any_page(router, stripped, missed)
                if page is not None:
                    pathname = target
                    break
            if target != pathname:
                # Rewritten: the rules after this one see the new path.
                pathname = target
                found = shared.walk(PathView(pathname), host, view)
                at, count = bisect_right(found, position), len(found)
        if page is not None:
            break
        if files and number == _AFTER_FILES_AT:
            stripped = _strip_base(base, pathname)
            page = None if stripped is None else _any_page(router, stripped, missed)
            if page is not None:
                break
    if page is not None:
        params = dict(page.params)
        return new_resolution(_LOCAL, pathname, pathname, {}, page.route, params, None, added, last)
    kind = _LOCAL if router.routes is None else _NOT_FOUND
    return new_resolution(kind, pathname, pathname, {}, None, {}, None, added, last)


def _planned_rewrite(
    rule: Rule, path: str, timeout: float | None
) -> str | Resolution | General | None:
    """A rewrite by the rule's plan, for a request with no query: the local path it rewrites to,
    the resolution of a proxied one, None when its source does not match, or `GENERAL` when the
    general way must tell (no plan, a plan that cannot tell, a local path with a '#', an
    upstream URL the URL parser would not keep as it is)."""
    found = rule._plan
    if found is None:
        found = plan(rule)
    if found is NO_PLAN or not found.rewrites:
        return GENERAL
    target: str | General | None = found.target(path, timeout)
    if type(target) is not str:
        return target  # None or GENERAL
    if not found.origin:
        return target if "#" not in target else GENERAL
    if _plain_proxied_path(target):
        # What render, url.format and the URL parser would make of it: origin and path.
        return new_resolution(_PROXIED, found.origin + target, None, {}, None, {}, None, {}, rule)
    return GENERAL


def _planned_redirect(rule: Rule, path: str, timeout: float | None) -> Resolution | General | None:
    """A redirect by the rule's plan, for a request with no query: its resolution, None when its
    source does not match, or `GENERAL` when the general way must tell (no plan, or a Location
    that url.format would change or Node would refuse)."""
    found = rule._plan
    if found is None:
        found = plan(rule)
    if found is NO_PLAN:
        return GENERAL
    target = found.target(path, timeout)
    if type(target) is not str:
        return target  # type: ignore[no-any-return]
    if _FORMATTED.search(target) is None:
        location = found.origin + target
        if location.isascii() and location.isprintable():
            return new_resolution(_REDIRECT, location, None, {}, None, {}, rule.status, {}, rule)
    return GENERAL


# The members resolution names on every request, as module constants: reading an enum's member
# costs about three times reading a global.
_HEADERS, _REDIRECTS, _FALLBACK = Phase.HEADERS, Phase.REDIRECTS, Phase.FALLBACK
_BEFORE_FILES, _AFTER_FILES = Phase.BEFORE_FILES, Phase.AFTER_FILES
_LOCAL, _NOT_FOUND, _REDIRECT, _PROXIED = Kind.LOCAL, Kind.NOT_FOUND, Kind.REDIRECT, Kind.PROXIED
_CHECK_FS, _DYNAMIC_ROUTES = Stage.CHECK_FS, Stage.DYNAMIC_ROUTES
#: The query of a destination that adds none to the request's.
_NO_QUERY: Query = {}
#: Each phase's place in `Phase` (and in `TableIndex.split`).
_NUMBER = {phase: number for number, phase in enumerate(Phase)}
_HEADERS_AT, _REDIRECTS_AT = _NUMBER[Phase.HEADERS], _NUMBER[Phase.REDIRECTS]
#: The rewrite phases' places, in order.
_BEFORE_FILES_AT, _AFTER_FILES_AT = _NUMBER[Phase.BEFORE_FILES], _NUMBER[Phase.AFTER_FILES]
_REWRITE_PHASES = (_BEFORE_FILES_AT, _AFTER_FILES_AT, _NUMBER[Phase.FALLBACK])

#: What legacy url.format escapes in a pathname ('#', '?') and a search ('#').
_LEGACY_ESCAPED = re.compile(r"[#?]")
#: What a rendered path may hold that the render (a hash), a redirect ('//' and '\\'
#: normalised) or url.format (`_LEGACY_ESCAPED`) would change.
_FORMATTED = re.compile(r"[#?\\]|//")


def _format(dest: Rendered, pathname: str, search: str) -> str:
    """Node's legacy `url.format` of a rendered destination with this pathname and search (as
    `stringifyQuery` wrote it): `//` after an external destination's protocol. A bare path, or
    an http(s) URL with a plain host and no credentials, with nothing url.format escapes, is
    written directly."""
    if not _LEGACY_ESCAPED.search(pathname) and "#" not in search:
        tail = ("?" + search if search else "") + dest.hash
        if not dest.external:
            return pathname + tail
        host, protocol = dest.hostname, dest.protocol
        if dest.auth is None and host and ":" not in host and protocol in _WEB_PROTOCOLS:
            if pathname and not pathname.startswith("/"):
                pathname = "/" + pathname
            port = ":" + dest.port if dest.port else ""
            return f"{protocol}//{host}{port}{pathname}{tail}"
    return format_legacy(
        protocol=dest.protocol,
        slashes=True if dest.external else None,
        auth=dest.auth,
        hostname=dest.hostname,
        port=dest.port,
        pathname=pathname,
        search=search and "?" + search,
        hash=dest.hash,
    )


_WEB_PROTOCOLS = frozenset({"http:", "https:"})


# A request target the WHATWG URL parser leaves as it is: no character of the path (or special
# query) percent-encode set, no backslash, no fragment. Dot segments are checked apart.
_PLAIN_TARGET = re.compile(
    rf"(/[{UNCHANGED_PATH_CHARS}]*)(?:\?([A-Za-z0-9_~!$&()*+,;=:@.%/?\-]*))?"
)


def _plain_target(url: str) -> tuple[str, str | None] | None:
    """The path and query (None: none) of a request target the URL parser leaves as it is
    (`_PLAIN_TARGET`, no '//', no dot segment); None for one it would change."""
    plain = _PLAIN_TARGET.fullmatch(url)
    if plain is None:
        return None
    path, query = plain.groups()
    if "//" in path or (("." in path or "%" in path) and DOT_SEGMENT.search(path) is not None):
        return None
    return path, query


# An http(s) URL the WHATWG parser gives back as it is: lower-case host whose last label starts
# with a letter (no IPv4 number to rewrite, no punycode to check) or a dotted-decimal IPv4
# address already in its canonical form (`127.0.0.1`), a port that is not the
# scheme's default and has no leading zero, a path and query of characters left unencoded, no
# fragment. Dot segments are checked apart.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_PLAIN_URL = re.compile(
    r"(https?)://((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*|" + rf"{_OCTET}(?:\.{_OCTET}){{3}})"
    r"(?::([1-9][0-9]{0,4}))?"
    rf"(/[{UNCHANGED_PATH_CHARS}]*)(?:\?[A-Za-z0-9_~!$&()*+,;=:@.%/?\-]*)?"
)
_DEFAULT_PORT = {"http": "80", "https": "443"}


def _plain_proxied_path(path: str) -> bool:
    """Whether the URL parser gives back an upstream URL of a plain origin (`_PLAIN_URL`'s)
    with this path as it is: characters it leaves unencoded, no dot segment, no query or
    fragment."""
    return _PLAIN_PATH.fullmatch(path) is not None and DOT_SEGMENT.search(path) is None


#: A path of characters the URL parser leaves unencoded (dot segments are checked apart).
_PLAIN_PATH = re.compile(rf"/[{UNCHANGED_PATH_CHARS}]*")


def _plain_url(text: str) -> bool:
    """Whether the URL parser would return `text` unchanged (see `_PLAIN_URL`)."""
    found = _PLAIN_URL.fullmatch(text)
    if found is None:
        return False
    scheme, host, port, path = found.groups()
    if port is not None and (port == _DEFAULT_PORT[scheme] or int(port) > 65535):
        return False
    return "xn--" not in host and DOT_SEGMENT.search(path) is None


#: Query text with nothing to decode or encode (no '%', '+' or reserved character).
_PLAIN_QUERY_TEXT = re.compile(r"[A-Za-z0-9._~-]*")


def _plain_query(search: str) -> Query | None:
    """Next's query object for a search string of plain `key=value` pairs, in one pass; None
    when anything in it needs the full parse (decoding, an empty key, a key that a JavaScript
    object orders first (`0`) or inherits (`constructor`))."""
    out: Query = {}
    for pair in search[1:].split("&"):
        key, _, value = pair.partition("=")
        if (
            not key
            or key[0].isdigit()
            or not _PLAIN_QUERY_TEXT.fullmatch(pair.replace("=", "", 1))
            or inherits(key)
        ):
            return None
        have = out.get(key)
        if have is None:
            out[key] = value
        elif isinstance(have, list):
            have.append(value)
        else:
            out[key] = [have, value]
    return out


def _plain_stringify(query: Mapping[str, Any]) -> str | None:
    """`querystring.stringify` of a query whose keys and values need no encoding, whichever
    encoder is given (both leave such text alone); None when any does, or when JavaScript
    would order its keys differently (`0` before `a`)."""
    fields: list[str] = []
    plain = _PLAIN_QUERY_TEXT.fullmatch
    for key, value in query.items():
        if not key or key[0].isdigit() or not plain(key):
            return None
        if isinstance(value, str):
            if not plain(value):
                return None
            fields.append(f"{key}={value}")
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            if not all(plain(v) for v in value):
                return None
            fields.extend(f"{key}={v}" for v in value)
        else:
            return None
    return "&".join(fields)


def _normalize_repeated_slashes(url: str) -> str:
    """Next.js's `normalizeRepeatedSlashes` (shared/lib/utils.js)."""
    head, sep, tail = url.partition("?")
    head = head.replace("\\", "/")
    while "//" in head:
        head = head.replace("//", "/")
    return head + (f"?{tail}" if sep and tail else "")


def path_has_prefix(path: str, prefix: str) -> bool:
    """Next.js's `pathHasPrefix`: the path part equals the prefix or continues it with '/'."""
    cut = len(path)
    for ch in "#?":
        at = path.find(ch)
        if at >= 0:
            cut = min(cut, at)
    pathname = path[:cut]
    return pathname == prefix or pathname.startswith(prefix + "/")


def has_repeated_slashes(path: str) -> bool:
    """Whether a request path has '//' or '\\' (resolve-routes answers those with a 308)."""
    return "//" in path or "\\" in path


def _header_plan(rule: Rule) -> tuple[bool, bool, dict[str, str] | None]:
    """What a header rule's headers need on every request, worked out once and kept on the
    rule: whether any names a param (and so renders per request), whether they are fixed and
    all sendable as they are (then the response needs no check of them), and the headers to
    set when they are fixed and none is `set-cookie` (which adds to the response's, not sets)."""
    named = any(":" in key or ":" in value for key, value in rule.headers)
    sendable = not named and all(header_refusal(k, v) is None for k, v in rule.headers)
    cookies = any(key.lower() == "set-cookie" for key, _ in rule.headers)
    fixed = None if named or cookies else dict(rule.headers)
    plan = named, sendable, fixed
    set_plan(rule, plan)
    return plan


def _exact_file(router: Router, path: str | None) -> RouteMatch | None:
    """check_fs's lookups, for a path without basePath (None: it lacks basePath): getItem's
    order, `/_next/image`, then public files, then exact pages."""
    found = _image_optimizer(path)
    if found is None and path is not None:
        public, routes = router.public, router.routes
        found = public.find(path) if public is not None else None
        if found is None and routes is not None:
            found = routes.find_static(path)
    return found


def _any_page(router: Router, path: str, missed: str | None) -> RouteMatch | None:
    """checkTrue's lookups, for a pathname without basePath: an exact page or file, else the
    dynamic routes in their order. `missed` is the path check_fs found nothing for: the same
    lookups would find nothing for it again."""
    routes = router.routes
    if (path or "/") == missed:
        return routes.find_dynamic(path) if routes is not None else None
    found = _image_optimizer(path or "/")
    if found is None and router.public is not None:
        found = router.public.find(path or "/")
    if found is None and routes is not None:
        found = routes.find(path)
    return found


def _strip_base(base: str, path: str) -> str | None:
    """The path without basePath (None when it lacks it), as getItem does."""
    if not base:
        return path
    if not path_has_prefix(path, base):
        return None
    rest = path[len(base) :]
    return (rest if rest.startswith("/") else "/" + rest) if rest else "/"


def _image_optimizer(path: str | None) -> RouteMatch | None:
    """`/_next/image` is always served (getItem's 'nextImage' item), one trailing slash allowed."""
    if path is not None and path in ("/_next/image", "/_next/image/"):
        return RouteMatch("/_next/image", {})
    return None


def _headers(headers: Mapping[str, Any] | None) -> dict[str, str]:
    """Request headers as Node gives them: lowercased names, repeated values joined. A common
    name with a value of printable ASCII (no control character) is one Node's parser takes: the
    usual header needs no check."""
    if type(headers) is dict and _COMMON_HEADERS.issuperset(headers):
        # The usual request, as a server hands it over: every name common and lowercased, and
        # every value a str (else `join` fails) of printable ASCII, all checked at once.
        try:
            values = "".join(headers.values())
        except TypeError:
            values = None
        if values is not None and values.isascii() and values.isprintable():
            return dict(headers)
    out: dict[str, str] = {}
    for name, value in (headers or {}).items():
        if type(name) is str and type(value) is str:
            key = name.lower()
            if key in _COMMON_HEADERS and value.isascii() and value.isprintable():
                out[key] = value  # (never an internal header, nor `__proto__`)
                continue
        key = str(name).lower()
        text = header_text(key, value)
        refused = request_header_refusal(key, text)
        if refused is not None:
            raise RequestError(f"{refused} (Node's HTTP parser answers 400)")
        if key == "__proto__" or key in _INTERNAL_HEADERS:
            # Node's headers object cannot own `__proto__` (Next.js reads Object.prototype);
            # router-server's `filterInternalHeaders` deletes Next.js's internal headers.
            continue
        out[key] = text
    return out


#: Header names browsers, proxies and clients commonly send (each an HTTP token).
_COMMON_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "authorization",
        "cache-control",
        "connection",
        "content-length",
        "content-type",
        "cookie",
        "dnt",
        "forwarded",
        "host",
        "if-modified-since",
        "if-none-match",
        "origin",
        "pragma",
        "priority",
        "referer",
        "rsc",
        "sec-ch-ua",
        "sec-ch-ua-mobile",
        "sec-ch-ua-platform",
        "sec-fetch-dest",
        "sec-fetch-mode",
        "sec-fetch-site",
        "sec-fetch-user",
        "te",
        "upgrade-insecure-requests",
        "user-agent",
        "via",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-port",
        "x-forwarded-proto",
        "x-real-ip",
        "x-request-id",
    }
)

#: server/lib/server-ipc/utils.js INTERNAL_HEADERS: router-server deletes them from every
#: request before routing (a client cannot send `x-nextjs-data` or `x-middleware-next`).
_INTERNAL_HEADERS = frozenset(
    {
        "x-middleware-rewrite",
        "x-middleware-redirect",
        "x-middleware-set-cookie",
        "x-middleware-skip",
        "x-middleware-override-headers",
        "x-middleware-next",
        "x-now-route-matches",
        "x-matched-path",
        "x-nextjs-data",
        "x-next-resume-state-length",
        "next-resume",
    }
)


def _show(params: Mapping[str, Any]) -> str:
    """Params for a trace line."""
    if not params:
        return "(no params)"
    return "{" + ", ".join(f"{k}: {v!r}" for k, v in params.items()) + "}"


def _why_unsent(rule: Rule) -> str:
    """Which header or cookie a rule skipped by the index needs (`_index.need_key`)."""
    need = need_key(rule)
    kind, name = need if need is not None else ("header", "?")
    return f"has {kind} {name!r} does not hold"


def _why_conditions(rule: Rule, view: RequestView, query: Mapping[str, Any]) -> str:
    """Which has/missing condition stopped a rule, in words."""
    for condition in rule.has:
        if not condition.test(view, query, {}):
            what = condition.key or "host"
            wanted = f" matching {condition.value!r}" if condition.value else ""
            return f"has {condition.type} {what!r}{wanted} does not hold"
    for condition in rule.missing:
        if condition.test(view, query, {}):
            return f"missing {condition.type} {condition.key or 'host'!r} is present"
    return "its conditions do not hold"
