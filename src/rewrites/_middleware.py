"""The middleware (`proxy.ts`, `middleware.ts` before Next.js 16) matcher, as Next.js 16.4.6 builds
and tests it; and reading `export const config = { matcher }` from the file, as `next build` does.

* Building: build/analysis/get-page-static-info.js `getMiddlewareMatchers` (after the zod schema
  of build/segment-config/middleware/middleware-config.js): with i18n, a required locale segment
  `/:nextInternalLocale((?!_next/)[^/.]{1,})` in front (not for `locale: false`), an optional
  `/_next/data/<build>` prefix, a `.json` / `.rsc` suffix, then basePath; compiled by
  lib/try-to-parse-path.js with path-to-regexp's *default* options (not the ones custom routes
  get: `delimiter` '/#?', not strict, a trailing '/', '#' or '?' allowed).
* Testing: shared/lib/router/utils/middleware-route-matcher.js: `new RegExp(regexp)` without
  flags (case-sensitive, unlike rules), then `has`/`missing` as `matchHas`; resolve-routes tries
  the pathname as it is and decoded.
* Reading: build/analysis/extract-const-value.js `extractExportedConstValue(ast, 'config')`:
  only literals (strings, template strings without `${}`, numbers, booleans, null, undefined,
  arrays, objects with plain keys, `as`/`satisfies` wrappers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import regex

from ._conditions import Condition, ConditionType, RequestView, check_value, match_conditions
from ._i18n import I18n
from ._js.regexp import JSRegexError, from_utf16, group_end, to_utf16
from ._regexp import free_length, to_js_regex, translate_js
from ._syntax import Key, Token
from ._syntax import parse as parse_source
from ._values import QueryValue
from .errors import ConfigError, PatternError, Problem

__all__ = [
    "DEFAULT_MATCHER",
    "LOCALE_SEGMENT",
    "ExtractError",
    "Matcher",
    "Middleware",
    "Refusal",
    "extract_config",
    "load_middleware",
    "read_file",
    "read_matcher",
]

#: path-to-regexp's default delimiter, which `tryToParsePath` leaves in place.
_DELIMITER = "/#?"
#: What `getMiddlewareMatchers` puts in front of a source with i18n (not for `locale: false`).
LOCALE_SEGMENT = "/:nextInternalLocale((?!_next/)[^/.]{1,})"
_DATA_PREFIX = "/:nextData(_next/data/[^/]{1,})?"
# RSC_SUFFIX, RSC_SEGMENTS_DIR_SUFFIX + '/.+' + RSC_SEGMENT_SUFFIX, escaped.
_TRANSPORT_SUFFIX = r"\.rsc|\.segments/.+\.segment\.rsc"
_DATA_SUFFIX = r"\.json|" + _TRANSPORT_SUFFIX
_ROOT_TRANSPORT = r"/?index(?:" + _TRANSPORT_SUFFIX + ")"
#: The source the matchers of a proxy without `config.matcher` stand for (`next build` writes
#: `{regexp: '^.*$', originalSource: '/:path*'}`).
DEFAULT_MATCHER = "/:path*"
#: zod's limit on a matcher source (`SourceSchema`), in UTF-16 units.
_MAX_SOURCE = 4096
_HAS_KEYS = {"header": ("type", "key", "value"), "host": ("type", "value")}
_MATCHER_KEYS = ("source", "has", "missing", "locale")


@attrs.frozen
class Refusal:
    """Why a matcher does not match a path: the negative lookahead in its source that refused it,
    and the text at the start of the segment that the lookahead saw."""

    lookahead: str
    seen: str


@attrs.frozen
class Matcher:
    """One matcher of the middleware: the source as written, the source Next.js built from it,
    its JavaScript regex, and its conditions.

    >>> m = Middleware.load("/((?!api|_next/static|favicon.ico).*)").matchers[0]
    >>> m.match("/apiary"), m.match("/docs")
    (False, True)
    """

    source: str
    built: str
    regexp: str
    has: tuple[Condition, ...] = attrs.field(default=(), repr=False)
    missing: tuple[Condition, ...] = attrs.field(default=(), repr=False)
    locale: bool = attrs.field(default=True, repr=False)
    place: str = attrs.field(default="middleware", repr=False, eq=False)
    tokens: tuple[Token, ...] = attrs.field(default=(), repr=False, eq=False)
    _compiled: list[Any] = attrs.field(factory=list, init=False, repr=False, eq=False)

    def _regex(self) -> tuple[regex.Pattern[str], int]:
        """The Python regex (compiled on first use) and the length from which a match is timed."""
        if not self._compiled:
            js = to_js_regex(self.tokens, self.built, strict=False, delimiter=_DELIMITER)
            py, _ = translate_js(
                attrs.evolve(js, source=self.regexp), case_sensitive=True, text=self.built
            )
            self._compiled.append(
                (
                    regex.compile(py, regex.V0, cache_pattern=False),
                    free_length(self.tokens) if self.tokens else 1 << 62,
                )
            )
        found: tuple[regex.Pattern[str], int] = self._compiled[0]
        return found

    def match(self, pathname: str, timeout: float | None = None) -> bool:
        """Whether the source's regex matches `pathname` (conditions not tested)."""
        compiled, free = self._regex()
        subject = pathname if pathname.isascii() else to_utf16(pathname)
        if timeout is not None and len(subject) >= free:
            return compiled.search(subject, timeout=timeout) is not None
        return compiled.search(subject) is not None

    def conditions(
        self, view: RequestView, query: Mapping[str, QueryValue], timeout: float | None = None
    ) -> bool:
        """Whether `has` and `missing` hold (`matchHas`)."""
        if not self.has and not self.missing:
            return True
        return match_conditions(self.has, self.missing, view, query, timeout) is not None

    def refusal(self, pathname: str) -> Refusal | None:
        """When a negative lookahead opening one of the source's groups is why `pathname` does
        not match: the lookahead and the text it refused (a prefix test: `(?!api)` refuses
        `/apiary` too)."""
        for at, token in enumerate(self.tokens):
            if not isinstance(token, Key) or not token.pattern.startswith("(?!"):
                continue
            end = group_end(token.pattern, 0)
            if end is None:
                continue
            lookahead = token.pattern[:end]
            tokens = list(self.tokens)
            tokens[at] = attrs.evolve(token, pattern=token.pattern[end:] or "(?:)")
            try:
                js = to_js_regex(tokens, self.built, strict=False, delimiter=_DELIMITER)
                py, _ = translate_js(js, case_sensitive=True, text=self.built)
                without = regex.compile(py, regex.V0)
                body = regex.compile(
                    translate_js(
                        attrs.evolve(js, source="^(?:" + lookahead[3:-1] + ")"),
                        case_sensitive=True,
                        text=self.built,
                    )[0],
                    regex.V0,
                )
            except (PatternError, JSRegexError, regex.error):
                continue
            subject = pathname if pathname.isascii() else to_utf16(pathname)
            found = without.search(subject)
            if found is None:
                continue
            group = sum(1 for t in self.tokens[:at] if isinstance(t, Key) and t.pattern) + 1
            start = found.start(group)
            if start < 0:
                continue
            seen = body.match(subject[start:])  # the translation anchors with \A
            if seen is not None:
                text = seen.group(0)
                return Refusal(lookahead, text if subject is pathname else from_utf16(text))
        return None


