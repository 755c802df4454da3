"""has/missing conditions: the rows of table C in ../shared/reference/nextjs-semantics.md (§4)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rewrites._conditions import (
    PLAIN_VALUE,
    Condition,
    RequestView,
    match_conditions,
    parse_cookies,
)
from rewrites._js.regexp import capture_names, to_utf16, translate


def cond(item: dict[str, Any]) -> Condition:
    """A Condition from a config item."""
    return Condition(item["type"], item.get("key", ""), item.get("value"))


ROWS = [
    ("C1", {"x-rewrite-me": "yes"}, {}, [{"type": "header", "key": "X-Rewrite-Me"}], [],
     {"xrewriteme": "yes"}),
    ("C2", {"x-rewrite-me": ""}, {}, [{"type": "header", "key": "x-rewrite-me"}], [], None),
    ("C3", {"x-a": "yes-please"}, {}, [{"type": "header", "key": "x-a", "value": "yes"}], [],
     None),
    ("C4", {"x-a": "YES"}, {}, [{"type": "header", "key": "x-a", "value": "yes"}], [], None),
    ("C5", {"x-a": "yesXX"}, {}, [{"type": "header", "key": "x-a", "value": "yes|true"}], [], {}),
    ("C6", {"x-authorized": "true"}, {},
     [{"type": "header", "key": "x-authorized", "value": "(?<authorized>yes|true)"}], [],
     {"authorized": "true"}),
    ("C7", {"x-a": "first-second"}, {}, [{"type": "header", "key": "x-a", "value": "first-(.*)"}],
     [], {}),
    ("C8", {"cookie": "authorized=true; o=1"}, {}, [{"type": "cookie", "key": "authorized"}], [],
     {"authorized": "true"}),
    ("C9", {"cookie": "Authorized=true"}, {}, [{"type": "cookie", "key": "authorized"}], [], None),
    ("C10", {"cookie": "n=a%20b"}, {}, [{"type": "cookie", "key": "n"}], [], {"n": "a b"}),
    ("C11", {}, {"page": ""}, [{"type": "query", "key": "page"}], [], None),
    ("C12", {}, {"page": ["a", "home"]}, [{"type": "query", "key": "page", "value": "home"}], [],
     {}),
    ("C13", {}, {"page": ["home", "a"]}, [{"type": "query", "key": "page", "value": "home"}], [],
     None),
    ("C14", {"host": "Example.com:3000"}, {}, [{"type": "host", "value": "example.com"}], [],
     {"host": "example.com"}),
    ("C15", {"host": "sub.example.com"}, {},
     [{"type": "host", "value": "(?<sub>.*)\\.example\\.com"}], [], {"sub": "sub"}),
    ("C16", {"x-my_header-2": "v"}, {}, [{"type": "header", "key": "x-my_header-2"}], [],
     {"xmyheader": "v"}),
    ("C17", {}, {}, [], [{"type": "header", "key": "x-a"}], {}),
    ("C18", {"x-a": "1"}, {}, [], [{"type": "header", "key": "x-a"}], None),
    ("C19", {"x-a": "1"}, {}, [], [{"type": "header", "key": "x-a", "value": "2"}], {}),
]  # fmt: skip


@pytest.mark.parametrize(("row", "headers", "query", "has", "missing", "expected"), ROWS)
def test_table_c(
    row: str,
    headers: dict[str, str],
    query: dict[str, Any],
    has: list[dict[str, Any]],
    missing: list[dict[str, Any]],
    expected: dict[str, str] | None,
) -> None:
    """Each row of table C gives Next.js's params, or no match."""
    view = RequestView({k.lower(): v for k, v in headers.items()})
    got = match_conditions([cond(h) for h in has], [cond(m) for m in missing], view, query)
    assert got == expected


def test_cookie_parsing_follows_the_cookie_package() -> None:
    """First value wins, quotes are stripped, bad escapes are kept raw, pairs without '=' skip."""
    assert parse_cookies('a=1; a=2; b="q"; c=%E0%A4%A; junk; d = x ') == {
        "a": "1",
        "b": "q",
        "c": "%E0%A4%A",
        "d": "x",
    }


@given(st.text(alphabet="aZ09-_,=@:/ .\\", max_size=12))
def test_plain_values_are_valid_and_capture_nothing(value: str) -> None:
    """A value the plain check passes (skipping the regex parser at load) is a valid JavaScript
    regex with no named group, as the full check finds."""
    if not PLAIN_VALUE.fullmatch(value):
        return
    source = to_utf16("^" + value + "$")
    assert translate(source, ignore_case=False, allow_named=True)[1] == 0
    assert capture_names(source) == {}
