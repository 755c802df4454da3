"""Stage 3: `Pattern` (a compiled source) and `Match` (what it captured from a path)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, TypeAlias, overload

import attrs
import regex

from ._js.regexp import JSRegexError, from_utf16, to_utf16, translate
from ._regexp import (
    NEVER,
    JsRegex,
    default_whole_segments,
    free_length,
    modify_route_regex,
    to_js_regex,
    translate_js,
)
from ._syntax import Key, Token, parse, parse_whole_segments
from ._values import ParamValue, RenderValue
from .errors import PatternError

__all__ = ["DEFAULT_MATCH_TIMEOUT", "Match", "ParamValue", "Pattern", "compile", "compile_route"]

#: Seconds of CPU time one regex match may take before it is abandoned (a source against the path,
#: a `has` value against what it reads): `TimeoutError` from `Pattern.match`, a `RequestError`
#: naming the rule from `Router.resolve`. Next.js has no bound: a source that backtracks
#: catastrophically hangs its server. A match whose regex cannot backtrack badly is never timed
#: (`_regexp.free_length`); see docs/security.md.
DEFAULT_MATCH_TIMEOUT = 0.05

#: A compiled `regex` pattern (named here: inside `Pattern`, `regex` is the property).
Compiled: TypeAlias = "regex.Pattern[str]"
if TYPE_CHECKING:
    from regex._main import Match as _RegexMatch


@attrs.frozen
class Match:
    """What a pattern captured from a path.

    `params` maps parameter names to their raw (still percent-encoded) values, repeated parameters
    to tuples, unnamed groups to int keys 0, 1, ... (a route pattern, as Next.js matches, leaves
    those out); absent optional parameters are left out. `groups` has one entry per key, in order,
    None where absent: `$1` is `groups[0]`. `path` is the matched text.

    >>> compile("/api/:path*").match("/api/a/b").params
    {'path': ('a', 'b')}
    """

    path: str
    params: dict[str | int, ParamValue] = attrs.field(hash=False)
    groups: tuple[ParamValue | None, ...]


@attrs.frozen(kw_only=True)
class Pattern:
    """A compiled path-to-regexp 6.3.0 source.

    `source` is the text, `keys` its parameters in order, `js_regex` the JavaScript regex Next.js
    builds from it (with `flags`), and `regex` the equivalent compiled `regex` pattern (built on
    first use). `route` patterns match as Next.js's server does (see `as_route`).

    >>> p = compile("/blog/:slug")
    >>> p.match("/Blog/hello").params
    {'slug': 'hello'}
    >>> p.format({"slug": "bye"})
    '/blog/bye'
    """

    source: str
    tokens: tuple[Token, ...] = attrs.field(repr=False)
    keys: tuple[Key, ...] = attrs.field(repr=False)
    case_sensitive: bool = False
    route: bool = False
    #: Literal text every match ends with (ASCII only; "" when unknown): a cheap early reject that
    #: also spares backtracking on shapes like '/:a*/:b*/end' (see benchmarks/bench_patterns.py).
    tail: str = attrs.field(default="", repr=False)
    #: path-to-regexp's `strict` and `end` options (what the JavaScript regex is built with).
    strict: bool = attrs.field(default=True, repr=False)
    end: bool = attrs.field(default=True, repr=False)
    #: A route pattern's `modifyRouteRegex`: whether it applies, and the paths it refuses.
    modified: bool = attrs.field(default=False, repr=False)
    restricted: tuple[str, ...] = attrs.field(default=(), repr=False)
    #: What the pattern builds on first use (see `_Built`); None until it builds anything.
    _built: _Built | None = attrs.field(default=None, init=False, repr=False, eq=False)

    @property
    def flags(self) -> str:
        """The JavaScript flags: "i" unless case-sensitive."""
        return "" if self.case_sensitive else "i"

    @property
    def tail_slash(self) -> bool:
        """Whether one '/' may follow the end (strict=False, and a route's `modifyRouteRegex`)."""
        return not self.strict or self.modified

    def _keep(self) -> _Built:
        """The holder of what the pattern builds, made on first use."""
        built = self._built
        if built is None:
            built = _Built()
            object.__setattr__(self, "_built", built)
        return built

    @property
    def js_regex(self) -> str:
        """The JavaScript regex Next.js matches with, as `RegExp.source` shows it (built lazily)."""
        built = self._keep()
        if built.js_regex is None:
            source = self._js.source
            built.js_regex = (
                modify_route_regex(source, self.restricted) if self.modified else source
            )
        return built.js_regex

    @property
    def _js(self) -> JsRegex:
        """path-to-regexp's regex for the tokens, before any route modification (built lazily)."""
        built = self._keep()
        if built.js is None:
            built.js = to_js_regex(self.tokens, self.source, strict=self.strict, end=self.end)
        return built.js

    @property
    def _translated(self) -> tuple[str, int]:
        """The `regex` source and capture-group count (built lazily)."""
        built = self._keep()
        if built.translation is None:
            built.translation = translate_js(
                attrs.evolve(self._js, source=self.js_regex),
                case_sensitive=self.case_sensitive,
                text=self.source,
            )
        return built.translation

    @property
    def regex(self) -> Compiled:
        """The compiled `regex` pattern (compiled on first use)."""
        built = self._keep()
        if built.regex is None:
            compiled = regex.compile(self._translated[0], regex.V0, cache_pattern=False)
            built.free = free_length(self.tokens)
            built.regex = compiled
        return built.regex

    def _matcher(self) -> Matcher:
        """The compiled pattern untimed matches use (built on first use): the standard `re`
        twin of the `regex` pattern where there is one (`_re_twin`), else the `regex` pattern.
        A pattern that is never timed (`free` is `NEVER`) needs no `regex` pattern at all, and
        the catch-all `/:path*` none at all (`_CatchAll`)."""
        built = self._keep()
        if built.matcher is None:
            translated = self._translated[0]
            if translated == _CatchAll.TRANSLATION:
                built.free = NEVER
                built.matcher = _CATCH_ALL
                return _CATCH_ALL
            if _LAZY_SEGMENT in translated and default_whole_segments(self.tokens):
                # One place to stop either way: greedy gets there without trying each character.
                translated = translated.replace(_LAZY_SEGMENT, _GREEDY_SEGMENT)
            twin = _re_twin(translated)
            free = free_length(self.tokens)
            if twin is None or free != NEVER:
                built.matcher = twin or self.regex
            else:
                built.free = free
                built.matcher = twin
        return built.matcher

    def as_route(self, *, restricted: Sequence[str] = (), modify: bool = True) -> Pattern:
        """This source as Next.js's server matches a custom route (`getPathMatch`, §1.2).

        One optional trailing slash is accepted (`modifyRouteRegex`), paths starting with any of
        `restricted` are refused (redirects pass `[basePath + "/_next"]`), and unnamed groups are
        matched but left out of `params`. `modify=False` is for Next.js's internal rules, which
        skip `modifyRouteRegex`.
        """
        # The constructor, not attrs.evolve: a large table builds one of these per rule.
        return Pattern(
            source=self.source,
            tokens=self.tokens,
            keys=self.keys,
            case_sensitive=self.case_sensitive,
            route=True,
            tail=self.tail,
            strict=self.strict,
            end=self.end,
            modified=modify,
            restricted=tuple(restricted) if modify else (),
        )

    @property
    def _literal(self) -> tuple[str, tuple[str, ...]] | None:
        """(text, refused prefixes), keyed for the case rule, of a pattern that string comparison
        matches exactly as its regex does — one literal token, strict, to the end, and ASCII
        unless case-sensitive — or None (worked out once). Most sources of a large table are
        such, and then need no regex at all."""
        built = self._keep()
        if built.literal is not False:
            return built.literal
        found = None
        tokens = self.tokens
        text = tokens[0] if len(tokens) == 1 else None
        if (
            isinstance(text, str)
            and self.strict
            and self.end
            and (self.case_sensitive or text.isascii())
            # modifyRouteRegex writes these into the regex unescaped: plain ones only.
            and all(_PLAIN_PREFIX.fullmatch(prefix) for prefix in self.restricted)
        ):
            if self.case_sensitive:
                found = text, self.restricted
            else:
                found = text.lower(), tuple(prefix.lower() for prefix in self.restricted)
        built.literal = found
        return found

    def _match_literal(
        self, path: str, text: str, refused: tuple[str, ...]
    ) -> tuple[str, list[ParamValue | None]] | None:
        """`match` for a `_literal` pattern: the text, and one '/' more when it may follow.

        Without the `i` flag the comparison is exact. With it, JavaScript folds ASCII letters and
        never maps a non-ASCII character to ASCII: an ASCII text only matches an ASCII path.
        """
        subject = path
        if not self.case_sensitive:
            if not path.isascii():
                return None
            subject = path.lower()
        if refused and subject.startswith(refused):
            return None
        if subject == text or (self.tail_slash and subject == text + "/"):
            return path, []
        return None

    def _tail_ok(self, path: str) -> bool:
        """Whether `path` ends with the pattern's literal tail (allowing one '/' when it may)."""
        if self._ends_with_tail(path):
            return True
        return self.tail_slash and path.endswith("/") and self._ends_with_tail(path[:-1])

    def _ends_with_tail(self, path: str) -> bool:
        """Whether `path` ends with the literal tail, in the pattern's case rule (ASCII only)."""
        tail = self.tail
        end = path[-len(tail) :]
        if end == tail:
            return True
        return not self.case_sensitive and end.isascii() and end.lower() == tail.lower()

    def match(self, path: str, *, timeout: float | None = DEFAULT_MATCH_TIMEOUT) -> Match | None:
        """Match a whole path; None when it does not match.

        `timeout` (seconds of the regex engine's CPU time; None: no bound) bounds a match that
        may backtrack badly: past it, `TimeoutError` is raised. A regex whose backtracking is
        linear is never timed, and one that is polynomial of low degree only on paths longer
        than 64 characters (see `_regexp.free_length`): timing costs about a microsecond a match.
        A path that is not a str is a `TypeError`.

        >>> compile("/api/((?!auth).*)").match("/api/users").params
        {0: 'users'}
        """
        if not isinstance(path, str):
            raise TypeError(f"got path={path!r} ({type(path).__name__}); expected a str")
        found = self._values(path, timeout)
        if found is None:
            return None
        matched, values = found
        params: dict[str | int, ParamValue] = {}
        for key, value in zip(self.keys, values, strict=True):
            if value is not None and not (self.route and isinstance(key.name, int)):
                params[key.name] = value
        return Match(matched, params, tuple(values))

    def route_params(
        self, path: str, *, timeout: float | None = DEFAULT_MATCH_TIMEOUT
    ) -> tuple[dict[str, RenderValue], list[ParamValue | None]] | None:
        """`match` as resolution uses it, without building a `Match`: the named params (a
        repeated value as a new list, as JavaScript holds it) and every key's value by position
        (for `$N`), or None when the path does not match."""
        built = self._built
        if built is None:
            built = self._keep()
        literal = built.literal
        if literal:
            # A literal source (most of a large table's): compared as text, no keys.
            return None if self._match_literal(path, *literal) is None else ({}, [])
        fast = built.fast
        if fast and path.isascii() and (timeout is None or len(path) < built.free):
            # The usual request: an ASCII path, a pattern with a compiled matcher, no time bound.
            tail = self.tail
            if tail and not path.endswith(tail) and not self._tail_ok(path):
                return None
            matcher, layout = fast
            found = matcher.match(path)
            if found is None:
                return None
            params: dict[str, RenderValue] = {}
            values: list[ParamValue | None] = []
            if layout:
                for (name, between), text in zip(layout, found.groups(), strict=False):
                    if text is None:
                        values.append(None)
                    elif between is None:
                        values.append(text)
                        if name is not None:
                            params[name] = text
                    else:
                        parts = text.split(between)
                        values.append(tuple(parts))
                        if name is not None:
                            params[name] = parts
            return params, values
        got = self._values(path, timeout)
        if built.fast is False:
            built.fast = self._fast()
        if got is None:
            return None
        values = got[1]
        params = {}
        if values:
            for name, value in zip(self._names(), values, strict=True):
                if value is not None and name is not None:
                    params[name] = value if type(value) is str else list(value)
        return params, values

    def _fast(self) -> _Fast | Literal[False] | None:
        """What `route_params` needs for an ASCII path once the pattern has its matcher: the
        matcher, and each key's name (as `_names`) with the text between its repeated values
        (None unless it repeats). None for a literal pattern (`_match_literal` answers those)
        and one whose translation has fewer groups than keys; False while it has no matcher
        yet (a path its tail turned away)."""
        built = self._keep()
        if built.literal is not None:
            return None
        if built.matcher is None:
            return False
        if self._translated[1] < len(self.keys):
            return None
        between = [key.prefix + key.suffix if key.repeat else None for key in self.keys]
        return built.matcher, tuple(zip(self._names(), between, strict=True))

    def _names(self) -> tuple[str | None, ...]:
        """Each key's name as `params` holds it (None for an unnamed group of a route)."""
        built = self._keep()
        names = built.names
        if names is None:
            names = built.names = tuple(
                None if self.route and isinstance(key.name, int) else str(key.name)
                for key in self.keys
            )
        return names

    def matches(self, path: str, *, timeout: float | None = DEFAULT_MATCH_TIMEOUT) -> bool:
        """Whether `match` would match, without taking the params out (a header rule whose
        headers use no param needs no more). Reads the pattern's plan as `route_params` does."""
        built = self._built
        if built is not None:
            fast = built.fast
            if fast and path.isascii() and (timeout is None or len(path) < built.free):
                tail = self.tail
                if tail and not path.endswith(tail) and not self._tail_ok(path):
                    return False
                return fast[0].match(path) is not None
        found = self._run(path, timeout) is not None
        built = self._keep()
        if built.fast is False:
            built.fast = self._fast()
        return found

    def _run(
        self, path: str, timeout: float | None
    ) -> _RegexMatch[str] | re.Match[str] | _Segments | tuple[str, list[ParamValue | None]] | None:
        """The regex match of the path, the answer of a literal pattern (which needs no regex),
        or None when it does not match."""
        # The built values read straight from their holder: this is the hot path.
        built = self._built or self._keep()
        literal = self._literal if built.literal is False else built.literal
        if literal is not None:
            return self._match_literal(path, *literal)
        if self.tail and not self._tail_ok(path):
            return None
        subject = path if path.isascii() else to_utf16(path)
        matcher = built.matcher or self._matcher()  # (which sets `free`)
        if timeout is not None and len(subject) >= built.free:
            return (built.regex or self.regex).match(subject, timeout=timeout)
        return matcher.match(subject)

    def _values(
        self, path: str, timeout: float | None
    ) -> tuple[str, list[ParamValue | None]] | None:
        """The matched text and each key's value (None where it took no part), or None."""
        found = self._run(path, timeout)
        if found is None or type(found) is tuple:
            return found
        assert not isinstance(found, tuple)
        ascii_only = path.isascii()
        keys = self.keys
        if not keys:
            return (found.group(0) if ascii_only else from_utf16(found.group(0))), []
        raw = found.groups()
        count = (self._built or self._keep()).translation or self._translated
        values: list[ParamValue | None] = []
        for index, key in enumerate(keys):
            text = raw[index] if index < count[1] else None
            if text is None:
                values.append(None)
            elif key.repeat:
                parts = text.split(key.prefix + key.suffix)
                values.append(tuple(parts if ascii_only else map(from_utf16, parts)))
            else:
                values.append(text if ascii_only else from_utf16(text))
        matched = found.group(0)
        return (matched if ascii_only else from_utf16(matched)), values

    def format(self, params: Mapping[str | int, object] | None = None) -> str:
        """Build a path from parameter values (path-to-regexp's `compile`, validating).

        Repeated parameters take a list or tuple; values are inserted as given (not encoded).

        >>> compile("/docs/:path+").format({"path": ["a", "b"]})
        '/docs/a/b'
        """
        data = params or {}
        out: list[str] = []
        for token in self.tokens:
            if isinstance(token, str):
                out.append(token)
                continue
            value = _lookup(data, token.name)
            if isinstance(value, list | tuple):
                if not token.repeat:
                    raise self._format_error(
                        token,
                        f"Parameter {token.label} does not repeat, but got a sequence: {value!r}",
                        f'Expected "{token.name}" to not repeat, but got an array',
                    )
                if not value:
                    if token.optional:
                        continue
                    raise self._format_error(
                        token,
                        f"Parameter {token.label} needs at least one value, got an empty sequence",
                        f'Expected "{token.name}" to not be empty',
                    )
                for item in value:
                    segment = self._checked(token, item, each=True)
                    out.append(token.prefix + segment + token.suffix)
                continue
            if isinstance(value, str | int) and not isinstance(value, bool):
                segment = self._checked(token, value, each=False)
                out.append(token.prefix + segment + token.suffix)
                continue
            if token.optional and value is None:
                continue
            kind = "an array" if token.repeat else "a string"
            wanted = "a list of strings" if token.repeat else "a string"
            got = "nothing" if value is None else f"{value!r} ({type(value).__name__})"
            raise self._format_error(
                token,
                f"Parameter {token.label} needs {wanted}, got {got}",
                f'Expected "{token.name}" to be {kind}',
            )
        return "".join(out)

    def _checked(self, key: Key, value: object, *, each: bool) -> str:
        """A value as text, checked against the parameter's pattern as path-to-regexp does."""
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self._format_error(
                key,
                f"Parameter {key.label} needs strings, got {value!r} ({type(value).__name__})",
                f'Expected all "{key.name}" to be a string',
            )
        segment = str(value)
        if not self._validator(key).match(segment if segment.isascii() else to_utf16(segment)):
            all_ = "all " if each else ""
            raise self._format_error(
                key,
                f"Parameter {key.label} must match {key.pattern!r}, but got {segment!r}",
                f'Expected {all_}"{key.name}" to match "{key.pattern}", but got "{segment}"',
            )
        return segment

    def _validator(self, key: Key) -> Compiled:
        """`^(?:pattern)$` for one key, as tokensToFunction builds it (kept per key)."""
        validators = self._keep().validators
        position = self.tokens.index(key)
        compiled = validators.get(position)
        if compiled is None:
            js = JsRegex(f"^(?:{key.pattern})$", (key,), ((4, 4 + len(key.pattern), key),))
            py, _ = translate_js(js, case_sensitive=self.case_sensitive, text=self.source)
            compiled = regex.compile(py, regex.V0, cache_pattern=False)
            validators[position] = compiled
        return compiled

    def _format_error(self, key: Key, message: str, js_message: str) -> PatternError:
        """A `format` error pointing at the parameter in the source."""
        return PatternError(message, self.source, key.span, js_message=js_message)


_PATTERN_FIELDS = (
    "source",
    "tokens",
    "keys",
    "case_sensitive",
    "route",
    "tail",
    "strict",
    "end",
    "modified",
    "restricted",
    "_built",
)
assert tuple(field.name for field in attrs.fields(Pattern)) == _PATTERN_FIELDS
(
    _set_source,
    _set_tokens,
    _set_keys,
    _set_case_sensitive,
    _set_route,
    _set_tail,
    _set_strict,
    _set_end,
    _set_modified,
    _set_restricted,
    _set_built,
) = (getattr(Pattern, name).__set__ for name in _PATTERN_FIELDS)


def new_pattern(
    source: str,
    tokens: tuple[Token, ...],
    keys: tuple[Key, ...],
    case_sensitive: bool,
    route: bool,
    tail: str,
    strict: bool,
    end: bool,
    modified: bool,
    restricted: tuple[str, ...],
) -> Pattern:
    """`Pattern(...)` with every field given by position: the same pattern, made in about half
    the time of attrs' `__init__`, which a large table pays per rule (see `_rules.new_rule`)."""
    pattern: Pattern = object.__new__(Pattern)
    _set_source(pattern, source)
    _set_tokens(pattern, tokens)
    _set_keys(pattern, keys)
    _set_case_sensitive(pattern, case_sensitive)
    _set_route(pattern, route)
    _set_tail(pattern, tail)
    _set_strict(pattern, strict)
    _set_end(pattern, end)
    _set_modified(pattern, modified)
    _set_restricted(pattern, restricted)
    _set_built(pattern, None)
    return pattern


class _Built:
    """What a `Pattern` builds on first use, in one holder in one slot of the frozen pattern.

    Not a slot per value: each slot costs every construction (a large table builds a pattern
    per rule). Not `functools.cached_property`: on a slotted class attrs implements it with a
    `__getattr__`, and a class with one reads *every* attribute about three times slower
    (measured: 16 ns → 48 ns a read, 10-20% on `Pattern.match`).
    """

    __slots__ = (
        "fast",
        "free",
        "js",
        "js_regex",
        "literal",
        "matcher",
        "names",
        "regex",
        "translation",
        "validators",
    )

    def __init__(self) -> None:
        self.js: JsRegex | None = None
        self.js_regex: str | None = None
        self.translation: tuple[str, int] | None = None
        self.regex: Compiled | None = None
        #: Each key's name as params hold it (`Pattern._names`).
        self.names: tuple[str | None, ...] | None = None
        #: What untimed matches use: `regex`, or its `re` twin (`Pattern._matcher`).
        self.matcher: Matcher | None = None
        #: From which path length a match needs the time bound (`_regexp.free_length`; set with
        #: `regex`).
        self.free = 0
        #: `Pattern._literal`'s answer; False until worked out (None is an answer: not literal).
        self.literal: tuple[str, tuple[str, ...]] | Literal[False] | None = False
        #: The keys' `format` validators by token position, each built when `format` needs it
        #: (a key's pattern may only be valid in the context of the whole regex).
        self.validators: dict[int, Compiled] = {}
        #: `Pattern._fast`'s answer once worked out (after the first `route_params`); False
        #: until then.
        self.fast: _Fast | Literal[False] | None = False


class _Segments:
    """What `_CatchAll` matched: the text, and the catch-all's value (its only group)."""

    __slots__ = ("text", "value")

    def __init__(self, text: str, value: str | None) -> None:
        self.text, self.value = text, value

    @overload
    def group(self, index: Literal[0]) -> str: ...
    @overload
    def group(self, index: int) -> str | None: ...
    def group(self, index: int) -> str | None:
        """The match (0) or the value (1), as a regex match gives them."""
        return self.text if index == 0 else self.value

    def groups(self) -> tuple[str | None]:
        """The value, as a regex match gives its groups."""
        return (self.value,)


class _CatchAll:
    """The catch-all `/:path*` of a route (any name, either case rule), matched without a
    regex: its translation (`TRANSLATION`) takes the empty path, '/', and any path of non-empty
    segments with one more '/' allowed, and gives the segments as its group."""

    TRANSLATION = r"\A(?:(?:\x2f((?:(?:[^\x2f])+?)(?:(?:\x2f(?:(?:[^\x2f])+?)))*)))?(?:(?:\x2f))?\Z"

    def match(self, subject: str) -> _Segments | None:
        """The match of the whole `subject`, as the translation's regex matches it."""
        if "//" in subject or (subject and subject[0] != "/"):
            return None
        body = subject[:-1] if subject.endswith("/") else subject
        return _Segments(subject, body[1:] or None)


_CATCH_ALL = _CatchAll()
#: What a pattern's untimed matches use (`Pattern._matcher`).
Matcher: TypeAlias = "Compiled | re.Pattern[str] | _CatchAll"
#: What `route_params` reads for an ASCII path (`Pattern._fast`): the matcher, and per key its
#: name and the text between its repeated values.
_Fast: TypeAlias = "tuple[Matcher, tuple[tuple[str | None, str | None], ...]]"


def _re_twin(translated: str) -> re.Pattern[str] | None:
    """The translated pattern compiled by the standard `re` engine, when it means the same there
    (None when not): `re` matches about 2.5 times faster than `regex`, but has no time bound.

    The translation spells case-insensitivity out (`[Kk]`, `[A-Za-z]`, `[\\xc9\\xe9]`) and keeps
    `(?i:...)` for runs of ASCII letters that fold only to each other; there the two engines
    agree, but for 'i', 'k' and 's' (and their capitals) `re` also takes a non-ASCII letter
    (`ı`, `K`, `ſ`) that `regex` and JavaScript do not. A pattern with such a letter in an
    `(?i:...)` run, with any non-ASCII text, or with syntax `re` lacks is left to `regex`;
    `tests/test_pattern.py` checks the two engines agree on every translated shape.
    """
    if not translated.isascii():
        return None
    runs = _FOLDED_RUN.findall(translated)
    if len(runs) != translated.count("(?i") or any(map(_UNSAFE_FOLD.search, runs)):
        return None
    try:
        return re.compile(translated)
    except (re.error, OverflowError, RecursionError):
        return None


#: path-to-regexp's own parameter pattern as translated, and the same taking all it can.
_LAZY_SEGMENT = r"(?:[^\x2f])+?"
_GREEDY_SEGMENT = r"(?:[^\x2f])+"
#: A `(?i:...)` run with no group inside, and what may be in one for `re` to agree.
_FOLDED_RUN = re.compile(r"\(\?i:([^()]*)\)")
_UNSAFE_FOLD = re.compile(r"[^A-HJL-RT-Za-hjl-rt-z0-9_\-]")


def _lookup(data: Mapping[str | int, object], name: str | int) -> object:
    """`data[name]`, where an unnamed group's number may also be given as a string."""
    if name in data:
        return data[name]
    if isinstance(name, int):
        return data.get(str(name))
    return None


def compile(
    source: str, *, case_sensitive: bool = False, strict: bool = True, end: bool = True
) -> Pattern:
    """Compile a path-to-regexp 6.3.0 source with the options Next.js uses for custom routes.

    Case-insensitive (custom groups included), strict and delimited by '/' unless told otherwise.
    Raises `PatternError` (and nothing else) for a source path-to-regexp or JavaScript rejects.

    >>> compile("/api/:path*").match("/api/a/b").params
    {'path': ('a', 'b')}
    """
    if not isinstance(source, str):
        raise TypeError(f"got source={source!r} ({type(source).__name__}); expected a str")
    return _compile(source, case_sensitive, strict, end)


def compile_route(
    source: str,
    *,
    case_sensitive: bool = False,
    restricted: Sequence[str] = (),
    modify: bool = True,
) -> Pattern:
    """`compile(source, case_sensitive=...).as_route(...)` in one step, and uncached: the matcher
    a table's rule gets, built once per rule while loading."""
    if source and not _SYNTAX.search(source):
        # Plain text (most sources of a large table): one literal token, nothing to check.
        return new_pattern(
            source,
            (source,),
            (),
            case_sensitive,
            True,
            source if source.isascii() else "",
            True,
            True,
            modify,
            tuple(restricted) if modify else (),
        )
    simple = parse_whole_segments(source)
    if simple is not None:
        # '/'-prefixed keys only (none can be "Can not repeat"): `_checked`, in short.
        tokens, keys, custom = simple
        last = tokens[-1]
        pattern = new_pattern(
            source,
            tokens,
            keys,
            case_sensitive,
            True,
            last if isinstance(last, str) and last.isascii() else "",
            True,
            True,
            modify,
            tuple(restricted) if modify else (),
        )
        if custom:
            for key in keys:  # (the default pattern, '[^\\/]+?', stands on its own)
                if key.custom and not _self_contained(key.pattern, case_sensitive):
                    pattern._translated  # noqa: B018  (building it checks the custom groups)
                    break
        return pattern
    return _checked(
        source,
        case_sensitive,
        True,
        True,
        route=True,
        modified=modify,
        restricted=tuple(restricted) if modify else (),
    )


@functools.lru_cache(maxsize=1024)
def _compile(source: str, case_sensitive: bool, strict: bool, end: bool) -> Pattern:
    """`compile`, cached (a Pattern is a value: its lazily built regexes are idempotent caches)."""
    return _checked(source, case_sensitive, strict, end)


def _checked(
    source: str,
    case_sensitive: bool,
    strict: bool,
    end: bool,
    *,
    route: bool = False,
    modified: bool = False,
    restricted: tuple[str, ...] = (),
) -> Pattern:
    """A source compiled, with everything that can make it invalid checked.

    The regexes themselves are only built when needed, unless a custom group has to be checked as
    part of the whole.
    """
    tokens = _tokens(source)
    found: list[Key] = []
    bare_repeat = custom = False
    for token in tokens:  # one loop, not a generator per question: a large table asks per rule
        if isinstance(token, str) or not token.pattern:
            continue
        found.append(token)
        custom = custom or token.custom
        if token.modifier in _REPEATS and not (token.prefix or token.suffix):
            bare_repeat = True
    keys = tuple(found)
    last = tokens[-1] if tokens else None
    tail = last if end and isinstance(last, str) and last.isascii() else ""
    pattern = new_pattern(
        source, tokens, keys, case_sensitive, route, tail, strict, end, modified, restricted
    )
    if bare_repeat:
        pattern._js  # noqa: B018  (building it raises path-to-regexp's "Can not repeat" error)
    if custom and not all(_self_contained(k.pattern, case_sensitive) for k in keys):
        # A user's custom group is JavaScript: check it now, so that matching can never fail later.
        # The whole regex is checked (and the error is V8's, for the whole regex) unless every
        # group is valid on its own, which makes the whole valid too.
        pattern._translated  # noqa: B018  (building it checks the custom groups)
    return pattern


#: The modifiers of a repeated key (`Key.repeat`).
_REPEATS = ("*", "+")
#: A prefix `modifyRouteRegex` guards against that reads the same as a regex and as text.
_PLAIN_PREFIX = re.compile(r"[A-Za-z0-9_/\-]*")


#: A decimal escape (a back-reference in the whole regex, maybe an octal escape on its own) or a
#: named group: constructs whose meaning depends on the rest of the regex.
_CONTEXTUAL = re.compile(r"\\[1-9]|\(\?<(?![=!])|\\k")


@functools.lru_cache(maxsize=1024)
def _self_contained(pattern: str, case_sensitive: bool) -> bool:
    """Whether a custom group is valid JavaScript on its own, as `(?:pattern)`, and means the same
    wherever it stands: balanced (so it cannot reach into its neighbours) and context-free."""
    if _CONTEXTUAL.search(pattern):
        return False
    source = f"^(?:{pattern})$"
    try:
        translate(source if source.isascii() else to_utf16(source), ignore_case=not case_sensitive)
    except JSRegexError:
        return False
    return True


#: Characters the lexer treats specially; a source without them is one literal token.
_SYNTAX = re.compile(r"[:*+?\\{}(]")


@functools.lru_cache(maxsize=1024)
def _tokens(source: str) -> tuple[Token, ...]:
    """A source's tokens (cached for a second, case-sensitive or basePath, compile).

    Most sources of a large table are plain text, which parses to itself: the lexer is skipped.
    """
    return (source,) if source and not _SYNTAX.search(source) else parse(source)
