"""Tests for the JavaScript RegExp -> `regex` translator (`rewrites._js.regexp`).

The differential vectors in tests/vectors/jsregex.json come from real V8 (see gen_jsregex.py);
the unit tests below pin down each JavaScript quirk by hand.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from rewrites._index import _contained
from rewrites._js.regexp import (
    JSRegexError,
    _case_closure,
    from_utf16,
    group_end,
    parse,
    to_utf16,
    translate,
)

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "vectors" / "jsregex.json").read_text(encoding="ascii")
)
REFUSALS = {
    "named": "named capture groups are not supported",
    "backref": "back-references are not supported",
}


def js_exec(source: str, subject: str, *, flags: str = "") -> list[str | None] | None:
    """Emulate `new RegExp(source, flags).exec(subject)` with the translated pattern."""
    pattern, count = translate(to_utf16(source), ignore_case="i" in flags)
    match = regex.compile(pattern, regex.V0).search(to_utf16(subject))
    if match is None:
        return None
    return [match.group(i) for i in range(count + 1)]


def js_error(source: str, *, flags: str = "") -> str:
    """The JSRegexError message for `source`."""
    with pytest.raises(JSRegexError) as info:
        translate(to_utf16(source), ignore_case="i" in flags)
    return info.value.message


def utf16_groups(groups: list[str | None] | None) -> list[str | None] | None:
    """Expected groups from the JSON, in UTF-16 code units like our results."""
    if groups is None:
        return None
    return [None if g is None else to_utf16(g) for g in groups]


def vector_id(vector: dict[str, Any]) -> str:
    """A readable pytest id for a vector."""
    return f"/{vector['source']}/{vector['flags']}".encode("unicode_escape").decode("ascii")


# ----------------------------------------------------------------------------------------------
# Differential vectors


def test_vector_counts() -> None:
    """The vector file has enough subject cases and syntax-error patterns."""
    pairs = sum(len(v.get("cases", ())) for v in VECTORS)
    errors = sum("error" in v for v in VECTORS)
    assert pairs >= 3000
    assert errors >= 200


@pytest.mark.parametrize("vector", VECTORS, ids=vector_id)
def test_vector(vector: dict[str, Any]) -> None:
    """Our translation agrees with V8: same error, same refusal, or same exec() results."""
    source, flags = to_utf16(vector["source"]), vector["flags"]
    if "error" in vector:
        assert js_error(source, flags=flags) == vector["error"]
        return
    if vector["refuse"]:
        assert js_error(source, flags=flags) == REFUSALS[vector["refuse"]]
        return
    assert translate(source, ignore_case="i" in flags)[1] == vector["captures"]
    for case in vector["cases"]:
        got = js_exec(source, case["subject"], flags=flags)
        assert got == utf16_groups(case["result"]), case["subject"]


# ----------------------------------------------------------------------------------------------
# API and UTF-16


def test_to_utf16_splits_astral() -> None:
    """to_utf16 replaces an astral character by its surrogate pair."""
    assert to_utf16("a\U0001f600b") == "a\ud83d\ude00b"


def test_from_utf16_roundtrip_and_lone_surrogates() -> None:
    """from_utf16 recombines pairs and keeps lone surrogates."""
    assert from_utf16("a\ud83d\ude00b") == "a\U0001f600b"
    assert from_utf16("\ude00\ud83d") == "\ude00\ud83d"


def test_translate_returns_group_count() -> None:
    """translate returns the number of capturing groups, lookarounds included."""
    assert translate("(a)(?:b)(?=(c))(?<=(d))", ignore_case=False)[1] == 3


def test_error_has_message_and_offset() -> None:
    """JSRegexError carries V8's message and a source offset."""
    with pytest.raises(JSRegexError) as info:
        translate("ab**", ignore_case=False)
    assert info.value.message == "Nothing to repeat"
    assert info.value.offset == 3


# ----------------------------------------------------------------------------------------------
# Literals and quantifiers


