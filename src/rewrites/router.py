"""The public face of resolution: `Router` builds a table's indexes and resolves requests.

`Router.from_next_config` loads and validates a next.config-shaped mapping (`_load`), files each
phase's rules in a first-match-preserving index (`_index`) and knows the app's pages (`_pages`);
`resolve` and `explain` run the phases (`_resolve`) and return `_results` values.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ._filesystem import DataRoutes, FileSystem
from ._i18n import I18n
from ._index import Index, PhaseIndex, PlainIndex, TableIndex
from ._js.url import URLError, parse_url
from ._load import lazy_table, load_table
from ._middleware import Middleware, load_middleware
from ._pages import LocalRoutes, PublicFiles
from ._pattern import DEFAULT_MATCH_TIMEOUT
from ._resolve import Recorder, Run, resolve_indexed
from ._results import Explanation, Outcome, Resolution, Stage, Step
from ._rules import Phase, Rule, Table
from ._steps import Features
from .errors import ConfigError, Problem, RequestError

__all__ = ["DEFAULT_MATCH_TIMEOUT", "Router"]


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
    indexes: Mapping[Phase, Index] = attrs.field(eq=False, repr=False)
    #: The files of `public/`, looked up before the pages (None: no public files given).
    public: PublicFiles | None = attrs.field(default=None, kw_only=True)
    #: The time bound of one regex match, in seconds (None: unbounded, as in Next.js).
    match_timeout: float | None = attrs.field(
        default=DEFAULT_MATCH_TIMEOUT, kw_only=True, eq=False, repr=False
    )

    #: The middleware (proxy) matcher (None: no middleware).
    middleware: Middleware | None = attrs.field(default=None, kw_only=True)
    #: The pages with `/_next/data` routes (getStaticProps / getServerSideProps; None: none).
    data: DataRoutes | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)
    #: The build id of `/_next/data/<build id>/...` (None: any id counts as the current build).
    build_id: str | None = attrs.field(default=None, kw_only=True)

    @indexes.default
    def _build_indexes(self) -> Mapping[Phase, Index]:
        """One first-match-preserving index over every phase, read per phase."""
        return _phase_indexes(self.table, TableIndex([self.phase(phase) for phase in Phase]))

    #: The index of every phase (the plain loop's stand-in when not indexed): resolve() asks
    #: it whether any rule may apply to a path at all.
    shared: TableIndex | None = attrs.field(init=False, eq=False, repr=False)

    @shared.default
    def _shared(self) -> TableIndex | None:
        """The one index every phase reads a range of; None when the phases do not share one
        (the plain loop, or indexes given one per phase): then each phase is asked apart."""
        shared = None
        for number, phase in enumerate(Phase):
            index = self.indexes[phase]
            if not isinstance(index, PhaseIndex) or index.number != number:
                return None
            if shared is not None and index.shared is not shared:
                return None
            shared = index.shared
        return shared

    #: Whether each phase (in `Phase` order) has rules, then whether the app has pages or public
    #: files: resolve() does not visit the phases without rules, nor look for files without any.
    plan: tuple[bool, ...] = attrs.field(init=False, eq=False, repr=False)

    @plan.default
    def _plan(self) -> tuple[bool, ...]:
        files = self.routes is not None or self.public is not None
        return (*(bool(self.phase(phase)) for phase in Phase), files)

    #: i18n, middleware and data routes as resolution takes them (None: none of them).
    features: Features | None = attrs.field(init=False, eq=False, repr=False)

    @features.default
    def _features(self) -> Features | None:
        i18n = self.table.i18n
        files = None
        if (i18n is not None or self.data is not None) and (
            self.routes is not None or self.public is not None
        ):
            files = FileSystem(
                self.routes, self.public, i18n, self.data, self.table.base_path, self.build_id
            )
        return Features.of(self.table, self.middleware, files, self.build_id)

    #: Whether `resolve()` starts with `_resolve.resolve_indexed`: an indexed router without
    #: i18n or middleware.
    quick: bool = attrs.field(init=False, eq=False, repr=False)

    @quick.default
    def _quick(self) -> bool:
        return self.shared is not None and self.features is None

    @property
    def i18n(self) -> I18n | None:
        """The `i18n` config (None without one)."""
        return self.table.i18n

    @classmethod
    def from_next_config(
        cls,
        config: Mapping[str, Any],
        routes: Iterable[str] | None = None,
        *,
        positional_refs: bool = True,
        early_errors: bool = False,
        indexed: bool = True,
        public_files: Iterable[str] | None = None,
        match_timeout: float | None = DEFAULT_MATCH_TIMEOUT,
        middleware: Any = None,
        data_routes: Iterable[str] | None = None,
        build_id: str | None = None,
    ) -> Router:
        """Build a router from a next.config-shaped mapping and the app's routes.

        `routes` uses Next.js route syntax (`/blog/[slug]`); None means the pages are unknown.
        `public_files` are the files of `public/` as paths (`/robots.txt`), served by the
        filesystem check before the pages (basePath, one trailing slash and `%`-escapes as
        Next.js applies them; case-sensitive). `positional_refs=False` keeps `$1` literal, as
        Next.js does. Raises ConfigError listing every problem of the table. A destination that
        can never render is kept, as Next.js keeps it, with a warning in `warnings`, and each
        request it matches fails with a `RequestError` (status 500); `early_errors=True` refuses
        it at load instead. `indexed=False` tries every rule of a phase in turn (the plain loop
        the index is tested and measured against). `match_timeout` bounds each regex match (see
        `DEFAULT_MATCH_TIMEOUT`); None matches without a bound, as Next.js does.

        `middleware` is the middleware's (`proxy.ts`) `config.matcher` exactly as written: a
        string, or a list of strings and `{source, has, missing, locale}` objects; True for a
        middleware without a matcher (it runs on every path); None for no middleware.
        `Resolution.middleware` says whether it runs. `data_routes` are the routes (of `routes`)
        that export getStaticProps or getServerSideProps: `/_next/data/<build_id>/<page>.json`
        serves them; `build_id` is that id (None: any id counts as the current build).

        Arguments of the wrong type raise TypeError (`routes` must be an iterable of route
        strings or None, not one string); problems of the config and of the routes are listed
        in one ConfigError.

        The cyclic garbage collector is paused while the table is built, for the whole process,
        and restored when the build ends: a large table allocates millions of objects that all
        live on, and the collector would scan them again and again for nothing (a third of a
        100k-rule build). Nothing the build allocates forms a cycle.
        """
        _check_routes("routes", routes)
        _check_routes("public_files", public_files)
        for name, flag in (
            ("positional_refs", positional_refs),
            ("early_errors", early_errors),
            ("indexed", indexed),
        ):
            if not isinstance(flag, bool):
                raise TypeError(_got(name, flag, "True or False"))
        _check_timeout(match_timeout)
        _check_routes("data_routes", data_routes)
        if build_id is not None and (
            not isinstance(build_id, str) or not build_id or "/" in build_id
        ):
            raise TypeError(_got("build_id", build_id, "a build id such as 'a1b2c3', or None"))
        collecting = gc.isenabled()
        gc.disable()
        try:
            routes = None if routes is None else list(routes)
            try:
                table = load_table(
                    config, positional_refs=positional_refs, early_errors=early_errors
                )
            except ConfigError as exc:
                # The routes' problems too, so that one report lists them all.
                problems = list(exc.problems)
                try:
                    _ = None if routes is None else LocalRoutes(routes)
                except ConfigError as more:
                    problems += more.problems
                raise ConfigError(problems) from None
            pages = None if routes is None else LocalRoutes(routes)
            public = None if public_files is None else PublicFiles(public_files)
            if public is not None:
                problems = public.conflicts(routes or ())
                if problems:
                    raise ConfigError(problems)
            found, problems = load_middleware(
                middleware, i18n=table.i18n, base_path=table.base_path
            )
            if problems:
                raise ConfigError(problems)
            data = (
                None
                if data_routes is None
                else DataRoutes.of(data_routes, pages, build_id, table.i18n)
            )
            if indexed:
                return cls(
                    table,
                    pages,
                    public=public,
                    match_timeout=match_timeout,
                    middleware=found,
                    data=data,
                    build_id=build_id,
                )
            plain = {phase: PlainIndex(table.phase(phase)) for phase in Phase}
            return cls(
                table,
                pages,
                plain,
                public=public,
                match_timeout=match_timeout,
                middleware=found,
                data=data,
                build_id=build_id,
            )
        finally:
            if collecting:
                gc.enable()

    def resolve(self, url: str, headers: Mapping[str, Any] | None = None) -> Resolution:
        """Where Next.js sends a request: `url` is the request target (a path with its query),
        `headers` the request headers (names in any case; a list joins as Node joins repeats).

        A full URL is what Next.js makes of an absolute-form target: with '//' (every
        `http://...`) a 308 to itself, as Next.js answers. Pass its path and query to route it.
        Raises RequestError where Next.js answers an error status (a header Node's parser
        refuses is a 400), and TypeError for arguments of the wrong type.
        """
        if type(url) is not str or (headers is not None and type(headers) is not dict):
            _check_request(url, headers)
        if self.quick:
            return resolve_indexed(self, url, headers)
        return Run(self, url, headers).run()

    def explain(self, url: str, headers: Mapping[str, Any] | None = None) -> Explanation:
        """Every phase and rule tried for a request, and why each applied or not."""
        _check_request(url, headers)
        recorder = Recorder(self)
        run = Run(self, url, headers, recorder)
        resolution = run.run()
        steps = recorder.steps
        why = self._stolen(run, resolution)
        if why is not None:
            steps.append(why)
        return Explanation(url, tuple(steps), resolution)

    def _stolen(self, run: Run, resolution: Resolution) -> Step | None:
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
            Stage.WHY,
            Outcome.NOTE,
            f"page {page.route} would have served {start.pathname!r}, but dynamic routes are "
            f"only tried after the {rule.phase.value} rewrites, and {rule.place} "
            f"{rule.source!r} took it first; a `fallback` rewrite runs after the pages",
            rule,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as a snapshot: the config, the pages and the indexes' keys, not the built rules.

        Unpickling validates nothing again and builds no rule: each is built from its config item
        the first time a request reaches it, so a worker process gets a large table in a fraction
        of a build, with the same answers.
        """
        pages = None if self.routes is None else [route.page for route in self.routes]
        index = self.indexes[Phase.HEADERS]
        state = index.shared.__getstate__() if isinstance(index, PhaseIndex) else None
        table = self.table
        public = None if self.public is None else list(self.public)
        middleware = None if self.middleware is None else self.middleware.written
        data = None if self.data is None else sorted(self.data.pages)
        args = (
            dict(table.config),
            table.positional_refs,
            pages,
            state,
            public,
            self.match_timeout,
            middleware,
            data,
            self.build_id,
        )
        # One pickle inside the pickle: `_unpack` reads it with the garbage collector off (the
        # config and the index are millions of objects that form no cycle, and unpickling them
        # with it on took twice as long).
        return _unpack, (pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL),)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """What Next.js loads but warns about, and destinations that can never render (each
        request they match fails), each with its place."""
        return self.table.warnings

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule in routing order (built-in ones included)."""
        return self.table.rules()

    def phase(self, phase: Phase | str) -> Sequence[Rule]:
        """The rules of one phase."""
        return self.table.phase(Phase(phase))


def _unpack(packed: bytes) -> Router:
    """A pickled router (see `Router.__reduce__`): its snapshot read with the collector off."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        args = pickle.loads(packed)
    finally:
        if collecting:
            gc.enable()
    return _restore(*args)


