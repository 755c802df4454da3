"""Node's own query handling, as Next.js 16 reaches it: ``URLSearchParams`` parsing (Node's
``parseParams``), Next's ``searchParamsToUrlQuery`` on a plain JS object (prototype names
included), ``querystring.stringify`` and the legacy ``url.format``.

Behaviour is pinned to Node 20 by ``tests/vectors/url.json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TypeAlias

from .uri import UNRESERVED, decode_uri_component, encode_str, encode_uri_component, escape
from .url import HEX_DIGITS, to_usv, utf16_units

__all__ = [
    "OBJECT_PROTOTYPE_NAMES",
    "ObjectValue",
    "format_legacy",
    "header_refusal",
    "header_text",
    "inherits",
    "initial_query_encoder",
    "js_key_order",
    "js_typeof",
    "query_object",
    "querystring_stringify",
    "request_header_refusal",
    "search_params",
]


def _unescape_buffer(s: str) -> str:
    """Node's ``querystring.unescapeBuffer(s).toString()``: every UTF-16 unit is cut to a byte."""
    units = utf16_units(s)
    out = bytearray()
    i = 0
    while i < len(units):
        c = units[i]
        if c == 0x25 and i < len(units) - 2:
            hi, lo = chr(units[i + 1]), chr(units[i + 2])
            if hi in HEX_DIGITS and lo in HEX_DIGITS:
                out.append(int(hi + lo, 16))
                i += 3
                continue
        out.append(c & 0xFF)  # Buffer element assignment is ToUint8
        i += 1
    return out.decode("utf-8", "replace")


def _qs_unescape(s: str) -> str:
    """Node's ``querystring.unescape``: decodeURIComponent, else the byte-buffer fallback."""
    try:
        return decode_uri_component(s)
    except ValueError:
        return _unescape_buffer(s)


def search_params(search: str) -> list[tuple[str, str]]:
    """``[...new URLSearchParams(search)]`` exactly as Node 20's ``parseParams`` does it.

    Node departs from the spec: a name/value is only unescaped when it holds a valid ``%XX``
    (counted loosely: ``+`` between the hex digits does not break the count), and when
    ``decodeURIComponent`` rejects it the fallback truncates non-ASCII characters to bytes.
    """
    qs = to_usv(search)
    out: list[str] = []
    i = 1 if qs.startswith("?") else 0
    # The text before the last '+' of the current name or value, in pieces: a list, so that a
    # value of many '+' stays linear (Node appends to a string, which V8 makes cheap).
    buf: list[str] = []
    seen_sep, encoded, check = False, False, 0
    pair_start = last = i
    n = len(qs)

    def flush(end: int) -> None:
        buf.append(qs[last:end])
        piece = "".join(buf)
        out.append(_qs_unescape(piece) if encoded else piece)
        buf.clear()

    while i < n:
        ch = qs[i]
        if ch == "&":
            if pair_start != i:
                flush(i)
                if not seen_sep:
                    out.append("")
            seen_sep, encoded, check = False, False, 0
            last = pair_start = i + 1
        elif ch == "=" and not seen_sep:
            flush(i)
            seen_sep, encoded, check = True, False, 0
            last = i + 1
        elif ch == "+":
            buf += (qs[last:i], " ")
            last = i + 1
        elif not encoded:
            if ch == "%":
                check = 1
            elif check > 0:
                check = check + 1 if ch in HEX_DIGITS else 0
                encoded = check == 3
        i += 1
    if pair_start != n:
        flush(n)
        if not seen_sep:
            out.append("")
    return list(zip(out[::2], out[1::2], strict=True))


# Own property names of Object.prototype / Array.prototype in Node 20 (inherited lookups).
OBJECT_PROTOTYPE_NAMES = frozenset(
    [
        "constructor",
        "__defineGetter__",
        "__defineSetter__",
        "hasOwnProperty",
        "__lookupGetter__",
        "__lookupSetter__",
        "isPrototypeOf",
        "propertyIsEnumerable",
        "toString",
        "valueOf",
        "__proto__",
        "toLocaleString",
    ]
)
_ARRAY_PROTO = frozenset(
    [
        "length",
        "constructor",
        "at",
        "concat",
        "copyWithin",
        "fill",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "lastIndexOf",
        "pop",
        "push",
        "reverse",
        "shift",
        "unshift",
        "slice",
        "sort",
        "splice",
        "includes",
        "indexOf",
        "join",
        "keys",
        "entries",
        "values",
        "forEach",
        "filter",
        "flat",
        "flatMap",
        "map",
        "every",
        "some",
        "reduce",
        "reduceRight",
        "toLocaleString",
        "toString",
        "toReversed",
        "toSorted",
        "toSpliced",
        "with",
    ]
)

