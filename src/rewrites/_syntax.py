"""Stage 1: source text → tokens, exactly as path-to-regexp 6.3.0's `lexer` and `parse`.

Next.js 16 vendors path-to-regexp 6.3.0 (../shared/reference/nextjs-semantics.md §1.1, §2). This is
a port of its grammar, quirks included, with spans kept for error messages. Each path-to-regexp
error has a `PatternError` counterpart carrying the original message in `js_message`.
"""

from __future__ import annotations

import re
from typing import Any, Literal, NamedTuple, TypeAlias

import attrs

from .errors import PatternError

__all__ = [
    "DELIMITER",
    "PREFIXES",
    "Key",
    "Token",
    "escape_js",
    "js_index",
    "parse",
    "parse_whole_segments",
]

#: Next.js compiles custom routes with `delimiter: '/'` and the default prefixes `./`.
DELIMITER = "/"
PREFIXES = "./"

LexKind: TypeAlias = Literal[
    "MODIFIER", "ESCAPED_CHAR", "OPEN", "CLOSE", "NAME", "PATTERN", "CHAR", "END"
]

_NAME_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
# path-to-regexp's escapeString: /([.+*?=^!:${}()[\]|/\\])/g, as a translation table.
_JS_ESCAPES = str.maketrans({ch: "\\" + ch for ch in ".+*?=^!:${}()[]|/\\"})


# The metacharacters other than '/' and '.', the only ones most paths hold.
_RARE_META = re.compile(r"[+*?=^!:${}()\[\]|\\]")


def escape_js(text: str) -> str:
    """path-to-regexp's `escapeString`: backslash every JavaScript regex metacharacter."""
    if _RARE_META.search(text) is None:
        return text.replace("/", "\\/").replace(".", "\\.")  # str.translate is 10x slower
    return text.translate(_JS_ESCAPES)


def js_index(text: str, index: int) -> int:
    """`index` in UTF-16 code units, as JavaScript counts positions (astral characters are 2)."""
    if text.isascii():
        return index
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


@attrs.frozen
class Key:
    """A parameter (or a `{...}` group) of a source pattern.

    `name` is the parameter name, an int for unnamed groups (`(.*)` is 0, the next 1, ...), or ""
    for a literal group such as `{abc}?`, which has no `pattern` and is not a key of the pattern.
    `custom` tells whether the pattern was written by the user (`:id(\\d+)`) or is path-to-regexp's
    default one. `span` is where the parameter sits in the source.
    """

    name: str | int
    prefix: str
    suffix: str
    pattern: str
    modifier: str
    span: tuple[int, int] = attrs.field(eq=False, repr=False)
    custom: bool = attrs.field(default=False, eq=False, repr=False)

    @property
    def repeat(self) -> bool:
        """`*` and `+` parameters match one or more segments and give a tuple."""
        return self.modifier in ("*", "+")

    @property
    def optional(self) -> bool:
        """`?` and `*` parameters may be absent."""
        return self.modifier in ("?", "*")

    @property
    def label(self) -> str:
        """How the parameter is named in messages: 'slug', or 'group 0' for unnamed groups."""
        return f"group {self.name}" if isinstance(self.name, int) else repr(self.name)


#: The token tree: literal text and parameters, in order.
Token: TypeAlias = "str | Key"


class _Lex(NamedTuple):
    """One lexer token: kind, value, and where it starts and ends in the source.

    A tuple, not an attrs class: a large table lexes millions of these.
    """

    kind: LexKind
    value: str | None
    start: int
    end: int


_DESCRIBE = {
    "MODIFIER": "modifier",
    "ESCAPED_CHAR": "escaped character",
    "OPEN": "'{'",
    "CLOSE": "'}'",
    "NAME": "parameter",
    "PATTERN": "pattern",
    "CHAR": "character",
    "END": "end of the pattern",
}


