"""Tests for rewrites.lint: lint on the seed tables and on tables built to show each code."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from rewrites import Kind, Router, strategies
from rewrites._rules import Phase
from rewrites.lint import CODES, Diagnostic, Severity, _conditions_implied, _covers, _Linter, lint

ROUTES = ["/", "/dashboard", "/api/auth/[...nextauth]"]
UP = "https://up.example.com"
SEED_A = {
    "rewrites": [{"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}]
}
SEED_B = {
    "rewrites": [
        {
            "source": "/api/((?!auth).*)/:path*",
            "destination": "http://localhost:3001/api/$1/:path*",
        }
    ]
}
SEED_C = {"rewrites": {"fallback": SEED_A["rewrites"]}}
FIXED = {
    "rewrites": [
        {
            "source": "/api/:path((?!auth(?:/|$)).*)",
            "destination": "http://localhost:3001/api/:path",
        }
    ]
}


def run(config: dict[str, Any], routes: list[str] | None = ROUTES) -> list[Diagnostic]:
    """Lint a table."""
    return lint(Router.from_next_config(config, routes=routes))


def codes(config: dict[str, Any], routes: list[str] | None = ROUTES) -> list[tuple[str, str]]:
    """The (code, place) pairs lint reports for a table."""
    return [(d.code, d.place) for d in run(config, routes)]


def rewrites(*pairs: tuple[str, str]) -> dict[str, Any]:
    """An afterFiles table of (source, destination) pairs."""
    return {"rewrites": [{"source": s, "destination": d} for s, d in pairs]}


def test_seed_a_reports_the_stealing_rule() -> None:
    """Table A: the afterFiles proxy takes /api/auth/x from the NextAuth catch-all."""
    (found,) = run(SEED_A)
    assert (found.code, found.severity, found.place) == ("RW101", Severity.ERROR, "rewrites[0]")
    assert found.example == "/api/auth/x"
    assert "/api/auth/[...nextauth]" in found.message
    result = Router.from_next_config(SEED_A, routes=ROUTES).resolve(found.example)
    assert result.kind is Kind.PROXIED
    assert found.fix is not None and "'/api/:path((?!auth(?:/|$)).*)'" in found.fix
    assert str(found) == (
        "error RW101 rewrites[0] '/api/:path*': rule rewrites[0] '/api/:path*' proxies "
        "requests that page /api/auth/[...nextauth] was meant to serve: afterFiles rewrites run "
        "before dynamic routes\n"
        "  example: /api/auth/x → proxied http://localhost:3001/api/auth/x (page "
        "/api/auth/[...nextauth] would have served it)\n"
        "  fix: move rewrites[0] to `rewrites.fallback` (runs after the pages), or exclude the "
        "page's prefix: source '/api/:path((?!auth(?:/|$)).*)', destination "
        "'http://localhost:3001/api/:path'"
    )


def test_seed_b_reports_its_three_problems() -> None:
    """Table B: the prefix lookahead, the never-capturing :path*, and the unportable $1."""
    found = run(SEED_B)
    assert [d.code for d in found] == ["RW201", "RW202", "RW301"]
    lookahead, capture, positional = found
    router = Router.from_next_config(SEED_B, routes=ROUTES)
    assert lookahead.example == "/api/authx"
    assert router.resolve(lookahead.example).kind is Kind.NOT_FOUND
    assert lookahead.fix is not None and "(?!auth(?:/|$))" in lookahead.fix
    assert capture.example == "/api/x/y"
    assert capture.outcome == "group 0 = 'x/y', 'path' empty"
    match = router.table.after_files[0].pattern.match("/api/x/y")
    assert match is not None and match.groups == ("x/y", None)
    assert positional.example == "/api/x"
    assert positional.outcome == (
        "here proxied http://localhost:3001/api/x; Next.js: proxied http://localhost:3001/api/$1"
    )


def test_seed_c_reports_nothing() -> None:
    """Table C: the same proxy under fallback leaves the NextAuth route alone."""
    assert run(SEED_C) == []


def test_fixed_table_reports_nothing() -> None:
    """The corrected table (segment-anchored lookahead, named group) is clean."""
    assert run(FIXED) == []


def test_stealing_needs_known_routes() -> None:
    """Without the app's routes there is nothing to steal from."""
    assert run(SEED_A, routes=None) == []


