"""Translate a JavaScript RegExp source into an equivalent pattern for the `regex` module.

The JavaScript side is ECMAScript with Annex B in non-unicode mode (flags none or ``i``), exactly
as V8 in Node 20 parses and runs it; the Python side is ``regex.compile(pattern, regex.V0)`` with
no flags, matched against subjects that went through :func:`to_utf16`.

Design: a recursive-descent parser (mirroring V8's ``RegExpParser`` so that syntax errors come out
with V8's message and in V8's order) builds a small AST (public: :func:`parse` and the node
classes, which lint and example generation read); an emitter then writes Python syntax from
the AST.  Nothing is ever copied textually: every character is re-escaped and every character set
becomes an explicit class of code-unit ranges.  Three semantic gaps between JavaScript and Python
backtracking are bridged in the emitter (see :class:`_Emitter`):

* JS rejects an iteration of a quantifier that matched the empty string once the minimum count is
  reached (the "empty check"); Python accepts it and stops.
* JS resets the captures inside a quantified atom at the start of every iteration, so a group that
  did not take part in the *last* iteration is undefined; Python keeps the older value.
* Case-insensitive matching uses JS's ``Canonicalize`` (see ``_jscase``), never Python's folding.

Named groups and back-references parse (so their syntax errors match V8's) but are refused.
"""

from __future__ import annotations

import bisect
import functools
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from .case import CASE_GROUPS

__all__ = [
    "V8_MAX_LENGTH",
    "Alt",
    "Assertion",
    "BackRef",
    "Chars",
    "Group",
    "JSRegexError",
    "Look",
    "Node",
    "Quant",
    "Seq",
    "capture_names",
    "from_utf16",
    "group_end",
    "parse",
    "to_utf16",
    "translate",
]

# V8's RegExpTree::kInfinity: interval bounds at or beyond it mean "unbounded" (V8 clamps them).
_JS_INFINITY = 2**31 - 1
# V8's RegExpMacroAssembler::kMaxCaptures: a longer decimal escape is never a back-reference.
_JS_MAX_CAPTURES = 1 << 16
# The `regex` module unrolls the mandatory part of counted repeats and crashes (segfaults) once
# that unrolled size reaches a few 100,000 nodes: cap (product of enclosing minimum counts) x
# (AST nodes in the body).
_MAX_UNROLLED = 100_000
# Our parser and emitter recurse once per group nesting level.
_MAX_DEPTH = 100
# Emitting a loop may copy its body (see _Emitter._quantifier); cap the total work.
_MAX_EMITTED = 20_000_000

#: The longest regex (in UTF-16 units) taken from the config and compiled by V8 at request time
#: that we accept: `^value$` of a `has` item, a destination parameter's `^(?:pattern)$`. V8
#: refuses some from 12,284 units on ("Stack overflow" for `a?` repeated; "Regular expression
#: too large" for 32,768 characters), depending on their shape and on the stack it compiles on
#: (tools/v8_regex_limits.js measured Node 20.20.2, V8 11.3: tools/v8_regex_limits.json).
#: Next.js fails each request that reaches such a regex; we refuse every one this long.
V8_MAX_LENGTH = 12_000

_MAX_CHAR = 0xFFFF
_LINE_TERMINATORS = (0x0A, 0x0D, 0x2028, 0x2029)

Ranges = tuple[tuple[int, int], ...]
"""A set of UTF-16 code units as sorted, disjoint, non-adjacent inclusive intervals."""


class JSRegexError(Exception):
    """A JavaScript SyntaxError, or a construct we refuse to translate."""

    message: str
    offset: int

    def __init__(self, message: str, offset: int) -> None:
        """Record V8's message (the part after the last ': ') and the offending source index."""
        super().__init__(message)
        self.message = message
        self.offset = offset


# ----------------------------------------------------------------------------------------------
# UTF-16 helpers


def to_utf16(s: str) -> str:
    """Replace each astral character by its two surrogate code points (JS string code units)."""
    if all(ord(ch) <= _MAX_CHAR for ch in s):
        return s
    out: list[str] = []
    for ch in s:
        cp = ord(ch)
        if cp > _MAX_CHAR:
            cp -= 0x10000
            out.append(chr(0xD800 + (cp >> 10)))
            out.append(chr(0xDC00 + (cp & 0x3FF)))
        else:
            out.append(ch)
    return "".join(out)


def from_utf16(s: str) -> str:
    """Recombine surrogate pairs into astral characters; lone surrogates are kept as they are."""
    out: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if _is_lead(ord(ch)) and i + 1 < len(s) and _is_trail(ord(s[i + 1])):
            out.append(chr(0x10000 + ((ord(ch) - 0xD800) << 10) + (ord(s[i + 1]) - 0xDC00)))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _is_lead(cp: int) -> bool:
    """Is `cp` a UTF-16 lead (high) surrogate?"""
    return 0xD800 <= cp <= 0xDBFF


def _is_trail(cp: int) -> bool:
    """Is `cp` a UTF-16 trail (low) surrogate?"""
    return 0xDC00 <= cp <= 0xDFFF


# ----------------------------------------------------------------------------------------------
# Code-unit sets


