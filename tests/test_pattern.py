"""Pattern and Match: matching, formatting, route matching, and their laws."""

from __future__ import annotations

import contextlib
import pickle
import re
import time

import pytest
import regex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import rewrites
from rewrites._js.regexp import to_utf16
from rewrites._pattern import _re_twin
from tests.cases import REDOS_SHAPES


def test_repeated_params_match_as_tuples() -> None:
    """'*' and '+' parameters give a tuple split on the prefix."""
    assert rewrites.compile("/api/:path*").match("/api/a/b/c") == rewrites.Match(
        "/api/a/b/c", {"path": ("a", "b", "c")}, (("a", "b", "c"),)
    )


def test_absent_optional_params_are_left_out() -> None:
    """An optional parameter that matched nothing is not in params, and None in groups."""
    found = rewrites.compile("/api/:path*").match("/api")
    assert found is not None
    assert found.params == {}
    assert found.groups == (None,)


def test_values_are_not_decoded() -> None:
    """Matching leaves percent-escapes as they are, as Next.js does."""
    found = rewrites.compile("/blog/:slug").match("/blog/a%20b")
    assert found is not None and found.params == {"slug": "a%20b"}


def test_matching_is_case_insensitive_inside_custom_groups() -> None:
    """The lookahead (?!auth) also rejects 'Auth', as the JS 'i' flag makes it."""
    pattern = rewrites.compile("/api/:path((?!auth).*)")
    assert pattern.match("/api/Auth/x") is None
    assert pattern.match("/api/users") is not None


def test_case_sensitive_option() -> None:
    """case_sensitive=True compiles without the 'i' flag."""
    pattern = rewrites.compile("/Docs/:p", case_sensitive=True)
    assert pattern.flags == ""
    assert pattern.match("/docs/x") is None
    assert pattern.match("/Docs/x") is not None


def test_strict_false_allows_a_trailing_slash() -> None:
    """strict=False lets one trailing delimiter through."""
    assert rewrites.compile("/a", strict=False).match("/a/") is not None
    assert rewrites.compile("/a").match("/a/") is None


def test_end_false_matches_a_prefix_at_a_boundary() -> None:
    """end=False matches a prefix that ends at a '/' boundary."""
    pattern = rewrites.compile("/docs", end=False)
    found = pattern.match("/docs/x/y")
    assert found is not None and found.path == "/docs"
    assert pattern.match("/docsx") is None


def test_dollar_does_not_match_before_a_final_newline() -> None:
    """JavaScript's '$' is the end of input: '/a\\n' does not match '/a'."""
    assert rewrites.compile("/:a(a$)").match("/a\n") is None


def test_js_character_classes_are_ascii() -> None:
    """\\d and \\w are ASCII, as in JavaScript."""
    assert rewrites.compile("/:n(\\d+)").match("/١٢") is None
    assert rewrites.compile("/:w(\\w+)").match("/é") is None


def test_js_case_folding_is_not_pythons() -> None:
    """'ſ' does not match 's' and the Kelvin sign does not match 'k', but 'É' matches 'é'."""
    assert rewrites.compile("/s").match("/ſ") is None
    assert rewrites.compile("/k").match("/\u212a") is None
    assert rewrites.compile("/é").match("/É") is not None


def test_strings_are_matched_as_utf16() -> None:
    """'.' matches one UTF-16 unit, so it cannot match a whole emoji, but '.{2}' can."""
    assert rewrites.compile("/:a(.)").match("/😀") is None
    found = rewrites.compile("/:a(.{2})").match("/😀")
    assert found is not None and found.params == {"a": "😀"}


def test_as_route_accepts_one_trailing_slash_and_drops_unnamed() -> None:
    """Server matching adds an optional '/' and leaves unnamed groups out of params only."""
    route = rewrites.compile("/api/((?!auth).*)/:path*").as_route()
    assert route.js_regex.endswith("(?:\\/)?$")
    found = route.match("/api/users")
    assert found is not None
    assert found.params == {}
    assert found.groups == ("users", None)


def test_as_route_guards_next_internals_for_redirects() -> None:
    """A restricted prefix (redirects: '/_next') never matches, in any case."""
    route = rewrites.compile("/:path*").as_route(restricted=["/_next"])
    assert route.js_regex.startswith("^(?!\\/_next)")
    assert route.match("/_next/static/x") is None
    assert route.match("/_NEXT/x") is None
    assert route.match("/other") is not None


