"""Tests for the request path's shortcuts: each gives what the full machinery gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_index import ROUTES, configs, outcome
from test_index import requests as index_requests

import rewrites
from rewrites._destination import Rendered
from rewrites._js.node import (
    format_legacy,
    initial_query_encoder,
    query_object,
    querystring_stringify,
)
from rewrites._js.uri import decode_uri_component, escape
from rewrites._js.url import URLError, parse_url
from rewrites._pages import _UNCHANGED_BY_URI_FUNCTIONS, _encode_uri_path
from rewrites._resolve import (
    _PLAIN_TARGET,
    _format,
    _plain_proxied_path,
    _plain_query,
    _plain_stringify,
    _plain_url,
)

HOSTS = (
    "localhost",
    "a.b",
    "api.example.com",
    "127.0.0.1",
    "10.0.0.255",
    "127.00.0.1",
    "256.1.1.1",
    "1.2.3",
    "a.1",
    "0x7f",
    "A.com",
    "xn--a.com",
)
PORTS = ("", ":80", ":443", ":3001", ":03001", ":65536", ":0", ":8080")
CHARS = "aZ09-._~!$&'()*+,;=:@%/?#\\ é\t^`{}|\"<>"
PIECES = ("", "/..", "/.", "/%2e", "/%2E%2e/", "/./x", "//")


@settings(max_examples=800, deadline=None)
@given(
    st.sampled_from(("http", "https")),
    st.sampled_from(HOSTS),
    st.sampled_from(PORTS),
    st.text(CHARS, max_size=10),
    st.sampled_from(PIECES),
)
def test_a_plain_url_is_what_the_url_parser_gives_back(
    scheme: str, host: str, port: str, path: str, piece: str
) -> None:
    """When `_plain_url` says so, the WHATWG parser returns the URL unchanged."""
    text = f"{scheme}://{host}{port}/{path}{piece}"
    if _plain_url(text):
        assert parse_url(text).href == text


def test_plain_urls_are_common() -> None:
    """The shortcut takes the upstream URLs tables really have."""
    assert _plain_url("http://localhost:3001/api/users?x=1")
    assert _plain_url("https://backend.internal.example.com/api/a/b")
    assert not _plain_url("http://localhost:80/api")  # the default port is dropped
    assert _plain_url("http://127.0.0.1:3001/api")  # a canonical IPv4 address
    assert not _plain_url("http://127.1:3001/api")  # an IPv4 number is rewritten
    assert not _plain_url("http://Example.com/api")  # the host is lowercased


@settings(max_examples=800, deadline=None)
@given(st.text("aZ09-_.!~*'()/%:@é?", max_size=12))
def test_a_path_unchanged_by_the_uri_functions_needs_one_lookup(path: str) -> None:
    """A path the shortcut accepts is its own decodeURIComponent and encodeURIPath."""
    if _UNCHANGED_BY_URI_FUNCTIONS.fullmatch(path):
        assert decode_uri_component(path) == path
        assert _encode_uri_path(path) == path


@settings(max_examples=800, deadline=None)
@given(st.text("aZ09-_.~!$&'()*+,;=:@%/?#\\ é", max_size=12), st.sampled_from(PIECES))
def test_a_plain_target_is_parsed_as_the_url_parser_does(text: str, piece: str) -> None:
    """A request target taken without the URL parser has the parser's path and query."""
    url = "/" + piece + text
    router = rewrites.Router.from_next_config({"skipTrailingSlashRedirect": True})
    try:
        parsed = parse_url("http://n" + url)
    except URLError:
        return
    if _PLAIN_TARGET.fullmatch(url) is None or "//" in url.split("?", 1)[0]:
        return
    resolution = router.resolve(url)
    assert resolution.path == parsed.pathname
    expected = dict(query_object(parsed.search)) if parsed.search else {}
    assert dict(resolution.query) == expected


