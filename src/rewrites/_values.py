"""The shapes values take between the stages: one name per shape, named here only.

A source's match captures `ParamValue`s (tuples for repeated parameters). From there on, values
travel in JavaScript's shape, as Next.js passes them along: a string, or a list of strings
(`QueryValue`), in objects where a missing value may be JavaScript's `undefined` (`Query`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

__all__ = ["ParamValue", "Params", "Query", "QueryValue", "RenderValue", "js_value"]

#: What a source captured for one parameter: its raw text, or a tuple of segments (`*`, `+`).
ParamValue: TypeAlias = "str | tuple[str, ...]"
#: A value as Next.js passes it on (a JS string or array): a query value, a header value, a
#: route's param; a list for a repeated key or a catch-all's segments.
QueryValue: TypeAlias = "str | list[str]"
#: A query or params object mid-resolution; None is JavaScript's `undefined` (a param that did
#: not take part in the match, appended to a rewrite's query as `key=`).
Query: TypeAlias = "dict[str, QueryValue | None]"
#: A query or params object with every value defined (a route's params, a resolution's query).
Params: TypeAlias = "dict[str, QueryValue]"
#: A param as a destination renders it: captured (a tuple) or in JS shape (a list), None absent.
RenderValue: TypeAlias = "str | Sequence[str] | None"


def js_value(value: RenderValue) -> QueryValue | None:
    """A param value in JavaScript's shape: a sequence becomes a (new) list."""
    if value is None or isinstance(value, str):
        return value
    return list(value)
