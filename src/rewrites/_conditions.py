"""`has` and `missing` conditions, evaluated as Next.js's `matchHas` does (§4 of the reference).

A condition reads a header, a cookie, a query value or the host. Without a `value` it holds when the
value is truthy (an empty string does not count) and stores it as a param whose name is the key with
everything outside A-Z/a-z removed. With a `value` it is the JavaScript regex `^value$` — anchored
by plain concatenation, so `a|b` means `^a` or `b$` — matched case-sensitively against the value
(the last one, for a repeated query key); its named groups become params.

Next.js reads headers, cookies and the query from plain JavaScript objects, so a key that such an
object inherits (`constructor`, `toString`, `__proto__`...) finds a function or an object on every
request: without a value the condition holds, with one the request fails (`value.match is not a
function`, a 500), and a cookie of that name is never read at all. The tests replay Next.js's
answers for each of them (tests/vectors/jsnames.json).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import attrs
import regex

from ._js.node import inherits
from ._js.regexp import (
    V8_MAX_LENGTH,
    JSRegexError,
    capture_names,
    from_utf16,
    parse,
    to_utf16,
    translate,
)
from ._js.uri import decode_uri_component
from ._regexp import backtracking_degree, degree_free_length
from ._values import Query, QueryValue

__all__ = [
    "Condition",
    "ConditionError",
    "ConditionType",
    "RequestView",
    "match_conditions",
    "safe_param_name",
]

#: What a condition reads (the `type` of a `has`/`missing` item).
ConditionType: TypeAlias = Literal["header", "cookie", "query", "host"]

_JS_SPACE = frozenset(
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class ConditionError(Exception):
    """A condition that fails the request, where Next.js answers 500: its value regex tested
    against an inherited JavaScript property (`value.match is not a function`), or the regex
    ran past the time bound."""


class _Inherited(enum.Enum):
    """What a lookup in a plain JavaScript object finds for a name the object inherits."""

    VALUE = "an inherited property"


def safe_param_name(key: str) -> str:
    """Next.js's `getSafeParamName`: only the ASCII letters of a key ('x-token' → 'xtoken')."""
    return "".join(ch for ch in key if "a" <= ch <= "z" or "A" <= ch <= "Z")


def _js_trim(text: str) -> str:
    """JavaScript's String.prototype.trim (its whitespace set is not Python's)."""
    if not text or (text[0] not in _JS_SPACE and text[-1] not in _JS_SPACE):
        return text  # nothing to trim (the usual cookie name or value)
    start, end = 0, len(text)
    while start < end and text[start] in _JS_SPACE:
        start += 1
    while end > start and text[end - 1] in _JS_SPACE:
        end -= 1
    return text[start:end]


#: What separates the pairs of a Cookie header (the `cookie` package splits at /; */).
_COOKIE_SEPARATOR = re.compile(r"; *")


def parse_cookies(header: str) -> dict[str, str]:
    """The `cookie` package's `parse`, as Next.js uses it: first value wins, values URL-decoded."""
    cookies: dict[str, str] = {}
    for pair in _COOKIE_SEPARATOR.split(header):
        eq = pair.find("=")
        if eq < 0:
            continue
        name = _js_trim(pair[:eq])
        value = _js_trim(pair[eq + 1 :])
        if value.startswith('"'):
            value = value[1:-1]
        # The `cookie` package only sets a name that reads as undefined: never an inherited one.
        if name not in cookies and not inherits(name):
            try:
                cookies[name] = decode_uri_component(value)
            except ValueError:
                cookies[name] = value
    return cookies


@attrs.define
class RequestView:
    """What conditions read from a request: lowercased headers and lazily parsed cookies."""

    headers: Mapping[str, str]
    _cookies: dict[str, str] | None = None

    @property
    def cookies(self) -> dict[str, str]:
        """The parsed Cookie header (parsed once, on first use)."""
        if self._cookies is None:
            header = self.headers.get("cookie")
            self._cookies = parse_cookies(header) if header else {}
        return self._cookies

    @property
    def host(self) -> str | None:
        """The Host header without its port, lowercased (None when absent)."""
        host = self.headers.get("host")
        return host.split(":", 1)[0].lower() if host else None


