"""A redirect's or rewrite's plan: its match and its render worked out into one object.

Resolving a request through a large table reaches a different rule each time, and each layer it
goes through on the way (the source's `route_params`, the params dict, the destination's
`plain_target` and its render) costs calls and reads of objects no other request touched
recently. For the usual rule and request, those layers come down to: match the path with the
source's matcher, and write the destination's path with the groups it matched in their places.
A `Plan` holds just that: the matcher, and the destination's path as a `str.format` template
over the match's groups (or, for a literal source, the path itself).

A plan answers only where `Pattern.route_params` followed by `Template.plain_target` would give
the same path, and says `GENERAL` otherwise; `_resolve` then takes the general way, which
computes everything again and reports what is wrong. What the caller still checks (a path
url.format would change, a Location Node refuses) it checks as the general way does.

A rule has no plan (`NO_PLAN`) when its destination is not parsed once for every request (a
query, a hash, `$N`, an unusual host), when it has `has` or `missing` conditions, or when its
destination takes a param in a way the template cannot write (a repeated value written with
other separators, a param the source may not give, an unnamed group).
"""

from __future__ import annotations

from typing import Any, Final

from ._destination import appends
from ._pattern import Pattern
from ._rules import Rule, set_plan
from ._syntax import Key

__all__ = ["GENERAL", "NO_PLAN", "General", "Plan", "plan"]


class General:
    """`Plan.target`'s answer when only the general way can tell."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "GENERAL"


GENERAL: Final = General()
#: What `Rule._plan` holds for a rule that has no plan (None: not worked out yet).
NO_PLAN: Final = False


class Plan:
    """A rule's source matcher and destination path template, for an ASCII path.

    `origin` is '' for a path of the app, else the external destination's `protocol//host:port`;
    `rewrites` tells whether a rewrite (which may append the params its destination does not use
    to the query) may use the plan, as a redirect always may.
    """

    __slots__ = (
        "fmt",
        "free",
        "literal",
        "match",
        "optional",
        "origin",
        "pattern",
        "rewrites",
        "tail",
    )

    def __init__(self, pattern: Pattern, origin: str, rewrites: bool) -> None:
        self.pattern = pattern
        self.origin = origin
        self.rewrites = rewrites
        #: The literal source's (text, refused prefixes), as `Pattern._match_literal` takes
        #: them; None for a source with a matcher.
        self.literal: tuple[str, tuple[str, ...]] | None = None
        #: The matcher's `match`, and from which path length a match needs the time bound.
        self.match: Any = None
        self.free = 0
        self.tail = ""
        #: The destination's path: a `str.format` template over the match's groups (for a
        #: literal source, the path itself).
        self.fmt = ""
        #: The groups the template takes that may take no part in a match.
        self.optional: tuple[int, ...] = ()

    def target(self, path: str, timeout: float | None) -> str | General | None:
        """The destination's path for `path`, None when the source does not match it, or
        `GENERAL` when only the general way can tell (a non-ASCII path, one long enough to need
        the time bound, an optional param the destination takes and the path lacks)."""
        if not path.isascii():
            return GENERAL
        literal = self.literal
        if literal is not None:
            return None if self.pattern._match_literal(path, *literal) is None else self.fmt
        if timeout is not None and len(path) >= self.free:
            return GENERAL
        tail = self.tail
        if tail and not path.endswith(tail) and not self.pattern._tail_ok(path):
            return None
        found = self.match(path)
        if found is None:
            return None
        groups = found.groups()
        for at in self.optional:
            if groups[at] is None:
                return GENERAL
        return self.fmt.format(*groups)


def plan(rule: Rule) -> Plan | bool:
    """The rule's plan (`NO_PLAN` when it has none), worked out once and kept on the rule."""
    found = _plan(rule)
    set_plan(rule, found)
    return found


def _plan(rule: Rule) -> Plan | bool:
    destination = rule.destination
    if rule.has or rule.missing or destination is None:
        return NO_PLAN
    fixed = destination.parsed_once()
    if fixed is None:
        return NO_PLAN
    pattern = rule.pattern
    literal = pattern._literal
    if literal is not None:
        text = _literal_path(fixed.path.tokens)
        if text is None:
            return NO_PLAN
        found = Plan(pattern, fixed.origin, True)
        found.literal, found.fmt = literal, text
        return found
    pattern._matcher()
    built = pattern._keep()
    if built.fast is False:
        built.fast = pattern._fast()
    fast = built.fast
    if not fast:
        return NO_PLAN
    matcher, layout = fast
    template = _template(fixed.path.tokens, pattern.keys, layout)
    if template is None:
        return NO_PLAN
    fmt, optional, required = template
    # A rewrite appends the params its destination does not use to the query, unless it uses
    # one (`appends`): it never does when the source gives none, when the destination uses
    # one the source always gives, or when it uses them all.
    named = {name for name, _ in layout if name is not None}
    used = fixed.dest_params
    rewrites = (
        not named
        or (bool(required) and not appends(used, dict.fromkeys(required)))
        or ("nextInternalLocale" not in used and named <= used)
    )
    found = Plan(pattern, fixed.origin, rewrites)
    found.match, found.free, found.tail = matcher.match, built.free, pattern.tail
    found.fmt, found.optional = fmt, optional
    return found


def _literal_path(tokens: tuple[str | Key, ...]) -> str | None:
    """The path a destination without params renders (None when it takes one)."""
    if any(type(token) is not str for token in tokens):
        return None
    return "".join(tokens)  # type: ignore[arg-type]


def _template(
    tokens: tuple[str | Key, ...],
    keys: tuple[Key, ...],
    layout: tuple[tuple[str | None, str | None], ...],
) -> tuple[str, tuple[int, ...], list[str]] | None:
    """The destination's path tokens as a `str.format` template over the source's groups (key
    `i` is group `i + 1`, `{i}` in the template), the optional groups it takes, and the names of
    the required ones it takes; None when `_render_plain` could write something else.

    `_render_plain` writes a param's value between its token's prefix and suffix, and each value
    of a repeated one so: for a value the source matched as one text with `between` between its
    values, that is the text itself when the token's suffix and prefix make `between`.
    """
    at: dict[str, int] = {}
    for index, (name, _) in enumerate(layout):
        if name is not None:
            if name in at:
                return None  # the later value wins in params: left to the general way
            at[name] = index
    pieces: list[str] = []
    optional: set[int] = set()
    required: list[str] = []
    for token in tokens:
        if type(token) is str:
            pieces.append(_escaped(token))
            continue
        assert isinstance(token, Key)
        named = token.name
        if type(named) is not str or named not in at:
            return None
        index = at[named]
        between = layout[index][1]
        if between is not None and not (token.repeat and token.suffix + token.prefix == between):
            return None
        pieces.append(f"{_escaped(token.prefix)}{{{index}}}{_escaped(token.suffix)}")
        if keys[index].optional:
            optional.add(index)
        else:
            required.append(named)
    return "".join(pieces), tuple(sorted(optional)), required


def _escaped(text: str) -> str:
    """Literal text in a `str.format` template."""
    return text.replace("{", "{{").replace("}", "}}")