def _lex(source: str) -> list[_Lex]:
    """lexer = (MODIFIER | ESCAPED_CHAR | OPEN | CLOSE | NAME | PATTERN | CHAR)* END"""
    tokens: list[_Lex] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch in "*+?":
            tokens.append(_Lex("MODIFIER", ch, i, i + 1))
            i += 1
        elif ch == "\\":
            # A backslash at the very end lexes to an escaped *nothing*; the parser then drops it.
            value = source[i + 1] if i + 1 < n else None
            tokens.append(_Lex("ESCAPED_CHAR", value, i, min(i + 2, n)))
            i += 2
        elif ch == "{":
            tokens.append(_Lex("OPEN", ch, i, i + 1))
            i += 1
        elif ch == "}":
            tokens.append(_Lex("CLOSE", ch, i, i + 1))
            i += 1
        elif ch == ":":
            j = i + 1
            while j < n and source[j] in _NAME_CHARS:
                j += 1
            if j == i + 1:
                raise PatternError(
                    "Missing parameter name after ':'",
                    source,
                    (i, i + 1),
                    hint="Name the parameter (':id'), or escape the colon as '\\:' "
                    "to match a literal ':'",
                    js_message=f"Missing parameter name at {js_index(source, i)}",
                )
            tokens.append(_Lex("NAME", source[i + 1 : j], i, j))
            i = j
        elif ch == "(":
            j = _lex_pattern(source, i)
            tokens.append(_Lex("PATTERN", source[i + 1 : j - 1], i, j))
            i = j
        else:
            tokens.append(_Lex("CHAR", ch, i, i + 1))
            i += 1
    # After a trailing backslash `i` is one past the end, and so is END's index, as in JS.
    tokens.append(_Lex("END", "", i, i))
    return tokens


def _lex_pattern(source: str, start: int) -> int:
    """pattern = "(" (ESCAPE | "(?" | not-paren)* ")"; returns the index after the closing ')'."""
    n = len(source)
    j = start + 1
    if j < n and source[j] == "?":
        raise PatternError(
            "A parameter's pattern cannot start with '?'",
            source,
            (start, j + 1),
            hint="Put the assertion inside a pattern, as in '((?!auth).*)', or escape the "
            "parenthesis as '\\(' to match a literal '('",
            js_message=f'Pattern cannot start with "?" at {js_index(source, j)}',
            position=j,
        )
    depth = 1
    while j < n:
        ch = source[j]
        if ch == "\\":
            j += 2
            continue
        if ch == ")":
            depth -= 1
            if depth == 0:
                j += 1
                break
        elif ch == "(":
            depth += 1
            if source[j + 1 : j + 2] != "?":
                raise PatternError(
                    "Capturing groups are not allowed inside a parameter's pattern",
                    source,
                    (j, j + 1),
                    hint="Use a non-capturing group '(?:...)' instead",
                    js_message=f"Capturing groups are not allowed at {js_index(source, j)}",
                )
        j += 1
    if depth:
        raise PatternError(
            "Unbalanced '(': the pattern is never closed",
            source,
            (start, n),
            hint="Close it with ')', or escape it as '\\(' to match a literal '('",
            js_message=f"Unbalanced pattern at {js_index(source, start)}",
        )
    if j - start == 2:
        raise PatternError(
            "Empty pattern '()'",
            source,
            (start, j),
            hint="Write a pattern between the parentheses, or escape them as '\\(\\)' "
            "to match them literally",
            js_message=f"Missing pattern at {js_index(source, start)}",
        )
    return min(j, n)


