"""Destinations: parsed once into a template, rendered per request from tokens.

This follows Next.js's `prepareDestination` (shared/lib/router/utils/prepare-destination.js, §3 of
../shared/reference/nextjs-semantics.md): the destination is parsed as a URL with every `:name` of a
known param hidden behind a marker, its path (with the hash) and hostname are path-to-regexp
templates, query values go through `compileNonPath`, params unused by the path, hash and host are
appended to the query of a rewrite, and the request query is merged under the destination's.

The `$N` extension (DESIGN.md, "Beyond Next.js"): `$1`, `${1}` refer to the source's parameters by
position. They are swapped for sentinels before any parsing and only ever expanded inside literal
text, so a value that contains `$1` is never expanded again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias

import attrs
import regex

from ._js.node import inherits, js_key_order, query_object
from ._js.regexp import V8_MAX_LENGTH, JSRegexError, to_utf16, translate
from ._js.uri import encode_uri_component
from ._js.url import URL, URLError, parse_url
from ._syntax import Key, Token, parse
from ._values import Params, ParamValue, Query, QueryValue, RenderValue, js_value
from .errors import PatternError

__all__ = [
    "Piece",
    "Ref",
    "RenderError",
    "Rendered",
    "Template",
    "Value",
    "appends",
    "compile_non_path",
    "is_literal",
    "new_template",
    "split_refs",
]

#: The old name of `_values.RenderValue`, kept while `_resolve.py` imports it from here.
Value = RenderValue

MARKER = "__ESC_COLON_"
_UNMARK = re.compile("__ESC_COLON_", re.IGNORECASE | re.ASCII)
_REF = re.compile(r"\$(?:(\d+)|\{(\d+)\})")
_SENTINEL = re.compile(r"\$(\d+)\$")
_NON_PATH_SPECIAL = re.compile(r"([:*?+(){}])")
_WORD_KEY = re.compile(r"[A-Za-z0-9_]+")


class RenderError(Exception):
    """A destination that fails for this request, where Next.js would answer 500."""


@attrs.frozen
class Ref:
    """A `$N` reference: the N-th parameter of the source (1-based)."""

    index: int


Piece: TypeAlias = "str | Ref"


def split_refs(text: str) -> list[Piece]:
    """Split text with sentinels into literal pieces and `Ref`s."""
    if "$" not in text:
        return [text]
    pieces: list[Piece] = []
    at = 0
    for found in _SENTINEL.finditer(text):
        if found.start() > at:
            pieces.append(text[at : found.start()])
        pieces.append(Ref(int(found.group(1))))
        at = found.end()
    if at < len(text):
        pieces.append(text[at:])
    return pieces


def encode_refs(text: str) -> tuple[str, tuple[int, ...]]:
    """Replace `$N` and `${N}` with sentinels `$N$`; return the text and the numbers used."""
    if "$" not in text:
        return text, ()
    numbers: list[int] = []

    def sentinel(found: re.Match[str]) -> str:
        number = int(found.group(1) or found.group(2))
        numbers.append(number)
        return f"${number}$"

    return _REF.sub(sentinel, text), tuple(numbers)


def _unmark(text: str) -> str:
    """Next.js's `unescapeSegments`: the marker back to ':' (case-insensitively, as JS's /gi)."""
    return _UNMARK.sub(":", text) if "_" in text else text


def _mark(text: str, names: Iterable[str]) -> str:
    """Next.js's `escapeSegment` for every name, in turn: ':name' → '__ESC_COLON_name'.

    The order is Next.js's (`Object.keys({...params, ...query})`); it only matters for names that
    hold a ':' themselves. The replacement is JavaScript's, so `$&` and friends in a name mean
    what they mean to `String.prototype.replace`.
    """
    for name in names:
        if name:
            found = ":" + name
            if "$" in name:
                text = _js_replace_all(text, found, MARKER + name)
            else:
                text = text.replace(found, MARKER + name)
    return text


def _js_replace_all(text: str, found: str, replacement: str) -> str:
    """JavaScript's `text.replace(/found/g, replacement)` for a literal `found` (a regex without
    groups): `$$` is '$', `$&` the match, `` $` `` what precedes it, `$'` what follows it, and
    any other `$` is literal."""
    out: list[str] = []
    at = 0
    while found:
        start = text.find(found, at)
        if start < 0:
            break
        end = start + len(found)
        out.append(text[at:start])
        pieces = _JS_REPLACEMENT.split(replacement)
        for n, piece in enumerate(pieces):
            out.append(_js_pattern(piece, text, start, end) if n % 2 else piece)
        at = end
    out.append(text[at:])
    return "".join(out)


_JS_REPLACEMENT = re.compile(r"(\$[$&`'])")


def _js_pattern(pattern: str, text: str, start: int, end: int) -> str:
    """One `$` pattern of a JavaScript replacement string, for the match text[start:end]."""
    kind = pattern[1]
    if kind == "$":
        return "$"
    if kind == "&":
        return text[start:end]
    return text[:start] if kind == "`" else text[end:]


def _js_string(value: object) -> str | None:
    """A value as path-to-regexp's compile takes it: str (or int) as text, else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


