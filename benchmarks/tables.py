"""Realistic large routing tables, and request mixes for them, from fixed seeds.

    from benchmarks.tables import make_table
    config, requests = make_table(10_000)

Mostly literal migration redirects and rewrites, then params behind literal prefixes, custom-regex
params, catch-alls, a few root-level dynamic sources with lookaheads (always candidates for the
index) and some `has` conditions, spread over headers, redirects, beforeFiles, afterFiles and
fallback. Requests hit rules at every depth, miss them narrowly (a changed character, an extra or
missing segment, another case, a trailing slash) or miss the table entirely.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

SECTIONS = [
    "blog", "docs", "shop", "help", "news", "careers", "press", "store", "learn", "guides",
    "events", "partners", "support", "about", "legal", "labs", "community", "pricing",
]  # fmt: skip
WORDS = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
]  # fmt: skip
UPSTREAM = "https://upstream.example.com"

Rule = dict[str, Any]


class _Maker:
    """Draws rules and remembers, per rule, how to build a path it matches."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0
        #: (source-shaped path builder) for every generated rule: hits are drawn from these.
        self.hits: list[Callable[[], str]] = []

    def slug(self) -> str:
        """A unique slug such as `delta-echo-1234`."""
        self.serial += 1
        return f"{self.rng.choice(WORDS)}-{self.rng.choice(WORDS)}-{self.serial}"

    def word(self) -> str:
        """A random word."""
        return self.rng.choice(WORDS)

    def prefix(self, depth: int) -> str:
        """A literal prefix of `depth` segments, first one a section."""
        parts = [self.rng.choice(SECTIONS)] + [self.word() for _ in range(depth - 1)]
        return "/" + "/".join(parts)

    def literal(self) -> tuple[str, str]:
        """`/old/blog/delta-echo-12` → `/blog/delta-echo-12` (a migration)."""
        section, slug = self.rng.choice(SECTIONS), self.slug()
        depth = self.rng.choice([0, 1, 1, 2])
        middle = "".join("/" + self.word() for _ in range(depth))
        source = f"/old/{section}{middle}/{slug}"
        self.hits.append(lambda: source)
        return source, f"/{section}/{slug}"

    def param(self) -> tuple[str, str]:
        """`/shop/kilo/item-3/:slug` → `/shop/:slug` (a param behind literals)."""
        head = self.prefix(self.rng.choice([1, 2, 3])) + f"/i{self.serial}"
        self.serial += 1
        source = f"{head}/:slug"
        self.hits.append(lambda: f"{head}/{self.word()}")
        return source, f"/p{head}/:slug"

    def custom(self) -> tuple[str, str]:
        """`/docs/v12/:id(\\d+)` → `/docs/item/:id` (a custom-regex param)."""
        head = self.prefix(self.rng.choice([1, 2])) + f"/v{self.serial}"
        self.serial += 1
        source = head + "/:id(\\d+)"
        self.hits.append(lambda: f"{head}/{self.rng.randrange(10**6)}")
        return source, f"/p{head}/:id"

    def catch_all(self) -> tuple[str, str]:
        """`/news/kilo/c12/:path*` → an upstream (a proxied catch-all)."""
        head = self.prefix(self.rng.choice([1, 2])) + f"/c{self.serial}"
        self.serial += 1
        source = head + "/:path*"
        self.hits.append(lambda: f"{head}/{self.word()}/{self.word()}")
        return source, f"{UPSTREAM}{head}/:path*"


def _rule(kind: str, source: str, destination: str, rng: random.Random) -> Rule:
    """One rule of `kind` ('redirect', 'header' or 'rewrite'), sometimes with a `has`."""
    rule: Rule = {"source": source}
    if kind == "header":
        rule["headers"] = [{"key": "x-rule", "value": source[:40]}]
    else:
        rule["destination"] = destination
    if kind == "redirect":
        rule["permanent"] = rng.random() < 0.7
    if rng.random() < 0.05:
        rule["has"] = [{"type": "cookie", "key": "beta", "value": "(?<beta>on|yes)"}]
    return rule


#: A few root-level dynamic sources per phase (always candidates): lookaheads, locales, `has`.
ROOT_DYNAMIC = [
    ("/:locale(de|ja|pt)/:rest*", "/:rest*"),
    ("/((?!_next|api|static).*)\\.php", "/legacy"),
    ("/:path((?!old/).*)/amp", "/amp/:path"),
]


