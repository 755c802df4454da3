"""The steps i18n and the middleware add to a resolution, as `_resolve.Run` takes them.

In Next.js's order (server/lib/router-server.js, then resolve-routes.js):

    locale redirect (router-server, at the root only) │ '//' → 308 │ default locale added to the
    path │ /_next/data/<build>/x.json → /x (with middleware) │ headers │ redirects (Next.js's own
    ones on the path without the default locale) │ middleware matcher │ beforeFiles │ check_fs
    (locale-aware getItem) │ afterFiles │ dynamic routes (data routes first) │ fallback

`Features` is what a router has of these (None: none, and `_resolve` takes none of the steps);
`Steps` is the part of `Run` that takes them. Each event worth a trace line goes to the run's
tracer as a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ._conditions import ConditionError, RequestView
from ._filesystem import FileSystem
from ._i18n import I18n, Start, add_path_prefix, has_path_prefix, remove_path_prefix
from ._js.uri import decode_uri_component
from ._middleware import Matcher, Middleware
from ._pages import RouteMatch
from ._results import Kind, Outcome, Resolution, Stage
from ._rules import Phase, Rule, Table
from ._values import Query
from .errors import RequestError

if TYPE_CHECKING:
    from .router import Router

__all__ = ["Extra", "Features", "Steps"]


@attrs.frozen
class Features:
    """What a router routes with beyond rules and pages: i18n, the middleware matcher, and the
    locale- and data-route-aware filesystem (`files`, None when neither is configured)."""

    i18n: I18n | None
    middleware: Middleware | None
    files: FileSystem | None
    build_id: str | None
    base_path: str
    #: `assetPrefix` as resolve-routes strips it (the basePath when none is set).
    asset_prefix: str
    #: resolve-routes' `maybeAddTrailingSlash`: trailingSlash without skipProxyUrlNormalize.
    add_slash: bool
    trailing_slash: bool

    @classmethod
    def of(
        cls,
        table: Table,
        middleware: Middleware | None,
        files: FileSystem | None,
        build_id: str | None,
    ) -> Features | None:
        """The features of a table and its middleware (None when there are none)."""
        i18n = table.i18n
        if i18n is None and middleware is None and files is None:
            return None
        config = table.config
        asset = config.get("assetPrefix")
        skip = config.get("skipProxyUrlNormalize", config.get("skipMiddlewareUrlNormalize"))
        return cls(
            i18n=i18n,
            middleware=middleware,
            files=files,
            build_id=build_id,
            base_path=table.base_path,
            asset_prefix=asset if isinstance(asset, str) and asset else table.base_path,
            add_slash=table.trailing_slash and not _truthy(skip),
            trailing_slash=table.trailing_slash,
        )


def _truthy(value: object) -> bool:
    """JavaScript's truthiness of a JSON value."""
    return value not in (None, False, 0, "") and value == value


class Extra:
    """The state a request carries with these features: the locale set-up, whether the
    middleware runs, whether it is a `/_next/data` request."""

    __slots__ = ("features", "middleware", "next_data", "start")

    def __init__(self, features: Features) -> None:
        self.features = features
        self.start: Start | None = None
        self.middleware = False
        self.next_data = False