def test_braces_and_bracket_are_literals() -> None:
    """']', '{', '}' and an incomplete '{...}' are literal characters (Annex B)."""
    assert js_exec("a{,3}", "a{,3}") == ["a{,3}"]
    assert js_exec("a{", "a{") == ["a{"]
    assert js_exec("]}", "]}") == ["]}"]
    assert js_exec("a{1,2", "aa{1,2") == ["a{1,2"]


def test_nothing_to_repeat() -> None:
    """A quantifier with no atom is "Nothing to repeat", including '{1}' and stacked ones."""
    for source in ("*", "{1}", "a|+", "(*)", "a**", "x{2}{3}"):
        assert js_error(source) == "Nothing to repeat"


def test_numbers_out_of_order() -> None:
    """'{2,1}' is a SyntaxError with V8's wording."""
    assert js_error("a{2,1}") == "numbers out of order in {} quantifier"


def test_lazy_quantifiers() -> None:
    """Lazy quantifiers take as little as possible."""
    assert js_exec("a+?", "aaa") == ["a"]
    assert js_exec("a{2,}?", "aaaa") == ["aa"]
    assert js_exec("(a*?)b", "aab") == ["aab", "aa"]


def test_huge_bounds_are_infinite_or_refused() -> None:
    """V8 clamps numbers >= 2**31-1 to infinity; finite huge counts are refused, not crashed."""
    assert js_exec("a{0,99999999999}", "aaa") == ["aaa"]
    assert js_error("a{99999999}") == "quantifier too large to translate"


def test_quantified_lookahead() -> None:
    """Annex B: a lookahead may be quantified; zero-width iterations are dropped as in V8."""
    assert js_exec("(?=(a))*", "a") == ["", None]
    assert js_exec("(?=(a))+", "a") == ["", "a"]
    assert js_exec("(?=(a)){0}", "a") == ["", None]


def test_lookbehind_and_assertions_not_quantifiable() -> None:
    """Lookbehinds are "Invalid quantifier"; ^ $ \\b \\B are "Nothing to repeat"."""
    assert js_error("(?<=a)*") == "Invalid quantifier"
    assert js_error("(?<!a){2}") == "Invalid quantifier"
    for source in ("^*", "$+", r"\b?", r"\B{2}"):
        assert js_error(source) == "Nothing to repeat"


# ----------------------------------------------------------------------------------------------
# Dot, anchors, classes


def test_dot_excludes_line_terminators_only() -> None:
    """'.' matches any code unit except \\n \\r U+2028 U+2029 (and one half of an emoji)."""
    for ch in "\n\r\u2028\u2029":
        assert js_exec("^.$", ch) is None
    assert js_exec("^.$", "\u0085") == ["\u0085"]
    assert js_exec(".", "\U0001f600") == ["\ud83d"]


def test_dollar_is_end_of_input() -> None:
    """'$' never matches before a final newline (unlike Python's '$')."""
    assert js_exec("a$", "a\n") is None
    assert js_exec("^a$", "a") == ["a"]


def test_empty_and_full_classes() -> None:
    """'[]' never matches and '[^]' matches any code unit."""
    assert js_exec("[]", "abc") is None
    assert js_exec("[^]", "\n") == ["\n"]


def test_class_escapes_are_js() -> None:
    """\\d \\w are ASCII; \\s is JS WhiteSpace + LineTerminator."""
    assert js_exec(r"\d", "\u0663") is None
    assert js_exec(r"\w", "\u00e9") is None
    assert js_exec(r"\s+", "\t\u00a0\u2028\ufeff\u3000") == ["\t\u00a0\u2028\ufeff\u3000"]
    assert js_exec(r"\s", "\u180e\u0085") is None


def test_word_boundary_is_ascii() -> None:
    """\\b and \\B use ASCII word characters."""
    assert js_exec(r"\b", "\u00e9a") == [""]
    assert js_exec(r"\Ba", "\u00e9a") is None
    assert js_exec(r"a\b", "a\u00e9") == ["a"]


