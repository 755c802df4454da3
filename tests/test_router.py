"""The router: the seed scenario, config validation, explain, and the router as a value."""

from __future__ import annotations

import contextlib
import json
import pickle
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rewrites
from rewrites import Kind

ROUTES = ["/", "/dashboard", "/api/auth/[...nextauth]"]
RULE = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
SEED_A = {"rewrites": [RULE]}
SEED_B = {
    "rewrites": [
        {
            "source": "/api/((?!auth).*)/:path*",
            "destination": "http://localhost:3001/api/$1/:path*",
        }
    ]
}
SEED_C = {"rewrites": {"fallback": [RULE]}}


def router(config: dict[str, object], **options: bool) -> rewrites.Router:
    """A router over the seed app's routes."""
    return rewrites.Router.from_next_config(config, ROUTES, **options)


# --- the seed scenario (DESIGN.md) ------------------------------------------------------------


def test_seed_a_sends_nextauth_to_the_backend() -> None:
    """(A) afterFiles '/api/:path*' proxies /api/auth/session, as Next.js does."""
    got = router(SEED_A).resolve("/api/auth/session")
    assert got.kind is Kind.PROXIED
    assert got.url == "http://localhost:3001/api/auth/session"
    assert got.rule is not None and got.rule.place == "rewrites[0]"
    assert got.headers == {}


def test_seed_b_keeps_auth_local_and_substitutes_dollar_one() -> None:
    """(B) the lookahead + $1 table keeps NextAuth local and proxies the rest to /api/<$1>."""
    table = router(SEED_B)
    auth = table.resolve("/api/auth/session")
    assert auth.kind is Kind.LOCAL
    assert auth.route == "/api/auth/[...nextauth]"
    assert auth.params == {"nextauth": ["session"]}
    assert table.resolve("/api/users").url == "http://localhost:3001/api/users"
    assert table.resolve("/api/trades/123?x=1").url == "http://localhost:3001/api/trades/123?x=1"


def test_seed_b_in_next_js_sends_everything_to_a_literal_dollar_one() -> None:
    """With positional_refs=False, $1 stays literal, as Next.js leaves it."""
    table = router(SEED_B, positional_refs=False)
    assert table.resolve("/api/users").url == "http://localhost:3001/api/$1"
    assert table.resolve("/api/trades/123?x=1").url == "http://localhost:3001/api/$1?x=1"


def test_seed_b_lookahead_also_excludes_authenticate() -> None:
    """(?!auth) tests a prefix: /api/authenticate matches nothing and is a 404."""
    assert router(SEED_B).resolve("/api/authenticate").kind is Kind.NOT_FOUND


def test_seed_c_fallback_keeps_auth_local_and_proxies_the_rest() -> None:
    """(C) the same rule under fallback runs after the pages."""
    table = router(SEED_C)
    auth = table.resolve("/api/auth/session")
    assert (auth.kind, auth.route, auth.params) == (
        Kind.LOCAL,
        "/api/auth/[...nextauth]",
        {"nextauth": ["session"]},
    )
    users = table.resolve("/api/users")
    assert (users.kind, users.url) == (Kind.PROXIED, "http://localhost:3001/api/users")


def test_static_pages_win_over_after_files() -> None:
    """check_fs runs before afterFiles: /dashboard stays local under table A."""
    got = router(SEED_A).resolve("/dashboard")
    assert (got.kind, got.route, got.url) == (Kind.LOCAL, "/dashboard", "/dashboard")


def test_unknown_routes_resolve_to_local_without_a_route() -> None:
    """With routes=None nothing is a 404: what no rule takes is local, route unknown."""
    table = rewrites.Router.from_next_config(SEED_B)
    got = table.resolve("/api/authenticate?a=1")
    assert (got.kind, got.route, got.url, got.query) == (
        Kind.LOCAL,
        None,
        "/api/authenticate?a=1",
        {"a": "1"},
    )


# --- phases -----------------------------------------------------------------------------------