class _Parser:
    """path-to-regexp's `parse`, with spans: a cursor over the lexer's tokens."""

    def __init__(self, source: str, delimiter: str = DELIMITER) -> None:
        self.source = source
        self.delimiter = delimiter
        self.tokens = _lex(source)
        self.i = 0
        self.result: list[Token] = []
        self.key = 0  # the running number of unnamed groups

    def try_consume(self, kind: LexKind) -> _Lex | None:
        """Take the next token if it is of `kind`."""
        tok = self.tokens[self.i]
        if tok.kind == kind:
            self.i += 1
            return tok
        return None

    def must_consume(self, kind: LexKind, *, context: _Lex | None = None) -> _Lex:
        """Take the next token, which must be of `kind`."""
        tok = self.try_consume(kind)
        if tok is not None:
            return tok
        raise self._unexpected(self.tokens[self.i], kind, context)

    def _unexpected(self, tok: _Lex, expected: LexKind, context: _Lex | None) -> PatternError:
        """The error for a token the grammar does not allow here, with the likely fix."""
        js = f"Unexpected {tok.kind} at {js_index(self.source, tok.start)}, expected {expected}"
        span = (tok.start, max(tok.end, tok.start + 1))
        hint: str | None = None
        if expected == "END" and tok.kind == "MODIFIER":
            message = (
                f"Unexpected {tok.value!r}: a modifier must follow a parameter or a '{{...}}' group"
            )
            hint = f"Escape it as '\\{tok.value}' to match a literal {tok.value!r}"
        elif expected == "END" and tok.kind == "CLOSE":
            message = "Unexpected '}' without a matching '{'"
            hint = "Escape it as '\\}' to match a literal '}'"
        elif tok.kind == "END":
            message = "Unclosed '{': the group is never closed"
            hint = "Close the group with '}', or escape the brace as '\\{' to match a literal '{'"
            if context is not None:
                span = (context.start, len(self.source))
        elif tok.kind == "MODIFIER":
            message = f"Unexpected {tok.value!r} inside a '{{...}}' group"
            hint = f"Put the modifier after the closing brace ('{{...}}{tok.value}'), or escape it"
        elif tok.kind == "OPEN":
            message = "Groups '{...}' cannot be nested"
            hint = "Escape the inner brace as '\\{' to match a literal '{'"
        elif tok.kind in ("NAME", "PATTERN"):
            message = "A '{...}' group holds at most one parameter"
            hint = "Split it into two groups, or escape the ':' or '(' to match it literally"
        else:
            message = f"Unexpected {_DESCRIBE[tok.kind]}, expected {_DESCRIBE[expected]}"
        return PatternError(
            message, self.source, span, hint=hint, js_message=js, position=tok.start
        )

    def consume_text(self) -> str:
        """text = (CHAR | ESCAPED_CHAR)*"""
        out = ""
        while True:
            tok = self.try_consume("CHAR") or self.try_consume("ESCAPED_CHAR")
            # An escaped nothing (a trailing backslash) is consumed but ends the text, as in JS.
            if tok is None or not tok.value:
                return out
            out += tok.value

    def safe_pattern(self, prefix: str, span: tuple[int, int], name: str) -> str:
        """The 6.3.0 default pattern: a value may not contain the text that precedes it (§2.4)."""
        prev = self.result[-1] if self.result else None
        prev_text = prefix or (prev if isinstance(prev, str) else "")
        if prev is not None and not prev_text:
            assert isinstance(prev, Key)
            other = str(prev.name)
            raise PatternError(
                f"Parameter {name!r} must be separated from {other!r} by literal text",
                self.source,
                (prev.span[0], span[1]),
                hint=f"Put text between them (':{other}-:{name}'), or give {name!r} an explicit "
                f"pattern (':{name}(\\d+)')",
                js_message=f'Must have text between two parameters, missing text after "{other}"',
            )
        delimiter = escape_js(self.delimiter)
        if not prev_text or any(ch in prev_text for ch in self.delimiter):
            return f"[^{delimiter}]+?"
        return f"(?:(?!{escape_js(prev_text)})[^{delimiter}])+?"

    def parse(self) -> list[Token]:
        """path = (CHAR? NAME? PATTERN? MODIFIER? | CHAR | ESCAPED_CHAR | group)* END"""
        path = ""
        while self.i < len(self.tokens):
            char = self.try_consume("CHAR")
            name = self.try_consume("NAME")
            pattern = self.try_consume("PATTERN")
            if name or pattern:
                self.param(char, name, pattern, path)
                path = ""
                continue
            value = char or self.try_consume("ESCAPED_CHAR")
            if value is not None and value.value:
                path += value.value
                continue
            # (An escaped nothing, from a trailing backslash, is consumed and falls through.)
            if path:
                self.result.append(path)
                path = ""
            open_ = self.try_consume("OPEN")
            if open_:
                self.group(open_)
                continue
            self.must_consume("END")
        return self.result

    def param(self, char: _Lex | None, name: _Lex | None, pattern: _Lex | None, path: str) -> None:
        """param = CHAR? NAME PATTERN? MODIFIER? | CHAR? PATTERN MODIFIER?"""
        prefix = char.value or "" if char else ""
        if prefix not in PREFIXES:
            path += prefix
            prefix = ""
        if path:
            self.result.append(path)
        first = char if char and prefix else (name or pattern)
        assert first is not None
        last = pattern or name
        assert last is not None
        if name:
            key_name: str | int = name.value or ""
        else:
            key_name = self.key
            self.key += 1
        modifier = self.try_consume("MODIFIER")
        span = (first.start, (modifier or last).end)
        if pattern:
            pattern_text = pattern.value or ""
        else:
            pattern_text = self.safe_pattern(prefix, span, str(key_name))
        self.result.append(
            Key(
                name=key_name,
                prefix=prefix,
                suffix="",
                pattern=pattern_text,
                modifier=modifier.value or "" if modifier else "",
                span=span,
                custom=pattern is not None,
            )
        )

    def group(self, open_: _Lex) -> None:
        """group = "{" text NAME? PATTERN? text "}" MODIFIER?"""
        prefix = self.consume_text()
        name = self.try_consume("NAME")
        pattern = self.try_consume("PATTERN")
        suffix = self.consume_text()
        close = self.must_consume("CLOSE", context=open_)
        modifier = self.try_consume("MODIFIER")
        span = (open_.start, (modifier or close).end)
        key_name: str | int
        if name:
            key_name = name.value or ""
        elif pattern:
            key_name = self.key
            self.key += 1
        else:
            key_name = ""
        if pattern:
            pattern_text = pattern.value or ""
        elif name:
            pattern_text = self.safe_pattern(prefix, span, str(key_name))
        else:
            pattern_text = ""
        self.result.append(
            Key(
                name=key_name,
                prefix=prefix,
                suffix=suffix,
                pattern=pattern_text,
                modifier=modifier.value or "" if modifier else "",
                span=span,
                custom=pattern is not None,
            )
        )