def test_class_with_class_escape_range() -> None:
    """Annex B: '[\\d-z]' and '[a-\\w]' are unions with a literal '-'."""
    assert js_exec(r"^[\d-z]+$", "1-z") == ["1-z"]
    assert js_exec(r"^[\d-z]$", "m") is None
    assert js_exec(r"^[a-\w]+$", "a-_") == ["a-_"]


def test_range_out_of_order() -> None:
    """A reversed class range is a SyntaxError."""
    assert js_error("[z-a]") == "Range out of order in character class"


def test_python_class_quirks_are_escaped() -> None:
    """Characters special in Python classes ('[', '&&', '--', '||', '~~') are plain in JS."""
    assert js_exec("^[[]$", "[") == ["["]
    assert js_exec("^[a&&b]+$", "&ab") == ["&ab"]
    assert js_exec("^[b-b--]+$", "b-") == ["b-"]
    assert js_exec("^[|~]+$", "|~") == ["|~"]


def test_astral_literal_is_two_code_units() -> None:
    """Without /u a quantifier after an emoji applies to its trail surrogate only."""
    assert js_exec("^\U0001f600+$", "\U0001f600\ude00") == ["\ud83d\ude00\ude00"]
    assert js_error("[\U0001f600-\U0001f601]") == "Range out of order in character class"


# ----------------------------------------------------------------------------------------------
# Escapes


def test_control_escapes() -> None:
    """\\f \\n \\r \\t \\v and \\0 are the usual control characters."""
    assert js_exec(r"^\f\n\r\t\v\0$", "\f\n\r\t\v\0") == ["\f\n\r\t\v\0"]


def test_hex_and_unicode_escapes() -> None:
    """\\xHH and \\uHHHH decode; incomplete ones are the letters 'x' and 'u'."""
    assert js_exec(r"\x41\u00e9", "A\u00e9") == ["A\u00e9"]
    assert js_exec(r"^\x4$", "x4") == ["x4"]
    assert js_exec(r"^\u{41}$", "u" * 41) == ["u" * 41]


def test_control_letter_escapes() -> None:
    """\\cX is a control char; otherwise '\\c' is a backslash then 'c' (classes: also digits, _)."""
    assert js_exec(r"\cJ\ca", "\n\x01") == ["\n\x01"]
    assert js_exec(r"^\c1$", "\\c1") == ["\\c1"]
    assert js_exec(r"^\c*$", "\\ccc") == ["\\ccc"]
    assert js_exec(r"^[\c1\c_]+$", "\x11\x1f") == ["\x11\x1f"]
    assert js_exec(r"^[\c]+$", "c\\") == ["c\\"]


def test_legacy_octal_and_8_9() -> None:
    """\\1..\\377 are octal when not back-references; \\8 and \\9 are the digits."""
    assert js_exec(r"^\01\12\377\400$", "\x01\n\xff 0") == ["\x01\n\xff 0"]
    assert js_exec(r"^\8\9$", "89") == ["89"]
    assert js_exec(r"^\2(a)$", "\x02a") == ["\x02a", "a"]


def test_identity_escapes() -> None:
    """Other escapes stand for the character itself (\\a, \\p, \\k, \\-, \\/)."""
    assert js_exec(r"^\a\p\k\-\/\e$", "apk-/e") == ["apk-/e"]


def test_escapes_inside_class() -> None:
    """Inside a class \\b is backspace and \\1 is octal."""
    assert js_exec(r"^[\b]$", "\x08") == ["\x08"]
    assert js_exec(r"^(a)[\1]$", "a\x01") == ["a\x01", "a"]


def test_backslash_at_end() -> None:
    """A trailing backslash is a SyntaxError, in or out of a class."""
    assert js_error("a\\") == "\\ at end of pattern"
    assert js_error("[\\") == "\\ at end of pattern"


# ----------------------------------------------------------------------------------------------
# Case-insensitive matching


def test_ignore_case_basic() -> None:
    """With 'i', É/é and Σ/σ/ς are equivalent."""
    assert js_exec("\u00e9", "\u00c9", flags="i") == ["\u00c9"]
    assert js_exec("^\u03c3+$", "\u03a3\u03c2\u03c3", flags="i") == ["\u03a3\u03c2\u03c3"]


