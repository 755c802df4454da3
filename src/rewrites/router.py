"""The first-match engine: Next.js's routing phases, resolve() and explain().

The order is server/lib/router-utils/resolve-routes.js (§5 of
../shared/reference/nextjs-semantics.md):

    '//' or '\\' → 308 │ headers (all) │ redirects (first) │ beforeFiles (chained, no file check)
    │ check_fs (exact pages) │ afterFiles (each internal match re-checks pages and dynamic routes)
    │ dynamic routes │ fallback (same) │ 404

An external destination ends resolution at once (PROXIED); header rules are not sent on redirects
and proxied responses.
"""

from __future__ import annotations

import enum
import gc
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import attrs

from ._conditions import RequestView, match_conditions
from ._destination import Rendered, RenderError, Value, compile_non_path
from ._index import PhaseIndex
from ._js.node import format_legacy, query_object, querystring_stringify
from ._js.uri import encode_uri_component, escape
from ._js.url import URLError, parse_url
from ._load import load_table
from ._pages import LocalRoutes, RouteMatch
from ._rules import Phase, Rule, Table
from .errors import ConfigError, Problem, RequestError

__all__ = ["Explanation", "Kind", "Resolution", "Router", "Step", "load"]

QueryDict: TypeAlias = "dict[str, str | list[str] | None]"
HeaderValue: TypeAlias = "str | list[str]"


class Kind(enum.StrEnum):
    """What happens to a request."""

    LOCAL = "local"
    PROXIED = "proxied"
    REDIRECT = "redirect"
    NOT_FOUND = "not_found"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Resolution:
    """Where a request goes.

    `url` is the upstream URL (proxied), the Location (redirect), or path + query (local and
    not found); `path` and `query` the final pathname and query; `route` and `params` the app
    route that serves it; `status` the redirect status; `headers` the header rules' headers
    (none on redirects and proxied responses); `rule` the rule that decided.
    """

    kind: Kind
    url: str
    path: str | None = None
    query: dict[str, str | list[str]] = attrs.field(factory=dict, hash=False)
    route: str | None = None
    params: dict[str, str | list[str]] = attrs.field(factory=dict, hash=False)
    status: int | None = None
    headers: dict[str, HeaderValue] = attrs.field(factory=dict, hash=False)
    rule: Rule | None = None

    def __str__(self) -> str:
        if self.kind is Kind.REDIRECT:
            return f"redirect {self.status} {self.url}"
        if self.kind is Kind.PROXIED:
            return f"proxied {self.url}"
        if self.kind is Kind.LOCAL:
            where = f" (route {self.route}" + (f", params {self.params})" if self.params else ")")
            return f"local {self.url}{where if self.route else ''}"
        return f"not found {self.url}"


@attrs.frozen
class Step:
    """One thing resolution did: a phase, the rule tried (if any), and what came of it."""

    phase: str
    outcome: str
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

    def __str__(self) -> str:
        lines = [f"{self.request}"]
        lines += [f"  {step}" for step in self.steps]
        lines.append(f"  => {self.resolution}")
        return "\n".join(lines)


class _Done(Exception):
    """Resolution finished early with this result."""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution


def _normalize_repeated_slashes(url: str) -> str:
    """Next.js's `normalizeRepeatedSlashes` (shared/lib/utils.js)."""
    head, sep, tail = url.partition("?")
    head = head.replace("\\", "/")
    while "//" in head:
        head = head.replace("//", "/")
    return head + (f"?{tail}" if sep and tail else "")


def _path_has_prefix(path: str, prefix: str) -> bool:
    """Next.js's `pathHasPrefix`: the path part equals the prefix or continues it with '/'."""
    cut = len(path)
    for ch in "#?":
        at = path.find(ch)
        if at >= 0:
            cut = min(cut, at)
    pathname = path[:cut]
    return pathname == prefix or pathname.startswith(prefix + "/")


def _js_query(value: Value) -> str | list[str] | None:
    """A param value in the JS shape (tuples become lists)."""
    if value is None or isinstance(value, str):
        return value
    return list(value)


