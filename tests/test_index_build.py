"""The index build files every rule exactly as the straightforward reference build below does."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_index import configs, sources

import rewrites
from benchmarks.tables import make_locale_table, make_table, make_tenants
from rewrites import Router
from rewrites._index import TableIndex, _js_fold, host_key, need_key, segment_keys
from rewrites._js.regexp import JSRegexError, parse
from rewrites._load import load_table
from rewrites._pattern import Pattern
from rewrites._rules import Phase, Rule
from rewrites._syntax import Key, Token

# --- the reference: one rule at a time, keys counted in a dict, chosen by `min` ----------------


def ref_keyed_text(text: str, case_sensitive: bool) -> str:
    """Literal text as the index keys it: each piece folded on its own."""
    return text if case_sensitive else _js_fold(text)


@functools.cache
def ref_contained(pattern: str) -> bool:
    """Whether a JavaScript regex fragment parses on its own."""
    try:
        parse(pattern)
    except JSRegexError:
        return False
    return True


def ref_groups_contained(tokens: Sequence[Token]) -> bool:
    """Whether every custom group closes exactly its own parentheses."""
    return all(ref_contained(t.pattern) for t in tokens if isinstance(t, Key) and t.custom)


def ref_segment_ends(tokens: Sequence[Token], at: int) -> bool:
    """Whether a '/' or the end of the path must follow the tokens before `at`."""
    for token in tokens[at:]:
        if isinstance(token, str):
            return token.startswith("/")
        if not token.prefix.startswith("/"):
            return False
        if not token.optional:
            return True
    return True


LITERAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_~")


def ref_alternatives(key: Key, sensitive: bool) -> tuple[str, ...] | None:
    """The texts of a whole-segment parameter that is a finite alternation of literals."""
    if key.prefix != "/" or key.suffix or key.modifier or not key.custom:
        return None
    texts = []
    for alternative in key.pattern.split("|"):
        if not alternative or not LITERAL_CHARS.issuperset(alternative):
            return None
        texts.append(ref_keyed_text(alternative, sensitive))
    return tuple(dict.fromkeys(texts))


def ref_after(key: Key, segment: int) -> int | None:
    """The segment index after a parameter, when it is fixed."""
    if not key.custom or ref_alternatives(key, True) is not None:
        if key.prefix == "/" and not key.suffix and not key.modifier:
            return segment + 1
        if "/" not in key.prefix + key.suffix and key.modifier in ("", "?"):
            return segment
    return None


def ref_segment_keys(pattern: Pattern) -> list[tuple[int | None, tuple[str, ...]]]:
    """Every key a source could be filed under, in source order."""
    tokens = pattern.tokens
    if not tokens or (len(tokens) > 1 and not ref_groups_contained(tokens)):
        return []
    sensitive = pattern.case_sensitive
    keys: list[tuple[int | None, tuple[str, ...]]] = []
    segment: int | None = -1
    last = len(tokens) - 1
    for at, token in enumerate(tokens):
        if isinstance(token, str):
            parts = token.split("/")
            for offset in range(1, len(parts)):
                text = parts[offset]
                if not text or (offset == len(parts) - 1 and not ref_segment_ends(tokens, at + 1)):
                    continue
                index = None if segment is None else segment + offset
                keys.append((index, (ref_keyed_text(text, sensitive),)))
            if segment is not None:
                segment += len(parts) - 1
            continue
        texts = ref_alternatives(token, sensitive)
        if texts is not None and (at == last or ref_segment_ends(tokens, at + 1)):
            keys.append((None if segment is None else segment + 1, texts))
        if segment is not None:
            segment = ref_after(token, segment)
    return keys


def ref_whole_text(pattern: Pattern) -> str | None:
    """The text after the first '/' of a source that is nothing but literal segments."""
    tokens = pattern.tokens
    if len(tokens) != 1 or not isinstance(tokens[0], str) or not tokens[0].startswith("/"):
        return None
    return ref_keyed_text(tokens[0], pattern.case_sensitive)[1:]


def ref_literal_tail(pattern: Pattern) -> str | None:
    """The literal text every path the source matches ends with."""
    tokens = pattern.tokens
    if len(tokens) < 2 or not isinstance(tokens[-1], str) or not ref_groups_contained(tokens):
        return None
    return ref_keyed_text(tokens[-1], pattern.case_sensitive)


class RefKeyed:
    """`_Keyed`'s fields."""

    __slots__ = ("lettered", "segments", "tails", "used", "whole")

    def __init__(self) -> None:
        self.segments: dict[str, list[tuple[int, list[int]]]] = {}
        self.whole: dict[str, list[int]] = {}
        self.tails: dict[str, list[int]] = {}
        self.lettered = False
        self.used = False


