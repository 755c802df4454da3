"""The first-match-preserving index over one phase's rules.

It only ever skips rules that cannot match the path, and yields the others in table order, so a
resolution through it is the same as a plain loop over every rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ._config import Rule

__all__ = ["PhaseIndex"]


class PhaseIndex:
    """Candidate rules of one phase for a path, in ascending position."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)

    def candidates(self, pathname: str, start: int = 0) -> Iterator[tuple[int, Rule]]:
        """(position, rule) for every rule at `start` or later that may match `pathname`."""
        for position in range(start, len(self.rules)):
            yield position, self.rules[position]