@attrs.frozen
class _Compiled:
    """A path-to-regexp template: tokens whose literal text may hold `$N` sentinels."""

    tokens: tuple[Token, ...]

    def render(
        self,
        params: Mapping[str, RenderValue],
        refs: Sequence[str] | None,
        *,
        encode: bool = False,
        multi_match_error: bool = True,
    ) -> str:
        """path-to-regexp's `tokensToFunction` with validation off (§3.1 step 3)."""
        if refs is None and not encode:
            plain = self._render_plain(params)
            if plain is not None:
                return plain
        out: list[str] = []
        for token in self.tokens:
            if isinstance(token, str):
                out.append(_expand(token, refs, encode))
                continue
            prefix = _expand(token.prefix, refs, encode)
            suffix = _expand(token.suffix, refs, encode)
            value = params.get(str(token.name)) if token.name != "" else None
            if isinstance(value, list | tuple):
                if not token.repeat:
                    if multi_match_error:
                        raise RenderError(
                            "To use a multi-match in the destination you must add `*` at the end "
                            "of the param name to signify it should repeat. "
                            "https://nextjs.org/docs/messages/invalid-multi-match"
                        )
                    raise RenderError(f'Expected "{token.name}" to not repeat, but got an array')
                if not value:
                    if token.optional:
                        continue
                    raise RenderError(f'Expected "{token.name}" to not be empty')
                for item in value:
                    text = _js_string(item)
                    if text is None:
                        raise RenderError(f'Expected all "{token.name}" to be a string')
                    out.append(prefix + (_encode(text) if encode else text) + suffix)
                continue
            text = _js_string(value)
            if text is not None:
                out.append(prefix + (_encode(text) if encode else text) + suffix)
                continue
            if token.optional:
                continue
            kind = "an array" if token.repeat else "a string"
            raise RenderError(f'Expected "{token.name}" to be {kind}')
        return "".join(out)

    def _render_plain(self, params: Mapping[str, RenderValue]) -> str | None:
        """`render` without `$N` or encoding where every param it takes is a string, or a
        non-empty list of strings for a repeated one (the usual request); None otherwise, for
        `render` to say what is wrong or to skip what is optional."""
        out: list[str] = []
        for token in self.tokens:
            if type(token) is str:
                out.append(token)
                continue
            assert isinstance(token, Key)
            name = token.name
            value = params.get(name if type(name) is str else str(name)) if name != "" else None
            if type(value) is str:
                out.append(token.prefix + value + token.suffix)
            elif type(value) is list and value and token.repeat:
                prefix, suffix = token.prefix, token.suffix
                for item in value:
                    if type(item) is not str:
                        return None
                    out.append(prefix + item + suffix)
            else:
                return None
        return "".join(out)


def _encode(text: str) -> str:
    """encodeURIComponent, failing the request as JS's URIError would."""
    try:
        return encode_uri_component(text)
    except ValueError as exc:
        raise RenderError("URI malformed") from exc


def _expand(text: str, refs: Sequence[str] | None, encode: bool) -> str:
    """Literal text with its `$N` sentinels replaced by the referenced values.

    `refs` is None for text that never had sentinels (header rules): it is returned as it is.
    """
    if refs is None or "$" not in text:
        return text
    out: list[str] = []
    for piece in split_refs(text):
        if isinstance(piece, Ref):
            value = refs[piece.index - 1] if piece.index <= len(refs) else ""
            out.append(_encode(value) if encode and value else value)
        else:
            out.append(piece)
    return "".join(out)


