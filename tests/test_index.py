"""The first-match-preserving index: it answers exactly as a plain loop over every rule."""

from __future__ import annotations

import pickle
import re
import threading
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rewrites
from rewrites import Outcome, Router
from rewrites._conditions import RequestView, match_conditions
from rewrites._index import PhaseIndex, SegmentKey, segment_keys
from rewrites._load import LazyRules
from rewrites._rules import Phase

# --- the law ----------------------------------------------------------------------------------

#: Literal segments shared by sources and requests, so that tries overlap and requests hit.
WORDS = (
    "api",
    "API",
    "Api",
    "docs",
    "v1",
    "%c3%a9",
    "%C3%A9",
    "café",
    "old",
    "x.json",
    "amp-7",
    "ſtraße",
)
PIECES = (
    "/:p?",
    "/:p",
    "/:p*",
    "/:p+",
    "/:p(\\d+)",
    "/:p(en|fr)",
    "/:p(EN|de|fr)",
    "/:p(é|fr)",
    "/(.*)",
    "{.json}",
    "/((?!auth).*)",
    "/:p((?!api(?:/|$)).*)",
    "-:p",
    "{-:p}?",
    "{/v1}?",
    ".:p",
    "/",
)
ROUTES = ("/", "/api/[slug]", "/docs/[...rest]", "/old/[[...rest]]")
HAS = (
    {"type": "header", "key": "x-flag"},
    {"type": "cookie", "key": "beta", "value": "on"},
    # A header named in upper case with a capturing value, a cookie with no value, and names a
    # JavaScript object inherits (never filed: Next.js reads the inherited property).
    {"type": "header", "key": "X-Other", "value": "(?<other>.*)"},
    {"type": "cookie", "key": "session"},
    {"type": "header", "key": "constructor"},
    {"type": "cookie", "key": "toString"},
    {"type": "query", "key": "p", "value": "1"},
    # Host values: '.' matching any character, escaped dots, a regex (not filed by host) and an
    # upper-case value (filed, but never found: no lowercased host matches it).
    {"type": "host", "value": "a.example.com"},
    {"type": "host", "value": "b\\.example\\.com"},
    {"type": "host", "value": "(?<tenant>[a-z]+)\\.example\\.com"},
    {"type": "host", "value": "A.example.com"},
)
#: Request headers: flags, and hosts that hit, hit through a wildcard dot, or narrowly miss.
HEADERS = (
    {},
    {"x-flag": "1"},
    {"cookie": "beta=on"},
    {"cookie": "session=1; beta=off", "X-OTHER": "v"},
    {"cookie": "other=1; betas=on"},
    {"x-other": "", "constructor": "1"},
    {"host": "a.example.com"},
    {"host": "A.Example.COM:3000"},
    {"host": "a-example.com"},
    {"host": "b.example.com", "x-flag": "1"},
    {"host": "b-example.com"},
    {"host": "a.example.co"},
    {"host": ""},
)


@st.composite
def sources(draw: Callable[..., Any]) -> str:
    """A source of literal segments and pieces: params, custom groups, catch-alls, lookaheads."""
    parts: list[str] = []
    for n in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 2)):
            parts.append("/" + draw(st.sampled_from(WORDS)))
        else:
            parts.append(draw(st.sampled_from(PIECES)).replace(":p", f":p{n}"))
    source = "".join(parts)
    return source if source.startswith("/") else "/" + source


def _compiles(source: str) -> bool:
    """Whether the source is a valid route source."""
    try:
        rewrites.compile(source).as_route()
    except rewrites.PatternError:
        return False
    return True


#: The names of a source's params.
_PARAM_NAMES = re.compile(r":(p[0-9])")


