#!/usr/bin/env python3
"""Conformance-vector generator for Next.js 16.4.6 source patterns (path-to-regexp 6.3.0).

What it generates
-----------------
``tests/vectors/patterns.json``: a list of cases, each one ``(source, options)`` compiled and matched by
the real oracle (``<oracle>/match.js``, i.e. the path-to-regexp copy vendored in next@16.4.6), with

* valid sources: ``regex``, ``flags``, ``keys`` and, for every entry of ``paths``, the matcher's
  ``results`` entry (params object -- unnamed params under "0", "1", ... --, ``null`` for no match, or
  ``{"__error__": msg}`` when the JS matcher threw);
* invalid sources: ``error`` (the message path-to-regexp or the JS ``RegExp`` constructor threw) and
  ``position`` (the ``at N`` number of the message, or ``null``).

``options`` holds only the overrides passed to match.js (``{}`` = Next.js's server compile:
``strict: true, sensitive: false, delimiter: "/"``; match.js does *not* add Next's optional trailing
``(?:\\/)?`` nor drop unnamed params).

Sources come from
  1. table A of ``shared/reference/nextjs-semantics.md`` (A1-A54, with their paths);
  2. hand-written edge cases (valid and invalid: every path-to-regexp error, invalid JS regexes, quirks
     such as the silently dropped trailing backslash ``/p\\``);
  3. a grammar-based random generator covering the whole 6.3.0 grammar (literals with odd and non-ASCII
     characters, ``:name``, custom patterns, unnamed groups, modifiers, ``{...}`` groups, escapes,
     ``.``/``/`` prefixes, several params per segment);
  4. random mutations of generated sources (insert/delete one of ``:(){}?*+\\``), kept whatever the
     oracle says about them;
  5. option variants (``{"sensitive": true}``, ``{"strict": false}``, ``{"end": false}`` and a few
     combinations) of a random subset of the valid sources.

Paths are built from a Python port of the path-to-regexp parser: constructed matches (random param
values, case variants of literal text, trailing and double slashes), near misses, and junk
(``\\n``, ``\\r``, U+2028, NBSP, tab, ``#``, ``?``, non-ASCII, emoji).

The oracle is run twice (one batch to compile every candidate source, one batch with all paths).
Everything is seeded (``random.Random(<fixed seed>)``), so re-running gives byte-identical output.

Re-run (from the repo root; needs ``node`` and the oracle installed, see shared/oracle/README.md)::

    python3 tests/vectors/gen_patterns.py [--oracle ../shared/oracle] [--out tests/vectors/patterns.json]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ORACLE = REPO_ROOT.parent / "shared" / "oracle"
DEFAULT_OUT = REPO_ROOT / "tests" / "vectors" / "patterns.json"
ORACLE_NAME = "next@16.4.6 vendored path-to-regexp (6.3.0)"

# --------------------------------------------------------------------------------------------------
# Python port of the path-to-regexp 6.3.0 lexer/parser (only used to *build paths*; the oracle is
# the authority on everything recorded).  Indices are code points, not UTF-16 units.
# --------------------------------------------------------------------------------------------------


class ParseError(Exception):
    pass


def _is_name_char(c: str) -> bool:
    return ("0" <= c <= "9") or ("A" <= c <= "Z") or ("a" <= c <= "z") or c == "_"


def lex(s: str) -> list[tuple[str, int, str]]:
    toks = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in "*+?":
            toks.append(("MODIFIER", i, c))
            i += 1
            continue
        if c == "\\":
            toks.append(("ESCAPED_CHAR", i, s[i + 1] if i + 1 < n else ""))
            i += 2
            continue
        if c == "{":
            toks.append(("OPEN", i, c))
            i += 1
            continue
        if c == "}":
            toks.append(("CLOSE", i, c))
            i += 1
            continue
        if c == ":":
            j = i + 1
            while j < n and _is_name_char(s[j]):
                j += 1
            if j == i + 1:
                raise ParseError(f"Missing parameter name at {i}")
            toks.append(("NAME", i, s[i + 1 : j]))
            i = j
            continue
        if c == "(":
            count, pat, j = 1, "", i + 1
            if j < n and s[j] == "?":
                raise ParseError(f'Pattern cannot start with "?" at {j}')
            while j < n:
                if s[j] == "\\":
                    pat += s[j : j + 2]
                    j += 2
                    continue
                if s[j] == ")":
                    count -= 1
                    if count == 0:
                        j += 1
                        break
                elif s[j] == "(":
                    count += 1
                    if j + 1 >= n or s[j + 1] != "?":
                        raise ParseError(f"Capturing groups are not allowed at {j}")
                pat += s[j]
                j += 1
            if count:
                raise ParseError(f"Unbalanced pattern at {i}")
            if not pat:
                raise ParseError(f"Missing pattern at {i}")
            toks.append(("PATTERN", i, pat))
            i = j
            continue
        toks.append(("CHAR", i, c))
        i += 1
    toks.append(("END", i, ""))
    return toks


def _esc(s: str) -> str:
    return "".join("\\" + c if c in ".+*?=^!:${}()[]|/\\" else c for c in s)


def parse(s: str) -> list:
    """Tokens: str (literal text) or dict(name, prefix, suffix, pattern, modifier, default)."""
    toks = lex(s)
    i, key, path, result = 0, 0, "", []

    def try_(t):
        nonlocal i
        if i < len(toks) and toks[i][0] == t:
            i += 1
            return toks[i - 1][2]
        return None

    def must(t):
        v = try_(t)
        if v is not None:
            return v
        raise ParseError(f"Unexpected {toks[i][0]} at {toks[i][1]}, expected {t}")

    def text():
        r = ""
        while True:
            v = try_("CHAR") or try_("ESCAPED_CHAR")
            if not v:
                return r
            r += v

    def safe(prefix):
        prev = result[-1] if result else None
        prev_text = prefix or (prev if isinstance(prev, str) else "")
        if prev is not None and not prev_text:
            raise ParseError("Must have text between two parameters")
        if not prev_text or "/" in prev_text:
            return "[^\\/]+?", ""
        return "(?:(?!%s)[^\\/])+?" % _esc(prev_text), prev_text

    while i < len(toks):
        char = try_("CHAR")
        name = try_("NAME")
        pat = try_("PATTERN")
        if name or pat:
            prefix = char or ""
            if prefix not in ("", ".", "/"):
                path += prefix
                prefix = ""
            if path:
                result.append(path)
                path = ""
            if pat:
                pattern, guard = pat, None
            else:
                pattern, guard = safe(prefix)
            tok = {
                "name": name if name else key,
                "prefix": prefix,
                "suffix": "",
                "pattern": pattern,
                "custom": bool(pat),
                "guard": guard,
            }
            if not name:
                key += 1
            tok["modifier"] = try_("MODIFIER") or ""
            result.append(tok)
            continue
        v = char or try_("ESCAPED_CHAR")
        if v:
            path += v
            continue
        if path:
            result.append(path)
            path = ""
        if try_("OPEN") is not None:
            prefix = text()
            name = try_("NAME") or ""
            pat = try_("PATTERN") or ""
            suffix = text()
            must("CLOSE")
            guard = None
            if name and not pat:
                pattern, guard = safe(prefix)
            else:
                pattern = pat
            tok = {
                "name": name or (key if pat else ""),
                "prefix": prefix,
                "suffix": suffix,
                "pattern": pattern,
                "custom": bool(pat),
                "guard": guard,
                "modifier": try_("MODIFIER") or "",
            }
            if not name and pat:
                key += 1
            result.append(tok)
            continue
        must("END")
    for t in result:
        if (
            isinstance(t, dict)
            and t["pattern"]
            and not t["prefix"]
            and not t["suffix"]
            and t["modifier"] in ("*", "+")
        ):
            raise ParseError("Can not repeat")
    return result


# --------------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
ODD_LIT = "-.~@!$,;='_ "
NON_ASCII = ["é", "ß", "ſ", "\u212a", "İ", "ü", "ñ", "ø", "σ", "ς", "µ", "ẞ", "я", "漢", "😀", "🚀"]
LIT_ESCAPES = ["\\:", "\\(", "\\)", "\\?", "\\/", "\\{", "\\}", "\\*", "\\+", "\\\\"]
NAMES = [
    "id",
    "slug",
    "path",
    "a",
    "b",
    "c",
    "x",
    "rest",
    "_",
    "1abc",
    "0",
    "p_q",
    "Name",
    "ID",
    "locale",
    "ext",
    "file",
    "v",
    "lang",
    "year",
    "__proto__",
    "constructor",
    "9",
    "A_1",
]

# custom patterns (source text: a single backslash is one real backslash)
PATTERNS = [
    r"\d+",
    "a|b",
    "(?!auth).*",
    "(?!auth(?:/|$)).*",
    "[a-z]{2,3}",
    ".*",
    "[^/]+",
    r"\w+",
    r"\d{1,}",
    "en|fr",
    ".+",
    r"[^\/]+",
    r"\d{4}",
    "[0-9a-f]{4}",
    "(?:en|fr)(?:-[a-z]{2})?",
    "[A-Z]+",
    "[^.]+",
    r"[\w-]+",
    "(?!api).+",
    "(?=.*x).*",
    r"(?<=/)\w+",
    r"(?<![a-z])\d+",
    r"\D+",
    r"\s*",
    r"[\s\S]*",
    "ß|ss",
    "é+",
    "\u212a",
    ".",
    ".{2}",
    r".*\.html",
    "(?:[^/]+/)*[^/]+",
    "abc",
    "x|y|z",
    r"[\d-z]+",
    r"\u{3}",
    r"x{,3}",
    r"\p{L}+",
    r"\Z",
    "[^]",
    "[]|x",
    r"\bfoo",
    "(?!auth/).*",
    "(?!auth)[^/]+",
    r"(?:\d+)(?:,\d+)*",
    "$|x",
    "[😀x]",
    ".{1}",
    r"\x41",
    r"\u00e9",
]
UNNAMED = ["(?!auth).*", ".*", r"\d+", "a|b", "[^/]+", ".+", r"\w+", "(?!auth(?:/|$)).*", "x"]


def seg_text(rng: random.Random, allow_slash=False) -> str:
    pieces = []
    for _ in range(rng.choice([1, 1, 2, 2, 3])):
        r = rng.random()
        if r < 0.45:
            pieces.append("".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 6))))
        elif r < 0.65:
            pieces.append("".join(rng.choice(DIGITS) for _ in range(rng.randint(1, 4))))
        elif r < 0.85:
            pieces.append(
                rng.choice(["-", ".", "_", "~", "%20", "%2F", "%E2%82%AC", "%2f", "@", "é"])
            )
        else:
            pieces.append(rng.choice(["-", ".", "auth", "Auth", "api", "x", "en", "fr"]))
        if allow_slash and rng.random() < 0.3:
            pieces.append("/")
    return "".join(pieces)


def gen_name(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return rng.choice(NAMES)
    return "".join(rng.choice(LETTERS + DIGITS + "_") for _ in range(rng.randint(1, 5)))


def lit_text(rng: random.Random, n=None) -> str:
    out = []
    for _ in range(n or rng.randint(1, 6)):
        r = rng.random()
        if r < 0.62:
            out.append(rng.choice(LETTERS))
        elif r < 0.70:
            out.append(rng.choice(DIGITS))
        elif r < 0.83:
            out.append(rng.choice(ODD_LIT))
        elif r < 0.93:
            out.append(rng.choice(NON_ASCII))
        else:
            out.append(rng.choice(LIT_ESCAPES))
    return "".join(out)


def maybe_mod(rng, p=0.35, mods="?*+"):
    return rng.choice(mods) if rng.random() < p else ""


def gen_param(rng, custom_p=0.35):
    s = ":" + gen_name(rng)
    if rng.random() < custom_p:
        s += "(" + rng.choice(PATTERNS) + ")"
    return s


def gen_segment(rng: random.Random, prev_ended_with_name: bool) -> str:
    """One '/'-introduced piece of a source."""
    kind = rng.choices(
        ["lit", "param", "compound", "group", "unnamed", "dotparam", "escape", "litgroup"],
        [30, 30, 12, 12, 6, 5, 3, 3],
    )[0]
    if kind == "lit":
        return "/" + lit_text(rng)
    if kind == "param":
        return "/" + gen_param(rng) + maybe_mod(rng)
    if kind == "dotparam":
        return (
            "/"
            + lit_text(rng, rng.randint(1, 4))
            + "."
            + gen_param(rng, 0.2)
            + maybe_mod(rng, 0.3, "?*+")
        )
    if kind == "unnamed":
        return rng.choice(["/", "/", "."]) + "(" + rng.choice(UNNAMED) + ")" + maybe_mod(rng, 0.3)
    if kind == "escape":
        return "/" + lit_text(rng, 2) + rng.choice(LIT_ESCAPES) + lit_text(rng, 2)
    if kind == "litgroup":
        return (
            "/"
            + lit_text(rng, 2)
            + "{"
            + lit_text(rng, rng.randint(1, 3))
            + "}"
            + maybe_mod(rng, 0.7, "?*+")
        )
    if kind == "compound":
        s = "/"
        if rng.random() < 0.5:
            s += lit_text(rng, rng.randint(1, 3)).rstrip("_")
        nparams = rng.choice([2, 2, 2, 3])
        for k in range(nparams):
            if k:
                sep = rng.choice(
                    ["-", ".", "@", "~", "-x-", ",", ";", "=", "!", "$", "'", " ", "é", "+", "\\:"]
                )
                if sep == "+":
                    sep = "\\+"
                s += sep
            s += gen_param(rng, 0.25)
            s += maybe_mod(rng, 0.2, "?????*")
        if rng.random() < 0.3:
            s += rng.choice([".html", "-end", "@x", "!", "~"])
        return s
    # group
    pre = rng.choice(["-", "/", ".", "/x-", "", "_", "@", "/v", "~"])
    r = rng.random()
    inner = ""
    if r < 0.6:
        inner = gen_param(rng, 0.3)
    elif r < 0.8:
        inner = "(" + rng.choice(UNNAMED) + ")"
    suf = rng.choice(["", "", "", "-", ".html", "/", "x", "-~"])
    if not inner and not pre and not suf:
        suf = "z"
    if inner.startswith(":") and not inner.endswith(")") and suf and _is_name_char(suf[0]):
        suf = "-" + suf
    base = "/" + lit_text(rng, rng.randint(1, 3)) if rng.random() < 0.6 else ""
    return base + "{" + pre + inner + suf + "}" + maybe_mod(rng, 0.7, "??**+")


def gen_source(rng: random.Random) -> str:
    n = rng.choice([1, 1, 2, 2, 2, 3, 3, 3, 4, 5])
    s = ""
    for _ in range(n):
        seg = gen_segment(rng, False)
        # avoid a literal extending the previous param's name (keeps most sources valid)
        if s and seg and _is_name_char(seg[0]) and (s[-1:].isalnum() or s[-1:] == "_"):
            seg = "/" + seg
        s += seg
    r = rng.random()
    if r < 0.06:
        s += "/"
    elif r < 0.08:
        s = s.lstrip("/") or "x"
    elif r < 0.10:
        s += "\\"
    return s


# --------------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------------

CASE_SPECIAL = {
    "ß": "ẞ",
    "ẞ": "ß",
    "ſ": "s",
    "\u212a": "k",
    "İ": "i",
    "ς": "σ",
    "σ": "Σ",
    "µ": "μ",
    "k": "\u212a",
    "s": "ſ",
}


def case_variant(rng, text: str, p: float) -> str:
    out = []
    for ch in text:
        if rng.random() < p:
            if ch in CASE_SPECIAL and rng.random() < 0.5:
                out.append(CASE_SPECIAL[ch])
            else:
                sc = ch.swapcase()
                out.append(sc if len(sc) == 1 else ch)
        else:
            out.append(ch)
    return "".join(out)


def value_for(rng: random.Random, tok: dict) -> str:
    """A value intended to match tok['pattern'] (sometimes deliberately not)."""
    p = tok["pattern"]
    bad = rng.random() < 0.12
    if not tok["custom"]:
        v = seg_text(rng)
        g = tok.get("guard")
        if g and not bad:
            v = v.replace(g, "") or "v"
        return v
    table = {
        r"\d+": lambda: (
            rng.choice(["1", "42", "007", "123456"])
            if not bad
            else rng.choice(["12a", "", "x", "١٢"])
        ),
        r"\d{1,}": lambda: rng.choice(["1", "99"]) if not bad else "1x",
        r"\d{4}": lambda: rng.choice(["2024", "1999"]) if not bad else rng.choice(["123", "12345"]),
        "a|b": lambda: (
            rng.choice(["a", "b", "A", "B"]) if not bad else rng.choice(["ab", "c", "a/b"])
        ),
        "en|fr": lambda: (
            rng.choice(["en", "fr", "EN", "Fr"])
            if not bad
            else rng.choice(["de", "english", "en-us"])
        ),
        "x|y|z": lambda: rng.choice(["x", "y", "Z"]),
        "[a-z]{2,3}": lambda: (
            rng.choice(["ab", "xyz", "AB", "Xy"]) if not bad else rng.choice(["a", "abcd", "a1"])
        ),
        "[A-Z]+": lambda: rng.choice(["ABC", "abc", "Q"]),
        "[0-9a-f]{4}": lambda: rng.choice(["dead", "BEEF", "0a1b"]) if not bad else "xyz1",
        "ß|ss": lambda: rng.choice(["ß", "ss", "SS", "ẞ", "ſſ"]),
        "é+": lambda: rng.choice(["é", "ééé", "É", "%C3%A9"]),
        "\u212a": lambda: rng.choice(["\u212a", "k", "K"]),
        ".": lambda: rng.choice(["a", "😀", "é", "/"]),
        ".{1}": lambda: rng.choice(["a", "😀"]),
        ".{2}": lambda: rng.choice(["ab", "😀", "😀a", "é!"]),
        "[😀x]": lambda: rng.choice(["x", "😀", "🚀"]),
        r"\u{3}": lambda: rng.choice(["uuu", "u{3}", "UUU"]),
        r"x{,3}": lambda: rng.choice(["x{,3}", "xxx", "x"]),
        r"\p{L}+": lambda: rng.choice(["p{L}", "p{L}}}", "abc", "P{l}"]),
        r"\Z": lambda: rng.choice(["Z", "z", ""]),
        "[^]": lambda: rng.choice(["a", "/", "\n"]),
        "[]|x": lambda: rng.choice(["x", "]", ""]),
        r"\bfoo": lambda: rng.choice(["foo", "FOO", "xfoo"]),
        "$|x": lambda: rng.choice(["x", ""]),
        r"\x41": lambda: rng.choice(["A", "a", "x41"]),
        r"\u00e9": lambda: rng.choice(["é", "É", "u00e9"]),
        r"\s*": lambda: rng.choice(["", " ", "%20", "\u00a0", "\t"]),
        r"\D+": lambda: rng.choice(["abc", "a-b", "١٢"]),
        r"[\d-z]+": lambda: rng.choice(["1-z", "-", "zz", "a"]),
        "abc": lambda: rng.choice(["abc", "ABC", "abd"]),
        r"(?:\d+)(?:,\d+)*": lambda: rng.choice(["1", "1,2,3", "1,,2"]),
        r"(?<=/)\w+": lambda: seg_text(rng),
        r"(?<![a-z])\d+": lambda: rng.choice(["12", "x12"]),
    }
    if p in table:
        return table[p]()
    alts = p.split("|")
    if all(a and all(_is_name_char(ch) for ch in a) for a in alts):  # plain literal(s): x, K, n|fr
        return case_variant(rng, rng.choice(alts), 0.3) if not bad else rng.choice(alts) + "x"
    if p == "(?:en|fr)(?:-[a-z]{2})?":
        return (
            rng.choice(["en", "fr", "en-us", "FR-ca"]) if not bad else rng.choice(["de", "en-usa"])
        )
    if "auth" in p:
        if bad or rng.random() < 0.25:
            return rng.choice(["auth", "Auth/x", "AUTH/session", "authenticate", "auth/", "Auth"])
        return rng.choice(["users", "users/1", "trades/123", "", "x/auth", "a%2Fb"])
    if p.startswith("(?!api)"):
        return rng.choice(["x", "api", "API/x", "apix", "v1/api"])
    if p in (".*", "[\\s\\S]*", ".+", "(?:[^/]+/)*[^/]+", "(?=.*x).*"):
        v = seg_text(rng, allow_slash=True)
        return v if not bad else rng.choice(["", "a\nb", "\u2028"])
    if p == r".*\.html":
        return rng.choice(["a.html", "a/b.HTML", "a.htm", ".html"])
    if "\\d" in p:
        return rng.choice(["1", "23", "456"])
    return seg_text(rng)


def build_path(rng: random.Random, tokens: list, case_p: float) -> str:
    out = []
    for t in tokens:
        if isinstance(t, str):
            out.append(case_variant(rng, t, case_p))
            continue
        mod = t["modifier"]
        if not t["pattern"]:  # literal group {abc}
            reps = {
                "": 1,
                "?": rng.choice([0, 1]),
                "*": rng.choice([0, 1, 2]),
                "+": rng.choice([1, 1, 2]),
            }[mod]
            out.append(case_variant(rng, t["prefix"] + t["suffix"], case_p) * reps)
            continue
        if mod == "?" or mod == "*":
            if rng.random() < 0.35:
                continue
        reps = rng.choice([1, 1, 2, 3]) if mod in ("*", "+") else 1
        for _ in range(reps):
            out.append(
                case_variant(rng, t["prefix"], case_p)
                + value_for(rng, t)
                + case_variant(rng, t["suffix"], case_p)
            )
    return "".join(out)


JUNK_CHARS = list("abcXYZ019/-._~%#?:@ ") + [
    "\n",
    "\r",
    "\u2028",
    "\u2029",
    "\u00a0",
    "\t",
    "é",
    "😀",
    "ß",
    "\u212a",
    "//",
    "%2F",
    "\\",
    "\x00",
]
JUNK_SUFFIXES = [
    "\n",
    "\r",
    "\u2028",
    "#",
    "?",
    "?x=1",
    "#frag",
    "\t",
    " ",
    "\u00a0",
    "%0A",
    "/",
    "//",
    "\r\n",
    "😀",
    "\n/",
]


def near_miss(rng: random.Random, p: str) -> str:
    r = rng.random()
    if not p:
        return rng.choice(["/", "x", "//"])
    if r < 0.25:  # change one char
        i = rng.randrange(len(p))
        return p[:i] + rng.choice("aZ9/-._é") + p[i + 1 :]
    if r < 0.45:  # drop a segment
        parts = p.split("/")
        if len(parts) > 1:
            del parts[rng.randrange(1, len(parts))]
        return "/".join(parts)
    if r < 0.60:  # add a segment
        parts = p.split("/")
        parts.insert(rng.randrange(1, len(parts) + 1), seg_text(rng))
        return "/".join(parts)
    if r < 0.70:  # delete one char
        i = rng.randrange(len(p))
        return p[:i] + p[i + 1 :]
    if r < 0.80:
        return p.upper() if rng.random() < 0.5 else p.lower()
    if r < 0.90:
        return p.replace("/", "//", 1)
    return p + rng.choice(JUNK_SUFFIXES)


def junk(rng: random.Random) -> str:
    s = "".join(rng.choice(JUNK_CHARS) for _ in range(rng.randint(0, 10)))
    return ("/" + s) if rng.random() < 0.7 else s


def make_paths(
    rng: random.Random, source: str, n_match: int = 5, n_near: int = 3, n_junk: int = 1
) -> list[str]:
    try:
        tokens = parse(source)
    except ParseError:
        tokens = None
    paths: list[str] = []

    def add(p):
        if p not in paths:
            paths.append(p)

    if tokens is not None:
        matches = []
        for k in range(n_match + 3):
            if len(matches) >= n_match:
                break
            p = build_path(rng, tokens, 0.0 if k == 0 else rng.choice([0.0, 0.0, 0.3, 1.0]))
            if p not in matches:
                matches.append(p)
        for p in matches:
            add(p)
        base = matches or ["/"]
        for _ in range(n_near):
            add(near_miss(rng, rng.choice(base)))
        r = rng.random()
        if r < 0.3:
            add(rng.choice(base) + "/")
        elif r < 0.45:
            add(rng.choice(base) + rng.choice(["\n", "\r", "\u2028"]))
    for _ in range(n_junk):
        add(junk(rng))
    return paths


# --------------------------------------------------------------------------------------------------
# Hand-written material
# --------------------------------------------------------------------------------------------------

TABLE_A = [
    (
        "/api/((?!auth).*)/:path*",
        [
            "/api/users",
            "/api/users/1",
            "/api/auth/session",
            "/api/authenticate",
            "/API/Auth/session",
            "/api/trades/123",
            "/api/",
            "/api",
        ],
    ),
    (
        "/api/:path*",
        [
            "/api/users",
            "/api/users/1",
            "/api/auth/session",
            "/API/Auth/session",
            "/api/",
            "/api",
            "/apix",
        ],
    ),
    (
        "/api/:path((?!auth).*)",
        ["/api/users/1", "/api/auth/session", "/api/authenticate", "/api/Auth", "/api/", "/api"],
    ),
    ("/api/:path((?!auth/).*)", ["/api/authenticate", "/api/auth/session", "/api/auth"]),
    (
        "/blog/:slug",
        ["/blog/hello", "/blog/hello/", "/blog/a/b", "/blog", "/Blog/Hello", "/blog/a%20b"],
    ),
    ("/docs/:path+", ["/docs", "/docs/a", "/docs/a/b/c"]),
    ("/:locale(en|fr)/:rest*", ["/en", "/fr/a/b", "/de/a", "/EN/x", "/english"]),
    ("/old-blog/:post(\\d{1,})", ["/old-blog/123", "/old-blog/abc", "/old-blog/12a"]),
    ("/a{-:b}?", ["/a", "/a-x", "/a-x-y", "/ab"]),
    ("/foo\\:bar/:id", ["/foo:bar/1", "/foo/1"]),
    ("/english\\(default\\)/:slug", ["/english(default)/x"]),
    ("/:path*", ["/", "/a/b"]),
    ("/(.*)", ["/", "/a/b"]),
    ("/:a-:b", ["/x-y-z"]),
    ("/files/:name.:ext", ["/files/a.b.c"]),
]

HAND_VALID = [
    ("", ["", "/", "x"]),
    ("/", ["/", "", "//", "/a"]),
    ("//", ["//", "/", "///"]),
    ("/p\\", ["/p", "/p\\", "/p/", "/P"]),
    ("/a\\\\b", ["/a\\b", "/a/b", "/ab"]),
    ("p/:a", ["p/x", "/p/x", "p/"]),
    (":a", ["x", "/x", "x/y"]),
    ("/:a/:a", ["/x/y", "/x"]),
    ("/:0/(\\d+)", ["/x/1", "/1/2", "/x/y"]),
    ("/(\\d+)/:0", ["/1/x", "/1/2"]),
    ("/:__proto__", ["/x", "/__proto__"]),
    ("/:constructor/:toString", ["/a/b"]),
    ("/:1abc/:_", ["/a/b"]),
    ("/(a)(b)", ["/ab", "/a/b", "/AB"]),
    ("/:a:b(x)", ["/yx", "/x", "/xx", "/yxx"]),
    ("/:a(\\w+)-:b(\\1)", ["/ab-ab", "/ab-cd", "/ab-AB"]),
    ("/:a(x(?<n>y))/:b", ["/xy/z", "/xy"]),
    ("/:a((?<n>x)\\k<n>)", ["/xx", "/xX"]),
    ("/:a(\\k<n>)", ["/k<n>", "/k"]),
    ("/:a((?<=a+)b)", ["/b", "/ab"]),
    ("/x:a((?<=x)\\w+)", ["/xy", "/x"]),
    ("/aa:x((?<=a+)b)", ["/aab", "/aaab", "/ab"]),
    ("/:a(\\\\)", ["/\\", "/\\\\", "/"]),
    ("/:a(\\c)", ["/\\c", "/c"]),
    ("/:a(\\()", ["/(", "/"]),
    ("/:a([)])", ["/)", "/"]),
    ("/a{}", ["/a"]),
    ("/a{}*", ["/a"]),
    ("/{}?", ["/", ""]),
    ("/a{b}?", ["/a", "/ab", "/abb", "/aB"]),
    ("/a{b}*", ["/a", "/ab", "/abb"]),
    ("/a{b}+", ["/a", "/ab", "/abbb"]),
    ("/a{/b/}?", ["/a", "/a/b/", "/a/b"]),
    ("/{:a}", ["/x", "/"]),
    ("{/:a}*", ["", "/x", "/x/y"]),
    ("/x{/:a}*", ["/x", "/x/a/b", "/x/"]),
    ("/x{-:a-}+", ["/x-a-", "/x-a--b-", "/x-a-b-", "/x"]),
    ("/x{.:ext}", ["/x.js", "/x", "/x.a.b"]),
    ("/x{:a-}+", ["/xa-", "/xa-b-"]),
    ("/x{-:b}?", ["/x", "/x-y", "/x-y-z"]),
    ("/:a{-:b}?", ["/x", "/x-y", "/x-y-z"]),
    ("/:a-:b-:c", ["/1-2-3", "/1-2-3-4", "/1-2"]),
    ("/:a.:b.:c", ["/a.b.c", "/a.b.c.d"]),
    ("/x@:v", ["/x@1", "/x@", "/X@Y"]),
    ("/:a@:b", ["/u@h", "/u@h@i"]),
    ("/:a?-:b", ["/x-y", "/-y"]),
    ("/:a.:b?", ["/x.y", "/x", "/x."]),
    ("/.:a", ["/.x", "/."]),
    ("/:a/.:b", ["/x/.y"]),
    ("/foo\\/:bar?", ["/foo/", "/foo/x", "/foo"]),
    ("/foo\\?", ["/foo?", "/foo"]),
    ("/\\{x\\}", ["/{x}"]),
    ("/a\\*b", ["/a*b", "/ab"]),
    ("/café/:x", ["/café/1", "/CAFÉ/1", "/caf%C3%A9/1"]),
    ("/straße", ["/straße", "/STRASSE", "/strasse", "/STRAẞE"]),
    ("/\u212a", ["/k", "/K", "/\u212a"]),
    ("/ſ", ["/s", "/S", "/ſ"]),
    ("/İ", ["/i", "/I", "/İ", "/i̇"]),
    ("/ς", ["/σ", "/Σ", "/ς"]),
    ("/µ", ["/μ", "/Μ", "/µ"]),
    ("/😀/:a", ["/😀/x", "/%F0%9F%98%80/x"]),
    ("/:a(.)", ["/a", "/😀", "/é", "/\n"]),
    ("/:a(.{2})", ["/ab", "/😀", "/😀a"]),
    ("/:a([😀x])", ["/x", "/😀", "/😀x", "/🚀"]),
    ("/:a([😀x]+)", ["/😀", "/x😀x", "/🚀"]),
    ("/:a(.)(.)", ["/😀", "/ab", "/a"]),
    ("/:a(.)😀", ["/😀😀", "/x😀"]),
    ("/:a😀:b", ["/x😀y", "/x😀😀y", "/😀😀y"]),
    ("/\\😀/:a", ["/😀/x"]),
    ("/:a(\\uD83D)", ["/😀", "/\ud83d"]),
    ("/:a(\\d+)", ["/1", "/١", "/１"]),
    ("/:a(\\w+)", ["/abc", "/é", "/a_1"]),
    ("/:a(\\s+)", ["/ ", "/\u00a0", "/\u2028", "/\x1c", "/\ufeff"]),
    ("/:a(.*)", ["/a\nb", "/a\rb", "/a\u2028b", "/a\u2029b", "/x\n"]),
    ("/:a(x$)", ["/x", "/x\n"]),
    ("/:a", ["/x\n", "/x\r", "/x\u2028", "/x#y", "/x?y"]),
    ("/:a(\\Z)", ["/Z", "/z", "/"]),
    ("/:a(\\u{3})", ["/uuu", "/u{3}"]),
    ("/:a(x{,3})", ["/x{,3}", "/xxx"]),
    ("/:a(\\p{L}+)", ["/p{L}", "/é"]),
    ("/:a([^])", ["/a", "/\n"]),
    ("/:a([\\d-z]+)", ["/1-z", "/a"]),
    ("/:a(\\8)", ["/8", "/"]),
    ("/:a(\\0)", ["/\x00", "/0"]),
    ("/:p(.*)*", ["/", "/a/b", "/a//b"]),
    ("/:p(.*)+", ["/", "/a/b"]),
    ("/:p([^/]*)*", ["/", "/a//b", "//"]),
    ("/x/:p((?!auth(?:/|$)).*)", ["/x/auth", "/x/auth/y", "/x/authors", "/x/Auth"]),
    ("/:v([a-z]{2,3})", ["/ab", "/abcd", "/AB"]),
    ("/:x(a|b)/:y", ["/a/1", "/ab/1"]),
    ("/api/:path((?!auth).*)", ["/api/Auth/x", "/api/aUTH", "/api/x"]),
]

HAND_ERRORS = [
    # Missing parameter name
    "/p/:",
    ":",
    "/:",
    "/p/:-",
    "/p/:é",
    "/p/::a",
    "/:a/:",
    "/😀/:",
    "/é/:",
    "/:.x",
    # Pattern cannot start with "?"
    "/p/(?:x)",
    "(?!auth)",
    "/(?=a)",
    "/:a(?)",
    "/x/(?<n>y)",
    "/😀(?:x)",
    # Capturing groups
    "/p/((x))",
    "/:a(a(b))",
    "/:a([(])",
    "/(a|(b))",
    "/:a(x()",
    # Unbalanced
    "/p/:id(",
    "/p/(",
    "/(a",
    "/:a(\\)",
    "/:a((?:x)",
    "/:a(x\\",
    "/:a(x\\)",
    "/{(}",
    # Missing pattern
    "/p/()",
    "/:a()",
    "()",
    "/{()}",
    "/{:a()}",
    # Unexpected ... expected END
    "/foo?",
    "/a*",
    "/a+",
    "?",
    "*",
    "+",
    "/:a??",
    "/:a*?",
    "/:a?*",
    "/{a}??",
    "/(x)?+",
    "/a}",
    "}",
    "/:a}",
    "/{a}}",
    "/{a}?}",
    # Unexpected ... expected CLOSE
    "/{a",
    "{",
    "/{:a",
    "/{:a(x)",
    "/{a?}",
    "/{a*}",
    "/{:a:b}",
    "/{:a-:b}",
    "/{(a)(b)}",
    "/{:a(x)(y)}",
    "/{:a(x)y(z)}",
    "/{a{b}}",
    "/{{}}",
    "/{a\\}",
    "/{a\\",
    "/{:a-\\",
    "/{😀",
    # attempts at ESCAPED_CHAR / CHAR (expected to be unreachable: the parser always consumes them)
    "/{:a\\b:c}",
    "/{\\",
    "\\",
    "/{:a}\\",
    "/{a}\\{",
    "/:a\\:b",
    "/{:a(x)\\:b}",
    # Must have text between two parameters
    "/p/:a:b",
    "/:a:b:c",
    "/:a(\\d+):b",
    "/(a):b",
    "/(\\d+):a",
    "/{abc}?:x",
    "/{x}:a",
    "/:a{:b}",
    "/{:a}{:b}",
    "/:a{-:b}:c",
    "/{(x)}:a",
    "/{x}{:a}",
    "/a{}:b",
    "/:a?:b",
    "/:a*:b",
    # Can not repeat
    "/foo-:bar*",
    "/foo-:bar+",
    "(.*)*",
    "/x(a)+",
    "/{:a}*",
    "/{(x)}+",
    ":a*",
    "/a-(\\d+)*",
    "/:a-:b+",
    "/x/a-:b(\\d+)*",
    "/x@:v+",
    # invalid JS regexes inside custom patterns
    "/:a([)",
    "/:a(a{2,1})",
    "/:a(*)",
    "/:a(a**)",
    "/:a([z-a])",
    "/:a(+)",
    "/:a(x{2}{3})",
    "/:a((?<n>a)(?<n>b))",
    "/:a((?i)x)",
    "/:a(a|*)",
    "/:a((?<n>x)\\k<m>)",
    "/:a(a{1,2}{3})",
    "/:a((?>x))",
    "/:a((?P<n>x))",
    "/:a(x(?#c))",
    "/:a([b-a])",
    "/:a((?<1>x))",
    "/:a(a++)",
    "/:a([)])",
    "/:a(\\k<n>(?<n>x)(?<n>y))",
    "/:a(?<=x)",
    "/(x)/:a((?<=)",
    "/:a([\\w-])",
    "/:a(\\u{110000})",
]


# --------------------------------------------------------------------------------------------------
# Oracle
# --------------------------------------------------------------------------------------------------


def run_oracle(oracle_dir: Path, cases: list[dict]) -> list[dict]:
    inp = json.dumps(cases, ensure_ascii=True)
    proc = subprocess.run(
        ["node", str(oracle_dir / "match.js")], input=inp.encode(), capture_output=True, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"match.js failed with exit code {proc.returncode}")
    out = json.loads(proc.stdout.decode("utf-8"))
    if len(out) != len(cases):
        raise SystemExit("match.js returned %d results for %d cases" % (len(out), len(cases)))
    return out


def mutate(rng: random.Random, s: str) -> str:
    for _ in range(rng.choice([1, 1, 1, 2])):
        if s and rng.random() < 0.4:
            i = rng.randrange(len(s))
            s = s[:i] + s[i + 1 :]
        else:
            i = rng.randrange(len(s) + 1)
            s = s[:i] + rng.choice(":(){}?*+\\") + s[i:]
    return s


OPTION_VARIANTS = [{"sensitive": True}, {"strict": False}, {"end": False}]
OPTION_COMBOS = [
    {"end": False, "strict": False},
    {"sensitive": True, "strict": False},
    {"end": False, "sensitive": True},
]


def _dump(obj) -> str:
    """Compact, key-sorted JSON with raw UTF-8, except lone UTF-16 surrogates (JS strings can hold them,
    e.g. a param that captured half of an emoji), which are written as \\uXXXX escapes."""
    s = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "".join("\\u%04x" % ord(ch) if "\ud800" <= ch <= "\udfff" else ch for ch in s)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--oracle", type=Path, default=DEFAULT_ORACLE, help="directory holding match.js"
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--random-sources", type=int, default=700)
    ap.add_argument("--mutations", type=int, default=420)
    args = ap.parse_args(argv)

    rng_src = random.Random(20240916)
    rng_mut = random.Random(45296)
    rng_path = random.Random(630)
    rng_opt = random.Random(1664)

    # ---- 1. candidate sources (ordered, de-duplicated) -------------------------------------------
    fixed_paths: dict[str, list[str]] = {}
    candidates: list[str] = []

    def add_source(s, paths=None):
        if s not in fixed_paths:
            fixed_paths[s] = []
            candidates.append(s)
        for p in paths or []:
            if p not in fixed_paths[s]:
                fixed_paths[s].append(p)

    for s, ps in TABLE_A:
        add_source(s, ps)
    for s, ps in HAND_VALID:
        add_source(s, ps)
    for s in HAND_ERRORS:
        add_source(s)
    generated = []
    tries = 0
    while len(generated) < args.random_sources and tries < args.random_sources * 20:
        tries += 1
        s = gen_source(rng_src)
        if s not in fixed_paths:
            generated.append(s)
            add_source(s)
    mutation_bases = generated + [s for s, _ in TABLE_A] + [s for s, _ in HAND_VALID]
    n_mut = 0
    tries = 0
    while n_mut < args.mutations and tries < args.mutations * 20:
        tries += 1
        m = mutate(rng_mut, rng_mut.choice(mutation_bases))
        if m not in fixed_paths:
            add_source(m)
            n_mut += 1

    # ---- 2. compile every candidate once ----------------------------------------------------------
    compiled = run_oracle(args.oracle, [{"source": s, "paths": []} for s in candidates])
    valid = [c["source"] for c in compiled if "error" not in c]
    errors = {c["source"]: c for c in compiled if "error" in c}

    # ---- 3. paths for valid sources + option variants ---------------------------------------------
    batch: list[dict] = []
    for s in candidates:
        if s in errors:
            continue
        paths = list(fixed_paths[s])
        for p in make_paths(
            rng_path,
            s,
            n_match=rng_path.choice([4, 5, 5, 6]),
            n_near=3,
            n_junk=rng_path.choice([1, 1, 2]),
        ):
            if p not in paths:
                paths.append(p)
        batch.append({"source": s, "paths": paths, "options": {}})
        variants = [o for o in OPTION_VARIANTS if rng_opt.random() < 0.3]
        if rng_opt.random() < 0.06:
            variants.append(rng_opt.choice(OPTION_COMBOS))
        for opt in variants:
            extra = list(paths)
            base = paths[0] if paths else "/"
            for q in (base + "/", base + "/more", base + "-x", base.swapcase(), base + ".json"):
                if q not in extra:
                    extra.append(q)
            batch.append({"source": s, "paths": extra, "options": dict(opt)})
    results = run_oracle(args.oracle, batch)

    # ---- 4. assemble ----------------------------------------------------------------------------------
    cases = []
    by_source = {}
    for inp, res in zip(batch, results, strict=True):
        if res["source"] != inp["source"]:
            raise SystemExit("oracle output out of order")
        if "error" in res:  # cannot happen (compiled once already), but record faithfully
            case = {
                "source": inp["source"],
                "options": inp["options"],
                "error": res["error"],
                "position": res["position"],
            }
        else:
            case = {
                "source": inp["source"],
                "options": inp["options"],
                "regex": res["regex"],
                "flags": res["flags"],
                "keys": res["keys"],
                "paths": inp["paths"],
                "results": res["results"],
            }
        by_source.setdefault(inp["source"], []).append(case)
    for s in candidates:
        if s in errors:
            e = errors[s]
            cases.append(
                {"source": s, "options": {}, "error": e["error"], "position": e["position"]}
            )
        else:
            cases.extend(by_source[s])

    doc = {"generator": "tests/vectors/gen_patterns.py", "oracle": ORACLE_NAME, "cases": cases}
    # one case per line: small, deterministic, diff-friendly
    lines = [_dump(c) for c in cases]
    text = (
        '{"generator": %s, "oracle": %s,\n "cases": [\n'
        % (json.dumps(doc["generator"]), json.dumps(doc["oracle"]))
        + ",\n".join(lines)
        + "\n]}\n"
    )
    assert json.loads(text) == doc
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")

    # ---- 5. summary -------------------------------------------------------------------------------
    valid_cases = [c for c in cases if "error" not in c]
    err_cases = [c for c in cases if "error" in c]
    pairs = sum(len(c["paths"]) for c in valid_cases)
    n_match = sum(
        1 for c in valid_cases for r in c["results"] if isinstance(r, dict) and "__error__" not in r
    )
    n_null = sum(1 for c in valid_cases for r in c["results"] if r is None)
    n_throw = pairs - n_match - n_null
    def_pairs = sum(len(c["paths"]) for c in valid_cases if not c["options"])
    by_opt: dict[str, int] = {}
    for c in valid_cases:
        k = json.dumps(c["options"], sort_keys=True)
        by_opt[k] = by_opt.get(k, 0) + 1
    kinds: dict[str, int] = {}
    for c in err_cases:
        msg = c["error"]
        k = (
            msg.split(" at ")[0]
            if msg.startswith(("Missing", "Pattern", "Capturing", "Unbalanced"))
            else (
                " ".join(msg.split()[:2]) + " .. " + msg.split()[-1]
                if msg.startswith("Unexpected")
                else msg.split(":")[0]
                if msg.startswith("Invalid regular")
                else msg.split('"')[0].strip()
            )
        )
        kinds[k] = kinds.get(k, 0) + 1
    print(f"wrote {args.out} ({len(text.encode()):,} bytes)")
    print(f"distinct sources: {len(candidates)}  valid: {len(valid)}  errors: {len(errors)}")
    print(f"cases: {len(cases)} (valid {len(valid_cases)}, error {len(err_cases)})")
    print("valid cases by options: " + ", ".join(f"{k}: {v}" for k, v in sorted(by_opt.items())))
    print(f"(source, path) pairs: {pairs} (default options: {def_pairs})")
    print(
        f"  matches: {n_match} ({100.0 * n_match / max(pairs, 1):.1f}%)  non-matches: {n_null}  "
        f"matcher threw: {n_throw}"
    )
    print("error kinds: " + "; ".join(f"{k}: {v}" for k, v in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
