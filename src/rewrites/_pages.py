"""Local routes: the app's own pages and app routes, found exactly as `next start` finds them.

Two lookups mirror `server/lib/router-utils/resolve-routes.js`:

* `LocalRoutes.find_static` is the `check_fs` step: the fsChecker's `getItem`
  (`server/lib/router-utils/filesystem.js`) on the page set. One trailing slash is stripped, then
  the path is looked up exactly (case-sensitive `Set.has`), then in its `decodeURIComponent` form
  (decode errors ignored), then in its `encodeURIPath` form. The set holds every page, dynamic ones
  too, so `/api/auth/[...nextauth]` is found by its own literal text (without params).
* `LocalRoutes.find` is `checkTrue()`: `find_static`, then the dynamic routes in `getSortedRoutes`
  order, each matched with the regex of `getNamedRouteRegex(page, {prefixRouteKeys, includePrefix,
  includeSuffix})` and decoded as `getRouteMatcher` does. A malformed `%`-escape in a captured
  param is Next's `DecodeError`, answered with 400: `RequestError`.

Paths are given with the basePath already removed (the caller strips it, as `getItem` does);
i18n locales are not handled. `routes_from_app_dir` derives the route list from a real project.
"""

from __future__ import annotations

import heapq
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeAlias

import attrs

from ._js.uri import decode_uri_component, encode_uri_component
from .errors import ConfigError, Problem, RequestError

__all__ = ["LocalRoute", "LocalRoutes", "RouteMatch", "routes_from_app_dir"]

#: Params of a dynamic route: a string, or a list of strings for a catch-all.
Params: TypeAlias = "dict[str, str | list[str]]"

# JavaScript's `.` (no `s` flag) matches anything but these line terminators.
_JS_DOT = "[^\\n\\r\\u2028\\u2029]"
# shared/lib/router/utils/get-dynamic-param.js PARAMETER_PATTERN; JS `$` (no `m` flag) is `\Z`.
_PARAMETER_PATTERN = re.compile(r"([^\[]*)\[((?:\[[^\]]*\])|[^\]]+)\](" + _JS_DOT + r"*)\Z")
# shared/lib/router/utils/is-dynamic.js TEST_STRICT_ROUTE.
_STRICT_DYNAMIC = re.compile(r"/\[[^/]+\](?=/|\Z)")
# shared/lib/router/utils/interception-routes.js INTERCEPTION_ROUTE_MARKERS.
_INTERCEPTION_MARKERS = ("(..)(..)", "(.)", "(..)", "(...)")
# shared/lib/escape-regexp.js.
_JS_REGEX_SPECIAL = re.compile(r"[|\\{}()\[\]^$+*?.\-]")
# JavaScript's `\W` is ASCII-only.
_JS_NON_WORD = re.compile(r"[^A-Za-z0-9_]")
# lib/route-pattern-normalizer.js PARAM_SEPARATOR, stripped from the start of param values.
_PARAM_SEPARATOR = "_NEXTSEP_"


# --------------------------------------------------------------------------------------------------
# encodeURIPath
# --------------------------------------------------------------------------------------------------


def _encode_uri_path(path: str) -> str:
    """shared/lib/encode-uri-path.js: `encodeURIComponent` of each `/`-separated part.

    A lone surrogate raises ValueError, as JavaScript's URIError.
    """
    return "/".join(encode_uri_component(part) for part in path.split("/"))


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


@attrs.frozen
class RouteMatch:
    """The page that serves a path, and its decoded params (`{}` for a static hit)."""

    route: str
    params: Params = attrs.field(factory=dict, hash=False)


@attrs.frozen
class RouteKey:
    """One dynamic param of a route: its name, regex group number and kind."""

    name: str
    group: int
    repeat: bool
    optional: bool