@st.composite
def rules(draw: Callable[..., Any], kind: str) -> dict[str, Any]:
    """One rule; destinations are literal paths made of the same words, so rewrites chain."""
    rule: dict[str, Any] = {"source": draw(sources().filter(_compiles))}
    target = "/" + "/".join(draw(st.lists(st.sampled_from(WORDS[:5]), min_size=1, max_size=3)))
    if kind != "header":
        # Some of the source's params, each as one value or repeated, with any modifier.
        for name in draw(st.lists(st.sampled_from(_PARAM_NAMES.findall(rule["source"]) or [""]))):
            if name:
                target += draw(st.sampled_from(("/", "-", "/x-"))) + ":" + name
                target += draw(st.sampled_from(("", "", "*", "+", "?")))
    if kind == "header":
        rule["headers"] = [{"key": "x-rule", "value": "1"}]
    elif draw(st.integers(0, 4)) == 0:
        rule["destination"] = "https://upstream.example.com" + target
    else:
        rule["destination"] = target
    if kind == "redirect":
        rule["permanent"] = draw(st.booleans())
    if draw(st.integers(0, 4)) == 0:
        rule["has"] = draw(st.lists(st.sampled_from(HAS), min_size=1, max_size=2))
    return rule


@st.composite
def configs(draw: Callable[..., Any]) -> dict[str, Any]:
    """A table with rules in every phase, sometimes basePath, caseSensitiveRoutes, trailingSlash."""

    def some(kind: str) -> list[dict[str, Any]]:
        return list(draw(st.lists(rules(kind), max_size=6)))

    config: dict[str, Any] = {
        "headers": some("header"),
        "redirects": some("redirect"),
        "rewrites": {p: some("rewrite") for p in ("beforeFiles", "afterFiles", "fallback")},
    }
    if draw(st.integers(0, 3)) == 0:
        config["basePath"] = "/base"
    if draw(st.booleans()):
        config["caseSensitiveRoutes"] = True
    if draw(st.integers(0, 3)) == 0:
        config["trailingSlash"] = True
    return config


def _case_variant(word: str, how: int) -> str:
    """The word as written, upper-cased or lower-cased."""
    return (word, word.upper(), word.lower())[how]


@st.composite
def requests(draw: Callable[..., Any]) -> tuple[str, dict[str, str]]:
    """A request path of the table's words (hits at every depth, case variants, near misses)."""
    words = draw(
        st.lists(
            st.sampled_from((*WORDS, "auth", "12", "en", "fr", "de", "é", "zz", "")), max_size=5
        )
    )
    path = "".join("/" + _case_variant(w, draw(st.integers(0, 2))) for w in words) or "/"
    if draw(st.integers(0, 3)) == 0:
        path = "/base" + (path if path != "/" else "")
    if draw(st.integers(0, 3)) == 0:
        path += draw(st.sampled_from(("/", "-x", ".json", "x")))
    if draw(st.integers(0, 4)) == 0:
        path += "?p=1"
    headers = draw(st.sampled_from(HEADERS))
    return path, headers


def plain(config: dict[str, Any], routes: tuple[str, ...] | None) -> Router:
    """The same table with plain loops in place of the indexes."""
    return Router.from_next_config(config, routes, indexed=False)


def outcome(router: Router, url: str, headers: dict[str, str]) -> object:
    """The resolution, or the RequestError's status and message."""
    try:
        return router.resolve(url, headers)
    except rewrites.RequestError as exc:
        return ("error", exc.status, str(exc))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.sampled_from((None, ROUTES)), st.lists(requests(), min_size=1, max_size=8))