def test_redirect_with_permanent_and_query_merge() -> None:
    """A permanent redirect is 308 and keeps the request query before the destination's."""
    table = rewrites.Router.from_next_config(
        {
            "redirects": [
                {
                    "source": "/old/:slug",
                    "destination": "https://ext.example.com/:slug?via=:slug",
                    "permanent": True,
                }
            ]
        }
    )
    got = table.resolve("/old/hello?x=1")
    assert (got.kind, got.status, got.url) == (
        Kind.REDIRECT,
        308,
        "https://ext.example.com/hello?x=1&via=hello",
    )


def test_header_rules_accumulate_set_cookie_and_are_dropped_on_proxy() -> None:
    """All matching header rules apply; set-cookie accumulates; proxied answers carry none."""
    config = {
        "headers": [
            {"source": "/:path*", "headers": [{"key": "set-cookie", "value": "a=1"}]},
            {"source": "/p/:x", "headers": [{"key": "set-cookie", "value": "b=:x"}]},
        ],
        "rewrites": [{"source": "/ext", "destination": "https://ext.example.com/"}],
    }
    table = rewrites.Router.from_next_config(config, ["/p/[x]"])
    assert table.resolve("/p/7").headers == {"set-cookie": ["a=1", "b=7"]}
    assert table.resolve("/ext").headers == {}


def test_fixed_header_rules_set_in_order_every_time() -> None:
    """A rule's fixed headers are set in turn, a repeated key keeping its last value, later rules
    overwriting earlier ones and set-cookie adding; the same on every request."""
    config = {
        "headers": [
            {
                "source": "/:path*",
                "headers": [
                    {"key": "x-a", "value": "1"},
                    {"key": "X-B", "value": "2"},
                    {"key": "x-a", "value": "3"},
                ],
            },
            {
                "source": "/x",
                "headers": [{"key": "X-B", "value": "9"}, {"key": "set-cookie", "value": "a=1"}],
            },
            {"source": "/x", "headers": [{"key": "set-cookie", "value": "c=1"}]},
        ]
    }
    table = rewrites.Router.from_next_config(config)
    for _ in range(2):
        assert list(table.resolve("/y").headers.items()) == [("x-a", "3"), ("X-B", "2")]
        assert list(table.resolve("/x").headers.items()) == [
            ("x-a", "3"),
            ("X-B", "9"),
            ("set-cookie", ["a=1", "c=1"]),
        ]


def test_trailing_slash_redirect_comes_first() -> None:
    """Without trailingSlash, /x/ is 308-redirected to /x before any rewrite."""
    got = router(SEED_A).resolve("/api/users/")
    assert (got.kind, got.status, got.url) == (Kind.REDIRECT, 308, "/api/users")


def test_repeated_slashes_redirect() -> None:
    """'//' and '\\' in the path are answered with a 308 to the normalised path."""
    got = router(SEED_A).resolve("//api//users?q=1")
    assert (got.kind, got.status, got.url) == (Kind.REDIRECT, 308, "/api/users?q=1")


def test_malformed_escape_in_a_dynamic_segment_is_a_400() -> None:
    """Next.js answers 400 when a dynamic route's param cannot be decoded."""
    with pytest.raises(rewrites.RequestError) as info:
        router(SEED_C).resolve("/api/auth/%E0%A4%A")
    assert info.value.status == 400


def test_has_header_condition_and_missing_cookie() -> None:
    """has/missing decide whether a rule applies; a capture feeds the destination."""
    config = {
        "rewrites": [
            {
                "source": "/v",
                "has": [{"type": "header", "key": "x-version", "value": "(?<ver>\\d+)"}],
                "missing": [{"type": "cookie", "key": "beta"}],
                "destination": "https://api.example.com/v:ver",
            }
        ]
    }
    table = rewrites.Router.from_next_config(config, ["/"])
    assert table.resolve("/v", {"X-Version": "2"}).url == "https://api.example.com/v2"
    assert table.resolve("/v", {"x-version": "2", "cookie": "beta=1"}).kind is Kind.NOT_FOUND
    assert table.resolve("/v", {"x-version": "two"}).kind is Kind.NOT_FOUND


# --- config validation ------------------------------------------------------------------------


