"""Tests for the loader's way for plain rules (`_Loader.plain_rule`): it builds what the general
way builds, and large tables take it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.tables import MIXES, make_table
from rewrites._load import _Loader, load_table
from rewrites._pattern import Pattern, compile_route
from rewrites._rules import Phase, Rule, new_rule
from rewrites.errors import ConfigError

VECTORS = Path(__file__).parent / "vectors"
#: What a value builds on first use: not part of what loading gives.
_CACHES = {"_built", "_cache", "_encoded"}


def _value(obj: object) -> object:
    """Everything a loaded value holds, for comparison: every field of an attrs value (those
    left out of `==` too, such as a key's span), recursively."""
    if attrs.has(type(obj)):
        fields = attrs.fields(type(obj))
        values = [(f.name, _value(getattr(obj, f.name))) for f in fields if f.name not in _CACHES]
        return (type(obj).__name__, *values)
    if isinstance(obj, list | tuple):
        return (type(obj).__name__, *map(_value, obj))
    if isinstance(obj, Mapping):
        return ("map", *((k, _value(v)) for k, v in obj.items()))
    if isinstance(obj, set | frozenset):
        return ("set", *sorted(map(repr, obj)))
    return (type(obj).__name__, obj)


def _loaded(config: Mapping[str, Any], **options: bool) -> object:
    """What loading gives: the table, or the problems."""
    try:
        table = load_table(config, **options)
    except ConfigError as exc:
        return ("error", _value(exc.problems))
    return (
        "table",
        _value([table.phase(phase) for phase in Phase]),
        _value(table.warnings),
        table.base_path,
        table.case_sensitive,
    )


@contextmanager
def _general_way() -> Iterator[None]:
    """Every rule built the general way."""
    with mock.patch.object(_Loader, "plain_rule", lambda *args: None):
        yield


def _both_ways(config: Mapping[str, Any], **options: bool) -> tuple[object, object]:
    """What loading gives with the way for plain rules, and without it."""
    fast = _loaded(config, **options)
    with _general_way():
        general = _loaded(config, **options)
    return fast, general


SOURCES = st.lists(
    st.sampled_from(
        [
            "docs",
            "Docs",
            "café",
            "a.b",
            "%41",
            ":slug",
            ":path*",
            ":path+",
            ":slug?",
            ":id(\\d+)",
            ":id(\\d+|[a-z]{2})",
            "(.*)",
            ":0abc",
            "{x}?",
            "x\\:y",
            ":a-:b",
            "(",
            ":",
            "a(b",
            ":p(a+)+",
        ]
    ),
    min_size=0,
    max_size=4,
).map(lambda parts: "/" + "/".join(parts))

DESTINATION_PATHS = st.lists(
    st.sampled_from(
        [
            "",
            "docs",
            "Doc-s_~!&',;=@",
            ":slug",
            ":slug*",
            ":path",
            ":path*",
            ":path+",
            ":path?",
            ":id",
            ":0",
            ":0abc",
            ":beta",
            ":host",
            ":xtoken",
            ":nope",
            "$1",
            "${2}",
            "a.b",
            ".x",
            "..",
            ".",
            "%2e",
            "a?b=:slug",
            "x#:slug",
            "__ESC_COLON_slug",
            "x:y",
            "é",
            "xn--a",
            "(x)",
            "a*",
            ":slug.html",
        ]
    ),
    min_size=0,
    max_size=4,
).map(lambda parts: "/" + "/".join(parts))

ORIGINS = st.sampled_from(
    [
        "",
        "",
        "",
        "/",
        "https://upstream.example.com",
        "http://xn--bcher-kva.example",
        "https://Host.com",
        "http://h.com:8080",
        "http://h.com:80",
        "https://1.2.3.4",
        "mailto:",
        "https://:slug.example.com",
    ]
)

DESTINATIONS = st.one_of(
    st.builds(lambda origin, path: origin + path, ORIGINS, DESTINATION_PATHS),
    st.sampled_from(["", None, 3, "relative", "/" + "x" * 5000, "/:slug" + "/x" * 2100]),
)

CONDITION_ITEMS = [
    {"type": "cookie", "key": "beta", "value": "(?<beta>on|yes)"},
    {"type": "header", "key": "X-Token"},
    {"type": "host", "value": "(?<sub>[a-z]+)\\.example\\.com"},
    {"type": "query", "key": "page", "value": "plain"},
    {"type": "query", "key": "bad", "value": "(unclosed"},
    {"type": "cookie"},
    {"type": "bogus", "key": "x"},
]
CONDITIONS = st.one_of(
    st.none(),
    st.lists(st.sampled_from(CONDITION_ITEMS), max_size=2),
    st.just("not a list"),
)


@st.composite
def _items(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """One rule of `kind`, usually well formed, sometimes not in one of many ways."""
    item: dict[str, Any] = {"source": draw(st.one_of(SOURCES, st.sampled_from(["", "x", 7])))}
    if kind == "header":
        item["headers"] = draw(
            st.sampled_from([[{"key": "x-a", "value": "1"}], [], [{"key": 1}], "no"])
        )
    else:
        item["destination"] = draw(DESTINATIONS)
    if kind == "redirect":
        item.update(
            draw(
                st.sampled_from(
                    [
                        {"permanent": True},
                        {"permanent": False},
                        {"statusCode": 301},
                        {"statusCode": 999},
                        {"statusCode": 308.0},
                        {},
                        {"permanent": "yes"},
                    ]
                )
            )
        )
    for field in ("has", "missing"):
        conditions = draw(CONDITIONS)
        if conditions is not None:
            item[field] = conditions
    extra = draw(
        st.sampled_from(
            [{}, {}, {}, {"basePath": False}, {"locale": False}, {"bogus": 1}, {"basePath": None}]
        )
    )
    return item | extra


@st.composite
def _plain_items(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """One well-formed rule of `kind`, near or in the plain shape."""
    item: dict[str, Any] = {"source": draw(SOURCES)}
    if kind == "header":
        item["headers"] = [{"key": "x-a", "value": "1"}]
    else:
        origin = draw(st.sampled_from(["", "", "https://upstream.example.com"]))
        item["destination"] = origin + draw(DESTINATION_PATHS)
    if kind == "redirect":
        item.update(draw(st.sampled_from([{"permanent": True}, {"statusCode": 307}])))
    has = draw(st.sampled_from([None, None, None, *CONDITION_ITEMS[:3]]))
    if has is not None:
        item["has"] = [has]
    return item


def _rules(kind: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    """A few rules of `kind`, mostly well formed."""
    return st.lists(st.one_of(_plain_items(kind), _plain_items(kind), _items(kind)), max_size=4)


@st.composite
def _configs(draw: st.DrawFn) -> dict[str, Any]:
    """A small config: a few rules of each kind, and settings that change how they build."""
    config: dict[str, Any] = {
        "rewrites": {"beforeFiles": draw(_rules("rewrite")), "afterFiles": draw(_rules("rewrite"))},
        "redirects": draw(_rules("redirect")),
        "headers": draw(_rules("header")),
    }
    config |= draw(
        st.sampled_from(
            [
                {},
                {},
                {"caseSensitiveRoutes": True},
                {"basePath": "/base"},
                {"trailingSlash": True},
                {"i18n": {"locales": ["en", "fr"], "defaultLocale": "en"}},
            ]
        )
    )
    return config


@settings(max_examples=600, deadline=None)
@given(_configs(), st.booleans(), st.booleans())
def test_plain_rules_load_as_the_general_way_loads_them(
    config: dict[str, Any], positional_refs: bool, early_errors: bool
) -> None:
    """Law: any config loads to the same rules, warnings and problems, in the same order and
    places, with the way for plain rules as without it."""
    fast, general = _both_ways(config, positional_refs=positional_refs, early_errors=early_errors)
    assert fast == general


@pytest.mark.parametrize("mix", sorted(MIXES))
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_benchmark_tables_load_as_the_general_way_loads_them(
    mix: str, case_sensitive: bool
) -> None:
    """Each benchmark mix, case-sensitive or not, loads to the same rules both ways."""
    config, _ = MIXES[mix](1_500, 1, case_sensitive=case_sensitive)
    fast, general = _both_ways(config)
    assert fast[0] == "table"
    assert fast == general


def _vector_configs() -> Iterator[tuple[str, dict[str, Any]]]:
    """The configs of the conformance vectors, named."""
    for name in ("router.json", "calcom.json", "i18n.json"):
        data = json.loads((VECTORS / name).read_text())
        for case in data["configs"] if isinstance(data, dict) and "configs" in data else []:
            if isinstance(case, dict) and isinstance(case.get("config"), dict):
                yield f"{name}:{case.get('name')}", case["config"]


@pytest.mark.parametrize(("name", "config"), list(_vector_configs()))
def test_vector_configs_load_as_the_general_way_loads_them(
    name: str, config: dict[str, Any]
) -> None:
    """Each conformance vector's config loads to the same rules (or problems) both ways."""
    fast, general = _both_ways(config)
    assert fast == general, name


def test_a_large_table_takes_the_way_for_plain_rules() -> None:
    """Nearly every rule of a benchmark table is built the way for plain rules."""
    config, _ = make_table(2_000, 1, param_share=0.10)
    taken = []
    plain_rule = _Loader.plain_rule

    def counted(self: _Loader, *args: Any) -> Rule | None:
        found = plain_rule(self, *args)
        taken.append(found is not None)
        return found

    with mock.patch.object(_Loader, "plain_rule", counted):
        load_table(config)
    assert sum(taken) >= 0.95 * len(taken)


def test_new_rule_makes_what_the_constructor_makes() -> None:
    """`new_rule` gives a rule equal in every field to the one `Rule(...)` gives."""
    pattern = compile_route("/a/:b")
    fields: dict[str, Any] = {
        "phase": Phase.REDIRECTS,
        "index": 3,
        "place": "redirects[3]",
        "source": "/a/:b",
        "pattern": pattern,
        "destination": None,
        "has": (),
        "missing": (),
        "headers": (("x", "y"),),
        "status": 308,
        "internal": False,
        "item": {"source": "/a/:b"},
    }
    made = new_rule(*fields.values())
    assert _value(made) == _value(Rule(**fields))
    assert made == Rule(**fields)
    assert hash(made) == hash(Rule(**fields))


@pytest.mark.parametrize("source", ["/a/b", "/café", "/a/:b", "/a/:b(\\d+)*", "/(.*)"])
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_compile_route_makes_what_the_constructor_makes(source: str, case_sensitive: bool) -> None:
    """`compile_route` gives the pattern `compile(...).as_route(...)` gives, every field."""
    from rewrites import compile

    made = compile_route(source, case_sensitive=case_sensitive, restricted=["/_next"])
    expected = compile(source, case_sensitive=case_sensitive).as_route(restricted=["/_next"])
    assert isinstance(made, Pattern)
    assert _value(made) == _value(expected)
    assert made.match("/a/b") == expected.match("/a/b")


#: Pieces of sources whose rules share a shape (`_Loader.same_shape`): a start with a param
#: (the shapes the short way looks for), what comes before and after the segment that varies
#: (keys whose spans move with it, groups, escapes and inline keys that the parser reads
#: differently, non-ASCII), and the text of that segment (plain or not, of equal length or not).
_LEADS = [
    "/:locale",
    "/:locale",
    "/:locale(en|fr)",
    "/(.*)",
    "/:lang?",
    "/:p*",
    "/(a|b)",
    "/:id(\\d+)",
]
_BEFORE = ["", "/docs", "/:slug", "/x.y", "/a\\:b", "/{x}?", "/é", "/(c)", "/:v(a/b)"]
_AFTER = ["", "/:slug", "/:path*", "/:id(\\d+)", "/(.*)", "/edit", "/:a-:b", "/{y}?", "/:s?", "/"]
_PLAIN_TEXTS = st.text(alphabet="ab-_.~1", min_size=1, max_size=5)
_TEXTS = st.one_of(*[_PLAIN_TEXTS] * 7, st.text(alphabet="a1.é:(/", max_size=4))
#: Destinations with `{}` where the varying text goes: in the path, after params, as the host.
_TARGETS = [
    "/:locale/new-{}",
    "/new/{}",
    "/:slug/{}/x",
    "/{}",
    "/p/{}/:slug",
    "/p/{}/:path*",
    "https://upstream.example.com/{}/:path*",
    "/a/b",
    "https://{}",
    "https://{}.example.com/x",
    "/{}/:nope",
    "/xn--{}",
    "/__ESC_COLON_{}",
    "/:locale/" + "x" * 5000 + "{}",
]


@st.composite
def _families(draw: st.DrawFn) -> dict[str, Any]:
    """A config of a few families of rules, each differing only in the text of one segment of
    the source and of the destination (and sometimes in having their `has` or `missing`), in
    random order."""
    rules: list[tuple[str, dict[str, Any]]] = []
    for _ in range(draw(st.integers(1, 2))):
        lead = draw(st.sampled_from(_LEADS)) + draw(st.sampled_from(_BEFORE))
        after = draw(st.sampled_from(_AFTER))
        target = draw(st.sampled_from(_TARGETS[:8] * 3 + _TARGETS[8:]))
        for name in ("locale", "slug", "path*"):  # mostly params the source has
            if f":{name}" in target and f":{name}" not in lead + after and draw(st.booleans()):
                target = target.replace(f":{name}", "")
        kind = draw(st.sampled_from(["redirect", "rewrite", "rewrite", "header"]))
        has = draw(st.sampled_from([None, None, [CONDITION_ITEMS[0]], [CONDITION_ITEMS[2]]]))
        missing = draw(st.sampled_from([None, None, [CONDITION_ITEMS[1]], ({"type": "x"},)]))
        size = draw(st.integers(1, 4))  # mostly texts of one length: the shapes that repeat
        same = st.text(alphabet="ab-_.~1", min_size=size, max_size=size)
        for text in draw(st.lists(st.one_of(same, same, _TEXTS), min_size=1, max_size=6)):
            item: dict[str, Any] = {"source": f"{lead}/{text}{after}"}
            if kind == "header":
                item["headers"] = draw(
                    st.sampled_from([[{"key": "x-a", "value": text}], [{"key": "x-a"}], []])
                )
            else:
                item["destination"] = target.format(draw(st.sampled_from([text, text[::-1], "z"])))
            for field, value in (("has", has), ("missing", missing)):
                if value is not None and draw(st.integers(0, 4)):
                    item[field] = value
            if kind == "redirect":
                item.update(
                    draw(
                        st.sampled_from(
                            [{"permanent": True}, {"permanent": False}, {"statusCode": 301}, {}]
                        )
                    )
                    if draw(st.integers(0, 9)) == 0
                    else {"permanent": True}
                )
            rules.append((kind, item))
    order = draw(st.permutations(range(len(rules))))
    return {
        "redirects": [rules[i][1] for i in order if rules[i][0] == "redirect"],
        "rewrites": [rules[i][1] for i in order if rules[i][0] == "rewrite"],
        "headers": [rules[i][1] for i in order if rules[i][0] == "header"],
    }


@settings(max_examples=400, deadline=None)
@given(_families())
def test_rules_of_one_shape_load_as_the_general_way_loads_them(config: dict[str, Any]) -> None:
    """Law: rules that differ only in the text of one segment of their source and destination
    (those the loader builds from the first of their shape) load to the same rules, warnings and
    problems as the general way gives."""
    fast, general = _both_ways(config)
    assert fast == general
    # The rules that load on their own, together: a table, not only its problems, to compare.
    kept = {
        key: [item for item in items if _loaded({key: [item]})[0] == "table"]
        for key, items in config.items()
    }
    fast, general = _both_ways(kept)
    assert fast == general


def test_the_locale_table_is_built_by_shape() -> None:
    """Most rules of the all-`/:locale/` table are built from an earlier rule of their shape."""
    config, _ = MIXES["locale"](2_000, 1)
    built = []
    same_shape = _Loader.same_shape

    def counted(self: _Loader, *args: Any) -> Rule | None:
        found = same_shape(self, *args)
        built.append(found is not None)
        return found

    with mock.patch.object(_Loader, "same_shape", counted):
        load_table(config)
    assert sum(built) >= 0.8 * 2_000


_ITEMS = st.lists(
    st.one_of(
        st.sampled_from(CONDITION_ITEMS),
        st.fixed_dictionaries(
            {"type": st.sampled_from(["header", "cookie", "query", "host", "x", 1])},
            optional={
                "key": st.sampled_from(["beta", "X-Token", "", None, 2]),
                "value": st.sampled_from(["on", "(?<beta>on|yes)", "(", "", None]),
                "extra": st.just(1),
            },
        ),
    ),
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ITEMS, min_size=1, max_size=6))
def test_conditions_are_what_they_are_whatever_came_before(lists: list[list[Any]]) -> None:
    """Law: a loader gives each list of condition items the conditions, names and problems a
    fresh loader gives it, whatever lists it has read before."""
    loader = _Loader({}, True, False)
    for i, items in enumerate(lists):
        fresh = _Loader({}, True, False)
        before = len(loader.problems)
        assert _value(loader.conditions(items, f"r[{i}]", "has")) == _value(
            fresh.new_conditions(items, f"r[{i}]", "has")
        )
        assert loader.problems[before:] == fresh.problems