@attrs.frozen
class LocalRoute:
    """One route of the app, e.g. `/blog/[slug]`, with the matcher Next.js builds for it.

    `js_regex` is the source of `getRouteRegex(page).re` as Next.js builds it, `regex` its Python
    equivalent (None for static routes), `keys` the params in group order, and `literal_prefix`
    text every matching path starts with (a cheap pre-check, never a different answer).
    """

    page: str
    dynamic: bool
    js_regex: str | None = None
    regex: re.Pattern[str] | None = attrs.field(default=None, eq=False, repr=False)
    keys: tuple[RouteKey, ...] = ()
    literal_prefix: str = ""

    def match(self, pathname: str) -> Params | None:
        """Params of `pathname` as getRouteMatcher returns them; None if it does not match."""
        if self.regex is None or not pathname.startswith(self.literal_prefix):
            return None
        found = self.regex.match(pathname)
        if found is None:
            return None
        params: Params = {}
        for key in self.keys:
            raw = found.group(key.group)
            if raw is None:  # an absent optional catch-all: the key is left out
                continue
            if key.repeat:
                params[key.name] = [self._decode(part) for part in raw.split("/")]
            else:
                params[key.name] = self._decode(raw)
        return params

    def _decode(self, raw: str) -> str:
        """Decode one captured value (route-matcher.js), then strip a leading `_NEXTSEP_`."""
        try:
            value = decode_uri_component(raw)
        except ValueError:
            # route-matcher.js throws DecodeError('failed to decode param'); router-server: 400.
            raise RequestError(
                f"failed to decode param: {raw!r} (route {self.page}) has a malformed %-escape"
            ) from None
        # route-match-utils.js safeRouteMatcher -> route-pattern-normalizer.js
        # stripParameterSeparators: a value starting with `_NEXTSEP_` loses that prefix.
        return value.removeprefix(_PARAM_SEPARATOR)


# --------------------------------------------------------------------------------------------------
# Route regexes (shared/lib/router/utils/route-regex.js getParametrizedRoute)
# --------------------------------------------------------------------------------------------------


class _RouteProblem(Exception):
    """A route Next.js rejects: its message, and how to fix it."""

    def __init__(self, message: str, fix: str) -> None:
        self.message = message
        self.fix = fix
        super().__init__(message)


def _js_escape(text: str) -> str:
    """shared/lib/escape-regexp.js escapeStringRegexp."""
    return _JS_REGEX_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _parse_matched_parameter(param: str) -> tuple[str, bool, bool]:
    """get-dynamic-param.js parseMatchedParameter: (key, repeat, optional)."""
    optional = param.startswith("[") and param.endswith("]")
    if optional:
        param = param[1:-1]
    repeat = param.startswith("...")
    if repeat:
        param = param[3:]
    return param, repeat, optional


def _param_pieces(repeat: bool, optional: bool, prefixed: bool) -> tuple[str, str]:
    """The JS and Python regex text of one param (route-regex.js getParametrizedRoute)."""
    if repeat and optional:
        js, py = r"(?:/(.+?))?", f"(?:/({_JS_DOT}+?))?"
    elif repeat:
        js, py = r"/(.+?)", f"/({_JS_DOT}+?)"
    else:
        js, py = r"/([^/]+?)", r"/([^/]+?)"
    # "Remove the leading slash if includePrefix already added it": for an optional catch-all
    # this removes its `(`, leaving a regex JavaScript cannot compile (see _build_regex).
    return (js[1:], py[1:]) if prefixed else (js, py)