def test_config_error_lists_every_problem_with_its_place() -> None:
    """One ConfigError names every bad rule and field at once."""
    config = {
        "rewrites": {
            "afterFiles": [
                {"source": "api/:x", "destination": "/y"},
                {"source": "/p/:id", "destination": "/q/:missing"},
            ]
        },
        "redirects": [
            {"source": "/a", "destination": "/b"},
            {"source": "/c", "destination": "/d", "statusCode": 305},
        ],
        "headers": [{"source": "/h", "headers": []}],
    }
    with pytest.raises(rewrites.ConfigError) as info:
        rewrites.Router.from_next_config(config)
    places = [p.place for p in info.value.problems]
    assert places == [
        "rewrites.afterFiles[0].source",
        "rewrites.afterFiles[1].destination",
        "redirects[0].permanent",
        "redirects[1].statusCode",
        "headers[0].headers",
    ]
    text = str(info.value)
    assert text.startswith("5 problems in the config:\n- rewrites.afterFiles[0].source: ")
    assert "`destination` has segments not in `source` or `has` (missing)" in text


def test_source_parse_errors_carry_the_caret() -> None:
    """A bad source reports path-to-regexp's problem with its caret line."""
    with pytest.raises(rewrites.ConfigError) as info:
        rewrites.Router.from_next_config({"rewrites": [{"source": "/a/:", "destination": "/b"}]})
    assert str(info.value) == (
        "1 problem in the config:\n"
        "- rewrites[0].source: `source` parse failed: Missing parameter name after ':'\n"
        "      /a/:\n"
        "         ^\n"
        "  Name the parameter (':id'), or escape the colon as '\\:' to match a literal ':'"
    )


def test_i18n_loads_and_a_bad_one_is_refused_clearly() -> None:
    """i18n is routed (tests/test_i18n.py); a config Next.js refuses is refused with its place."""
    router = rewrites.Router.from_next_config({"i18n": {"locales": ["en"], "defaultLocale": "en"}})
    assert router.resolve("/about").path == "/en/about"
    with pytest.raises(rewrites.ConfigError, match=r"i18n\.defaultLocale: Specified i18n"):
        rewrites.Router.from_next_config({"i18n": {"locales": ["en"]}})


def test_misspelt_names_get_the_nearest_name() -> None:
    """An unknown top-level key, rule field or `has` type names the nearest known one."""
    config = {
        "headres": [],
        "rewrites": {"afterfiles": [{"source": "/a", "destiantion": "/b"}]},
        "redirects": [
            {"source": "/c", "destination": "/d", "permanant": True},
            {"source": "/e", "destination": "/f", "statuscode": 301, "Permanent": True, "x": 1},
        ],
        "headers": [
            {
                "source": "/g",
                "headers": [{"key": "k", "value": "v"}],
                "has": [
                    {"type": "cookies", "key": "a"},
                    {"type": "query", "key": "q", "vale": "1"},
                ],
            }
        ],
    }
    with pytest.raises(rewrites.ConfigError) as info:
        rewrites.Router.from_next_config(config)
    redirect_fields = "basePath, destination, has, missing, permanent, source, statusCode"
    assert [(p.place, p.message) for p in info.value.problems] == [
        (
            "rewrites",
            "unknown key(s) ['afterfiles']; expected beforeFiles, afterFiles, fallback "
            "(or an array, which means afterFiles) (did you mean 'afterFiles'?)",
        ),
        (
            "redirects[0]",
            f"unknown field(s) permanant; allowed: {redirect_fields} (did you mean 'permanent'?)",
        ),
        (
            "redirects[0].permanent",
            "`permanent` is not set to `true` or `false`; set it, or give a `statusCode`",
        ),
        (
            "redirects[1]",
            f"unknown field(s) statuscode, Permanent, x; allowed: {redirect_fields} "
            "(did you mean 'statusCode' for 'statuscode', 'permanent' for 'Permanent'?)",
        ),
        (
            "redirects[1].permanent",
            "`permanent` is not set to `true` or `false`; set it, or give a `statusCode`",
        ),
        (
            "headers[0].has[0].type",
            'invalid type "cookies"; expected one of header, cookie, query, host '
            "(did you mean 'cookie'?)",
        ),
        ("headers[0].has[1]", "unknown field(s) ['vale'] (did you mean 'value'?)"),
    ]
    del config["rewrites"], config["redirects"], config["headers"]
    # An unknown top-level key is what Next.js warns about and ignores: a warning here too.
    assert [(p.place, p.message) for p in rewrites.Router.from_next_config(config).warnings] == [
        (
            "headres",
            "unknown key 'headres': Next.js warns (\"Unrecognized key(s) in object\") and "
            "ignores it (did you mean 'headers'?)",
        )
    ]