def _parse_template(text: str) -> _Compiled:
    """Parse a destination part as path-to-regexp does (PatternError on failure)."""
    tokens = parse(text)
    for token in tokens:
        # tokensToFunction builds `^(?:pattern)$` for every key, used or not: it must be valid JS.
        if isinstance(token, Key) and token.pattern and token.custom:
            source = to_utf16(f"^(?:{token.pattern})$")
            if len(source) > V8_MAX_LENGTH:
                raise PatternError(
                    f"The pattern of parameter {token.label} is too long for V8 to be trusted "
                    f"to compile ({len(source)} UTF-16 units; we refuse past {V8_MAX_LENGTH:,})",
                    text,
                    token.span,
                    js_message="Stack overflow",
                )
            try:
                translate(source, ignore_case=True)
            except JSRegexError as exc:
                raise PatternError(
                    f"Invalid regular expression in the pattern of parameter {token.label}: "
                    f"{exc.message}",
                    text,
                    token.span,
                ) from None
    return _Compiled(tokens)


_NON_PATH_CACHE: dict[tuple[str, tuple[str, ...]], _Compiled] = {}


def _key_sub(pattern: str, replacement: str, text: str) -> str:
    """JS `text.replace(new RegExp(pattern, 'g'), replacement)` for a key-derived pattern."""
    compiled = regex.compile(
        translate(to_utf16(pattern), ignore_case=False)[0], regex.V0, cache_pattern=False
    )
    return compiled.sub(replacement.replace("\\", "\\\\"), text)


def _non_path_template(value: str, keys: tuple[str, ...]) -> _Compiled:
    """`compileNonPath`'s escaping of `value` for the params `keys`, parsed (cached)."""
    cached = _NON_PATH_CACHE.get((value, keys))
    if cached is not None:
        return cached
    text = value
    for key in keys:
        if ":" + key not in text:
            continue
        if _WORD_KEY.fullmatch(key):
            text = re.sub(f":{key}\\*", f":{key}--ESCAPED_PARAM_ASTERISKS", text)
            text = re.sub(f":{key}\\?", f":{key}--ESCAPED_PARAM_QUESTION", text)
            text = re.sub(f":{key}\\+", f":{key}--ESCAPED_PARAM_PLUS", text)
            text = re.sub(f":{key}(?![A-Za-z0-9_])", f"--ESCAPED_PARAM_COLON{key}", text)
        else:
            # A key from a has-value's named group may hold regex syntax ('$'): keep JS's reading.
            text = _key_sub(f":{key}\\*", f":{key}--ESCAPED_PARAM_ASTERISKS", text)
            text = _key_sub(f":{key}\\?", f":{key}--ESCAPED_PARAM_QUESTION", text)
            text = _key_sub(f":{key}\\+", f":{key}--ESCAPED_PARAM_PLUS", text)
            text = _key_sub(f":{key}(?!\\w)", f"--ESCAPED_PARAM_COLON{key}", text)
    text = _NON_PATH_SPECIAL.sub(r"\\\1", text)
    text = (
        text.replace("--ESCAPED_PARAM_PLUS", "+")
        .replace("--ESCAPED_PARAM_COLON", ":")
        .replace("--ESCAPED_PARAM_QUESTION", "?")
        .replace("--ESCAPED_PARAM_ASTERISKS", "*")
    )
    try:
        compiled = _parse_template("/" + text)
    except PatternError as exc:
        raise RenderError(exc.js_message or exc.message) from None
    if len(_NON_PATH_CACHE) > 4096:
        _NON_PATH_CACHE.clear()
    _NON_PATH_CACHE[(value, keys)] = compiled
    return compiled


def compile_non_path(
    value: str, params: Mapping[str, RenderValue], refs: Sequence[str] | None = None
) -> str:
    """Next.js's `compileNonPath`: `:key` (and `:key*`, `:key?`, `:key+`) of present params
    substituted in a query value or header text, everything else kept literally."""
    if ":" not in value:
        return _expand(value, refs, False)
    keys = tuple(js_key_order(k for k, v in params.items()))
    rendered = _non_path_template(value, keys).render(params, refs, multi_match_error=False)
    return rendered[1:]


