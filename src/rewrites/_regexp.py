"""Stage 2: tokens → the JavaScript regex path-to-regexp builds → a `regex`-module pattern.

The JavaScript source is built exactly as path-to-regexp 6.3.0's `tokensToRegexp` (with Next.js's
options, §1.2 and §2.3 of ../shared/reference/nextjs-semantics.md) and then translated as a whole by
`_jsregex`, so that whatever a user's custom group does inside it (even reaching across tokens)
means what it means in V8.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import attrs

from ._js.regexp import (
    Alt,
    Assertion,
    BackRef,
    Chars,
    Group,
    JSRegexError,
    Look,
    Node,
    Quant,
    Seq,
    parse,
    to_utf16,
    translate,
)
from ._syntax import DELIMITER, Key, Token, escape_js, js_index
from ._syntax import parse as parse_source
from .errors import PatternError

__all__ = [
    "ALWAYS",
    "NEVER",
    "NEXT_MAX_BUILT_LENGTH",
    "NEXT_SHORT_LENGTH",
    "POLYNOMIAL_FREE_LENGTH",
    "JsRegex",
    "backtracking_degree",
    "default_whole_segments",
    "degree_free_length",
    "free_length",
    "modify_route_regex",
    "next_built_length",
    "regexp_source",
    "to_js_regex",
    "translate_js",
]

_DELIMITER_RE = f"[{escape_js(DELIMITER)}]"
_ENDS_WITH_RE = "[]|$"  # path-to-regexp's `[${escapeString(endsWith)}]|$` with endsWith ""


@attrs.frozen
class JsRegex:
    """A JavaScript regex source with the keys of its capture groups, in order.

    `spans` maps regions of `source` that hold a user's custom pattern to the key it belongs to,
    so that a JavaScript syntax error in there can be pointed at in the path source.
    """

    source: str
    keys: tuple[Key, ...]
    spans: tuple[tuple[int, int, Key], ...] = attrs.field(eq=False, repr=False)


def to_js_regex(
    tokens: Sequence[Token],
    text: str,
    *,
    strict: bool = True,
    end: bool = True,
    delimiter: str = DELIMITER,
) -> JsRegex:
    """path-to-regexp's `tokensToRegexp` (start true, no endsWith, no encode; the delimiter is
    Next.js's '/' unless told otherwise)."""
    delimiter_re = _DELIMITER_RE if delimiter == DELIMITER else f"[{escape_js(delimiter)}]"
    route = "^"
    keys: list[Key] = []
    spans: list[tuple[int, int, Key]] = []
    for token in tokens:
        if isinstance(token, str):
            route += escape_js(token)
            continue
        prefix, suffix = escape_js(token.prefix), escape_js(token.suffix)
        if not token.pattern:
            # '{abc}?' — a literal group: optional text, no capture.
            route += f"(?:{prefix}{suffix}){token.modifier}"
            continue
        keys.append(token)
        pattern = token.pattern
        if prefix or suffix:
            if token.repeat:
                # ':path*' — one capture holds every repetition; match() splits it on prefix+suffix.
                mod = "?" if token.modifier == "*" else ""
                head = f"(?:{prefix}((?:"
                at = len(route) + len(head)
                route += f"{head}{pattern})(?:{suffix}{prefix}(?:{pattern}))*){suffix}){mod}"
            else:
                # ':id' or ':id?' — the prefix is optional together with the value.
                head = f"(?:{prefix}("
                at = len(route) + len(head)
                route += f"{head}{pattern}){suffix}){token.modifier}"
        else:
            if token.repeat:
                raise PatternError(
                    f"Parameter {token.label} cannot repeat ({token.modifier!r}) without a "
                    "prefix or suffix",
                    text,
                    token.span,
                    hint="Start it with '/' or '.' ('/files/:rest*'), or put it in a group with "
                    "a separator ('{-:rest}*')",
                    js_message=f'Can not repeat "{token.name}" without a prefix and suffix',
                )
            at = len(route) + 1
            route += f"({pattern}){token.modifier}"
        if token.custom:
            spans.append((at, at + len(pattern), token))
    if end:
        if not strict:
            route += f"{delimiter_re}?"
        route += "$"
    else:
        last = tokens[-1] if tokens else None
        # Quirk kept: path-to-regexp tests the last character against the *text* "[\/]".
        end_delimited = last[-1] in delimiter_re if isinstance(last, str) else last is None
        if not strict:
            route += f"(?:{delimiter_re}(?={_ENDS_WITH_RE}))?"
        if not end_delimited:
            route += f"(?={delimiter_re}|{_ENDS_WITH_RE})"
    # Without custom groups every '/' is already escaped: only line terminators could change.
    shown = route if not spans and route.isprintable() else regexp_source(route)
    return JsRegex(shown, tuple(keys), tuple(spans))


