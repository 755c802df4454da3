"""Local routes: tests/vectors/routes.json (real Next.js 16.4.6 code) and hand-written cases.

The vectors come from tests/vectors/gen_routes.py + routes_oracle.js; this test needs no Node.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rewrites._js.uri import decode_uri_component
from rewrites._pages import LocalRoutes, RouteMatch, routes_from_app_dir
from rewrites.errors import ConfigError, RequestError

VECTORS = json.loads((Path(__file__).parent / "vectors" / "routes.json").read_text("utf-8"))
TABLES: list[dict[str, Any]] = VECTORS["tables"]
VALID = [t for t in TABLES if "error" not in t]
INVALID = [t for t in TABLES if "error" in t]
SEED = ["/", "/dashboard", "/api/auth/[...nextauth]", "/blog/[slug]", "/docs/[[...slug]]"]


def test_vector_counts() -> None:
    """The vector file holds at least 40 tables and 2,000 pathnames from Next.js 16.4.6."""
    assert VECTORS["next_version"] == "16.4.6"
    assert len(TABLES) >= 40
    assert sum(len(t["cases"]) for t in VALID) >= 2000


@pytest.mark.parametrize("table", INVALID, ids=lambda t: t["error"][:60])
def test_vector_rejected_tables(table: dict[str, Any]) -> None:
    """A table Next.js rejects raises ConfigError whose first problem is Next's message."""
    with pytest.raises(ConfigError) as info:
        LocalRoutes(table["routes"])
    first = info.value.problems[0]
    assert first.message.split("\n", 1)[0] == table["error"]
    assert first.place.startswith("routes[")


@pytest.mark.parametrize("index", range(len(VALID)))
def test_vector_tables(index: int) -> None:
    """Sorting, dynamic flags, find_static and find agree with Next.js on every pathname."""
    table = VALID[index]
    routes = LocalRoutes(table["routes"])
    assert [r.page for r in routes.sorted_dynamic] == table["sorted"]
    assert sorted(r.page for r in routes if r.dynamic) == sorted(table["dynamic"])
    for case in table["cases"]:
        path = case["path"]
        static = routes.find_static(path)
        expected_static = case["static"]
        assert (static.route if static else None) == (
            expected_static["route"] if expected_static else None
        ), path
        expected = case["result"]
        if expected is not None and "error" in expected:
            with pytest.raises(RequestError) as info:
                routes.find(path)
            assert info.value.status == 400
            continue
        got = routes.find(path)
        if expected is None:
            assert got is None, path
        else:
            assert got == RouteMatch(expected["route"], expected.get("params", {})), path


@pytest.mark.parametrize("index", range(len(VALID)))
def test_index_agrees_with_plain_loop(index: int) -> None:
    """The first-segment index gives the answers of a plain loop over sorted_dynamic."""
    routes = LocalRoutes(VALID[index]["routes"])
    for case in VALID[index]["cases"]:
        path = case["path"]
        if routes.find_static(path or "/") is not None:
            continue
        try:
            got: object = routes.find(path)
        except RequestError:
            got = "400"
        expected: object = None
        for route in routes.sorted_dynamic:
            try:
                params = route.match(path)
            except RequestError:
                expected = "400"
                break
            if params is not None:
                expected = RouteMatch(route.page, params)
                break
        assert got == expected, path


# --------------------------------------------------------------------------------------------------
# Hand-written cases
# --------------------------------------------------------------------------------------------------


def test_sorting_order() -> None:
    """Dynamic routes sort static segments first, then [x], then [...x], then [[...x]]."""
    routes = LocalRoutes(["/[[...all]]", "/b/[...rest]", "/b/[id]", "/[id]", "/b/[id]/c", "/a/[x]"])
    assert [r.page for r in routes.sorted_dynamic] == [
        "/a/[x]",
        "/b/[id]",
        "/b/[id]/c",
        "/b/[...rest]",
        "/[id]",
        "/[[...all]]",
    ]


