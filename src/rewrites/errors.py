"""The error tree: every failure `rewrites` reports is a `RewritesError`.

RewritesError
├── PatternError (also a ValueError)  bad source/destination syntax, with a caret line
├── ConfigError  (also a ValueError)  a bad table: every problem at once, each with its place
└── RequestError (also a ValueError)  a request Next.js would answer with 400
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import attrs

__all__ = ["ConfigError", "PatternError", "Problem", "RequestError", "RewritesError", "caret_lines"]


class RewritesError(Exception):
    """Base class of every error `rewrites` raises on purpose."""


def _display(ch: str) -> str:
    """How one character of user text is shown on a caret line (control characters escaped)."""
    if ch == "\t":
        return "\\t"
    if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def caret_lines(text: str, span: tuple[int, int], indent: str = "    ") -> str:
    """Draw `text` and a caret under `span`: `^` at the start, `~` under the rest.

    >>> print(caret_lines("/blog/:slug(", (11, 12)))
        /blog/:slug(
                   ^
    """
    start, end = span
    start = max(0, min(start, len(text)))
    end = max(start + 1, min(end, len(text)))
    shown = [_display(ch) for ch in text]
    before = sum(len(s) for s in shown[:start])
    # A caret past the end (e.g. an unexpected end of input) points one column after the text.
    width = max(1, sum(len(s) for s in shown[start:end]))
    return f"{indent}{''.join(shown)}\n{indent}{' ' * before}^{'~' * (width - 1)}"


class PatternError(RewritesError, ValueError):
    """A source or destination pattern that cannot be parsed or used.

    `source` is the pattern text, `position` the index of the problem in it (`span` its extent),
    `js_message` the message path-to-regexp (or the JavaScript RegExp engine) gives for the same
    input, when it has one, and `hint` the likely fix.
    """

    def __init__(
        self,
        message: str,
        source: str,
        span: tuple[int, int],
        *,
        hint: str | None = None,
        js_message: str | None = None,
        position: int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.span = span
        self.position = span[0] if position is None else position
        self.hint = hint
        self.js_message = js_message
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.message}\n{caret_lines(self.source, self.span)}"
        return f"{text}\n{self.hint}" if self.hint else text

    def __reduce__(self) -> tuple[object, ...]:
        args = (self.message, self.source, self.span, self.hint, self.js_message, self.position)
        return (_rebuild_pattern_error, args)


def _rebuild_pattern_error(
    message: str,
    source: str,
    span: tuple[int, int],
    hint: str | None,
    js_message: str | None,
    position: int,
) -> PatternError:
    """Unpickle a PatternError (its constructor takes keyword-only arguments)."""
    return PatternError(message, source, span, hint=hint, js_message=js_message, position=position)


@attrs.frozen
class Problem:
    """One problem in a table: its place (`rewrites.afterFiles[3].destination`) and the fault."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message


class ConfigError(RewritesError, ValueError):
    """A routing table with problems; `problems` lists every one of them, each with its place."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        head = "1 problem in the config" if count == 1 else f"{count} problems in the config"
        body = "\n".join("- " + str(p).replace("\n", "\n  ") for p in self.problems)
        return f"{head}:\n{body}"

    def __reduce__(self) -> tuple[object, ...]:
        return (ConfigError, (self.problems,))


class RequestError(RewritesError, ValueError):
    """A request that Next.js would answer with an error status (400 for a malformed %-escape)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        self.message = message
        self.status = status
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_request_error, (self.message, self.status))


def _rebuild_request_error(message: str, status: int) -> RequestError:
    """Unpickle a RequestError."""
    return RequestError(message, status=status)
