"""The filesystem check with locales and `/_next/data` routes, as server/lib/router-utils/
filesystem.js `getItem` and resolve-routes.js `checkTrue` do them.

Without i18n and data routes, `_resolve` looks pages and public files up directly (the fast path);
this module is what it uses when either is configured:

* `getItem` strips basePath and one trailing slash; `/_next/image` is the image optimiser; public
  files are looked up with the *default* locale(s) taken off the path (so `/fr/robots.txt` is not
  served); pages with any locale taken off; and `/_next/data/<build>/<page>.json` in the data
  routes (the pages with getStaticProps or getServerSideProps), locale and `/index` handled.
* `checkTrue`'s dynamic routes: the data routes' (dynamic pages, `buildDataRoute`, a locale
  segment allowed after the build id with i18n) first, then the pages', on the path with its
  locale taken off.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import attrs

from ._i18n import I18n, add_path_prefix, has_path_prefix, remove_path_prefix
from ._js.uri import decode_uri_component, encode_uri_component
from ._pages import (
    LocalRoute,
    LocalRoutes,
    PublicFiles,
    RouteKey,
    RouteMatch,
    parse_matched_parameter,
)
from .errors import ConfigError, Problem

__all__ = ["DataRoutes", "FileSystem", "Item", "data_page"]

# JavaScript's `.` (no `s` flag) matches anything but line terminators.
_JS_DOT = "[^\\n\\r\\u2028\\u2029]"
# get-dynamic-param.js PARAMETER_PATTERN (JS `$` without `m` is `\Z`).
_PARAMETER = re.compile(r"([^\[]*)\[((?:\[[^\]]*\])|[^\]]+)\](" + _JS_DOT + r"*)\Z")
_JS_SPECIAL = re.compile(r"[|\\{}()\[\]^$+*?.\-]")
_DYNAMIC = re.compile(r"/\[[^/]+\](?=/|\Z)")


def _encode_uri_path(path: str) -> str:
    """shared/lib/encode-uri-path.js (ValueError for a lone surrogate)."""
    return "/".join(encode_uri_component(part) for part in path.split("/"))


def _normalize_page_path(page: str) -> str:
    """shared/lib/page-path/normalize-page-path.js `normalizePagePath`."""
    if page == "/":
        return "/index"
    if re.match(r"/index(?:/|$)", page) and not _DYNAMIC.search(page):
        return "/index" + page
    return page if page.startswith("/") else "/" + page


def data_page(path: str, build_id: str | None) -> str | None:
    """The page part of `/_next/data/<build>/<page>.json` (`/about`), or None when `path` is not
    a data path of the build (any build id when `build_id` is None)."""
    if not path.startswith("/_next/data/") or not path.endswith(".json"):
        return None
    rest = path[len("/_next/data/") :]
    if build_id is None:
        cut = rest.find("/")
        if cut <= 0:
            return None
        return rest[cut : -len(".json")]
    prefix = build_id + "/"
    if not rest.startswith(prefix):
        return None
    return rest[len(prefix) - 1 : -len(".json")]


def _segment_specificity(segment: str) -> int:
    """sortable-routes.js `getSegmentSpecificity`."""
    if "[" not in segment:
        return 0
    if segment.startswith("[[...") and segment.endswith("]]"):
        return 3
    if segment.startswith("[...") and segment.endswith("]"):
        return 2
    if segment.startswith("[") and segment.endswith("]"):
        return 1
    return 0


def _compare_pages(a: str, b: str) -> int:
    """sortable-routes.js `compareRouteSegments` (`localeCompare` approximated: letters
    compared without case first)."""
    first = [s for s in a.split("/") if s]
    second = [s for s in b.split("/") if s]
    for at in range(max(len(first), len(second))):
        x = first[at] if at < len(first) else ""
        y = second[at] if at < len(second) else ""
        if not x and y:
            return -1
        if x and not y:
            return 1
        specificity = _segment_specificity(x) - _segment_specificity(y)
        if specificity:
            return specificity
        if x != y:
            left, right = (x.lower(), x.swapcase()), (y.lower(), y.swapcase())
            return -1 if left < right else 1
    return 0


def _data_route(page: str, build_id: str | None, localized: bool) -> LocalRoute:
    """The matcher filesystem.js builds for a dynamic data route: `buildDataRoute(page)`'s regex
    (`getRouteRegex(dataRoute, {includeSuffix, excludeOptionalTrailingSlash})`, so text before
    a parameter in its segment is dropped), a `(?:[^/]+?)` locale segment after the build id with
    i18n, and the page's own groups."""
    build = "[^/]+?" if build_id is None else _JS_SPECIAL.sub(lambda m: "\\" + m.group(0), build_id)
    build_py = "[^/]+?" if build_id is None else re.escape(build_id)
    js = ["/_next/data/" + build]
    py = ["/_next/data/" + build_py]
    if localized:
        js.append("/(?:[^/]+?)")
        py.append("/(?:[^/]+?)")
    keys: dict[str, RouteKey] = {}
    group = 0
    path = _normalize_page_path(page) + ".json"
    for segment in path[1:].split("/"):
        found = _PARAMETER.match(segment)
        if found is None:
            js.append("/" + _JS_SPECIAL.sub(lambda m: "\\" + m.group(0), segment))
            py.append("/" + re.escape(segment))
            continue
        _, param, after = found.groups()
        param, repeat, optional = parse_matched_parameter(param)
        group += 1
        keys[param] = RouteKey(param, group, repeat, optional)
        if repeat and optional:
            js.append("(?:/(.+?))?")
            py.append(f"(?:/({_JS_DOT}+?))?")
        elif repeat:
            js.append("/(.+?)")
            py.append(f"/({_JS_DOT}+?)")
        else:
            js.append("/([^/]+?)")
            py.append("/([^/]+?)")
        if after:
            js.append(_JS_SPECIAL.sub(lambda m: "\\" + m.group(0), after))
            py.append(re.escape(after))
    ordered = tuple(sorted(keys.values(), key=lambda k: k.group))
    return LocalRoute(
        page,
        True,
        "^" + "".join(js) + "$",
        re.compile("^" + "".join(py) + "\\Z"),
        ordered,
        "/_next/data/",
    )