QUERY_TEXT = st.text("ab0_.~-=&%+ é", max_size=14) | st.sampled_from(
    ("constructor=1", "__proto__=x", "0=a&b=c", "a=1&a=2&a=3", "toString", "a==b", "&a=1")
)


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from((None, "http:", "https:", "ftp:", "mailto:")),
    st.sampled_from((None, "", "up.example", "UP.Example", "::1", "[::1]")),
    st.sampled_from((None, "8080")),
    st.sampled_from((None, "u:p")),
    st.text("ab/#?é%", max_size=6),
    st.text("a=1&#?", max_size=5),
    st.sampled_from(("", "#x")),
)
def test_a_destination_is_formatted_as_url_format_does(
    protocol: str | None,
    hostname: str | None,
    port: str | None,
    auth: str | None,
    pathname: str,
    search: str,
    hash_: str,
) -> None:
    """`_format` writes what Node's legacy url.format writes, shortcut or not (an internal
    destination has no host, port or credentials)."""
    external = protocol is not None
    if not external:
        hostname = port = auth = None
    dest = Rendered(external, protocol, auth, hostname, port, pathname, hash_, {}, "")
    assert _format(dest, pathname, search) == format_legacy(
        protocol=protocol,
        slashes=True if external else None,
        auth=auth,
        hostname=hostname,
        port=port,
        pathname=pathname,
        search=search and "?" + search,
        hash=hash_,
    )


@given(QUERY_TEXT)
def test_a_plain_query_parses_as_next_does(text: str) -> None:
    """Where the one-pass parse takes a query, it gives Next's query object."""
    plain = _plain_query("?" + text)
    if plain is not None:
        assert plain == dict(query_object("?" + text))
        assert list(plain) == list(query_object("?" + text))


@settings(max_examples=1500, deadline=None)
@given(QUERY_TEXT, QUERY_TEXT)
def test_a_plain_query_stringifies_as_node_does(initial: str, text: str) -> None:
    """Where the shortcut stringifies a query, both of Node's encoders give the same text."""
    query = dict(query_object("?" + text))
    plain = _plain_stringify(query)
    if plain is not None:
        start = {k: v for k, v in query_object("?" + initial).items() if v is not None}
        assert plain == querystring_stringify(query, initial_query_encoder(start))
        assert plain == querystring_stringify(query, escape)


def test_plain_queries_are_common() -> None:
    """The shortcuts take the queries requests really have, and leave the others."""
    assert _plain_query("?x=1&page=2&tag=a&tag=b") == {"x": "1", "page": "2", "tag": ["a", "b"]}
    assert _plain_query("?q=a%20b") is None
    assert _plain_query("?constructor=1") is None
    assert _plain_stringify({"x": "1", "tag": ["a", "b"]}) == "x=1&tag=a&tag=b"
    assert _plain_stringify({"2": "x"}) is None


def explained(router: rewrites.Router, url: str, headers: dict[str, str]) -> object:
    """The resolution `explain()` gives (always the general way), or the RequestError's status
    and message (as `outcome` gives `resolve()`'s)."""
    try:
        return router.explain(url, headers).resolution
    except rewrites.RequestError as exc:
        return ("error", exc.status, str(exc))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.sampled_from((None, ROUTES)), st.lists(index_requests(), max_size=6))
def test_resolve_answers_as_explain_does(
    config: dict[str, Any],
    routes: tuple[str, ...] | None,
    batch: list[tuple[str, dict[str, str]]],
) -> None:
    """`resolve()` (which tests a rule's conditions before its source) gives exactly the
    resolution `explain()` (which keeps Next.js's order, source first) gives."""
    router = rewrites.Router.from_next_config(config, routes)
    for url, headers in batch:
        assert outcome(router, url, headers) == explained(router, url, headers), url


@given(
    st.sampled_from(["http://e.com", "https://a-b.example:8080", "http://x.y.z:1"]),
    st.text(alphabet="/a.%2F:@!$&'()*+,;=~-_?#\\é ", max_size=12).map(lambda t: "/" + t),
)
def test_a_plain_proxied_path_after_a_plain_origin_is_a_url_the_parser_keeps(
    origin: str, path: str
) -> None:
    """A path that `_plain_proxied_path` takes, after a plain origin, is an upstream URL the URL
    parser gives back as it is: what a proxied rewrite that skips the parse answers."""
    if _plain_proxied_path(path):
        assert _plain_url(origin + path)
        assert rewrites._js.url.parse_url(origin + path).href == origin + path


