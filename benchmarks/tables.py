"""Realistic large routing tables, and request mixes for them, from fixed seeds.

    from benchmarks.tables import MIXES, make_table
    config, requests = make_table(10_000)                      # 2% parameter-led rules
    config, requests = make_table(10_000, param_share=0.30)    # 30%
    config, requests = MIXES["locale"](100_000)                # every rule starts with /:locale/

Mostly literal migration redirects and rewrites, then params behind literal prefixes, custom-regex
params, catch-alls, a few root-level dynamic sources with lookaheads, a `/:path*` header rule and
some `has` conditions, spread over headers, redirects, beforeFiles, afterFiles and fallback.

`param_share` of every phase starts with a parameter, as real tables' rules do more and more as
they grow: locale-prefixed moves (`/:locale(en|fr|de)/old-page-123`), tenant and region prefixes
(`/:tenant/docs/page-9`, `/:region/store/s4/:id`), optional leading params (`/:lang?/pricing-7`),
suffix rules (`/(.*)/amp-42`, `/:path*/index-7.html`), and a few with mixed-case or non-ASCII
literals (`/:locale/About-Kilo-3`, `/:locale/caf%C3%A9-5`, and `/:locale/straße-6`, which Next.js
never matches: it matches the percent-encoded path). Their count grows with the table; only the
four root-level sources per phase (`ROOT_DYNAMIC`) are a constant few, and they count towards
the share. A few rules have no literal at all, as in real tables, and stay that few: one
`ROOT_DYNAMIC` source per phase and the `/:path*` security-headers rule (`EVERY_PATH`).

Requests hit rules at every depth at each rule's own rate (parameter-led ones included), miss them
narrowly (a changed character, an extra or missing segment, another case, a trailing slash) or miss
the table entirely.

`literal_free` and `parameter_led` classify a compiled source, for the benchmark's report.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Callable, Sequence
from typing import Any

import rewrites

SECTIONS = [
    "blog", "docs", "shop", "help", "news", "careers", "press", "store", "learn", "guides",
    "events", "partners", "support", "about", "legal", "labs", "community", "pricing",
]  # fmt: skip
WORDS = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
]  # fmt: skip
#: The locales `/:locale(en|fr|de)` accepts, and some it does not (near misses for it, and
#: values for the plain `/:locale` param, which accepts any segment).
LOCALES = ["en", "fr", "de"]
OTHER_LOCALES = ["es", "it", "nl", "pt-br", "ja"]
UPSTREAM = "https://upstream.example.com"

Rule = dict[str, Any]
#: A table's config and its request paths.
Table = tuple[dict[str, Any], list[str]]


class _Maker:
    """Draws rules and remembers, per rule, how to build a path it matches."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0
        #: (source, path builder) for every generated rule that can match: hits are drawn from
        #: these, one rule as likely as another.
        self.hits: list[tuple[str, Callable[[], str]]] = []

    def next(self) -> int:
        """A fresh serial number, so that every rule's literal text is its own."""
        self.serial += 1
        return self.serial

    def slug(self) -> str:
        """A unique slug such as `delta-echo-1234`."""
        return f"{self.rng.choice(WORDS)}-{self.rng.choice(WORDS)}-{self.next()}"

    def word(self) -> str:
        """A random word."""
        return self.rng.choice(WORDS)

    def words(self, low: int, high: int) -> str:
        """`low` to `high` random words as path segments, each with a leading '/'."""
        return "".join("/" + self.word() for _ in range(self.rng.randint(low, high)))

    def locale(self) -> str:
        """A locale segment, usually one of LOCALES."""
        return self.rng.choice(LOCALES if self.rng.random() < 0.8 else OTHER_LOCALES)

    def prefix(self, depth: int) -> str:
        """A literal prefix of `depth` segments, first one a section."""
        parts = [self.rng.choice(SECTIONS)] + [self.word() for _ in range(depth - 1)]
        return "/" + "/".join(parts)

    def hit(self, source: str, build: Callable[[], str]) -> None:
        """Remember how to build a path that `source` matches."""
        self.hits.append((source, build))

    # --- literal-led shapes ------------------------------------------------------------------

    def literal(self) -> tuple[str, str]:
        """`/old/blog/delta-echo-12` → `/blog/delta-echo-12` (a migration)."""
        section, slug = self.rng.choice(SECTIONS), self.slug()
        depth = self.rng.choice([0, 1, 1, 2])
        middle = "".join("/" + self.word() for _ in range(depth))
        source = f"/old/{section}{middle}/{slug}"
        self.hit(source, lambda: source)
        return source, f"/{section}/{slug}"

    def param(self) -> tuple[str, str]:
        """`/shop/kilo/i3/:slug` → `/p/shop/kilo/i3/:slug` (a param behind literals)."""
        head = self.prefix(self.rng.choice([1, 2, 3])) + f"/i{self.next()}"
        source = f"{head}/:slug"
        self.hit(source, lambda: f"{head}/{self.word()}")
        return source, f"/p{head}/:slug"

    def custom(self) -> tuple[str, str]:
        """`/docs/v12/:id(\\d+)` → `/p/docs/v12/:id` (a custom-regex param)."""
        head = self.prefix(self.rng.choice([1, 2])) + f"/v{self.next()}"
        source = head + "/:id(\\d+)"
        self.hit(source, lambda: f"{head}/{self.rng.randrange(10**6)}")
        return source, f"/p{head}/:id"

    def catch_all(self) -> tuple[str, str]:
        """`/news/kilo/c12/:path*` → an upstream (a proxied catch-all)."""
        head = self.prefix(self.rng.choice([1, 2])) + f"/c{self.next()}"
        source = head + "/:path*"
        self.hit(source, lambda: f"{head}/{self.word()}/{self.word()}")
        return source, f"{UPSTREAM}{head}/:path*"

    # --- parameter-led shapes ----------------------------------------------------------------

    def locale_move(self) -> tuple[str, str]:
        """`/:locale(en|fr|de)/old-page-12` → `/:locale/new-page-12` (a localized move)."""
        n = self.next()
        source = f"/:locale({'|'.join(LOCALES)})/old-page-{n}"
        self.hit(source, lambda: f"/{self.rng.choice(LOCALES)}/old-page-{n}")
        return source, f"/:locale/new-page-{n}"

    def tenant(self) -> tuple[str, str]:
        """`/:tenant/docs/page-9` → `/t/:tenant/docs/page-9` (a shared section, a unique page)."""
        section, n = self.rng.choice(SECTIONS), self.next()
        source = f"/:tenant/{section}/page-{n}"
        self.hit(source, lambda: f"/{self.word()}-{self.rng.randrange(100)}/{section}/page-{n}")
        return source, f"/t/:tenant/{section}/page-{n}"

    def region(self) -> tuple[str, str]:
        """`/:region/store/s4/:id` → `/store/s4/:region/:id` (a param on each side)."""
        n = self.next()
        source = f"/:region/store/s{n}/:id"
        self.hit(source, lambda: f"/{self.word()}/store/s{n}/{self.rng.randrange(10**5)}")
        return source, f"/store/s{n}/:region/:id"

    def optional_lang(self) -> tuple[str, str]:
        """`/:lang?/pricing-7` → `/pricing/7` (an optional leading param)."""
        n = self.next()
        source = f"/:lang?/pricing-{n}"
        self.hit(
            source,
            lambda: (f"/{self.locale()}" if self.rng.random() < 0.6 else "") + f"/pricing-{n}",
        )
        return source, f"/pricing/{n}"

    def amp(self) -> tuple[str, str]:
        """`/(.*)/amp-42` → `/amp/42` (a suffix after a group that spans segments)."""
        n = self.next()
        source = f"/(.*)/amp-{n}"
        self.hit(source, lambda: f"{self.words(1, 3)}/amp-{n}")
        return source, f"/amp/{n}"

    def index_html(self) -> tuple[str, str]:
        """`/:path*/index-7.html` → `/:path*/page-7` (a suffix after a repeated param)."""
        n = self.next()
        source = f"/:path*/index-{n}.html"
        self.hit(source, lambda: f"{self.words(0, 2)}/index-{n}.html")
        return source, f"/:path*/page-{n}"

    def cased(self) -> tuple[str, str]:
        """`/:locale/About-Kilo-3` → `/:locale/about/3` (case matters with caseSensitiveRoutes)."""
        word, n = self.word().capitalize(), self.next()
        source = f"/:locale/About-{word}-{n}"
        self.hit(source, lambda: f"/{self.locale()}/About-{word}-{n}")
        return source, f"/:locale/about/{n}"

    def encoded(self) -> tuple[str, str]:
        """`/:locale/caf%C3%A9-5` → `/:locale/cafe-5`: non-ASCII written as Next.js matches it,
        requested raw (`/fr/café-5`, which the URL parser percent-encodes)."""
        n = self.next()
        source = f"/:locale/caf%C3%A9-{n}"
        self.hit(source, lambda: f"/{self.locale()}/café-{n}")
        return source, f"/:locale/cafe-{n}"

    def raw_non_ascii(self) -> tuple[str, str]:
        """`/:locale/straße-6` → `/:locale/strasse-6`: Next.js matches sources against the
        percent-encoded path, so this rule never matches, but it is a candidate all the same (no
        hit is recorded for it)."""
        n = self.next()
        return f"/:locale/straße-{n}", f"/:locale/strasse-{n}"

    # --- every rule under /:locale/ (the worst case) -----------------------------------------

    def locale_page(self) -> tuple[str, str]:
        """`/:locale/page-12` → `/:locale/new-12`."""
        n = self.next()
        source = f"/:locale/page-{n}"
        self.hit(source, lambda: f"/{self.locale()}/page-{n}")
        return source, f"/:locale/new-{n}"

    def locale_post(self) -> tuple[str, str]:
        """`/:locale/blog/post-12/:slug` → `/:locale/blog/:slug`."""
        section, n = self.rng.choice(SECTIONS), self.next()
        source = f"/:locale/{section}/post-{n}/:slug"
        self.hit(source, lambda: f"/{self.locale()}/{section}/post-{n}/{self.word()}")
        return source, f"/:locale/{section}/:slug"

    def locale_item(self) -> tuple[str, str]:
        """`/:locale/docs-12/:id(\\d+)` → `/:locale/docs/:id`."""
        n = self.next()
        source = f"/:locale/docs-{n}/:id(\\d+)"
        self.hit(source, lambda: f"/{self.locale()}/docs-{n}/{self.rng.randrange(10**4)}")
        return source, "/:locale/docs/:id"

    def locale_rest(self) -> tuple[str, str]:
        """`/:locale/c-12/:path*` → an upstream."""
        n = self.next()
        source = f"/:locale/c-{n}/:path*"
        self.hit(source, lambda: f"/{self.locale()}/c-{n}{self.words(0, 2)}")
        return source, f"{UPSTREAM}/:locale/c-{n}/:path*"