def _normalize(intervals: list[tuple[int, int]]) -> Ranges:
    """Sort and merge overlapping or adjacent intervals."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(ranges: Ranges) -> Ranges:
    """All code units 0..0xFFFF not in `ranges`."""
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= _MAX_CHAR:
        out.append((nxt, _MAX_CHAR))
    return tuple(out)


def _contains(ranges: Ranges, cp: int, starts: list[int]) -> bool:
    """Is `cp` in `ranges` (whose interval starts are `starts`)?"""
    i = bisect.bisect_right(starts, cp) - 1
    return i >= 0 and ranges[i][1] >= cp


@functools.lru_cache(maxsize=1024)
def _case_closure(ranges: Ranges) -> Ranges:
    """Every code unit whose JS Canonicalize() value equals that of some member of `ranges`."""
    starts = [lo for lo, _ in ranges]
    extra = [
        (ord(ch), ord(ch))
        for group in CASE_GROUPS
        if any(_contains(ranges, ord(ch), starts) for ch in group)
        for ch in group
    ]
    return _normalize([*ranges, *extra]) if extra else ranges


_DIGIT: Ranges = ((0x30, 0x39),)
_WORD: Ranges = ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A))
# ECMAScript WhiteSpace + LineTerminator (Unicode Zs as of the Unicode version V8 uses).
_SPACE: Ranges = _normalize(
    [
        *((0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A)),
        *((0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000)),
        (0xFEFF, 0xFEFF),
    ]
)
_CLASS_ESCAPES: dict[str, Ranges] = {
    "d": _DIGIT,
    "D": _complement(_DIGIT),
    "w": _WORD,
    "W": _complement(_WORD),
    "s": _SPACE,
    "S": _complement(_SPACE),
}
_DOT: Ranges = _complement(tuple((c, c) for c in _LINE_TERMINATORS))


# ----------------------------------------------------------------------------------------------
# AST


@dataclass(frozen=True)
class Chars:
    """Matches one code unit from `ranges` (complemented after case closure if `negated`)."""

    ranges: Ranges
    negated: bool = False


@dataclass(frozen=True)
class Assertion:
    """A zero-width assertion: '^', '$', '\\b' or '\\B'."""

    kind: str


@dataclass(frozen=True)
class Group:
    """A group; `index` is the capture number (None for '(?:'), `name` a named group's name."""

    body: Node
    index: int | None
    name: str | None
    offset: int


@dataclass(frozen=True)
class Look:
    """A lookahead or lookbehind assertion."""

    body: Node
    behind: bool
    negative: bool


@dataclass(frozen=True)
class Quant:
    """`body` repeated min..max times (max None = unbounded), greedy or lazy."""

    body: Node
    min: int
    max: int | None
    greedy: bool
    offset: int