def _build_regex(page: str) -> LocalRoute:
    """The LocalRoute of a dynamic page, its regex as getNamedRouteRegex(page, ...).re."""
    js: list[str] = []
    py: list[str] = []
    keys: dict[str, RouteKey] = {}
    prefix: list[str] = []
    group = 0
    trimmed = page[:-1] if len(page) > 1 and page.endswith("/") else page  # removeTrailingSlash
    for segment in trimmed[1:].split("/"):
        found = _PARAMETER_PATTERN.match(segment)
        if found is None:
            js.append("/" + _js_escape(segment))
            py.append("/" + re.escape(segment))
            if not keys:
                prefix.append("/" + segment)
            continue
        before, param, after = found.groups()
        key, repeat, optional = _parse_matched_parameter(param)
        if not keys:
            prefix.append("/" + before if before else ("" if repeat and optional else "/"))
        # `groups[key] = {pos: groupIndex++, ...}`: a repeated name takes the later group.
        group += 1
        keys[key] = RouteKey(key, group, repeat, optional)
        if before:
            js.append("/" + _js_escape(before))
            py.append("/" + re.escape(before))
        piece_js, piece_py = _param_pieces(repeat, optional, bool(before))
        js.append(piece_js)
        py.append(piece_py)
        if after:
            js.append(_js_escape(after))
            py.append(re.escape(after))
    js_source = "^" + "".join(js) + "(?:/)?$"
    try:
        compiled = re.compile("^" + "".join(py) + "(?:/)?\\Z")
    except re.error:
        # V8's message for `new RegExp(source)`; only `x[[...y]]` segments get here.
        raise _RouteProblem(
            f"Invalid regular expression: /{js_source}/: Unmatched ')'",
            "Next.js cannot build a matcher for an optional catch-all with text before it in the "
            "same segment; give the optional catch-all a segment of its own.",
        ) from None
    ordered = tuple(sorted(keys.values(), key=lambda k: k.group))
    return LocalRoute(page, True, js_source, compiled, ordered, "".join(prefix))


# --------------------------------------------------------------------------------------------------
# Sorting and validation (shared/lib/router/utils/sorted-routes.js UrlNode)
# --------------------------------------------------------------------------------------------------

#: A problem smoosh found, with the index of the route it is about.
_Found = tuple[int | None, "_RouteProblem"]
_FIX_SLUG = "Use one name for the dynamic segment at this level in every route."


