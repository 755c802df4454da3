"""The lexer and parser: path-to-regexp 6.3.0's grammar and its errors, with spans and fixes."""

from __future__ import annotations

import contextlib

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rewrites
from rewrites._syntax import _SIMPLE_SOURCE, Key, Token, _Parser, parse


def key(name: str | int, prefix: str, pattern: str, modifier: str = "", suffix: str = "") -> Key:
    """A Key for comparisons (spans are not compared)."""
    return Key(name, prefix, suffix, pattern, modifier, span=(0, 0))


DEFAULT = "[^\\/]+?"


def test_named_param_takes_the_slash_as_prefix() -> None:
    """A ':name' after '/' is a parameter whose prefix is '/'."""
    assert parse("/blog/:slug") == ("/blog", key("slug", "/", DEFAULT))


def test_unnamed_groups_are_numbered_across_braces() -> None:
    """Unnamed groups get 0, 1, ... in order, counting those inside '{...}' too."""
    tokens = parse("/(a){-(b)}/:x/(c)")
    names = [t.name for t in tokens if isinstance(t, Key)]
    assert names == [0, 1, "x", 2]


def test_param_after_text_in_a_segment_gets_the_backtrack_safe_pattern() -> None:
    """6.3.0: a value may not contain the text that precedes it in its segment."""
    assert parse("/:a-:b") == (
        key("a", "/", DEFAULT),
        "-",
        key("b", "", "(?:(?!-)[^\\/])+?"),
    )


def test_text_with_a_slash_keeps_the_default_pattern() -> None:
    """Preceding text that holds the delimiter leaves the default pattern alone."""
    assert parse("/foo-:bar") == ("/foo-", key("bar", "", DEFAULT))


def test_dot_is_a_prefix_character() -> None:
    """'.' before a parameter is its prefix, so '.:ext?' makes the dot optional too."""
    assert parse("/f.:ext?") == ("/f", key("ext", ".", "(?:(?!\\.)[^\\/])+?", "?"))


def test_group_with_prefix_and_suffix() -> None:
    """A '{...}' group has literal prefix and suffix text around its parameter."""
    assert parse("/a{-:b-}*") == ("/a", key("b", "-", "(?:(?!-)[^\\/])+?", "*", "-"))


def test_literal_group_is_a_key_without_pattern() -> None:
    """'{abc}?' is optional literal text: a token with no name and no pattern."""
    assert parse("/x{abc}?") == ("/x", key("", "abc", "", "?"))


def test_escaped_characters_are_literal() -> None:
    """A backslash makes the next character literal, ':' and '/' included."""
    assert parse("/foo\\:bar\\/:id") == ("/foo:bar/", key("id", "", DEFAULT))


def test_trailing_backslash_is_dropped() -> None:
    """A lone backslash at the end escapes nothing and vanishes, as in path-to-regexp."""
    assert parse("/p\\") == ("/p",)


def test_name_stops_at_non_ascii() -> None:
    """Names are [A-Za-z0-9_]+, so ':naïve' is the name 'na' followed by text."""
    assert parse("/:naïve") == (key("na", "/", DEFAULT), "ïve")


def test_a_name_may_start_with_a_digit() -> None:
    """':1abc' is a valid name."""
    assert parse("/:1abc")[0] == key("1abc", "/", DEFAULT)


def test_spans_cover_prefix_name_pattern_and_modifier() -> None:
    """A key's span runs from its prefix to its modifier."""
    (_, k) = parse("/blog/:slug(\\d+)?")
    assert isinstance(k, Key)
    assert k.span == (5, 17)


