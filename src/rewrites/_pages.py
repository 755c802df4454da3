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

import functools
import heapq
import os
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TypeAlias

import attrs

from ._js.uri import decode_uri_component, encode_uri_component
from .errors import ConfigError, Problem, RequestError

__all__ = [
    "DEFAULT_PAGE_EXTENSIONS",
    "LocalRoute",
    "LocalRoutes",
    "ProjectRoutes",
    "PublicFiles",
    "RouteMatch",
    "discover_routes",
    "find_router_dirs",
    "is_metadata_route_file",
    "normalize_app_path",
    "normalize_metadata_route",
    "parse_matched_parameter",
    "public_files_in",
    "routes_from_app_dir",
]

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
            value = (
                [self._decode(part) for part in raw.split("/")] if key.repeat else self._decode(raw)
            )
            if key.name != "__proto__":  # JS `params.__proto__ = value` makes no own property
                params[key.name] = value
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


def parse_matched_parameter(param: str) -> tuple[str, bool, bool]:
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
        key, repeat, optional = parse_matched_parameter(param)
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
        return self.find_dynamic(pathname)

    def find_dynamic(self, pathname: str) -> RouteMatch | None:
        """`find` past its `find_static` (for a path known to have no page of its own)."""
        first_segment = pathname.split("/", 2)[1] if pathname.startswith("/") else None
        by_first = self._by_first.get(first_segment, []) if first_segment is not None else []
        anywhere = self._any
        positions = (
            heapq.merge(by_first, anywhere) if by_first and anywhere else by_first or anywhere
        )
        for position in positions:
            route = self._sorted[position]
            params = route.match(pathname)
            if params is not None:
                # checkTrue then asks getItem for route.page: always there, as a page of its own.
                if route.page in self._pages:
                    return RouteMatch(route.page, params)  # what getItem finds for it
                page = self.find_static(route.page)
                return None if page is None else RouteMatch(page.route, params)
        return None


# --------------------------------------------------------------------------------------------------
# Files in public/
# --------------------------------------------------------------------------------------------------

#: lib/constants.js PUBLIC_DIR_MIDDLEWARE_CONFLICT: `next build` stops on a public/_next entry.
PUBLIC_NEXT_CONFLICT = (
    "You can not have a '_next' folder inside of your public folder. This conflicts with the "
    "internal '/_next' route. https://nextjs.org/docs/messages/public-next-folder-conflict"
)


class PublicFiles:
    """The files of `public/`, looked up as `next start` looks them up.

    `setupFsCheck` stores each file as `encodeURIPath(file)`; `getItem` strips one trailing
    slash, then tries the path exactly (case-sensitive), decoded, and as `encodeURIPath` (see
    `LocalRoutes.find_static`). Public files are looked up after `/_next/image` and before every
    page, so a file beats a dynamic or catch-all page; the caller strips the basePath first.

    >>> files = PublicFiles(["/robots.txt", "/file with space.txt"])
    >>> files.find("/robots.txt/"), files.find("/file%20with%20space.txt").route
    (RouteMatch(route='/robots.txt', params={}), '/file%20with%20space.txt')
    """

    def __init__(self, files: Iterable[str]) -> None:
        """Validate the paths (ConfigError listing every problem) and build the lookup set."""
        problems: list[Problem] = []
        given: dict[str, int] = {}
        for index, file in enumerate(files):
            reason = _public_file_problem(file)
            if reason is not None:
                problems.append(Problem(f"public_files[{index}]", reason))
            elif file not in given:
                given[file] = index
        for file, index in given.items():
            if file == "/_next" or file.startswith("/_next/"):
                problems.append(Problem(f"public_files[{index}]", PUBLIC_NEXT_CONFLICT))
        folders = {file[:cut] for file in given for cut in _slashes(file)}
        problems += [
            Problem(f"public_files[{index}]", f"public file {file!r} is also a folder")
            for file, index in given.items()
            if file in folders
        ]
        if problems:
            raise ConfigError(problems)
        self.files: tuple[str, ...] = tuple(given)
        self._items = frozenset(_encode_uri_path(file) for file in given)

    def __len__(self) -> int:
        """How many files there are."""
        return len(self.files)

    def __iter__(self) -> Iterator[str]:
        """The files, as given (not encoded)."""
        return iter(self.files)

    def __contains__(self, path: object) -> bool:
        """Whether `path` is one of the files (as given, not encoded)."""
        return path in self.files

    def find(self, pathname: str) -> RouteMatch | None:
        """getItem on public/: the file serving `pathname` (route: Next.js's `itemPath`)."""
        if pathname != "/" and pathname.endswith("/"):
            pathname = pathname[:-1]
        items = self._items
        if not items:
            return None
        if pathname in items:
            return RouteMatch(pathname, {})
        try:
            decoded = decode_uri_component(pathname)
        except ValueError:
            decoded = pathname
        if decoded in items:
            return RouteMatch(decoded, {})
        try:
            encoded = _encode_uri_path(pathname)
        except ValueError:
            return None
        # filesystem.js keeps the path as requested (unencoded) as `itemPath` on this hit.
        return RouteMatch(pathname, {}) if encoded in items else None

    def conflicts(self, routes: Iterable[str]) -> list[Problem]:
        """build/index.js: a public file at the path of a page stops `next build`."""
        pages = [*dict.fromkeys([*routes, "/_app", "/_document", "/_error"])]
        clash = [page for page in pages if ("/index" if page == "/" else page) in self.files]
        if not clash:
            return []
        noun = "file was" if len(clash) == 1 else "files were"
        message = (
            f"Conflicting public and page {noun} found. "
            "https://nextjs.org/docs/messages/conflicting-public-file-page\n" + "\n".join(clash)
        )
        return [Problem("public_files", message)]