@attrs.define
class _UrlNode:
    """One level of getSortedRoutes' tree; `route` is the index of the route that ends here."""

    placeholder: bool = True
    children: dict[str, _UrlNode] = attrs.Factory(dict)
    slug_name: str | None = None
    rest_slug_name: str | None = None
    optional_rest_slug_name: str | None = None
    route: int | None = None

    def insert(self, page: str, index: int) -> None:
        """UrlNode.insert: add one page (raises _RouteProblem with Next's message)."""
        self._insert([s for s in page.split("/") if s], [], False, index)

    def _insert(self, parts: list[str], slugs: list[str], catch_all: bool, index: int) -> None:
        """UrlNode._insert, one segment at a time."""
        if not parts:
            self.placeholder = False
            if self.route is None:
                self.route = index
            return
        if catch_all:
            raise _RouteProblem(
                "Catch-all must be the last part of the URL.",
                "Move the [...name] or [[...name]] segment to the end of the route.",
            )
        segment = parts[0]
        dynamic = segment.startswith("[") and segment.endswith("]")
        key = self._child_key(segment, slugs) if dynamic else None
        child = self.children.setdefault(segment if key is None else key, _UrlNode())
        child._insert(parts[1:], slugs, catch_all or key in ("[...]", "[[...]]"), index)

    def _child_key(self, segment: str, slugs: list[str]) -> str:
        """Record a `[...]` segment's slug on this node; the child key it sorts under."""
        name = segment[1:-1]
        optional = name.startswith("[") and name.endswith("]")
        if optional:
            name = name[1:-1]
        if name.startswith("…"):
            raise _RouteProblem(
                f"Detected a three-dot character ('…') at ('{name}'). Did you mean ('...')?",
                "Write three full stops ('...') instead of the ellipsis character.",
            )
        catch_all = name.startswith("...")
        if catch_all:
            name = name[3:]
        if name.startswith("[") or name.endswith("]"):
            raise _RouteProblem(
                f"Segment names may not start or end with extra brackets ('{name}').",
                "Remove the extra brackets: [name], [...name] or [[...name]].",
            )
        if name.startswith("."):
            raise _RouteProblem(
                f"Segment names may not start with erroneous periods ('{name}').",
                "Write exactly three periods for a catch-all ([...name]), none otherwise.",
            )
        if not catch_all:
            if optional:
                raise _RouteProblem(
                    f'Optional route parameters are not yet supported ("{segment}").',
                    "Use [name] (required) or [[...name]] (optional catch-all).",
                )
            self.slug_name = _handle_slug(self.slug_name, name, segment, slugs)
            return "[]"
        if optional:
            if self.rest_slug_name is not None:
                raise _RouteProblem(
                    "You cannot use both an required and optional catch-all route at the same "
                    f'level ("[...{self.rest_slug_name}]" and "{segment}" ).',
                    "Keep either the catch-all or the optional catch-all at this level.",
                )
            self.optional_rest_slug_name = _handle_slug(
                self.optional_rest_slug_name, name, segment, slugs
            )
            return "[[...]]"
        if self.optional_rest_slug_name is not None:
            raise _RouteProblem(
                "You cannot use both an optional and required catch-all route at the same "
                f'level ("[[...{self.optional_rest_slug_name}]]" and "{segment}").',
                "Keep either the catch-all or the optional catch-all at this level.",
            )
        self.rest_slug_name = _handle_slug(self.rest_slug_name, name, segment, slugs)
        return "[...]"

    def smoosh(self, problems: list[_Found], prefix: str = "/") -> list[str]:
        """UrlNode._smoosh: the pages in priority order; same-specificity errors are collected."""
        names = sorted(self.children, key=_js_sort_key)
        special = ("[]", "[...]", "[[...]]")
        routes = [
            r
            for c in names
            if c not in special
            for r in self.children[c].smoosh(problems, f"{prefix}{c}/")
        ]
        if self.slug_name is not None:
            routes += self.children["[]"].smoosh(problems, f"{prefix}[{self.slug_name}]/")
        if not self.placeholder:
            here = "/" if prefix == "/" else prefix[:-1]
            if self.optional_rest_slug_name is not None:
                problems.append((self.route, _same_specificity(here, self.optional_rest_slug_name)))
            routes.insert(0, here)
        if self.rest_slug_name is not None:
            rest = f"{prefix}[...{self.rest_slug_name}]/"
            routes += self.children["[...]"].smoosh(problems, rest)
        if self.optional_rest_slug_name is not None:
            routes += self.children["[[...]]"].smoosh(
                problems, f"{prefix}[[...{self.optional_rest_slug_name}]]/"
            )
        return routes


def _same_specificity(here: str, name: str) -> _RouteProblem:
    """The error for a route beside an optional catch-all at its own level."""
    # sorted-routes.js prints `${r}[[...x]]` without a slash between them: "/a" and "/a[[...x]]".
    return _RouteProblem(
        "You cannot define a route with the same specificity as a optional catch-all route "
        f'("{here}" and "{here}[[...{name}]]").',
        f"Remove {here} (the optional catch-all [[...{name}]] already serves it) or make the "
        f"catch-all required ([...{name}]).",
    )


def _js_sort_key(text: str) -> list[int]:
    """Array.prototype.sort's default order: by UTF-16 code units."""
    data = text.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _handle_slug(previous: str | None, name: str, segment: str, slugs: list[str]) -> str:
    """sorted-routes.js handleSlug: check `name` against this level and the path so far."""
    if previous is not None and previous != name:
        raise _RouteProblem(
            f"You cannot use different slug names for the same dynamic path ('{previous}' !== "
            f"'{name}').",
            f"{_FIX_SLUG} Rename [{name}] to [{previous}] (or the other way round).",
        )
    for slug in slugs:
        if slug == name:
            raise _RouteProblem(
                f'You cannot have the same slug name "{name}" repeat within a single dynamic path',
                "Give each dynamic segment of one route its own name.",
            )
        # Next compares the slug with the raw segment (brackets and dots stripped by \W).
        if _JS_NON_WORD.sub("", slug) == _JS_NON_WORD.sub("", segment):
            raise _RouteProblem(
                f'You cannot have the slug names "{slug}" and "{name}" differ only by non-word '
                "symbols within a single dynamic path",
                "Give each dynamic segment of one route a name that differs in letters or digits.",
            )
    slugs.append(name)
    return name