_LINE_TERMINATORS = {"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"}


# An escape pair, a class (to its first unescaped ']', or the end), or a bare '/'.
_SLASH_OUTSIDE_CLASSES = re.compile(r"\\.|\[(?:\\.|[^\]\\])*\]?|/", re.S)


def _escape_slash(found: re.Match[str]) -> str:
    """A bare '/' escaped; escapes and classes as they are."""
    text = found.group()
    return "\\/" if text == "/" else text


def regexp_source(route: str) -> str:
    """What V8's `RegExp.prototype.source` shows for `new RegExp(route)` (EscapeRegExpSource).

    Unescaped '/' outside classes gets a backslash and line terminators are written as escapes.
    Next.js works on this text (`modifyRouteRegex(regexp.source)`), so we do too.
    """
    if "/" not in route and not any(t in route for t in _LINE_TERMINATORS):
        return route
    if not any(t in route for t in _LINE_TERMINATORS):
        # The usual case, and the loop below is most of compile()'s cost: escapes and classes are
        # kept whole and every other '/' gets its backslash.
        return _SLASH_OUTSIDE_CLASSES.sub(_escape_slash, route)
    out: list[str] = []
    in_class = False
    i, n = 0, len(route)
    while i < n:
        ch = route[i]
        if ch == "\\":
            nxt = route[i + 1] if i + 1 < n else ""
            if nxt in _LINE_TERMINATORS and nxt:
                i += 1  # the backslash is dropped: the terminator gets an escape of its own
                continue
            out.append(route[i : i + 2])
            i += 2
            continue
        if ch == "/" and not in_class:
            out.append("\\/")
        elif ch in _LINE_TERMINATORS:
            out.append(_LINE_TERMINATORS[ch])
        else:
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            out.append(ch)
        i += 1
    return "".join(out)


def modify_route_regex(js: str, restricted: Sequence[str] = ()) -> str:
    """Next.js's `modifyRouteRegex` (lib/redirect-status.js), applied to every non-internal rule.

    Redirects get a negative lookahead for `<basePath>/_next` after the first '^'; every rule gets
    one optional trailing slash in place of the final '$' (§1.2).
    """
    if restricted:
        guard = "|".join(path.replace("/", "\\/") for path in restricted)
        js = js.replace("^", f"^(?!{guard})", 1)
    if js.endswith("$"):
        js = js[:-1] + "(?:\\/)?$"
    return js


def translate_js(js: JsRegex, *, case_sensitive: bool, text: str) -> tuple[str, int]:
    """Translate a JavaScript regex to `regex` syntax; a JS SyntaxError becomes a `PatternError`."""
    flags = "" if case_sensitive else "i"
    source = js.source if js.source.isascii() else to_utf16(js.source)
    try:
        return translate(source, ignore_case=not case_sensitive)
    except JSRegexError as exc:
        key = _key_at(js, exc.offset)
        where = f"the pattern of parameter {key.label}" if key else "the pattern"
        span = key.span if key else (0, len(text))
        refused = exc.message.endswith(("not supported", "to translate"))
        raise PatternError(
            f"Invalid regular expression in {where}: {exc.message}",
            text,
            span,
            hint=None
            if refused
            else "The pattern is a JavaScript regular expression; fix its syntax",
            js_message=None
            if refused
            else f"Invalid regular expression: /{js.source}/{flags}: {exc.message}",
        ) from None