def test_internal_rewrite_that_takes_a_dynamic_page_is_a_warning() -> None:
    """An afterFiles internal rewrite that sends a dynamic page's paths elsewhere is reported."""
    table = rewrites(("/blog/:slug", "/posts/:slug"))
    (found,) = run(table, routes=["/blog/[slug]", "/posts/[id]"])
    assert (found.code, found.severity, found.example) == ("RW101", Severity.WARNING, "/blog/x")


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param(
            rewrites(("/docs/:path*", f"{UP}/:path*"), ("/docs/:slug", f"{UP}/s/:slug")),
            [("RW102", "rewrites[1]")],
            id="catch-all before one segment",
        ),
        pytest.param(
            rewrites(("/docs/:slug", f"{UP}/:slug"), ("/docs/intro", f"{UP}/intro")),
            [("RW102", "rewrites[1]")],
            id="literal after the param covering it",
        ),
        pytest.param(
            rewrites(("/p/:a/:b+", f"{UP}/"), ("/p/x/:d*", f"{UP}/")),
            [],
            id="later rule also matches /p/x",
        ),
        pytest.param(
            rewrites(("/p/:a/:b+", f"{UP}/"), ("/p/x/y/:d*", f"{UP}/")),
            [("RW102", "rewrites[1]")],
            id="two or more segments cover a literal pair and a star",
        ),
        pytest.param(
            rewrites(("/docs/:slug", f"{UP}/:slug"), ("/docs/:path*", f"{UP}/:path*")),
            [],
            id="narrow before wide",
        ),
        pytest.param(
            rewrites(("/docs/:path+", f"{UP}/:path*"), ("/docs/:path*", f"{UP}/:path*")),
            [],
            id="plus does not cover /docs",
        ),
        pytest.param(
            rewrites(("/docs/:path*", f"{UP}/a"), ("/docs/:path*", f"{UP}/b")),
            [("RW103", "rewrites[1]")],
            id="duplicate",
        ),
        pytest.param(
            {
                "rewrites": [
                    {
                        "source": "/docs/:path*",
                        "destination": f"{UP}/:path*",
                        "has": [{"type": "header", "key": "x-beta"}],
                    },
                    {"source": "/docs/:slug", "destination": f"{UP}/:slug"},
                ]
            },
            [],
            id="an earlier rule with conditions does not shadow",
        ),
        pytest.param(
            {
                "rewrites": [
                    {"source": "/docs/:path*", "destination": f"{UP}/:path*"},
                    {
                        "source": "/docs/:slug",
                        "destination": f"{UP}/:slug",
                        "has": [{"type": "header", "key": "x-beta"}],
                    },
                ]
            },
            [("RW102", "rewrites[1]")],
            id="conditions on the later rule do not save it",
        ),
        pytest.param(
            rewrites(("/:locale(en|fr)/:rest*", f"{UP}/:rest*"), ("/en/about", f"{UP}/about")),
            [("RW104", "rewrites[1]")],
            id="custom group: likely shadowed from examples",
        ),
        pytest.param(
            rewrites(("/:locale(en|fr)/:rest*", f"{UP}/:rest*"), ("/de/about", f"{UP}/about")),
            [],
            id="custom group that does not cover",
        ),
        pytest.param(
            {
                "redirects": [
                    {"source": "/old/:path*", "destination": "/new", "permanent": True},
                    {"source": "/old/page", "destination": "/other", "permanent": True},
                ]
            },
            [("RW102", "redirects[1]")],
            id="redirects",
        ),
    ],
)
def test_shadowing_known_by_construction(
    table: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    """Shadowed and duplicate rules are reported exactly when an earlier rule decides first."""
    assert codes(table, routes=None) == expected


def test_shadowed_example_is_decided_by_the_earlier_rule() -> None:
    """The example of a shadowed rule resolves through the rule that shadows it."""
    table = rewrites(("/docs/:path*", f"{UP}/:path*"), ("/docs/:slug", f"{UP}/s/:slug"))
    router = Router.from_next_config(table)
    (found,) = lint(router)
    assert found.message == (
        "rule rewrites[1] '/docs/:slug' can never match: rule rewrites[0] '/docs/:path*' "
        "already matches every path it accepts"
    )
    assert found.example is not None
    decided = router.resolve(found.example).rule
    assert decided is not None and decided.place == "rewrites[0]"


def test_has_value_alternation() -> None:
    """`yes|true` is reported with a value that only matches because it is not grouped."""
    table = {
        "rewrites": [
            {
                "source": "/flag",
                "destination": f"{UP}/flag",
                "has": [{"type": "header", "key": "x-flag", "value": "yes|true"}],
            }
        ]
    }
    (found,) = run(table, routes=None)
    assert (found.code, found.example, found.headers) == ("RW204", "/flag", (("x-flag", "yesXX"),))
    assert found.fix == "group it: \"value\": '(?:yes|true)'"
    result = Router.from_next_config(table).resolve("/flag", headers={"x-flag": "yesXX"})
    assert result.kind is Kind.PROXIED


def test_has_value_alternation_example_keeps_the_other_cookies() -> None:
    """The RW204 example sends every other `has` cookie too, so it shows the rule applying."""
    table = {
        "rewrites": [
            {
                "source": "/flag",
                "destination": "/b",
                "has": [
                    {"type": "cookie", "key": "a", "value": "yes|true"},
                    {"type": "cookie", "key": "b"},
                ],
            }
        ]
    }
    (found,) = run(table, routes=None)
    assert (found.code, found.headers) == ("RW204", (("cookie", "a=yesXX; b=1"),))
    assert found.outcome == "local /b?b=1 (rewrites[0] applies)"


def test_grouped_has_value_is_clean() -> None:
    """A grouped alternation is not reported."""
    table = {
        "rewrites": [
            {
                "source": "/flag",
                "destination": f"{UP}/flag",
                "has": [{"type": "header", "key": "x-flag", "value": "(?:yes|true)"}],
            }
        ]
    }
    assert run(table, routes=None) == []


def test_redirect_chain_and_loop() -> None:
    """A redirect to a redirected path is a chain; two redirects that point at each other loop."""
    table = {
        "redirects": [
            {"source": "/a", "destination": "/b", "permanent": True},
            {"source": "/b", "destination": "/c", "permanent": False},
            {"source": "/x/:id", "destination": "/y/:id", "permanent": True},
            {"source": "/y/:id", "destination": "/x/:id", "permanent": True},
        ]
    }
    found = run(table, routes=None)
    assert [(d.code, d.place) for d in found] == [
        ("RW401", "redirects[0]"),
        ("RW402", "redirects[2]"),
        ("RW402", "redirects[3]"),
    ]
    assert found[0].outcome == "308 /b → 307 /c"
    assert found[1].outcome == "308 /y/x → 308 /x/x"


def test_catch_all_swallows_next_assets() -> None:
    """A beforeFiles catch-all takes /_next assets; a redirect catch-all is guarded."""
    table = {
        "rewrites": {"beforeFiles": [{"source": "/:path*", "destination": f"{UP}/:path*"}]},
        "redirects": [
            {
                "source": "/:path*",
                "destination": f"{UP}/",
                "permanent": False,
                "has": [{"type": "query", "key": "go"}],
            },
        ],
    }
    found = run(table, routes=None)
    assert [(d.code, d.severity, d.place) for d in found] == [
        ("RW403", Severity.ERROR, "rewrites.beforeFiles[0]")
    ]
    assert found[0].example == "/_next/static/chunks/main.js"


def test_header_catch_all_is_info() -> None:
    """A header rule for every path also decorates /_next assets (info)."""
    table = {"headers": [{"source": "/:path*", "headers": [{"key": "x-a", "value": "1"}]}]}
    assert [(d.code, d.severity) for d in run(table, routes=None)] == [("RW403", Severity.INFO)]


@pytest.mark.parametrize("source", ["/x/(.*)-(.*)-(.*)-(.*)", "/y/((?:a+)+)", "/z/((?:.*)*)/end"])
def test_catastrophic_backtracking(source: str) -> None:
    """Nested and adjacent quantifiers are measured slow on a hostile path."""
    found = [d for d in run(rewrites((source, UP)), routes=None) if d.code == "RW203"]
    assert len(found) == 1
    assert found[0].example is not None and len(found[0].example) > 4000


@pytest.mark.parametrize(
    "source", ["/w{-:a}*{-:b}*{-:c}*/end", "/v/:a*/:b*/end", "/u/:a{.:b}*{.:c}*"]
)
def test_catastrophic_backtracking_without_custom_groups(source: str) -> None:
    """Parameters alone can backtrack catastrophically: the real matcher is timed, on a hostile
    path that keeps the source's literal end."""
    found = [d for d in run(rewrites((source, UP)), routes=None) if d.code == "RW203"]
    assert len(found) == 1
    assert found[0].example is not None and len(found[0].example) > 4000
    if source.endswith("/end"):
        assert found[0].example.endswith("/end")


def test_a_matcher_that_cannot_backtrack_is_not_timed() -> None:
    """Whole-segment parameters and one catch-all are linear: no RW203, and no time spent."""
    table = rewrites(("/api/:path*", UP), ("/blog/:slug/:page(\\d+)", UP), ("/((?!api).*)", UP))
    assert [d for d in run(table, routes=None) if d.code == "RW203"] == []


def test_positional_refs_off_is_still_reported() -> None:
    """With Next.js's reading ($1 literal) the table still carries an unportable $1."""
    router = Router.from_next_config(SEED_B, routes=ROUTES, positional_refs=False)
    assert "RW301" in [d.code for d in lint(router)]


def test_severity_is_an_enum_that_reads_as_its_value() -> None:
    """Severities are `Severity` members that print, compare and serialise as their text."""
    assert [s.value for s in Severity] == ["error", "warning", "info"]
    assert all(isinstance(severity, Severity) for severity, _ in CODES.values())
    made = Diagnostic("RW104", "info", "rewrites[0]", "shadowed", None, None)  # a str is converted
    assert made.severity is Severity.INFO
    assert str(made) == "info RW104 rewrites[0]: shadowed"
    assert json.dumps({"severity": made.severity}) == '{"severity": "info"}'


def test_every_code_is_documented() -> None:
    """docs/lint.md shows every code."""
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "lint.md").read_text("utf-8")
    assert [code for code in CODES if code not in text] == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.next_configs())