Shape = Callable[[_Maker], tuple[str, str]]

#: Literal-led shapes and their weights, in rewrite and redirect phases and in headers.
LITERAL_LED: list[tuple[Shape, int, int]] = [
    (_Maker.literal, 70, 30),
    (_Maker.param, 14, 30),
    (_Maker.custom, 8, 10),
    (_Maker.catch_all, 8, 30),
]
#: Parameter-led shapes and their weights.
PARAMETER_LED: list[tuple[Shape, int]] = [
    (_Maker.locale_move, 24),
    (_Maker.tenant, 16),
    (_Maker.region, 10),
    (_Maker.optional_lang, 14),
    (_Maker.amp, 10),
    (_Maker.index_html, 10),
    (_Maker.cased, 8),
    (_Maker.encoded, 6),
    (_Maker.raw_non_ascii, 2),
]
#: The worst case's shapes: every one starts with `/:locale/`.
LOCALE_LED: list[tuple[Shape, int]] = [
    (_Maker.locale_page, 70),
    (_Maker.locale_post, 15),
    (_Maker.locale_item, 10),
    (_Maker.locale_rest, 5),
]

#: A few root-level dynamic sources per phase, guarded by a header so that they cost a try but
#: rarely decide: one with a finite alternation, one with a literal tail after a lookahead group,
#: one with a literal segment after one, and one with no literal at all (a candidate for every
#: path whatever an index does).
ROOT_DYNAMIC = [
    ("/:locale(de|ja|pt)/:rest*", "/:rest*"),
    ("/((?!_next|api|static).*)\\.php", "/legacy"),
    ("/:path((?!old/).*)/amp", "/amp/:path"),
    ("/((?!api/|_next/).*)", "/legacy-app"),
]
#: The header rule nearly every real table has: security headers on every path, unguarded.
EVERY_PATH: Rule = {"source": "/:path*", "headers": [{"key": "x-frame-options", "value": "DENY"}]}