def _slashes(path: str) -> Iterator[int]:
    """The positions of every '/' after the first character (each ends a folder)."""
    at = path.find("/", 1)
    while at >= 0:
        yield at
        at = path.find("/", at + 1)


def _public_file_problem(file: object) -> str | None:
    """Why a public file path is not one a folder can hold, or None."""
    if not isinstance(file, str) or not file.startswith("/") or len(file) < 2:
        return f"a public file is a path such as '/robots.txt', got {file!r}"
    parts = file[1:].split("/")
    if any(part in ("", ".", "..") for part in parts) or "\\" in file or "\0" in file:
        return f"public file {file!r} has an empty, '.' or '..' segment, a backslash or a NUL"
    return None


def public_files_in(root: str | os.PathLike[str]) -> list[str]:
    """The files under a `public/` folder as paths ('/robots.txt'), sorted: every file, dotfiles
    and `.well-known/` included, symbolic links followed, as `setupFsCheck` reads them."""
    base = Path(root)
    found: list[str] = []
    for folder, dirs, files in os.walk(base, followlinks=True):
        dirs.sort()
        rel = Path(folder).relative_to(base).as_posix()
        prefix = "" if rel == "." else "/" + rel
        found += [f"{prefix}/{name}" for name in files]
    return sorted(found)


# --------------------------------------------------------------------------------------------------
# Routes of a real project (build/route-discovery.js discoverRoutes)
# --------------------------------------------------------------------------------------------------

#: config-shared.js defaultConfig.pageExtensions.
DEFAULT_PAGE_EXTENSIONS = ("tsx", "ts", "jsx", "js")
#: Pages the Pages Router always has and never routes to (build/route-discovery.js).
_PAGES_SPECIAL = frozenset({"/_app", "/_document", "/_error"})

#: lib/metadata/is-metadata-route.js STATIC_METADATA_IMAGES: file name and static extensions.
_METADATA_IMAGES = (
    ("icon", ("ico", "jpg", "jpeg", "png", "svg")),
    ("apple-icon", ("jpg", "jpeg", "png")),
    ("opengraph-image", ("jpg", "jpeg", "png", "gif")),
    ("twitter-image", ("jpg", "jpeg", "png", "gif")),
)
_METADATA_WORDS = (
    "robots",
    "manifest",
    "sitemap",
    "icon",
    "apple-icon",
    "opengraph-image",
    "twitter-image",
    "favicon",
)
# A metadata route file exporting one of these serves many images or sitemaps, each under an id
# (build/analysis/get-page-static-info.js, which finds the export with SWC).
_MULTI_METADATA_EXPORT = re.compile(
    r"\bexport\s+(?:(?:async\s+)?function\s*\*?\s*|(?:const|let|var)\s+)"
    r"(?:generateImageMetadata|generateSitemaps)\b"
    r"|\bexport\s*\{[^}]*\b(?:generateImageMetadata|generateSitemaps)\b[^}]*\}"
)


