"""Local routes: tests/vectors/routes.json (real Next.js 16.4.6 code) and hand-written cases.

The vectors come from tests/vectors/gen_routes.py + routes_oracle.js; this test needs no Node.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rewrites._js.uri import decode_uri_component
from rewrites._pages import (
    LocalRoutes,
    PublicFiles,
    RouteMatch,
    discover_routes,
    is_metadata_route_file,
    normalize_metadata_route,
    public_files_in,
    routes_from_app_dir,
)
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
    """App router: pages and route handlers; groups and slots leave the URL; _private, (.)x and
    extensions outside pageExtensions skipped."""
    _touch(
        tmp_path,
        "src/app/page.tsx",
        "src/app/layout.tsx",
        "src/app/(marketing)/about/page.mdx",
        "src/app/(shop)/cart/page.jsx",
        "src/app/dashboard/page.tsx",
        "src/app/dashboard/@team/settings/page.tsx",
        "src/app/dashboard/@team/default.tsx",
        "src/app/dashboard/_components/x/page.tsx",
        "src/app/feed/(..)photo/[id]/page.tsx",
        "src/app/feed/(.)post/page.tsx",
        "src/app/photo/[id]/page.tsx",
        "src/app/api/auth/[...nextauth]/route.ts",
        "src/app/api/health/route.js",
        "src/app/docs/[[...slug]]/page.tsx",
        "src/app/empty/layout.tsx",
        "src/app/notes.txt",
        "src/app/%5Fescaped/page.tsx",
    )
    expected = [
        "/",
        "/_escaped",
        "/api/auth/[...nextauth]",
        "/api/health",
        "/cart",
        "/dashboard",
        "/dashboard/settings",
        "/docs/[[...slug]]",
        "/photo/[id]",
    ]
    assert routes_from_app_dir(tmp_path) == expected
    assert routes_from_app_dir(tmp_path / "src" / "app") == expected
    with_mdx = routes_from_app_dir(tmp_path, ["tsx", "ts", "jsx", "js", "mdx"])
    assert with_mdx == sorted([*expected, "/about"])
    found = discover_routes(tmp_path)
    assert found.intercepting == ("/feed/(.)post", "/feed/(..)photo/[id]")
    assert found.files["/api/auth/[...nextauth]"] == "src/app/api/auth/[...nextauth]/route.ts"


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
    """A project with both routers yields the union, sorted; a page in both stops the build."""
    _touch(tmp_path, "app/page.tsx", "app/z/page.tsx", "pages/x.tsx", "pages/y.tsx")
    assert routes_from_app_dir(tmp_path) == ["/", "/x", "/y", "/z"]
    assert LocalRoutes(routes_from_app_dir(tmp_path)).find("/y") == RouteMatch("/y", {})
    _touch(tmp_path, "pages/z.tsx")
    with pytest.raises(ConfigError) as info:
        discover_routes(tmp_path)
    assert [(p.place, p.message) for p in info.value.problems] == [
        (
            "/z",
            "Conflicting app and page file was found, please remove the conflicting files to "
            "continue: 'pages/z.tsx' - 'app/z/page.tsx'",
        )
    ]


def test_no_router_directory(tmp_path: Path) -> None:
    """A folder with neither app/ nor pages/ is an error."""
    with pytest.raises(FileNotFoundError):
        routes_from_app_dir(tmp_path)


# --- metadata routes and public files ----------------------------------------------------------

#: Pages and what Next.js 16.4.6's normalizeMetadataRoute makes of them (printed with Node).
METADATA_PAGES = {
    "/robots": "/robots.txt/route",
    "/manifest": "/manifest.webmanifest/route",
    "/sitemap": "/sitemap/route",
    "/(group)/opengraph-image": "/(group)/opengraph-image-1ow20b/route",
    "/blog/(x)/@slot/icon1": "/blog/(x)/@slot/icon1-68o9j5/route",
    "/icon.png": "/icon.png/route",
    "/(g)/icon.png": "/(g)/icon-yj9kvg.png/route",
    "/blog/[slug]/twitter-image": "/blog/[slug]/twitter-image/route",
    "/(a)/(b)/sitemap": "/(a)/(b)/sitemap/route",
    "/@modal/icon": "/@modal/icon-1i33gb/route",
    "/about": "/about",
}
#: App-dir files and whether isMetadataRouteFile(file, default pageExtensions, strict) holds.
METADATA_FILES = {
    "/robots.txt": True,
    "/robots.ts": True,
    "/blog/robots.ts": False,
    "/manifest.json": True,
    "/blog/sitemap.ts": True,
    "/icon9.svg": True,
    "/icon10.png": False,
    "/blog/icon.tsx": True,
    "/favicon.ico": True,
    "/blog/favicon.ico": False,
    "/opengraph-image.jpeg": True,
    "/twitter-image.webp": False,
    "/apple-icon.svg": False,
    "/a/my-icon.png": False,
}


@pytest.mark.parametrize(("page", "route"), METADATA_PAGES.items())
def test_metadata_route_names(page: str, route: str) -> None:
    """Metadata pages are named as Next.js names them, hash suffix inside groups and slots."""
    assert normalize_metadata_route(page) == route


@pytest.mark.parametrize(("file", "expected"), METADATA_FILES.items())
def test_metadata_files(file: str, expected: bool) -> None:
    """Which app-dir files are metadata routes, as isMetadataRouteFile says."""
    assert is_metadata_route_file(file, ("tsx", "ts", "jsx", "js"), True) is expected


def test_metadata_routes_of_a_project(tmp_path: Path) -> None:
    """Static and dynamic metadata files become the routes next build makes of them."""
    _touch(
        tmp_path,
        "app/page.tsx",
        "app/robots.ts",
        "app/sitemap.ts",
        "app/favicon.ico",
        "app/icon.png",
        "app/(marketing)/opengraph-image.tsx",
        "app/blog/[slug]/page.tsx",
        "app/blog/[slug]/opengraph-image.png",
        "app/manifest.json",
    )
    (tmp_path / "app" / "products").mkdir()
    (tmp_path / "app" / "products" / "sitemap.ts").write_text(
        "export async function generateSitemaps() { return [{ id: 0 }] }\n"
    )
    assert routes_from_app_dir(tmp_path) == [
        "/",
        "/blog/[slug]",
        "/blog/[slug]/opengraph-image.png",
        "/favicon.ico",
        "/icon.png",
        "/manifest.json",
        "/opengraph-image-pwu6ef",
        "/products/sitemap/[__metadata_id__]",
        "/robots.txt",
        "/sitemap.xml",
    ]


def test_public_files_are_found_as_getitem_finds_them() -> None:
    """One trailing slash, exact (case-sensitive), decoded, then encodeURIPath form."""
    files = PublicFiles(["/robots.txt", "/file with space.txt", "/a[1].txt", "/images/logo.png"])
    assert files.find("/robots.txt") == RouteMatch("/robots.txt", {})
    assert files.find("/robots.txt/") == RouteMatch("/robots.txt", {})
    assert files.find("/Robots.txt") is None
    assert files.find("/file%20with%20space.txt") == RouteMatch("/file%20with%20space.txt", {})
    assert files.find("/%69mages/logo.png") == RouteMatch("/images/logo.png", {})
    assert files.find("/a[1].txt") == RouteMatch("/a[1].txt", {})
    assert files.find("/images") is None


def test_public_files_are_checked_as_next_build_checks_them() -> None:
    """public/_next, a file that is also a folder, and bad paths are ConfigErrors."""
    with pytest.raises(ConfigError) as info:
        PublicFiles(["/_next/x.js", "/a", "/a/b", "x", "/c//d"])
    assert [p.place for p in info.value.problems] == [
        "public_files[3]",
        "public_files[4]",
        "public_files[0]",
        "public_files[1]",
    ]
    assert info.value.problems[2].message.startswith("You can not have a '_next' folder")
    assert PublicFiles(["/about", "/index"]).conflicts(["/", "/about", "/x"])[0].message == (
        "Conflicting public and page files were found. "
        "https://nextjs.org/docs/messages/conflicting-public-file-page\n/\n/about"
    )


def test_public_files_in_a_folder(tmp_path: Path) -> None:
    """Every file under public/, dotfiles and .well-known included, as '/path'."""
    _touch(tmp_path, "public/robots.txt", "public/.well-known/security.txt", "public/img/a b.png")
    assert public_files_in(tmp_path / "public") == [
        "/.well-known/security.txt",
        "/img/a b.png",
        "/robots.txt",
    ]