def test_catch_all_needs_a_segment() -> None:
    """A catch-all needs one segment or more; an optional catch-all also matches its parent."""
    routes = LocalRoutes(["/docs/[...slug]", "/shop/[[...slug]]"])
    assert routes.find("/docs") is None
    assert routes.find("/docs/a/b") == RouteMatch("/docs/[...slug]", {"slug": ["a", "b"]})
    assert routes.find("/shop") == RouteMatch("/shop/[[...slug]]", {})
    assert routes.find("/shop/a") == RouteMatch("/shop/[[...slug]]", {"slug": ["a"]})


def test_static_beats_dynamic() -> None:
    """A static page wins over a dynamic route that also matches."""
    routes = LocalRoutes(["/blog/new", "/blog/[slug]"])
    assert routes.find("/blog/new") == RouteMatch("/blog/new", {})
    assert routes.find("/blog/old") == RouteMatch("/blog/[slug]", {"slug": "old"})


def test_decoding() -> None:
    """Params are decodeURIComponent-decoded, %2F included, and split on raw slashes only."""
    routes = LocalRoutes(SEED)
    assert routes.find("/blog/a%20b") == RouteMatch("/blog/[slug]", {"slug": "a b"})
    assert routes.find("/blog/a%2Fb") == RouteMatch("/blog/[slug]", {"slug": "a/b"})
    assert routes.find("/docs/a%2Fb/c") == RouteMatch("/docs/[[...slug]]", {"slug": ["a/b", "c"]})
    assert routes.find("/blog/%C3%A9t%C3%A9") == RouteMatch("/blog/[slug]", {"slug": "été"})


def test_malformed_escape_is_400() -> None:
    """A malformed %-escape in a dynamic param raises RequestError with status 400."""
    routes = LocalRoutes(SEED)
    for path in ("/blog/%E0%A4%A", "/blog/%", "/api/auth/ok/%zz"):
        with pytest.raises(RequestError) as info:
            routes.find(path)
        assert info.value.status == 400


def test_malformed_escape_in_static_lookup_is_ignored() -> None:
    """getItem ignores decode errors: a malformed path that matches no dynamic route is a miss."""
    routes = LocalRoutes(["/", "/about"])
    assert routes.find("/about/%E0%A4%A") is None
    assert routes.find_static("/%") is None


def test_literal_dynamic_page_found_statically() -> None:
    """A dynamic page's own text (also %5B-encoded) is found statically, without params."""
    routes = LocalRoutes(SEED)
    for path in ("/api/auth/[...nextauth]", "/api/auth/%5B...nextauth%5D"):
        assert routes.find_static(path) == RouteMatch("/api/auth/[...nextauth]", {})
        assert routes.find(path) == RouteMatch("/api/auth/[...nextauth]", {})
    assert routes.find_static("/api/auth/session") is None


def test_trailing_slash() -> None:
    """One trailing slash is ignored, by the static lookup and by the dynamic regexes."""
    routes = LocalRoutes(SEED)
    assert routes.find_static("/dashboard/") == RouteMatch("/dashboard", {})
    assert routes.find_static("/dashboard//") is None
    assert routes.find("/blog/x/") == RouteMatch("/blog/[slug]", {"slug": "x"})


def test_case_sensitive() -> None:
    """Both lookups are case-sensitive."""
    routes = LocalRoutes(SEED)
    assert routes.find("/Dashboard") is None
    assert routes.find("/API/auth/session") is None


def test_separator_prefix_stripped() -> None:
    """A param value starting with _NEXTSEP_ loses that prefix (safeRouteMatcher)."""
    routes = LocalRoutes(SEED)
    assert routes.find("/blog/_NEXTSEP_x") == RouteMatch("/blog/[slug]", {"slug": "x"})


