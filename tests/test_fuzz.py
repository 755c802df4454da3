"""Fuzzing: sources, configs, requests and command lines from Hypothesis, as an attacker or a
careless caller writes them. The law of every test: the library answers within a bounded time,
and fails, if it fails, only with the errors it documents (docs/errors.md).

Example counts scale with the active Hypothesis profile (100 by default, a few seconds in all);
`python -m pytest tests/test_fuzz.py --hypothesis-profile=fuzz` runs 50 times as many.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rewrites
import rewrites.lint
from rewrites import ConfigError, PatternError, RequestError, Router, cli
from rewrites._regexp import (
    _DEFAULT_DELIMITER,
    _SHORT_FACTOR,
    _SHORT_SLACK,
    to_js_regex,
)
from rewrites._syntax import js_index
from rewrites._syntax import parse as parse_source

T = TypeVar("T")

#: The active profile's example count: each test takes a share of it.
BUDGET = settings().max_examples
#: CPU seconds one example may take (a regex match is bounded at 0.05 s; a config or a command
#: line does a few hundred of them at most).
EXAMPLE_BOUND = 5.0


def fuzz(share: float) -> settings:
    """The settings of one fuzz test: `share` of the profile's examples, no deadline (the bound
    is CPU time, checked in each example: a loaded machine is not a bug)."""
    return settings(
        max_examples=max(10, int(BUDGET * share)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def within_bound(func: Callable[[], T], bound: float = EXAMPLE_BOUND) -> T:
    """`func()`, asserted to take at most `bound` CPU seconds."""
    started = time.process_time()
    try:
        return func()
    finally:
        took = time.process_time() - started
        assert took <= bound, f"took {took:.2f} s of CPU, over the {bound} s bound"


# --- strategies -----------------------------------------------------------------------------------

#: Characters that mean something to path-to-regexp, JavaScript regexes, URLs or JSON, and some
#: that are awkward to everything (line terminators, astral, surrogate-free non-ASCII).
SYNTAX = [*"/:*+?(){}[]\\.-_|^$!=<>#%&;,@~ 'aAzZ09", "é", "\n", "\r", "\u2028", "😀", "\x00"]
texts = st.text(alphabet=st.sampled_from(SYNTAX), max_size=30)
sources = st.one_of(
    texts.map(lambda t: "/" + t),
    texts,
    st.sampled_from(
        [
            "/:a*/:b*/end",
            "/x{-:a}*{-:b}*{-:c}*/end",
            "/api/((?!auth).*)/:path*",
            "/:path((?!a|b).*)",
            "/:a(\\d+)-:b(.*)",
            "/(.*)",
            "/:slug{.:ext}?",
        ]
    ),
)
paths = st.one_of(
    texts.map(lambda t: "/" + t),
    st.builds(lambda unit, n, end: "/" + unit * n + end, texts, st.integers(0, 400), texts),
)
destinations = st.one_of(
    sources,
    st.sampled_from(["https://", "http://", "https://:path.example/", "https://e.x/"]).flatmap(
        lambda head: texts.map(lambda t: head + t)
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 400),
    st.floats(allow_nan=True),
    texts,
)
has_items = st.fixed_dictionaries(
    {},
    optional={
        "type": st.one_of(st.sampled_from(["header", "cookie", "query", "host"]), scalars),
        "key": st.one_of(
            st.sampled_from(["x-a", "toString", "__proto__", "constructor", "q", ""]),
            scalars,
        ),
        "value": st.one_of(texts, st.sampled_from(["(?<v>.*)", "(a|aa)+b", ".*", "a|b"]), scalars),
    },
)
header_items = st.fixed_dictionaries(
    {}, optional={"key": st.one_of(texts, scalars), "value": st.one_of(texts, scalars)}
)
rules = st.fixed_dictionaries(
    {},
    optional={
        "source": st.one_of(sources, scalars),
        "destination": st.one_of(destinations, scalars),
        "has": st.one_of(st.lists(st.one_of(has_items, scalars), max_size=3), scalars),
        "missing": st.lists(has_items, max_size=2),
        "permanent": st.one_of(st.booleans(), scalars),
        "statusCode": st.one_of(st.sampled_from([301, 302, 303, 307, 308, 200]), scalars),
        "headers": st.one_of(st.lists(st.one_of(header_items, scalars), max_size=2), scalars),
        "basePath": st.sampled_from([False, None, True, "x"]),
        "locale": st.sampled_from([False, None, True]),
    },
)
rule_lists = st.one_of(st.lists(st.one_of(rules, scalars), max_size=4), scalars)
configs = st.fixed_dictionaries(
    {},
    optional={
        "rewrites": st.one_of(
            rule_lists,
            st.fixed_dictionaries(
                {},
                optional={
                    "beforeFiles": rule_lists,
                    "afterFiles": rule_lists,
                    "fallback": rule_lists,
                },
            ),
        ),
        "redirects": rule_lists,
        "headers": rule_lists,
        "basePath": st.one_of(
            st.sampled_from(["", "/docs", "/(.*)", "/:x", "docs", "/a/"]), scalars
        ),
        "trailingSlash": st.one_of(st.booleans(), scalars),
        "caseSensitiveRoutes": st.one_of(st.booleans(), scalars),
        "skipTrailingSlashRedirect": st.one_of(st.booleans(), scalars),
        "i18n": scalars,
        "images": scalars,
        "unknownKey": scalars,
    },
)
route_lists = st.one_of(
    st.none(),
    st.lists(
        st.one_of(
            st.sampled_from(
                ["/", "/blog/[slug]", "/docs/[[...slug]]", "/[__proto__]", "/a/[...b]"]
            ),
            texts.map(lambda t: "/" + t),
        ),
        max_size=4,
    ),
)
header_maps = st.dictionaries(
    st.one_of(st.sampled_from(["cookie", "host", "x-a", "q", "constructor"]), texts),
    st.one_of(texts, st.lists(texts, max_size=2)),
    max_size=3,
)
requests = st.one_of(
    paths.flatmap(lambda p: texts.map(lambda q: p + "?" + q)),
    paths,
    st.sampled_from(["http://evil.com/x", "http:evil.com/x", "mailto:x", "*", "", "//x", "/\\x"]),
)


# --- the laws -------------------------------------------------------------------------------------


@fuzz(3)
@given(sources, st.lists(paths, max_size=4), st.booleans())
def test_sources_compile_and_match_or_fail_with_pattern_errors(
    source: str, tried: list[str], sensitive: bool
) -> None:
    """Any text compiles or raises PatternError; a compiled source matches any path within the
    bound, or raises TimeoutError at the match time bound (both documented)."""
    try:
        pattern = within_bound(lambda: rewrites.compile(source, case_sensitive=sensitive))
    except PatternError:
        return
    for path in tried:
        with contextlib.suppress(TimeoutError):
            within_bound(lambda p=path: pattern.match(p))


@fuzz(1)
@given(sources)
def test_short_sources_cannot_reach_next_js_s_length_limit(source: str) -> None:
    """The built-length shortcut is sound: the regex Next.js's `tryToParsePath` builds is never
    longer than 32 times its source (in UTF-16 units) plus 16, so short sources need no build."""
    try:
        tokens = parse_source(source, _DEFAULT_DELIMITER)
        js = to_js_regex(tokens, source, strict=False, delimiter=_DEFAULT_DELIMITER)
    except PatternError:
        return
    built = js_index(js.source, len(js.source))
    assert built <= js_index(source, len(source)) * _SHORT_FACTOR + _SHORT_SLACK


@fuzz(2)
@given(configs, route_lists, st.lists(st.tuples(requests, header_maps), max_size=4))
def test_configs_load_and_resolve_or_fail_with_documented_errors(
    config: dict[str, Any], routes: list[str] | None, tried: list[tuple[str, dict[str, Any]]]
) -> None:
    """Any JSON-shaped config loads or raises ConfigError; a loaded router resolves and
    explains any request, or raises RequestError, each within the bound."""
    try:
        router = within_bound(lambda: Router.from_next_config(config, routes))
    except ConfigError:
        return
    for url, headers in tried:
        for call in (router.resolve, router.explain):
            try:
                within_bound(lambda c=call, u=url, h=headers: c(u, h))
            except RequestError as exc:
                assert 400 <= exc.status < 600


@fuzz(0.2)
@given(configs, route_lists)
def test_lint_reads_any_loaded_config(config: dict[str, Any], routes: list[str] | None) -> None:
    """Lint runs on any config that loads, within the bound, raising nothing."""
    try:
        router = Router.from_next_config(config, routes)
    except ConfigError:
        return
    within_bound(lambda: rewrites.lint.lint(router), 2 * EXAMPLE_BOUND)


@fuzz(1)
@given(st.one_of(st.integers(), st.binary(max_size=5), st.none(), st.lists(texts, max_size=2)))
def test_wrong_argument_types_are_type_errors(value: object) -> None:
    """A request target or headers of the wrong type is a TypeError that names the argument."""
    router = Router.from_next_config({"rewrites": [{"source": "/a", "destination": "/b"}]})
    for call, name in (
        (lambda: router.resolve(value), "url"),
        (lambda: router.resolve("/", value), "headers"),
    ):  # type: ignore[arg-type]  (the check)
        if name == "headers" and value is None:
            continue
        try:
            call()
        except TypeError as exc:
            assert str(exc).startswith(f"got {name}=")
        else:
            raise AssertionError(f"{name}={value!r} was accepted")


commands = st.sampled_from(["resolve", "explain", "check", "lint"])
file_texts = st.one_of(
    configs.map(json.dumps),
    texts,
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
)
extra_args = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "--json",
                "--routes",
                "/",
                "-H",
                "x-a: 1",
                "-H",
                "bad",
                "--next-compatible",
                "--node-timeout",
                "0",
                "--mode",
                "prod",
                "--nope",
            ]
        ),
        paths,
    ),
    max_size=4,
)


@fuzz(0.25)
@given(
    commands, file_texts, st.sampled_from(["cfg.json", "cfg.yaml", "cfg.txt"]), paths, extra_args
)
def test_the_command_line_never_shows_a_traceback(
    command: str, text: str, name: str, url: str, extra: list[str]
) -> None:
    """Any file and arguments: the command exits 0, 1 or 2, and what it writes on stderr is
    messages, never a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / name
        file.write_text(text, encoding="utf-8", errors="surrogateescape")
        argv = [command, str(file)]
        if command in ("resolve", "explain"):
            argv.append(url)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = within_bound(lambda: cli.main([*argv, *extra]), 2 * EXAMPLE_BOUND)
    assert code in (0, 1, 2), (code, err.getvalue())
    assert "Traceback" not in err.getvalue()