def test_lint_never_raises(config: dict[str, Any]) -> None:
    """Lint returns diagnostics (never raises) for any table a Router accepts."""
    found = lint(Router.from_next_config(config, routes=["/", "/blog/[slug]"]))
    assert all(d.code in CODES and isinstance(d.severity, Severity) for d in found)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.next_configs())
def test_the_index_prefilter_keeps_every_rule_that_may_shadow(config: dict[str, Any]) -> None:
    """Shadowing is only checked against the index's candidates for one path (and host) of the
    later rule: every earlier rule whose conditions it has and that covers or duplicates it is
    among them."""
    router = Router.from_next_config(config)
    linter = _Linter(router)
    for phase in (Phase.REDIRECTS, Phase.BEFORE_FILES, Phase.AFTER_FILES, Phase.FALLBACK):
        rules = router.phase(phase)
        for position, later in enumerate(rules):
            candidates = set(linter.may_cover(phase, position))
            for rule in rules[:position]:
                if rule.built_in:
                    continue
                if not _conditions_implied(rule, later):
                    continue  # it cannot shadow the later rule, whatever it matches
                if rule.source == later.source or _covers(rule.pattern, later.pattern):
                    assert rule in candidates, (rule, later)


def test_shadowing_among_host_only_rules_stays_within_a_host() -> None:
    """A tenant's catch-all shadows that tenant's later rules, not another tenant's."""

    def tenant(source: str, host: str, upstream: str) -> dict[str, Any]:
        has = [{"type": "host", "value": host}]
        return {"source": source, "has": has, "destination": f"https://{upstream}/:path*"}

    table = {
        "rewrites": [
            tenant("/:path*", "a\\.example\\.com", "a.up"),
            tenant("/:path*", "b\\.example\\.com", "b.up"),
            tenant("/docs/:path*", "a\\.example\\.com", "a.up/docs"),
            tenant("/docs/:path*", "c.example.com", "c.up/docs"),
        ]
    }
    shadowing = [(d.code, d.place) for d in lint(Router.from_next_config(table))]
    assert [s for s in shadowing if s[0] in ("RW102", "RW103", "RW104")] == [
        ("RW102", "rewrites[2]")
    ]