def test_config_error_lists_every_problem() -> None:
    """ConfigError lists every bad route with its place and a fix."""
    with pytest.raises(ConfigError) as info:
        LocalRoutes(["/blog/[slug]", "/blog/[id]/edit", "/a/[[x]]", "about"])
    places = [p.place for p in info.value.problems]
    assert places == ["routes[3]", "routes[1]", "routes[2]"]
    message = info.value.problems[1].message
    assert message.startswith(
        "You cannot use different slug names for the same dynamic path ('slug' !== 'id')."
    )
    assert "\n" in message  # the fix follows Next's wording


def test_decode_uri_component_matches_javascript() -> None:
    """The decodeURIComponent port rejects what JavaScript rejects."""
    assert decode_uri_component("%F0%9F%98%80") == "😀"
    for bad in ("%", "%zz", "%E0%A4%A", "%C0%AF", "%ED%A0%80", "%80", "%F8%80%80%80%80"):
        with pytest.raises(ValueError):
            decode_uri_component(bad)


# --------------------------------------------------------------------------------------------------
# routes_from_app_dir
# --------------------------------------------------------------------------------------------------


def _touch(root: Path, *paths: str) -> None:
    """Create empty files (and their folders) under root."""
    for rel in paths:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("", "utf-8")


def test_app_dir(tmp_path: Path) -> None:
    """App router: pages and route handlers; groups dropped; slots, _private, (.)x skipped."""
    _touch(
        tmp_path,
        "src/app/page.tsx",
        "src/app/layout.tsx",
        "src/app/(marketing)/about/page.mdx",
        "src/app/(shop)/cart/page.jsx",
        "src/app/dashboard/page.tsx",
        "src/app/dashboard/@team/settings/page.tsx",
        "src/app/dashboard/_components/x/page.tsx",
        "src/app/feed/(..)photo/[id]/page.tsx",
        "src/app/feed/(.)post/page.tsx",
        "src/app/photo/[id]/page.tsx",
        "src/app/api/auth/[...nextauth]/route.ts",
        "src/app/api/health/route.js",
        "src/app/docs/[[...slug]]/page.tsx",
        "src/app/empty/layout.tsx",
        "src/app/notes.txt",
    )
    expected = [
        "/",
        "/about",
        "/api/auth/[...nextauth]",
        "/api/health",
        "/cart",
        "/dashboard",
        "/docs/[[...slug]]",
        "/photo/[id]",
    ]
    assert routes_from_app_dir(tmp_path) == expected
    assert routes_from_app_dir(tmp_path / "src" / "app") == expected


def test_pages_dir(tmp_path: Path) -> None:
    """Pages router: index files, api routes, 404/500 kept; _app, _document, _error dropped."""
    _touch(
        tmp_path,
        "pages/index.tsx",
        "pages/_app.tsx",
        "pages/_document.tsx",
        "pages/_error.js",
        "pages/404.tsx",
        "pages/500.js",
        "pages/about.jsx",
        "pages/blog/index.ts",
        "pages/blog/[slug].tsx",
        "pages/api/users/[id].ts",
        "pages/api/hello.js",
        "pages/docs/[...path].tsx",
        "pages/_middleware.js",
        "pages/styles.css",
    )
    expected = [
        "/",
        "/404",
        "/500",
        "/about",
        "/api/hello",
        "/api/users/[id]",
        "/blog",
        "/blog/[slug]",
        "/docs/[...path]",
    ]
    assert routes_from_app_dir(tmp_path) == expected
    assert routes_from_app_dir(tmp_path / "pages") == expected


def test_app_and_pages_together(tmp_path: Path) -> None:
    """A project with both routers yields the union, de-duplicated and sorted."""
    _touch(tmp_path, "app/page.tsx", "app/x/page.tsx", "pages/x.tsx", "pages/y.tsx")
    assert routes_from_app_dir(tmp_path) == ["/", "/x", "/y"]
    assert LocalRoutes(routes_from_app_dir(tmp_path)).find("/y") == RouteMatch("/y", {})


def test_no_router_directory(tmp_path: Path) -> None:
    """A folder with neither app/ nor pages/ is an error."""
    with pytest.raises(FileNotFoundError):
        routes_from_app_dir(tmp_path)