def _key_at(js: JsRegex, offset: int) -> Key | None:
    """The key whose custom pattern holds `offset` (else the last custom key before it)."""
    best: Key | None = None
    for start, end, key in js.spans:
        if start <= offset <= end:
            return key
        if start <= offset:
            best = key
    return best or (js.spans[-1][2] if js.spans else None)


# --------------------------------------------------------------------------------------------------
# How badly a regex can backtrack: which matches need the time bound
# --------------------------------------------------------------------------------------------------

#: `free_length` for a regex that never needs the time bound (its backtracking is linear).
NEVER = sys.maxsize
#: `free_length` for a regex that always gets it (it may backtrack exponentially).
ALWAYS = 0
#: How long a path may be before a regex whose backtracking is polynomial of degree 2 or 3 is
#: given the time bound. The quadratic ReDoS shapes take about 0.3 ms at 64 characters (4 ms at
#: 256: benchmarks/bench_patterns.py); below it, the bound would cost more than it saves.
POLYNOMIAL_FREE_LENGTH = 64
#: A counted repeat that may run this many times is treated as unbounded.
_MANY = 16


def backtracking_degree(node: Node) -> int | None:
    """An upper bound on the degree of the polynomial a backtracking matcher's work grows with
    on input of length n (the number of quantifiers that may run many times), or None when it
    may grow exponentially: a back-reference, or a repeat whose body holds another repeat or an
    alternation (`(a+)+`, `(a|ab)*`).

    >>> backtracking_degree(parse("(?!auth).*")), backtracking_degree(parse("(a|b)+"))
    (1, None)
    """
    if isinstance(node, BackRef):
        return None
    if isinstance(node, Chars | Assertion):
        return 0
    if isinstance(node, Group | Look):
        return backtracking_degree(node.body)
    if isinstance(node, Quant):
        inner = backtracking_degree(node.body)
        if inner is None:
            return None
        many = node.max is None or node.max > _MANY
        if not many:
            return inner
        if inner or _branches(node.body):
            return None
        return 1
    parts = node.items if isinstance(node, Seq) else node.alternatives
    total = 0
    for part in parts:
        degree = backtracking_degree(part)
        if degree is None:
            return None
        total += degree
    return total


def _branches(node: Node) -> bool:
    """Whether a regex holds an alternation (outside lookarounds, which match no text)."""
    if isinstance(node, Alt):
        return True
    if isinstance(node, Group | Quant):
        return _branches(node.body)
    if isinstance(node, Seq):
        return any(_branches(item) for item in node.items)
    return False


def degree_free_length(degree: int | None) -> int:
    """The path length from which a regex of this backtracking degree gets the time bound."""
    if degree is None or degree > 3:
        return ALWAYS
    return NEVER if degree <= 1 else POLYNOMIAL_FREE_LENGTH