def test_seed_rule_shapes() -> None:
    """The seed's rule: '.*' leaves ':path*' empty; '(?!auth)' also excludes /api/authenticate."""
    route = rewrites.compile("/api/((?!auth).*)/:path*").as_route()
    found = route.match("/api/trades/123")
    assert found is not None and found.groups == ("trades/123", None)
    assert route.match("/api/authenticate") is None


def test_format_joins_repeated_values_with_the_prefix() -> None:
    """format() follows path-to-regexp's compile."""
    assert rewrites.compile("/docs/:path+").format({"path": ["a", "b"]}) == "/docs/a/b"
    assert rewrites.compile("/docs/:path*").format({}) == "/docs"
    assert rewrites.compile("/f/:name.:ext").format({"name": "a", "ext": "txt"}) == "/f/a.txt"


def test_format_unnamed_groups_by_number() -> None:
    """Unnamed groups are filled by their number, as int or str."""
    pattern = rewrites.compile("/x/(\\d+)")
    assert pattern.format({0: "12"}) == "/x/12"
    assert pattern.format({"0": 7}) == "/x/7"


FORMAT_ERRORS = [
    (
        "/user/:id(\\d+)",
        {"id": "abc"},
        "Parameter 'id' must match '\\\\d+', but got 'abc'\n"
        "    /user/:id(\\d+)\n         ^~~~~~~~~",
        'Expected "id" to match "\\d+", but got "abc"',
    ),
    (
        "/a/:b",
        {"b": ["x", "y"]},
        "Parameter 'b' does not repeat, but got a sequence: ['x', 'y']\n    /a/:b\n      ^~~",
        'Expected "b" to not repeat, but got an array',
    ),
    (
        "/a/:b+",
        {"b": []},
        "Parameter 'b' needs at least one value, got an empty sequence\n    /a/:b+\n      ^~~~",
        'Expected "b" to not be empty',
    ),
    (
        "/a/:b",
        {},
        "Parameter 'b' needs a string, got nothing\n    /a/:b\n      ^~~",
        'Expected "b" to be a string',
    ),
    (
        "/a/:b+",
        {"b": "x/y"},
        "Parameter 'b' must match '[^\\\\/]+?', but got 'x/y'\n    /a/:b+\n      ^~~~",
        'Expected "b" to match "[^\\/]+?", but got "x/y"',
    ),
]


@pytest.mark.parametrize(("source", "params", "text", "js"), FORMAT_ERRORS)
def test_format_errors(source: str, params: dict[str | int, object], text: str, js: str) -> None:
    """format() rejects what path-to-regexp's compile rejects, pointing at the parameter."""
    with pytest.raises(rewrites.PatternError) as info:
        rewrites.compile(source).format(params)
    assert str(info.value) == text
    assert info.value.js_message == js


def test_patterns_pickle_and_keep_working() -> None:
    """A compiled pattern survives pickling (lazy regex included)."""
    pattern = rewrites.compile("/api/:path((?!auth).*)")
    pattern.match("/api/x")
    clone = pickle.loads(pickle.dumps(pattern))
    assert clone == pattern
    assert clone.match("/api/y") == pattern.match("/api/y")


def test_errors_pickle() -> None:
    """PatternError round-trips through pickle with its fields."""
    with pytest.raises(rewrites.PatternError) as info:
        rewrites.compile("/p/:")
    clone = pickle.loads(pickle.dumps(info.value))
    assert (clone.message, clone.position, clone.js_message) == (
        info.value.message,
        info.value.position,
        info.value.js_message,
    )
    assert str(clone) == str(info.value)


@pytest.mark.parametrize(
    ("name", "source", "paths"), REDOS_SHAPES, ids=[s[0] for s in REDOS_SHAPES]
)
def test_redos_shapes_never_hang(name: str, source: str, paths: list[str]) -> None:
    """The ReDoS shapes never hang on 8 KiB hostile paths: each finishes, or stops with
    TimeoutError at the default time bound (0.05 s of CPU), well inside a generous 5 s."""
    pattern = rewrites.compile(source).as_route()
    pattern.regex  # noqa: B018  (built outside the timing)
    for path in paths:
        started = time.process_time()
        with contextlib.suppress(TimeoutError):
            pattern.match(path)
        took = time.process_time() - started
        assert took < 5.0, f"{name}: {source!r} took {took:.1f} s on a {len(path)}-character path"


# --- laws -------------------------------------------------------------------------------------

SEGMENT = st.sampled_from(["api", "Blog", "docs", "v1", "a-b", "x.y", "é", "~u"])
CUSTOM = st.sampled_from(["\\d+", "[a-z]+", "(?!auth).*", ".*", "en|fr", "[^/]+", "\\w+"])