def test_a_name_near_nothing_gets_no_suggestion() -> None:
    """A misspelt name far from every known one is reported without a guess."""
    with pytest.raises(rewrites.ConfigError) as info:
        rewrites.Router.from_next_config(
            {"rewrites": [{"source": "/a", "destination": "/b", "zzz": 1}], "qqq": 1}
        )
    assert str(info.value) == (
        "1 problem in the config:\n"
        "- rewrites[0]: unknown field(s) zzz; allowed: basePath, destination, has, missing, source"
    )
    (warning,) = rewrites.Router.from_next_config({"qqq": 1}).warnings
    assert warning.message == (
        "unknown key 'qqq': Next.js warns (\"Unrecognized key(s) in object\") and ignores it"
    )


def test_never_renderable_destinations_fail_early() -> None:
    """An unknown :name or a $N past the key count is a warning at load, a ConfigError with
    early_errors (an extension), and a 500 for the request that reaches it (as in Next.js)."""
    config = {
        "rewrites": [
            {"source": "/p/:id", "destination": "https://ext.example.com/:nope"},
            {"source": "/q/:id", "destination": "https://ext.example.com/$2"},
            {"source": "/m/:slug*", "destination": "https://ext.example.com/:slug"},
        ]
    }
    with pytest.raises(rewrites.ConfigError) as info:
        rewrites.Router.from_next_config(config, early_errors=True)
    assert [p.place for p in info.value.problems] == [
        "rewrites[0].destination",
        "rewrites[1].destination",
        "rewrites[2].destination",
    ]
    lenient = rewrites.Router.from_next_config(config)
    assert [p.place for p in lenient.warnings] == [p.place for p in info.value.problems]
    with pytest.raises(rewrites.RequestError) as failure:
        lenient.resolve("/p/1")
    assert failure.value.status == 500


def test_load_reads_a_json_file(tmp_path: Path) -> None:
    """rewrites.load reads a next.config-shaped JSON file."""
    file = tmp_path / "next.config.json"
    file.write_text(json.dumps(SEED_C))
    table = rewrites.load(file, ROUTES)
    assert table.resolve("/api/auth/x").route == "/api/auth/[...nextauth]"


def test_load_reports_bad_json_with_its_position(tmp_path: Path) -> None:
    """Invalid JSON is a ConfigError naming the file, line and column."""
    file = tmp_path / "bad.json"
    file.write_text('{"rewrites": [}')
    with pytest.raises(rewrites.ConfigError, match=r"line 1, column 15"):
        rewrites.load(file)


# --- explain ----------------------------------------------------------------------------------


def test_explain_answers_why_auth_went_to_the_backend() -> None:
    """The trace of table A names the phase order and the rule that stole the request."""
    text = str(router(SEED_A).explain("/api/auth/session"))
    assert text.splitlines() == [
        "/api/auth/session",
        "  [headers] no rules",
        "  [redirects] 1 other rule(s) skipped: the literal text they need is not in this path, "
        "or they only apply on another host",
        "  [beforeFiles] no rules",
        "  [check_fs] no page or file is exactly '/api/auth/session'",
        "  [afterFiles] rewrites[0] '/api/:path*': matched {path: ['auth', 'session']}: "
        "proxied to http://localhost:3001/api/auth/session",
        "  [why] rewrites[0] '/api/:path*': page /api/auth/[...nextauth] would have served "
        "'/api/auth/session', but dynamic routes are only tried after the afterFiles rewrites, "
        "and rewrites[0] '/api/:path*' took it first; a `fallback` rewrite runs after the pages",
        "  => proxied http://localhost:3001/api/auth/session",
    ]


