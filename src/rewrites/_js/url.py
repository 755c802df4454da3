"""WHATWG ``new URL`` as Node 20 (ada 2.9.2) parses and serializes it.

Behaviour is pinned by ``tests/vectors/url.json``.

Deliberate limits (each fails loudly with `URLError`, never with a silently different result):

* Non-ASCII hosts need UTS #46.  Python only has IDNA 2003 (``encodings.idna``), which differs
  (``faß.de``, emoji, joiners, ``。``).  We do the UTS #46 steps ourselves and borrow IDNA 2003's
  per-character mapping (nameprep) only where the two tables agree; characters unassigned in
  Unicode 3.2 (emoji, ...), ZWJ/ZWNJ and labels with right-to-left or Arabic-digit characters
  (ada's partial CheckBidi) raise ``URLError(UNSUPPORTED_IDNA)``.
* ada (Node 20's URL parser) resolves ``"x#y"`` against an opaque-path base (``mailto:z``) in a
  way the spec has no steps for; that raises ``URLError(UNSUPPORTED_OPAQUE_BASE)``.
* Only UTF-8 is supported as the query encoding (Node never uses another one here).

ada 2.9.2 quirks that *are* copied (see the comments at each branch): "^" is not in the path
percent-encode set, a final ".." on an empty non-special path leaves it empty, a lone file: path
segment *starting* with a drive letter is never popped, and a drive letter does not clear a
file: host.

JS strings are UTF-16; Python strings are code points.  Public functions accept Python strings
that may contain surrogates (as ``json.loads`` produces for lone ``\\ud800`` escapes) and treat
them as JS would: a surrogate pair is one astral character, a lone surrogate becomes U+FFFD in
the WHATWG parsers (USVString conversion) and is an error for ``encodeURIComponent``.
"""

from __future__ import annotations

import encodings.idna
import re
import stringprep
import unicodedata
from collections.abc import Callable

import attrs

__all__ = [
    "DOT_SEGMENT",
    "HEX_DIGITS",
    "UNCHANGED_PATH_CHARS",
    "UNSUPPORTED_IDNA",
    "UNSUPPORTED_OPAQUE_BASE",
    "URL",
    "URLError",
    "parse_url",
    "to_usv",
    "utf16_units",
]

#: Characters of a path the parser leaves as they are: none of the path percent-encode set, no
#: backslash (a regex character class body). With no dot segment (`DOT_SEGMENT`), such a path is
#: the parsed URL's pathname unchanged, which lets callers skip the parser.
UNCHANGED_PATH_CHARS = r"A-Za-z0-9_~!$&'()*+,;=:@.%/\-"
#: A '.' or '..' segment (also percent-encoded), which the parser resolves.
DOT_SEGMENT = re.compile(r"(?:^|/)(?:\.|%2e){1,2}(?:/|$)", re.IGNORECASE)

UNSUPPORTED_IDNA = "non-ASCII hostnames are not supported"
UNSUPPORTED_OPAQUE_BASE = "relative references against an opaque-path base are not supported"

# --------------------------------------------------------------------------------------------
# Errors and records
# --------------------------------------------------------------------------------------------


class URLError(ValueError):
    """The WHATWG URL parser's failure (Node: ``TypeError: Invalid URL``)."""

    def __init__(self, input: str, message: str = "Invalid URL") -> None:
        """Remember the offending input next to the message."""
        super().__init__(f"{message}: {input!r}")
        self.input = input
        self.message = message


_SPECIAL_PORTS: dict[str, int | None] = {
    "ftp": 21,
    "file": None,
    "http": 80,
    "https": 443,
    "ws": 80,
    "wss": 443,
}