def test_the_index_answers_exactly_as_a_plain_loop(
    config: dict[str, Any],
    routes: tuple[str, ...] | None,
    batch: list[tuple[str, dict[str, str]]],
) -> None:
    """For every table and request, resolving through the index equals a plain loop."""
    router = Router.from_next_config(config, routes)
    baseline = plain(config, routes)
    for url, headers in batch:
        assert outcome(router, url, headers) == outcome(baseline, url, headers), url


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.sampled_from((None, ROUTES)), st.lists(requests(), min_size=1, max_size=8))
def test_an_answer_does_not_depend_on_the_requests_answered_before(
    config: dict[str, Any],
    routes: tuple[str, ...] | None,
    batch: list[tuple[str, dict[str, str]]],
) -> None:
    """A router answers each request as a fresh router does, however many it answered before
    (what a rule keeps from one request, such as its constant outcome, serves only requests it
    holds for)."""
    shared = Router.from_next_config(config, routes)
    # Each path with and without a query, in both orders.
    paths = [url.split("?", 1)[0] for url, _ in batch]
    urls = [*paths, *(p + "?q=2" for p in paths), *paths]
    for url, (_, headers) in zip(urls, [*batch, *batch, *batch], strict=True):
        fresh = Router.from_next_config(config, routes)
        assert outcome(shared, url, headers) == outcome(fresh, url, headers), url


def test_a_rule_keeps_its_outcome_only_for_requests_that_give_it_nothing() -> None:
    """A redirect, a rewrite and a proxied rewrite with literal sources keep what they make of
    a request with no query; a request with a query, or a source with params or unnamed groups
    (`$1`), is worked out afresh, before and after."""
    router = Router.from_next_config(
        {
            "redirects": [
                {"source": "/a", "destination": "/b", "permanent": True},
                {"source": "/p/:x", "destination": "/q/:x", "permanent": False},
                {"source": "/g/(.*)", "destination": "/h/$1", "permanent": False},
            ],
            "rewrites": [
                {"source": "/c", "destination": "/d"},
                {"source": "/e", "destination": "https://up.example.com/f"},
            ],
        }
    )
    expected = {
        "/a": "/b",
        "/a?p=1": "/b?p=1",
        "/p/1": "/q/1",
        "/p/2?z=3": "/q/2?z=3",
        "/g/x": "/h/x",
        "/g/y": "/h/y",
        "/c": "/d",
        "/c?p=1": "/d?p=1",
        "/e": "https://up.example.com/f",
        "/e?p=1": "https://up.example.com/f?p=1",
    }
    for _ in range(2):
        for url, answer in [*expected.items(), *reversed(expected.items())]:
            assert router.resolve(url).url == answer, url


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.lists(requests(), min_size=1, max_size=8))
def test_a_skipped_rule_never_matches(
    config: dict[str, Any], batch: list[tuple[str, dict[str, str]]]
) -> None:
    """Every rule the index leaves out fails to match the path, and candidates ascend."""
    router = Router.from_next_config(config)
    for url, _ in batch:
        path = url.split("?", 1)[0]
        for phase in Phase:
            index = router.indexes[phase]
            positions = [p for p, _ in index.candidates(path)]
            assert positions == sorted(set(positions))
            for position, rule in enumerate(router.phase(phase)):
                if position not in positions:
                    assert rule.pattern.match(path) is None, (rule.source, path)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.lists(requests(), min_size=1, max_size=8))
def test_a_rule_skipped_for_its_host_or_headers_never_has_its_conditions_hold(
    config: dict[str, Any], batch: list[tuple[str, dict[str, str]]]
) -> None:
    """A rule left out for the request's host, headers or cookies is one whose `has` conditions
    fail on it (or whose source does not match the path)."""
    router = Router.from_next_config(config)
    for url, headers in batch:
        path = url.split("?", 1)[0]
        view = RequestView({k.lower(): v for k, v in headers.items()})
        for phase in Phase:
            index = router.indexes[phase]
            every = {p for p, _ in index.candidates(path)}
            for_host = {p for p, _ in index.candidates(path, 0, view.host or "", view)}
            assert for_host <= every
            for position in every - for_host:
                rule = router.phase(phase)[position]
                fails = match_conditions(rule.has, (), view, {}) is None
                assert fails or rule.pattern.match(path) is None, (rule.has, headers)