def _ext_regex(static: Iterable[str], dynamic: Sequence[str] | None) -> str:
    """is-metadata-route.js getExtensionRegexString."""
    static_part = "|".join(map(re.escape, static))
    if not dynamic:
        return rf"(\.(?:{static_part}))"
    return rf"(?:\.({static_part})|(\.({'|'.join(map(re.escape, dynamic))})))"


@functools.cache
def _metadata_regexes(extensions: tuple[str, ...], strict: bool) -> tuple[re.Pattern[str], ...]:
    """is-metadata-route.js getCompiledRegexes (JS `$` without `m` is `\\Z`)."""
    end = r"\Z" if strict else r"?\Z"
    suffix = r"\d?" + ("" if strict else r"(-\w{6})?")
    sources = [
        rf"^[\\/]robots{_ext_regex([*extensions, 'txt'], None)}{end}",
        rf"^[\\/]manifest{_ext_regex([*extensions, 'webmanifest', 'json'], None)}{end}",
        rf"[\\/]sitemap{_ext_regex(['xml'], extensions)}{end}",
    ]
    sources += [
        rf"[\\/]{name}{suffix}{_ext_regex(static, extensions)}{end}"
        for name, static in _METADATA_IMAGES
    ]
    return tuple(re.compile(source, re.ASCII) for source in sources)


_FAST_METADATA = re.compile(
    r"^[\\/](?:favicon\.ico|robots\.txt|manifest\.json|manifest\.webmanifest)\Z|[\\/]sitemap\.xml\Z"
)


def is_metadata_route_file(path: str, extensions: Sequence[str], strict: bool) -> bool:
    """is-metadata-route.js isMetadataRouteFile: `path` (from the app dir, with a leading '/')
    names a metadata route: robots, manifest, sitemap, icon, apple-icon, opengraph-image,
    twitter-image (numbered variants included) or the root favicon.ico."""
    if len(path) < 2:
        return False
    path = path.replace("\\", "/")
    if _FAST_METADATA.search(path):
        return True
    if not any(word in path for word in _METADATA_WORDS):
        return False
    return any(rx.search(path) for rx in _metadata_regexes(tuple(extensions), strict))


def _djb2_hash(text: str) -> int:
    """shared/lib/hash.js djb2Hash, with JavaScript's 32-bit integer arithmetic (UTF-16 units)."""
    value = 5381
    for unit in _js_sort_key(text):
        value = _int32(_int32(value << 5) + value + unit)
    return value & 0xFFFFFFFF


def _int32(value: int) -> int:
    """JavaScript's ToInt32."""
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value >= 0x80000000 else value


