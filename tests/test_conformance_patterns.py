"""Conformance: every source and path in tests/vectors/patterns.json, as path-to-regexp saw it.

The vectors were produced by tests/vectors/gen_patterns.py running next@16.4.6's vendored
path-to-regexp 6.3.0; this test needs no Node.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import rewrites
from rewrites._syntax import js_index

VECTORS = json.loads((Path(__file__).parent / "vectors" / "patterns.json").read_text("utf-8"))
CASES: list[dict[str, Any]] = VECTORS["cases"]

#: The valid sources we refuse on purpose (docs/errors.md, "Refused on purpose"), by source and
#: options, with the reason's text: named groups (Next.js mis-assigns the parameters or crashes on
#: them), back-references, and sizes the `regex` engine cannot hold. Any other refusal fails, and
#: so does a listed source that compiles. Together they skip 127 of the vectors' paths.
_BACK_REFERENCE = "parameter 'b': back-references are not supported"
_NAMED_GROUP = "parameter 'a': named capture groups are not supported"
_TOO_LARGE = "parameter 'a': quantifier too large to translate"
EXPECTED_REFUSALS = {
    ("/:a(\\w+)-:b(\\1)", "{}"): _BACK_REFERENCE,
    ("/:a(\\w+)-:b(\\1)", '{"strict": false}'): _BACK_REFERENCE,
    ("/:a(\\w+)-:b(\\1)", '{"end": false}'): _BACK_REFERENCE,
    ("/:a(x(?<n>y))/:b", "{}"): _NAMED_GROUP,
    ("/:a(x(?<n>y))/:b", '{"strict": false}'): _NAMED_GROUP,
    ("/:a((?<n>x)\\k<n>)", "{}"): _NAMED_GROUP,
    ("/:a((?<n>x)\\k<n>)", '{"end": false}'): _NAMED_GROUP,
    ("/:a(\\u{110000})", "{}"): _TOO_LARGE,
    ("/:a(\\u{110000})", '{"sensitive": true}'): _TOO_LARGE,
}


def refusal_key(case: dict[str, Any]) -> tuple[str, str]:
    """A vector's source and options, as `EXPECTED_REFUSALS` keys them."""
    return case["source"], json.dumps(case.get("options", {}), sort_keys=True)


def as_json(value: object) -> object:
    """Our params in the oracle's JSON shape: int keys as strings, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [as_json(v) for v in value]
    return value


def compile_case(case: dict[str, Any]) -> rewrites.Pattern:
    """Compile a vector's source with its options."""
    options = case.get("options", {})
    return rewrites.compile(
        case["source"],
        case_sensitive=bool(options.get("sensitive", False)),
        strict=bool(options.get("strict", True)),
        end=bool(options.get("end", True)),
    )


def test_there_are_enough_vectors() -> None:
    """The vector file holds at least 3,000 (source, path) pairs and the error cases."""
    pairs = sum(len(c.get("paths", [])) for c in CASES)
    errors = sum(1 for c in CASES if "error" in c)
    assert pairs >= 3000
    assert errors >= 100


def test_every_expected_refusal_is_a_vector() -> None:
    """Each listed refusal names a valid vector, once; together they skip 127 paths."""
    valid = [refusal_key(c) for c in CASES if "error" not in c]
    assert all(valid.count(key) == 1 for key in EXPECTED_REFUSALS)
    skipped = [c for c in CASES if "error" not in c and refusal_key(c) in EXPECTED_REFUSALS]
    assert sum(len(c["paths"]) for c in skipped) == 127


@pytest.mark.parametrize(
    "case", [c for c in CASES if "error" in c], ids=lambda c: repr(c["source"])
)
def test_error_case(case: dict[str, Any]) -> None:
    """A source path-to-regexp rejects raises PatternError with the same message and position."""
    with pytest.raises(rewrites.PatternError) as info:
        compile_case(case)
    assert info.value.js_message == case["error"]
    if case.get("position") is not None:
        assert js_index(case["source"], info.value.position) == case["position"]


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "error" not in c and refusal_key(c) in EXPECTED_REFUSALS],
    ids=lambda c: " ".join(refusal_key(c)),
)
def test_refused_case(case: dict[str, Any]) -> None:
    """A valid source we refuse on purpose raises PatternError with the listed reason."""
    with pytest.raises(rewrites.PatternError) as info:
        compile_case(case)
    assert EXPECTED_REFUSALS[refusal_key(case)] in info.value.message


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "error" not in c and refusal_key(c) not in EXPECTED_REFUSALS],
    ids=lambda c: repr(c["source"]),
)
def test_valid_case(case: dict[str, Any]) -> None:
    """A valid source compiles to the same regex and keys, and matches every path the same way."""
    pattern = compile_case(case)
    assert pattern.js_regex == case["regex"]
    assert pattern.flags == case["flags"]
    keys = [
        {
            "name": k.name,
            "prefix": k.prefix,
            "suffix": k.suffix,
            "pattern": k.pattern,
            "modifier": k.modifier,
        }
        for k in pattern.keys
    ]
    assert keys == case["keys"]
    for path, expected in zip(case["paths"], case["results"], strict=True):
        found = pattern.match(path)
        assert isinstance(expected, dict | None), expected
        got = None if found is None else as_json(found.params)
        assert got == expected, f"path {path!r}"