#: A value of the query object `searchParamsToUrlQuery` builds: a string, or a list for a repeated
#: key, where None stands for an inherited non-string JS value (`?constructor=x` gives
#: [None, 'x']), and Next.js carries it along as it is.
ObjectValue: TypeAlias = "str | list[str | None]"


class _JsQuery:
    """A plain JS object ``{}`` as ``searchParamsToUrlQuery`` mutates it, prototype included."""

    def __init__(self) -> None:
        """Start with no own keys and Object.prototype as the prototype."""
        self.own: dict[str, ObjectValue] = {}
        self.proto_array: list[str | None] | None = None  # set by assigning "__proto__"

    def get(self, key: str) -> tuple[str, ObjectValue | None]:
        """Property lookup: ("undefined"|"array"|"other", value) like ``query[key]``."""
        if key in self.own:
            value = self.own[key]
            return ("array" if isinstance(value, list) else "other"), value
        arr = self.proto_array
        if arr is not None:
            if key == "__proto__":
                return "array", arr
            index = _array_index(key)
            if index is not None and index < len(arr):
                return "other", arr[index]
            if key == "length":
                return "other", str(len(arr))
            if key in _ARRAY_PROTO:
                return "other", None
        if key in OBJECT_PROTOTYPE_NAMES:
            return "other", None
        return "undefined", None

    def add(self, key: str, value: str) -> None:
        """One iteration of searchParamsToUrlQuery's loop."""
        kind, existing = self.get(key)
        if kind == "undefined":
            if key != "__proto__":
                self.own[key] = value
        elif kind == "array":
            assert isinstance(existing, list)
            existing.append(value)
        elif key == "__proto__":
            # `query.__proto__ = [Object.prototype, value]` replaces the prototype.
            self.proto_array = [None, value]
        else:
            assert not isinstance(existing, list)
            self.own[key] = [existing, value]


def inherits(key: str) -> bool:
    """Whether a plain JS object `{}` has `key` without owning it (`key in {}`): the names of
    Object.prototype, `__proto__` among them. Next.js keeps request data in plain objects, so
    looking such a name up finds a function (or, for `__proto__`, an object) on every request."""
    return key in OBJECT_PROTOTYPE_NAMES


def initial_query_encoder(initial: Mapping[str, object]) -> Callable[[str], str]:
    """The `encodeURIComponent` callback of Next.js's `stringifyQuery` for a request whose query
    was `initial`: text that is a key of it (inherited names too: `value in initialQuery`) or one
    of its values is encoded, any other text is left as it is.

    Next.js scans every initial value for every piece it encodes (quadratic in the query's
    size); the answer only depends on membership, so this looks it up in two sets."""
    values: set[str] = set()
    for value in initial.values():
        if isinstance(value, str):
            values.add(value)
        elif isinstance(value, list):
            values.update(item for item in value if isinstance(item, str))
    keys = frozenset(initial)

    def encode(text: str) -> str:
        if text in keys or text in values or text in OBJECT_PROTOTYPE_NAMES:
            return encode_uri_component(text)
        return text

    return encode


def _array_index(key: str) -> int | None:
    """The JS array index a property key denotes (canonical decimal below 2**32 - 1)."""
    if not key.isdigit() or not key.isascii() or (len(key) > 1 and key[0] == "0"):
        return None
    n = int(key)
    return n if n < 2**32 - 1 else None


def js_key_order(keys: Iterable[str]) -> list[str]:
    """JS ``Object.keys`` order: array-index keys ascending first, then insertion order."""
    keys = list(keys)
    indexed = sorted((k for k in keys if _array_index(k) is not None), key=int)
    return indexed + [k for k in keys if _array_index(k) is None]