def _restore(
    config: dict[str, Any],
    positional_refs: bool,
    pages: list[str] | None,
    state: tuple[Any, ...] | None,
    public: list[str] | None = None,
    match_timeout: float | None = DEFAULT_MATCH_TIMEOUT,
    middleware: Any = None,
    data_routes: list[str] | None = None,
    build_id: str | None = None,
) -> Router:
    """A pickled router (see `Router.__reduce__`)."""
    # The config loaded once already: a destination that can never render was kept then (it fails
    # the requests that reach it), so building it again must not refuse it.
    collecting = gc.isenabled()
    gc.disable()  # as in from_next_config: nothing built here forms a cycle
    try:
        table = lazy_table(config, positional_refs=positional_refs, early_errors=False)
    finally:
        if collecting:
            gc.enable()
    if state is None:
        indexes: Mapping[Phase, Index] = {phase: PlainIndex(table.phase(phase)) for phase in Phase}
    else:
        shared = TableIndex.__new__(TableIndex)
        shared.__setstate__(state)
        indexes = _phase_indexes(table, shared.attach([table.phase(phase) for phase in Phase]))
    files = None if public is None else PublicFiles(public)
    local = None if pages is None else LocalRoutes(pages)
    found, _ = load_middleware(middleware, i18n=table.i18n, base_path=table.base_path)
    data = None if data_routes is None else DataRoutes.of(data_routes, local, build_id, table.i18n)
    return Router(
        table,
        local,
        indexes,
        public=files,
        match_timeout=match_timeout,
        middleware=found,
        data=data,
        build_id=build_id,
    )