def parse(source: str, delimiter: str = DELIMITER) -> tuple[Token, ...]:
    """Parse a path-to-regexp 6.3.0 source into literal strings and `Key`s.

    `delimiter` is path-to-regexp's option: Next.js matches with '/', and checks the length of a
    route's regex with the default, '/#?' (see `_regexp.next_built_length`).

    >>> parse("/blog/:slug")
    ('/blog', Key(name='slug', prefix='/', suffix='', pattern='[^\\\\/]+?', modifier=''))
    """
    if delimiter == DELIMITER and _SIMPLE_SOURCE.fullmatch(source):
        return _parse_simple(source)[0]
    return tuple(_Parser(source, delimiter).parse())


def parse_whole_segments(source: str) -> tuple[tuple[Token, ...], tuple[Key, ...], bool] | None:
    """`parse` for a source made of whole segments (each literal text, or one '/:name' or
    '/(pattern)', maybe with a pattern and a modifier; most real sources): its tokens, its keys
    (every key is '/'-prefixed and has a pattern), and whether any pattern is the user's own.
    None for any other source.

    >>> parse_whole_segments("/blog/:id(\\d+)")[1:]
    ((Key(name='id', prefix='/', suffix='', pattern='\\d+', modifier=''),), True)
    """
    cut = source.rfind("/")
    if cut > 0 and source.find(":", cut) < 0 and _TEXT_SEGMENT.fullmatch(source, cut + 1):
        # A last segment of plain text (`/:locale/page-12`): the rest (`/:locale`), which a
        # large table repeats, parsed once. A source of whole segments followed by '/' and plain
        # text is one too, with the same keys, and that text at its end.
        head = source[:cut]
        parsed = _WHOLE_HEADS.get(head, _UNSEEN)
        if parsed is _UNSEEN:
            parsed = _whole_segments(head)
            if len(_WHOLE_HEADS) >= 4096:
                _WHOLE_HEADS.clear()
            _WHOLE_HEADS[head] = parsed
        if parsed is not None:
            tokens, keys, custom = parsed
            last = tokens[-1]
            if isinstance(last, str):
                return (*tokens[:-1], last + source[cut:]), keys, custom
            return (*tokens, source[cut:]), keys, custom
    return _whole_segments(source)


def _whole_segments(source: str) -> tuple[tuple[Token, ...], tuple[Key, ...], bool] | None:
    """`parse_whole_segments`, from the whole source."""
    if not _WHOLE_SEGMENTS.fullmatch(source):
        return None
    return _parse_simple(source)