def query_object(search: str) -> dict[str, ObjectValue]:
    """Next's ``searchParamsToUrlQuery(new URLSearchParams(search))``, in JS key order.

    Repeated keys become lists.  Keys named like inherited JS properties (``constructor``,
    ``toString``, ``__proto__`` ...) behave as in Node: the inherited value becomes the first
    list element (None for functions/objects), and ``__proto__`` is not an own key at all.
    """
    obj = _JsQuery()
    for key, value in search_params(search):
        obj.add(key, value)
    return {k: obj.own[k] for k in js_key_order(obj.own)}


#: A value `querystring.stringify` takes (numbers and booleans as JS prints them, None as '').
Scalar: TypeAlias = "str | int | float | bool | None"
#: A query value `querystring.stringify` takes: a scalar, or a sequence of them (a repeated key).
StringifyValue: TypeAlias = "Scalar | Sequence[Scalar]"


def _js_number(x: float) -> str:
    """JS ``Number.prototype.toString()`` for a finite number."""
    if x == 0:
        return "0"
    sign, digits_t, exp = Decimal(repr(float(x))).as_tuple()
    assert isinstance(exp, int)
    digits = "".join(map(str, digits_t)).rstrip("0") or "0"
    exp += len("".join(map(str, digits_t))) - len(digits)
    k = len(digits)
    n = exp + k  # value = 0.digits * 10**n
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
        body = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return ("-" if sign else "") + body


def _is_finite_number(v: Scalar) -> bool:
    """A JS number that ``isFinite`` (bool excluded: it is a separate JS type)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    return math.isfinite(v)


def _stringify_primitive(v: Scalar) -> str:
    """querystring's ``stringifyPrimitive``: strings, finite numbers, booleans, else ''."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if _is_finite_number(v):
        assert isinstance(v, int | float)
        return _js_number(v)
    return ""


def _encode_stringified(v: Scalar, encode: Callable[[str], str]) -> str:
    """querystring's ``encodeStringified`` (default escape): small numbers are not escaped."""
    if isinstance(v, str):
        return encode(v) if v else ""
    if _is_finite_number(v):
        assert isinstance(v, int | float)
        text = _js_number(v)
        return text if abs(v) < 1e21 else encode(text)
    return _stringify_primitive(v)


def querystring_stringify(
    query: Mapping[str, StringifyValue], encode: Callable[[str], str] = escape
) -> str:
    """Node's ``querystring.stringify(query, '&', '=', {encodeURIComponent: encode})``.

    Keys are visited in JS ``Object.keys`` order; an empty list contributes nothing; with a
    custom encoder every key and value (``''`` for None/NaN) goes through it.
    """

    def convert(v: Scalar) -> str:
        if encode is escape:
            return _encode_stringified(v, encode)
        return encode(_stringify_primitive(v))

    fields: list[str] = []
    for key in js_key_order(query):
        value = query[key]
        prefix = convert(key) + "="
        if isinstance(value, str) or not isinstance(value, Sequence):
            fields.append(prefix + convert(value))
        else:
            fields.extend(prefix + convert(item) for item in value)
    return "&".join(fields)


# --------------------------------------------------------------------------------------------
# Legacy url.format (Node lib/url.js Url.prototype.format)
# --------------------------------------------------------------------------------------------

_NO_ESCAPE_AUTH = UNRESERVED | {":"}  # lib/url.js noEscapeAuth
_SLASHED_PROTOCOLS = frozenset(
    [
        "http",
        "http:",
        "https",
        "https:",
        "ftp",
        "ftp:",
        "gopher",
        "gopher:",
        "file",
        "file:",
        "ws",
        "ws:",
        "wss",
        "wss:",
    ]
)


def _encode_auth(auth: str) -> str:
    """``encodeStr(auth, noEscapeAuth, hexTable)``: same UTF-16 quirks as `escape`."""
    return encode_str(auth, _NO_ESCAPE_AUTH)


