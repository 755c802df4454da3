#!/usr/bin/env python3
"""Generate ``middleware.json``: conformance vectors for the middleware (``proxy.ts``) matcher.

Every answer comes from the Next.js oracle (``resolve.js`` in the shared oracle directory): the
matcher value goes into a generated ``proxy.ts`` that next@16.4.6's build code analyses
(``getStaticInfoIncludingLayouts``: SWC, the zod schema, ``getMiddlewareMatchers``), and
resolve-routes decides per request whether the proxy runs (``middleware: true|false``); the
proxy answers ``NextResponse.next()``, so the rest of the answer is the routing that follows.

What is generated:

* **Hand-written configs**: the canonical ``/((?!api|_next/static|_next/image|favicon.ico).*)``
  with and without i18n, basePath and trailingSlash; the matchers real apps copy from the docs of
  Clerk, Supabase and next-intl; matcher objects with ``has``/``missing`` on cookies, headers,
  query and host; ``locale: false``; ``'/'``; a proxy without a matcher; parameters with custom
  patterns; ``/_next/data/<build>/...json`` (this build and another, with data routes, with i18n);
  encoded paths; internal headers; rules that redirect or rewrite before or after the proxy;
  invalid matchers (``setup_error``).
* **Random configs** from fixed seeds: a matcher list drawn from a pool, maybe i18n, basePath,
  trailingSlash, data routes, public files and rules; requests drawn from the matchers and the
  routes, with data forms, encodings, case changes, trailing slashes, cookies, headers and query.

Output format (read by tests/test_middleware.py)::

    {"generator": "tests/vectors/gen_middleware.py", "oracle": "next@16.4.6 resolve.js",
     "configs": [{"name", "config", "routes", "middleware", "public_files"?, "data_routes"?,
                  "requests": [{"url", "headers"}], "results": [<oracle JSON line>]}]}

Re-run (needs node and the oracle set up, see the oracle README)::

    python3 tests/vectors/gen_middleware.py [--oracle ../shared/oracle] [--out ...]

Re-running gives byte-identical output. Python 3.11, stdlib only.
"""

from __future__ import annotations

import random
import sys
from typing import Any

from _resolve_oracle import generate

GENERATOR = "tests/vectors/gen_middleware.py"
RANDOM_SEEDS = range(1, 27)

Req = dict[str, Any]

CANONICAL = "/((?!api|_next/static|_next/image|favicon.ico).*)"
#: Matchers real apps copy: the Next.js docs, Clerk, Supabase, next-intl, NextAuth.
POPULAR = [
    CANONICAL,
    "/((?!api|_next/static|_next/image|favicon.ico|sitemap.xml|robots.txt).*)",
    "/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp)$).*)",
    "/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?"
    "|xlsx?|zip|webmanifest)).*)",
    "/(api|trpc)(.*)",
    "/((?!api|_next|_vercel|.*\\..*).*)",
    "/((?!.+\\.[\\w]+$|_next).*)",
    "/dashboard/:path*",
    "/(.*)",
    "/:path*",
]


def req(url: str, **headers: str) -> Req:
    return {"url": url, "headers": {k.replace("_", "-"): v for k, v in headers.items()}}


def reqs(*urls: str) -> list[Req]:
    return [req(u) for u in urls]


def entry(
    name: str,
    config: dict[str, Any],
    routes: list[str],
    middleware: Any,
    requests: list[Req],
    **extra: Any,
) -> dict[str, Any]:
    out = {
        "name": name,
        "config": config,
        "routes": routes,
        "middleware": middleware,
        "requests": requests,
    }
    out.update(extra)
    return out