class RefPaths:
    """`_Paths`'s fields."""

    __slots__ = ("always", "exact", "folded")

    def __init__(self) -> None:
        self.exact = RefKeyed()
        self.folded = RefKeyed()
        self.always: list[int] = []


def ref_append(table: dict[str, list[int]], text: str, position: int) -> None:
    """Add `position` to the list under `text`."""
    found = table.setdefault(text, [])
    if not found or found[-1] != position:
        found.append(position)


def ref_file(paths: RefPaths, rule: Rule, position: int, choose: Callable[[Pattern], Any]) -> None:
    """File one rule in a group, as the index did before its build was made fast."""
    pattern = rule.pattern
    keyed = paths.exact if pattern.case_sensitive else paths.folded
    whole = ref_whole_text(pattern)
    if whole is not None:
        ref_append(keyed.whole, whole, position)
        keyed.lettered = keyed.used = True
        return
    key = choose(pattern)
    if key is not None:
        index, texts = key
        at = -1 if index is None else index
        for text in texts:
            entries = keyed.segments.setdefault(text, [])
            for kept, positions in entries:
                if kept == at:
                    if positions[-1] != position:
                        positions.append(position)
                    break
            else:
                entries.append((at, [position]))
        keyed.lettered = keyed.used = True
        return
    tail = ref_literal_tail(pattern)
    if tail is not None:
        ref_append(keyed.tails, tail, position)
        keyed.lettered = keyed.lettered or tail.upper() != tail
        keyed.used = True
    else:
        paths.always.append(position)


def ref_state(phases: Sequence[Sequence[Rule]]) -> tuple[Any, ...]:
    """The state a `TableIndex` of `phases` must have: (paths, hosts, needs, offsets) as plain
    data (`plain`)."""
    rules = [rule for phase in phases for rule in phase]
    offsets = []
    total = 0
    for phase in phases:
        offsets.append(total)
        total += len(phase)
    counts: dict[tuple[int | None, str], int] = {}
    for rule in rules:
        if ref_whole_text(rule.pattern) is None:
            for index, texts in ref_segment_keys(rule.pattern):
                for text in texts:
                    counts[index, text] = counts.get((index, text), 0) + 1

    def choose(pattern: Pattern) -> tuple[int | None, tuple[str, ...]] | None:
        options = ref_segment_keys(pattern)
        if not options:
            return None
        return min(
            options,
            key=lambda o: (sum(counts[o[0], t] for t in o[1]), o[0] is None, -(o[0] or 0)),
        )

    paths = RefPaths()
    tables: dict[int, dict[tuple[int, ...], dict[str, RefPaths]]] = {}
    hosts_every: list[int] = []
    headers: dict[str, RefPaths] = {}
    cookies: dict[str, RefPaths] = {}
    needs_every: list[int] = []
    for position, rule in enumerate(rules):
        host = host_key(rule) if rule.has else None
        need = need_key(rule) if rule.has and host is None else None
        if host is not None:
            text, wild = host
            group = tables.setdefault(len(text), {}).setdefault(wild, {})
            ref_file(group.setdefault(text, RefPaths()), rule, position, choose)
            hosts_every.append(position)
        elif need is not None:
            table = headers if need[0] == "header" else cookies
            ref_file(table.setdefault(need[1], RefPaths()), rule, position, choose)
            needs_every.append(position)
        else:
            ref_file(paths, rule, position, choose)
    return (
        plain(paths),
        ("Hosts", (("every", plain(hosts_every)), ("tables", plain(tables)))),
        (
            "Needs",
            (
                ("cookies", plain(cookies)),
                ("every", plain(needs_every)),
                ("headers", plain(headers)),
            ),
        ),
        tuple(offsets),
    )