class _Run:
    """One resolution: the mutable parsedUrl state of resolve-routes, and an optional trace."""

    def __init__(self, router: Router, url: str, headers: Mapping[str, Any] | None, trace: bool):
        self.router = router
        self.table = router.table
        self.steps: list[Step] | None = [] if trace else None
        self.view = RequestView(_headers(headers))
        self.host = self.view.host or ""  # what the index files host-only rules under
        self.url = url
        self.res_headers: dict[str, HeaderValue] = {}
        self.pathname = ""
        self.query: QueryDict = {}
        self.init_query: dict[str, str | list[str]] = {}
        self.last_rewrite: Rule | None = None
        self.tried = 0  # rules whose source was tried (the index skips the others)

    def note(
        self, phase: str, outcome: str, detail: str | Callable[[], str], rule: Rule | None = None
    ) -> None:
        """Record a step when tracing; a callable detail is only worked out then (resolve() is the
        hot path, and the trace's wording re-tests conditions)."""
        if self.steps is not None:
            text = detail if isinstance(detail, str) else detail()
            self.steps.append(Step(phase, outcome, text, rule))

    def enter(self, phase: Phase) -> int:
        """Start a phase in the trace; returns the count of rule trials so far."""
        if self.steps is not None and not self.router.phase(phase):
            self.note(phase.value, "empty", "no rules")
        return self.tried

    def leave(self, phase: Phase, tried_before: int) -> None:
        """Say in the trace how many rules the index skipped in a phase."""
        if self.steps is None:
            return
        skipped = len(self.router.phase(phase)) - (self.tried - tried_before)
        if skipped > 0:
            self.note(
                phase.value,
                "skipped",
                f"{skipped} other rule(s) skipped: their literal leading segments cannot "
                "match this path, or they only apply on another host",
            )

    # --- request -----------------------------------------------------------------------------

    def start(self) -> None:
        """Parse the request target; '//' and '\\' get a 308 before anything else."""
        url = self.url
        if url.startswith(("http://", "https://")):
            # A full URL is taken as the request for its path and query (origin-form).
            after = url.find("/", url.index("//") + 2)
            url = url[after:] if after >= 0 else "/"
            self.url = url
        if not url.startswith("/"):
            raise RequestError(
                f"the request target must start with '/', got {url!r} (Next.js fails with "
                "'Invalid URL' and answers 500)",
                status=500,
            )
        if regex_slashes(url.split("?", 1)[0]):
            target = parse_url("http://n" + _normalize_repeated_slashes(url))
            location = format_legacy(
                pathname=target.pathname, search=target.search, hash=target.hash
            )
            self.note(
                "normalize", "redirect", f"repeated slashes or backslashes: 308 to {location}"
            )
            raise _Done(Resolution(Kind.REDIRECT, location, status=308))
        plain = _PLAIN_TARGET.fullmatch(url)
        if plain is not None and not _DOT_SEGMENT.search(plain.group(1)):
            # Nothing the URL parser would change: skip it (it is most of a resolve's cost).
            self.pathname = plain.group(1)
            search = "?" + plain.group(2) if plain.group(2) else ""
        else:
            parsed = parse_url("http://n" + url)
            self.pathname, search = parsed.pathname, parsed.search
        query = query_object(search)
        self.query = {k: v for k, v in query.items() if v is not None}  # type: ignore[misc]
        self.init_query = dict(self.query)  # type: ignore[arg-type]

    # --- matching ----------------------------------------------------------------------------

    def params_for(self, rule: Rule, phase: str) -> tuple[dict[str, Value], Sequence[Any]] | None:
        """The rule's params for the current path (source and conditions), or None."""
        self.tried += 1
        found = rule.pattern.match(self.pathname or "/")
        if found is None:
            self.note(phase, "no-match", "source did not match", rule)
            return None
        params: dict[str, Value] = {str(k): _js_query(v) for k, v in found.params.items()}
        if rule.has or rule.missing:
            captured = match_conditions(rule.has, rule.missing, self.view, self.query_for_has())
            if captured is None:
                self.note(
                    phase,
                    "conditions",
                    lambda: (
                        f"source matched {_show(params)}, but "
                        f"{_why_conditions(rule, self.view, self.query_for_has())}"
                    ),
                    rule,
                )
                return None
            params.update(captured)
        return params, found.groups

    def query_for_has(self) -> dict[str, str | list[str]]:
        """The current query as `has` conditions read it."""
        return {k: v for k, v in self.query.items() if v is not None}

    def render(
        self, rule: Rule, params: dict[str, Value], groups: Sequence[Any], append: bool
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
        tried = self.enter(Phase.HEADERS)
        for _, rule in self.router.indexes[Phase.HEADERS].candidates(
            self.pathname or "/", 0, self.host
        ):
            got = self.params_for(rule, "headers")
            if got is None:
                continue
            params, _ = got
            for key, value in rule.headers:
                if params:
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
            if self.steps is not None:
                added = ", ".join(k for k, _ in rule.headers)
                self.note("headers", "matched", f"matched {_show(params)}: adds {added}", rule)
        self.leave(Phase.HEADERS, tried)

    def redirects(self) -> None:
        """The first matching redirect finishes the request."""
        tried = self.enter(Phase.REDIRECTS)
        for _, rule in self.router.indexes[Phase.REDIRECTS].candidates(
            self.pathname or "/", 0, self.host
        ):
            got = self.params_for(rule, "redirects")
            if got is None:
                continue
            params, groups = got
            dest = self.render(rule, params, groups, append=False)
            search = self.stringify(dest.query)
            location = format_legacy(
                protocol=dest.protocol,
                slashes=True if dest.external else None,
                auth=dest.auth,
                hostname=dest.hostname,
                port=dest.port,
                pathname=_normalize_repeated_slashes(dest.pathname),
                search=search and "?" + search,
                hash=dest.hash,
            )
            self.note(
                "redirects",
                "redirect",
                f"matched {_show(params)}: {rule.status} to {location}",
                rule,
            )
            raise _Done(Resolution(Kind.REDIRECT, location, status=rule.status, rule=rule))
        self.leave(Phase.REDIRECTS, tried)

    def rewrite(self, rule: Rule, phase: str, check: bool) -> RouteMatch | None:
        """Apply one rewrite rule if it matches; with `check`, look for a page afterwards."""
        got = self.params_for(rule, phase)
        if got is None:
            return None
        params, groups = got
        dest = self.render(rule, params, groups, append=True)
        if dest.external:
            url = self.proxy_url(dest)
            self.note(phase, "proxied", lambda: f"matched {_show(params)}: proxied to {url}", rule)
            raise _Done(Resolution(Kind.PROXIED, url, rule=rule))
        before = self.pathname
        self.pathname = dest.pathname
        self.query.update(dest.query)
        self.last_rewrite = rule
        self.note(
            phase,
            "rewritten",
            lambda: f"matched {_show(params)}: rewritten {before!r} → {self.pathname!r}",
            rule,
        )
        if not check:
            return None
        found = self.check_true()
        if found is not None:
            self.note(phase, "served", f"page {found.route} serves {self.pathname!r}", rule)
        else:
            self.note(
                phase, "continue", f"no page serves {self.pathname!r}: the next rule sees it", rule
            )
        return found

    def chain(self, phase: Phase, check: bool) -> RouteMatch | None:
        """A rewrite phase in order; each rule sees the path as the rules before it left it."""
        index = self.router.indexes[phase]
        start = 0
        tried = self.enter(phase)
        while True:
            path = self.pathname or "/"
            for position, rule in index.candidates(path, start, self.host):
                found = self.rewrite(rule, phase.value, check)
                if found is not None:
                    return found
                if (self.pathname or "/") != path:
                    # Rewritten: the rules after this one see the new path.
                    start = position + 1
                    break
            else:
                self.leave(phase, tried)
                return None

    def check_fs(self) -> RouteMatch | None:
        """The exact-page check between beforeFiles and afterFiles (no dynamic routes)."""
        routes = self.router.routes
        if routes is None:
            return None
        path = self.strip_base(self.pathname or "/")
        found = _image_optimizer(path) or (routes.find_static(path) if path is not None else None)
        self.note(
            "check_fs",
            "found" if found else "miss",
            f"page {found.route} serves {self.pathname!r}"
            if found
            else f"no page or file is exactly {self.pathname!r}",
        )
        return found

    def check_true(self) -> RouteMatch | None:
        """Next.js's `checkTrue`: an exact page, else the dynamic routes in their order."""
        routes = self.router.routes
        if routes is None:
            return None
        base = self.table.base_path
        path: str | None = self.pathname
        if base:
            path = self.strip_base(self.pathname or "/")
        if path is None:
            return None
        return _image_optimizer(path or "/") or routes.find(path)

    def strip_base(self, path: str) -> str | None:
        """The path without basePath (None when it lacks it), as getItem does."""
        base = self.table.base_path
        if not base:
            return path
        if not _path_has_prefix(path, base):
            return None
        rest = path[len(base) :]
        return (rest if rest.startswith("/") else "/" + rest) if rest else "/"

    # --- output ------------------------------------------------------------------------------

    def stringify(self, query: Mapping[str, Any]) -> str:
        """`stringifyQuery`: only keys and values from the original query are encoded."""
        init = self.init_query
        values = list(init.values())

        def encode(text: str) -> str:
            original = text in init or any(
                text in v if isinstance(v, list) else v == text for v in values
            )
            return encode_uri_component(text) if original else text

        return querystring_stringify(query, encode)

    def proxy_url(self, dest: Rendered) -> str:
        """The upstream URL as proxy-request.js builds it (`new URL(url.format(parsedUrl))`)."""
        search = self.stringify(dest.query)
        text = format_legacy(
            protocol=dest.protocol,
            slashes=True,
            auth=dest.auth,
            hostname=dest.hostname,
            port=dest.port,
            pathname=dest.pathname,
            search=search and "?" + search,
            hash=dest.hash,
        )
        try:
            return parse_url(text).href
        except URLError as exc:
            raise RequestError(
                f"the proxied URL {text!r} is not valid: {exc.message} (Next.js answers 500)",
                status=500,
            ) from None

    def local(self, kind: Kind, found: RouteMatch | None, rule: Rule | None) -> Resolution:
        """A local (or not found) result for the current path and query."""
        query = {k: v for k, v in self.query.items() if v is not None}
        text = querystring_stringify(query, escape)
        url = self.pathname + ("?" + text if text else "")
        return Resolution(
            kind,
            url,
            path=self.pathname,
            query=query,
            route=found.route if found else None,
            params=dict(found.params) if found else {},
            headers=dict(self.res_headers),
            rule=rule,
        )

    def run(self) -> Resolution:
        """The phases in Next.js's order."""
        try:
            self.start()
            self.headers()
            self.redirects()
            self.chain(Phase.BEFORE_FILES, check=False)
            found = self.check_fs()
            if found is not None:
                return self.local(Kind.LOCAL, found, self.last_rewrite)
            found = self.chain(Phase.AFTER_FILES, check=True)
            if found is not None:
                return self.local(Kind.LOCAL, found, self.last_rewrite)
            found = self.check_true()
            self.note(
                "dynamic routes",
                "found" if found else "miss",
                f"page {found.route} serves {self.pathname!r}"
                if found
                else f"no page serves {self.pathname!r}",
            )
            if found is not None:
                return self.local(Kind.LOCAL, found, self.last_rewrite)
            found = self.chain(Phase.FALLBACK, check=True)
            if found is not None:
                return self.local(Kind.LOCAL, found, self.last_rewrite)
        except _Done as done:
            return done.resolution
        if self.router.routes is None:
            return self.local(Kind.LOCAL, None, self.last_rewrite)
        return self.local(Kind.NOT_FOUND, None, self.last_rewrite)


# A request target the WHATWG URL parser leaves as it is: no character of the path (or special
# query) percent-encode set, no backslash, no fragment. Dot segments are checked apart.
_PLAIN_TARGET = re.compile(
    r"(/[A-Za-z0-9_~!$&'()*+,;=:@.%/\-]*)(?:\?([A-Za-z0-9_~!$&()*+,;=:@.%/?\-]*))?"
)
_DOT_SEGMENT = re.compile(r"(?:^|/)(?:\.|%2e){1,2}(?:/|$)", re.IGNORECASE)


def _image_optimizer(path: str | None) -> RouteMatch | None:
    """`/_next/image` is always served (getItem's 'nextImage' item), one trailing slash allowed."""
    if path is not None and path in ("/_next/image", "/_next/image/"):
        return RouteMatch("/_next/image", {})
    return None


def regex_slashes(path: str) -> bool:
    """Whether a request path has '//' or '\\' (resolve-routes answers those with a 308)."""
    return "//" in path or "\\" in path


def _headers(headers: Mapping[str, Any] | None) -> dict[str, str]:
    """Request headers as Node gives them: lowercased names, repeated values joined."""
    out: dict[str, str] = {}
    for name, value in (headers or {}).items():
        key = str(name).lower()
        if isinstance(value, str):
            text = value
        elif isinstance(value, Iterable):
            text = ("; " if key == "cookie" else ", ").join(str(v) for v in value)
        else:
            text = str(value)
        out[key] = text
    return out


def _show(params: Mapping[str, Any]) -> str:
    """Params for a trace line."""
    if not params:
        return "(no params)"
    return "{" + ", ".join(f"{k}: {v!r}" for k, v in params.items()) + "}"


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


@attrs.frozen
class Router:
    """A routing table, resolved exactly as Next.js 16 does.

    >>> router = Router.from_next_config(
    ...     {"rewrites": [{"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}]},
    ...     routes=["/", "/api/auth/[...nextauth]"],
    ... )
    >>> router.resolve("/api/auth/session").url
    'http://localhost:3001/api/auth/session'
    """

    table: Table
    routes: LocalRoutes | None = None
    indexes: Mapping[Phase, PhaseIndex] = attrs.field(eq=False, repr=False)

    @indexes.default
    def _build_indexes(self) -> Mapping[Phase, PhaseIndex]:
        """One first-match-preserving index per phase."""
        return {phase: PhaseIndex(self.phase(phase)) for phase in Phase}

    @classmethod
    def from_next_config(
        cls,
        config: Mapping[str, Any],
        routes: Iterable[str] | None = None,
        *,
        positional_refs: bool = True,
        early_errors: bool = True,
    ) -> Router:
        """Build a router from a next.config-shaped mapping and the app's routes.

        `routes` uses Next.js route syntax (`/blog/[slug]`); None means the pages are unknown.
        `positional_refs=False` keeps `$1` literal, as Next.js does. Raises ConfigError listing
        every problem of the table. A destination that can never render is one of them unless
        `early_errors=False`, which keeps such rules and fails each request they match with a
        `RequestError` (status 500), as Next.js does.
        """
        # Building a large table allocates millions of objects that all live on: the cyclic
        # collector would scan them again and again for nothing (a third of a 100k-rule build).
        collecting = gc.isenabled()
        gc.disable()
        try:
            table = load_table(config, positional_refs=positional_refs, early_errors=early_errors)
            return cls(table, None if routes is None else LocalRoutes(routes))
        finally:
            if collecting:
                gc.enable()

    def resolve(self, url: str, headers: Mapping[str, Any] | None = None) -> Resolution:
        """Where Next.js sends a request (a path with its query, or a full URL)."""
        return _Run(self, url, headers, trace=False).run()

    def explain(self, url: str, headers: Mapping[str, Any] | None = None) -> Explanation:
        """Every phase and rule tried for a request, and why each applied or not."""
        run = _Run(self, url, headers, trace=True)
        resolution = run.run()
        steps = list(run.steps or ())
        why = self._stolen(run, resolution)
        if why is not None:
            steps.append(why)
        return Explanation(url, tuple(steps), resolution)

    def _stolen(self, run: _Run, resolution: Resolution) -> Step | None:
        """A note when a rewrite took a path that a dynamic page would have served."""
        rule = resolution.rule
        if (
            self.routes is None
            or rule is None
            or rule.phase
            not in (
                Phase.BEFORE_FILES,
                Phase.AFTER_FILES,
            )
        ):
            return None
        try:
            start = parse_url("http://n" + run.url.split("#", 1)[0])
            path = run.strip_base(start.pathname)
            page = self.routes.find(path) if path is not None else None
        except (URLError, RequestError):
            return None
        if page is None or page.route == resolution.route or "[" not in page.route:
            return None
        return Step(
            "why",
            "note",
            f"page {page.route} would have served {start.pathname!r}, but dynamic routes are "
            f"only tried after the {rule.phase.value} rewrites, and {rule.place} "
            f"{rule.source!r} took it first; a `fallback` rewrite runs after the pages",
            rule,
        )

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule in routing order (built-in ones included)."""
        return self.table.rules()

    def phase(self, phase: Phase | str) -> tuple[Rule, ...]:
        """The rules of one phase."""
        phase = Phase(phase)
        return {
            Phase.HEADERS: self.table.headers,
            Phase.REDIRECTS: self.table.redirects,
            Phase.BEFORE_FILES: self.table.before_files,
            Phase.AFTER_FILES: self.table.after_files,
            Phase.FALLBACK: self.table.fallback,
        }[phase]


def load(
    path: str | os.PathLike[str],
    routes: Iterable[str] | None = None,
    *,
    positional_refs: bool = True,
) -> Router:
    """A Router from a JSON file shaped like next.config.js (`{"rewrites": ..., ...}`)."""
    file = Path(path)
    try:
        config = json.loads(file.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(
            [
                Problem(
                    str(file), f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                )
            ]
        ) from None
    return Router.from_next_config(config, routes, positional_refs=positional_refs)
