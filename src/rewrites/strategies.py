"""Hypothesis strategies for routing tables: paths, near misses, requests, sources and tables.

Needs the optional extra: ``pip install 'rewrites[testing]'``.

>>> from hypothesis import given
>>> import rewrites
>>> from rewrites import strategies
>>> router = rewrites.Router.from_next_config(
...     {"rewrites": [{"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}]},
...     routes=["/", "/api/auth/[...nextauth]"],
... )
>>> @given(strategies.requests(router))
... def test_auth_stays_local(request):
...     result = router.resolve(request.url, headers=request.headers)
...     assert not (request.url.startswith("/api/auth/") and result.kind == "proxied")
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise ImportError(
        "rewrites.strategies needs Hypothesis: pip install 'rewrites[testing]'"
    ) from exc

from ._conditions import Condition
from ._examples import (
    Sent,
    condition_values,
    conditions_hold,
    fits,
    key_values,
    lookahead_words,
    matches,
    request_parts,
    with_query,
)
from ._pattern import Pattern, compile
from ._rules import Rule
from ._syntax import Key
from .errors import RewritesError
from .router import Router

__all__ = ["Request", "near_misses", "next_configs", "paths", "requests", "sources"]

#: Characters a request path can carry as they are (no percent-encoding, no '?', '#' or '%').
SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@"
#: What the WHATWG URL parser would change in a path (so the router would see other text).
_UNSAFE_PATH = re.compile(r"[^\x21-\x7e]|[\"#<>?`{}%\\]")
_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z_]\w*)>")


@attrs.frozen
class Request:
    """A generated request: its URL (path and query), headers, and the rule it was made for."""

    url: str
    headers: dict[str, str] = attrs.field(factory=dict, hash=False)
    rule: Rule | None = attrs.field(default=None, eq=False)


def _pattern(pattern_or_source: Pattern | str) -> Pattern:
    """A pattern; a source text is compiled as Next.js's server matches it."""
    if isinstance(pattern_or_source, Pattern):
        return pattern_or_source
    return compile(pattern_or_source).as_route()


def _regex_text(pattern: str, alphabet: str) -> st.SearchStrategy[str]:
    """Text matching a JavaScript regex, through Python's `re` where the syntax agrees."""
    python = _NAMED_GROUP.sub(r"(?P<\1>", pattern)
    try:
        re.compile(python)
    except re.error:
        return st.text(st.sampled_from(alphabet), min_size=1, max_size=8)
    if python.isascii():
        return st.from_regex(python, fullmatch=True, alphabet=st.sampled_from(alphabet))
    return st.from_regex(python, fullmatch=True).filter(str.isprintable)