@attrs.frozen
class URL:
    """A parsed URL, exposed through the same serialized parts as Node's ``URL`` object."""

    protocol: str
    username: str
    password: str
    hostname: str
    port: str
    pathname: str
    search: str
    hash: str
    # The record has a host (possibly empty, ``file:///x``), so ``href`` carries ``//``.
    has_host: bool = attrs.field(default=True, repr=False)
    # An empty but present query/fragment: ``search``/``hash`` are "" yet ``href`` ends in ?/#.
    has_query: bool = attrs.field(default=False, repr=False)
    has_fragment: bool = attrs.field(default=False, repr=False)

    @property
    def host(self) -> str:
        """``hostname`` plus ``:port`` when the port is not the scheme's default."""
        return f"{self.hostname}:{self.port}" if self.port else self.hostname

    @property
    def origin(self) -> str:
        """The URL standard's origin serialization (``"null"`` for opaque origins)."""
        scheme = self.protocol[:-1]
        if scheme == "blob":
            # Spec: the origin of a blob: URL is the origin of its path, if that is http(s).
            try:
                inner = parse_url(self.pathname)
            except URLError:
                return "null"
            return inner.origin if inner.protocol in ("http:", "https:") else "null"
        if scheme in _SPECIAL_PORTS and scheme != "file":
            return f"{self.protocol}//{self.host}"
        return "null"

    @property
    def href(self) -> str:
        """The full serialization (URL serializer, without excluding the fragment)."""
        out = self.protocol
        if self.has_host:
            out += "//"
            if self.username or self.password:
                out += self.username
                if self.password:
                    out += ":" + self.password
                out += "@"
            out += self.host
        elif self.pathname.startswith("//"):
            # Spec: a host-less path starting with an empty segment gets "/." prepended.
            out += "/."
        search = self.search or ("?" if self.has_query else "")
        return out + self.pathname + search + (self.hash or ("#" if self.has_fragment else ""))


# --------------------------------------------------------------------------------------------
# UTF-16 / USV helpers
# --------------------------------------------------------------------------------------------


def utf16_units(s: str) -> list[int]:
    """The JS view of ``s``: its UTF-16 code units (surrogate code points pass through)."""
    units: list[int] = []
    for ch in s:
        cp = ord(ch)
        if cp >= 0x10000:
            cp -= 0x10000
            units.append(0xD800 | (cp >> 10))
            units.append(0xDC00 | (cp & 0x3FF))
        else:
            units.append(cp)
    return units


def to_usv(s: str) -> str:
    """JS USVString conversion: join surrogate pairs, lone surrogates become U+FFFD."""
    if not any(0xD800 <= ord(ch) <= 0xDFFF for ch in s):
        return s
    out: list[str] = []
    units = utf16_units(s)
    i = 0
    while i < len(units):
        u = units[i]
        if 0xD800 <= u <= 0xDBFF and i + 1 < len(units) and 0xDC00 <= units[i + 1] <= 0xDFFF:
            out.append(chr(0x10000 + ((u - 0xD800) << 10) + (units[i + 1] - 0xDC00)))
            i += 2
            continue
        out.append("\ufffd" if 0xD800 <= u <= 0xDFFF else chr(u))
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Percent-encode sets (URL standard §1.3) and percent-decoding
# --------------------------------------------------------------------------------------------

_FRAGMENT = frozenset(' "<>`')
_QUERY = frozenset(' "#<>')
_SPECIAL_QUERY = _QUERY | {"'"}
# ada 2.9.2 (Node 20) predates the 2024 addition of "^" to the path percent-encode set.
_PATH = _QUERY | frozenset("?`{}")
_USERINFO = _PATH | frozenset("/:;=@[\\]^|")
_EMPTY: frozenset[str] = frozenset()


def _encode_char(ch: str, encode_set: frozenset[str]) -> str:
    """UTF-8 percent-encode one code point if it is a C0 control, > U+007E, or in the set."""
    if " " <= ch <= "~" and ch not in encode_set:
        return ch
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8"))


def _encode(s: str, encode_set: frozenset[str]) -> str:
    """UTF-8 percent-encode a whole string with the given set (plus the C0 control set)."""
    return "".join(_encode_char(ch, encode_set) for ch in s)


HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _percent_decode(data: bytes) -> bytes:
    """Spec percent-decode: ``%XX`` with two hex digits becomes a byte, anything else stays."""
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if (
            b == 0x25
            and i + 2 < n
            and chr(data[i + 1]) in HEX_DIGITS
            and chr(data[i + 2]) in HEX_DIGITS
        ):
            out.append(int(data[i + 1 : i + 3], 16))
            i += 3
            continue
        out.append(b)
        i += 1
    return bytes(out)


# --------------------------------------------------------------------------------------------
# Host parsing (URL standard §3.5)
# --------------------------------------------------------------------------------------------

_FORBIDDEN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|")
_FORBIDDEN_DOMAIN = _FORBIDDEN_HOST | frozenset("%\x7f") | frozenset(map(chr, range(0x20)))
# UTS #46 maps these to "." before splitting labels; IDNA 2003 in Python does not.
_DOT_LOOKALIKES = frozenset("\u3002\uff0e\uff61")
# UTS #46 "deviation" characters that non-transitional processing keeps as they are.
_DEVIATIONS = frozenset("ßς")


