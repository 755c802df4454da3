#!/usr/bin/env python3
"""Generate ``rsc.json``: RSC requests (``rsc: 1``) through internal and external rewrites.

For an RSC request, Next.js 16.4.6's resolve-routes.js tells the client where an internal rewrite
took it: ``x-nextjs-rewritten-path`` when the rewrite changed the pathname (also kept in the
route's response headers) and ``x-nextjs-rewritten-query`` when the destination's own search
differs from the request's (set on the response only: the oracle's ``res_headers``). Every answer
comes from the oracle (``../shared/oracle/resolve.js``, the real routing code).

Covered: rewrites in every phase, chains (each step sets the headers again), destinations with
and without a query, params and ``has`` captures in the query, a request query equal to or
different from the destination's, basePath, trailingSlash, not-found results, external rewrites
(no headers), redirects, and ``rsc`` values other than ``1`` (no headers).

Re-run (needs node and the oracle set up, see the oracle README)::

    python3 tests/vectors/gen_rsc.py --oracle /work/shared/oracle --out tests/vectors/rsc.json

Re-running gives byte-identical output.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path
from typing import Any

from _resolve_oracle import run_all, summarize, write

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATOR = "tests/vectors/gen_rsc.py"
ORACLE_NAME = "next@16.4.6 resolve.js"
ROUTES = ["/", "/b", "/c", "/blog/[slug]", "/docs/[...path]"]

RULES: list[tuple[str, dict[str, Any]]] = [
    ("plain", {"source": "/a", "destination": "/b"}),
    ("query", {"source": "/q/:x", "destination": "/b?y=:x"}),
    ("same-query", {"source": "/s", "destination": "/b?z=1"}),
    ("params-appended", {"source": "/p/:slug", "destination": "/blog/:slug"}),
    ("catch-all", {"source": "/old/:path*", "destination": "/docs/:path*?from=old"}),
    ("to-self", {"source": "/b", "destination": "/b"}),
    ("to-missing", {"source": "/m", "destination": "/nowhere?k=v"}),
    (
        "has-capture",
        {
            "source": "/h",
            "has": [{"type": "query", "key": "id", "value": "(?<id>\\d+)"}],
            "destination": "/c?id=:id&x=1",
        },
    ),
    ("external", {"source": "/ext/:p", "destination": "https://up.example.com/:p?e=1"}),
]
REQUESTS = [
    "/a",
    "/a?z=1",
    "/q/7",
    "/q/7?y=7",
    "/s",
    "/s?z=1",
    "/s?z=2",
    "/p/hello",
    "/old/x/y",
    "/old/x?from=old",
    "/b",
    "/b?x=1",
    "/m",
    "/h?id=42",
    "/h?id=x",
    "/ext/z",
    "/c",
    "/nope",
]
RSC_VALUES = ["1", "0", "true", None]


def _config(phase: str, base: str, trailing: bool, chain: bool) -> dict[str, Any]:
    """All the rules in one phase (plus a chained pair), with the settings."""
    rules = [rule for _, rule in RULES]
    if chain:
        rules = [{"source": "/chain", "destination": "/a"}, *rules]
    config: dict[str, Any] = {"rewrites": {phase: rules}}
    config["redirects"] = [{"source": "/r", "destination": "/a?from=r", "permanent": False}]
    config["headers"] = [{"source": "/:path*", "headers": [{"key": "x-h", "value": "1"}]}]
    if base:
        config["basePath"] = base
    if trailing:
        config["trailingSlash"] = True
    return config


def _requests(base: str, trailing: bool) -> list[dict[str, Any]]:
    """Every request path (with the basePath, a trailing slash when configured) and rsc value."""
    out = []
    for url, rsc in itertools.product([*REQUESTS, "/chain", "/r"], RSC_VALUES):
        path, _, query = url.partition("?")
        if trailing and path != "/":
            path += "/"
        full = base + path + (f"?{query}" if query else "")
        out.append({"url": full, "headers": {} if rsc is None else {"rsc": rsc}})
    return out


def configs() -> list[dict[str, Any]]:
    """The configs and their requests, in a fixed order."""
    out = []
    for phase, base, trailing in itertools.product(
        ("beforeFiles", "afterFiles", "fallback"), ("", "/base"), (False, True)
    ):
        name = f"{phase}{base or ''}{'-trailing' if trailing else ''}"
        out.append(
            {
                "name": name,
                "config": _config(phase, base, trailing, chain=True),
                "routes": ROUTES,
                "requests": _requests(base, trailing),
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the oracle over every config and write the vectors."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--oracle", type=Path, default=REPO_ROOT.parent / "shared" / "oracle")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "tests" / "vectors" / "rsc.json")
    args = parser.parse_args(argv)
    entries = configs()
    run_all(args.oracle, entries)
    doc = {"generator": GENERATOR, "oracle": ORACLE_NAME, "configs": entries}
    print(summarize(doc))
    write(doc, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