def _with_candidates(
    candidates: Sequence[str], text: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """The deterministic candidates first (they shrink to the first), then generated text."""
    return st.one_of(st.sampled_from(candidates), text) if candidates else text


def _value(pattern: Pattern, key: Key, alphabet: str, position: int) -> st.SearchStrategy[str]:
    """One value of a key: text its own pattern accepts, readable values (`x`) first."""
    allowed = alphabet + ("/" if key.custom else "")
    text = _regex_text(key.pattern, allowed).filter(lambda v: fits(pattern, key, v))
    found = key_values(pattern, key, position)
    return _with_candidates([v for v in found if all(ch in allowed for ch in v)], text)


def _key_text(pattern: Pattern, key: Key, alphabet: str, position: int) -> st.SearchStrategy[str]:
    """The text a key contributes to a path: prefix, value(s), suffix, or nothing."""
    if not key.pattern:
        # '{abc}?' — an optional literal group.
        whole = st.just(key.prefix + key.suffix)
        return st.one_of(st.just(""), whole) if key.optional else whole
    value = _value(pattern, key, alphabet, position)
    one = value.map(lambda v: key.prefix + v + key.suffix)
    if key.repeat:
        low = 0 if key.optional else 1
        return st.lists(one, min_size=low, max_size=3).map("".join)
    return st.one_of(st.just(""), one) if key.optional else one


def _literal(pattern: Pattern, text: str) -> st.SearchStrategy[str]:
    """Literal text, in other cases too when the pattern ignores case."""
    if pattern.case_sensitive or text.lower() == text.upper():
        return st.just(text)
    return st.sampled_from(list(dict.fromkeys([text, text.upper(), text.swapcase()])))


def _tokens_text(
    pattern: Pattern,
    alphabet: str,
    override: Mapping[int, st.SearchStrategy[str]] | None = None,
) -> st.SearchStrategy[str]:
    """A path built token by token (`override` replaces some tokens' strategies)."""
    parts: list[st.SearchStrategy[str]] = []
    position = 0  # of the key among those with a pattern, as `key_values` counts them
    for at, token in enumerate(pattern.tokens):
        if override and at in override:
            parts.append(override[at])
        elif isinstance(token, str):
            parts.append(_literal(pattern, token))
        else:
            parts.append(_key_text(pattern, token, alphabet, position))
        if isinstance(token, Key) and token.pattern:
            position += 1
    return st.tuples(*parts).map(lambda texts: "".join(texts) or "/")


def paths(pattern_or_source: Pattern | str, *, alphabet: str = SAFE) -> st.SearchStrategy[str]:
    """Paths a pattern (or a source, compiled as Next.js does) matches, shrinking to simple ones.

    Custom groups generate text from their own regex; lookaheads are respected by filtering.
    Paths that never reach a matcher in Next.js are left out: '.' and '..' segments (the URL
    parser removes them) and '//' or '\\' (answered with a 308 first).

    >>> from hypothesis import given
    >>> @given(paths("/docs/:slug"))
    ... def test_matches(path):
    ...     assert path.lower().startswith("/docs/")
    """
    pattern = _pattern(pattern_or_source)
    return _tokens_text(pattern, alphabet).filter(lambda p: _normalized(p) and matches(pattern, p))


def _normalized(path: str) -> bool:
    """Whether a path is as Next.js's matchers see it (no dot segments, '//' or '\\')."""
    if "//" in path or "\\" in path:
        return False
    return all(segment not in (".", "..") for segment in path.split("/"))


def _mutations(pattern: Pattern, path: str) -> st.SearchStrategy[str]:
    """Small edits of a matching path: a segment dropped or added, a character or case changed."""
    segments = path.split("/")
    options: list[st.SearchStrategy[str]] = [
        st.integers(0, len(segments)).map(
            lambda i: "/".join([*segments[:i], "x", *segments[i:]]) or "/"
        ),
    ]
    if len(segments) > 2:
        options.append(
            st.integers(1, len(segments) - 1).map(
                lambda i: "/".join(segments[:i] + segments[i + 1 :]) or "/"
            )
        )
    if len(path) > 1:
        options.append(
            st.tuples(st.integers(1, len(path) - 1), st.sampled_from(SAFE)).map(
                lambda edit: path[: edit[0]] + edit[1] + path[edit[0] + 1 :]
            )
        )
    if pattern.case_sensitive and path.lower() != path.upper():
        options.append(st.just(path.swapcase()))
    return st.one_of(options)


def _excluded_words(pattern: Pattern) -> list[st.SearchStrategy[str]]:
    """Paths whose group starts with a word its negative lookahead excludes."""
    out = []
    for at, token in enumerate(pattern.tokens):
        if not isinstance(token, Key):
            continue
        words = lookahead_words(token)
        if not words:
            continue
        prefix = token.prefix
        variants = [v for w in words for v in (w, w + "x", w + "/x", w.upper())]
        value = st.sampled_from([prefix + v for v in variants])
        out.append(_tokens_text(pattern, SAFE, {at: value}))
    return out


def near_misses(pattern_or_source: Pattern | str) -> st.SearchStrategy[str]:
    """Paths that almost match but do not: one segment dropped or added, a character changed,
    the case changed in a case-sensitive pattern, or a word a lookahead excludes."""
    pattern = _pattern(pattern_or_source)
    edited = paths(pattern).flatmap(lambda path: _mutations(pattern, path))
    candidates = st.one_of([edited, *_excluded_words(pattern)])
    return candidates.filter(lambda p: p.startswith("/") and not matches(pattern, p))


# --------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------


def _request_path(path: str) -> bool:
    """Whether a path reaches the router as it is (no normalizing, no 308 for '//')."""
    return _normalized(path) and not _UNSAFE_PATH.search(path)


def _condition_value(condition: Condition) -> st.SearchStrategy[str]:
    """A value that makes one condition hold, readable candidates first (a host lowercased)."""
    alphabet = SAFE.replace(";", "").replace(",", "")
    if condition.value is None:
        text = st.text(st.sampled_from(alphabet), min_size=1, max_size=6)
    else:
        text = _regex_text(condition.value, alphabet).filter(lambda v: v != "" and v.isprintable())
    found = [v for v in condition_values(condition) if all(ch in alphabet for ch in v)]
    value = _with_candidates(found, text)
    return value.map(str.lower) if condition.type == "host" else value


def _conditions(rule: Rule) -> st.SearchStrategy[Sent]:
    """Headers and query for which every `has` of the rule holds and no `missing` does."""
    drawn = st.tuples(*(_condition_value(c) for c in rule.has))
    sent = drawn.map(lambda values: request_parts(zip(rule.has, values, strict=True)))
    return sent.filter(lambda got: conditions_hold(rule, *got))


def _rule_requests(rule: Rule) -> st.SearchStrategy[Request]:
    """Requests whose path matches the rule's source and whose headers satisfy its conditions."""
    path = paths(rule.pattern).filter(_request_path)

    def build(parts: tuple[str, Sent]) -> Request:
        path, (headers, query) = parts
        return Request(with_query(path, query), headers, rule)

    return st.tuples(path, _conditions(rule)).map(build)


def requests(router: Router) -> st.SearchStrategy[Request]:
    """Requests that exercise every rule of a table: for each rule, paths of its source (with
    basePath) and headers, cookies and query that satisfy its `has` and not its `missing`."""
    rules = [rule for rule in router.rules if not rule.built_in]
    if not rules:
        return paths("/:path*").filter(_request_path).map(Request)
    return st.sampled_from(rules).flatmap(_rule_requests)


# --------------------------------------------------------------------------------------------------
# Sources and tables
# --------------------------------------------------------------------------------------------------

_WORDS = ("api", "docs", "blog", "v1", "a", "shop-2")
_CUSTOM = ("\\d+", "en|fr", "[a-z]+", "(?!auth(?:/|$)).*", "[^/]+\\.json")
_MODIFIERS = ("", "?", "*", "+")


@st.composite
def _segment(draw: Callable[..., Any], position: int) -> str:
    """One segment of a source: a literal, a parameter, a custom group, or an optional group."""
    kind = draw(st.sampled_from(("literal", "param", "custom", "unnamed", "group")))
    name = f"p{position}"
    if kind == "literal":
        return "/" + str(draw(st.sampled_from(_WORDS)))
    if kind == "param":
        return f"/:{name}{draw(st.sampled_from(_MODIFIERS))}"
    if kind == "custom":
        return f"/:{name}({draw(st.sampled_from(_CUSTOM))}){draw(st.sampled_from(('', '?')))}"
    if kind == "unnamed":
        return "/(\\d+)"
    return f"/{draw(st.sampled_from(_WORDS))}{{-:{name}}}?"


def _compiles(source: str) -> bool:
    """Whether Next.js would accept the source."""
    try:
        compile(source).as_route()
    except RewritesError:
        return False
    return True


def sources() -> st.SearchStrategy[str]:
    """Valid sources: literal segments, parameters with modifiers, custom and optional groups.

    >>> from hypothesis import given
    >>> @given(sources())
    ... def test_compiles(source):
    ...     compile(source)
    """

    @st.composite
    def build(draw: Callable[..., Any]) -> str:
        count = draw(st.integers(1, 4))
        return "".join(draw(_segment(i)) for i in range(count))

    return build().filter(_compiles)


def _destination(source: str, external: bool) -> str:
    """A destination that renders for every path the source matches."""
    parts = ["dest"]
    for key in compile(source).keys:
        if not isinstance(key.name, str) or key.modifier == "?":
            continue  # '?' would start the destination's query
        parts.append(f":{key.name}*" if key.repeat else f":{key.name}")
    path = "/" + "/".join(parts)
    return "https://upstream.example.com" + path if external else path


_HAS = (
    {"type": "header", "key": "x-flag"},
    {"type": "header", "key": "x-mode", "value": "(?:yes|true)"},
    {"type": "cookie", "key": "session"},
    {"type": "query", "key": "preview", "value": "1"},
    {"type": "host", "value": "example\\.com"},
)


@st.composite
def _rule(draw: Callable[..., Any], kind: str) -> dict[str, Any]:
    """One rule of a next.config: a rewrite, a redirect or a header rule."""
    source = draw(sources())
    item: dict[str, Any] = {"source": source}
    if kind == "header":
        item["headers"] = [{"key": "x-rule", "value": draw(st.sampled_from(_WORDS))}]
    else:
        external = draw(st.booleans())
        item["destination"] = _destination(source, external)
    if kind == "redirect":
        if draw(st.booleans()):
            item["permanent"] = draw(st.booleans())
        else:
            item["statusCode"] = draw(st.sampled_from((301, 302, 303, 307, 308)))
    if draw(st.integers(0, 3)) == 0:
        item["has"] = [draw(st.sampled_from(_HAS))]
    if draw(st.integers(0, 4)) == 0:
        item["missing"] = [draw(st.sampled_from(_HAS))]
    return item


@st.composite
def _next_config(draw: Callable[..., Any], max_rules: int) -> dict[str, Any]:
    """A next.config mapping."""

    def rules(kind: str) -> list[dict[str, Any]]:
        return list(draw(st.lists(_rule(kind), max_size=max_rules)))

    config: dict[str, Any] = {}
    if draw(st.booleans()):
        config["rewrites"] = rules("rewrite")
    else:
        config["rewrites"] = {
            p: rules("rewrite") for p in ("beforeFiles", "afterFiles", "fallback")
        }
    config["redirects"] = rules("redirect")
    config["headers"] = rules("header")
    if draw(st.integers(0, 3)) == 0:
        config["basePath"] = "/base"
    if draw(st.integers(0, 3)) == 0:
        config["trailingSlash"] = True
    return config


def next_configs(*, max_rules: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Valid next.config tables: rewrites across phases, redirects with statuses, header rules,
    has/missing conditions, sometimes a basePath or trailingSlash.

    >>> from hypothesis import given
    >>> @given(next_configs())
    ... def test_loads(config):
    ...     Router.from_next_config(config)
    """
    if max_rules < 0:
        raise ValueError(f"got max_rules={max_rules!r} ({type(max_rules).__name__}); expected >= 0")
    return _next_config(max_rules)