ROUTES = [
    "/",
    "/about",
    "/api/x",
    "/api/auth/[...nextauth]",
    "/blog/[slug]",
    "/dashboard",
    "/dashboard/[...rest]",
    "/docs/[[...p]]",
]
PUBLIC = ["/favicon.ico", "/robots.txt", "/sitemap.xml", "/img/logo.png", "/file with space.txt"]
DATA = ["/", "/about", "/blog/[slug]", "/dashboard"]
PATHS = [
    "/",
    "/about",
    "/About",
    "/about/",
    "/apiary",
    "/api",
    "/api/",
    "/api/x",
    "/API/x",
    "/api-docs",
    "/_next/static/chunks/main.js",
    "/_next/static",
    "/_next/image",
    "/_next/image?url=/img/logo.png&w=64&q=75",
    "/_next/data/BUILD/about.json",
    "/_next/data/BUILD/index.json",
    "/_next/data/BUILD/blog/x.json",
    "/_next/data/OTHER/about.json",
    "/_next/data/BUILD/nope.json",
    "/about.json",
    "/about.rsc",
    "/index",
    "/index.json",
    "/favicon.ico",
    "/robots.txt",
    "/sitemap.xml",
    "/img/logo.png",
    "/file%20with%20space.txt",
    "/%61bout",
    "/%E0%A4%A",
    "/caf%C3%A9",
    "/blog/x",
    "/blog/a.b",
    "/dashboard",
    "/dashboard/a/b",
    "/docs",
    "/docs/a/b",
    "/_vercel/insights",
    "/trpc/x",
    "/x.html",
    "/style.css",
    "/app.js",
    "/data.json",
    "/about?x=1",
    "/nope",
]


def canonical_configs() -> list[dict[str, Any]]:
    i18n = {"locales": ["en", "fr"], "defaultLocale": "en"}
    i18n_paths = PATHS + [
        "/en",
        "/fr",
        "/en/",
        "/fr/about",
        "/fr/api/x",
        "/en/apiary",
        "/de/about",
        "/fr/_next/static/x.js",
        "/_next/data/BUILD/fr/about.json",
        "/_next/data/BUILD/en.json",
        "/fr/favicon.ico",
        "/en/robots.txt",
    ]
    out = [
        entry(
            "canonical", {}, ROUTES, CANONICAL, reqs(*PATHS), public_files=PUBLIC, data_routes=DATA
        ),
        entry(
            "canonical-i18n",
            {"i18n": i18n},
            ROUTES,
            CANONICAL,
            reqs(*i18n_paths),
            public_files=PUBLIC,
            data_routes=DATA,
        ),
        entry(
            "canonical-basepath",
            {"basePath": "/base"},
            ROUTES,
            CANONICAL,
            reqs(
                *(
                    ["/base" + p for p in PATHS if p != "/"]
                    + ["/base", "/base/", "/apiary", "/about"]
                )
            ),
            public_files=PUBLIC,
            data_routes=DATA,
        ),
        entry(
            "canonical-slash",
            {"trailingSlash": True},
            ROUTES,
            CANONICAL,
            reqs(*PATHS, "/about/", "/apiary/", "/blog/x/", "/_next/data/BUILD/about.json"),
            public_files=PUBLIC,
            data_routes=DATA,
        ),
        entry(
            "canonical-home",
            {"i18n": i18n},
            ROUTES,
            ["/", CANONICAL],
            reqs(*i18n_paths),
            public_files=PUBLIC,
            data_routes=DATA,
        ),
    ]
    for n, matcher in enumerate(POPULAR[1:7]):
        out.append(
            entry(
                f"popular-{n}",
                {},
                ROUTES,
                matcher,
                reqs(*PATHS),
                public_files=PUBLIC,
                data_routes=DATA,
            )
        )
    out.append(
        entry(
            "popular-intl",
            {"i18n": {"locales": ["en", "de"], "defaultLocale": "en"}},
            ROUTES,
            ["/", "/(de|en)/:path*", "/((?!api|_next|_vercel|.*\\..*).*)"],
            reqs(*PATHS, "/de", "/de/about", "/en/x.y", "/de/_vercel/x"),
        )
    )
    return out