def plain(value: object) -> Any:
    """`value` as comparable data that keeps every order: an object with slots as its class name
    (without '_' or 'Ref') and its fields, a dict as its items in order, a list tagged as one."""
    if isinstance(value, dict):
        return ("dict", [(key, plain(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [plain(item) for item in value])
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    slots = getattr(type(value), "__slots__", None)
    if slots is not None and not isinstance(value, (str, int)):
        name = type(value).__name__.removeprefix("_").removeprefix("Ref")
        return (name, tuple((slot, plain(getattr(value, slot))) for slot in sorted(slots)))
    assert value is None or isinstance(value, (str, int, bool)), value
    return value


def phases_of(config: dict[str, Any]) -> list[Sequence[Rule]]:
    """Every phase's rules of a config, in `Phase` order."""
    table = load_table(config)
    return [table.phase(phase) for phase in Phase]


def assert_built_as_reference(phases: list[Sequence[Rule]]) -> None:
    """The index of `phases` has the reference build's state."""
    assert plain(TableIndex(phases).__getstate__()) == ref_state(phases)


# --- the benchmark tables -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(make_table(2000, param_share=0.02)[0], id="param-0.02"),
        pytest.param(make_table(2000, param_share=0.1)[0], id="param-0.1"),
        pytest.param(make_table(2000, param_share=0.3)[0], id="param-0.3"),
        pytest.param(make_locale_table(2000)[0], id="locale"),
        pytest.param(make_locale_table(2000, case_sensitive=True)[0], id="locale-sensitive"),
        pytest.param(make_tenants(300)[0], id="tenants"),
    ],
)
def test_benchmark_tables_are_indexed_as_the_reference_indexes_them(
    config: dict[str, Any],
) -> None:
    """Every benchmark mix gets the same keys, lists and orders as the reference build."""
    assert_built_as_reference(phases_of(config))


# --- random tables ------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_random_tables_are_indexed_as_the_reference_indexes_them(config: dict[str, Any]) -> None:
    """Law: for any table of `test_index`'s generator, the build equals the reference build."""
    router = Router.from_next_config(config)
    assert_built_as_reference([router.phase(phase) for phase in Phase])


def _routable(source: str) -> bool:
    """Whether the source loads as a rule's."""
    try:
        rewrites.compile(source).as_route()
    except rewrites.PatternError:
        return False
    return True


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            sources().filter(_routable),
            st.sampled_from(
                (
                    "/:a(en|fr)/docs",
                    "/:a(fr|EN|en)/:b(docs|api)",
                    "/:a/docs/:b(api|x)",
                    "/docs/:b(api|en)/v1",
                    "/(.*)/docs",
                    "/:a*/api/:b(en|de)",
                    "/Docs/API",
                    "/café/ſtraße",
                    "/:a/CAFÉ-:b/x",
                )
            ),
        ),
        max_size=40,
    ),
    st.booleans(),
)
def test_larger_random_tables_are_indexed_as_the_reference_indexes_them(
    sources: list[str], case_sensitive: bool
) -> None:
    """Law: for any table of up to 40 rules sharing keys (ties, alternations, floating keys),
    the build equals the reference build."""
    config = {
        "rewrites": [{"source": s, "destination": "/x"} for s in sources],
        "caseSensitiveRoutes": case_sensitive,
    }
    assert_built_as_reference(phases_of(config))


@settings(max_examples=300, deadline=None)
@given(sources().filter(_routable), st.booleans())
def test_segment_keys_are_the_reference_keys(source: str, case_sensitive: bool) -> None:
    """Law: `segment_keys` of any source is the reference's."""
    pattern = rewrites.compile(source, case_sensitive=case_sensitive)
    assert segment_keys(pattern) == ref_segment_keys(pattern)