def test_host_only_rules_are_tried_for_their_host_alone() -> None:
    """A multi-tenant table's `/:path*` rules, one per host, are filed by host: '.' matches any
    character as in Next.js, an escaped dot only a dot, and a host regex is always tried."""
    config = {
        "rewrites": [
            {"source": "/:path*", "has": [{"type": "host", "value": value}], "destination": dest}
            for value, dest in [
                ("acme.example.com", "https://acme.up/:path*"),
                ("beta\\.example\\.com", "https://beta.up/:path*"),
                ("(?<t>[a-z]+)\\.example\\.org", "https://:t.up/:path*"),
            ]
        ]
    }
    router = Router.from_next_config(config)
    index = router.indexes[Phase.AFTER_FILES]
    assert index.stats()["by_host"] == 2

    def tried(host: str) -> list[int]:
        return [p for p, _ in index.candidates("/x", 0, host)]

    assert tried("acme.example.com") == [0, 2]
    assert tried("acmeXexample.com") == [0, 2]
    assert tried("beta.example.com") == [1, 2]
    assert tried("betaXexample.com") == [2]
    assert tried("") == [2]
    assert router.resolve("/x", {"host": "ACME.example.com:8080"}).url == "https://acme.up/x"
    assert router.resolve("/x", {"host": "acme-example.com"}).url == "https://acme.up/x"
    assert router.resolve("/x", {"host": "zed.example.org"}).url == "https://zed.up/x"


def test_cookie_rules_are_tried_for_requests_that_send_the_cookie() -> None:
    """A rule that needs a cookie is a candidate when the request's Cookie header has it (among
    others, after spaces, quoted), and not when the header only has other names, one that merely
    contains it, or a value that does."""
    config = {
        "rewrites": [
            {
                "source": "/((?!api/).*)",
                "has": [{"type": "cookie", "key": "beta"}],
                "destination": "/b",
            },
            {
                "source": "/x",
                "has": [{"type": "cookie", "key": "ab", "value": "1"}],
                "destination": "/a",
            },
        ]
    }
    router = Router.from_next_config(config)
    for cookie, answer in [
        ("beta=1", "/b"),
        ("other=1;   beta=on", "/b"),
        ('beta="q"', "/b"),
        ("ab=1", "/a"),
        ("betas=1; xab=1", "/x"),
        ("other=beta", "/x"),
        ("ab=2", "/x"),
    ]:
        assert router.resolve("/x", {"cookie": cookie}).path == answer, cookie
        assert plain(config, None).resolve("/x", {"cookie": cookie}).path == answer, cookie


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "case_sensitive", "keys"),
    [
        ("/api/users/:id", False, [(0, ("api",)), (1, ("users",))]),
        ("/API/Users", True, [(0, ("API",)), (1, ("Users",))]),
        ("/api-:id", False, []),
        ("/api{-:x}?", False, []),
        ("/api.:ext", False, []),
        ("/api/:x?/docs", False, [(0, ("api",)), (None, ("docs",))]),
        ("/api/:x?-docs", False, []),
        ("/api{/v1}?/docs", False, [(0, ("api",)), (None, ("docs",))]),
        ("/:locale/api", False, [(1, ("api",))]),
        ("/:tenant/docs/page-9", False, [(1, ("docs",)), (2, ("page-9",))]),
        ("/x-:id/docs", False, [(1, ("docs",))]),
        ("/:locale(en|FR|de)/old", False, [(0, ("en", "fr", "de")), (1, ("old",))]),
        ("/:locale(en|FR)/old", True, [(0, ("en", "FR")), (1, ("old",))]),
        ("/:locale(en|fr)?/old", False, [(None, ("old",))]),
        ("/:locale(en|f.)/old", False, [(None, ("old",))]),  # '.' may match '/'
        ("/:lang?/pricing-7", False, [(None, ("pricing-7",))]),
        ("/:path*/index-7.html", False, [(None, ("index-7.html",))]),
        ("/(.*)/amp-42", False, [(None, ("amp-42",))]),
        ("/:a(.*)/b/:c", False, [(None, ("b",))]),
        ("/((?!auth).*)", False, []),
        ("/:path*", False, []),
        ("/%C3%A9/x", False, [(0, ("%c3%a9",)), (1, ("x",))]),
        ("/api/CAFÉ/x", False, [(0, ("api",)), (1, ("cafÉ",)), (2, ("x",))]),
        ("/:l/straße", False, [(1, ("straße",))]),
        ("/:l/ſ-\u212a", False, [(1, ("ſ-\u212a",))]),  # never folded to ASCII 's', 'k'
        ("/api/café/x", True, [(0, ("api",)), (1, ("café",)), (2, ("x",))]),
        ("/api/:id(\\d+)/x", False, [(0, ("api",)), (None, ("x",))]),
        ("/a/:x([(?(?]))|(?:(?:\\/zz[))])", False, []),
    ],
)
def test_segment_keys(source: str, case_sensitive: bool, keys: list[SegmentKey]) -> None:
    """A source's keys are its whole literal segments (at a fixed index where everything before
    is literal or one plain segment) and its whole-segment literal alternations."""
    pattern = rewrites.compile(source, case_sensitive=case_sensitive).as_route()
    assert segment_keys(pattern) == keys