@attrs.frozen
class Middleware:
    """The middleware's matchers, as `next build` writes them for `proxy.ts`.

    `written` is the `config.matcher` value as given (True: the proxy has no matcher and runs on
    every path). A matcher list that is empty never matches.
    """

    matchers: tuple[Matcher, ...]
    written: Any = attrs.field(default=None, eq=False)

    @classmethod
    def load(cls, value: object, *, i18n: I18n | None = None, base_path: str = "") -> Middleware:
        """The middleware of a `config.matcher` value (`True`: a proxy without one); raises
        ConfigError listing every problem."""
        found, problems = load_middleware(value, i18n=i18n, base_path=base_path)
        if problems or found is None:
            raise ConfigError(problems or [Problem("middleware", "no middleware")])
        return found

    def first(
        self,
        pathname: str,
        view: RequestView,
        query: Mapping[str, QueryValue],
        timeout: float | None = None,
    ) -> Matcher | None:
        """The first matcher whose regex matches `pathname` and whose conditions hold."""
        for matcher in self.matchers:
            if matcher.match(pathname, timeout) and matcher.conditions(view, query, timeout):
                return matcher
        return None


def _typeof(value: object) -> str:
    """zod's name for a JSON value's type."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "null" if value is None else "object"


def _source_problem(source: object, place: str) -> Problem | None:
    """zod's `SourceSchema`: a string of at most 4,096 characters, starting with '/', that
    path-to-regexp parses (with its default options)."""
    if not isinstance(source, str):
        return Problem(place, f"Expected string, received {_typeof(source)}")
    if len(to_utf16(source)) > _MAX_SOURCE:
        return Problem(place, "exceeds max built length of 4096 for route")
    if not source.startswith("/"):
        return Problem(place, "source must start with /")
    try:
        _compile(source)
    except PatternError as exc:
        return Problem(place, f"Invalid source {source!r}: {exc.js_message or exc.message}")
    return None


def _compile(source: str) -> tuple[tuple[Token, ...], str]:
    """`tryToParsePath(source).regexStr`: tokens with default options, and the regex source
    (a repeated parameter without prefix is given a '/' one, as `normalizeTokensForRegexp`
    does after path-to-regexp refuses it). Raises PatternError."""
    tokens = tuple(
        attrs.evolve(t, prefix="/")
        if isinstance(t, Key) and t.pattern and t.repeat and not t.prefix and not t.suffix
        else t
        for t in parse_source(source, _DELIMITER)
    )
    js = to_js_regex(tokens, source, strict=False, delimiter=_DELIMITER)
    translate_js(js, case_sensitive=True, text=source)  # V8 compiles it: its errors are ours
    return tokens, js.source


def _conditions(items: object, place: str, problems: list[Problem]) -> tuple[Condition, ...]:
    """A matcher's `has` or `missing` (zod's `RouteHasSchema`, strict objects)."""
    if items is None:
        return ()
    if not isinstance(items, list | tuple):
        problems.append(Problem(place, f"Expected array, received {_typeof(items)}"))
        return ()
    out: list[Condition] = []
    for at, item in enumerate(items):
        where = f"{place}[{at}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(where, f"Expected object, received {_typeof(item)}"))
            continue
        kind = item.get("type")
        if kind not in ("header", "query", "cookie", "host"):
            problems.append(
                Problem(
                    f"{where}.type",
                    "Invalid discriminator value. Expected 'header' | 'query' | 'cookie' | 'host'",
                )
            )
            continue
        allowed = _HAS_KEYS["host" if kind == "host" else "header"]
        extra = [str(k) for k in item if k not in allowed]
        if extra:
            problems.append(
                Problem(where, f"Unrecognized key(s) in object: {', '.join(map(repr, extra))}")
            )
            continue
        key, value = item.get("key"), item.get("value")
        if kind != "host" and not isinstance(key, str):
            problems.append(
                Problem(
                    f"{where}.key",
                    "key is required when type is header, query or cookie"
                    if key is None
                    else f"Expected string, received {_typeof(key)}",
                )
            )
            continue
        if kind == "host" and not isinstance(value, str):
            problems.append(Problem(f"{where}.value", "host must have a value"))
            continue
        if value is not None and not isinstance(value, str):
            problems.append(Problem(f"{where}.value", "value must be a string"))
            continue
        if value:
            reason = check_value(value)
            if reason is not None:
                problems.append(
                    Problem(
                        f"{where}.value",
                        f"{value!r} is not a valid JavaScript regular expression: {reason} "
                        "(Next.js would fail every request this matcher sees)",
                    )
                )
                continue
        condition_type: ConditionType = kind
        out.append(Condition(condition_type, key if isinstance(key, str) else "", value or None))
    return tuple(out)


def load_middleware(
    value: object, *, i18n: I18n | None = None, base_path: str = ""
) -> tuple[Middleware | None, list[Problem]]:
    """The middleware of a `config.matcher` value, and its problems (zod's messages, placed).

    None or False: no middleware. True: a proxy without `config.matcher` (every path). A string,
    or a list of strings and `{source, has, missing, locale}` objects: the matchers.
    """
    if value is None or value is False:
        return None, []
    if value is True:
        # build/index.js: no matcher, so `[{regexp: '^.*$'}]`: every path, whatever the locale.
        everything = Matcher(DEFAULT_MATCHER, DEFAULT_MATCHER, "^.*$", place="middleware")
        return Middleware((everything,), True), []
    problems: list[Problem] = []
    if isinstance(value, str):
        items: list[tuple[str, object]] = [("middleware", value)]
    elif isinstance(value, list | tuple):
        items = [(f"middleware[{at}]", item) for at, item in enumerate(value)]
    else:
        kind = "a bare object" if isinstance(value, Mapping) else _typeof(value)
        problems.append(
            Problem(
                "middleware",
                f"the matcher must be a string or an array of strings and matcher objects, got "
                f"{kind} (Next.js: 'Expected string, received {_typeof(value)}'); write "
                "matcher: [{...}]",
            )
        )
        return None, problems
    matchers: list[Matcher] = []
    for place, item in items:
        if isinstance(item, str):
            source: object = item
            has: tuple[Condition, ...] = ()
            missing: tuple[Condition, ...] = ()
            locale = True
            source_place = place
        elif isinstance(item, Mapping):
            extra = [str(k) for k in item if k not in _MATCHER_KEYS]
            if extra:
                problems.append(
                    Problem(place, f"Unrecognized key(s) in object: {', '.join(map(repr, extra))}")
                )
            source = item.get("source")
            source_place = f"{place}.source"
            if source is None:
                problems.append(Problem(source_place, "source is required"))
                continue
            if "locale" in item and item["locale"] not in (False, None):
                problems.append(Problem(f"{place}.locale", "Invalid literal value, expected false"))
            locale = item.get("locale") is not False
            has = _conditions(item.get("has"), f"{place}.has", problems)
            missing = _conditions(item.get("missing"), f"{place}.missing", problems)
        else:
            problems.append(Problem(place, "must be an array of strings or middleware matchers"))
            continue
        problem = _source_problem(source, source_place)
        if problem is not None:
            problems.append(problem)
            continue
        assert isinstance(source, str)
        built = _build_source(source, locale=locale, i18n=i18n, base_path=base_path)
        problem = _source_problem(built, source_place)
        if problem is not None:
            problems.append(
                Problem(
                    source_place, f"Failed to parse middleware source {built!r}: {problem.message}"
                )
            )
            continue
        tokens, js = _compile(built)
        matchers.append(
            Matcher(source, built, js, has, missing, locale, place=place, tokens=tokens)
        )
    if problems:
        return None, problems
    return Middleware(tuple(matchers), value), []


def _build_source(source: str, *, locale: bool, i18n: I18n | None, base_path: str) -> str:
    """`getMiddlewareMatchers`: the source with the locale segment, the `/_next/data` prefix,
    the data suffix and basePath."""
    root = source == "/"
    if i18n is not None and locale:
        source = LOCALE_SEGMENT + ("" if root else source)
    if root:
        suffix = "(" + (r"|\.json|" if i18n is not None else "") + r"/?index|/?index\.json|"
        suffix += _ROOT_TRANSPORT + ")?"
    else:
        suffix = "{(" + _DATA_SUFFIX + ")}?"
    return base_path + _DATA_PREFIX + source + suffix


# --------------------------------------------------------------------------------------------------
# Reading `export const config` (build/analysis/extract-const-value.js)
# --------------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
      (?P<space>\s+|//[^\n]*|/\*.*?\*/)
    | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<template>`)
    | (?P<number>(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+
                   |(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?)
    | (?P<name>[A-Za-z_$\u00a0-\uffff][\w$\u00a0-\uffff]*)
    | (?P<punct>=>|\.\.\.|\?\?=?|\?\.|[=!]==?|[<>]=?|&&=?|\|\|=?|\+\+|--
                |[-+*/%&|^]=?|[{}()\[\];,:.?~@#=<>!])
    """,
    re.VERBOSE | re.DOTALL,
)
# After these a '/' starts a regex literal; after anything else it divides.
_REGEX_AFTER_NAMES = frozenset(
    "return typeof instanceof in of new delete void throw case do else yield await".split()  # noqa: SIM905 (a word list)
)