@st.composite
def sources(draw: st.DrawFn) -> str:
    """Valid-looking sources from the path-to-regexp grammar (the parser has the last word)."""
    parts = []
    # Distinct names: with a repeated name the later value wins, and the law does not hold.
    names = iter(draw(st.permutations(["a", "b", "slug", "id", "path", "1x"])))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "param", "custom", "unnamed", "group", "dot"]))
        modifier = draw(st.sampled_from(["", "", "?", "*", "+"]))
        if kind == "text":
            parts.append("/" + draw(SEGMENT))
        elif kind == "param":
            parts.append(f"/:{next(names)}{modifier}")
        elif kind == "custom":
            parts.append(f"/:{next(names)}({draw(CUSTOM)}){modifier}")
        elif kind == "unnamed":
            parts.append(f"/({draw(CUSTOM)}){modifier}")
        elif kind == "group":
            parts.append(f"/{draw(SEGMENT)}{{-:{next(names)}}}{modifier}")
        else:
            parts.append(f"/{draw(SEGMENT)}.:{next(names)}{modifier}")
    return "".join(parts)


VALUE = st.text(alphabet="abcXYZ019-._~%é", min_size=1, max_size=6)


@settings(max_examples=300)
@given(sources(), st.data())
def test_format_of_matched_params_matches_again(source: str, data: st.DataObject) -> None:
    """Formatting with the params a pattern matched gives a path it matches with the same params."""
    try:
        pattern = rewrites.compile(source)
    except rewrites.PatternError:
        assume(False)
        return
    values: dict[str | int, object] = {}
    for key in pattern.keys:
        if key.repeat:
            # A few values: a source such as '/:a(.*)*/api{-:b}/:c+' backtracks exponentially in
            # the number of segments (speed is the ReDoS sweep's business, not this law's).
            values[key.name] = data.draw(
                st.lists(VALUE, min_size=0 if key.optional else 1, max_size=4)
            )
        elif key.optional and data.draw(st.booleans()):
            continue
        else:
            values[key.name] = data.draw(VALUE)
    try:
        path = pattern.format(values)
    except rewrites.PatternError:
        assume(False)
        return
    found = pattern.match(path)
    assume(found is not None)
    assert found is not None
    again = pattern.match(pattern.format(found.params))
    assert again is not None
    assert again.params == found.params


#: Paths with the letters whose case folding differs between engines, and their neighbours.
FOLD_PATHS = st.lists(
    st.sampled_from(["/", "a", "S", "k", "I", "ı", "İ", "ſ", "\u212a", "é", "É", "1", "-", "x"]),
    max_size=12,
).map(lambda chars: "/" + "".join(chars))


@settings(max_examples=400)
@given(sources(), st.booleans(), st.one_of(FOLD_PATHS, st.text(max_size=12).map(lambda t: "/" + t)))
def test_the_re_twin_matches_as_the_regex_pattern(source: str, sensitive: bool, path: str) -> None:
    """Where a pattern has an `re` twin, it gives the `regex` pattern's answer, groups and all."""
    try:
        pattern = rewrites.compile(source, case_sensitive=sensitive).as_route()
        translated = pattern.regex.pattern
    except rewrites.PatternError:
        assume(False)
        return
    twin = _re_twin(translated)
    assume(twin is not None)
    assert twin is not None
    subject = to_utf16(path)
    mine, theirs = twin.match(subject), pattern.regex.match(subject)
    assert (mine is None) == (theirs is None), (translated, path)
    if mine is not None and theirs is not None:
        assert mine.groups() == theirs.groups()


#: Paths of the sources' own words, so that matches are common.
WORD_PATHS = st.lists(
    st.sampled_from(["api", "blog", "docs", "v1", "a-b", "x.y", "é", "", "AUTH", "1"]), max_size=5
).map(lambda words: "/" + "/".join(words))


@settings(max_examples=400)
@given(sources(), st.booleans(), st.one_of(WORD_PATHS, FOLD_PATHS))
def test_what_untimed_matches_use_answers_as_the_regex_pattern(
    source: str, slash: bool, path: str
) -> None:
    """The pattern untimed matches use (an `re` twin, with greedy whole segments where every
    parameter is one) gives the `regex` pattern's match and groups."""
    try:
        pattern = rewrites.compile(source).as_route()
        regex_pattern = pattern.regex
    except rewrites.PatternError:
        assume(False)
        return
    subject = to_utf16(path + ("/" if slash else ""))
    mine, theirs = pattern._matcher().match(subject), regex_pattern.match(subject)
    assert (mine is None) == (theirs is None), (pattern._matcher().pattern, path)
    if mine is not None and theirs is not None:
        assert mine.group(0) == theirs.group(0)
        assert mine.groups() == theirs.groups()