def _base36(value: int) -> str:
    """Number.prototype.toString(36) of a non-negative integer."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, digit = divmod(value, 36)
        out = digits[digit] + out
        if not value:
            return out


def _is_group_segment(segment: str) -> bool:
    """shared/lib/segment.js isGroupSegment: `(name)`."""
    return segment.startswith("(") and segment.endswith(")")


def _metadata_suffix(page: str) -> str:
    """get-metadata-route.js getMetadataRouteSuffix: a hash of the parent path when it holds a
    route group or a slot (sitemaps never get one)."""
    if page.endswith(("/sitemap", "/sitemap.xml")):
        return ""
    parent = posixpath.dirname(page)
    segments = parent.split("/")
    if any(_is_group_segment(s) or (s.startswith("@") and s != "@children") for s in segments):
        return _base36(_djb2_hash(parent))[:6]
    return ""


def normalize_metadata_route(page: str) -> str:
    """get-metadata-route.js normalizeMetadataRoute: `/robots` → `/robots.txt/route`,
    `/(g)/icon` → `/(g)/icon-<hash>/route`; other pages are returned as they are."""
    if page.endswith("/route") or not is_metadata_route_file(page, (), False):
        return page
    route, suffix = page, ""
    if page == "/robots":
        route += ".txt"
    elif page == "/manifest":
        route += ".webmanifest"
    else:
        suffix = _metadata_suffix(page)
    folder, base = posixpath.split(route)
    stem, ext = posixpath.splitext(base)
    if stem == "" and ext:  # path.parse('.x'): the name is '.x', no extension
        stem, ext = ext, ""
    named = f"{stem}{'-' + suffix if suffix else ''}{ext}"
    return posixpath.normpath(posixpath.join(folder or "/", named, "route"))


def _metadata_page_to_route(page: str, many: bool) -> str:
    """get-metadata-route.js normalizeMetadataPageToRoute: `/sitemap` serves `/sitemap.xml`;
    a file exporting generateImageMetadata or generateSitemaps `/<name>/[__metadata_id__]`."""
    is_route = page.endswith("/route")
    path = page[: -len("/route")] if is_route else page
    ext = ".xml" if path.endswith("/sitemap") else ""
    mapped = f"{path}/[__metadata_id__]" if many else f"{path}{ext}"
    return mapped + ("/route" if is_route else "")


def normalize_app_path(route: str) -> str:
    """shared/lib/router/utils/app-paths.js normalizeAppPath: route groups, slots and the final
    `page`/`route` segment dropped."""
    segments = route.split("/")
    kept = [
        segment
        for index, segment in enumerate(segments)
        if segment
        and not _is_group_segment(segment)
        and not segment.startswith("@")
        and not (segment in ("page", "route") and index == len(segments) - 1)
    ]
    return "/" + "/".join(kept)


def _page_from_path(path: str, extensions: Sequence[str]) -> str:
    """route-discovery.js getPageFromPath: the longest matching extension and one `/index` cut."""
    for extension in sorted(extensions, key=len, reverse=True):
        if path.endswith("." + extension):
            path = path[: -len(extension) - 1]
            break
    path = path.removesuffix("/index")
    return path or "/"


@attrs.frozen
class ProjectRoutes:
    """The routes of a project's `app/` and `pages/` folders, as `next build` discovers them.

    `routes` is what `LocalRoutes` takes (sorted, unique); `files` maps each route to the file
    that serves it (relative to the project); `intercepting` lists the interception routes left
    out (Next.js serves them through rewrites for client navigations, which are not modelled).
    """

    app_dir: Path | None
    pages_dir: Path | None
    routes: tuple[str, ...]
    files: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    intercepting: tuple[str, ...] = ()


def find_router_dirs(root: Path) -> tuple[Path | None, Path | None]:
    """lib/find-pages-dir.js: `app/` and `pages/`, each else under `src/`; they must share a
    parent (ConfigError otherwise)."""

    def find(name: str) -> Path | None:
        for candidate in (root / name, root / "src" / name):
            if candidate.exists():
                return candidate
        return None

    app_dir, pages_dir = find("app"), find("pages")
    if app_dir is not None and pages_dir is not None and app_dir.parent != pages_dir.parent:
        raise ConfigError(
            [Problem(str(root), "> `pages` and `app` directories should be under the same folder")]
        )
    return app_dir, pages_dir


def discover_routes(
    root: str | os.PathLike[str], page_extensions: Sequence[str] = DEFAULT_PAGE_EXTENSIONS
) -> ProjectRoutes:
    """The routes of the Next.js project at `root`, as `next build` finds them.

    App Router (`app/`, else `src/app/`): every `page.<ext>` and `route.<ext>`, and every
    metadata route file (`robots.txt|ts`, `sitemap.xml|ts`, `icon*.png|tsx`, `favicon.ico`, ...),
    named as Next.js 16 names their routes (`/robots.txt`, `/sitemap.xml`, `/icon-<hash>` inside
    a route group, `/icon/[__metadata_id__]` when `generateImageMetadata` is exported). Route
    groups `(x)` and slots `@x` leave the URL, folders and files starting with `_` are skipped,
    `%5F` is `_`. Pages Router (`pages/`, else `src/pages/`): every file with a page extension,
    `index` giving its folder's path, `_app`, `_document` and `_error` left out. Raises
    ConfigError where `next build` stops (a page in both routers, misplaced folders); a project
    with neither folder has no routes.
    """
    base = Path(root)
    if not base.is_dir():
        raise ConfigError([Problem(str(base), f"project folder {str(base)!r} does not exist")])
    app_dir, pages_dir = find_router_dirs(base)
    return _discover(base, app_dir, pages_dir, tuple(page_extensions))


def _discover(
    base: Path, app_dir: Path | None, pages_dir: Path | None, extensions: tuple[str, ...]
) -> ProjectRoutes:
    """discoverRoutes over the given folders (file paths reported relative to `base`)."""
    pages: dict[str, str] = {}
    if pages_dir is not None and pages_dir.is_dir():
        for rel in _walk(pages_dir, skip_private=False):
            if not _is_pages_file(rel, extensions):
                continue
            page = _page_from_path(rel, extensions)
            if page not in _PAGES_SPECIAL and page != "/_middleware":
                pages[page] = _relative(pages_dir / rel[1:], base)
    intercepting: list[str] = []
    app: dict[str, str] = {}
    if app_dir is not None and app_dir.is_dir():
        for rel in _walk(app_dir, skip_private=True):
            route = _app_route(app_dir, rel, extensions)
            if route is None:
                continue
            if any(seg.startswith(_INTERCEPTION_MARKERS) for seg in route.split("/")):
                intercepting.append(route)
                continue
            app[route] = _relative(app_dir / rel[1:], base)
    clash = sorted(set(app) & set(pages))
    if clash:
        raise ConfigError(
            [
                Problem(
                    route,
                    "Conflicting app and page file was found, please remove the conflicting "
                    f"files to continue: {pages[route]!r} - {app[route]!r}",
                )
                for route in clash
            ]
        )
    files = dict(sorted({**pages, **app}.items()))
    return ProjectRoutes(app_dir, pages_dir, tuple(files), files, tuple(sorted(set(intercepting))))


def _relative(path: Path, base: Path) -> str:
    """A file's path from the project root, with '/'."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _walk(folder: Path, *, skip_private: bool) -> Iterator[str]:
    """recursive-readdir.js: every file under `folder` as '/a/b.ts', links followed; with
    `skip_private` no file or folder whose name starts with '_' (collectAppFiles)."""
    for here, dirs, names in os.walk(folder, followlinks=True):
        if skip_private:
            dirs[:] = [d for d in dirs if not d.startswith("_")]
        dirs.sort()
        rel = Path(here).relative_to(folder).as_posix()
        prefix = "" if rel == "." else "/" + rel
        for name in sorted(names):
            if not (skip_private and name.startswith("_")):
                yield f"{prefix}/{name}"