def format_legacy(
    *,
    protocol: str | None = None,
    slashes: bool | None = None,
    auth: str | None = None,
    host: str | None = None,
    hostname: str | None = None,
    port: str | None = None,
    pathname: str | None = None,
    search: str | None = None,
    query: Mapping[str, StringifyValue] | None = None,
    hash: str | None = None,
) -> str:
    """Node's legacy ``url.format(urlObject)`` for a plain object (falsy fields are absent).

    ``search`` wins over ``query``; ``#``/``?`` in the pathname and ``#`` in the search are
    escaped; ``//`` is added for slashed protocols (or ``slashes``) when there is a host.
    """
    auth_part = _encode_auth(auth) + "@" if auth else ""
    protocol = protocol or ""
    pathname = (pathname or "").replace("#", "%23").replace("?", "%3F")
    hash = hash or ""
    host_part = ""
    if host:
        host_part = auth_part + host
    elif hostname:
        bracket = ":" in hostname and not (hostname.startswith("[") and hostname.endswith("]"))
        host_part = auth_part + (f"[{hostname}]" if bracket else hostname)
        if port:
            host_part += ":" + port
    query_text = querystring_stringify(query) if query is not None else ""
    search = search or (query_text and "?" + query_text) or ""
    if protocol and not protocol.endswith(":"):
        protocol += ":"
    if slashes or protocol in _SLASHED_PROTOCOLS:
        if slashes or host_part:
            if pathname and not pathname.startswith("/"):
                pathname = "/" + pathname
            host_part = "//" + host_part
        elif protocol.startswith("file"):
            host_part = "//"
    search = search.replace("#", "%23")
    if hash and not hash.startswith("#"):
        hash = "#" + hash
    if search and not search.startswith("?"):
        search = "?" + search
    return protocol + host_part + pathname + search + hash


# --------------------------------------------------------------------------------------------
# Header checks: Node's HTTP parser on requests, `res.setHeader` on responses
# --------------------------------------------------------------------------------------------

#: An HTTP token (lib/_http_common.js `checkIsHttpToken`): what a header name must be.
_HTTP_TOKEN = re.compile(r"[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+")
#: What `setHeader` refuses in a value (`checkInvalidHeaderChar`: ERR_INVALID_CHAR): a control
#: character other than tab, DEL, or anything past U+00FF.
_INVALID_HEADER_CHAR = re.compile(r"[^\t\x20-\x7e\x80-\xff]")
#: What Node's HTTP parser (llhttp) refuses in a request header value with a 400: a control
#: character other than tab, and DEL. (Past U+00FF cannot arrive: Node reads bytes as Latin-1.)
_REFUSED_REQUEST_CHAR = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def header_text(name: str, value: object) -> str:
    """A request header's value as Node gives it (`name` lowercased): a list joined as Node
    joins a repeated header (`; ` for cookie, `, ` for any other), anything else as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ("; " if name == "cookie" else ", ").join(str(v) for v in value)
    return str(value)


def js_typeof(value: object) -> str:
    """JavaScript's `typeof` of a JSON value, None being `undefined` (a key that is absent)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "undefined" if value is None else "object"


def request_header_refusal(name: str, value: str) -> str | None:
    """Why Node's HTTP parser would answer 400 to a request carrying this header (None when it
    would not): a name that is not an HTTP token, or a value holding CR, LF, NUL or another
    control character but tab."""
    if not _HTTP_TOKEN.fullmatch(name):
        return f"the header name {name!r} is not an HTTP token"
    bad = _REFUSED_REQUEST_CHAR.search(value)
    if bad is not None:
        return f"the {name!r} header's value holds {bad.group()!r} at {bad.start()}"
    return None


def header_refusal(name: str, value: str | Sequence[str]) -> str | None:
    """Why `res.setHeader(name, value)` would throw (None when it would not): Node's
    ERR_INVALID_HTTP_TOKEN for the name, ERR_INVALID_CHAR for a value (each of a list)."""
    if not _HTTP_TOKEN.fullmatch(name):
        return f"Invalid header name {name!r} (ERR_INVALID_HTTP_TOKEN)"
    for item in [value] if isinstance(value, str) else value:
        if item.isascii() and item.isprintable():
            continue  # ' ' to '~' only: nothing Node refuses
        bad = _INVALID_HEADER_CHAR.search(item)
        if bad is not None:
            return (
                f"Invalid character {bad.group()!r} in header content [{name!r}] (ERR_INVALID_CHAR)"
            )
    return None