def test_explain_is_data_too() -> None:
    """Each step has its phase, outcome and rule."""
    steps = router(SEED_B).explain("/api/auth/session").steps
    outcomes = [(s.phase, s.outcome) for s in steps]
    assert ("afterFiles", "no-match") in outcomes
    assert outcomes[-1] == ("dynamic routes", "found")


def test_explain_says_which_condition_failed() -> None:
    """A rule stopped by `has` says which condition did not hold."""
    config = {
        "rewrites": [{"source": "/x", "has": [{"type": "cookie", "key": "s"}], "destination": "/y"}]
    }
    steps = rewrites.Router.from_next_config(config, ["/y"]).explain("/x").steps
    assert any("has cookie 's' does not hold" in s.detail for s in steps)


def test_explain_counts_the_other_hosts_rules_as_skipped() -> None:
    """In a multi-tenant table, the other tenants' rules are not tried, and the trace says so."""
    config = {
        "rewrites": [
            {
                "source": "/:path+",
                "has": [{"type": "host", "value": f"t{n}\\.example\\.com"}],
                "destination": f"https://t{n}.up/:path+",
            }
            for n in range(50)
        ]
    }
    tenants = rewrites.Router.from_next_config(config)
    assert tenants.resolve("/a", {"host": "t7.example.com"}).url == "https://t7.up/a"
    explained = tenants.explain("/", {"host": "t7.example.com"})  # '/:path+' needs a segment
    tried = [s for s in explained.steps if s.phase == "afterFiles" and s.rule is not None]
    assert [s.rule.place for s in tried if s.rule] == ["rewrites[7]"]
    skipped = [s.detail for s in explained.steps if s.outcome == "skipped"]
    assert skipped == [
        "49 other rule(s) skipped: the literal text they need is not in this path, "
        "or they only apply on another host"
    ]


# --- the router as a value --------------------------------------------------------------------


def test_router_pickles() -> None:
    """A router ships to worker processes and answers the same there."""
    table = router(SEED_B)
    table.resolve("/api/users")
    clone = pickle.loads(pickle.dumps(table))
    for url in ("/api/users", "/api/auth/session", "/dashboard"):
        assert clone.resolve(url) == table.resolve(url)


def test_router_is_shared_by_threads() -> None:
    """Threads resolving through one router all get the right answers."""
    table = router(SEED_B)
    errors: list[str] = []

    def work(n: int) -> None:
        for i in range(200):
            got = table.resolve(f"/api/item{n}/{i}")
            if got.url != f"http://localhost:3001/api/item{n}/{i}":
                errors.append(got.url)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --- robustness -------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [*"/abcAPI-._~%?#&=\\:;@é😀\n\t +", "%E0%A4%A", "%2F", "%20", "//", "..", "api", "auth"]
)
HEADERS = st.dictionaries(
    st.sampled_from(["cookie", "host", "x-a", "x-token"]), st.text(max_size=10), max_size=3
)
TABLES = [
    router(SEED_A),
    router(SEED_B),
    router(SEED_C),
    rewrites.Router.from_next_config(
        {
            "basePath": "/docs",
            "trailingSlash": True,
            "headers": [{"source": "/:p*", "headers": [{"key": "x-p", "value": ":p*"}]}],
            "redirects": [{"source": "/r/:x", "destination": "/t/:x?q=:x", "permanent": False}],
            "rewrites": [{"source": "/w/:x", "destination": "https://:x.example.com/"}],
        },
        ["/", "/[slug]", "/a/[[...rest]]"],
    ),
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TABLES), st.lists(PIECES, max_size=12).map(lambda p: "/" + "".join(p)), HEADERS
)
def test_no_request_makes_resolve_raise_anything_but_request_error(
    table: rewrites.Router, url: str, headers: dict[str, str]
) -> None:
    """Any path and headers either resolve or raise RequestError (Next.js's 400/500)."""
    with contextlib.suppress(rewrites.RequestError):
        table.resolve(url, headers)
        table.explain(url, headers)