def test_each_rule_takes_its_rarest_key() -> None:
    """`/:locale/blog/page-N` rules are filed under their own `page-N`, not the shared `blog`."""
    router = _router(*(f"/:locale/blog/page-{n}" for n in range(50)), "/:locale/blog")
    assert _candidates(router, "/en/blog/page-7") == ["/:locale/blog/page-7", "/:locale/blog"]
    assert _candidates(router, "/en/blog") == ["/:locale/blog"]
    assert _candidates(router, "/en/blog/page-70") == ["/:locale/blog"]


def test_a_floating_key_is_found_at_any_depth() -> None:
    """A suffix rule `/(.*)/amp-42` is a candidate wherever the path has the segment."""
    router = _router("/(.*)/amp-42", "/:path*/index.html", "/(.*)")
    assert _candidates(router, "/a/b/amp-42") == ["/(.*)/amp-42", "/(.*)"]
    assert _candidates(router, "/amp-42/x/index.html") == [
        "/(.*)/amp-42",
        "/:path*/index.html",
        "/(.*)",
    ]
    assert _candidates(router, "/a/amp-420") == ["/(.*)"]


def test_an_alternation_is_a_key_and_offered_once() -> None:
    """`/:l(en|fr)/:x` is a candidate for `/en/...` and `/fr/...`, once, and not for `/de/...`."""
    router = _router("/:l(en|fr)/:x", "/:a/:b(fr|en)")
    assert _candidates(router, "/en/fr") == ["/:l(en|fr)/:x", "/:a/:b(fr|en)"]
    assert _candidates(router, "/de/x") == []


def test_a_literal_tail_narrows_a_rule_without_segments() -> None:
    """`/:name*.json` is only tried for paths ending in `.json` (or `.json/`)."""
    router = _router("/:name*.json")
    assert _candidates(router, "/a/b.json") == ["/:name*.json"]
    assert _candidates(router, "/a/b.json/") == ["/:name*.json"]
    assert _candidates(router, "/a/b.js") == []


def _router(*sources: str, **config: Any) -> Router:
    """A router whose afterFiles rewrites have these sources (destination `/to`)."""
    rules = [{"source": s, "destination": "/to"} for s in sources]
    return Router.from_next_config({"rewrites": rules, **config})


def _candidates(router: Router, path: str, start: int = 0) -> list[str]:
    """The afterFiles candidates' sources for a path."""
    index = router.indexes[Phase.AFTER_FILES]
    return [rule.source for _, rule in index.candidates(path, start)]


def test_a_trailing_slash_still_reaches_the_rules_under_a_segment() -> None:
    """`/api/` is a candidate path for `/api` and `/api/:x?`, which both accept it."""
    router = _router("/api", "/api/:x?", "/docs", skipTrailingSlashRedirect=True)
    assert _candidates(router, "/api/") == ["/api", "/api/:x?"]
    assert router.resolve("/api/").path == "/to"