def test_the_usual_request_is_answered_without_a_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An indexed router without i18n or middleware answers a plain target with no query that
    ends in a redirect with a plan, or meets no rule, or only rewrites with plans and header rules
    of fixed headers, without a `Run`; everything else goes on in one (from where it stopped,
    or from the start when a rewrite's plan cannot tell), and every answer is the general
    way's (`Run`)."""
    config = {
        "headers": [
            {"source": "/:path*", "headers": [{"key": "x-frame-options", "value": "DENY"}]},
            {"source": "/h", "headers": [{"key": "x-h", "value": "1"}]},
            {"source": "/hp/:x", "headers": [{"key": "x-p", "value": ":x"}]},
        ],
        "redirects": [
            {"source": "/:locale/page-1", "destination": "/:locale/new-1", "permanent": True},
            {"source": "/old", "destination": "/new?from=old", "permanent": False},
            {
                "source": "/c",
                "destination": "/d",
                "permanent": True,
                "has": [{"type": "cookie", "key": "c"}],
            },
        ],
        "rewrites": {
            "beforeFiles": [
                {"source": "/b/:x", "destination": "/a/:x"},
                {"source": "/b2/:x", "destination": "/q/:x"},
            ],
            "afterFiles": [
                {"source": "/api/:path*", "destination": "https://up.example.com/:path*"},
                {"source": "/a/:x", "destination": "/z/:x"},
                {"source": "/q/:x", "destination": "/r?x=:x"},
            ],
            "fallback": [{"source": "/z/:x", "destination": "/y/:x"}],
        },
    }
    runs: list[str] = []
    started = rewrites._resolve.Run.__init__

    def counted(self: Any, router: Any, url: str, *args: Any) -> None:
        runs.append(url)
        started(self, router, url, *args)

    without = rewrites.Router.from_next_config(config)
    with_pages = rewrites.Router.from_next_config(config, ["/", "/new"])
    assert without.quick and with_pages.quick
    assert not rewrites.Router.from_next_config(config, indexed=False).quick
    i18n = {"locales": ["en"], "defaultLocale": "en"}
    assert not rewrites.Router.from_next_config({**config, "i18n": i18n}).quick
    cases = [
        # (router, url, headers, answered without a Run)
        (without, "/fr/page-1", None, True),
        (without, "/FR/page-1/", {"user-agent": "x"}, True),
        (without, "/nothing/here", None, True),
        (with_pages, "/fr/page-1", None, True),
        (without, "/api/a", None, True),  # proxied
        (without, "/b/1", None, True),  # /a/1, /z/1, then /y/1: each rule sees the path before
        (without, "/old", None, False),  # a Location with a query: no plan
        (without, "/c", {"cookie": "c=1"}, False),  # conditions: no plan
        (without, "/c", None, True),  # (not sent: the rule is no candidate)
        (without, "/h", None, True),  # fixed header rules
        (without, "/hp/1", None, False),  # a header naming a param
        (without, "/q/1", None, False),  # a destination with a query: no plan (resumed)
        (without, "/b2/1", None, False),  # rewritten to /q/1, then no plan: started again
        (without, "/b/1", {"rsc": "1"}, False),  # an RSC request is told where it went
        (with_pages, "/api/a", None, True),  # pages looked up (none serves it), then proxied
        (with_pages, "/nothing/here", None, True),  # not found
        (with_pages, "/new", None, True),  # a page
        (with_pages, "/b/1", None, True),
        (without, "/fr/page-1?x=1", None, False),  # a query
        (without, "/a//b", None, False),  # repeated slashes
    ]
    for router, url, headers, alone in cases:
        general = rewrites._resolve.Run(router, url, headers).run()
        monkeypatch.setattr(rewrites._resolve.Run, "__init__", counted)
        runs.clear()
        assert router.resolve(url, headers) == general, url
        monkeypatch.setattr(rewrites._resolve.Run, "__init__", started)
        assert (not runs) is alone, url
        assert len(runs) <= 1, url  # resumed or started again, never both
    assert without.resolve("/b/1").url == "/y/1"
    assert without.resolve("/b2/1").url == "/r?x=1"
    assert without.resolve("/h").headers == {"x-frame-options": "DENY", "x-h": "1"}
    assert without.resolve("/fr/page-1").headers == {}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.lists(index_requests(), max_size=6))
def test_resolve_answers_as_explain_does_with_public_files(
    config: dict[str, Any], batch: list[tuple[str, dict[str, str]]]
) -> None:
    """With pages and public files (looked up before the pages, under basePath), `resolve()`
    (whose usual requests take the rules' plans and look the files up without a `Run`) gives
    exactly what `explain()` (the general way) gives."""
    public = ["/robots.txt", "/api", "/docs/x.json", "/%C3%A9"]
    try:
        router = rewrites.Router.from_next_config(config, ROUTES, public_files=public)
    except rewrites.ConfigError:
        return  # (a public file a page also serves)
    for url, headers in [*batch, ("/robots.txt", {}), ("/base/robots.txt", {}), ("/api/", {})]:
        assert outcome(router, url, headers) == explained(router, url, headers), url
