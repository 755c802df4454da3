#!/usr/bin/env python3
"""Conformance-vector generator for local routes (the app's own pages), from next@16.4.6.

What it generates
-----------------
``tests/vectors/routes.json``: route tables run through Next's own code by ``routes_oracle.js``
(next to this file), which builds the route set exactly as ``shared/oracle/resolve.js`` builds its
fake fsChecker (``server/lib/router-utils/filesystem.js``):

* valid tables: ``dynamic`` (the pages ``isDynamicRoute`` keeps), ``sorted`` (their
  ``getSortedRoutes`` order) and ``cases``, one per pathname, with ``static`` (what ``getItem``
  finds: ``{route, item_path}`` or ``null``) and ``result`` (what ``checkTrue`` returns:
  ``{route, item_path, params?}``, ``null``, or ``{error: "DecodeError", message}``);
* invalid tables: ``error``, the message Next threw (``getSortedRoutes`` or ``new RegExp``).

Tables are random trees of routes (static segments, ``[x]``, ``[...x]``, ``[[...x]]`` at various
depths, static siblings, segments with text around a param such as ``p-[x]`` and ``[x].json``;
route groups already removed), plus hand-written and mutated invalid tables (different slug names
at one level, optional beside required catch-all, catch-all not last, ``[[x]]``, repeated slug,
slugs differing only by symbols, a route beside an optional catch-all, ``…``, extra brackets,
``p[[...x]]``). Pathnames: hits at every depth, trailing slashes, ``%20``, ``%2F``, ``%25``,
malformed ``%E0%A4%A``, ``%``, ``%zz``, overlong and surrogate UTF-8, mixed case, non-ASCII raw
and percent-encoded, empty segments, the pages' own literal text (also as ``%5B...%5D``),
``_NEXTSEP_`` values, and near misses.

Everything is seeded, so re-running gives byte-identical output. Node runs once.

``--cross-check`` additionally sends every valid table to the full pipeline oracle
(``shared/oracle/resolve.js``, one run per table, ``skipTrailingSlashRedirect: true``) and checks
that its ``local`` / ``not_found`` / 400 answers agree with the recorded ``result`` for every
pathname that survives URL parsing unchanged (printable ASCII, no ``//``, no dot segments, no
``%2e``). It writes nothing; it only reports disagreements.

Re-run (from the repo root; needs ``node`` and the oracle installed, see shared/oracle/README.md)::

    python3 tests/vectors/gen_routes.py [--oracle-dir ~/.cache/next-oracle] [--out FILE]
    python3 tests/vectors/gen_routes.py --cross-check [--resolve ../shared/oracle/resolve.js]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "routes.json"
DEFAULT_RESOLVE = HERE.parents[2] / "shared" / "oracle" / "resolve.js"
SEED = 20240616

STATIC_WORDS = [
    "blog", "api", "auth", "docs", "shop", "About", "a", "b", "x", "users", "settings",
    "café", "a b", "caf%C3%A9", "v1.0", "foo-bar", "_NEXTSEP_", "index", "404", "new",
    "edit", "(x)", "a+b", "Ωmega",
]  # fmt: skip
SLUG_NAMES = [
    "slug", "id", "path", "nextauth", "rest", "post", "a", "b", "c", "userId", "x_y", "ünï",
    "lang", "page", "q1", "seg-ment",
]  # fmt: skip
VALUES = [
    "hello", "a%20b", "a%2Fb", "%25", "100%", "%E0%A4%A", "%", "%zz", "%C3%A9t%C3%A9", "é",
    "Mixed", "_NEXTSEP_v", "x.json", "a+b", "%F0%9F%98%80", "%ED%A0%80", "%C0%AF", "..", ".",
    "%5Bslug%5D", "[id]", "a b", "%2e", "x%", "%C3", "%E2%82%AC", "1", "new",
]  # fmt: skip


def _stripped(name: str) -> str:
    """A slug name as sorted-routes.js compares it (JavaScript `\\W` removed)."""
    return re.sub(r"[^A-Za-z0-9_]", "", name)


class TableGen:
    """Random valid route tables (consistent slug names per level)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def table(self) -> list[str]:
        """One valid table: a random tree of routes, shuffled, maybe with a duplicate."""
        routes: list[str] = []
        self.node("", [], 0, routes, route_ok=True)
        if not routes:
            routes.append("/")
        self.rng.shuffle(routes)
        if self.rng.random() < 0.2:
            routes.append(self.rng.choice(routes))
        return routes

    def fresh_slug(self, used: list[str]) -> str | None:
        """A slug name not clashing with the ones already in the path."""
        free = [n for n in SLUG_NAMES if _stripped(n) not in {_stripped(u) for u in used}]
        return self.rng.choice(free) if free else None

    def node(
        self, prefix: str, used: list[str], depth: int, out: list[str], route_ok: bool
    ) -> None:
        """Routes at and under `prefix` (route_ok False: an optional catch-all lives here)."""
        rng = self.rng
        catch = None
        if depth > 0 and rng.random() < 0.35:
            catch = rng.choice(["rest", "optional"])
        if catch == "optional":
            route_ok = False
        if route_ok and (rng.random() < 0.55 or depth == 0):
            out.append(prefix or "/")
        if depth >= 4:
            return
        for word in rng.sample(STATIC_WORDS, rng.randint(0, 3 if depth < 2 else 1)):
            self.node(f"{prefix}/{word}", used, depth + 1, out, True)
        if rng.random() < 0.6:
            slug = self.fresh_slug(used)
            if slug is not None:
                self.node(f"{prefix}/[{slug}]", [*used, slug], depth + 1, out, True)
                if used and rng.random() < 0.3:  # text around a param: a static segment to sorting
                    other = self.fresh_slug([*used, slug])
                    if other is not None:
                        seg = rng.choice([f"p-[{other}]", f"[{other}].json", f"v[{other}]x"])
                        out.append(f"{prefix}/{seg}")
        if catch is not None and depth <= 3:
            slug = self.fresh_slug(used)
            if slug is not None:
                seg = f"[...{slug}]" if catch == "rest" else f"[[...{slug}]]"
                out.append(f"{prefix or ''}/{seg}")
        if depth == 0 and rng.random() < 0.3:
            slug = self.fresh_slug(used)
            if slug is not None:
                out.append(f"/[{'[...' + slug + ']' if rng.random() < 0.5 else '...' + slug}]")