@attrs.frozen
class Condition:
    """One `has` or `missing` item: its type, key and optional value regex."""

    type: ConditionType
    key: str
    value: str | None
    # The value regex, built on first use (a slot, as `Pattern` keeps its regexes, and for the
    # same reason: attrs's cached_property slows every attribute read of a slotted class).
    _built: tuple[regex.Pattern[str], dict[int, str], int] | None = attrs.field(
        default=None, init=False, repr=False, eq=False
    )

    @property
    def _compiled(self) -> tuple[regex.Pattern[str], dict[int, str], int] | None:
        """The value regex `^value$` (no flags), its named groups, and the value length from
        which a match needs the time bound (`_regexp.free_length`); None without a value (built
        on first use; raises JSRegexError for a value that is not a JavaScript regex)."""
        if not self.value:
            return None
        found = self._built
        if found is None:
            source = to_utf16("^" + self.value + "$")
            py, _ = translate(source, ignore_case=False, allow_named=True)
            free = degree_free_length(backtracking_degree(parse(source)))
            found = regex.compile(py, regex.V0, cache_pattern=False), capture_names(source), free
            object.__setattr__(self, "_built", found)
        return found

    def _read(
        self, view: RequestView, query: Mapping[str, QueryValue]
    ) -> QueryValue | _Inherited | None:
        """The value this condition tests, as `matchHas` reads it from JavaScript objects."""
        if self.type == "host":
            return view.host
        found: QueryValue | None
        if self.type == "header":
            key = self.key.lower()
            found = view.headers.get(key)
        elif self.type == "cookie":
            key = self.key
            found = view.cookies.get(key)
        else:
            key = self.key
            found = query.get(key)
        if found is None and inherits(key):
            return _Inherited.VALUE
        return found

    def test(
        self,
        view: RequestView,
        query: Mapping[str, QueryValue],
        params: Query,
        timeout: float | None = None,
    ) -> bool:
        """Whether the condition holds; what it captures is written into `params`.

        Raises `ConditionError` where Next.js fails the request, and when the value regex takes
        longer than `timeout` seconds (None: no bound).
        """
        value = self._read(view, query)
        if not value:
            return False
        compiled = self._compiled
        if compiled is None:
            key = self.key.lower() if self.type == "header" else self.key
            # An inherited function or object is kept as JavaScript's undefined: it renders and
            # stringifies as undefined does ('' in a query, an error in a path).
            params[safe_param_name(key)] = None if value is _Inherited.VALUE else value
            return True
        if value is _Inherited.VALUE:
            raise ConditionError(
                f"the {self.type} {self.key!r} is not sent, so Next.js reads the JavaScript "
                "property every object inherits under that name and fails: "
                "value.match is not a function"
            )
        pattern, names, free = compiled
        subject = value[-1] if isinstance(value, list) else value
        ascii_only = subject.isascii()
        text = subject if ascii_only else to_utf16(subject)
        try:
            if timeout is not None and len(text) >= free:
                found = pattern.search(text, timeout=timeout)
            else:
                found = pattern.search(text)
        except TimeoutError:
            raise ConditionError(
                f"matching the {self.type} {self.key or 'host'!r} value ({len(subject)} "
                f"characters) against {self.value!r} took over {timeout:g} s"
            ) from None
        if found is None:
            return False
        if names:
            for index, name in names.items():
                if name == "__proto__":
                    continue  # `params.__proto__ = value`: JavaScript ignores a string there
                group = found.group(index)
                params[name] = group if group is None or ascii_only else from_utf16(group)
        elif self.type == "host" and found.group(0):
            params["host"] = found.group(0) if ascii_only else from_utf16(found.group(0))
        return True


def match_conditions(
    has: Sequence[Condition],
    missing: Sequence[Condition],
    view: RequestView,
    query: Mapping[str, QueryValue],
    timeout: float | None = None,
) -> Query | None:
    """Next.js's `matchHas`: the captured params when every `has` holds and no `missing` does.

    A captured value is None where a named group did not take part in the match. Raises
    `ConditionError` where Next.js fails the request (see `Condition.test`).
    """
    params: Query = {}
    if all(c.test(view, query, params, timeout) for c in has) and not any(
        c.test(view, query, {}, timeout) for c in missing
    ):
        return params
    return None


#: A value that is plainly a valid JavaScript regex with no group: letters, digits, '-', '_',
#: ',', '=', '@', ':', '/', ' ', and '.' escaped or not (host names, most header values).
PLAIN_VALUE = re.compile(r"(?:[A-Za-z0-9\-_,=@:/ ]|\\\.|\.)*")


def check_value(value: str) -> str | None:
    """Why a condition's value is not a usable JavaScript regex (None when it is)."""
    units = len(value) + 2 + sum(1 for ch in value if ord(ch) > 0xFFFF)
    if units > V8_MAX_LENGTH:
        return (
            f"V8 cannot be trusted to compile a regex this long ({units} UTF-16 units; it "
            f"refuses some from 12,284 on, and we refuse all past {V8_MAX_LENGTH:,})"
        )
    if PLAIN_VALUE.fullmatch(value):
        return None  # a large multi-tenant table has thousands of these: no need to parse
    try:
        translate(to_utf16("^" + value + "$"), ignore_case=False, allow_named=True)
    except JSRegexError as exc:
        return exc.message
    return None