# --- RW601 to RW604: the middleware and i18n ------------------------------------------------------

CANONICAL = "/((?!api|_next/static|_next/image|favicon.ico).*)"
I18N = {"locales": ["en", "fr"], "defaultLocale": "en"}


def middleware_lint(matcher: Any, config: dict[str, Any] | None = None) -> list[Diagnostic]:
    """Lint a router with this middleware matcher."""
    router = Router.from_next_config(config or {}, ["/", "/about"], middleware=matcher)
    return lint(router)


def test_canonical_matcher_skips_apiary() -> None:
    """RW601: the canonical matcher's lookahead also skips `/apiary`, shown by that request and
    fixed by anchoring the lookahead at the segment's end."""
    [found] = [d for d in middleware_lint(CANONICAL) if d.code == "RW601"]
    assert found.place == "middleware" and found.example == "/apiary"
    assert found.outcome == "the middleware does not run"
    assert found.fix == (
        "anchor it at the segment's end: "
        "'/((?!(?:api|_next/static|_next/image|favicon.ico)(?:/|$)).*)'"
    )
    anchored = "/((?!(?:api|_next/static|_next/image|favicon.ico)(?:/|$)).*)"
    assert [d.code for d in middleware_lint(anchored)] == []


def test_middleware_on_next_assets() -> None:
    """RW602: a proxy without a matcher (or `/:path*`) runs on `/_next/static` requests."""
    found = [d for d in middleware_lint(True) if d.code == "RW602"]
    assert [d.example for d in found] == ["/_next/static/chunks/main.js"]
    assert "without `config.matcher` runs on every request" in found[0].message
    assert [d.place for d in middleware_lint(["/about", "/:path*"]) if d.code == "RW602"] == [
        "middleware[1]"
    ]