def _phase_indexes(table: Table, shared: TableIndex) -> dict[Phase, Index]:
    """Each phase's range of the table's index."""
    return {
        phase: PhaseIndex(table.phase(phase), shared, number) for number, phase in enumerate(Phase)
    }


def _got(name: str, value: object, wanted: str) -> str:
    """An argument error in Hypothesis's words: `got name=value (type); expected ...`."""
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"got {name}={shown} ({type(value).__name__}); expected {wanted}"


def _check_routes(name: str, routes: object) -> None:
    """`routes` (or `public_files`): None, or an iterable of strings that is not one string."""
    if routes is None:
        return
    if isinstance(routes, str | bytes) or not isinstance(routes, Iterable):
        raise TypeError(
            _got(name, routes, "an iterable of paths such as ['/', '/blog/[slug]'], or None")
        )


def _check_timeout(timeout: object) -> None:
    """`match_timeout`: None or a positive number of seconds."""
    if timeout is None:
        return
    wanted = "a positive number of seconds, or None"
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(_got("match_timeout", timeout, wanted))
    if not timeout > 0:
        raise ValueError(_got("match_timeout", timeout, wanted))


def _check_request(url: object, headers: object) -> None:
    """The arguments of `resolve` and `explain`."""
    if not isinstance(url, str):
        raise TypeError(_got("url", url, "a str, the request target ('/blog/x?page=2')"))
    if headers is not None and not isinstance(headers, Mapping):
        raise TypeError(_got("headers", headers, "a mapping of header names to values, or None"))