def _parse_host(text: str, is_special: bool, whole: str) -> str:
    """Host parser: IPv6 literal, opaque host (non-special) or domain / IPv4 (special)."""
    if text.startswith("["):
        if not text.endswith("]"):
            raise URLError(whole)
        return "[" + _serialize_ipv6(_parse_ipv6(text[1:-1], whole)) + "]"
    if not is_special:
        # Opaque-host parser: forbidden host code points fail, the rest is C0-encoded.
        if any(ch in _FORBIDDEN_HOST for ch in text):
            raise URLError(whole)
        return _encode(text, _EMPTY)
    domain = _percent_decode(text.encode("utf-8")).decode("utf-8", "replace")
    ascii_domain = _domain_to_ascii(domain, whole)
    if any(ch in _FORBIDDEN_DOMAIN for ch in ascii_domain):
        raise URLError(whole)
    if _ends_in_number(ascii_domain):
        return _parse_ipv4(ascii_domain, whole)
    return ascii_domain


def _domain_to_ascii(domain: str, whole: str) -> str:
    """Domain to ASCII (UTS #46, beStrict false): exact for ASCII, a safe subset otherwise."""
    if not domain.isascii():
        domain = _uts46_map(domain, whole)
    labels = domain.split(".")
    if domain.isascii() and not any(lab[:4].lower() == "xn--" for lab in labels):
        # Spec fast path: ASCII without "xn--" labels is just ASCII-lowercased.
        result = domain.lower()
    else:
        result = ".".join(_label_to_ascii(lab, whole) for lab in labels)
    if result == "":
        raise URLError(whole)
    return result


def _uts46_map(domain: str, whole: str) -> str:
    """UTS #46 mapping + NFC, via IDNA 2003 nameprep where both tables agree, else loud."""
    out: list[str] = []
    for ch in domain:
        if ch.isascii():
            out.append(ch.lower())
        elif ch in _DOT_LOOKALIKES:
            out.append(".")  # UTS #46 maps the ideographic/fullwidth/halfwidth full stops.
        elif ch in _DEVIATIONS:
            out.append(ch)  # Non-transitional processing keeps ß and ς (IDNA 2003 maps them).
        elif ch == "\ufffd":
            raise URLError(whole)  # U+FFFD (undecodable percent-escapes) is disallowed.
        else:
            out.append(_nameprep_char(ch, whole))
    return unicodedata.normalize("NFC", "".join(out))


def _nameprep_char(ch: str, whole: str) -> str:
    """IDNA 2003's mapping of one code point, when it is known to equal UTS #46's."""
    if ch == "\u1e9e":
        return "ss"  # Capital sharp s: newer than Unicode 3.2, UTS #46 maps it to "ss".
    if stringprep.in_table_a1(ch):
        # Unassigned in Unicode 3.2 (emoji, U+1E9E ...): UTS #46 knows them, Python does not.
        raise URLError(whole, UNSUPPORTED_IDNA)
    try:
        mapped = encodings.idna.nameprep(ch)
    except UnicodeError as exc:
        raise URLError(whole, UNSUPPORTED_IDNA) from exc
    if mapped == "" and ch in "\u200c\u200d\u1806":
        # IDNA 2003 drops these; UTS #46 keeps the joiners (CONTEXTJ) and disallows U+1806.
        raise URLError(whole, UNSUPPORTED_IDNA)
    if "." in mapped:
        raise URLError(whole)  # UTS #46 disallows code points whose mapping has a full stop.
    return mapped


def _label_to_ascii(label: str, whole: str) -> str:
    """UTS #46 ToASCII of one already-mapped label (ASCII lowercased, else Punycode)."""
    if label.isascii():
        label = label.lower()
        if label.startswith("xn--"):
            _check_punycode_label(label, whole)
        return label
    _check_unicode_label(label, whole)
    return "xn--" + label.encode("punycode").decode("ascii")


def _check_unicode_label(label: str, whole: str) -> None:
    """UTS #46 validity checks we can do exactly; bidi labels are refused loudly."""
    if unicodedata.category(label[0]).startswith("M"):
        raise URLError(whole)  # V5: a label must not begin with a combining mark.
    if any(unicodedata.bidirectional(ch) in ("R", "AL", "AN") for ch in label):
        raise URLError(whole, UNSUPPORTED_IDNA)  # CheckBidi: ada's rules are not RFC 5893's.
    for ch in label:
        if not ch.isascii() and ch not in _DEVIATIONS and _nameprep_char(ch, whole) != ch:
            raise URLError(whole, UNSUPPORTED_IDNA)  # a mapped (not valid) code point


