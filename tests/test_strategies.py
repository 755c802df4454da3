"""Tests for rewrites.strategies: generated paths, near misses, requests, sources and tables."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from rewrites import Router, compile, strategies
from rewrites.strategies import Request

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UP = "https://up.example.com"

TABLES: list[tuple[dict[str, Any], list[str] | None]] = [
    (
        {
            "rewrites": [
                {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
            ]
        },
        ["/", "/api/auth/[...nextauth]"],
    ),
    (
        {
            "basePath": "/base",
            "rewrites": {
                "beforeFiles": [{"source": "/old/:slug", "destination": "/blog/:slug"}],
                "afterFiles": [
                    {
                        "source": "/api/:path((?!auth(?:/|$)).*)",
                        "destination": f"{UP}/api/:path",
                    },
                ],
                "fallback": [{"source": "/:locale(en|fr)/:rest*", "destination": f"{UP}/:rest*"}],
            },
            "redirects": [
                {"source": "/legacy/:id(\\d+)", "destination": "/items/:id", "statusCode": 301},
            ],
            "headers": [{"source": "/blog/:slug", "headers": [{"key": "x-blog", "value": "1"}]}],
        },
        ["/", "/blog/[slug]", "/items/[id]"],
    ),
    (
        {
            "rewrites": [
                {
                    "source": "/beta/:path*",
                    "destination": f"{UP}/beta/:path*",
                    "has": [
                        {"type": "header", "key": "x-beta", "value": "(?:yes|true)"},
                        {"type": "cookie", "key": "session"},
                    ],
                    "missing": [{"type": "query", "key": "stable"}],
                },
                {
                    "source": "/preview",
                    "destination": "/draft",
                    "has": [{"type": "query", "key": "token", "value": "[a-f0-9]{4}"}],
                },
                {
                    "source": "/:path*",
                    "destination": f"{UP}/:path*",
                    "has": [{"type": "host", "value": "old\\.example\\.com"}],
                },
            ]
        },
        None,
    ),
]


@FAST
@given(st.data())
def test_paths_match_their_source(data: st.DataObject) -> None:
    """Every path from paths(p) matches p, for random sources."""
    source = data.draw(strategies.sources(), label="source")
    pattern = compile(source).as_route()
    path = data.draw(strategies.paths(source), label="path")
    assert pattern.match(path) is not None


@FAST
@given(st.data())
def test_near_misses_do_not_match(data: st.DataObject) -> None:
    """No path from near_misses(p) matches p."""
    source = data.draw(strategies.sources(), label="source")
    path = data.draw(strategies.near_misses(source), label="near miss")
    assert compile(source).as_route().match(path) is None


@pytest.mark.parametrize(
    "source", ["/api/((?!auth).*)/:path*", "/api/:path((?!auth(?:/|$)).*)", "/old-blog/:post(\\d+)"]
)
def test_paths_respect_custom_groups(source: str) -> None:
    """Custom groups and their lookaheads shape the paths; the shrunk example is simple."""
    pattern = compile(source).as_route()
    shrunk = find(strategies.paths(source), lambda p: True, settings=settings(database=None))
    assert pattern.match(shrunk) is not None
    assert len(shrunk) <= len(source)


def test_near_misses_include_lookahead_words() -> None:
    """A lookahead's excluded word shows up among the near misses."""
    found = find(
        strategies.near_misses("/api/:path((?!auth(?:/|$)).*)"),
        lambda p: p.lower().startswith("/api/auth"),
        settings=settings(database=None, max_examples=500),
    )
    assert found.lower() in ("/api/auth", "/api/auth/x")


@pytest.mark.parametrize(("config", "routes"), TABLES)
def test_requests_exercise_every_rule(config: dict[str, Any], routes: list[str] | None) -> None:
    """For every rule, requests(router) generates a request that the rule applies to."""
    router = Router.from_next_config(config, routes=routes)
    covered: set[Any] = set()

    @settings(max_examples=80, database=None, deadline=None)
    @given(strategies.requests(router))
    def collect(request: Request) -> None:
        covered.update(router.explain(request.url, headers=request.headers).applied())

    collect()
    assert [r.place for r in router.rules if not r.built_in and r not in covered] == []


@FAST
@given(strategies.next_configs())
def test_next_configs_build_a_router(config: dict[str, Any]) -> None:
    """next_configs() always gives a table the router accepts."""
    Router.from_next_config(config)


@FAST
@given(st.data())
def test_requests_on_generated_tables_resolve(data: st.DataObject) -> None:
    """Requests generated for a generated table resolve without error."""
    router = Router.from_next_config(data.draw(strategies.next_configs(), label="config"))
    request = data.draw(strategies.requests(router), label="request")
    router.resolve(request.url, headers=request.headers)


def test_bad_argument_is_echoed() -> None:
    """A bad max_rules is echoed back."""
    with pytest.raises(ValueError, match=r"got max_rules=-1 \(int\); expected >= 0"):
        strategies.next_configs(max_rules=-1)


def test_import_without_hypothesis_says_how_to_install() -> None:
    """Without Hypothesis the import fails with the pip command to run."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import rewrites.strategies\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'rewrites[testing]'" in out.stdout
