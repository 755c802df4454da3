"""The benchmark tables keep their promises: shares, shapes, loadable tables, real hits."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

import rewrites

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.tables import (
    MIXES,
    literal_free,
    make_config,
    make_locale_config,
    make_table,
    make_tenants,
    parameter_led,
)


def _router(config: dict[str, object]) -> rewrites.Router:
    """The router for a generated config."""
    return rewrites.Router.from_next_config(config)


def _led(router: rewrites.Router) -> int:
    """How many of a table's own rules (not Next.js's built-in ones) are parameter-led."""
    return sum(parameter_led(rule.pattern) for rule in router.rules if not rule.built_in)


def _pathname(path: str) -> str:
    """A request path as the router matches it (non-ASCII percent-encoded)."""
    return quote(path, safe="/:@!$&'()*+,;=-._~%")


@pytest.mark.parametrize("share", [0.02, 0.10, 0.30])
def test_parameter_led_share_matches_and_grows(share: float) -> None:
    """The parameter-led rules are the requested share of a table, and grow with it."""
    small = _router(make_config(1_000, param_share=share)[0])
    large = _router(make_config(4_000, param_share=share)[0])
    small_led, large_led = _led(small), _led(large)
    assert abs(large_led / len(large.rules) - share) <= 0.005
    # Four root-level sources per phase count towards the share: at 2% of a 1,000-rule table's
    # small phases they are more than it asks, so four times the rules are at least 2.5 times the
    # parameter-led ones.
    assert abs(small_led / len(small.rules) - share) <= 0.015
    assert large_led >= 2.5 * small_led


def test_literal_free_rules_stay_few() -> None:
    """Rules with no literal at all do not grow with the table."""
    counts = [
        sum(
            literal_free(rule.pattern) for rule in _router(make_config(n, param_share=0.3)[0]).rules
        )
        for n in (1_000, 4_000)
    ]
    assert counts[0] == counts[1] > 0


def test_locale_table_is_all_parameter_led() -> None:
    """Every rule of the worst-case table starts with `/:locale/`."""
    config, _ = make_locale_config(2_000)
    router = _router(config)
    own = [rule for rule in router.rules if not rule.built_in]
    assert len(own) >= 1_900
    assert all(rule.source.startswith("/:locale/") for rule in own)
    assert all(parameter_led(rule.pattern) for rule in own)


@pytest.mark.parametrize("mix", list(MIXES))
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_every_mix_loads(mix: str, case_sensitive: bool) -> None:
    """Every mix's config loads (case-sensitive or not), and its requests resolve."""
    config, urls = MIXES[mix](600, 100, case_sensitive=case_sensitive)  # type: ignore[call-arg]
    router = _router(config)
    assert router.table.case_sensitive is case_sensitive
    for url in urls:
        router.resolve(url)


def test_tenants_load() -> None:
    """The multi-tenant table loads."""
    config, requests = make_tenants(50, 20)
    router = _router(config)
    for url, headers in requests:
        router.resolve(url, headers)


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_config(1_000, param_share=0.3),
        lambda: make_config(1_000, param_share=0.3, case_sensitive=True),
        lambda: make_locale_config(1_000),
    ],
)
def test_hits_hit_their_rule(make: object) -> None:
    """A sample of generated hits matches the source it was generated for."""
    config, maker = make()  # type: ignore[operator]
    by_source = {rule.source: rule for rule in reversed(_router(config).rules)}
    rng = random.Random(1)
    sample = rng.sample(maker.hits, 400)
    assert any(parameter_led(by_source[source].pattern) for source, _ in sample)
    for source, build in sample:
        path = build()
        assert by_source[source].pattern.match(_pathname(path)) is not None, (source, path)


def test_requests_are_reproducible() -> None:
    """The same size and seed give the same table and requests."""
    assert make_table(500, 50, param_share=0.1) == make_table(500, 50, param_share=0.1)


@pytest.mark.parametrize(
    ("source", "led", "free"),
    [
        ("/:path*", True, True),
        ("/((?!api/|_next/).*)", True, True),
        ("/:locale(en|fr|de)/old-page-1", True, False),
        ("/:lang?/pricing-7", True, False),
        ("/(.*)/amp-42", True, False),
        ("/:name*.json", True, False),
        ("/:a/:b?", True, True),
        ("/docs/:slug", False, False),
        ("/old-:id", False, True),
    ],
)
def test_source_classes(source: str, led: bool, free: bool) -> None:
    """Sources are told parameter-led and literal-free as the report counts them."""
    pattern = rewrites.compile(source)
    assert (parameter_led(pattern), literal_free(pattern)) == (led, free)


def test_werkzeug_conversion() -> None:
    """Sources become werkzeug rules where werkzeug can express them, and are left out where not."""
    pytest.importorskip("werkzeug")
    from benchmarks.werkzeug_peer import werkzeug_map, werkzeug_paths

    def paths(source: str) -> list[str] | None:
        return werkzeug_paths(rewrites.compile(source).tokens)

    assert paths("/:locale(en|fr)/old-1") == ["/<any(en,fr):locale>/old-1"]
    assert paths("/docs/:id(\\d+)") == ["/docs/<int:id>"]
    assert paths("/(.*)/amp-4") == ["/<path:group0>/amp-4"]
    assert paths("/:path*") == ["/", "/<path:path>"]
    assert paths("/:locale/caf%C3%A9-1") == ["/<locale>/café-1"]
    assert paths("/((?!api).*)") is None
    assert paths("/:id([a-z]+)") is None
    router = rewrites.Router.from_next_config(
        {
            "rewrites": [
                {"source": "/a/:b", "destination": "/x"},
                {"source": "/c", "has": [{"type": "header", "key": "h"}], "destination": "/y"},
            ]
        }
    )
    peer = werkzeug_map(router.rules)
    assert (peer.converted, peer.left_out) == (1, 1)
    assert peer.match("/a/q") == ("rewrites[0]", {"b": "q"})
