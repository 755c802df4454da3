"""The same routing table as werkzeug rules, for comparison with `rewrites` (benchmark only).

    from benchmarks.werkzeug_peer import werkzeug_map
    peer = werkzeug_map(router.rules)       # a werkzeug Map and how many rules were left out
    peer.adapter.match("/docs/page-9")      # werkzeug's StateMachineMatcher

Every rule of every phase but Next.js's own trailing-slash redirect goes into one
`werkzeug.routing.Map` (`strict_slashes=False`, as a Next.js source also matches with one trailing
'/'; `merge_slashes=False`), so one `match()` is werkzeug's whole routing cost for a request: its
bare match against our full pipeline.

Sources are converted from their tokens: literal text stays literal (percent-escapes decoded, as
werkzeug matches decoded paths), a default `:name` becomes `<name>`, `:name+` becomes
`<path:name>`, `:id(\\d+)` `<int:id>`, `:locale(en|fr|de)` `<any(en,fr,de):locale>` and a `(.*)`
group `<path:...>`; an optional (`?`, `*`) param becomes two rules, with it and without it.
werkzeug cannot express the rest, and they are left out: other custom regexes (lookaheads
included), `has`/`missing` conditions, repeated params with a custom pattern, more than two
optional params, and Next.js's case-insensitive matching (werkzeug always matches case-sensitively;
that is not left out, but requests in another case then miss in werkzeug).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

import attrs
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, MapAdapter
from werkzeug.routing import Rule as WerkzeugRule

import rewrites

#: A finite alternation of literal words (`en|fr|de`): werkzeug's `any` converter.
_ALTERNATION = re.compile(r"[A-Za-z0-9_.~-]+(?:\|[A-Za-z0-9_.~-]+)*")
#: At most this many optional params per source (each doubles the rules it becomes).
_MAX_OPTIONAL = 2


@attrs.frozen
class Peer:
    """A werkzeug Map of a table, bound to a host, and how many of the table's rules it lacks."""

    adapter: MapAdapter
    rules: int  # werkzeug rules (an optional param makes two)
    converted: int  # table rules converted
    left_out: int  # table rules werkzeug cannot express

    def match(self, path: str) -> object:
        """werkzeug's answer for a decoded path: (endpoint, args), or the HTTP exception."""
        try:
            return self.adapter.match(path)
        except HTTPException as exc:
            return exc


def werkzeug_map(rules: Iterable[rewrites.Rule]) -> Peer:
    """One werkzeug Map of every rule that it can express."""
    out: list[WerkzeugRule] = []
    converted = left_out = 0
    for rule in rules:
        if rule.built_in:
            continue  # Next.js's trailing-slash redirect: `strict_slashes=False` does its work
        paths = None if rule.has or rule.missing else werkzeug_paths(rule.pattern.tokens)
        if paths is None:
            left_out += 1
            continue
        converted += 1
        out += [WerkzeugRule(path, endpoint=rule.place) for path in paths]
    routing = Map(out, strict_slashes=False, merge_slashes=False)
    return Peer(routing.bind("example.com"), len(out), converted, left_out)


def werkzeug_paths(tokens: Sequence[str | rewrites.Key]) -> list[str] | None:
    """The werkzeug rule strings for a source's tokens, or None when werkzeug cannot express it.

    >>> werkzeug_paths(rewrites.compile("/:lang?/pricing-7").tokens)
    ['/pricing-7', '/<lang>/pricing-7']
    """
    choices: list[list[str]] = []
    names: set[str] = set()
    optional = 0
    for token in tokens:
        if isinstance(token, str):
            if "<" in token or ">" in token:
                return None
            choices.append([unquote(token)])
            continue
        name = token.name if isinstance(token.name, str) else f"group{token.name}"
        if not name or name in names or not name.isidentifier():
            return None  # a literal `{...}` group, or a name werkzeug cannot take twice
        names.add(name)
        converter = _converter(token)
        if converter is None or "<" in token.prefix + token.suffix:
            return None
        part = f"{unquote(token.prefix)}<{converter}{name}>{unquote(token.suffix)}"
        if token.optional:
            optional += 1
            if optional > _MAX_OPTIONAL:
                return None
            choices.append(["", part])
        else:
            choices.append([part])
    return [
        "".join(parts) or "/"
        for parts in itertools.product(*choices)
        if "".join(parts).startswith("/") or not "".join(parts)
    ] or None


def _converter(key: rewrites.Key) -> str | None:
    """The werkzeug converter (with its ':') for a param, or None."""
    if not key.custom:
        return "path:" if key.repeat else ""
    if key.repeat:
        return None
    if key.pattern == "\\d+":
        return "int:"
    if key.pattern == ".*":
        return "path:"
    if _ALTERNATION.fullmatch(key.pattern):
        return f"any({','.join(key.pattern.split('|'))}):"
    return None