def test_middleware_never_on_the_home_page_with_i18n() -> None:
    """RW603: with i18n the canonical matcher needs a segment after the locale, so the home page
    (routed as `/en`) never runs the middleware; adding '/' fixes it."""
    [found] = [d for d in middleware_lint(CANONICAL, {"i18n": I18N}) if d.code == "RW603"]
    assert found.example == "/" and "routed as '/en'" in found.message
    assert found.fix == "add '/' to the matcher: matcher: ['/', ...]"
    assert not [d for d in middleware_lint(["/", CANONICAL], {"i18n": I18N}) if d.code == "RW603"]
    assert not [
        d for d in middleware_lint("/dashboard/:path*", {"i18n": I18N}) if d.code == "RW603"
    ]


def test_forgotten_locale_false() -> None:
    """RW604: a rule (or matcher) whose source starts with a locale gets the locale prefix again
    without `locale: false`, and never matches the path it names."""
    config = {
        "i18n": I18N,
        "rewrites": [
            {"source": "/fr/a-propos", "destination": "/about"},
            {"source": "/fr/ok", "destination": "/about", "locale": False},
            {"source": "/:lang(en|fr)/team", "destination": "/about"},
        ],
    }
    router = Router.from_next_config(config, ["/", "/about"], middleware=["/fr/shop/:p*"])
    found = [(d.place, d.example) for d in lint(router) if d.code == "RW604"]
    assert found == [
        ("rewrites[0]", "/fr/a-propos"),
        ("rewrites[2]", "/en/team"),
        ("middleware[0]", "/fr/shop"),
    ]
    first = next(d for d in lint(router) if d.code == "RW604")
    assert first.fix == "add `locale: false` to the rule (it then matches the path as written)"