class Rendered:
    """A destination rendered for one request (read, never changed, by the one resolution that
    asked for it: a plain class, which every request builds in a third of an attrs frozen
    class's time).

    `query` is the destination's own query (with appended params) merged over the request's, as
    `parsedDestination.query` is in Next.js; `hash` is "" or "#...". `search` is the
    destination's own search rendered (`parsedDestination.search`: '' or '?...'), which the
    `x-nextjs-rewritten-query` header compares with the request's.
    """

    __slots__ = (
        "auth",
        "external",
        "hash",
        "hostname",
        "pathname",
        "port",
        "protocol",
        "query",
        "search",
    )

    def __init__(
        self,
        external: bool,
        protocol: str | None,
        auth: str | None,
        hostname: str | None,
        port: str | None,
        pathname: str,
        hash: str,
        query: Query,
        search: str = "",
    ) -> None:
        self.external = external
        self.protocol = protocol
        self.auth = auth
        self.hostname = hostname
        self.port = port
        self.pathname = pathname
        self.hash = hash
        self.query = query
        self.search = search

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is Rendered and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # (mutable, as attrs leaves an eq class)

    def __repr__(self) -> str:
        fields = (f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Rendered({', '.join(fields)})"


@attrs.frozen
class _Parsed:
    """The destination parsed as a URL for one set of hidden names (§3.1 steps 1–2)."""

    external: bool
    protocol: str | None
    auth: str | None
    hostname: str | None
    port: str | None
    path: _Compiled
    host: _Compiled | None
    query: Params
    dest_params: frozenset[str]
    #: Why every render fails (Next.js answers 500), found while parsing.
    broken: str | None = None
    #: The destination's own search text ('?a=:b'), as `parseDestination` keeps it.
    search: str = ""

    @property
    def origin(self) -> str:
        """What url.format writes before the path: '' for a bare path, else `http://host:port`
        (for a destination parsed once: a plain http(s) host, no credentials)."""
        if not self.external:
            return ""
        port = self.port
        return f"{self.protocol}//{self.hostname}{':' + port if port else ''}"


# A path the URL parser leaves exactly as it is (no character it encodes, no dot segment, no
# query or fragment); path-to-regexp may still find parameters in it (':', '*', '+', '(', ')').
_PLAIN_PATH = r"(?:/[A-Za-z0-9_~!$&',;=@:*+()\-][A-Za-z0-9_~!$&',;=@.:*+()\-]*|/)*"
_PLAIN_INTERNAL = re.compile(_PLAIN_PATH)
# An http(s) URL whose host needs no normalising (lowercase labels starting with a letter, no
# IPv4 look-alike) and whose port is not the scheme's default.
_PLAIN_EXTERNAL = re.compile(
    r"(https?)://([a-z][a-z0-9\-]*(?:\.[a-z][a-z0-9\-]*)*)(?::([1-9][0-9]{0,4}))?("
    + _PLAIN_PATH
    + ")"
)
_PATH_SYNTAX = re.compile(r"[:*+()]")


def _plain(text: str) -> tuple[str | None, str | None, str | None, str] | None:
    """(protocol, hostname, port, pathname) of a destination the URL parser would leave as it
    is — most of a large table's — or None when it needs the full parse."""
    if "_" in text and "__esc_colon_" in text.lower():
        return None  # the marker's own text: only the full path unmarks it
    if text.startswith("/") and _PLAIN_INTERNAL.fullmatch(text):
        return None, None, None, text
    found = _PLAIN_EXTERNAL.fullmatch(text)
    if found is None:
        return None
    scheme, host, port, path = found.groups()
    if "xn--" in host:  # punycode labels are checked by the URL parser
        return None
    if port is not None and (int(port) > 65535 or int(port) == {"http": 80, "https": 443}[scheme]):
        return None
    return scheme + ":", host, port, path or "/"


def is_literal(destination: str) -> bool:
    """Whether a destination is a URL or path the URL parser leaves as it is, with no parameter
    and no `$`: it renders to itself, so there is nothing to check before its first use."""
    if "$" in destination:
        return False
    simple = _plain(destination)
    return simple is not None and not _PATH_SYNTAX.search(simple[3])


def _path_template(text: str) -> _Compiled:
    """`_parse_template`, skipping the parser for text with no parameter syntax."""
    return _Compiled((text,)) if not _PATH_SYNTAX.search(text) else _parse_template(text)


def _parse_url_parts(text: str) -> tuple[URL, bool]:
    """Next.js's `parseUrl`: relative ('/...') against http://n, else an absolute URL."""
    if text.startswith("/"):
        return parse_url("http://n" + text), False
    return parse_url(text), True


#: A bound on the parses one template keeps. They are keyed by the marked text, so requests can
#: only make as many as the destination has ways to mark its ':' (2 ** colons, and a destination
#: rarely has more than three): this only guards against an unusual destination.
_PARSED_PER_TEMPLATE = 32
_NO_NAMES: frozenset[str] = frozenset()


@attrs.frozen
class Template:
    """A destination, parsed once and rendered per request.

    `names` are the params that can exist when it renders (the source's named keys and the `has`
    captures); `positions` the source's keys in order, for `$N`; `positional` turns the `$N`
    extension on.
    """

    destination: str
    names: tuple[str, ...]
    #: The source's key names by position ("" for unnamed groups): what `$N` refers to.
    positions: tuple[str, ...] = ()
    positional: bool = True
    #: Why every render fails (Next.js answers 500), for tables loaded without early errors.
    broken: str | None = None
    #: Parses by the destination's text as marked for one request (see `parsed`): which of its
    #: ':' a request hides depends on its params and query keys, but a key hides a ':' whatever
    #: else it names ('a', 'ab' and 'abc' all hide ':abc'), so the marked text is the key.
    _cache: dict[str, _Parsed] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    #: `text` and `refs`, and the one parse of a destination that every request parses alike
    #: (see `_encode`), worked out on first use (every render reads them).
    _encoded: tuple[str, tuple[int, ...], _Parsed | None] | None = attrs.field(
        default=None, init=False, repr=False, eq=False
    )

    def _encode(self) -> tuple[str, tuple[int, ...], _Parsed | None]:
        """The destination with `$N` swapped for sentinels, the numbers it uses, and its parse
        when no request can change it: a destination the URL parser leaves as it is (`_plain`)
        with no `$` is parsed without marking any name, so which names a request hides does
        not matter."""
        encoded = self._encoded
        if encoded is None:
            text, refs = (
                encode_refs(self.destination) if self.positional else (self.destination, ())
            )
            encoded = text, refs, None
            object.__setattr__(self, "_encoded", encoded)  # a frozen value's own cache
            if "$" not in text and _plain(text) is not None:
                try:
                    encoded = text, refs, self._parse(text)  # (which reads `text`)
                except (URLError, PatternError):
                    return encoded  # `render` reports it, as for any other destination
                object.__setattr__(self, "_encoded", encoded)
        return encoded

    @property
    def text(self) -> str:
        """The destination with `$N` swapped for sentinels when the extension is on."""
        return self._encode()[0]

    @property
    def refs(self) -> tuple[int, ...]:
        """The `$N` numbers the destination uses (empty when the extension is off)."""
        return self._encode()[1]

    @property
    def external(self) -> bool:
        """Whether this is an absolute URL (a proxy), not a path of the app."""
        return not self.destination.startswith("/")

    def parsed(self, hidden: Iterable[str] | None = None) -> _Parsed:
        """The destination parsed with `hidden` names behind the marker, in that order (default:
        all names)."""
        text = self.text
        marked = _mark(text, self.names if hidden is None else hidden)
        found = self._cache.get(marked)
        if found is None:
            found = self._parse(marked)
            if len(self._cache) >= _PARSED_PER_TEMPLATE:
                self._cache.clear()
            self._cache[marked] = found
        return found

    def _parse(self, marked: str) -> _Parsed:
        """§3.1 steps 1–2: mark, URL-parse, unmark, and read the params the path and host use
        (without the URL parser for a destination it would leave as it is)."""
        simple = _plain(self.text)
        if simple is None:
            return self._parse_url(marked)
        protocol, hostname, port, pathname = simple
        path = _path_template(pathname)
        return _Parsed(
            external=protocol is not None,
            protocol=protocol,
            auth=None,
            hostname=hostname,
            port=port,
            path=path,
            host=None if hostname is None else _Compiled((hostname,)),
            query={},
            dest_params=frozenset(
                str(t.name) for t in path.tokens if isinstance(t, Key) and t.name != ""
            ),
        )

    def _parse_url(self, marked: str) -> _Parsed:
        """`_parse` through the URL parser: any destination, as marked for the request."""
        url, external = _parse_url_parts(marked)
        hash_ = _unmark(url.hash)
        path = _parse_template(_unmark(url.pathname) + hash_)
        hostname = _unmark(url.hostname) if external else None
        host = _parse_template(hostname) if hostname else None
        used = {str(t.name) for t in path.tokens if isinstance(t, Key) and t.name != ""}
        if host is not None:
            used |= {str(t.name) for t in host.tokens if isinstance(t, Key) and t.name != ""}
        query: Params = {}
        broken = None
        for key, value in query_object(url.search).items():
            if isinstance(value, list):
                if None in value:
                    # A key the query object inherits (`?toString=x`): its value is
                    # [Object.prototype.toString, 'x'], and unescaping the function throws.
                    broken = (
                        f"the destination's query key {key!r} is a property every JavaScript "
                        "object inherits: str.replace is not a function"
                    )
                query[key] = [_unmark(v) for v in value if v is not None]
            else:
                query[key] = _unmark(value)
        auth = None
        if url.username:
            auth = f"{url.username}:{url.password}" if url.password else url.username
        return _Parsed(
            external=external,
            protocol=url.protocol if external else None,
            auth=auth,
            hostname=hostname,
            port=url.port or None if external else None,
            path=path,
            host=host,
            query=query,
            dest_params=frozenset(used),
            broken=broken,
            search=_unmark(url.search),
        )

    def plain_target(
        self, params: Mapping[str, RenderValue], append: bool = False
    ) -> tuple[str, str] | None:
        """For a destination every request parses alike (a bare path, or an http(s) URL with a
        plain host, with no query, hash or `$N`), and params that are plain (a string, or a
        non-empty list of strings for a repeated one) and that `render` would not append to the
        query: its origin ('' for a bare path, else `http://host:port` as url.format writes
        it) and the path its params render, before any hash in it is split off (the caller
        checks for '#'). None otherwise, for `render` to decide."""
        fixed = self.parsed_once()
        if fixed is None or (append and params and appends(fixed.dest_params, params)):
            return None
        path = fixed.path._render_plain(params)
        if path is None:
            return None
        return fixed.origin, path

    def parsed_once(self) -> _Parsed | None:
        """The destination's one parse, when every request parses it alike (a bare path or an
        http(s) URL with a plain host, with no query, hash or `$N`) and it renders at all; None
        otherwise."""
        if self.broken is not None:
            return None
        return (self._encoded or self._encode())[2]

    def render(
        self,
        params: Mapping[str, RenderValue],
        groups: Sequence[ParamValue | None],
        query: Mapping[str, QueryValue | None],
        *,
        append: bool,
    ) -> Rendered:
        """Render for one request: `params` by name, `groups` by position (for `$N`), the current
        request `query`; `append` copies unused params into the query (rewrites, not redirects)."""
        if self.broken is not None:
            raise RenderError(self.broken)
        text, _, fixed = self._encoded or self._encode()
        if fixed is not None:
            return _render_fixed(fixed, params, query, append)
        named = [name for name in params if ":" + name in text]
        named += [name for name in query if ":" + name in text and name not in params]
        try:
            parsed = self.parsed(js_key_order(named) if len(named) > 1 else named)
        except (URLError, PatternError) as exc:
            raise RenderError(str(exc)) from None
        if parsed.broken is not None:
            raise RenderError(parsed.broken)
        refs = [_ref_text(g) for g in groups]
        path = parsed.path.render(params, refs)
        pathname, _, rest = path.partition("#")
        # JS `split('#', 2)`: a second '#' and what follows it are dropped.
        hash_ = rest.split("#", 1)[0]
        hostname = parsed.host.render(params, refs, encode=True) if parsed.host else None
        dest_query: Query = {}
        for key, value in parsed.query.items():
            if isinstance(value, list):
                dest_query[key] = [compile_non_path(v, params, refs) for v in value]
            else:
                dest_query[key] = compile_non_path(value, params, refs)
        if append:
            keys = [k for k in params if k != "nextInternalLocale"]
            used = parsed.dest_params | self._ref_names()
            if not any(k in used for k in keys):
                for key in keys:
                    # `key in destQuery`: a name every object inherits is there already.
                    if key not in dest_query and not inherits(key):
                        dest_query[key] = js_value(params[key])
        merged: Query = dict(query)
        merged.update(dest_query)
        return Rendered(
            external=parsed.external,
            protocol=parsed.protocol,
            auth=parsed.auth,
            hostname=hostname,
            port=parsed.port,
            pathname=pathname,
            hash=f"#{hash_}" if hash_ else "",
            query=merged,
            search=compile_non_path(parsed.search, params, refs) if parsed.search else "",
        )

    def _ref_names(self) -> frozenset[str]:
        """The named params the destination's `$N` refer to (they count as used)."""
        if not self.refs:
            return _NO_NAMES
        count = len(self.positions)
        return frozenset(self.positions[n - 1] for n in self.refs if 0 < n <= count)


_TEMPLATE_FIELDS = (
    "destination",
    "names",
    "positions",
    "positional",
    "broken",
    "_cache",
    "_encoded",
)
assert tuple(field.name for field in attrs.fields(Template)) == _TEMPLATE_FIELDS
(
    _set_destination,
    _set_names,
    _set_positions,
    _set_positional,
    _set_broken,
    _set_cache,
    _set_encoded,
) = (getattr(Template, name).__set__ for name in _TEMPLATE_FIELDS)


def new_template(
    destination: str, names: tuple[str, ...], positions: tuple[str, ...], positional: bool
) -> Template:
    """`Template(destination, names, positions, positional=positional)`: the same template,
    made in about half the time of attrs' `__init__`, which a large table pays per rule."""
    template: Template = object.__new__(Template)
    _set_destination(template, destination)
    _set_names(template, names)
    _set_positions(template, positions)
    _set_positional(template, positional)
    _set_broken(template, None)
    _set_cache(template, {})
    _set_encoded(template, None)
    return template


def _render_fixed(
    parsed: _Parsed,
    params: Mapping[str, RenderValue],
    query: Mapping[str, QueryValue | None],
    append: bool,
) -> Rendered:
    """`Template.render` for a destination every request parses alike (`Template._encode`): a
    plain path or URL with no query, no hash and no `$N`, so only its path (and host) take the
    params."""
    template = parsed.path
    path = template._render_plain(params)
    if path is None:
        path = template.render(params, None)  # (what is wrong, or what is optional)
    hash_ = ""
    if "#" in path:
        # A param's value may hold '#': JS `split('#', 2)`, so a second one and what follows
        # it are dropped.
        path, _, rest = path.partition("#")
        rest = rest.split("#", 1)[0]
        hash_ = f"#{rest}" if rest else ""
    merged: Query = dict(query) if query else {}
    if append and params and appends(parsed.dest_params, params):
        for key in params:
            # `key in destQuery`: a name every object inherits is there already.
            if key != "nextInternalLocale" and not inherits(key):
                merged[key] = js_value(params[key])
    return Rendered(
        parsed.external, parsed.protocol, None, parsed.hostname, parsed.port, path, hash_, merged
    )


def appends(used: frozenset[str], params: Mapping[str, RenderValue]) -> bool:
    """Whether a rewrite appends its params to the query: those the destination does not use
    go there, unless it uses any (Next.js's internal locale param aside)."""
    return used.isdisjoint(params) or (
        "nextInternalLocale" in used and used.intersection(params) == _LOCALE_PARAM
    )


_LOCALE_PARAM = frozenset({"nextInternalLocale"})


def _ref_text(value: ParamValue | None) -> str:
    """The text a `$N` renders: the value, a repeated value joined with '/', or ''."""
    if value is None:
        return ""
    return value if isinstance(value, str) else "/".join(value)