@dataclass(frozen=True)
class Seq:
    """A concatenation (an Alternative)."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    """A Disjunction of two or more alternatives."""

    alternatives: tuple[Node, ...]


@dataclass(frozen=True)
class BackRef:
    """A back-reference (numbered or named); parsed only to be refused."""

    offset: int


Node: TypeAlias = Chars | Assertion | Group | Look | Quant | Seq | Alt | BackRef


# ----------------------------------------------------------------------------------------------
# Parser (mirrors V8's regexp-parser.cc, non-unicode mode, Annex B)


def _is_id_start(cp: int) -> bool:
    """Approximate ID_Start ∪ {$, _} (V8's IsIdentifierStart) with Python's XID_Start."""
    return cp in (0x24, 0x5F) or (not 0xD800 <= cp <= 0xDFFF and chr(cp).isidentifier())


def _is_id_part(cp: int) -> bool:
    """Approximate ID_Continue ∪ {$, ZWNJ, ZWJ} (V8's IsIdentifierPart) with XID_Continue."""
    if cp in (0x24, 0x200C, 0x200D):
        return True
    return not 0xD800 <= cp <= 0xDFFF and ("a" + chr(cp)).isidentifier()


class _Parser:
    """Recursive-descent parser producing an AST, raising V8's SyntaxError messages."""

    def __init__(self, src: str) -> None:
        """Prepare to parse `src` (already in UTF-16 code units)."""
        self.src = src
        self.pos = 0
        self.captures = 0
        self.total_captures, self.has_named = self._scan_for_captures()
        self.names: dict[str, int] = {}
        self.named_refs: list[tuple[str, int]] = []
        self.depth = 0

    # -- helpers

    def _peek(self, k: int = 0) -> str:
        """The code unit `k` places ahead, or '' past the end."""
        i = self.pos + k
        return self.src[i] if i < len(self.src) else ""

    def _error(self, message: str, offset: int | None = None) -> JSRegexError:
        """A JSRegexError at `offset` (default: the current position)."""
        return JSRegexError(message, self.pos if offset is None else offset)

    def _scan_for_captures(self) -> tuple[int, bool]:
        """Count capturing groups in the whole pattern the way V8's ScanForCaptures does."""
        src, i, count, named = self.src, 0, 0, False
        while i < len(src):
            ch = src[i]
            i += 1
            if ch == "\\":
                i += 1
            elif ch == "[":
                while i < len(src):
                    c = src[i]
                    i += 1
                    if c == "\\":
                        i += 1
                    elif c == "]":
                        break
            elif ch == "(":
                if src.startswith("?", i):
                    if not src.startswith("<", i + 1) or src[i + 2 : i + 3] in ("=", "!"):
                        continue
                    named = True
                count += 1
        return count, named

    # -- grammar

    def parse(self) -> Node:
        """Pattern :: Disjunction, then V8's end-of-pattern checks."""
        node = self._disjunction()
        if self.pos < len(self.src):  # only a ')' can stop a top-level disjunction
            raise self._error("Unmatched ')'")
        for name, offset in self.named_refs:
            if name not in self.names:
                raise self._error("Invalid named capture referenced", offset)
        return node

    def _disjunction(self) -> Node:
        """Disjunction :: Alternative ( '|' Alternative )*."""
        alternatives = [self._alternative()]
        while self._peek() == "|":
            self.pos += 1
            alternatives.append(self._alternative())
        return alternatives[0] if len(alternatives) == 1 else Alt(tuple(alternatives))

    def _alternative(self) -> Node:
        """Alternative :: Term*."""
        items: list[Node] = []
        while self._peek() not in ("", "|", ")"):
            items.append(self._term())
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def _term(self) -> Node:
        """Term :: Assertion | Atom Quantifier?  (Annex B: lookaheads are quantifiable)."""
        ch = self._peek()
        if ch in ("^", "$"):
            self.pos += 1
            # Assertions are never quantifiable: a following '*' is "Nothing to repeat".
            return Assertion(ch)
        if ch == "\\" and self._peek(1) in ("b", "B"):
            self.pos += 2
            return Assertion(self._peek(-1))
        start = self.pos
        atom = self._atom()
        return self._quantifier(atom, start)

    def _quantifier(self, atom: Node, start: int) -> Node:
        """Quantifier :: QuantifierPrefix '?'?, applied to `atom` if present."""
        ch = self._peek()
        if ch == "*":
            low, high = 0, _JS_INFINITY
        elif ch == "+":
            low, high = 1, _JS_INFINITY
        elif ch == "?":
            low, high = 0, 1
        elif ch == "{":
            bounds = self._interval()
            if bounds is None:
                return atom  # not a quantifier: the '{' is a literal (Annex B)
            low, high = bounds
            if high < low:
                raise self._error("numbers out of order in {} quantifier")
        else:
            return atom
        if ch != "{":
            self.pos += 1
        greedy = True
        if self._peek() == "?":
            self.pos += 1
            greedy = False
        if isinstance(atom, Look) and atom.behind:
            raise self._error("Invalid quantifier", start)  # Annex B allows lookaheads only
        return Quant(atom, low, None if high >= _JS_INFINITY else high, greedy, start)

    def _interval(self) -> tuple[int, int] | None:
        """Parse '{n}', '{n,}' or '{n,m}' (V8 clamps huge numbers); None, unmoved, if absent."""
        start = self.pos
        self.pos += 1
        low = self._decimal()
        if low is None:
            self.pos = start
            return None
        high: int | None = low
        if self._peek() == ",":
            self.pos += 1
            high = _JS_INFINITY if self._peek() == "}" else self._decimal()
        if high is None or self._peek() != "}":
            self.pos = start
            return None
        self.pos += 1
        return low, high

    def _decimal(self) -> int | None:
        """A run of decimal digits, clamped to V8's kInfinity; None if there is none."""
        begin = self.pos
        while self._peek() in _DECIMAL:
            self.pos += 1
        if self.pos == begin:
            return None
        return min(int(self.src[begin : self.pos]), _JS_INFINITY)

    def _atom(self) -> Node:
        """Atom, dispatching on the first code unit."""
        ch = self._peek()
        if ch in ("*", "+", "?"):
            raise self._error("Nothing to repeat")
        if ch == "{":
            if self._interval() is not None:
                raise self._error("Nothing to repeat")
            self.pos += 1
            return Chars(((0x7B, 0x7B),))  # Annex B ExtendedPatternCharacter
        if ch == ".":
            self.pos += 1
            return Chars(_DOT)
        if ch == "(":
            return self._group()
        if ch == "[":
            return self._class()
        if ch == "\\":
            return self._atom_escape()
        # Annex B: ']' and '}' are ordinary characters outside a class.
        self.pos += 1
        return Chars(((ord(ch), ord(ch)),))

    def _group(self) -> Node:
        """'(' Disjunction ')' in its capturing, non-capturing, lookaround and named forms."""
        start = self.pos
        self.pos += 1
        kind, name = "capture", None
        if self._peek() == "?":
            nxt = self._peek(1)
            if nxt in (":", "=", "!"):
                kind = nxt
                self.pos += 2
            elif nxt == "<" and self._peek(2) in ("=", "!"):
                kind = "<" + self._peek(2)
                self.pos += 3
            elif nxt == "<":
                self.pos += 2
                name = self._group_name()
            else:
                raise self._error("Invalid group")  # includes V8 11's unsupported (?i:...)
        index = None
        if kind == "capture":
            self.captures += 1
            index = self.captures
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise self._error("groups nested too deeply to translate")
        body = self._disjunction()
        self.depth -= 1
        if self._peek() != ")":
            raise self._error("Unterminated group")
        self.pos += 1
        if name is not None:
            if name in self.names:  # V8 checks this when the group closes
                raise self._error("Duplicate capture group name", start)
            self.names[name] = start
        if kind == "capture":
            return Group(body, index, name, start)
        if kind == ":":
            return Group(body, None, None, start)
        return Look(body, behind=kind.startswith("<"), negative=kind.endswith("!"))

    def _group_name(self) -> str:
        """GroupName after '<' up to and including '>' (V8 reads it in unicode mode)."""
        units: list[str] = []
        at_start = True
        while True:
            cp = self._name_code_point()
            if cp == 0x5C:  # the backslash is misclassified as ID_Start/ID_Continue in V8
                raise self._error("Invalid capture group name")
            if not at_start and cp == 0x3E:
                return "".join(units)
            if cp < 0 or not (_is_id_start(cp) if at_start else _is_id_part(cp)):
                raise self._error("Invalid capture group name")
            units.append(to_utf16(chr(cp)))
            at_start = False

    def _name_code_point(self) -> int:
        """One code point of a group name (pairs joined, \\u escapes decoded); -1 at the end."""
        ch = self._peek()
        if not ch:
            return -1
        cp = ord(ch)
        if _is_lead(cp) and _is_trail(ord(self._peek(1) or "\0")):
            self.pos += 2
            return 0x10000 + ((cp - 0xD800) << 10) + (ord(self._peek(-1)) - 0xDC00)
        self.pos += 1
        if ch != "\\" or self._peek() != "u":
            return cp
        self.pos += 1
        value = self._unicode_escape_in_name()
        if value is None:
            raise self._error("Invalid Unicode escape")
        return value

    def _unicode_escape_in_name(self) -> int | None:
        """After '\\u' in a group name: '{hex}' or 'XXXX' (pairing surrogates), as in /u mode."""
        if self._peek() == "{":
            end = self.src.find("}", self.pos)
            digits = self.src[self.pos + 1 : end] if end >= 0 else ""
            if not digits or not _is_hex(digits) or int(digits, 16) > 0x10FFFF:
                return None
            self.pos = end + 1
            return int(digits, 16)
        lead = self._hex(4)
        if lead is None:
            return None
        if _is_lead(lead) and self._peek() == "\\" and self._peek(1) == "u":
            save = self.pos
            self.pos += 2
            trail = self._hex(4)
            if trail is not None and _is_trail(trail):
                return 0x10000 + ((lead - 0xD800) << 10) + (trail - 0xDC00)
            self.pos = save
        return lead

    def _hex(self, n: int) -> int | None:
        """Exactly `n` hex digits at the current position (consumed), else None (unmoved)."""
        digits = self.src[self.pos : self.pos + n]
        if len(digits) != n or not _is_hex(digits):
            return None
        self.pos += n
        return int(digits, 16)

    def _atom_escape(self) -> Node:
        """'\\' AtomEscape outside a class (\\b and \\B were taken by _term)."""
        start = self.pos
        nxt = self._peek(1)
        if not nxt:
            raise self._error("\\ at end of pattern")
        if nxt in "123456789":
            ref = self._back_reference()
            if ref is not None:
                return ref
            if nxt in "89":  # Annex B: not a back-reference, not octal: the digit itself
                self.pos += 2
                return _char(ord(nxt))
            self.pos += 1
            return _char(self._octal())
        if nxt in _CLASS_ESCAPES:
            self.pos += 2
            return Chars(_CLASS_ESCAPES[nxt])
        if nxt == "k" and self.has_named:
            # With named groups anywhere in the pattern, \k must be a named reference.
            self.pos += 2
            if self._peek() != "<":
                raise self._error("Invalid named reference")
            self.pos += 1
            self.named_refs.append((self._group_name(), start))
            return BackRef(start)
        return _char(self._character_escape(in_class=False))

    def _back_reference(self) -> BackRef | None:
        """A DecimalEscape that is a back-reference: its value is <= the total capture count."""
        start = self.pos
        end = start + 1
        while end < len(self.src) and self.src[end] in "0123456789":
            end += 1
        digits = self.src[start + 1 : end]
        # V8 gives up (reads octal instead) once the number exceeds kMaxCaptures.
        value = int(digits[:6])
        if value > _JS_MAX_CAPTURES or value > self.total_captures:
            return None
        self.pos = end
        return BackRef(start)

    def _octal(self) -> int:
        """Annex B LegacyOctalEscapeSequence: up to three octal digits with a value below 256."""
        value = int(self._peek())
        self.pos += 1
        if self._peek() in _OCTAL:
            value = value * 8 + int(self._peek())
            self.pos += 1
            if value < 32 and self._peek() in _OCTAL:
                value = value * 8 + int(self._peek())
                self.pos += 1
        return value

    def _character_escape(self, *, in_class: bool) -> int:
        """CharacterEscape after '\\' (V8's ParseCharacterEscape); returns the code unit."""
        self.pos += 1  # past the backslash
        ch = self._peek()
        if ch in _CONTROL_ESCAPES:
            self.pos += 1
            return _CONTROL_ESCAPES[ch]
        if ch == "c":
            letter = self._peek(1)
            if letter.isascii() and letter.isalpha():
                self.pos += 2
                return ord(letter) & 0x1F
            if in_class and letter and letter in "0123456789_":
                self.pos += 2  # Annex B ClassControlLetter
                return ord(letter) & 0x1F
            # Annex B: '\c' without a control letter is a literal backslash; the 'c' is
            # then read as an ordinary character.
            return 0x5C
        if ch == "0" and self._peek(1) not in _DECIMAL:
            self.pos += 1
            return 0
        if ch in _OCTAL:
            return self._octal()
        if ch in ("x", "u"):
            self.pos += 1
            value = self._hex(2 if ch == "x" else 4)
            return ord(ch) if value is None else value  # Annex B: '\x'/'\u' alone are letters
        if ch == "k" and self.has_named:
            raise self._error("Invalid escape")  # only reachable inside a class
        self.pos += 1
        return ord(ch)  # Annex B IdentityEscape: any other character stands for itself

    def _class(self) -> Chars:
        """CharacterClass '[' '^'? ClassRanges ']' with Annex B's lenient ranges."""
        self.pos += 1
        negated = self._peek() == "^"
        if negated:
            self.pos += 1
        intervals: list[tuple[int, int]] = []
        while self._peek() not in ("", "]"):
            first, first_is_set = self._class_atom()
            if self._peek() != "-":
                intervals.extend(first)
                continue
            self.pos += 1
            if not self._peek():
                break
            if self._peek() == "]":
                intervals.extend([*first, (0x2D, 0x2D)])
                break
            dash_at = self.pos
            second, second_is_set = self._class_atom()
            if first_is_set or second_is_set:
                # Annex B: a class escape at either end makes '-' a literal.
                intervals.extend([*first, (0x2D, 0x2D), *second])
                continue
            low, high = first[0][0], second[0][0]  # single code units here
            if low > high:
                raise self._error("Range out of order in character class", dash_at)
            intervals.append((low, high))
        if not self._peek():
            raise self._error("Unterminated character class")
        self.pos += 1
        return Chars(_normalize(intervals), negated)

    def _class_atom(self) -> tuple[Ranges, bool]:
        """ClassAtom: its code units, and whether it is a class escape (\\d, \\w, ...)."""
        ch = self._peek()
        if ch != "\\":
            self.pos += 1
            return ((ord(ch), ord(ch)),), False
        nxt = self._peek(1)
        if not nxt:
            raise self._error("\\ at end of pattern")
        if nxt == "b":
            self.pos += 2
            return ((0x08, 0x08),), False  # inside a class \b is backspace
        if nxt in _CLASS_ESCAPES:
            self.pos += 2
            return _CLASS_ESCAPES[nxt], True
        if nxt in "89":
            self.pos += 2
            return ((ord(nxt), ord(nxt)),), False  # not octal; no back-references in a class
        cp = self._character_escape(in_class=True)
        return ((cp, cp),), False


_OCTAL = frozenset("01234567")
_DECIMAL = frozenset("0123456789")
_CONTROL_ESCAPES = {"f": 0x0C, "n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B}


def _is_hex(digits: str) -> bool:
    """Are all of `digits` ASCII hex digits?"""
    return all(c in "0123456789abcdefABCDEF" for c in digits)


def _char(cp: int) -> Chars:
    """A node matching exactly the code unit `cp`."""
    return Chars(((cp, cp),))


def parse(js_source: str) -> Node:
    """The syntax tree of a JavaScript RegExp source (no flags or 'i': case does not change it).

    Raises `JSRegexError` with V8's message where V8 rejects the source. What `translate` refuses
    but V8 accepts (named groups, back-references) parses; offsets count UTF-16 code units.
    """
    return _Parser(to_utf16(js_source)).parse()


def group_end(js_source: str, start: int) -> int | None:
    """The index just past the ')' that closes the group opening at `js_source[start]`, as V8
    reads it (escapes and character classes included); None when that group does not parse."""
    units = to_utf16(js_source)
    parser = _Parser(units)
    parser.pos = _units_before(js_source, start)
    if parser._peek() != "(":
        return None
    try:
        parser._group()
    except JSRegexError:
        return None
    at, count = 0, 0
    while count < parser.pos:  # back from code units to characters
        count += 2 if ord(js_source[at]) > _MAX_CHAR else 1
        at += 1
    return at


def _units_before(text: str, at: int) -> int:
    """How many UTF-16 code units the first `at` characters of `text` take."""
    return at + sum(1 for ch in text[:at] if ord(ch) > _MAX_CHAR)


# ----------------------------------------------------------------------------------------------
# Analyses


def _walk(node: Node) -> list[Node]:
    """`node` and all its descendants, pre-order."""
    out = [node]
    if isinstance(node, Group | Look | Quant):
        out.extend(_walk(node.body))
    elif isinstance(node, Seq):
        for item in node.items:
            out.extend(_walk(item))
    elif isinstance(node, Alt):
        for alt in node.alternatives:
            out.extend(_walk(alt))
    return out


def _min_length(node: Node) -> int:
    """The fewest code units `node` can match (0 means it may match the empty string)."""
    if isinstance(node, Chars):
        return 1
    if isinstance(node, Group):
        return _min_length(node.body)
    if isinstance(node, Quant):
        return node.min * _min_length(node.body)
    if isinstance(node, Seq):
        return sum(_min_length(item) for item in node.items)
    if isinstance(node, Alt):
        return min(_min_length(alt) for alt in node.alternatives)
    return 0


def _zero_width(node: Node) -> bool:
    """V8's `max_match() == 0`: `node` can only ever match the empty string."""
    if isinstance(node, Assertion | Look):
        return True
    if isinstance(node, Group):
        return _zero_width(node.body)
    if isinstance(node, Quant):
        return node.max == 0 or _zero_width(node.body)
    if isinstance(node, Seq):
        return all(_zero_width(item) for item in node.items)
    if isinstance(node, Alt):
        return all(_zero_width(alt) for alt in node.alternatives)
    return False


def _has_captures(node: Node) -> bool:
    """Does `node` contain a capturing group?"""
    return any(isinstance(n, Group) and n.index is not None for n in _walk(node))


def _check_supported(tree: Node, allow_named: bool) -> None:
    """Refuse the valid JS constructs we do not translate, and oversized quantifiers."""
    for node in _walk(tree):
        if isinstance(node, Group) and node.name is not None and not allow_named:
            raise JSRegexError("named capture groups are not supported", node.offset)
    for node in _walk(tree):
        if isinstance(node, BackRef):
            raise JSRegexError("back-references are not supported", node.offset)
    _check_counts(tree, 1)


def _check_counts(node: Node, outer: int) -> None:
    """Refuse counted repeats the `regex` module cannot compile (it unrolls them)."""
    if isinstance(node, Quant):
        outer *= max(node.min, 1)
        if outer * len(_walk(node.body)) > _MAX_UNROLLED:
            raise JSRegexError("quantifier too large to translate", node.offset)
    if isinstance(node, Group | Look | Quant):
        _check_counts(node.body, outer)
    elif isinstance(node, Seq | Alt):
        for child in node.items if isinstance(node, Seq) else node.alternatives:
            _check_counts(child, outer)


# ----------------------------------------------------------------------------------------------
# Emitter

_WORD_CLASS = "[0-9A-Z_a-z]"
# JS \b and \B test ASCII word characters only (no Unicode, no case folding without /u).
_ASSERTIONS = {
    "^": r"\A",
    "$": r"\Z",  # Python's '$' would also match before a final '\n'
    "b": f"(?:(?<={_WORD_CLASS})(?!{_WORD_CLASS})|(?<!{_WORD_CLASS})(?={_WORD_CLASS}))",
    "B": f"(?:(?<={_WORD_CLASS})(?={_WORD_CLASS})|(?<!{_WORD_CLASS})(?!{_WORD_CLASS}))",
}
_NEVER = "(?!)"
_REST = r"[\s\S]*"


def _escape(cp: int) -> str:
    """One code unit as Python regex syntax that means exactly that code unit, anywhere."""
    if cp < 0x80 and (chr(cp).isalnum() or cp == 0x5F):
        return chr(cp)
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


def _class_body(ranges: Ranges) -> str:
    """The inside of a Python character class for `ranges`."""
    parts = []
    for lo, hi in ranges:
        if lo == hi:
            parts.append(_escape(lo))
        elif hi == lo + 1:
            parts.append(_escape(lo) + _escape(hi))
        else:
            parts.append(f"{_escape(lo)}-{_escape(hi)}")
    return "".join(parts)


#: ASCII letters whose case-insensitive match in the `regex` module is JavaScript's too: the
#: other six also match a non-ASCII letter there (K and k the Kelvin sign, S and s the long s, I
#: the dotless i, i the dotted I), which JavaScript's `Canonicalize` never maps to ASCII.
_FOLDABLE = frozenset(ch for ch in string.ascii_letters if ch not in "iIkKsS")


def _foldable_letter(node: Node) -> str | None:
    """The letter a node matches in either case, when it is one of `_FOLDABLE`."""
    if not isinstance(node, Chars) or node.negated or len(node.ranges) != 1:
        return None
    lo, hi = node.ranges[0]
    return chr(lo) if lo == hi and chr(lo) in _FOLDABLE else None


def _letters(run: list[str]) -> str:
    """Letters matched in either case: `[Aa]` for one, `(?i:abc)` for more."""
    if len(run) == 1:
        return f"[{run[0].upper()}{run[0].lower()}]"
    return f"(?i:{''.join(run)})"


def _emit_set(ranges: Ranges) -> str:
    """A Python atom matching exactly one code unit from `ranges`."""
    if not ranges:
        return _NEVER
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _escape(ranges[0][0])
    inverse = _complement(ranges)
    if not inverse:
        return r"[\x00-\uffff]"
    if len(inverse) < len(ranges):
        return f"[^{_class_body(inverse)}]"
    return f"[{_class_body(ranges)}]"


def _count(low: int, high: int | None, greedy: bool) -> str:
    """A Python quantifier suffix for low..high (None = unbounded)."""
    if (low, high) == (1, 1):
        return ""
    if high is None:
        text = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    elif (low, high) == (0, 1):
        text = "?"
    else:
        text = f"{{{low}}}" if low == high else f"{{{low},{high}}}"
    return text if greedy else text + "?"


class _Emitter:
    """Writes `regex` syntax for an AST.

    Loops are the delicate part.  Python's backtracking order is JavaScript's, but:

    * *Empty check*: once the minimum count is reached, JS rejects an iteration that consumed
      nothing (and tries the body's other choices).  When the body can match empty, each
      optional iteration records the rest of the subject in a helper group `e` before it and
      requires the rest to differ after it: `(?=(?P<e>[\\s\\S]*))BODY(?!(?P=e)\\Z)`.
    * *Capture reset*: JS clears the body's captures at each iteration, so they reflect the
      last iteration only.  When the body has captures and may repeat, the iterations run
      capture-free, wrapped in a helper group `h` holding the last iteration's text, and after
      the loop a lookaround (`D` below) re-matches the capturing body over exactly that text.
      With no back-references the rest of the match depends only on where the loop ended, so
      JS's last iteration is the *first* way the body can match exactly that text, which is
      what the re-match finds.

    Helper groups need numbers after the JS ones, so when any is used every JS group is a
    named group `gN`, and a never-matching prefix declares `g1..gn` first to fix their numbers
    (the `regex` module gives same-named groups one number).

    Inside a lookbehind both engines match right to left; the emitter mirrors its own helper
    sequences there (`backward=True`).
    """

    def __init__(self, ignore_case: bool, named: bool) -> None:
        """Set the case mode, and whether JS groups are emitted as named groups."""
        self.ignore_case = ignore_case
        self.named = named
        self.helpers = 0
        self.size = 0

    def emit(self, node: Node, backward: bool, strip: bool) -> str:
        """Python syntax for `node`; `strip` turns capturing groups into non-capturing ones."""
        out = self._emit(node, backward, strip)
        self.size += len(out)
        if self.size > _MAX_EMITTED:
            raise JSRegexError("pattern too complex to translate", 0)
        return out

    def _emit(self, node: Node, backward: bool, strip: bool) -> str:
        """Dispatch on the node type."""
        if isinstance(node, Chars):
            return self._chars(node)
        if isinstance(node, Assertion):
            return _ASSERTIONS[node.kind]
        if isinstance(node, Seq):
            return self._sequence(node.items, backward, strip)
        if isinstance(node, Alt):
            alts = "|".join(self.emit(alt, backward, strip) for alt in node.alternatives)
            return f"(?:{alts})"
        if isinstance(node, Group):
            body = self.emit(node.body, backward, strip)
            if node.index is None or strip:
                return f"(?:{body})"
            return f"(?P<g{node.index}>{body})" if self.named else f"({body})"
        if isinstance(node, Look):
            body = self.emit(node.body, node.behind, strip)
            return f"(?{'<' if node.behind else ''}{'!' if node.negative else '='}{body})"
        if isinstance(node, Quant):
            return self._quantifier(node, backward, strip)
        raise JSRegexError("back-references are not supported", node.offset)

    def _sequence(self, items: Sequence[Node], backward: bool, strip: bool) -> str:
        """The items in order; when ignoring case, runs of letters as one `(?i:...)` group.

        `[Nn][Ee][Xx][Tt]` and `(?i:next)` match the same, but the `regex` module parses the
        second several times faster (its parser is most of a pattern's first-use cost).
        """
        out: list[str] = []
        run: list[str] = []
        for item in items:
            letter = _foldable_letter(item) if self.ignore_case else None
            if letter is not None:
                run.append(letter)
                continue
            if run:
                out.append(_letters(run))
                run = []
            out.append(self.emit(item, backward, strip))
        if run:
            out.append(_letters(run))
        return "".join(out)

    def _chars(self, node: Chars) -> str:
        """One code unit from a set, closed over JS case equivalence when ignoring case."""
        ranges = _case_closure(node.ranges) if self.ignore_case else node.ranges
        return _emit_set(_complement(ranges) if node.negated else ranges)

    def _quantifier(self, node: Quant, backward: bool, strip: bool) -> str:
        """A loop, with the JS empty check and capture reset where they can matter."""
        body, low, high, greedy = node.body, node.min, node.max, node.greedy
        if high == 0 or (_zero_width(body) and low == 0):
            # Like V8, drop it; keep the groups (never set) so that numbering is unchanged.
            return f"(?:{_NEVER}{self.emit(body, backward, strip)})?"
        if _zero_width(body):
            return self.emit(body, backward, strip)  # more iterations would be empty: rejected
        resets = _has_captures(body) and not strip and high != 1
        nullable = _min_length(body) == 0
        if not resets and not nullable:
            return f"(?:{self.emit(body, backward, strip)}){_count(low, high, greedy)}"
        name = self._helper_name() if resets else None
        if not nullable:
            loop = self._wrap(self.emit(body, backward, strip or resets), name)
            return self._with_recapture(body, loop, low, high, greedy, name, backward)
        return self._nullable_loop(body, low, high, greedy, name, backward, strip or resets)

    def _nullable_loop(
        self,
        body: Node,
        low: int,
        high: int | None,
        greedy: bool,
        name: str | None,
        backward: bool,
        strip: bool,
    ) -> str:
        """A loop whose body can match empty: only the mandatory iterations may be empty."""
        mandatory = self._wrap(self.emit(body, backward, strip), name) if low else ""
        check = self._helper_name()
        optional = self._wrap(self.emit(body, backward, strip), name)
        if backward:
            optional = rf"(?<!\A(?P={check})){optional}(?<=\A(?P<{check}>{_REST}))"
        else:
            optional = rf"(?=(?P<{check}>{_REST})){optional}(?!(?P={check})\Z)"
        rest_high = None if high is None else high - low
        if not low:
            return self._with_recapture(body, optional, 0, rest_high, greedy, name, backward)
        parts = [f"(?:{mandatory}){_count(low, low, greedy)}"]
        if rest_high != 0:
            parts.append(f"(?:{optional}){_count(0, rest_high, greedy)}")
        parts.append(self._recapture(body, name, backward))
        return "".join(reversed(parts) if backward else parts)

    def _with_recapture(
        self,
        body: Node,
        loop: str,
        low: int,
        high: int | None,
        greedy: bool,
        name: str | None,
        backward: bool,
    ) -> str:
        """`loop` repeated low..high times, then (if `name`) the captures of the last iteration."""
        if name is None:
            return f"(?:{loop}){_count(low, high, greedy)}"
        recapture = self._recapture(body, name, backward)
        if low:
            parts = [f"(?:{loop}){_count(low, high, greedy)}", recapture]
            return "".join(reversed(parts) if backward else parts)
        # Zero iterations must not re-capture: make "one or more, then recapture" optional.
        parts = [f"(?:{loop}){_count(1, high, greedy)}", recapture]
        return f"(?:{''.join(reversed(parts) if backward else parts)}){_count(0, 1, greedy)}"

    def _recapture(self, body: Node, name: str | None, backward: bool) -> str:
        """Re-match the capturing `body` over exactly the last iteration's text (group `name`)."""
        if name is None:
            return ""
        tail = self._helper_name()
        captured = self.emit(body, backward, strip=False)
        if backward:
            # At the loop's left end q: t = input[:q]; go right over h to p, then match the
            # body leftwards from p and require it to stop at q.
            return rf"(?=(?P={name})(?<=\A(?P={tail}){captured}))(?<=\A(?P<{tail}>{_REST}))"
        # At the loop's right end q: t = input[q:]; step left over h to p, then match the body
        # from p and require it to stop at q.
        return rf"(?=(?P<{tail}>{_REST}))(?<=(?={captured}(?P={tail})\Z)(?P={name}))"

    def _wrap(self, text: str, name: str | None) -> str:
        """`text` inside helper group `name` (holding each iteration's text), if any."""
        return text if name is None else f"(?P<{name}>{text})"

    def _helper_name(self) -> str:
        """A fresh helper group name (helpers force JS groups to be named, see the class doc)."""
        self.helpers += 1
        return f"h{self.helpers}"


def capture_names(js_source: str) -> dict[int, str]:
    """The names of a valid JS regex's named groups, by capture number (1-based)."""
    return dict(_capture_names(js_source))


@functools.lru_cache(maxsize=512)
def _capture_names(js_source: str) -> tuple[tuple[int, str], ...]:
    """`capture_names`, cached (tables repeat the same `has` values)."""
    tree = parse(js_source)
    return tuple(
        (node.index, node.name)
        for node in _walk(tree)
        if isinstance(node, Group) and node.name is not None and node.index is not None
    )


@functools.lru_cache(maxsize=512)
def translate(js_source: str, *, ignore_case: bool, allow_named: bool = False) -> tuple[str, int]:
    """Translate a JavaScript RegExp source (flags: none, or 'i') into a `regex` pattern.

    `js_source` must already be in UTF-16 code units (see `to_utf16`), as must the subjects.
    Compile the result with ``regex.compile(result, regex.V0)`` and no IGNORECASE flag.
    Returns ``(python_pattern, number_of_capturing_groups)``. Named groups are refused unless
    `allow_named` (they keep their number; `capture_names` gives the names).
    """
    # Idempotent for the documented UTF-16 input; makes a stray astral character safe too.
    parser = _Parser(to_utf16(js_source))
    tree = parser.parse()
    _check_supported(tree, allow_named)
    count = parser.captures
    emitter = _Emitter(ignore_case, named=False)
    pattern = emitter.emit(tree, backward=False, strip=False)
    if emitter.helpers:
        # Helper groups were needed: re-emit with named JS groups, numbered 1..n up front.
        emitter = _Emitter(ignore_case, named=True)
        pattern = emitter.emit(tree, backward=False, strip=False)
        declare = "".join(f"(?P<g{i}>)" for i in range(1, count + 1))
        pattern = f"(?:{_NEVER}{declare})?{pattern}"
    return pattern, count