def _fix_root_catch_all(routes: list[str]) -> list[str]:
    """Drop a root optional catch-all beside other root-level dynamic entries it conflicts with."""
    roots = [r for r in routes if r.count("/") == 1 and r.startswith("/[")]
    kinds = {("opt" if r.startswith("/[[...") else "rest" if r.startswith("/[...") else "one")
             for r in roots}  # fmt: skip
    if {"opt", "rest"} <= kinds:
        routes = [r for r in routes if not r.startswith("/[[...")]
    return routes


class PathGen:
    """Pathnames for one table: hits on every route, variants and near misses."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def value(self) -> str:
        """One param value (raw, as it appears in the URL)."""
        return self.rng.choice(VALUES)

    def fill(self, page: str) -> str:
        """A path the page's own regex should match, with random values."""
        parts = []
        for seg in page.split("/")[1:]:
            m = re.fullmatch(r"([^\[]*)\[((?:\[[^\]]*\])|[^\]]+)\](.*)", seg)
            if m is None:
                parts.append(seg)
                continue
            before, param, after = m.groups()
            if param.startswith(("...", "[...")):
                n = self.rng.randint(0 if param.startswith("[") else 1, 3)
                vals = [self.value() for _ in range(n)]
                if n and self.rng.random() < 0.15:
                    vals.insert(self.rng.randint(0, n), "")
                if not vals:
                    continue
                parts.append(before + "/".join(vals) + after)
            else:
                parts.append(before + self.value() + after)
        return "/" + "/".join(parts)

    def for_table(self, routes: list[str]) -> list[str]:
        """Paths for a table, in a fixed order, de-duplicated."""
        rng = self.rng
        paths = ["", "/", "//", "/%", "/%E0%A4%A", "/index", "/nope"]
        for page in sorted(set(routes)):
            paths.append(page)
            paths.append(page + "/")
            if "[" in page:
                paths.append(page.replace("[", "%5B").replace("]", "%5D"))
                for _ in range(3):
                    paths.append(self.fill(page))
                paths.append(self.fill(page) + "/")
            upper = page.upper()
            if upper != page:
                paths.append(upper)
            if rng.random() < 0.5:
                paths.append(page.rstrip("/") + "/" + self.value())
            if page.count("/") > 1:
                paths.append(page.rsplit("/", 1)[0] + "//" + page.rsplit("/", 1)[1])
            if "a b" in page or "café" in page or "Ωmega" in page:
                paths.append(page.replace(" ", "%20").replace("é", "%C3%A9").replace("Ω", "%CE%A9"))
            if "caf%C3%A9" in page:
                paths.append(page.replace("caf%C3%A9", "café"))
        seen: dict[str, None] = {}
        for p in paths:
            seen.setdefault(p, None)
        out = list(seen)
        if len(out) > 70:
            out = out[:7] + sorted(rng.sample(out[7:], 63), key=out.index)
        return out