def _check_punycode_label(label: str, whole: str) -> None:
    """An ASCII ``xn--`` label: it must decode, and a non-ASCII result must be valid."""
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError, IndexError) as exc:
        raise URLError(whole) from exc
    if decoded == "":
        raise URLError(whole)
    if decoded.isascii():
        return  # ada 2.9.2 accepts "xn--zz-" (decodes to "zz") as is.
    if unicodedata.normalize("NFC", decoded) != decoded:
        raise URLError(whole, UNSUPPORTED_IDNA)
    if decoded.encode("punycode").decode("ascii") != label[4:]:
        raise URLError(whole, UNSUPPORTED_IDNA)
    _check_unicode_label(decoded, whole)


def _ends_in_number(domain: str) -> bool:
    """The "ends in a number" checker: the last label is digits or a valid IPv4 number."""
    parts = domain.split(".")
    if parts[-1] == "":
        if len(parts) == 1:
            return False
        parts.pop()
    last = parts[-1]
    if last and all("0" <= ch <= "9" for ch in last):
        return True
    return _parse_ipv4_number(last) is not None


def _parse_ipv4_number(text: str) -> int | None:
    """IPv4 number parser: decimal, ``0x`` hex or leading-``0`` octal; None on failure."""
    if text == "":
        return None
    radix = 10
    if text[:2] in ("0x", "0X"):
        radix, text = 16, text[2:]
    elif len(text) >= 2 and text[0] == "0":
        radix, text = 8, text[1:]
    if text == "":
        return 0
    digits = "0123456789abcdef"[:radix]
    if any(ch.lower() not in digits for ch in text):
        return None
    return int(text, radix)


def _parse_ipv4(domain: str, whole: str) -> str:
    """IPv4 parser: 1-4 numbers, only the last may exceed 255; serialized dotted-decimal."""
    parts = domain.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        raise URLError(whole)
    numbers: list[int] = []
    for part in parts:
        n = _parse_ipv4_number(part)
        if n is None:
            raise URLError(whole)
        numbers.append(n)
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise URLError(whole)
    address = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        address += n * 256 ** (3 - i)
    return ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _parse_ipv6(text: str, whole: str) -> list[int]:
    """IPv6 parser, step by step as in the URL standard (including embedded IPv4)."""
    address = [0] * 8
    piece = 0
    compress: int | None = None
    p = 0
    n = len(text)

    def at(i: int) -> str:
        return text[i] if i < n else ""

    if at(p) == ":":
        if at(p + 1) != ":":
            raise URLError(whole)
        p += 2
        piece += 1
        compress = piece
    while at(p):
        if piece == 8:
            raise URLError(whole)
        if at(p) == ":":
            if compress is not None:
                raise URLError(whole)
            p += 1
            piece += 1
            compress = piece
            continue
        value = length = 0
        while length < 4 and at(p) and at(p) in HEX_DIGITS:
            value = value * 16 + int(at(p), 16)
            p += 1
            length += 1
        if at(p) == ".":
            if length == 0:
                raise URLError(whole)
            p -= length
            if piece > 6:
                raise URLError(whole)
            _parse_ipv6_v4(text, p, address, piece, whole)
            piece += 2
            break
        if at(p) == ":":
            p += 1
            if not at(p):
                raise URLError(whole)
        elif at(p):
            raise URLError(whole)
        address[piece] = value
        piece += 1
    if compress is not None:
        swaps = piece - compress
        piece = 7
        while piece != 0 and swaps > 0:
            address[piece], address[compress + swaps - 1] = (
                address[compress + swaps - 1],
                address[piece],
            )
            piece -= 1
            swaps -= 1
    elif piece != 8:
        raise URLError(whole)
    return address


def _parse_ipv6_v4(text: str, p: int, address: list[int], piece: int, whole: str) -> None:
    """The IPv4-in-IPv6 tail (``::ffff:1.2.3.4``): exactly four decimal parts, no leading 0."""
    n = len(text)
    numbers_seen = 0
    while p < n:
        ipv4_piece: int | None = None
        if numbers_seen > 0:
            if text[p] == "." and numbers_seen < 4:
                p += 1
            else:
                raise URLError(whole)
        if p >= n or not ("0" <= text[p] <= "9"):
            raise URLError(whole)
        while p < n and "0" <= text[p] <= "9":
            number = int(text[p])
            if ipv4_piece is None:
                ipv4_piece = number
            elif ipv4_piece == 0:
                raise URLError(whole)
            else:
                ipv4_piece = ipv4_piece * 10 + number
            if ipv4_piece > 255:
                raise URLError(whole)
            p += 1
        assert ipv4_piece is not None
        address[piece] = address[piece] * 0x100 + ipv4_piece
        numbers_seen += 1
        if numbers_seen in (2, 4):
            piece += 1
    if numbers_seen != 4:
        raise URLError(whole)