def test_candidates_come_from_every_depth_in_table_order() -> None:
    """Rules under each segment of the path, and unkeyed rules, are merged in table order."""
    router = _router("/a/b/c", "/:x/b", "/a", "/a/b/:y", "/z", "/a/:rest*", "/:any*")
    assert _candidates(router, "/a/b/c") == ["/a/b/c", "/:x/b", "/a/b/:y", "/a/:rest*", "/:any*"]
    assert _candidates(router, "/a/") == ["/a", "/a/:rest*", "/:any*"]
    assert _candidates(router, "/q/b") == ["/:x/b", "/a/b/:y", "/:any*"]
    assert _candidates(router, "/q") == ["/:any*"]


def test_start_skips_earlier_positions() -> None:
    """Candidates start at `start`, as the rewrite chain needs after a rewrite."""
    router = _router("/a", "/:x", "/a/:y?", "/a")
    index = router.indexes[Phase.AFTER_FILES]
    assert [p for p, _ in index.candidates("/a", 2)] == [2, 3]
    assert [p for p, _ in index.candidates("/a", 4)] == []


def test_an_empty_or_relative_path_meets_only_the_root_rules() -> None:
    """A path that does not start with '/' can only match rules without literal segments."""
    router = _router("/a", "/:x*")
    assert _candidates(router, "") == ["/:x*"]
    assert _candidates(router, "a") == ["/:x*"]


def test_case_insensitive_rules_are_found_in_any_ascii_case() -> None:
    """`/API/Docs` reaches `/api/docs`, and `%c3%a9` reaches `%C3%A9`, when case does not count."""
    router = _router("/api/docs", "/%C3%A9")
    assert _candidates(router, "/API/Docs") == ["/api/docs"]
    assert _candidates(router, "/%c3%a9") == ["/%C3%A9"]
    assert router.resolve("/API/Docs").path == "/to"


def test_case_sensitive_rules_are_found_only_as_written() -> None:
    """With caseSensitiveRoutes, `/API` skips `/api`, whose regex would refuse it anyway."""
    router = _router("/api", caseSensitiveRoutes=True)
    assert _candidates(router, "/API") == []
    assert _candidates(router, "/api") == ["/api"]


def test_non_ascii_case_folding_is_left_to_the_regex() -> None:
    """`/x/café` is keyed by `x` only, so JavaScript's folding of `É` is the regex's call."""
    router = _router("/x/café")
    assert _candidates(router, "/X/CAFÉ") == ["/x/café"]
    assert router.indexes[Phase.AFTER_FILES].rules[0].pattern.match("/X/CAFÉ") is not None


def test_kelvin_sign_never_reaches_an_ascii_key() -> None:
    """The Kelvin sign lowercases to 'k' in Python, but never matches 'k' in JavaScript."""
    router = _router("/k")
    assert _candidates(router, "/\u212a") == []
    assert router.indexes[Phase.AFTER_FILES].rules[0].pattern.match("/\u212a") is None


def test_base_path_sources_are_keyed_under_the_base_path() -> None:
    """With basePath `/base`, `/old` is keyed as `base`, `old`."""
    router = _router("/old", basePath="/base")
    assert _candidates(router, "/base/old") == ["/base/old"]
    assert _candidates(router, "/old") == []


def test_built_in_redirects_are_always_candidates() -> None:
    """The trailing-slash redirects (`/:path+/`) have a dynamic first segment."""
    router = Router.from_next_config(
        {"redirects": [{"source": "/a", "destination": "/b", "permanent": True}]}
    )
    index = router.indexes[Phase.REDIRECTS]
    assert [rule.source for _, rule in index.candidates("/zzz/")] == ["/:path+/"]
    assert router.resolve("/zzz/").url == "/zzz"
    assert router.resolve("/a").url == "/b"


