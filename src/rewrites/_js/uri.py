"""JavaScript's global URI functions: ``encodeURIComponent``, ``decodeURIComponent``, ``escape``.

Node 20's behaviour, surrogates included: a lone surrogate is ``URI malformed`` for
``encodeURIComponent``, exactly as in V8.
"""

from __future__ import annotations

import re

from .url import HEX_DIGITS, utf16_units

__all__ = ["UNRESERVED", "decode_uri_component", "encode_str", "encode_uri_component", "escape"]


UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")
#: Text of unreserved characters only, which both encoders give back as it is.
_ALL_UNRESERVED = re.compile(r"[A-Za-z0-9\-_.!~*'()]*")


def _hex_utf8(cp: int) -> str:
    """``%XX`` escapes of one code point's UTF-8 bytes (surrogates included, as Node does)."""
    return "".join(f"%{b:02X}" for b in chr(cp).encode("utf-8", "surrogatepass"))


def encode_str(s: str, safe: frozenset[str]) -> str:
    """Node's ``encodeStr(str, noEscapeTable, hexTable)`` with the characters of `safe` kept.

    Quirk copied from Node: any surrogate code unit starts a "pair" whose second unit is taken
    blindly (only its low 10 bits count); a surrogate as the last unit throws ``URI malformed``.
    """
    units = utf16_units(s)
    out: list[str] = []
    i = 0
    while i < len(units):
        c = units[i]
        if c < 0x80:
            out.append(chr(c) if chr(c) in safe else f"%{c:02X}")
        elif c < 0xD800 or c >= 0xE000:
            out.append(_hex_utf8(c))
        else:
            i += 1
            if i >= len(units):
                raise ValueError("URI malformed")
            out.append(_hex_utf8(0x10000 + (((c & 0x3FF) << 10) | (units[i] & 0x3FF))))
        i += 1
    return "".join(out)


def escape(s: str) -> str:
    """Node's ``querystring.escape`` (``encodeStr`` with its noEscape table)."""
    if _ALL_UNRESERVED.fullmatch(s):
        return s  # nothing to escape
    return encode_str(s, UNRESERVED)


def encode_uri_component(s: str) -> str:
    """JS ``encodeURIComponent``; a lone surrogate raises ValueError (JS: URIError)."""
    if _ALL_UNRESERVED.fullmatch(s):
        return s  # nothing to encode
    units = utf16_units(s)
    out: list[str] = []
    i = 0
    while i < len(units):
        c = units[i]
        if c < 0x80:
            out.append(chr(c) if chr(c) in UNRESERVED else f"%{c:02X}")
        elif 0xDC00 <= c <= 0xDFFF:
            raise ValueError("URI malformed")
        elif 0xD800 <= c <= 0xDBFF:
            if i + 1 >= len(units) or not 0xDC00 <= units[i + 1] <= 0xDFFF:
                raise ValueError("URI malformed")
            i += 1
            out.append(_hex_utf8(0x10000 + ((c - 0xD800) << 10) + (units[i] - 0xDC00)))
        else:
            out.append(_hex_utf8(c))
        i += 1
    return "".join(out)


def _hex_byte(s: str, i: int) -> int:
    """The byte of a ``%XX`` escape at ``s[i]``, or ValueError("URI malformed")."""
    if i + 2 >= len(s) or s[i] != "%" or s[i + 1] not in HEX_DIGITS or s[i + 2] not in HEX_DIGITS:
        raise ValueError("URI malformed")
    return int(s[i + 1 : i + 3], 16)


_UTF8_LEADS = ((2, 0b110), (3, 0b1110), (4, 0b11110))


def decode_uri_component(s: str) -> str:
    """JS ``decodeURIComponent``: every escape decoded; malformed UTF-8 raises ValueError."""
    if "%" not in s:
        return s  # nothing to decode (a route param, usually)
    out: list[str] = []
    i = 0
    while i < len(s):
        if s[i] != "%":
            out.append(s[i])
            i += 1
            continue
        first = _hex_byte(s, i)
        i += 3
        if first < 0x80:
            out.append(chr(first))
            continue
        # Number of bytes from the leading 1 bits; 10xxxxxx or > 4 bytes is malformed.
        n = next((k for k, lead in _UTF8_LEADS if first >> (7 - k) == lead), 0)
        if n == 0:
            raise ValueError("URI malformed")
        data = bytearray([first])
        for _ in range(n - 1):
            b = _hex_byte(s, i)
            if b >> 6 != 0b10:
                raise ValueError("URI malformed")
            data.append(b)
            i += 3
        try:
            out.append(bytes(data).decode("utf-8"))  # rejects overlong forms and surrogates
        except UnicodeDecodeError as exc:
            raise ValueError("URI malformed") from exc
    return "".join(out)