def condition_configs() -> list[dict[str, Any]]:
    matchers = [
        {"source": "/c/:path*", "has": [{"type": "cookie", "key": "session"}]},
        {
            "source": "/cv/:path*",
            "has": [{"type": "cookie", "key": "role", "value": "admin|owner"}],
        },
        {
            "source": "/h/:path*",
            "has": [{"type": "header", "key": "X-Beta", "value": "(?<v>on|yes)"}],
        },
        {"source": "/q/:path*", "has": [{"type": "query", "key": "preview"}]},
        {"source": "/qv/:path*", "has": [{"type": "query", "key": "v", "value": "\\d+"}]},
        {"source": "/host/:path*", "has": [{"type": "host", "value": "app\\.example\\.com"}]},
        {"source": "/m/:path*", "missing": [{"type": "cookie", "key": "session"}]},
        {"source": "/mh/:path*", "missing": [{"type": "header", "key": "x-skip", "value": "1"}]},
        {
            "source": "/both/:path*",
            "has": [{"type": "query", "key": "a"}],
            "missing": [{"type": "query", "key": "b"}],
        },
    ]
    requests = [
        req("/c/x"),
        req("/c/x", cookie="session=1"),
        req("/c/x", cookie="session="),
        req("/c/x", cookie="other=1; session=abc"),
        req("/C/x", cookie="session=1"),
        req("/cv/x", cookie="role=admin"),
        req("/cv/x", cookie="role=owner"),
        req("/cv/x", cookie="role=user"),
        req("/cv/x", cookie="role=administrator"),
        req("/cv/x", cookie="role=co-owner"),
        req("/h/x", x_beta="on"),
        req("/h/x", x_beta="yes"),
        req("/h/x", x_beta="ON"),
        req("/h/x"),
        req("/q/x?preview=1"),
        req("/q/x?preview="),
        req("/q/x?preview"),
        req("/q/x"),
        req("/q/x?Preview=1"),
        req("/qv/x?v=12"),
        req("/qv/x?v=1a"),
        req("/qv/x?v=a&v=3"),
        req("/qv/x?v=3&v=a"),
        req("/host/x", host="app.example.com"),
        req("/host/x", host="APP.example.com:3000"),
        req("/host/x", host="appxexample.com"),
        req("/host/x"),
        req("/host/x", host="other.com"),
        req("/m/x"),
        req("/m/x", cookie="session=1"),
        req("/m/x", cookie="session="),
        req("/mh/x"),
        req("/mh/x", x_skip="1"),
        req("/mh/x", x_skip="2"),
        req("/both/x?a=1"),
        req("/both/x?a=1&b=2"),
        req("/both/x?b=2"),
        req("/both/x"),
        req("/_next/data/BUILD/c/x.json", cookie="session=1"),
        req("/_next/data/BUILD/q/x.json?preview=1"),
        req("/c/%78", cookie="session=1"),
    ]
    i18n = {"locales": ["en", "fr"], "defaultLocale": "en"}
    i18n_requests = requests + [
        req("/fr/c/x", cookie="session=1"),
        req("/fr/q/x?preview=1"),
        req("/fr/m/x"),
    ]
    return [
        entry("conditions", {}, ROUTES, matchers, requests, data_routes=DATA),
        entry("conditions-i18n", {"i18n": i18n}, ROUTES, matchers, i18n_requests, data_routes=DATA),
    ]