def _phase_rules(maker: _Maker, kind: str, count: int, rng: random.Random) -> list[Rule]:
    """`count` rules for one phase: mostly literal, then params, custom, catch-alls."""
    shapes = [maker.literal, maker.param, maker.custom, maker.catch_all]
    weights = [70, 14, 8, 8] if kind != "header" else [30, 30, 10, 30]
    rules = [_rule(kind, *rng.choices(shapes, weights)[0](), rng) for _ in range(count)]
    for at, (source, destination) in zip(
        sorted(rng.sample(range(count + 1), len(ROOT_DYNAMIC))), ROOT_DYNAMIC, strict=True
    ):
        rules.insert(at, _rule(kind, source, destination, rng) | _root_guard(kind))
    return rules[:count]


def _root_guard(kind: str) -> Rule:
    """Root-level rules only apply with a header, so that they cost a try but rarely decide."""
    return {"has": [{"type": "header", "key": "x-legacy-client"}]}


def make_config(size: int, seed: int = 2026) -> tuple[dict[str, Any], _Maker]:
    """A next.config-shaped table of about `size` rules (`basePath` unset)."""
    rng = random.Random(seed)
    maker = _Maker(rng)
    share = {
        "headers": 0.05,
        "redirects": 0.40,
        "beforeFiles": 0.10,
        "afterFiles": 0.35,
        "fallback": 0.10,
    }
    counts = {name: max(len(ROOT_DYNAMIC) + 1, int(size * part)) for name, part in share.items()}
    config: dict[str, Any] = {
        "headers": _phase_rules(maker, "header", counts["headers"], rng),
        "redirects": _phase_rules(maker, "redirect", counts["redirects"], rng),
        "rewrites": {
            phase: _phase_rules(maker, "rewrite", counts[phase], rng)
            for phase in ("beforeFiles", "afterFiles", "fallback")
        },
    }
    return config, maker


def _near_miss(path: str, rng: random.Random) -> str:
    """A path one small edit away from `path`."""
    edit = rng.randrange(4)
    if edit == 0:
        at = rng.randrange(1, len(path))
        return path[:at] + ("x" if path[at] != "x" else "y") + path[at + 1 :]
    if edit == 1:
        return path + "/" + rng.choice(WORDS)
    if edit == 2:
        return path.rsplit("/", 1)[0] or "/"
    return "/" + rng.choice(WORDS) + path


def make_requests(maker: _Maker, count: int, seed: int = 7) -> list[str]:
    """Request paths: 50% hits, 30% near misses, 10% case or slash variants, 10% total misses."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(count):
        roll = rng.random()
        path = rng.choice(maker.hits)()
        if roll < 0.5:
            out.append(path)
        elif roll < 0.8:
            out.append(_near_miss(path, rng))
        elif roll < 0.9:
            out.append(path.upper() if rng.random() < 0.5 else path + "/")
        else:
            out.append("/" + "/".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 4))))
    return out


def make_table(
    size: int, requests: int = 2_000, seed: int = 2026
) -> tuple[dict[str, Any], list[str]]:
    """A table of about `size` rules and `requests` request paths for it, reproducibly."""
    config, maker = make_config(size, seed)
    return config, make_requests(maker, requests, seed + size)


def make_tenants(
    tenants: int, requests: int = 2_000, seed: int = 2026
) -> tuple[dict[str, Any], list[tuple[str, dict[str, str]]]]:
    """A multi-tenant proxy's table and requests: per tenant a host-only catch-all (`/:path*`
    with a `has` host value, written with plain or escaped dots) and often an `/api` rule; the
    requests carry a tenant's Host header (sometimes in upper case, with a port), or an unknown
    one."""
    rng = random.Random(seed)
    rules: list[Rule] = []
    hosts = [f"{rng.choice(WORDS)}-{n}.example.com" for n in range(tenants)]
    for n, host in enumerate(hosts):
        value = host if n % 2 else host.replace(".", "\\.")
        has = [{"type": "host", "value": value}]
        upstream = f"https://tenant-{n}.internal"
        if rng.random() < 0.6:
            rules.append(
                {"source": "/api/:path*", "has": has, "destination": f"{upstream}/v2/:path*"}
            )
        rules.append({"source": "/:path*", "has": has, "destination": f"{upstream}/:path*"})
    out: list[tuple[str, dict[str, str]]] = []
    for _ in range(requests):
        host = (
            rng.choice(hosts) if rng.random() < 0.9 else f"unknown-{rng.randrange(99)}.example.com"
        )
        if rng.random() < 0.2:
            host = host.upper() + ":443"
        path = "/" + "/".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 4)))
        out.append((rng.choice(["", "/api"]) + path, {"host": host}))
    return {"rewrites": rules}, out