def test_redirect_locale_copies_are_not_reported_as_shadowed() -> None:
    """The default-locale copies Next.js adds before a redirect are not the author's rules: no
    shadowing is reported about them."""
    config = {
        "i18n": {**I18N, "domains": [{"domain": "en.example.com", "defaultLocale": "en"}]},
        "redirects": [{"source": "/old", "destination": "/about", "permanent": True}],
    }
    assert codes(config) == []


def test_stealing_is_found_with_i18n() -> None:
    """RW101 with i18n: the proxy rule sees `/en/api/auth/x` (the default locale added) and still
    takes the NextAuth route's requests."""
    config = {"i18n": I18N, **rewrites(("/api/:path*", "http://localhost:3001/api/:path*"))}
    assert codes(config) == [("RW101", "rewrites[0]")]


# --- RW404 ------------------------------------------------------------------------------------


def _open_redirects(redirect: dict[str, object]) -> list[Diagnostic]:
    """The RW404 diagnostics of a table with this one redirect."""
    router = Router.from_next_config({"redirects": [{"permanent": False, **redirect}]})
    return [d for d in lint(router) if d.code == "RW404"]


def test_a_captured_query_value_starting_the_location_is_an_open_redirect() -> None:
    """`?next=%09/evil.example` gives `Location: /\\t/evil.example`, which browsers read as
    `//evil.example`: RW404 shows that request."""
    has = [{"type": "query", "key": "next", "value": "(?<next>.*)"}]
    (found,) = _open_redirects({"source": "/login", "has": has, "destination": "/:next"})
    assert str(found) == (
        "warning RW404 redirects[0] '/login': redirect redirects[0] '/login' takes the start "
        "of its Location ('/:next') from the request, so a link to this site can send visitors "
        "to any other (Next.js does the same)\n"
        "  example: /login?next=%09%2Fevil.example → "
        "307 '/\\t/evil.example?next=%09%2Fevil.example'\n"
        "  fix: put a literal path or host before the parameter, or constrain the parameter's "
        "pattern (for example ':next([a-z0-9-]+)')"
    )


def test_a_host_from_the_path_is_an_open_redirect() -> None:
    """`/out/:u(.*)` → `https://:u/` sends `/out/evil.example` to `https://evil.example/`."""
    (found,) = _open_redirects({"source": "/out/:u(.*)", "destination": "https://:u/"})
    assert (found.example, found.outcome) == ("/out/evil.example", "307 'https://evil.example/'")


def test_a_value_without_a_has_regex_is_captured_too() -> None:
    """A `has` query without `value` captures the whole value under its key's name."""
    has = [{"type": "query", "key": "to"}]
    (found,) = _open_redirects({"source": "/r", "has": has, "destination": "/:to"})
    assert found.example == "/r?to=%09%2Fevil.example"


@pytest.mark.parametrize(
    "redirect",
    [
        {"source": "/go/:path*", "destination": "/:path*"},  # '//' and '\\' get a 308 first
        {"source": "/docs/:slug", "destination": "/documentation/:slug"},
        {"source": "/out/:u", "destination": "https://example.com/:u"},
    ],
)
def test_a_location_whose_site_is_fixed_is_not_an_open_redirect(redirect: dict[str, str]) -> None:
    """Parameters after a literal start, or repeated-slash paths Next.js normalises first,
    cannot leave the site."""
    assert _open_redirects(redirect) == []