def locale_configs() -> list[dict[str, Any]]:
    i18n = {"locales": ["en", "fr"], "defaultLocale": "en"}
    matchers = [
        {"source": "/fr/lf", "locale": False},
        {"source": "/plain", "locale": False},
        {"source": "/en", "locale": False},
        "/about",
        {"source": "/:locale(en|fr)/shop/:p*", "locale": False},
    ]
    urls = [
        "/",
        "/fr",
        "/en",
        "/about",
        "/fr/about",
        "/de/about",
        "/fr/lf",
        "/lf",
        "/en/lf",
        "/plain",
        "/en/plain",
        "/fr/plain",
        "/_next/data/BUILD/en.json",
        "/_next/data/BUILD/fr/about.json",
        "/_next/data/BUILD/fr/lf.json",
        "/_next/data/BUILD/about.json",
        "/shop/x",
        "/fr/shop/x",
        "/en/shop",
        "/FR/about",
        "/fr/About",
    ]
    domains = {
        "locales": ["en", "fr", "de"],
        "defaultLocale": "en",
        "domains": [{"domain": "fr.example.com", "defaultLocale": "fr"}],
    }
    domain_requests = [
        req(u, host=h)
        for u in ("/", "/about", "/fr/about", "/de/about", "/fr")
        for h in ("fr.example.com", "other.com")
    ]
    return [
        entry(
            "locale-false",
            {"i18n": i18n},
            ["/", "/about", "/lf", "/plain", "/shop/[...p]"],
            matchers,
            reqs(*urls),
            data_routes=["/", "/about", "/lf", "/plain"],
        ),
        entry(
            "locale-false-slash",
            {"i18n": i18n, "trailingSlash": True},
            ["/", "/about", "/lf", "/plain", "/shop/[...p]"],
            matchers,
            reqs(*[u if u.endswith("/") else u + "/" for u in urls[:12]], "/about", "/fr/lf"),
        ),
        entry(
            "locale-domains", {"i18n": domains}, ["/", "/about"], ["/", "/about"], domain_requests
        ),
        entry(
            "root-matcher",
            {},
            ["/", "/about"],
            "/",
            reqs(
                "/",
                "/index",
                "/index.json",
                "/.json",
                "/about",
                "/_next/data/BUILD/index.json",
                "/index.rsc",
                "/x/index",
                "/?a=1",
                "/%69ndex",
            ),
            data_routes=["/"],
        ),
        entry(
            "root-matcher-i18n",
            {"i18n": i18n},
            ["/", "/about"],
            "/",
            reqs(
                "/",
                "/en",
                "/fr",
                "/en/",
                "/fr.json",
                "/en/index",
                "/index",
                "/_next/data/BUILD/en.json",
                "/_next/data/BUILD/fr/index.json",
            ),
            data_routes=["/"],
        ),
    ]


def everything_configs() -> list[dict[str, Any]]:
    return [
        entry(
            "no-matcher-base-slash",
            {"basePath": "/base", "trailingSlash": True},
            ["/", "/about"],
            True,
            reqs(
                "/base",
                "/base/",
                "/base/about/",
                "/base/about",
                "/about/",
                "/",
                "/base/_next/data/BUILD/about.json",
                "/base/nope/",
                "/other",
                "/base/_next/static/x.js",
            ),
            data_routes=["/about"],
        ),
        entry(
            "no-matcher-i18n",
            {"i18n": {"locales": ["en", "fr"], "defaultLocale": "en"}},
            ["/", "/about"],
            True,
            reqs(
                "/", "/fr", "/about", "/_next/static/x.js", "/_next/data/BUILD/fr/about.json", "/de"
            ),
        ),
        entry(
            "empty-list",
            {},
            ["/", "/about"],
            [],
            reqs("/", "/about", "/_next/data/BUILD/about.json"),
        ),
    ]


