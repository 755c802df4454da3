"""Tests for the whole-segment parser's short ways (`parse_whole_segments`): a source whose last
segment is plain text is parsed from its parsed rest, and every source parses as the full parser
parses it."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

from rewrites._syntax import (
    _WHOLE_HEADS,
    _WHOLE_SEGMENTS,
    Key,
    Token,
    _Parser,
    _whole_segments,
    parse_whole_segments,
)

#: Pieces that make sources at the edge of the short ways: whole-segment keys (named, unnamed,
#: with patterns that hold '/' or escapes), plain text segments, and what sends a source to the
#: lexer (text next to a key, braces, a backslash, a lone '(' or ')').
_PIECES = ["/", "/a", "/page-12", "/Ab.c", "/é", "/:id", "/:x_1", "/(.*)", "/(\\d+)", "/:p(.*)"]
_PIECES += ["/:id(\\d+)?", "/:v([a-z/]+)", "/:q(a\\)b)*", "/:r(x/y)+", "/:rest*", "/(a/b)"]
_PIECES += [":", "(", ")", "\\", "\\/", "?", "*", "{", "}", "-", "x", "\n", "/{a}?", "/:a-:b"]


def _shape(parsed: tuple[tuple[Token, ...], tuple[Key, ...], bool] | None) -> object:
    """Everything a parse gives, spans and `custom` included."""
    if parsed is None:
        return None
    tokens, keys, custom = parsed

    def one(token: Token) -> object:
        return token if isinstance(token, str) else (attrs.astuple(token), token.span, token.custom)

    return [one(t) for t in tokens], [one(k) for k in keys], custom


@given(
    st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join), max_size=6)
)
def test_whole_segments_parse_as_from_the_whole_source(sources: list[str]) -> None:
    """Law: whatever sources came before (their parsed rests kept), `parse_whole_segments` gives
    what parsing the whole source gives, and for a source of whole segments what the full parser
    gives; None exactly for the others."""
    for source in sources:
        for text in (source, source + "/page-7", source + "/", source + "/:id/x-1"):
            found = parse_whole_segments(text)
            assert _shape(found) == _shape(_whole_segments(text))
            assert (found is None) == (_WHOLE_SEGMENTS.fullmatch(text) is None)
            if found is not None:
                full = tuple(_Parser(text).parse())
                keys = tuple(t for t in full if isinstance(t, Key))
                custom = any(k.custom for k in keys)
                assert _shape(found) == _shape((full, keys, custom))


def test_a_source_with_a_plain_last_segment_is_parsed_from_its_rest() -> None:
    """`/:locale/page-12` and `/:locale/page-13` share the keys of `/:locale`, parsed once."""
    first = parse_whole_segments("/:locale/page-12")
    second = parse_whole_segments("/:locale/page-13")
    assert first is not None and second is not None
    assert "/:locale" in _WHOLE_HEADS
    assert second[1] is first[1]
    assert second[0] == (first[0][0], "/page-13")