# Hand-written invalid (and borderline valid) tables.
HAND_TABLES: list[list[str]] = [
    ["/blog/[slug]", "/blog/[id]/edit"],
    ["/[[...slug]]", "/[...rest]"],
    ["/[...rest]", "/[[...slug]]"],
    ["/docs/[[...slug]]/more"],
    ["/docs/[...slug]/more"],
    ["/a/[[x]]"],
    ["/[a]/b/[a]"],
    ["/[a-b]/[ab]"],
    ["/[ab]/x/[...a-b]"],
    ["/shop/[a]", "/shop/[a]/[[...rest]]"],
    ["/[a]", "/[a]/[[...rest]]"],
    ["/[…slug]"],
    ["/[[[x]]]"],
    ["/[.x]"],
    ["/[....x]"],
    ["/[z]/b[[...x]]"],
    ["/[z]/b[...x]"],
    ["/[z]/b[[x]]"],
    ["/[x]/[...y]/[z]"],
    ["/api/auth/[...nextauth]", "/api/[...rest]", "/api/auth/[...other]"],
    ["/", "/[[...slug]]"],
    ["/x", "/x/[[...slug]]"],
    ["/[x]/a", "/[y]/b", "/[x]/c"],
    ["/[a]/[b]", "/[a]/[c]/d"],
    ["/[[...a]]", "/[[...b]]"],
    ["/p/[]", "/p/[x]"],
    ["/[...]", "/[a]"],
    ["/[x]/[...x]"],
    ["/[[...a]]/b"],
    ["/[a]/[[...b]]", "/[a]/[...c]"],
]


def _mutate(rng: random.Random, routes: list[str]) -> list[str]:
    """A valid table plus one route likely to be rejected."""
    dynamic = [r for r in routes if "[" in r and "/" in r]
    base = rng.choice(dynamic) if dynamic else "/[id]"
    segs = base.split("/")[1:]
    where = rng.randrange(len(segs))
    head = "/" + "/".join(segs[:where]) if where else ""
    kind = rng.randrange(6)
    if kind == 0:
        new = f"{head}/[zz{rng.randrange(9)}]/tail"
    elif kind == 1:
        new = f"{head}/[...o{rng.randrange(9)}]"
    elif kind == 2:
        new = f"{head}/[[...o{rng.randrange(9)}]]"
    elif kind == 3:
        new = f"{head}/[[...m]]/after"
    elif kind == 4:
        new = f"{base}/[[...deep]]" if not base.endswith("]]") else f"{base}/x"
    else:
        new = f"{head}/[[opt]]"
    out = [*routes, new]
    rng.shuffle(out)
    return out