@pytest.mark.parametrize("source", ["/:path*", "/:slug*", "/:P_1*"])
@given(st.text(alphabet="/aZ.é\n#?%\U0001f600", max_size=8))
def test_the_catch_all_matches_as_its_regex_without_one(source: str, path: str) -> None:
    """`/:path*` of a route, in either case rule, is matched without a regex, as its regex
    matches: the empty path, '/', non-empty segments with one more '/' allowed."""
    for sensitive in (False, True):
        pattern = rewrites.compile(source, case_sensitive=sensitive).as_route()
        assert not isinstance(pattern._matcher(), re.Pattern | regex.Pattern)
        subject = to_utf16(path)
        mine, theirs = pattern._matcher().match(subject), pattern.regex.match(subject)
        assert (mine is None) == (theirs is None), path
        if mine is not None and theirs is not None:
            assert (mine.group(0), mine.groups()) == (theirs.group(0), theirs.groups())


def test_whole_segments_match_greedily() -> None:
    """`/api/:path*` and `/blog/:slug` match with greedy segments; `/:a-:b` keeps its lazy split."""
    for source, greedy in [("/api/:path*", True), ("/blog/:slug", True), ("/:a-:b", False)]:
        matcher = rewrites.compile(source).as_route()._matcher()
        assert isinstance(matcher, re.Pattern | regex.Pattern)
        assert ("+?" not in matcher.pattern) is greedy, source
    split = rewrites.compile("/:a-:b").as_route()
    assert split._matcher().match("/x-y-z").groups() == split.regex.match("/x-y-z").groups()


@pytest.mark.parametrize(
    ("source", "folded", "ascii"),
    [
        ("/kilo/:p", "/\u212aILO/p", "/KILO/p"),
        ("/sis/:p", "/ſIS/p", "/SIS/p"),
        ("/bit/:p", "/BıT/p", "/BIT/p"),
        ("/:x([a-z]+)", "/ı", "/I"),
    ],
)
def test_letters_re_folds_further_never_match(source: str, folded: str, ascii: str) -> None:
    """`ſ`, `ı` and the Kelvin sign are not ASCII letters to JavaScript's case folding: the
    pattern (matched by its `re` twin) takes the ASCII capitals and refuses them."""
    pattern = rewrites.compile(source).as_route()
    assert pattern.match(ascii) is not None
    assert pattern._built is not None and isinstance(pattern._built.matcher, re.Pattern)
    assert pattern.match(folded) is None


@given(st.text(), sources())
def test_matching_never_raises(path: str, source: str) -> None:
    """No path makes match() raise, whatever the pattern."""
    try:
        pattern = rewrites.compile(source)
    except rewrites.PatternError:
        return
    pattern.match(path)
    pattern.as_route().match(path)


def test_regex_is_a_regex_pattern() -> None:
    """Pattern.regex is a compiled `regex` pattern."""
    assert isinstance(rewrites.compile("/a").regex, regex.Pattern)


def test_compiling_many_patterns_leaves_the_global_random_state_alone() -> None:
    """The `regex` module's own cache shrinks with `random`; patterns are compiled outside it."""
    import random

    state = random.getstate()
    for n in range(700):
        rewrites.compile(f"/p{n}/:id(\\d+)").match(f"/p{n}/1")
    assert random.getstate() == state


#: Characters where string comparison and JavaScript's case folding could part: letters whose
#: lower or upper case is ASCII (Kelvin sign, long s, dotted I), non-ASCII, and regex syntax.
_LITERAL_CHARS = "aAzZ/._-~kKsSi\u212a\u017f\u0130\u00e9\u00c9😀"
#: What a path may put in place of a source's character.
_LOOK_ALIKES = {"k": "K\u212a", "s": "S\u017f", "i": "I\u0130", "e": "E\u00e9", "/": "/"}