def free_length(tokens: Sequence[Token]) -> int:
    """The length from which matching a path against these tokens' regex needs the time bound
    (`NEVER`, `ALWAYS`, or `POLYNOMIAL_FREE_LENGTH`).

    path-to-regexp's own parts are counted by shape: a whole-segment parameter (`/:slug`, its
    value delimited by '/' on both sides) cannot backtrack into its neighbours and counts 0, any
    other default parameter 1 (`:a-:b`: where the split falls), a repetition (`*`, `+`) one
    more; a custom group counts its own quantifiers (`backtracking_degree`), and a repeated one
    that has any may backtrack exponentially.

    >>> free_length(parse("/api/:path*")) == NEVER, free_length(parse("/:a*/:b*/end"))
    (True, 64)
    """
    degree = 0
    for at, token in enumerate(tokens):
        if isinstance(token, str) or not token.pattern:
            continue  # literal text, and `{text}?` groups: no choice that grows with the path
        if token.custom:
            try:
                own = backtracking_degree(parse(token.pattern))
            except JSRegexError:
                return ALWAYS  # only valid in context: not worth analysing
            if own is None or (own and token.repeat):
                return ALWAYS
        else:
            own = 0 if _whole_segment(tokens, at) else 1
        degree += own + (1 if token.repeat else 0)
    return degree_free_length(degree)


def default_whole_segments(tokens: Sequence[Token]) -> bool:
    """Whether every parameter has path-to-regexp's own pattern and matches whole segments
    (`/blog/:slug`, `/:path*`): then each lazy `[^/]+?` of the regex has one place to stop, the
    next '/' or the end, and a greedy one finds the same match."""
    return all(
        isinstance(token, str) or (not token.custom and _whole_segment(tokens, at))
        for at, token in enumerate(tokens)
    )


def _whole_segment(tokens: Sequence[Token], at: int) -> bool:
    """Whether the default parameter at `at` matches one whole segment: '/' before its value and
    '/' (or the end) after it."""
    key = tokens[at]
    assert isinstance(key, Key)
    if key.prefix != DELIMITER or key.suffix:
        return False
    after = tokens[at + 1] if at + 1 < len(tokens) else None
    if after is None:
        return True
    if isinstance(after, str):
        return after.startswith(DELIMITER)
    return after.prefix.startswith(DELIMITER) or (not after.prefix and not after.pattern)


# --------------------------------------------------------------------------------------------------
# Next.js's limit on a route's regex
# --------------------------------------------------------------------------------------------------

#: The longest regex Next.js builds for a source or an internal destination (`checkCustomRoutes`:
#: "`source` exceeds max built length of 4096").
NEXT_MAX_BUILT_LENGTH = 4096
#: path-to-regexp's default delimiter, which `tryToParsePath` (the check's parser) uses.
_DEFAULT_DELIMITER = "/#?"
#: No regex path-to-regexp builds is longer than this many times its text (in UTF-16 units), plus
#: `_SHORT_SLACK`: a key adds at most 55 characters for the 2 it takes at least, a literal
#: character at most 2 and twice more as the lookahead of a repeated key that follows it.
#: tests/test_fuzz.py checks the bound on random sources.
_SHORT_FACTOR = 32
_SHORT_SLACK = 16
#: A text of at most this many characters (each at most 2 UTF-16 units) is short: its regex
#: cannot reach the limit, and `next_built_length` gives 0 for it.
NEXT_SHORT_LENGTH = (NEXT_MAX_BUILT_LENGTH - _SHORT_SLACK) // (2 * _SHORT_FACTOR)


def next_built_length(text: str) -> int:
    """The length of the regex Next.js's `tryToParsePath` builds for a source (or an internal
    destination's path and hash): path-to-regexp's defaults (delimiter '/#?', not strict), in
    UTF-16 units as JavaScript counts `regexStr.length`; 0 when it does not parse (that is
    reported on its own).

    Short texts are not built: their regex cannot reach the limit.

    >>> next_built_length("/blog/:slug")
    0
    >>> next_built_length("/:a(" + "a?" * 2000 + ")")
    4018
    """
    units = js_index(text, len(text))
    if units * _SHORT_FACTOR + _SHORT_SLACK <= NEXT_MAX_BUILT_LENGTH:
        return 0
    try:
        tokens = parse_source(text, _DEFAULT_DELIMITER)
        js = to_js_regex(tokens, text, strict=False, delimiter=_DEFAULT_DELIMITER)
    except PatternError:
        return 0
    return js_index(js.source, len(js.source))