@attrs.frozen
class DataRoutes:
    """The pages with `/_next/data` routes (getStaticProps or getServerSideProps), as the routes
    manifest lists them.

    >>> data = DataRoutes.of(["/", "/blog/[slug]"], LocalRoutes(["/", "/blog/[slug]"]), "BUILD")
    >>> data.dynamic[0].match("/_next/data/BUILD/blog/x.json")
    {'slug': 'x'}
    """

    pages: frozenset[str]
    dynamic: tuple[LocalRoute, ...]
    build_id: str | None = None

    @classmethod
    def of(
        cls,
        pages: Iterable[str],
        routes: LocalRoutes | None,
        build_id: str | None,
        i18n: I18n | None = None,
    ) -> DataRoutes:
        """The data routes of `pages`, each one of `routes` and not an API route (ConfigError)."""
        given = list(dict.fromkeys(pages))
        problems = []
        for at, page in enumerate(given):
            if not isinstance(page, str):
                problems.append(Problem(f"data_routes[{at}]", f"must be a route, got {page!r}"))
            elif routes is None or page not in routes:
                problems.append(Problem(f"data_routes[{at}]", f"{page!r} is not one of the routes"))
            elif page == "/api" or page.startswith("/api/"):
                problems.append(
                    Problem(f"data_routes[{at}]", f"API route {page!r} cannot have a data route")
                )
        if problems:
            raise ConfigError(problems)
        ordered = sorted(given, key=functools.cmp_to_key(_compare_pages))
        dynamic = tuple(
            _data_route(page, build_id, i18n is not None)
            for page in ordered
            if _DYNAMIC.search(page)
        )
        return cls(frozenset(given), dynamic, build_id)

    def has(self, page: str) -> str | None:
        """getItem's `nextDataRoutes` lookup: the page as found (exact, decoded, encoded)."""
        if page in self.pages:
            return page
        try:
            decoded = decode_uri_component(page)
        except ValueError:
            decoded = page
        if decoded in self.pages:
            return decoded
        try:
            return page if _encode_uri_path(page) in self.pages else None
        except ValueError:
            return None


@attrs.frozen
class Item:
    """What getItem found: the route (page, public file or `/_next/image`), its output type
    (`pageFile`, `publicFolder`, `nextImage`), the locale it took off the path, and whether it
    is a `/_next/data` request."""

    found: RouteMatch
    kind: str
    locale: str | None = None
    next_data: bool = False


@attrs.frozen
class FileSystem:
    """getItem and checkTrue's dynamic routes for an app with i18n or data routes."""

    routes: LocalRoutes | None
    public: PublicFiles | None
    i18n: I18n | None
    data: DataRoutes | None
    base_path: str
    build_id: str | None

    def get_item(self, path: str) -> Item | None:
        """filesystem.js `getItem` (production): the image optimiser, a public file, a page or
        a data route serving `path` exactly."""
        base = self.base_path
        if base:
            if not has_path_prefix(path, base):
                return None
            path = remove_path_prefix(path, base) or "/"
        if path != "/" and path.endswith("/"):
            path = path[:-1]
        if path == "/_next/image":
            return Item(RouteMatch("/_next/image", {}), "nextImage")
        i18n = self.i18n
        if self.public is not None:
            current, locale = path, None
            if i18n is not None:
                stripped, detected = i18n.split(path, i18n.default_locales)
                if stripped != path:
                    current, locale = stripped, detected
            found = self.public.find(current)
            if found is not None:
                return Item(found, "publicFolder", locale)
        current, locale = path, None
        if i18n is not None:
            stripped, detected = i18n.split(path)
            if stripped != path:
                current, locale = stripped, detected
        page = data_page(current, self.build_id) if self.data is not None else None
        if page is not None:
            assert self.data is not None
            if i18n is not None:
                page, locale = i18n.split(page)
            page = "/" if page == "/index" else page
            hit = self.data.has(page)
            return None if hit is None else Item(RouteMatch(hit, {}), "pageFile", locale)
        if self.routes is None:
            return None
        found = self.routes.find_static(current)
        return None if found is None else Item(found, "pageFile", locale)

    def dynamic(self, pathname: str) -> Item | None:
        """checkTrue after getItem found nothing: the data routes' dynamic matchers, then the
        pages' dynamic routes, on the path without basePath and locale. Raises RequestError
        (400) for a param with a malformed %-escape."""
        current = pathname
        if self.base_path:
            if not has_path_prefix(current, self.base_path):
                return None
            current = current[len(self.base_path) :] or "/"
        rest = current
        if self.i18n is not None:
            rest, _ = self.i18n.split(current)
        if self.data is not None:
            for route in self.data.dynamic:
                params = route.match(rest)
                if params is None:
                    continue
                page = self.get_item(add_path_prefix(route.page, self.base_path))
                if page is None:
                    return None
                data = current.startswith("/_next/data")
                return Item(RouteMatch(page.found.route, params), page.kind, page.locale, data)
        if self.routes is None:
            return None
        # find() looks the path up exactly first; getItem found nothing there already.
        found = self.routes.find(rest)
        if found is None:
            return None
        return Item(found, "pageFile", None, current.startswith("/_next/data"))