def _shape_problem(page: object) -> _RouteProblem | None:
    """Routes no Next.js build can produce (and the oracle cannot model)."""
    if not isinstance(page, str) or not page.startswith("/"):
        return _RouteProblem(
            f"route {page!r} does not start with /", "Write routes as URL paths: '/blog/[slug]'."
        )
    if page != "/" and page.endswith("/"):
        return _RouteProblem(
            f"route {page!r} ends with /", f"Write it without the trailing slash: {page[:-1]!r}."
        )
    if "//" in page:
        return _RouteProblem(f"route {page!r} has an empty segment", "Remove the doubled slash.")
    if any(seg.startswith(_INTERCEPTION_MARKERS) for seg in page.split("/")):
        return _RouteProblem(
            f"route {page!r} is an interception route",
            "Leave interception routes ((.), (..), (...)) out: Next.js serves them through "
            "internal rewrites, which are not modelled.",
        )
    return None


def is_dynamic_route(page: str) -> bool:
    """shared/lib/router/utils/is-dynamic.js isDynamicRoute (strict): a whole `[...]` segment."""
    return _STRICT_DYNAMIC.search(page) is not None


def _sort_dynamic(pages: list[tuple[int, str]], problems: list[Problem]) -> list[str]:
    """getSortedRoutes over the dynamic pages, collecting every problem instead of the first."""
    root, accepted = _UrlNode(), list[tuple[int, str]]()
    for index, page in pages:
        try:
            root.insert(page, index)
        except _RouteProblem as problem:
            problems.append(_problem(index, problem))
            root = _UrlNode()  # an insert that failed half-way leaves marks: rebuild without it
            for ok_index, ok_page in accepted:
                root.insert(ok_page, ok_index)
        else:
            accepted.append((index, page))
    found: list[_Found] = []
    order = root.smoosh(found)
    problems.extend(_problem(index, problem) for index, problem in found)
    return order


def _literal_first_segment(route: LocalRoute) -> str | None:
    """The first segment of a route if it is plain text: every path it matches starts with it."""
    first = route.page.split("/", 2)[1]
    return first if _PARAMETER_PATTERN.match(first) is None else None


def _problem(index: int | None, problem: _RouteProblem) -> Problem:
    """A ConfigError problem: Next's message, then the fix."""
    place = "routes" if index is None else f"routes[{index}]"
    return Problem(place, f"{problem.message}\n{problem.fix}")


# --------------------------------------------------------------------------------------------------
# The route table
# --------------------------------------------------------------------------------------------------

#: Paths that decodeURIComponent and encodeURIPath both leave as they are (no '%', nothing that
#: encodeURIComponent escapes): most requests, looked up once instead of three times.
_UNCHANGED_BY_URI_FUNCTIONS = re.compile(r"[A-Za-z0-9\-_.!~*'()/]*")


