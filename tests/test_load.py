"""Tests for the loader's shortcuts: each gives what the full machinery gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rewrites._js.url import DOT_SEGMENT as _DOT_SEGMENT
from rewrites._js.url import parse_url
from rewrites._load import _PLAIN_PATH


@settings(max_examples=1500, deadline=None)
@given(st.text("ab/.%:@-_~!$&'()*+,;=2?#é \\", max_size=12))
def test_a_plain_destination_path_is_what_the_url_parser_gives(text: str) -> None:
    """A destination the limit check takes as it is has the URL parser's pathname and hash."""
    destination = "/" + text
    if _PLAIN_PATH.fullmatch(destination) and not _DOT_SEGMENT.search(destination):
        url = parse_url(destination, "http://n")
        assert url.pathname + url.hash == destination