def _serialize_ipv6(address: list[int]) -> str:
    """IPv6 serializer: lowercase hex, the first longest run of 2+ zero pieces becomes ``::``."""
    best_start, best_len = -1, 1
    i = 0
    while i < 8:
        if address[i] == 0:
            j = i
            while j < 8 and address[j] == 0:
                j += 1
            if j - i > best_len:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    out = ""
    i = 0
    while i < 8:
        if i == best_start:
            out += "::" if i == 0 else ":"
            i += best_len
            continue
        out += f"{address[i]:x}" + (":" if i != 7 else "")
        i += 1
    return out


# --------------------------------------------------------------------------------------------
# The basic URL parser (URL standard §4.4), without state overrides
# --------------------------------------------------------------------------------------------

_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SCHEME_CHARS = _ALPHA | frozenset("0123456789+-.")
_EOF = ""

# Runs of code points one state takes in a row, up to the next one it acts on (after the one at
# the pointer, which the state has already accepted). Taking a run at once keeps parsing linear:
# a buffer grown one character at a time is quadratic in Python.
_RUN_SCHEME = re.compile(r"[A-Za-z0-9+\-.]*")
_RUN_DIGITS = re.compile(r"[0-9]*")
_RUN_QUERY = re.compile(r"[^#]*")
_RUN_REST = re.compile(r".*", re.S)
_RUN_OPAQUE = re.compile(r"[^?#]*")
_RUN_FILE_HOST = re.compile(r"[^/\\?#]*")
#: Path segment, authority and host runs, without and with '\\' as a separator (special URLs).
_RUN_SEGMENT = (re.compile(r"[^/?#]*"), re.compile(r"[^/?#\\]*"))
_RUN_AUTHORITY = (re.compile(r"[^@/?#]*"), re.compile(r"[^@/?#\\]*"))
_RUN_HOST = (re.compile(r"[^:\[\]/?#]*"), re.compile(r"[^:\[\]/?#\\]*"))


@attrs.define
class _Record:
    """The mutable URL record the state machine fills in."""

    scheme: str = ""
    username: str = ""
    password: str = ""
    host: str | None = None
    port: int | None = None
    path: list[str] | str = attrs.Factory(list)
    query: str | None = None
    fragment: str | None = None

    @property
    def special(self) -> bool:
        """Whether the scheme is one of the six special schemes."""
        return self.scheme in _SPECIAL_PORTS

    def shorten(self) -> None:
        """Shorten a URL's path (a lone normalized drive letter survives for file:)."""
        assert isinstance(self.path, list)
        first = self.path[0] if len(self.path) == 1 else ""
        if self.scheme == "file" and _is_drive(first[:2], True):
            # ada 2.9.2 quirk: any lone segment *starting* with "C:" survives (spec: exactly "C:").
            return
        if self.path:
            self.path.pop()


def _is_drive(s: str, normalized: bool = False) -> bool:
    """A Windows drive letter: ASCII alpha then ``:`` (or ``|`` unless normalized)."""
    return len(s) == 2 and s[0] in _ALPHA and (s[1] == ":" or (not normalized and s[1] == "|"))


def _starts_with_drive(rest: str) -> bool:
    """Whether ``rest`` "starts with a Windows drive letter" (used by the file states)."""
    return _is_drive(rest[:2]) and (len(rest) == 2 or rest[2] in "/\\?#")


def _single_dot(s: str) -> bool:
    """A single-dot URL path segment: ``.`` or ``%2e`` (any case)."""
    return s == "." or s.lower() == "%2e"


def _double_dot(s: str) -> bool:
    """A double-dot URL path segment: ``..``, ``.%2e``, ``%2e.``, ``%2e%2e`` (any case)."""
    return s.lower() in ("..", ".%2e", "%2e.", "%2e%2e")


def _preprocess(text: str) -> str:
    """USVString conversion, C0-control-or-space trimming, ASCII tab/newline removal."""
    text = to_usv(text)
    text = text.strip("".join(map(chr, range(0x21))))
    return text.replace("\t", "").replace("\n", "").replace("\r", "")


