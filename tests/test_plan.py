"""A rule's plan (`_plan`): its match and render in one object, for the usual request."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_index import requests, rules

import rewrites
from rewrites._plan import GENERAL, NO_PLAN, Plan, plan
from rewrites._rules import Rule


def _rule(kind: str, source: str, destination: str, **more: Any) -> Rule:
    """The first rule of a router built from one rule of `kind`."""
    item = {"source": source, "destination": destination, **more}
    if kind == "redirect":
        config: dict[str, Any] = {"redirects": [{**item, "permanent": True}]}
    else:
        config = {"rewrites": [item]}
    return next(rule for rule in rewrites.Router.from_next_config(config).rules if rule.index >= 0)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(("redirect", "rewrite")).flatmap(
        lambda kind: st.tuples(st.just(kind), rules(kind))
    ),
    st.lists(requests(), min_size=1, max_size=6),
)
def test_a_plan_writes_what_the_source_and_destination_write(
    drawn: tuple[str, dict[str, Any]], batch: list[tuple[str, dict[str, str]]]
) -> None:
    """Where a plan answers, the source's `route_params` and the destination's `plain_target`
    give the same: no match, or the same origin and path. A rewrite takes a plan only where it
    would not append params to the query."""
    kind, item = drawn
    item = {key: value for key, value in item.items() if key != "has"}
    rule = _rule(kind, item["source"], item["destination"])
    found = plan(rule)
    assert rule._plan is found
    if found is NO_PLAN:
        return
    assert isinstance(found, Plan)
    append = kind == "rewrite"
    for url, _ in batch:
        path = url.split("?", 1)[0]
        for timeout in (None, 1.0):
            target = found.target(path, timeout)
            if target is GENERAL:
                continue
            got = rule.pattern.route_params(path, timeout=timeout)
            if target is None:
                assert got is None, path
                continue
            assert got is not None, path
            assert rule.destination is not None
            expected = rule.destination.plain_target(got[0], append)
            if append and not found.rewrites:
                continue  # (the rewrite does not take it)
            assert expected == (found.origin, target), path


@pytest.mark.parametrize(
    ("kind", "source", "destination", "path", "target"),
    [
        ("redirect", "/:locale/page-12", "/:locale/new-12", "/fr/page-12", "/fr/new-12"),
        ("redirect", "/:locale/page-12", "/:locale/new-12", "/fr/page-12/", "/fr/new-12"),
        ("redirect", "/:locale/page-12", "/:locale/new-12", "/fr/page-13", None),
        ("redirect", "/:locale/page-12", "/:locale/new-12", "/FR/PAGE-12", "/FR/new-12"),
        ("redirect", "/old", "/new", "/OLD/", "/new"),
        ("rewrite", "/api/:path*", "https://up.example.com:8080/:path*", "/api/a/b", "/a/b"),
        ("rewrite", "/api/:path*", "https://up.example.com/v2/:path*", "/api", GENERAL),
        ("rewrite", "/d/:a/:b", "/e/:b-:a", "/d/x/y", "/e/y-x"),
        ("rewrite", "/d/:a+", "/e/:a*", "/d/x/y", "/e/x/y"),
        ("redirect", "/s/:slug", "/t/:slug", "/s/é", GENERAL),
    ],
)
def test_a_plan_writes_the_destination_path(
    kind: str, source: str, destination: str, path: str, target: object
) -> None:
    """The path a plan writes, with the origin apart; none where the source does not match,
    and `GENERAL` for an optional param the destination takes and the path lacks, or a
    non-ASCII path."""
    rule = _rule(kind, source, destination)
    found = plan(rule)
    assert isinstance(found, Plan)
    assert found.target(path, None) == target
    assert found.origin == (
        "https://up.example.com:8080"
        if ":8080" in destination
        else "https://up.example.com"
        if destination.startswith("http")
        else ""
    )


@pytest.mark.parametrize(
    ("kind", "source", "destination", "more"),
    [
        # Conditions, a destination with a query or a hash, `$1`, an unusual host.
        ("redirect", "/a/:x", "/b/:x", {"has": [{"type": "header", "key": "x-a"}]}),
        ("redirect", "/a/:x", "/b?x=:x", {}),
        ("redirect", "/a/:x", "/b#:x", {}),
        ("redirect", "/a/(.*)", "/b/$1", {}),
        ("rewrite", "/a/:x", "http://UP.example.com/:x", {}),
        # A repeated value written with another separator, a name the source repeats.
        ("rewrite", "/a/:x*", "/b-:x*", {}),
        ("rewrite", "/a/:x/:x", "/b/:x", {}),
    ],
)
def test_a_rule_the_template_cannot_write_has_no_plan(
    kind: str, source: str, destination: str, more: dict[str, Any]
) -> None:
    """Such rules take the general way on every request."""
    try:
        rule = _rule(kind, source, destination, **more)
    except rewrites.ConfigError:
        pytest.skip("Next.js refuses it")
    assert plan(rule) is NO_PLAN


def test_a_rewrite_that_appends_params_to_the_query_does_not_take_its_plan() -> None:
    """A rewrite whose destination uses none of the params the source may give appends them to
    the query (`/a/x` → `/b?x=x`): its plan serves redirects only."""
    rule = _rule("rewrite", "/a/:x", "/b")
    found = plan(rule)
    assert isinstance(found, Plan) and not found.rewrites
    router = rewrites.Router.from_next_config(
        {"rewrites": [{"source": "/a/:x", "destination": "/b"}]}
    )
    assert router.resolve("/a/x").url == "/b?x=x"
    # One it always uses, or all it may give: it never appends.
    assert _plan_of("/a/:x/:y?", "/b/:x").rewrites
    assert _plan_of("/a/:y?", "/b/:y").rewrites
    assert not _plan_of("/a/:x?/:y?", "/b/:x").rewrites


def _plan_of(source: str, destination: str) -> Plan:
    found = plan(_rule("rewrite", source, destination))
    assert isinstance(found, Plan)
    return found
