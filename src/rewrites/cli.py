"""The `rewrites` command (also `python -m rewrites`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._match import compile
from .errors import RewritesError

#: The seed story's rule (see docs/index.md): a lookahead meant to keep NextAuth local.
SEED_SOURCE = "/api/((?!auth).*)/:path*"
SEED_PATHS = (
    "/api/users",
    "/api/trades/123",
    "/api/auth/session",
    "/api/authenticate",
    "/API/Auth/x",
)


def demo() -> str:
    """What the seed rule's source matches, path by path, as Next.js would see it."""
    pattern = compile(SEED_SOURCE).as_route()
    lines = [f"source {SEED_SOURCE!r}", f"  JavaScript regex: /{pattern.js_regex}/{pattern.flags}"]
    for path in SEED_PATHS:
        found = pattern.match(path)
        if found is None:
            lines.append(f"  {path:<22} no match")
        else:
            lines.append(f"  {path:<22} match  params={found.params}  $1={found.groups[0]!r}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse arguments, run a command, return the exit code."""
    parser = argparse.ArgumentParser(prog="rewrites", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="run on the embedded seed example (no files needed)")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            print(demo())
    except RewritesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