def test_ignore_case_never_maps_non_ascii_to_ascii() -> None:
    """ſ does not match 's' and the Kelvin sign does not match 'k' (Canonicalize rule)."""
    assert js_exec("s", "\u017f", flags="i") is None
    assert js_exec("k", "\u212a", flags="i") is None
    assert js_exec("[a-z]", "\u017f\u212a", flags="i") is None
    assert js_exec("\u0130", "i", flags="i") is None
    assert js_exec("\u00df", "SS", flags="i") is None


def test_ignore_case_closes_classes() -> None:
    """Classes are closed over case groups; negated classes complement the closure."""
    assert js_exec("^[a-c]+$", "AbC", flags="i") == ["AbC"]
    assert js_exec("^[^a]$", "A", flags="i") is None
    assert js_exec(r"^\W$", "S", flags="i") is None


# ----------------------------------------------------------------------------------------------
# Groups, loops and refusals


def test_capture_reset_per_iteration() -> None:
    """JS clears a loop body's captures at each iteration."""
    assert js_exec("(?:(a)|b)+", "ab") == ["ab", None]
    assert js_exec("(?:(a)|(ab))*", "abab") == ["a", "a", None]


def test_empty_iteration_rejected() -> None:
    """JS rejects an optional iteration that matches empty, trying other choices instead."""
    assert js_exec("(?:|a)*", "a") == ["a"]
    assert js_exec("(a*)*", "b") == ["", None]
    assert js_exec("(a*)?", "b") == ["", None]
    assert js_exec("(?:a|){3}b", "ab") == ["ab"]


def test_lookbehind_matches_right_to_left() -> None:
    """Lookbehind captures come from right-to-left matching, and loops in it reset too."""
    assert js_exec(r"(?<=(\d+)(\d+))$", "1053") == ["", "1", "053"]
    assert js_exec("(?<=(?:(a)|b)+)c", "abc") == ["c", "a"]
    assert js_exec("(?<=(?:(a)|b)+)c", "bac") == ["c", None]


def test_group_syntax_errors() -> None:
    """Unbalanced parentheses and unknown '(?' forms use V8's messages."""
    assert js_error("(a") == "Unterminated group"
    assert js_error("a)") == "Unmatched ')'"
    assert js_error("(?i:a)") == "Invalid group"
    assert js_error("(?P<n>a)") == "Invalid group"
    assert js_error("[a") == "Unterminated character class"


def test_named_groups_refused() -> None:
    """Valid named groups are refused; invalid ones give V8's SyntaxError."""
    assert js_error("(?<year>\\d+)") == "named capture groups are not supported"
    assert js_error("(?<1>x)") == "Invalid capture group name"
    assert js_error("(?<a>)(?<a>)") == "Duplicate capture group name"
    assert js_error("(?<a>x)\\k<b>") == "Invalid named capture referenced"


def test_back_references_refused() -> None:
    """A decimal escape <= the total group count is a back-reference, and is refused."""
    assert js_error("(a)\\1") == "back-references are not supported"
    assert js_error("\\1(a)") == "back-references are not supported"
    assert js_error("(a)\\1", flags="i") == "back-references are not supported"


def test_k_is_identity_without_named_groups() -> None:
    """'\\k<a>' is literal 'k<a>' when the pattern has no named groups."""
    assert js_exec("^\\k<a>$", "k<a>") == ["k<a>"]


# ----------------------------------------------------------------------------------------------
# Robustness


@settings(max_examples=1500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab()[]{}^$|*+?.\\-,:=!<>0123dwbBckux^")), max_size=30)
)
def test_fuzz_regex_syntax(source: str) -> None:
    """On regex-ish text translate raises only JSRegexError, and its output compiles."""
    check_never_crashes(source)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_fuzz_any_text(source: str) -> None:
    """On arbitrary text translate raises only JSRegexError, and its output compiles."""
    check_never_crashes(to_utf16(source))