def _is_pages_file(rel: str, extensions: Sequence[str]) -> bool:
    """find-page-file.js isPageFile (less its metadata-file quirk): a page extension, and not a
    `.d.ts` file when `ts` is one."""
    if rel.endswith(".d.ts") and "ts" in extensions:
        return False
    return any(rel.endswith("." + ext) for ext in extensions)


def _app_route(app_dir: Path, rel: str, extensions: Sequence[str]) -> str | None:
    """The URL route of one file of the app dir, or None when it is not a route file."""
    if rel.endswith(".d.ts") and "ts" in extensions:
        return None
    name = rel.rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    leaf = dot and stem in ("page", "route") and ext in extensions
    metadata = is_metadata_route_file(rel, extensions, True)
    if not leaf and not metadata:
        return None
    page = _page_from_path(rel, extensions).replace("%5F", "_")
    route = normalize_metadata_route(page)
    if metadata:
        many = ext in extensions and _exports_many(app_dir / rel[1:])
        route = _metadata_page_to_route(route, many)
    return normalize_app_path(route)


def _exports_many(file: Path) -> bool:
    """Whether a metadata route file exports generateImageMetadata or generateSitemaps."""
    try:
        text = file.read_text("utf-8", errors="replace")
    except OSError:
        return False
    return _MULTI_METADATA_EXPORT.search(text) is not None


def routes_from_app_dir(
    path: str | os.PathLike[str], page_extensions: Sequence[str] = DEFAULT_PAGE_EXTENSIONS
) -> list[str]:
    """The routes of a Next.js project, in Next.js route syntax, sorted and de-duplicated.

    `path` is the project root (see `discover_routes`, which this is) or an `app/` or `pages/`
    folder itself (told by its name). `page_extensions` is the config's `pageExtensions`.
    Interception routes are left out (see `ProjectRoutes`). Raises FileNotFoundError when there
    is no such folder.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for rel in ("app/(shop)/cart/page.tsx", "app/sitemap.ts", "app/@modal/login/page.tsx"):
    ...     (root / rel).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (root / rel).write_text("")
    >>> routes_from_app_dir(root)
    ['/cart', '/login', '/sitemap.xml']
    """
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(f"not a directory: {root}")
    extensions = tuple(page_extensions)
    if root.name == "app":
        return list(_discover(root.parent, root, None, extensions).routes)
    if root.name == "pages":
        return list(_discover(root.parent, None, root, extensions).routes)
    try:
        app_dir, pages_dir = find_router_dirs(root)
    except ConfigError as exc:
        raise FileNotFoundError(exc.problems[0].message) from None
    if app_dir is None and pages_dir is None:
        raise FileNotFoundError(f"no app/ or pages/ directory (nor under src/) in {root}")
    return list(_discover(root, app_dir, pages_dir, extensions).routes)