class LocalRoutes:
    """The app's own routes, looked up as `next start` looks them up.

    Paths passed to `find_static` and `find` must have the basePath already removed. i18n is not
    handled. `/_next/image` and files in `public/` are not routes here (the router handles them).
    """

    def __init__(self, routes: Iterable[str]) -> None:
        """Validate `routes` (ConfigError listing every problem) and build the matchers."""
        problems: list[Problem] = []
        first: dict[str, int] = {}
        for index, page in enumerate(routes):
            shape = _shape_problem(page)
            if shape is not None:
                problems.append(_problem(index, shape))
            elif page not in first:  # duplicates are harmless (the oracle keeps a Set)
                first[page] = index
        dynamic = [(i, p) for p, i in first.items() if is_dynamic_route(p)]
        order = _sort_dynamic(dynamic, problems)
        built: list[LocalRoute] = []
        for page in order:
            try:
                built.append(_build_regex(page))
            except _RouteProblem as problem:
                problems.append(_problem(first.get(page), problem))
        if problems:
            raise ConfigError(problems)
        self._pages: dict[str, LocalRoute] = {
            page: LocalRoute(page, False) for page in first if not is_dynamic_route(page)
        }
        self._pages.update((route.page, route) for route in built)
        self._sorted = tuple(built)
        # An index that only skips routes that cannot match: a route whose first segment is
        # literal text needs a path with that first segment; the others are always candidates.
        self._by_first: dict[str, list[int]] = {}
        self._any: list[int] = []
        for position, route in enumerate(built):
            first_segment = _literal_first_segment(route)
            if first_segment is None:
                self._any.append(position)
            else:
                self._by_first.setdefault(first_segment, []).append(position)

    @property
    def sorted_dynamic(self) -> tuple[LocalRoute, ...]:
        """The dynamic routes in the order Next.js tries them (getSortedRoutes)."""
        return self._sorted

    @property
    def routes(self) -> tuple[LocalRoute, ...]:
        """Every route, static and dynamic, in the order given (duplicates removed)."""
        return tuple(self._pages.values())

    def __iter__(self) -> Iterator[LocalRoute]:
        """Iterate over every route, in the order given."""
        return iter(self._pages.values())

    def __len__(self) -> int:
        """How many distinct routes there are."""
        return len(self._pages)

    def __contains__(self, page: object) -> bool:
        """Whether `page` is one of the routes (its exact text)."""
        return page in self._pages

    def find_static(self, pathname: str) -> RouteMatch | None:
        """check_fs: filesystem.js getItem on the page set (dynamic pages' literal text included).

        One trailing slash is stripped, then the path is looked up exactly (case-sensitive), then
        decoded (decodeURIComponent; decode errors ignored), then as encodeURIPath. `route` is the
        page found; for an encodeURIPath hit Next.js reports the unencoded path as `itemPath`.
        """
        if pathname != "/" and pathname.endswith("/"):
            pathname = pathname[:-1]
        if pathname in self._pages:
            return RouteMatch(pathname, {})
        if _UNCHANGED_BY_URI_FUNCTIONS.fullmatch(pathname):
            return None  # decoding and encoding it give it back: nothing more to look up
        try:
            decoded = decode_uri_component(pathname)
        except ValueError:
            decoded = pathname
        if decoded in self._pages:
            return RouteMatch(decoded, {})
        try:
            encoded = _encode_uri_path(pathname)
        except ValueError:  # encodeURIComponent throws on lone surrogates: no match
            return None
        return RouteMatch(encoded, {}) if encoded in self._pages else None

    def find(self, pathname: str) -> RouteMatch | None:
        """checkTrue: `find_static`, then the dynamic routes in order; RequestError for a 400.

        Raises RequestError where Next.js throws DecodeError: the first dynamic route whose regex
        matches has a param with a malformed %-escape.
        """
        found = self.find_static(pathname or "/")
        if found is not None:
            return found
        first_segment = pathname.split("/", 2)[1] if pathname.startswith("/") else None
        by_first = self._by_first.get(first_segment, []) if first_segment is not None else []
        for position in heapq.merge(by_first, self._any):
            route = self._sorted[position]
            params = route.match(pathname)
            if params is not None:
                # checkTrue then asks getItem for route.page: always there, as a page of its own.
                page = self.find_static(route.page)
                return None if page is None else RouteMatch(page.route, params)
        return None


