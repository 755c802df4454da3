"""Rules and tables: one rule as Next.js builds it, and the rules of every phase.

The values `_load` produces and everything after it (index, resolve, lint) reads.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ._conditions import Condition
from ._destination import Template
from ._i18n import I18n
from ._pattern import Pattern
from .errors import Problem

__all__ = ["Phase", "Rule", "Table", "new_rule", "set_constant", "set_plan"]


class Phase(enum.StrEnum):
    """Where a rule sits in Next.js's routing order."""

    HEADERS = "headers"
    REDIRECTS = "redirects"
    BEFORE_FILES = "beforeFiles"
    AFTER_FILES = "afterFiles"
    FALLBACK = "fallback"


@attrs.frozen(kw_only=True)
class Rule:
    """One rule of the table, as Next.js builds it (basePath applied, regex as the server's).

    `place` names it as the config does (`rewrites.afterFiles[3]`); `index` is its position in
    its list (-1 for built-in rules); `item` is the rule as written.
    """

    phase: Phase
    index: int
    place: str
    source: str
    pattern: Pattern = attrs.field(repr=False, eq=False)
    destination: Template | None = attrs.field(repr=False, eq=False)
    has: tuple[Condition, ...] = attrs.field(repr=False, eq=False)
    missing: tuple[Condition, ...] = attrs.field(repr=False, eq=False)
    headers: tuple[tuple[str, str], ...] = attrs.field(repr=False, eq=False)
    status: int | None = attrs.field(repr=False, eq=False)
    internal: bool = attrs.field(default=False, repr=False, eq=False)
    item: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False, hash=False)
    #: What resolution works out once about a rule, None until then: a header rule's header
    #: plan (`_resolve._header_plan`), a redirect's or rewrite's `_plan.Plan` (or `NO_PLAN`).
    _plan: Any = attrs.field(default=None, init=False, repr=False, eq=False, hash=False)
    #: A redirect's or rewrite's outcome for a request that gives its destination no params, no
    #: `$N` values and no query (`_resolve.Run.constant`), None until one has worked it out.
    _constant: Any = attrs.field(default=None, init=False, repr=False, eq=False, hash=False)

    @property
    def built_in(self) -> bool:
        """A rule Next.js adds itself (the trailing-slash redirects)."""
        return self.index < 0

    def __str__(self) -> str:
        return f"{self.place} {self.source!r}"


_RULE_FIELDS = (
    "phase",
    "index",
    "place",
    "source",
    "pattern",
    "destination",
    "has",
    "missing",
    "headers",
    "status",
    "internal",
    "item",
    "_plan",
    "_constant",
)
assert tuple(field.name for field in attrs.fields(Rule)) == _RULE_FIELDS
(
    _set_phase,
    _set_index,
    _set_place,
    _set_source,
    _set_pattern,
    _set_destination,
    _set_has,
    _set_missing,
    _set_headers,
    _set_status,
    _set_internal,
    _set_item,
    set_plan,
    set_constant,
) = (getattr(Rule, name).__set__ for name in _RULE_FIELDS)


def new_rule(
    phase: Phase,
    index: int,
    place: str,
    source: str,
    pattern: Pattern,
    destination: Template | None,
    has: tuple[Condition, ...],
    missing: tuple[Condition, ...],
    headers: tuple[tuple[str, str], ...],
    status: int | None,
    internal: bool,
    item: Mapping[str, Any],
) -> Rule:
    """`Rule(...)` with every field given by position: the same rule, made in about half the
    time of attrs' `__init__` (keywords, and a bound `object.__setattr__` per field), which a
    large table pays per rule. Each slot is set through its own descriptor."""
    rule: Rule = object.__new__(Rule)
    _set_phase(rule, phase)
    _set_index(rule, index)
    _set_place(rule, place)
    _set_source(rule, source)
    _set_pattern(rule, pattern)
    _set_destination(rule, destination)
    _set_has(rule, has)
    _set_missing(rule, missing)
    _set_headers(rule, headers)
    _set_status(rule, status)
    _set_internal(rule, internal)
    _set_item(rule, item)
    set_plan(rule, None)
    set_constant(rule, None)
    return rule


@attrs.frozen
class Table:
    """The rules of every phase, and the settings resolution needs."""

    # Tuples when loaded; a router restored from a pickle holds lists that build each rule on
    # first use (`_load.LazyRules`).
    headers: Sequence[Rule]
    redirects: Sequence[Rule]
    before_files: Sequence[Rule]
    after_files: Sequence[Rule]
    fallback: Sequence[Rule]
    base_path: str
    trailing_slash: bool
    skip_trailing_slash_redirect: bool
    case_sensitive: bool
    positional_refs: bool
    #: The config mapping the table was built from, as given.
    config: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False, hash=False)
    #: What Next.js would load but warn about (each with its place), or never render.
    warnings: tuple[Problem, ...] = attrs.field(default=(), repr=False, eq=False, hash=False)
    #: The `i18n` config (None without one): its locales prefix the rules' sources.
    i18n: I18n | None = attrs.field(default=None, kw_only=True)

    def rules(self) -> tuple[Rule, ...]:
        """Every rule, in routing order."""
        phases = (self.headers, self.redirects, self.before_files, self.after_files, self.fallback)
        return tuple(itertools.chain.from_iterable(phases))

    def phase(self, phase: Phase) -> Sequence[Rule]:
        """The rules of one phase."""
        if phase is Phase.HEADERS:
            return self.headers
        if phase is Phase.REDIRECTS:
            return self.redirects
        if phase is Phase.BEFORE_FILES:
            return self.before_files
        if phase is Phase.AFTER_FILES:
            return self.after_files
        return self.fallback