class _Parser:
    """One run of the basic URL parser; each ``s_*`` method is one state of the spec."""

    def __init__(self, text: str, base: _Record | None, whole: str) -> None:
        """Set up the pointer, buffer and flags the spec's algorithm declares."""
        self.s = text
        self.base = base
        self.whole = whole
        self.url = _Record()
        self.p = 0
        self.buf = ""
        self.at_seen = self.brackets = self.pw_seen = False
        self.state: Callable[[str], None] = self.s_scheme_start

    def run(self) -> _Record:
        """Feed every code point, then EOF, to the current state."""
        while True:
            c = self.s[self.p] if self.p < len(self.s) else _EOF
            self.state(c)
            if self.p >= len(self.s):
                return self.url
            self.p += 1

    def fail(self) -> URLError:
        """The parser's failure."""
        return URLError(self.whole)

    def rest(self) -> str:
        """The code points after the pointer ("remaining")."""
        return self.s[self.p + 1 :]

    def take(self, run: re.Pattern[str]) -> str:
        """The code point at the pointer and the `run` after it; the pointer is left on the last
        one taken (the main loop moves past it)."""
        start = self.p
        found = run.match(self.s, start + 1)
        end = found.end() if found else start + 1  # (a '*' run always matches)
        self.p = end - 1
        return self.s[start:end]

    def back(self) -> None:
        """Decrease the pointer by one (the main loop increases it again)."""
        self.p -= 1

    def ends_segment(self, c: str) -> bool:
        """EOF, ``/``, ``?``, ``#``, or ``\\`` for special schemes."""
        return c in ("", "/", "?", "#") or (c == "\\" and self.url.special)

    # --- scheme ------------------------------------------------------------------------------

    def s_scheme_start(self, c: str) -> None:
        """Scheme start state."""
        if c and c in _ALPHA:
            self.buf += c.lower()
            self.state = self.s_scheme
        else:
            self.state = self.s_no_scheme
            self.back()

    def s_scheme(self, c: str) -> None:
        """Scheme state: on ``:`` pick the next state by scheme kind, else restart as relative."""
        if c and c in _SCHEME_CHARS:
            self.buf += self.take(_RUN_SCHEME).lower()
        elif c == ":":
            url = self.url
            url.scheme, self.buf = self.buf, ""
            if url.scheme == "file":
                self.state = self.s_file
            elif url.special and self.base is not None and self.base.scheme == url.scheme:
                self.state = self.s_special_relative_or_authority
            elif url.special:
                self.state = self.s_special_authority_slashes
            elif self.rest().startswith("/"):
                self.state = self.s_path_or_authority
                self.p += 1
            else:
                url.path = ""
                self.state = self.s_opaque_path
        else:
            self.buf = ""
            self.state = self.s_no_scheme
            self.p = -1

    def s_no_scheme(self, c: str) -> None:
        """No scheme state: only valid against a base URL."""
        base = self.base
        if base is None or (isinstance(base.path, str) and "#" not in self.s):
            raise self.fail()
        if isinstance(base.path, str) and c != "#":
            # ada 2.9.2 splits the fragment off first and only fails when there is none; with
            # one it resolves against the opaque path in a way the spec has no state for.
            raise URLError(self.whole, UNSUPPORTED_OPAQUE_BASE)
        url = self.url
        if isinstance(base.path, str):
            url.scheme, url.path, url.query = base.scheme, base.path, base.query
            url.fragment = ""
            self.state = self.s_fragment
        elif base.scheme != "file":
            self.state = self.s_relative
            self.back()
        else:
            self.state = self.s_file
            self.back()

    # --- authority ---------------------------------------------------------------------------

    def s_special_relative_or_authority(self, c: str) -> None:
        """Special relative or authority state."""
        if c == "/" and self.rest().startswith("/"):
            self.state = self.s_special_authority_ignore_slashes
            self.p += 1
        else:
            self.state = self.s_relative
            self.back()

    def s_path_or_authority(self, c: str) -> None:
        """Path or authority state."""
        if c == "/":
            self.state = self.s_authority
        else:
            self.state = self.s_path
            self.back()

    def s_relative(self, c: str) -> None:
        """Relative state: inherit from the base, then continue in the path/query/fragment."""
        base, url = self.base, self.url
        assert base is not None
        url.scheme = base.scheme
        if c == "/" or (url.special and c == "\\"):
            self.state = self.s_relative_slash
            return
        url.username, url.password, url.host, url.port = (
            base.username,
            base.password,
            base.host,
            base.port,
        )
        url.path = list(base.path)
        url.query = base.query
        if c == "?":
            url.query = ""
            self.state = self.s_query
        elif c == "#":
            url.fragment = ""
            self.state = self.s_fragment
        elif c != _EOF:
            url.query = None
            url.shorten()
            self.state = self.s_path
            self.back()

    def s_relative_slash(self, c: str) -> None:
        """Relative slash state."""
        base, url = self.base, self.url
        assert base is not None
        if url.special and c in ("/", "\\"):
            self.state = self.s_special_authority_ignore_slashes
        elif c == "/":
            self.state = self.s_authority
        else:
            url.username, url.password = base.username, base.password
            url.host, url.port = base.host, base.port
            self.state = self.s_path
            self.back()

    def s_special_authority_slashes(self, c: str) -> None:
        """Special authority slashes state."""
        self.state = self.s_special_authority_ignore_slashes
        if c == "/" and self.rest().startswith("/"):
            self.p += 1
        else:
            self.back()

    def s_special_authority_ignore_slashes(self, c: str) -> None:
        """Special authority ignore slashes state: any run of ``/`` and ``\\`` is skipped."""
        if c not in ("/", "\\"):
            self.state = self.s_authority
            self.back()

    def s_authority(self, c: str) -> None:
        """Authority state: userinfo up to the last ``@``, encoded with the userinfo set."""
        if c == "@":
            if self.at_seen:
                self.buf = "%40" + self.buf
            self.at_seen = True
            username: list[str] = []
            password: list[str] = []
            for ch in self.buf:
                if ch == ":" and not self.pw_seen:
                    self.pw_seen = True
                    continue
                (password if self.pw_seen else username).append(_encode_char(ch, _USERINFO))
            self.url.username += "".join(username)
            self.url.password += "".join(password)
            self.buf = ""
        elif self.ends_segment(c):
            if self.at_seen and self.buf == "":
                raise self.fail()  # host-missing
            self.p -= len(self.buf) + 1
            self.buf = ""
            self.state = self.s_host
        else:
            self.buf += self.take(_RUN_AUTHORITY[self.url.special])

    def s_host(self, c: str) -> None:
        """Host/hostname state: ``:`` outside brackets starts the port."""
        url = self.url
        if url.scheme == "file":
            self.back()
            self.state = self.s_file_host
        elif c == ":" and not self.brackets:
            if self.buf == "":
                raise self.fail()
            url.host = _parse_host(self.buf, url.special, self.whole)
            self.buf = ""
            self.state = self.s_port
        elif self.ends_segment(c):
            self.back()
            if url.special and self.buf == "":
                raise self.fail()
            url.host = _parse_host(self.buf, url.special, self.whole)
            self.buf = ""
            self.state = self.s_path_start
        elif c == "[":
            self.brackets = True
            self.buf += c
        elif c == "]":
            self.brackets = False
            self.buf += c
        else:
            self.buf += self.take(_RUN_HOST[url.special])

    def s_port(self, c: str) -> None:
        """Port state: ASCII digits only, at most 65535, the scheme's default becomes null."""
        if c and "0" <= c <= "9":
            self.buf += self.take(_RUN_DIGITS)
        elif self.ends_segment(c):
            if self.buf:
                port = int(self.buf)
                if port > 65535:
                    raise self.fail()
                default = _SPECIAL_PORTS.get(self.url.scheme)
                self.url.port = None if port == default else port
                self.buf = ""
            self.state = self.s_path_start
            self.back()
        else:
            raise self.fail()

    # --- file --------------------------------------------------------------------------------

    def s_file(self, c: str) -> None:
        """File state."""
        url, base = self.url, self.base
        url.scheme, url.host = "file", ""
        if c in ("/", "\\"):
            self.state = self.s_file_slash
        elif base is not None and base.scheme == "file":
            url.host, url.path, url.query = base.host, list(base.path), base.query
            if c == "?":
                url.query = ""
                self.state = self.s_query
            elif c == "#":
                url.fragment = ""
                self.state = self.s_fragment
            elif c != _EOF:
                url.query = None
                if not _starts_with_drive(self.s[self.p :]):
                    url.shorten()
                else:
                    url.path = []
                self.state = self.s_path
                self.back()
        else:
            self.state = self.s_path
            self.back()

    def s_file_slash(self, c: str) -> None:
        """File slash state."""
        url, base = self.url, self.base
        if c in ("/", "\\"):
            self.state = self.s_file_host
            return
        if base is not None and base.scheme == "file":
            url.host = base.host
            if (
                not _starts_with_drive(self.s[self.p :])
                and isinstance(base.path, list)
                and base.path
                and _is_drive(base.path[0], True)
            ):
                assert isinstance(url.path, list)
                url.path.append(base.path[0])
        self.state = self.s_path
        self.back()

    def s_file_host(self, c: str) -> None:
        """File host state: ``localhost`` becomes the empty host; a drive letter is a path."""
        if c in ("", "/", "\\", "?", "#"):
            self.back()
            if _is_drive(self.buf):
                # Spec quirk: the buffer is not reset here; the path state uses it.
                self.state = self.s_path
            elif self.buf == "":
                self.url.host = ""
                self.state = self.s_path_start
            else:
                host = _parse_host(self.buf, True, self.whole)
                self.url.host = "" if host == "localhost" else host
                self.buf = ""
                self.state = self.s_path_start
        else:
            self.buf += self.take(_RUN_FILE_HOST)

    # --- path, query, fragment ---------------------------------------------------------------

    def s_path_start(self, c: str) -> None:
        """Path start state."""
        url = self.url
        if url.special:
            self.state = self.s_path
            if c not in ("/", "\\"):
                self.back()
        elif c == "?":
            url.query = ""
            self.state = self.s_query
        elif c == "#":
            url.fragment = ""
            self.state = self.s_fragment
        elif c != _EOF:
            self.state = self.s_path
            if c != "/":
                self.back()

    def s_path(self, c: str) -> None:
        """Path state: segments are percent-encoded with the path set; dot segments resolved."""
        url = self.url
        if not self.ends_segment(c):
            self.buf += _encode(self.take(_RUN_SEGMENT[url.special]), _PATH)
            return
        assert isinstance(url.path, list)
        slash = c == "/" or (url.special and c == "\\")
        if _double_dot(self.buf):
            # ada 2.9.2 quirk: for non-special URLs a final ".." with nothing left to remove
            # leaves the path empty ("foo://h/.." has pathname ""), the spec gives "/".
            keep_empty = not url.special and not url.path
            url.shorten()
            if not slash and not keep_empty:
                url.path.append("")
        elif _single_dot(self.buf) and not slash:
            url.path.append("")
        elif not _single_dot(self.buf):
            if url.scheme == "file" and not url.path and _is_drive(self.buf):
                # ada 2.9.2 does not empty a non-empty host here (file://host/C:/x keeps it).
                self.buf = self.buf[0] + ":"
            url.path.append(self.buf)
        self.buf = ""
        if c == "?":
            url.query = ""
            self.state = self.s_query
        elif c == "#":
            url.fragment = ""
            self.state = self.s_fragment

    def s_opaque_path(self, c: str) -> None:
        """Opaque path state (``mailto:x``): C0-control encoding only."""
        url = self.url
        assert isinstance(url.path, str)
        if c == "?":
            url.query = ""
            self.state = self.s_query
        elif c == "#":
            url.fragment = ""
            self.state = self.s_fragment
        elif c != _EOF:
            url.path += _encode(self.take(_RUN_OPAQUE), _EMPTY)

    def s_query(self, c: str) -> None:
        """Query state: the buffer is encoded with the (special-)query set at ``#`` or EOF."""
        if c in ("#", _EOF):
            encode_set = _SPECIAL_QUERY if self.url.special else _QUERY
            self.url.query = (self.url.query or "") + _encode(self.buf, encode_set)
            self.buf = ""
            if c == "#":
                self.url.fragment = ""
                self.state = self.s_fragment
        else:
            self.buf += self.take(_RUN_QUERY)

    def s_fragment(self, c: str) -> None:
        """Fragment state: the fragment percent-encode set."""
        if c != _EOF:
            self.url.fragment = (self.url.fragment or "") + _encode(self.take(_RUN_REST), _FRAGMENT)