def param_configs() -> list[dict[str, Any]]:
    matchers = [
        "/about",
        "/blog/:id(\\d+)",
        "/docs/:path+",
        "/shop/:slug",
        "/files/:name.:ext",
        {"source": "/x", "missing": [{"type": "header", "key": "x-forwarded-proto"}]},
        "/opt/:p?",
        "/a{-:b}?",
    ]
    routes = [
        "/",
        "/about",
        "/blog/[id]",
        "/docs/[[...p]]",
        "/shop/[slug]",
        "/files/[f]",
        "/x",
        "/opt/[[...p]]",
    ]
    urls = [
        "/about",
        "/blog/12",
        "/blog/ab",
        "/blog/12/x",
        "/docs",
        "/docs/a",
        "/docs/a/b",
        "/shop/x",
        "/shop/x/y",
        "/shop/%2F",
        "/files/a.txt",
        "/files/a",
        "/files/a.b.c",
        "/x",
        "/opt",
        "/opt/1",
        "/opt/1/2",
        "/a",
        "/a-b",
        "/a-b-c",
        "/ab",
        "/about#frag",
        "/about?x=1",
        "/about/",
        "/_next/data/BUILD/about.json",
        "/_next/data/BUILD/blog/12.json",
        "/_next/data/BUILD/blog/ab.json",
        "/blog/12.json",
        "/docs/a.json",
        "/shop/x.rsc",
        "/shop/x.segments/a.segment.rsc",
    ]
    requests = reqs(*urls) + [
        req("/x", x_forwarded_proto="https"),
        req("/about", x_middleware_subrequest="proxy:proxy:proxy:proxy:proxy"),
        req("/about", x_nextjs_data="1"),
        req("/about", x_middleware_next="1"),
        req("/about", x_matched_path="/x"),
    ]
    slash = {"trailingSlash": True}
    slash_requests = reqs(*[u + "/" if "?" not in u and "#" not in u else u for u in urls[:20]]) + [
        req("/about/", x_nextjs_data="1"),
        req("/a.json/", x_nextjs_data="1"),
        req("/a.json/"),
        req("/_next/data/BUILD/about.json"),
    ]
    return [
        entry(
            "params",
            {},
            routes,
            matchers,
            requests,
            data_routes=["/", "/about", "/blog/[id]", "/x"],
        ),
        entry(
            "params-slash",
            slash,
            routes,
            matchers,
            slash_requests,
            data_routes=["/", "/about", "/blog/[id]", "/docs/[[...p]]", "/x"],
        ),
    ]


def rule_configs() -> list[dict[str, Any]]:
    config = {
        "redirects": [{"source": "/old", "destination": "/about", "permanent": True}],
        "headers": [{"source": "/:path*", "headers": [{"key": "x-h", "value": "1"}]}],
        "rewrites": {
            "beforeFiles": [{"source": "/bf", "destination": "/about"}],
            "afterFiles": [
                {"source": "/af", "destination": "/about"},
                {"source": "/ext/:p*", "destination": "https://api.example.com/:p*"},
            ],
            "fallback": [{"source": "/:path*", "destination": "https://legacy.example.com/:path*"}],
        },
    }
    matchers = ["/about", "/bf", "/old", "/ext/:p*", "/legacy/:p*"]
    urls = [
        "/about",
        "/old",
        "/bf",
        "/af",
        "/ext/x",
        "/legacy/x",
        "/nope",
        "/about/",
        "//about",
        "/_next/data/BUILD/about.json",
        "/_next/data/BUILD/old.json",
        "/_next/data/BUILD/af.json",
    ]
    return [
        entry("rules", config, ["/", "/about"], matchers, reqs(*urls), data_routes=["/about"]),
        entry(
            "rules-i18n",
            dict(config, i18n={"locales": ["en", "fr"], "defaultLocale": "en"}),
            ["/", "/about"],
            matchers,
            reqs(*urls, "/fr/about", "/fr/old", "/fr/bf", "/fr/legacy/x"),
            data_routes=["/about"],
        ),
    ]


def invalid_configs() -> list[dict[str, Any]]:
    bad: list[Any] = [
        [{"source": "/a", "regexp": "^/a$"}],
        "about",
        {"source": "/a"},
        [{"source": "/a", "has": [{"type": "nope", "key": "x"}]}],
        [{"source": "/a", "has": [{"type": "host"}]}],
        [{"source": "/a", "has": [{"type": "cookie"}]}],
        "/a/:",
        "/a/(b",
        [{"source": "/a", "locale": True}],
        [{"has": [{"type": "cookie", "key": "x"}]}],
        [1],
        "/" + "a" * 4100,
        ["/ok", "no-slash"],
        [{"source": "/a", "has": [{"type": "cookie", "key": "x", "extra": 1}]}],
        42,
    ]
    return [
        entry(f"invalid-matcher-{n}", {}, ["/"], matcher, reqs("/", "/a"))
        for n, matcher in enumerate(bad)
    ]


# ----------------------------------------------------------------------------
# random configs
# ----------------------------------------------------------------------------