def test_resource_limits_raise_jsregexerror() -> None:
    """Deep nesting, huge unrolled counts and exponential loop copies are refused cleanly."""
    assert js_error("(" * 150 + ")" * 150) == "groups nested too deeply to translate"
    assert js_error("(?:(?:a|)(?:b|)){100000}") == "quantifier too large to translate"
    assert js_error("(?:" * 40 + "a?" + "){1,2}" * 40) == "pattern too complex to translate"


def test_astral_source_is_accepted() -> None:
    """A source that was not passed through to_utf16 is converted, not mis-escaped."""
    assert translate("\U0001f600", ignore_case=False) == translate(
        "\ud83d\ude00", ignore_case=False
    )


def check_never_crashes(source: str) -> None:
    """translate either raises JSRegexError or returns a compilable pattern, in both modes."""
    for ignore_case in (False, True):
        try:
            pattern, count = translate(source, ignore_case=ignore_case)
        except JSRegexError:
            continue
        compiled = regex.compile(pattern, regex.V0)
        assert compiled.groups >= count


@pytest.mark.parametrize("letter", list(string.ascii_letters))
def test_runs_of_letters_fold_case_as_javascript_does(letter: str) -> None:
    """Ignoring case, a run of letters (emitted as one `(?i:...)` group where that is exact)
    matches, at each position, exactly the code units JavaScript's Canonicalize equates with the
    letter: never the Kelvin sign for k, the long s for s, or a dotted or dotless i."""
    pattern, _ = translate(f"x{letter}{letter}y", ignore_case=True)
    compiled = regex.compile(pattern, regex.V0)
    units = [chr(c) for c in range(1, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    subject = "\x00".join(f"x{u}{u}y" for u in units)
    matched = {found.group()[1] for found in compiled.finditer(subject)}
    expected = {
        chr(c) for lo, hi in _case_closure(((ord(letter),) * 2,)) for c in range(lo, hi + 1)
    }
    assert matched == expected


#: Groups as V8 reads them: a source, the index after the ')' closing the group that opens at 0
#: (None when that group does not parse), and whether the whole source parses on its own.
GROUPS: list[tuple[str, int | None, bool]] = [
    ("(a)", 3, True),
    ("(?!auth)x", 8, True),
    ("(?!auth(?:/|$)).*", 15, True),
    ("(a\\)b)", 6, True),
    ("(\\()", 4, True),
    ("([)])", 5, True),
    ("([(])", 5, True),
    ("([^)]+)", 7, True),
    ("([\\]])", 6, True),
    ("(?:[^]])", 8, True),
    ("((a)(b(c)))", 11, True),
    ("(?!a)|b", 5, True),
    ("(\U0001f600)x", 3, True),
    ("([]))", 4, False),
    ("(?!a)|b)", 5, False),
    ("(a)[", 3, False),
    ("(a", None, False),
    ("([a)", None, False),
    ("a)", None, False),
]


@pytest.mark.parametrize(("source", "end", "balanced"), GROUPS)
def test_group_end_and_balance(source: str, end: int | None, balanced: bool) -> None:
    """`group_end` finds the ')' V8 closes a group with (escaped parentheses and classes holding
    one do not count), and a fragment parses on its own exactly when it is balanced, which is
    what the index asks of a custom group."""
    assert group_end(source, 0) == end
    try:
        parse(source)
    except JSRegexError:
        parsed = False
    else:
        parsed = True
    assert parsed == balanced
    assert _contained(source) == balanced


@settings(max_examples=500)
@given(st.lists(st.sampled_from([*"()[]\\^a|*?:!=$", "(?:", "(?!", "\\)", "[)]"]), max_size=12))
def test_a_fragment_parses_when_its_group_closes_at_its_end(pieces: list[str]) -> None:
    """Law: a fragment parses on its own exactly when, wrapped as '(?:fragment)', the group
    closes at the very end."""
    fragment = "".join(pieces)
    try:
        parse(fragment)
    except JSRegexError:
        parsed = False
    else:
        parsed = True
    assert (group_end(f"(?:{fragment})", 0) == len(fragment) + 4) == parsed