def _basic_parse(text: str, base: _Record | None, whole: str) -> _Record:
    """Run the basic URL parser on already-preprocessed input."""
    return _Parser(text, base, whole).run()


def _to_public(rec: _Record) -> URL:
    """Expose a URL record the way Node's URL getters do."""
    path = rec.path
    pathname = path if isinstance(path, str) else "".join("/" + seg for seg in path)
    return URL(
        protocol=rec.scheme + ":",
        username=rec.username,
        password=rec.password,
        hostname=rec.host or "",
        port="" if rec.port is None else str(rec.port),
        pathname=pathname,
        search="?" + rec.query if rec.query else "",
        hash="#" + rec.fragment if rec.fragment else "",
        has_host=rec.host is not None,
        has_query=rec.query is not None,
        has_fragment=rec.fragment is not None,
    )


def _parse_record(text: str, base: str | None) -> _Record:
    """``new URL(text, base)`` as a record: parse the base first, then the input against it."""
    base_rec = None
    if base is not None:
        base_rec = _basic_parse(_preprocess(base), None, base)
    return _basic_parse(_preprocess(text), base_rec, text)


def parse_url(text: str, base: str | None = None) -> URL:
    """``new URL(text, base)``; raises `URLError` where Node throws ``Invalid URL``."""
    return _to_public(_parse_record(text, base))