@given(
    st.sampled_from(["", "/_next", "/base/_next", "/_NEXT"]),
    st.text(_LITERAL_CHARS, max_size=8),
    st.booleans(),
    st.sampled_from([None, (), ("/_next",), ("/base/_next",), ("/b.se/_next",)]),
    st.data(),
)
def test_literal_sources_match_without_a_regex_as_the_regex_does(
    head: str,
    rest: str,
    sensitive: bool,
    restricted: tuple[str, ...] | None,
    data: st.DataObject,
) -> None:
    """A source that is one literal text is matched by comparing strings: never otherwise than by
    its regex, whatever the case, the trailing slash, the non-ASCII text or the guarded prefix."""
    source = head + "/" + rest
    pattern = rewrites.compile(source, case_sensitive=sensitive)
    if restricted is not None:
        pattern = pattern.as_route(restricted=restricted)
    chars = [
        data.draw(st.sampled_from([ch, ch.swapcase(), *_LOOK_ALIKES.get(ch.lower(), "")]))
        for ch in source
    ]
    path = "".join(chars) + data.draw(st.sampled_from(["", "/", "//", "x", "\u212a"]))
    found = pattern.match(path)
    subject = path if path.isascii() else to_utf16(path)
    assert (found is not None) == (pattern.regex.match(subject) is not None)
    if found is not None:
        assert found == rewrites.Match(path, {}, ())


_LITERAL_SOURCES = ["/", "/_next", "/_next/a", "/base/_next/k", "/Ks", "/a/b.c", "/é", "/s/"]


def _variants(source: str) -> set[str]:
    """The source in other cases, with look-alike letters, and with what may follow it."""
    cases = {source, source.upper(), source.lower(), source.swapcase()}
    for at, ch in enumerate(source):
        cases |= {source[:at] + alike + source[at + 1 :] for alike in _LOOK_ALIKES.get(ch, "")}
    return {case + end for case in cases for end in ("", "/", "//", "x", "\u212a")}


@pytest.mark.parametrize("source", _LITERAL_SOURCES)
def test_literal_sources_match_as_their_regex_on_every_variant(source: str) -> None:
    """Every case, look-alike and trailing variant of a literal source, with and without the
    `/_next` guards and case sensitivity: string comparison answers as the regex does."""
    for sensitive in (False, True):
        base = rewrites.compile(source, case_sensitive=sensitive)
        for pattern in (
            base,
            base.as_route(),
            base.as_route(restricted=["/_next"]),
            base.as_route(restricted=["/base/_next"]),
            base.as_route(restricted=["/b.se/_next"]),
        ):
            for path in _variants(source) | _variants("/_next") | _variants("/base/_next/k"):
                subject = path if path.isascii() else to_utf16(path)
                expected = pattern.regex.match(subject) is not None
                assert (pattern.match(path) is not None) == expected, (pattern, path)


def test_literal_sources_need_no_regex() -> None:
    """Matching a plain source builds no regex; a source with a parameter does."""
    plain = rewrites.compile("/old/Blog/Post-1").as_route(restricted=["/_next"])
    assert plain.match("/old/blog/post-1/") == rewrites.Match("/old/blog/post-1/", {}, ())
    assert plain.match("/old/blog/post-1//") is None
    assert plain._built is None or plain._built.regex is None
    param = rewrites.compile("/old/:slug").as_route()
    assert param.match("/old/x") is not None
    assert param._built is not None and param._built.matcher is not None


@settings(max_examples=400)
@given(
    sources(),
    st.booleans(),
    st.lists(st.one_of(WORD_PATHS, FOLD_PATHS, st.text(max_size=12).map(lambda t: "/" + t))),
)
def test_route_params_answers_as_match_once_it_reads_its_plan(
    source: str, sensitive: bool, paths: list[str]
) -> None:
    """After its first call a pattern's `route_params` reads its own plan (`Pattern._fast`) for an
    ASCII path: the same params and values as `match` gives, path after path; and `matches`
    (which reads the same plan) says whether `match` matches."""
    try:
        pattern = rewrites.compile(source, case_sensitive=sensitive).as_route()
        pattern.regex  # noqa: B018 (a source JavaScript refuses fails here)
    except rewrites.PatternError:
        assume(False)
        return
    matched = False
    # The source's own text is a path a literal source matches (with its one more '/').
    for path in ["/", source, source + "/", *paths, source, *paths]:
        found = pattern.match(path, timeout=None)
        assert pattern.matches(path, timeout=None) is (found is not None), path
        got = pattern.route_params(path, timeout=None)
        if found is None:
            assert got is None, path
            continue
        matched = True
        assert got is not None, path
        params, values = got
        assert values == list(found.groups), path
        named = {str(k): list(v) if isinstance(v, tuple) else v for k, v in found.params.items()}
        assert params == named, path
    if matched:  # worked out once a path got as far as the matcher (a literal needs none)
        assert pattern._built is not None
        assert pattern._built.fast is not False or pattern._built.literal