#: How the rules are spread over the phases.
PHASE_SHARES = {
    "headers": 0.05,
    "redirects": 0.40,
    "beforeFiles": 0.10,
    "afterFiles": 0.35,
    "fallback": 0.10,
}


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


def _draw(rng: random.Random, shapes: Sequence[tuple[Shape, int]], count: int) -> list[Shape]:
    """`count` shapes drawn by weight."""
    return rng.choices([s for s, _ in shapes], [w for _, w in shapes], k=count)


def _phase_rules(
    maker: _Maker, kind: str, count: int, param_share: float, rng: random.Random
) -> list[Rule]:
    """`count` rules for one phase, `param_share` of them parameter-led (ROOT_DYNAMIC included),
    in random order."""
    led = max(len(ROOT_DYNAMIC), round(count * param_share))
    column = 2 if kind == "header" else 1
    literal_led = [(shape, weights[column - 1]) for shape, *weights in LITERAL_LED]
    every = kind == "header"  # one EVERY_PATH rule
    shapes = _draw(rng, literal_led, count - led - every) + _draw(
        rng, PARAMETER_LED, led - len(ROOT_DYNAMIC)
    )
    rng.shuffle(shapes)
    rules = [_rule(kind, *shape(maker), rng) for shape in shapes]
    for at, (source, destination) in zip(
        sorted(rng.sample(range(len(rules) + 1), len(ROOT_DYNAMIC))), ROOT_DYNAMIC, strict=True
    ):
        rules.insert(at, _rule(kind, source, destination, rng) | _ROOT_GUARD)
    if every:
        rules.insert(rng.randrange(len(rules) + 1), EVERY_PATH)
    return rules