# --------------------------------------------------------------------------------------------------
# Routes of a real project
# --------------------------------------------------------------------------------------------------

#: Page file extensions: Next.js's default pageExtensions, plus mdx (with @next/mdx).
PAGE_EXTENSIONS = ("tsx", "ts", "jsx", "js", "mdx")
_PAGES_SPECIAL = frozenset({"/_app", "/_document", "/_error"})


def routes_from_app_dir(path: str | os.PathLike[str]) -> list[str]:
    """The routes of a Next.js project, in Next.js route syntax, sorted and de-duplicated.

    `path` is the project root (app/ or else src/app/, pages/ or else src/pages/ are used, as
    lib/find-pages-dir.js does) or an `app/` or `pages/` directory itself (told by its name).

    App router: a folder holding `page.<ext>` or `route.<ext>` is a route. Route groups
    `(name)` are dropped from the URL. Parallel-route slots `@name`, private folders `_name` and
    interception folders `(.)x`, `(..)x`, `(..)(..)x`, `(...)x` are skipped with everything under
    them (interception routes are served through internal rewrites, which are not modelled).
    Metadata routes (`sitemap.ts`, `icon.png`, ...) are not included, and folder names are kept
    as written (`%5Fname` is not turned into `_name`).

    Pages router: every file with a page extension, `index` giving its folder's path, `api/`
    included, `_app`, `_document`, `_error` and any `_middleware` left out; `404` and `500` are
    routes (`/404`, `/500`).
    """
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"not a directory: {root}")
    if root.name == "app":
        app_dir, pages_dir = root, None
    elif root.name == "pages":
        app_dir, pages_dir = None, root
    else:
        app_dir, pages_dir = _find_dir(root, "app"), _find_dir(root, "pages")
        if app_dir is None and pages_dir is None:
            raise FileNotFoundError(f"no app/ or pages/ directory (nor under src/) in {root}")
    found: set[str] = set()
    if app_dir is not None:
        found.update(_app_routes(app_dir, ""))
    if pages_dir is not None:
        found.update(_pages_routes(pages_dir, pages_dir))
    return sorted(found)


def _find_dir(root: Path, name: str) -> Path | None:
    """lib/find-pages-dir.js findDir: `root/name`, else `root/src/name`."""
    for candidate in (root / name, root / "src" / name):
        if candidate.is_dir():
            return candidate
    return None


def _page_stem(entry: Path) -> str | None:
    """The name of a page file without its extension (None if it has no page extension)."""
    stem, dot, ext = entry.name.rpartition(".")
    return stem if dot and ext in PAGE_EXTENSIONS and entry.is_file() else None


def _app_routes(folder: Path, url: str) -> Iterator[str]:
    """The app-router routes at and under `folder`, whose URL path is `url`."""
    entries = sorted(folder.iterdir())
    if any(_page_stem(e) in ("page", "route") for e in entries):
        yield url or "/"
    for entry in entries:
        name = entry.name
        if (
            not entry.is_dir()
            or name.startswith(("_", "@"))
            or name.startswith(_INTERCEPTION_MARKERS)
        ):
            continue
        is_group = name.startswith("(") and name.endswith(")")
        yield from _app_routes(entry, url if is_group else f"{url}/{name}")


def _pages_routes(folder: Path, pages_dir: Path) -> Iterator[str]:
    """The pages-router routes at and under `folder`."""
    for entry in sorted(folder.iterdir()):
        if entry.is_dir():
            yield from _pages_routes(entry, pages_dir)
            continue
        stem = _page_stem(entry)
        if stem is None or stem == "_middleware":
            continue
        rel = entry.parent.relative_to(pages_dir).as_posix()
        page = "/" + "/".join(p for p in (rel if rel != "." else "", stem) if p)
        page = page.removesuffix("/index") or "/"  # normalizePagePath: a final /index is the folder
        if page == "/index":
            page = "/"
        if page not in _PAGES_SPECIAL:
            yield page