POOL: list[Any] = [
    *POPULAR,
    "/",
    "/about",
    "/blog/:slug",
    "/docs/:path+",
    "/shop/:id(\\d+)",
    "/api/:path*",
    "/((?!_next).*)",
    "/admin/:path*",
    {"source": "/account/:path*", "has": [{"type": "cookie", "key": "token"}]},
    {"source": "/beta/:path*", "has": [{"type": "header", "key": "x-beta"}]},
    {"source": "/p/:path*", "missing": [{"type": "query", "key": "skip"}]},
    {"source": "/en/legal", "locale": False},
    {"source": "/:path*", "has": [{"type": "host", "value": "admin\\..*"}]},
]
RANDOM_PATHS = PATHS + [
    "/admin",
    "/admin/users",
    "/account/me",
    "/beta/x",
    "/p/1",
    "/p/1?skip=1",
    "/shop/12",
    "/shop/ab",
    "/en/legal",
    "/fr/legal",
    "/fr/about",
    "/en",
    "/fr",
]


class RandomConfig:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.r = random.Random(seed)

    def build(self) -> dict[str, Any]:
        r = self.r
        count = r.randint(1, 4)
        matchers = r.sample(POOL, count)
        matcher: Any = (
            matchers[0]
            if count == 1 and isinstance(matchers[0], str) and r.random() < 0.5
            else matchers
        )
        config: dict[str, Any] = {}
        if r.random() < 0.4:
            config["i18n"] = {
                "locales": ["en", "fr", "de"],
                "defaultLocale": r.choice(["en", "fr"]),
            }
        base = "/base" if r.random() < 0.25 else ""
        if base:
            config["basePath"] = base
        if r.random() < 0.3:
            config["trailingSlash"] = True
        if r.random() < 0.4:
            config["rewrites"] = [
                {"source": "/old-:p", "destination": "/about"},
                {"source": "/api/ext/:p*", "destination": "https://api.example.com/:p*"},
            ]
        if r.random() < 0.3:
            config["redirects"] = [
                {"source": "/moved", "destination": "/about", "permanent": False}
            ]
        routes = ["/", "/about", "/api/x", "/blog/[slug]", "/admin/[[...p]]", "/shop/[id]"]
        requests: list[Req] = []
        for _ in range(30):
            path = r.choice(RANDOM_PATHS)
            roll = r.random()
            if roll < 0.15:
                path = (
                    path.upper()
                    if r.random() < 0.3
                    else path + ("/" if not path.endswith("/") else "")
                )
            elif roll < 0.3 and "i18n" in config:
                path = "/" + r.choice(["en", "fr", "de", "FR", "xx"]) + path
            elif roll < 0.4:
                page = path.split("?")[0].rstrip("/") or "/index"
                path = f"/_next/data/{r.choice(['BUILD', 'BUILD', 'X'])}{page}.json"
            if base and r.random() < 0.8:
                path = base + path
            headers: dict[str, str] = {}
            if r.random() < 0.2:
                headers["cookie"] = r.choice(["token=1", "token=", "session=1"])
            if r.random() < 0.15:
                headers["x-beta"] = r.choice(["1", ""])
            if r.random() < 0.15:
                headers["host"] = r.choice(["admin.example.com", "www.example.com"])
            if r.random() < 0.05:
                headers["x-nextjs-data"] = "1"
            requests.append({"url": path, "headers": headers})
        out = entry(f"random-{self.seed}", config, routes, matcher, requests)
        if r.random() < 0.6:
            out["data_routes"] = ["/", "/about", "/blog/[slug]"]
        if r.random() < 0.5:
            out["public_files"] = ["/favicon.ico", "/robots.txt", "/img/logo.png"]
        return out


def all_configs() -> list[dict[str, Any]]:
    """Every config this generator makes, in order."""
    return (
        canonical_configs()
        + condition_configs()
        + locale_configs()
        + everything_configs()
        + param_configs()
        + rule_configs()
        + [RandomConfig(s).build() for s in RANDOM_SEEDS]
        + invalid_configs()
    )


def main(argv: list[str] | None = None) -> int:
    return generate(__doc__ or "", GENERATOR, "middleware.json", all_configs, argv)


if __name__ == "__main__":
    sys.exit(main())