class _Lexed:
    """One token of JavaScript/TypeScript text: kind, text, and where it starts."""

    __slots__ = ("kind", "start", "text", "value")

    def __init__(self, kind: str, text: str, start: int, value: Any = None) -> None:
        self.kind = kind
        self.text = text
        self.start = start
        self.value = value

    def __repr__(self) -> str:
        return f"{self.kind}:{self.text!r}"


class ExtractError(Exception):
    """A `config` Next.js cannot read statically: the message and where (`config.matcher[0]`)."""

    def __init__(self, message: str, path: str | None = None, at: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.at = at


def _unescape(body: str, at: int) -> str:
    """A JavaScript string literal's body, its escapes resolved."""
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        i += 2
        simple = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
        if nxt in simple and not (nxt == "0" and i < len(body) and body[i].isdigit()):
            out.append(simple[nxt])
        elif nxt == "x":
            out.append(chr(int(body[i : i + 2], 16)))
            i += 2
        elif nxt == "u":
            if body[i : i + 1] == "{":
                end = body.index("}", i)
                out.append(chr(int(body[i + 1 : end], 16)))
                i = end + 1
            else:
                out.append(chr(int(body[i : i + 4], 16)))
                i += 4
        elif nxt in ("\n", "\u2028", "\u2029"):
            pass  # a line continuation
        elif nxt == "\r":
            if body[i : i + 1] == "\n":
                i += 1
        else:
            out.append(nxt)
    text = "".join(out)
    # JavaScript strings are UTF-16: a surrogate pair written as two escapes is one character.
    return from_utf16(text) if any("\ud800" <= c <= "\udfff" for c in text) else text


def _template(text: str, start: int) -> tuple[str, int, bool]:
    """A template literal from its opening '`': (cooked text, end, whether it has `${}`)."""
    i = start + 1
    out: list[str] = []
    has_expression = False
    depth = 0
    while i < len(text):
        ch = text[i]
        if depth == 0 and ch == "`":
            return "".join(out), i + 1, has_expression
        if ch == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        if depth == 0 and text.startswith("${", i):
            has_expression = True
            depth = 1
            i += 2
            continue
        if depth:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "`":
                _, i, _ = _template(text, i)
                continue
            i += 1
            continue
        out.append(ch)
        i += 1
    raise ExtractError("Unterminated template literal", at=start)


def _regex_literal(text: str, start: int) -> int:
    """The end of a regex literal opening at `start` (flags included)."""
    i = start + 1
    in_class = False
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "\n":
            break
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            i += 1
            while i < len(text) and (text[i].isalnum() or text[i] in "_$"):
                i += 1
            return i
        i += 1
    raise ExtractError("Unterminated regular expression literal", at=start)


def _lex(text: str) -> list[_Lexed]:
    """JavaScript/TypeScript text as tokens (comments and whitespace dropped). A '/' starts a
    regex literal where an expression may start, as a JavaScript parser decides."""
    out: list[_Lexed] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "`":
            cooked, end, has_expression = _template(text, i)
            out.append(_Lexed("template", text[i:end], i, (cooked, has_expression)))
            i = end
            continue
        if ch == "/" and not text.startswith(("//", "/*"), i):
            previous = out[-1] if out else None
            if (
                previous is None
                or (previous.kind == "punct" and previous.text not in (")", "]", "}"))
                or (previous.kind == "name" and previous.text in _REGEX_AFTER_NAMES)
            ):
                end = _regex_literal(text, i)
                out.append(_Lexed("regex", text[i:end], i))
                i = end
                continue
        found = _TOKEN.match(text, i)
        if found is None:
            raise ExtractError(f"Unexpected character {ch!r}", at=i)
        kind = found.lastgroup or "punct"
        if kind != "space":
            value: Any = None
            if kind == "string":
                value = _unescape(found.group()[1:-1], i)
            out.append(_Lexed(kind, found.group(), i, value))
        i = found.end()
    return out


#: Operators after a value that make it an expression Next.js does not read.
_OPERATORS = frozenset({"?", "||", "&&", "??", "+", "-", "*", "/", ".", "(", "[", "?.", "%"})


class _Reader:
    """`extractValue` over tokens: a literal, or the reason Next.js cannot read it."""

    def __init__(self, tokens: list[_Lexed], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self.at = 0

    def peek(self, offset: int = 0) -> _Lexed | None:
        at = self.at + offset
        return self.tokens[at] if at < len(self.tokens) else None

    def next(self) -> _Lexed:
        token = self.peek()
        if token is None:
            raise ExtractError("Unexpected end of file", at=len(self.text))
        self.at += 1
        return token

    def expect(self, text: str) -> _Lexed:
        token = self.next()
        if token.text != text:
            raise ExtractError(f"Expected {text!r}, found {token.text!r}", at=token.start)
        return token

    def value(self, path: str) -> Any:
        """One expression, as a literal value (raises ExtractError for anything else)."""
        token = self.next()
        if token.text == "(":
            inner = self.value(path)
            self.expect(")")
            return self.wrapped(inner, path)
        if token.text == "<":
            # `<Type>value`, a TypeScript type assertion.
            self.skip_type(">")
            self.expect(">")
            return self.value(path)
        if token.kind == "string":
            found: Any = token.value
        elif token.kind == "template":
            cooked, has_expression = token.value
            if has_expression:
                raise ExtractError(
                    "Unsupported template literal with expressions", path, token.start
                )
            found = _unescape(cooked, token.start)
        elif token.kind == "number":
            digits = token.text.replace("_", "").rstrip("n")
            try:
                found = int(digits, 0)
            except ValueError:
                found = float(digits)
        elif token.kind == "regex":
            raise ExtractError(
                "Unsupported regular expression literal: a matcher is a path-to-regexp string",
                path,
                token.start,
            )
        elif token.kind == "name":
            names = {"true": True, "false": False, "null": None}
            if token.text in names:
                found = names[token.text]
            elif token.text == "undefined":
                found = _UNDEFINED
            else:
                raise ExtractError(f'Unknown identifier "{token.text}"', path, token.start)
        elif token.text == "[":
            found = self.array(path)
        elif token.text == "{":
            found = self.object(path)
        elif token.text == "-" and self.peek() is not None and self.peek().kind == "number":  # type: ignore[union-attr]
            raise ExtractError('Unsupported node type "UnaryExpression"', path, token.start)
        else:
            raise ExtractError(
                f"Unsupported expression starting with {token.text!r}", path, token.start
            )
        return self.wrapped(found, path)

    def wrapped(self, found: Any, path: str) -> Any:
        """`value as const`, `value as Type`, `value satisfies Type`: the value itself. Any other
        operator after it makes an expression Next.js does not read."""
        while True:
            token = self.peek()
            if token is None or token.kind != "name" or token.text not in ("as", "satisfies"):
                break
            self.next()
            self.skip_type(None)
        token = self.peek()
        if token is not None and token.text in _OPERATORS:
            raise ExtractError(
                f"Unsupported expression (operator {token.text!r}): Next.js reads literals only",
                path,
                token.start,
            )
        return found

    def skip_type(self, stop: str | None) -> None:
        """Skip a TypeScript type up to a top-level `stop` (or the end of the expression)."""
        depth = 0
        while True:
            token = self.peek()
            if token is None:
                return
            if depth == 0 and (
                (stop is not None and token.text == stop)
                or (stop is None and token.text in (",", ")", "]", "}", ";", "="))
            ):
                return
            if token.text in ("(", "[", "{", "<"):
                depth += 1
            elif token.text in (")", "]", "}", ">"):
                if depth == 0:
                    return
                depth -= 1
            elif token.text == "=>":
                pass
            self.next()

    def array(self, path: str) -> list[Any]:
        """`[a, b, ...]` (a hole is undefined)."""
        out: list[Any] = []
        index = 0
        while True:
            token = self.peek()
            if token is None:
                raise ExtractError("Unterminated array", path, len(self.text))
            if token.text == "]":
                self.next()
                return out
            if token.text == ",":
                self.next()
                out.append(_UNDEFINED)
                index += 1
                continue
            if token.text == "...":
                raise ExtractError(
                    "Unsupported spread operator in the Array Expression", path, token.start
                )
            out.append(self.value(f"{path}[{index}]"))
            index += 1
            token = self.next()
            if token.text == "]":
                return out
            if token.text != ",":
                raise ExtractError(f"Expected ',' or ']', found {token.text!r}", path, token.start)

    def object(self, path: str) -> dict[str, Any]:
        """`{key: value, "key": value}`."""
        out: dict[str, Any] = {}
        while True:
            token = self.next()
            if token.text == "}":
                return out
            if token.text == "...":
                raise ExtractError(
                    "Unsupported spread operator in the Object Expression", path, token.start
                )
            if token.kind == "name":
                key = token.text
            elif token.kind == "string":
                key = token.value
            elif token.text == "[":
                raise ExtractError(
                    'Unsupported key type "Computed" in the Object Expression', path, token.start
                )
            else:
                raise ExtractError(
                    f'Unsupported key type "{token.kind}" in the Object Expression',
                    path,
                    token.start,
                )
            after = self.next()
            if after.text in (",", "}") and token.kind == "name":
                raise ExtractError(
                    f'Unsupported shorthand property {key!r}: Next.js reads only "key: value"',
                    path,
                    token.start,
                )
            if after.text == "(":
                raise ExtractError("Unsupported method in the Object Expression", path, token.start)
            if after.text != ":":
                raise ExtractError(f"Expected ':', found {after.text!r}", path, after.start)
            out[key] = self.value(f"{path}.{key}" if path else key)
            token = self.next()
            if token.text == "}":
                return out
            if token.text != ",":
                raise ExtractError(f"Expected ',' or '}}', found {token.text!r}", path, token.start)


class _Undefined:
    """JavaScript's undefined inside an extracted value (a key set to it counts as absent)."""

    def __repr__(self) -> str:
        return "undefined"


_UNDEFINED = _Undefined()


def _plain(value: Any) -> Any:
    """An extracted value with undefined dropped from objects (zod reads them as absent)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not _UNDEFINED}
    if isinstance(value, list):
        return [None if v is _UNDEFINED else _plain(v) for v in value]
    return None if value is _UNDEFINED else value


#: Next.js only parses a file whose text matches this (get-page-static-info.js PARSE_PATTERN).
_PARSE_PATTERN = re.compile(
    r"(?<!_jsx|jsx-)runtime|preferredRegion|getStaticProps|getServerSideProps|"
    r"generateStaticParams|unstable_paramMatching|unstable_generateParamMatching|export const|"
    r"generateImageMetadata|generateSitemaps|middleware|proxy"
)


def read_matcher(text: str) -> Any:
    """The `config.matcher` of a middleware file's text, read as `next build` reads it: the
    value of `export const config = {...}` (literals only); True when the file has no config or
    no matcher (the proxy runs on every path). Raises `ExtractError` (with the place, such as
    `config.matcher[0]`) where Next.js stops the build."""
    if not _PARSE_PATTERN.search(text):
        return True
    found, value = extract_config(text)
    if not found or not isinstance(value, dict):
        return True  # parseMiddlewareConfig: a config that is not an object is no config
    if "matcher" not in value:
        return True
    if value["matcher"] is None:
        raise ExtractError("Expected string, received null", "config.matcher")
    return value["matcher"]


def extract_config(text: str) -> tuple[bool, Any]:
    """`extractExportedConstValue(ast, 'config')` over JavaScript or TypeScript text: (whether
    there is an `export const config`, its value). Raises `ExtractError` (with the place, such
    as `config.matcher[0]`) when the value is not a literal."""
    tokens = _lex(text)
    depth = 0
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token.text in ("{", "(", "[", "${"):
            depth += 1
        elif token.text in ("}", ")", "]"):
            depth -= 1
        elif (
            depth == 0
            and token.text == "export"
            and at + 1 < len(tokens)
            and tokens[at + 1].text == "const"
        ):
            found = _declarations(tokens, at + 2, text)
            if found is not _ABSENT:
                return True, found
        at += 1
    return False, None


_ABSENT = object()


def _declarations(tokens: list[_Lexed], at: int, text: str) -> Any:
    """The value of the `config` declarator of `export const a = ..., config = ...`."""
    reader = _Reader(tokens, text)
    reader.at = at
    while True:
        name = reader.next()
        if name.kind != "name":
            return _ABSENT  # a destructuring pattern is no Identifier: Next.js skips it
        token = reader.peek()
        if token is not None and token.text == ":":
            reader.next()
            reader.skip_type(None)
        token = reader.peek()
        if token is not None and token.text == "=":
            reader.next()
            if name.text == "config":
                return _plain(reader.value("config"))
            _skip_expression(reader)
        token = reader.peek()
        if token is None or token.text != ",":
            return _ABSENT
        reader.next()


def _skip_expression(reader: _Reader) -> None:
    """Skip one initialiser up to its top-level ',' or the statement's end."""
    depth = 0
    while True:
        token = reader.peek()
        if token is None:
            return
        if depth == 0 and token.text in (",", ";"):
            return
        if token.text in ("(", "[", "{"):
            depth += 1
        elif token.text in (")", "]", "}"):
            if depth == 0:
                return
            depth -= 1
        reader.next()


# --------------------------------------------------------------------------------------------------
# The middleware file of a project (build/index.js)
# --------------------------------------------------------------------------------------------------

#: Next.js 16's name for the middleware file, and the name it had before (deprecated).
FILE_NAMES = ("proxy", "middleware")


def find_file(folder: Path, extensions: Sequence[str]) -> Path | None:
    """The middleware file in `folder` (the parent of `pages/` or `app/`, as `next build` looks
    there): `proxy.<ext>`, else `middleware.<ext>`, the first of `pageExtensions` winning.
    Raises ConfigError when both a proxy and a middleware file exist, as `next build` does."""
    found: dict[str, Path] = {}
    for name in FILE_NAMES:
        for ext in extensions:
            candidate = folder / f"{name}.{ext}"
            if candidate.is_file():
                found[name] = candidate
                break
    if len(found) == 2:
        proxy, middleware = found["proxy"], found["middleware"]
        raise ConfigError(
            [
                Problem(
                    str(middleware),
                    f'Both middleware file "{middleware.name}" and proxy file "{proxy.name}" are '
                    f'detected. Please use "{proxy.name}" only. Learn more: '
                    "https://nextjs.org/docs/messages/middleware-to-proxy",
                )
            ]
        )
    return found.get("proxy") or found.get("middleware")


def read_file(path: Path) -> Any:
    """The `config.matcher` of a middleware file as `next build` reads it (True: none, the
    middleware runs on every path). Raises ConfigError placed at the file when Next.js cannot
    read the config statically, or the file exports no function Next.js would run."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), f"cannot read the middleware file: {exc}")]) from None
    kind = path.name.split(".", 1)[0]
    try:
        if not _exports_handler(text, kind):
            raise ConfigError(
                [
                    Problem(
                        str(path),
                        f'The file "./{path.name}" must export a function, either as a default '
                        f'export or as a named "{kind}" export. '
                        "Learn more: https://nextjs.org/docs/messages/middleware-to-proxy",
                    )
                ]
            )
        return read_matcher(text)
    except ExtractError as exc:
        line = text.count("\n", 0, exc.at) + 1
        where = f" at {exc.path}" if exc.path else ""
        raise ConfigError(
            [
                Problem(
                    f"{path}:{line}",
                    f"Next.js cannot read `export const config`{where} statically: {exc.message}. "
                    "`next build` stops here ('Invalid segment configuration export detected'): "
                    "write the matcher as a literal (strings, arrays, objects)",
                )
            ]
        ) from None


def _exports_handler(text: str, kind: str) -> bool:
    """Whether the file has a default export or a named export `kind` (`proxy`/`middleware`),
    as `validateMiddlewareProxyExports` checks."""
    tokens = _lex(text)
    for at, token in enumerate(tokens[:-1]):
        if token.text != "export":
            continue
        following = [t.text for t in tokens[at + 1 : at + 6]]
        if following[:1] == ["default"]:
            return True
        names = [t for t in following if t not in ("async", "function", "const", "let", "var", "*")]
        if names[:1] == [kind]:
            return True
        if following[:1] == ["{"]:
            end = next((i for i in range(at + 1, len(tokens)) if tokens[i].text == "}"), at)
            inner = [t.text for t in tokens[at + 2 : end]]
            for i, name in enumerate(inner):
                exported = inner[i + 2] if i + 2 < len(inner) and inner[i + 1] == "as" else name
                if exported == kind and (i == 0 or inner[i - 1] == ","):
                    return True
    return False