_ROOT_GUARD: Rule = {"has": [{"type": "header", "key": "x-legacy-client"}]}


def _config(phases: dict[str, list[Rule]], case_sensitive: bool) -> dict[str, Any]:
    """The next.config mapping for each phase's rules."""
    config: dict[str, Any] = {
        "headers": phases["headers"],
        "redirects": phases["redirects"],
        "rewrites": {p: phases[p] for p in ("beforeFiles", "afterFiles", "fallback")},
    }
    if case_sensitive:
        config["caseSensitiveRoutes"] = True
    return config


_KIND = {"headers": "header", "redirects": "redirect"}


def make_config(
    size: int, seed: int = 2026, *, param_share: float = 0.02, case_sensitive: bool = False
) -> tuple[dict[str, Any], _Maker]:
    """A next.config-shaped table of about `size` rules (`basePath` unset), `param_share` of
    them parameter-led; `case_sensitive` sets `caseSensitiveRoutes` (beforeFiles stays
    case-insensitive, as in Next.js)."""
    if not 0 <= param_share <= 1:
        raise ValueError(f"got param_share={param_share!r}; expected a share between 0 and 1")
    rng = random.Random(seed)
    maker = _Maker(rng)
    phases = {
        name: _phase_rules(
            maker,
            _KIND.get(name, "rewrite"),
            max(len(ROOT_DYNAMIC) + 2, int(size * part)),
            param_share,
            rng,
        )
        for name, part in PHASE_SHARES.items()
    }
    return _config(phases, case_sensitive), maker


def make_locale_config(
    size: int, seed: int = 2026, *, case_sensitive: bool = False
) -> tuple[dict[str, Any], _Maker]:
    """The worst case: about `size` rules that all start with `/:locale/` (`/:locale/page-12`,
    `/:locale/blog/post-3/:slug`, ...), spread over the phases as `make_config` spreads them."""
    rng = random.Random(seed)
    maker = _Maker(rng)
    phases = {
        name: [
            _rule(_KIND.get(name, "rewrite"), *shape(maker), rng)
            for shape in _draw(rng, LOCALE_LED, max(1, int(size * part)))
        ]
        for name, part in PHASE_SHARES.items()
    }
    return _config(phases, case_sensitive), maker