def test_a_group_that_escapes_its_parentheses_is_always_a_candidate() -> None:
    """A custom group closing the groups around it can match paths outside its literal prefix."""
    router = _router("/a/:x([(?(?]))|(?:(?:\\/zz[))])")
    assert _candidates(router, "/zz)") == ["/a/:x([(?(?]))|(?:(?:\\/zz[))])"]
    assert router.resolve("/zz)").path == "/to"


def test_redirect_guard_only_narrows_what_matches() -> None:
    """`/_next/x` is a candidate for a `/_next/:p` redirect, whose regex then refuses it."""
    config = {"redirects": [{"source": "/_next/:p", "destination": "/b", "permanent": False}]}
    router = Router.from_next_config(config)
    assert router.resolve("/_next/x") == plain(config, None).resolve("/_next/x")


def test_stats_count_rules_and_nodes() -> None:
    """`stats()` counts the always-candidates, the rules filed whole, and the distinct keys."""
    index = PhaseIndex(_router("/a/b", "/a/c", "/:x").phase(Phase.AFTER_FILES))
    assert index.stats() == {
        "rules": 3,
        "always": 1,
        "by_host": 0,
        "by_request": 0,
        "whole": 2,
        "keys": 2,
        "depth": 0,
    }


def test_a_whole_literal_source_is_a_candidate_only_where_the_path_ends() -> None:
    """`/a` is tried for `/a` and `/a/`, not for `/a/b` or `/a//`-deeper paths."""
    router = _router("/a", "/a/", "/")
    assert _candidates(router, "/a") == ["/a"]
    assert _candidates(router, "/a/") == ["/a", "/a/"]
    assert _candidates(router, "/a//") == ["/a/"]
    assert _candidates(router, "/a/b") == []
    assert _candidates(router, "/") == ["/"]


# --- the router as a value --------------------------------------------------------------------


def _big_config() -> dict[str, Any]:
    """A table of a few hundred literal and dynamic rules."""
    rules = [{"source": f"/old/s{i}/:slug", "destination": f"/new/{i}/:slug"} for i in range(200)]
    rules += [{"source": f"/p{i}", "destination": f"/q{i}"} for i in range(200)]
    rules.insert(150, {"source": "/:locale(de|ja)/:rest*", "destination": "/:rest*"})
    return {"rewrites": rules}


def _big_router() -> Router:
    """The router of `_big_config`."""
    return Router.from_next_config(_big_config())


def test_an_indexed_router_pickles() -> None:
    """A router unpickled in another process has the same index and answers."""
    router = _big_router()
    clone = pickle.loads(pickle.dumps(router))
    for url in ("/old/s7/x", "/p199", "/de/p3", "/nope", "/OLD/S7/x/"):
        assert clone.resolve(url) == router.resolve(url)
        assert _candidates(clone, url) == _candidates(router, url)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    configs(),
    st.sampled_from((None, ROUTES)),
    st.booleans(),
    st.lists(requests(), min_size=1, max_size=8),
)
def test_a_pickled_router_answers_as_the_original(
    config: dict[str, Any],
    routes: tuple[str, ...] | None,
    indexed: bool,
    batch: list[tuple[str, dict[str, str]]],
) -> None:
    """A router restored from a pickle (rules built on first use) gives the same resolutions,
    candidates and explanations as the router it was pickled from."""
    router = Router.from_next_config(config, routes, indexed=indexed)
    clone = pickle.loads(pickle.dumps(router))
    for url, headers in batch:
        assert outcome(clone, url, headers) == outcome(router, url, headers), url
        for phase in Phase:
            path = url.split("?", 1)[0]
            mine = [(p, r.place) for p, r in clone.indexes[phase].candidates(path, 0, None)]
            theirs = [(p, r.place) for p, r in router.indexes[phase].candidates(path, 0, None)]
            assert mine == theirs
    assert clone.rules == router.rules
    assert pickle.loads(pickle.dumps(clone)).rules == router.rules


