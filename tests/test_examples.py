"""Tests for rewrites._examples: example paths, condition values, and requests that hold or fail."""

from __future__ import annotations

import doctest
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from rewrites import Router, _examples, compile, strategies
from rewrites._conditions import Condition
from rewrites._examples import (
    Example,
    condition_values,
    conditions_hold,
    example_requests,
    failing,
    holds,
    key_values,
    lookahead_words,
    matches,
    prefix_lookahead,
    request_parts,
    samples,
    satisfying,
)

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rule_of(item: dict[str, Any]) -> Any:
    """The one rule of a table with one afterFiles rewrite."""
    (rule,) = [r for r in Router.from_next_config({"rewrites": [item]}).rules if not r.built_in]
    return rule


@FAST
@given(strategies.sources())
def test_every_sample_is_matched_by_its_source(source: str) -> None:
    """Law: every example path generated for a source is matched by that source's pattern."""
    pattern = compile(source).as_route()
    found = samples(pattern)
    assert all(pattern.match(path) is not None for path in found)


@FAST
@given(strategies.sources())
def test_simple_sources_always_get_a_sample(source: str) -> None:
    """A source of literals and default-pattern parameters always gets at least one example."""
    pattern = compile(source).as_route()
    if not any(key.custom for key in pattern.keys):
        assert samples(pattern)


@FAST
@given(strategies.next_configs())
def test_satisfying_holds_and_failing_fails(config: dict[str, Any]) -> None:
    """Law: the satisfying headers and query make a rule's conditions hold, every failing set
    makes them fail, and every example request matches the rule's source."""
    router = Router.from_next_config(config)
    for rule in router.rules:
        sent = satisfying(rule)
        if sent is not None:
            assert conditions_hold(rule, *sent)
        for bad in failing(rule):
            assert not conditions_hold(rule, *bad)
        for request in example_requests(rule, 3):
            assert matches(rule.pattern, request.url.split("?", 1)[0])


HAS = [
    {"type": "header", "key": "x-flag"},
    {"type": "header", "key": "X-Mode", "value": "(?:yes|true)"},
    {"type": "cookie", "key": "session"},
    {"type": "query", "key": "preview", "value": "1"},
    {"type": "query", "key": "token", "value": "[a-f0-9]{4}"},
    {"type": "host", "value": "example\\.com"},
]


@pytest.mark.parametrize("condition", HAS)
def test_each_condition_can_hold_and_fail(condition: dict[str, Any]) -> None:
    """A single `has` or `missing` condition gets a request that satisfies it and one that
    does not."""
    for kind in ("has", "missing"):
        rule = rule_of({"source": "/a", "destination": "/b", kind: [condition]})
        sent = satisfying(rule)
        assert sent is not None and conditions_hold(rule, *sent)
        (bad,) = failing(rule)
        assert not conditions_hold(rule, *bad)


def test_contradictory_conditions_are_unsatisfiable() -> None:
    """A header that must be both present and missing gives no satisfying request."""
    flag = {"type": "header", "key": "x-flag"}
    rule = rule_of({"source": "/a", "destination": "/b", "has": [flag], "missing": [flag]})
    assert satisfying(rule) is None
    assert example_requests(rule) == []


def test_request_parts_put_each_condition_where_it_reads() -> None:
    """Headers are lowercased, cookies share one URL-encoded header, host is a header."""
    sent = request_parts(
        [
            (Condition("header", "X-Mode", None), "yes"),
            (Condition("cookie", "a", None), "1 2"),
            (Condition("cookie", "b", None), "x;y"),
            (Condition("query", "q", None), "v"),
            (Condition("host", "", None), "example.com"),
        ]
    )
    assert sent == (
        {"x-mode": "yes", "host": "example.com", "cookie": "a=1%202; b=x%3By"},
        {"q": "v"},
    )


def test_example_requests_carry_headers_and_query() -> None:
    """A rule's example requests have its paths, sorted headers and the query its `has` needs."""
    rule = rule_of(
        {
            "source": "/beta/:path*",
            "destination": "/b",
            "has": [
                {"type": "header", "key": "x-beta", "value": "(?:yes|true)"},
                {"type": "query", "key": "token", "value": "[a-f0-9]{4}"},
            ],
        }
    )
    assert example_requests(rule, 2) == [
        Example("/beta?token=aaaa", (("x-beta", "yes"),)),
        Example("/beta/x?token=aaaa", (("x-beta", "yes"),)),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ["1"]),
        ("(?:yes|true)", ["yes", "true"]),
        ("[a-f0-9]{4}", ["aaaa", "bbbb"]),
        ("example\\.com", ["example.com"]),
        ("v\\d+", ["v1", "v11"]),
    ],
)
def test_condition_values(value: str | None, expected: list[str]) -> None:
    """Values for a condition are read off its regex, readable ones first."""
    condition = Condition("header", "x", value)
    assert condition_values(condition) == expected
    assert all(holds(condition, v) for v in expected)


def test_key_values_start_with_a_readable_word() -> None:
    """A default parameter takes a word; a custom group takes values read off its regex."""
    pattern = compile("/:a/:b(\\d+)/:c(en|fr)").as_route()
    a, b, c = pattern.keys
    assert key_values(pattern, a, 0) == ["x", "y", "xx", "yy"]
    assert key_values(pattern, b, 1) == ["1", "11"]
    assert key_values(pattern, c, 2) == ["en", "fr"]


@pytest.mark.parametrize(
    ("source", "words", "prefix"),
    [
        ("/api/:p((?!auth).*)", ["auth"], (["auth"], "auth", "(?!auth(?:/|$)).*")),
        ("/api/:p((?!a|b).*)", ["a", "b"], (["a", "b"], "a|b", "(?!(?:a|b)(?:/|$)).*")),
        ("/api/:p((?!auth(?:/|$)).*)", ["auth"], None),
        ("/api/:p((?!(?:a|b)(?:/|$)).*)", ["a", "b"], None),
        ("/api/:p((?!\\(x\\)).*)", ["(x)"], (["(x)"], "\\(x\\)", "(?!\\(x\\)(?:/|$)).*")),
        ("/api/:p((?![\\)]).*)", [")"], ([")"], "[\\)]", "(?![\\)](?:/|$)).*")),
        ("/api/:p((?!a.).*)", [], None),
        ("/api/:p(\\d+)", [], None),
    ],
)
def test_lookahead_words(
    source: str, words: list[str], prefix: tuple[list[str], str, str] | None
) -> None:
    """A leading negative lookahead's literal words are read from the parsed regex (escaped
    parentheses and classes with ')' included); only an unanchored one is a prefix test."""
    (key,) = compile(source).keys
    assert lookahead_words(key) == words
    assert prefix_lookahead(key) == prefix


@pytest.mark.parametrize("source", ["/docs/:slug", "/:locale(en|fr)/:rest*", "/x{-:y}?/(\\d+)"])
def test_samples_are_deterministic(source: str) -> None:
    """The same source always gives the same examples (lint's answers do not vary by run)."""
    pattern = compile(source).as_route()
    assert samples(pattern) == samples(compile(source).as_route())


def test_module_docstring_example() -> None:
    """The module docstring's example runs as shown."""
    assert doctest.testmod(_examples).failed == 0