class Steps:
    """The i18n and middleware steps of a run (mixed into `_resolve.Run`)."""

    if not TYPE_CHECKING:  # `Run` has the slots; mypy reads the attributes below
        __slots__ = ()

    if TYPE_CHECKING:
        router: Router
        table: Table
        trace: Any
        view: RequestView
        url: str
        pathname: str
        path: str
        query: Query
        locale: str | None
        extra: Extra | None
        split_for: object

        def set_pathname(self, pathname: str) -> None: ...

        def query_for_has(self) -> dict[str, str | list[str]]: ...

        def candidates(self, phase: Phase, start: int = 0) -> Iterable[tuple[int, Rule]]: ...

    # --- i18n --------------------------------------------------------------------------------

    def locale_redirect(self) -> Resolution | None:
        """router-server's locale redirect, before resolve-routes: a request for the root goes to
        the locale its domain, cookie or accept-language prefers (307)."""
        assert self.extra is not None
        features = self.extra.features
        i18n = features.i18n
        if i18n is None:
            return None
        found = i18n.redirect(
            self.url,
            self.view.headers,
            base_path=features.base_path,
            trailing_slash=features.trailing_slash,
        )
        if found is None:
            return None
        self.trace.note(
            Stage.LOCALE,
            Outcome.REDIRECT,
            f"{found.reason}: 307 to {found.location} (router-server detects the locale of a "
            "request for the root before any rule runs)",
        )
        return Resolution(Kind.REDIRECT, found.location, status=307)

    def add_locale(self) -> None:
        """resolve-routes: the locale of the path (after basePath), else the default locale (of
        the request's domain), which is added to the path (`/about` → `/en/about`)."""
        assert self.extra is not None
        features = self.extra.features
        i18n = features.i18n
        if i18n is None:
            return
        start = i18n.start(
            self.pathname,
            self.view.host,
            base_path=features.base_path,
            asset_prefix=features.asset_prefix,
            trailing_slash=features.add_slash,
        )
        self.extra.start = start
        self.locale = start.locale
        before = self.pathname
        if start.pathname != before:
            self.set_pathname(start.pathname)
        if start.detected:
            detail = f"locale {start.detected!r} from the path"
        elif start.rest.startswith("/_next/"):
            detail = f"no locale in {before!r} (a /_next path keeps none): locale {start.locale!r}"
        else:
            whose = (
                f"locale {start.locale!r} of the domain {start.domain.domain}"
                if start.domain
                else f"default locale {start.locale!r}"
            )
            detail = (
                f"no locale in the path: the {whose} is added, "
                f"{before!r} → {self.pathname!r} (rules and pages see this path)"
            )
        self.trace.note(Stage.LOCALE, Outcome.LOCALE, detail)

    def internal_path(self) -> str:
        """The path Next.js's own redirects (trailing slash) are matched against: with i18n, the
        default locale taken out again."""
        extra = self.extra
        if extra is None or extra.start is None:
            return self.path
        features = extra.features
        assert features.i18n is not None
        return features.i18n.internal_path(
            self.pathname or "/",
            base_path=features.base_path,
            default_locale=extra.start.default_locale,
            trailing_slash=features.add_slash,
        )

    def redirect_candidates(self) -> Iterator[tuple[int, Rule]]:
        """With i18n, Next.js's own redirects (first in the phase) are offered whatever the path,
        since they are matched against the path without the default locale; then the index's."""
        rules = self.router.phase(Phase.REDIRECTS)
        count = 0
        while count < len(rules) and rules[count].internal:
            yield count, rules[count]
            count += 1
        for position, rule in self.candidates(Phase.REDIRECTS):
            if position >= count:
                yield position, rule

    def rewritten_locale(self, pathname: str) -> None:
        """After an internal rewrite: a locale at the start of the new path becomes the locale."""
        extra = self.extra
        if extra is None or extra.features.i18n is None:
            return
        features = extra.features
        assert features.i18n is not None
        _, detected = features.i18n.split(remove_path_prefix(pathname, features.base_path))
        if detected and detected != self.locale:
            self.locale = detected
            self.trace.note(
                Stage.LOCALE, Outcome.LOCALE, f"the rewritten path names the locale {detected!r}"
            )

    def locale_api(self, pathname: str) -> bool:
        """resolve-routes `checkLocaleApi`: an API route requested with a locale in the path
        (`/fr/api/x`, even `/en/api/x`) is not served."""
        extra = self.extra
        if extra is None or extra.start is None:
            return False
        start = extra.start
        return (
            start.detected is not None
            and pathname == self.url.split("?", 1)[0]
            and has_path_prefix(start.rest, "/api")
        )

    # --- _next/data ------------------------------------------------------------------------------

    def next_data(self) -> None:
        """With middleware: `/_next/data/<build>/<page>.json` of the current build is routed as
        `/<page>` (locale, basePath and trailing slash as configured), and any `/_next/data/...
        .json` is marked as a data request (`x-nextjs-data: 1`, which `has`/`missing` see)."""
        extra = self.extra
        assert extra is not None
        features = extra.features
        # `getMiddlewareMatchers()?.length` is the matcher function's arity (3): any middleware,
        # even one whose matcher list is empty, turns this step on.
        if features.middleware is None or not self.pathname:
            return
        pathname = self.pathname
        base = features.base_path
        normalized = pathname
        had_base = bool(base) and (pathname == base or pathname.startswith(base + "/"))
        if had_base:
            normalized = pathname[len(base) :] or "/"
        is_data = has_path_prefix(normalized, "/_next/data") and normalized.endswith(".json")
        page = _current_build_page(normalized, features.build_id)
        if is_data:
            self.mark_next_data()
        if page is not None:
            normalized = page
        i18n = features.i18n
        if i18n is not None and extra.start is not None:
            rest, detected = i18n.split(normalized)
            if detected:
                self.locale = detected
            elif not rest.startswith("/_next/"):
                default = extra.start.default_locale
                normalized = f"/{default}" if rest == "/" else add_path_prefix(rest, f"/{default}")
        if page is None:
            if is_data:
                self.trace.note(
                    Stage.NEXT_DATA,
                    Outcome.NOTE,
                    f"{pathname!r} is a /_next/data request, but not of this build"
                    + ("" if features.build_id is None else f" ({features.build_id!r})"),
                )
            return
        if had_base:
            normalized = base if normalized == "/" else re.sub("/+", "/", f"{base}/{normalized}")
        if features.add_slash and not normalized.endswith("/"):
            normalized += "/"
        self.set_pathname(normalized)
        build = (
            "any build id counts as this build (build_id not given)"
            if features.build_id is None
            else f"build {features.build_id!r}"
        )
        self.trace.note(
            Stage.NEXT_DATA,
            Outcome.REWRITTEN,
            f"the data form of a page ({build}): {pathname!r} → {normalized!r}",
        )

    def mark_next_data(self) -> None:
        """`setIsNextDataRequest`: the request header `x-nextjs-data: 1` (conditions see it)."""
        assert self.extra is not None
        self.extra.next_data = True
        # A new view (a run may share one without headers; the index asks by identity).
        self.view = RequestView({**self.view.headers, "x-nextjs-data": "1"})
        self.split_for = None  # the header may let rules through that wait for it

    # --- middleware ------------------------------------------------------------------------------

    def middleware(self) -> None:
        """Whether the middleware runs: a matcher's regex matches the pathname (as it is, or
        decoded) and its `has`/`missing` hold. What the middleware then does is not known: the
        resolution goes on as after `NextResponse.next()`."""
        extra = self.extra
        assert extra is not None
        middleware = extra.features.middleware
        if middleware is None:
            return
        pathname = self.pathname
        try:
            decoded = decode_uri_component(pathname or "/")
        except ValueError:
            decoded = pathname or "/"
        query = self.query_for_has()
        timeout = self.router.match_timeout
        try:
            found = middleware.first(pathname, self.view, query, timeout)
            if found is None and decoded != pathname:
                found = middleware.first(decoded, self.view, query, timeout)
        except (TimeoutError, ConditionError) as exc:
            raise RequestError(
                f"the middleware matcher: {exc or 'matching took over the match_timeout'}",
                status=500,
            ) from None
        if found is not None:
            extra.middleware = True
            self.trace.note(
                Stage.MIDDLEWARE,
                Outcome.RUNS,
                f"matcher {found.place} {found.source!r} selects {pathname!r}: the middleware "
                "runs. What it does (rewrite, redirect, a response of its own) is not known "
                "here; what follows is what happens when it calls NextResponse.next()",
            )
            return
        if not middleware.matchers:
            self.trace.note(Stage.MIDDLEWARE, Outcome.NO_MATCH, "the matcher list is empty")
        for matcher in middleware.matchers:
            self.trace.note(
                Stage.MIDDLEWARE,
                Outcome.NO_MATCH,
                _why_not(matcher, pathname, decoded, self.view, query),
            )

    # --- filesystem --------------------------------------------------------------------------

    def files_check(self) -> RouteMatch | None:
        """check_fs with i18n or data routes: getItem, not for a localised API path, and the
        locale it found becomes the request's."""
        extra = self.extra
        assert extra is not None and extra.features.files is not None
        pathname = self.pathname or "/"
        if self.locale_api(pathname):
            self.trace.note(
                Stage.CHECK_FS,
                Outcome.MISS,
                f"{pathname!r}: API routes are not served with a locale in the path",
            )
            return None
        item = extra.features.files.get_item(pathname)
        start = extra.start
        if (
            item is not None
            and start is not None
            and start.detected
            and has_path_prefix(pathname, "/api")
        ):
            item = None
        if item is not None and item.locale:
            self.locale = item.locale
        found = None if item is None else item.found
        self.trace.page(Stage.CHECK_FS, found, pathname)
        return found

    def files_check_true(self) -> RouteMatch | None:
        """checkTrue with i18n or data routes: getItem, then the data routes' and pages'
        dynamic routes on the path without its locale."""
        extra = self.extra
        assert extra is not None and extra.features.files is not None
        pathname = self.pathname or "/"
        if self.locale_api(pathname):
            return None
        files = extra.features.files
        item = files.get_item(pathname)
        if item is None:
            item = files.dynamic(self.pathname)
            if item is not None and item.next_data:
                self.mark_next_data()
        return None if item is None else item.found

    def finish(self, resolution: Resolution) -> Resolution:
        """The resolution with the locale and whether the middleware ran."""
        extra = self.extra
        if extra is None:
            return resolution
        locale = self.locale if resolution.kind in (Kind.LOCAL, Kind.NOT_FOUND) else None
        if locale is None and not extra.middleware:
            return resolution
        return attrs.evolve(resolution, locale=locale, middleware=extra.middleware)