def _near_miss(path: str, rng: random.Random) -> str:
    """A path one small edit away from `path`."""
    edit = rng.randrange(5)
    if edit == 0:
        at = rng.randrange(1, len(path))
        return path[:at] + ("x" if path[at] != "x" else "y") + path[at + 1 :]
    if edit == 1:
        return path + "/" + rng.choice(WORDS)
    if edit == 2:
        return path.rsplit("/", 1)[0] or "/"
    if edit == 3:
        # Another first segment: a locale the rule does not accept, or a new prefix.
        head, _, rest = path[1:].partition("/")
        return f"/{rng.choice(OTHER_LOCALES)}/{rest}" if rest else f"/{head}x"
    return "/" + rng.choice(WORDS) + path


def make_requests(maker: _Maker, count: int, seed: int = 7) -> list[str]:
    """Request paths: 50% hits, 30% near misses, 10% case or slash variants, 10% total misses."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(count):
        roll = rng.random()
        path = rng.choice(maker.hits)[1]()
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
    size: int,
    requests: int = 2_000,
    seed: int = 2026,
    *,
    param_share: float = 0.02,
    case_sensitive: bool = False,
) -> Table:
    """A table of about `size` rules, `param_share` of them parameter-led, and `requests`
    request paths for it, reproducibly."""
    config, maker = make_config(size, seed, param_share=param_share, case_sensitive=case_sensitive)
    return config, make_requests(maker, requests, seed + size)


def make_locale_table(
    size: int, requests: int = 2_000, seed: int = 2026, *, case_sensitive: bool = False
) -> Table:
    """The all-`/:locale/` table of about `size` rules and `requests` request paths for it."""
    config, maker = make_locale_config(size, seed, case_sensitive=case_sensitive)
    return config, make_requests(maker, requests, seed + size)


#: The benchmark's table mixes: name → (size, requests) → table.
MIXES: dict[str, Callable[[int, int], Table]] = {
    "2%": functools.partial(make_table, param_share=0.02),
    "10%": functools.partial(make_table, param_share=0.10),
    "30%": functools.partial(make_table, param_share=0.30),
    "locale": make_locale_table,
}
#: How each mix is named in reports.
MIX_LABELS = {
    "2%": "2% parameter-led",
    "10%": "10% parameter-led",
    "30%": "30% parameter-led",
    "locale": "all /:locale/",
}


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


# --- classifying sources ---------------------------------------------------------------------

#: A custom param pattern that is a finite alternation of literal words (`en|fr|de`).
_ALTERNATION = re.compile(r"[A-Za-z0-9_.~-]+(?:\|[A-Za-z0-9_.~-]+)*")


def parameter_led(pattern: rewrites.Pattern) -> bool:
    """Whether a source starts with a parameter (`/:locale/...`, `/(.*)/amp`, `/:lang?/x`).

    >>> parameter_led(rewrites.compile("/:locale/page-1")), parameter_led(rewrites.compile("/a/:b"))
    (True, False)
    """
    return bool(pattern.tokens) and isinstance(pattern.tokens[0], rewrites.Key)


def literal_free(pattern: rewrites.Pattern) -> bool:
    """Whether a source has no literal that every path it matches must contain: no whole literal
    segment (literal text that starts with '/' and is followed by '/' or the end), no required
    param that is a finite alternation of literals, and no literal tail (`/:name*.json`, the
    built-in `/:path+/`). Such a rule is a candidate for every path.

    >>> [literal_free(rewrites.compile(s)) for s in ("/:path*", "/((?!api).*)", "/(.*)/amp-4")]
    [True, True, False]
    """
    tokens = pattern.tokens
    if tokens and isinstance(tokens[-1], str):
        return False  # a literal tail
    for at, token in enumerate(tokens):
        if isinstance(token, rewrites.Key):
            if (
                token.name != ""
                and token.custom
                and not token.optional
                and _ALTERNATION.fullmatch(token.pattern)
            ):
                return False
            continue
        pieces = token.split("/")
        for j in range(1, len(pieces)):
            if pieces[j] and (j < len(pieces) - 1 or _segment_ends(tokens, at + 1)):
                return False
    return True


def _segment_ends(tokens: Sequence[str | rewrites.Key], at: int) -> bool:
    """Whether a '/' or the end of the path must follow the tokens before `at`."""
    for token in tokens[at:]:
        if isinstance(token, str):
            return token.startswith("/")
        if not token.prefix.startswith("/"):
            return False
        if not token.optional:
            return True
    return True