def test_a_pickled_router_builds_only_the_rules_it_reaches() -> None:
    """Unpickling builds no rule; a request builds the candidates it tries, and no more."""
    router = _big_router()
    clone = pickle.loads(pickle.dumps(router))
    lazy = clone.table.after_files
    assert isinstance(lazy, LazyRules)
    assert lazy._built.count(None) == len(lazy._built)
    assert clone.resolve("/old/s7/x").path == "/new/7/x"
    assert len(lazy._built) - lazy._built.count(None) == len(_candidates(clone, "/old/s7/x"))


def test_threads_share_one_indexed_router() -> None:
    """Threads resolving through one index all get the plain loop's answers."""
    router = _big_router()
    baseline = plain(_big_config(), None)
    urls = [f"/old/s{i}/x{i}" for i in range(0, 200, 7)] + [f"/p{i}" for i in range(0, 200, 9)]
    urls += ["/de/old/s3/y", "/nope", "/"]
    expected = {url: baseline.resolve(url) for url in urls}
    errors: list[str] = []

    def work() -> None:
        for _ in range(20):
            for url in urls:
                if router.resolve(url) != expected[url]:
                    errors.append(url)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_rules_that_need_a_header_or_cookie_are_tried_only_when_it_is_sent() -> None:
    """A `/((?!api/).*)` rule behind a `has` header (any case) or cookie is a candidate only
    for requests that send it; one behind an inherited name (`constructor`) always is."""
    config = {
        "rewrites": [
            {"source": "/((?!api/).*)", "destination": "/legacy", "has": [has]}
            for has in (
                {"type": "header", "key": "X-Legacy-Client"},
                {"type": "cookie", "key": "beta", "value": "on"},
                {"type": "header", "key": "constructor"},
            )
        ]
    }
    router = Router.from_next_config(config)
    index = router.indexes[Phase.AFTER_FILES]
    assert index.stats()["by_request"] == 2

    def tried(headers: dict[str, str] | None) -> list[int]:
        view = None if headers is None else RequestView(headers)
        return [p for p, _ in index.candidates("/x", 0, "", view)]

    assert tried({}) == [2]
    assert tried({"x-legacy-client": ""}) == [0, 2]
    assert tried({"cookie": "a=1; beta=off"}) == [1, 2]
    assert tried({"cookie": "a=1"}) == [2]
    assert tried(None) == [0, 1, 2]
    assert router.resolve("/x", {"X-Legacy-Client": "1"}).path == "/legacy"
    assert router.resolve("/x", {"Cookie": "beta=on"}).path == "/legacy"
    # Next.js reads Object.prototype.constructor for the header the request lacks: it holds.
    assert router.resolve("/x").rule is router.phase(Phase.AFTER_FILES)[2]
    explanation = router.explain("/x")
    skipped = [s for s in explanation.steps if s.outcome is Outcome.SKIPPED and s.rule is not None]
    assert [s.rule.place for s in skipped if s.rule] == ["rewrites[0]", "rewrites[1]"]
    assert "has header 'x-legacy-client' does not hold" in skipped[0].detail
    assert [rule.place for rule in explanation.exercised()] == ["rewrites[2]"]


def test_a_router_given_an_index_per_phase_answers_as_the_plain_loop() -> None:
    """Indexes built one per phase (not one shared index) are asked phase by phase."""
    config = _big_config() | {
        "redirects": [{"source": "/p7", "destination": "/q", "permanent": False}]
    }
    built = Router.from_next_config(config)
    apart = attrs.evolve(built, indexes={p: PhaseIndex(built.phase(p)) for p in Phase})
    assert apart.shared is None and built.shared is not None
    for url in ("/old/s7/x", "/p199", "/p7", "/de/p3", "/nope"):
        assert apart.resolve(url) == built.resolve(url) == plain(config, None).resolve(url)