def generate(oracle_dir: str) -> dict[str, object]:
    """Build the inputs, run the oracle once, return the vector document."""
    rng = random.Random(SEED)
    tgen, pgen = TableGen(rng), PathGen(rng)
    tables: list[dict[str, object]] = []
    for _ in range(90):
        routes = _fix_root_catch_all(tgen.table())
        tables.append({"routes": routes, "paths": pgen.for_table(routes)})
    seed_table = ["/", "/dashboard", "/api/auth/[...nextauth]", "/api/health"]
    tables.append({"routes": seed_table, "paths": [
        "/api/auth/session", "/api/auth/signin/github", "/api/auth/[...nextauth]",
        "/api/auth/%5B...nextauth%5D", "/api/auth", "/api/auth/", "/API/auth/session",
        "/api/health", "/api/health/", "/dashboard", "/Dashboard", "/api/auth/%E0%A4%A",
        "/api/auth/a/%", "/api/auth/%2F", "/api/auth//x", "/api/auth/_NEXTSEP_x/_NEXTSEP_y",
    ]})  # fmt: skip
    for routes in HAND_TABLES:
        tables.append({"routes": routes, "paths": pgen.for_table(routes)})
    for _ in range(40):
        tables.append({"routes": _mutate(rng, _fix_root_catch_all(tgen.table())), "paths": []})
    env = dict(os.environ, ORACLE_DIR=oracle_dir)
    proc = subprocess.run(
        ["node", str(HERE / "routes_oracle.js")],
        input=json.dumps({"tables": tables}),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode:
        sys.exit(f"routes_oracle.js failed:\n{proc.stderr}")
    answer = json.loads(proc.stdout)
    out_tables = []
    for given, got in zip(tables, answer["tables"], strict=True):
        entry: dict[str, object] = {"routes": given["routes"], **got}
        if "error" in got:
            entry.pop("cases", None)
        out_tables.append(entry)
    return {
        "generator": "tests/vectors/gen_routes.py + routes_oracle.js",
        "next_version": answer["next_version"],
        "seed": SEED,
        "tables": out_tables,
    }


def _url_clean(path: str) -> bool:
    """Whether WHATWG URL parsing leaves `path` as it is (so resolve.js sees the same pathname)."""
    return (
        bool(path)
        and "//" not in path
        and re.fullmatch(r"[!-~]+", path) is not None
        and re.search(r"/\.\.?(/|$)", path) is None
        and "%2e" not in path.lower()
        and not set("?#\\") & set(path)
    )


def cross_check(doc: dict[str, object], resolve_js: Path, oracle_dir: str) -> int:
    """Compare the recorded results with the full resolve.js pipeline; return the disagreements."""
    env = dict(os.environ, ORACLE_DIR=oracle_dir)
    agree = disagree = 0
    tables = doc["tables"]
    assert isinstance(tables, list)
    for table in tables:
        if "error" in table:
            continue
        cases = [c for c in table["cases"] if _url_clean(c["path"])]
        request = {"config": {"skipTrailingSlashRedirect": True}, "routes": table["routes"],
                   "requests": [c["path"] for c in cases]}  # fmt: skip
        proc = subprocess.run(["node", str(resolve_js)], input=json.dumps(request),
                              capture_output=True, text=True, env=env, check=True)  # fmt: skip
        for case, line in zip(cases, proc.stdout.splitlines(), strict=True):
            got = json.loads(line)
            recorded = case["result"]
            if recorded is None:
                expected: dict[str, object] = {"kind": "not_found"}
            elif "error" in recorded:
                expected = {"kind": "error", "status": 400}
            else:
                expected = {"kind": "local", "route": recorded["item_path"],
                            "params": recorded.get("params")}  # fmt: skip
            seen = {k: got.get(k) for k in expected}
            if seen == expected:
                agree += 1
            else:
                disagree += 1
                print(f"DISAGREE {case['path']!r} {table['routes']}: {expected} vs {seen}")
    print(f"cross-check: {agree} agree, {disagree} disagree")
    return disagree


def main() -> None:
    """Parse arguments, generate, write, and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    default_dir = os.environ.get("ORACLE_DIR", str(Path.home() / ".cache" / "next-oracle"))
    parser.add_argument("--oracle-dir", default=default_dir)
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--cross-check", action="store_true")
    parser.add_argument("--resolve", default=str(DEFAULT_RESOLVE))
    args = parser.parse_args()
    doc = generate(args.oracle_dir)
    if args.cross_check:
        sys.exit(1 if cross_check(doc, Path(args.resolve), args.oracle_dir) else 0)
    Path(args.out).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
    tables = doc["tables"]
    assert isinstance(tables, list)
    valid = [t for t in tables if "error" not in t]
    cases = sum(len(t["cases"]) for t in valid)
    print(f"{len(tables)} tables ({len(valid)} valid, {len(tables) - len(valid)} rejected), "
          f"{cases} pathnames -> {args.out}")  # fmt: skip


if __name__ == "__main__":
    main()
