"""Stage 2: tokens → the JavaScript regex path-to-regexp builds → a `regex`-module pattern.

The JavaScript source is built exactly as path-to-regexp 6.3.0's `tokensToRegexp` (with Next.js's
options, §1.2 and §2.3 of ../shared/reference/nextjs-semantics.md) and then translated as a whole by
`_jsregex`, so that whatever a user's custom group does inside it (even reaching across tokens)
means what it means in V8.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from ._js.regexp import JSRegexError, to_utf16, translate
from ._syntax import DELIMITER, Key, Token, escape_js
from .errors import PatternError

__all__ = ["JsRegex", "modify_route_regex", "regexp_source", "to_js_regex", "translate_js"]

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
    tokens: Sequence[Token], text: str, *, strict: bool = True, end: bool = True
) -> JsRegex:
    """path-to-regexp's `tokensToRegexp` (delimiter '/', start true, no endsWith, no encode)."""
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
            route += f"{_DELIMITER_RE}?"
        route += "$"
    else:
        last = tokens[-1] if tokens else None
        # Quirk kept: path-to-regexp tests the last character against the *text* "[\/]".
        end_delimited = last[-1] in _DELIMITER_RE if isinstance(last, str) else last is None
        if not strict:
            route += f"(?:{_DELIMITER_RE}(?={_ENDS_WITH_RE}))?"
        if not end_delimited:
            route += f"(?={_DELIMITER_RE}|{_ENDS_WITH_RE})"
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