ERRORS = [
    (
        "/p/:",
        "Missing parameter name at 3",
        "Missing parameter name after ':'\n"
        "    /p/:\n"
        "       ^\n"
        "Name the parameter (':id'), or escape the colon as '\\:' to match a literal ':'",
    ),
    (
        "/p/:id(",
        "Unbalanced pattern at 6",
        "Unbalanced '(': the pattern is never closed\n"
        "    /p/:id(\n"
        "          ^\n"
        "Close it with ')', or escape it as '\\(' to match a literal '('",
    ),
    (
        "/p/(?:x)",
        'Pattern cannot start with "?" at 4',
        "A parameter's pattern cannot start with '?'\n"
        "    /p/(?:x)\n"
        "       ^~\n"
        "Put the assertion inside a pattern, as in '((?!auth).*)', or escape the parenthesis "
        "as '\\(' to match a literal '('",
    ),
    (
        "/p/((x))",
        "Capturing groups are not allowed at 4",
        "Capturing groups are not allowed inside a parameter's pattern\n"
        "    /p/((x))\n"
        "        ^\n"
        "Use a non-capturing group '(?:...)' instead",
    ),
    (
        "/p/()",
        "Missing pattern at 3",
        "Empty pattern '()'\n"
        "    /p/()\n"
        "       ^~\n"
        "Write a pattern between the parentheses, or escape them as '\\(\\)' to match them "
        "literally",
    ),
    (
        "/p/:a:b",
        'Must have text between two parameters, missing text after "a"',
        "Parameter 'b' must be separated from 'a' by literal text\n"
        "    /p/:a:b\n"
        "      ^~~~~\n"
        "Put text between them (':a-:b'), or give 'b' an explicit pattern (':b(\\d+)')",
    ),
    (
        "/foo-:bar*",
        'Can not repeat "bar" without a prefix and suffix',
        "Parameter 'bar' cannot repeat ('*') without a prefix or suffix\n"
        "    /foo-:bar*\n"
        "         ^~~~~\n"
        "Start it with '/' or '.' ('/files/:rest*'), or put it in a group with a separator "
        "('{-:rest}*')",
    ),
    (
        "/foo?",
        "Unexpected MODIFIER at 4, expected END",
        "Unexpected '?': a modifier must follow a parameter or a '{...}' group\n"
        "    /foo?\n"
        "        ^\n"
        "Escape it as '\\?' to match a literal '?'",
    ),
    (
        "/a}",
        "Unexpected CLOSE at 2, expected END",
        "Unexpected '}' without a matching '{'\n"
        "    /a}\n"
        "      ^\n"
        "Escape it as '\\}' to match a literal '}'",
    ),
    (
        "/{a",
        "Unexpected END at 3, expected CLOSE",
        "Unclosed '{': the group is never closed\n"
        "    /{a\n"
        "     ^~\n"
        "Close the group with '}', or escape the brace as '\\{' to match a literal '{'",
    ),
    (
        "/{:a:b}",
        "Unexpected NAME at 4, expected CLOSE",
        "A '{...}' group holds at most one parameter\n"
        "    /{:a:b}\n"
        "        ^~\n"
        "Split it into two groups, or escape the ':' or '(' to match it literally",
    ),
    (
        "/{a{b}}",
        "Unexpected OPEN at 3, expected CLOSE",
        "Groups '{...}' cannot be nested\n"
        "    /{a{b}}\n"
        "       ^\n"
        "Escape the inner brace as '\\{' to match a literal '{'",
    ),
]


@pytest.mark.parametrize(("source", "js", "text"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_text(source: str, js: str, text: str) -> None:
    """Each path-to-regexp error has a message, a caret under the place, a fix, and the JS text."""
    with pytest.raises(rewrites.PatternError) as info:
        rewrites.compile(source)
    assert str(info.value) == text
    assert info.value.js_message == js
    assert info.value.source == source


def test_error_position_is_the_javascript_index() -> None:
    """`position` is where path-to-regexp says the problem is."""
    with pytest.raises(rewrites.PatternError) as info:
        rewrites.compile("/a/b/:")
    assert info.value.position == 5


def test_caret_escapes_control_characters() -> None:
    """A control character in the source is shown escaped and the caret still lines up."""
    with pytest.raises(rewrites.PatternError) as info:
        rewrites.compile("/\n/:")
    assert str(info.value).splitlines()[1:3] == ["    /\\x0a/:", "          ^"]


@given(st.text(alphabet=st.sampled_from("/:(){}?*+\\.-ab1_é😀[]|^$"), max_size=30) | st.text())
def test_parsing_raises_only_pattern_error(source: str) -> None:
    """No source string makes compile raise anything but PatternError."""
    with contextlib.suppress(rewrites.PatternError):
        rewrites.compile(source)


#: Pieces that make sources at the edge of the whole-segment fast path: params with and without
#: patterns and modifiers, escapes, groups, and the characters that send a source to the lexer.
_PIECES = ["/", "/a", "/Ab", "/:id", "/:x_1", ":", "(", ")", "\\d+", "\\", "?", "*", "+"]
_PIECES += ["[a-z]", "(?:x)", ".", "-", "é", "{", "}", "/(", "\\)", "\\(", "a/b", "\n", "/:p(.*)"]
_PIECES += ["/:id(\\d+)", "/:p(.*)", "/:v([a-z/]+)?", "/:q(a\\)b)*", "/:r(é+)+", "/x"] * 3


@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8).map("".join))
def test_the_whole_segment_fast_path_parses_as_the_lexer_does(source: str) -> None:
    """Sources the fast path takes parse to the same tokens, spans and all, as the full parser."""
    if not _SIMPLE_SOURCE.fullmatch(source):
        return
    full = tuple(_Parser(source).parse())  # raises if the fast path took an invalid source

    def shape(tokens: tuple[Token, ...]) -> list[object]:
        return [t if isinstance(t, str) else (attrs.astuple(t), t.span, t.custom) for t in tokens]

    assert shape(parse(source)) == shape(full)


def test_the_fast_path_takes_custom_patterns_without_groups() -> None:
    """`/:id(\\d+)` skips the lexer; `((?!x).*)` and text around a param do not."""
    assert _SIMPLE_SOURCE.fullmatch("/docs/:id(\\d+)/:rest*")
    assert parse("/docs/:id(\\d+)")[1] == key("id", "/", "\\d+")
    assert parse("/docs/:id(\\d+)")[1].custom
    for source in ("/:p((?!x).*)", "/:id(\\d+).json", "/:id(?x)", "/(\\d+)"):
        assert not _SIMPLE_SOURCE.fullmatch(source)