# Whole segments only: plain text, or ':name' with an optional pattern free of groups and an
# optional modifier (most real sources). The pattern's alternatives are the lexer's: an escape pair
# or any character but a parenthesis, not starting with '?'.
_SIMPLE_BODY = r"\((?!\?)((?:\\.|[^()\\])+)\)"
_SIMPLE_PARAM = rf":([A-Za-z0-9_]+)(?:{_SIMPLE_BODY})?([*+?]?)"
_SIMPLE_SOURCE = re.compile(rf"(?:/[^:*+?\\{{}}()/]*|/{_SIMPLE_PARAM})+", re.S)
# The same with unnamed groups too (such a pattern alone, '/(.*)'): what `parse_whole_segments`
# takes. (`parse` leaves those to the parser.)
_WHOLE_PARAM = rf"(?::([A-Za-z0-9_]+)(?:{_SIMPLE_BODY})?|{_SIMPLE_BODY})([*+?]?)"
_WHOLE_SEGMENTS = re.compile(rf"(?:/[^:*+?\\{{}}()/]*|/{_WHOLE_PARAM})+", re.S)
# In such a source '/:' and '/(' only start a key (text segments hold neither ':' nor '(', and a
# key's pattern is consumed with it), so the keys can be found directly: split on them, each
# whole key text kept (its groups not captured), the text between them in between.
_KEY_BODY = _SIMPLE_BODY.replace("((?:", "(?:(?:")  # (the same, its pattern not a group)
_WHOLE_KEY_TEXT = re.compile(rf"(/(?::[A-Za-z0-9_]+(?:{_KEY_BODY})?|{_KEY_BODY})[*+?]?)", re.S)
# One key's text, its parts as groups: name, pattern, unnamed pattern, modifier.
_WHOLE_KEY = re.compile(f"/{_WHOLE_PARAM}", re.S)
_DEFAULT_PATTERN = "[^" + escape_js(DELIMITER) + "]+?"
# One segment of plain text after its '/' (what `_WHOLE_SEGMENTS` takes as text), maybe empty.
_TEXT_SEGMENT = re.compile(r"[^:*+?\\{}()/]*")

_Whole = tuple[tuple[Token, ...], tuple[Key, ...], bool]
#: `_whole_segments` of the sources `parse_whole_segments` has seen with a last segment of plain
#: text cut off, None for those that are not of whole segments.
_WHOLE_HEADS: dict[str, _Whole | None] = {}
#: Not yet seen (`_WHOLE_HEADS.get`'s default, compared by identity).
_UNSEEN: _Whole = ((), (), False)


#: The keys `_parse_simple` made, by their text, where they start and (for an unnamed group) its
#: number: a large table has many sources that differ only in their literal text, and a key is a
#: value.
_SIMPLE_KEYS: dict[tuple[str, int, int], Key] = {}


def _simple_key(text: str, at: int, unnamed: int) -> Key:
    """The key of one key text of a whole-segment source (`_WHOLE_KEY_TEXT`) starting at `at`;
    an unnamed group gets the number `unnamed`."""
    made = _SIMPLE_KEYS.get((text, at, unnamed))
    if made is not None:
        return made
    match = _WHOLE_KEY.fullmatch(text)
    assert match is not None  # (a key text is one key)
    named, pattern, alone, modifier = match.groups()
    name: str | int = unnamed if named is None else named
    if named is None:  # '/(pattern)'
        pattern = alone
    key = Key(
        name,
        "/",
        "",
        pattern or _DEFAULT_PATTERN,
        modifier,
        span=(at, at + len(text)),
        custom=pattern is not None,
    )
    if len(_SIMPLE_KEYS) >= 4096:
        _SIMPLE_KEYS.clear()
    _SIMPLE_KEYS[text, at, unnamed] = key
    return key


def _parse_simple(source: str) -> tuple[tuple[Token, ...], tuple[Key, ...], bool]:
    """`parse_whole_segments` once the source is known to be of whole segments: what the full
    parser gives, without it.

    A '/:name' segment is a key with prefix '/' (so its default pattern is the plain one); the
    text between keys is one literal token.
    """
    # [text, key text, text, key text, ..., text]: spans follow from lengths.
    parts: list[Any] = _WHOLE_KEY_TEXT.split(source)
    made = _SIMPLE_KEYS
    if len(parts) == 3:  # one key (the commonest shape after plain text): no loop
        head, text, tail = parts
        at = len(head)
        key = made.get((text, at, 0)) or _simple_key(text, at, 0)
        if head:
            return ((head, key, tail) if tail else (head, key)), (key,), key.custom
        return ((key, tail) if tail else (key,)), (key,), key.custom
    head = parts[0]
    tokens = [head] if head else []
    found = []
    custom = False
    unnamed = 0  # the number the next unnamed group gets
    at = len(head)
    for i in range(1, len(parts), 2):
        text = parts[i]
        key = made.get((text, at, unnamed)) or _simple_key(text, at, unnamed)
        if text[1] == "(":  # '/(pattern)'
            unnamed += 1
        tokens.append(key)
        found.append(key)
        if key.custom:
            custom = True
        text = parts[i + 1]
        if text:
            tokens.append(text)
        at = key.span[1] + len(text)
    return tuple(tokens), tuple(found), custom