def _current_build_page(pathname: str, build_id: str | None) -> str | None:
    """NextDataPathnameNormalizer: the page of `/_next/data/<build>/<page>.json` (`/index` is
    `/`), or None when it is not a data path of the current build (any build when None)."""
    if not pathname.startswith("/_next/data/") or not pathname.endswith(".json"):
        return None
    rest = pathname[len("/_next/data/") :]
    if build_id is None:
        cut = rest.find("/")
        if cut < 0:
            return None
        build = rest[:cut]
    else:
        build = build_id
    prefix = "/_next/data/" + build
    if pathname != prefix and not pathname.startswith(prefix + "/"):
        return None
    page = pathname[len(prefix) :] or "/"
    page = page[: -len(".json")] if page.endswith(".json") else page
    return _denormalize(page)


def _denormalize(page: str) -> str:
    """denormalizePagePath: `/index` is `/`, `/index/x` is `/x`."""
    page = page.replace("\\", "/")
    if page.startswith("/index/") and not re.search(r"/\[[^/]+\](?=/|$)", page):
        return page[6:]
    return "/" if page == "/index" else page


def _why_not(
    matcher: Matcher,
    pathname: str,
    decoded: str,
    view: RequestView,
    query: Mapping[str, Any],
) -> str:
    """Why one matcher does not select the request, in words."""
    head = f"matcher {matcher.place} {matcher.source!r}"
    for path in dict.fromkeys((pathname, decoded)):
        if matcher.match(path):
            return f"{head} matches {path!r}, but its has/missing conditions do not hold"
    refused = matcher.refusal(pathname)
    if refused is not None:
        return (
            f"{head} does not match {pathname!r}: its lookahead {refused.lookahead} is a prefix "
            f"test and refuses any segment starting with {refused.seen!r}, not just that segment"
        )
    if matcher.built != matcher.source:
        return f"{head} does not match {pathname!r} (Next.js matches it as {matcher.built!r})"
    return f"{head} does not match {pathname!r}"
