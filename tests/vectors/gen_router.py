#!/usr/bin/env python3
"""Generate ``router.json``: end-to-end conformance vectors for ``Router.resolve``.

Every answer comes from the Next.js oracle (``resolve.js`` in the shared oracle
directory, which runs the real routing code of next@16.4.6: load-custom-routes,
filesystem.js, resolve-routes.js, proxy-request.js).

What is generated:

* **Hand-written configs**: the seed configs A/B/C from the oracle README
  (routes ``/``, ``/dashboard``, ``/api/auth/[...nextauth]``); phase ordering and
  rewrite chains (beforeFiles / afterFiles / fallback, internal rewrite -> next
  rule sees the rewritten path); ``has``/``missing`` on header, cookie, query and
  host; redirects (permanent, statusCode 301/302/303/307/308, params, external,
  internal, ``basePath: false``); header rules (several matching, ``set-cookie``
  accumulating, params in keys and values); ``basePath: "/docs"``;
  ``trailingSlash: true``; ``skipTrailingSlashRedirect``; ``caseSensitiveRoutes``;
  local routes only (static, ``[slug]``, ``[...slug]``, ``[[...slug]]`` at several
  depths) with URL oddities (``//a``, ``/a//b``, backslashes, ``..``, trailing
  slashes, malformed ``%E0%A4%A`` escapes -> 400, absolute-form URLs); and five
  invalid configs (the oracle reports ``setup_error``).
* **Random configs** from fixed seeds (``random.Random(seed)``): a route table,
  rewrites in random phases (internal destinations built from the source's
  params or pointing at routes / other rules, external ones), optional
  ``has``/``missing``, redirects, header rules, and random basePath /
  trailingSlash / skipTrailingSlashRedirect / caseSensitiveRoutes; requests are
  built from the rules and routes and then mutated (case, trailing slash,
  ``//``, ``..``, backslash, query strings, percent-escapes, absolute URLs,
  headers satisfying or not the ``has`` items).

Output format (read by the Python tests)::

    {"generator": "tests/vectors/gen_router.py", "oracle": "next@16.4.6 resolve.js",
     "configs": [{"name", "config", "routes", "requests": [{"url", "headers"}],
                  "results": [<oracle JSON line, unmodified>]}]}

Re-run (needs node and the oracle set up, see the oracle README)::

    python3 tests/vectors/gen_router.py
    python3 tests/vectors/gen_router.py --oracle /work/shared/oracle --out tests/vectors/router.json

Re-running gives byte-identical output.  Python 3.11, stdlib only.
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

from _resolve_oracle import generate

GENERATOR = "tests/vectors/gen_router.py"

SEED_ROUTES = ["/", "/dashboard", "/api/auth/[...nextauth]"]
RANDOM_SEEDS = range(1, 37)

Req = dict[str, Any]


def req(url: str, headers: dict[str, str] | None = None) -> Req:
    return {"url": url, "headers": headers or {}}


def reqs(*urls: str) -> list[Req]:
    return [req(u) for u in urls]


# ----------------------------------------------------------------------------
# hand-written configs
# ----------------------------------------------------------------------------

SEED_REQUESTS = [
    "/api/auth/session",
    "/api/users",
    "/api/trades/123",
    "/api/authenticate",
    "/dashboard",
    "/API/Auth/session",
    "/api/users?x=1",
    "/api/auth/signin/github?callbackUrl=%2F",
    "/api",
    "/api/",
    "/",
    "/Dashboard",
    "/api/auth",
    "/api/users/1?a=1&a=2",
]


def seed_configs() -> list[dict[str, Any]]:
    rule_a = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
    rule_b = {
        "source": "/api/((?!auth).*)/:path*",
        "destination": "http://localhost:3001/api/$1/:path*",
    }
    return [
        {
            "name": "seed-A",
            "config": {"rewrites": [rule_a]},
            "routes": SEED_ROUTES,
            "requests": reqs(*SEED_REQUESTS),
        },
        {
            "name": "seed-B",
            "config": {"rewrites": [rule_b]},
            "routes": SEED_ROUTES,
            "requests": reqs(*SEED_REQUESTS),
        },
        {
            "name": "seed-C",
            "config": {"rewrites": {"fallback": [rule_a]}},
            "routes": SEED_ROUTES,
            "requests": reqs(*SEED_REQUESTS),
        },
        {
            "name": "seed-A-beforeFiles",
            "config": {"rewrites": {"beforeFiles": [rule_a]}},
            "routes": [*SEED_ROUTES, "/api/health"],
            "requests": reqs("/api/health", "/api/auth/session", "/dashboard", "/API/health"),
        },
        {
            "name": "seed-fixed-lookahead",
            "config": {
                "rewrites": [
                    {
                        "source": "/api/:path((?!auth(?:/|$)).*)",
                        "destination": "http://localhost:3001/api/:path",
                    }
                ]
            },
            "routes": SEED_ROUTES,
            "requests": reqs(
                "/api/auth/session",
                "/api/auth",
                "/api/authenticate",
                "/api/users",
                "/api/trades/123?x=1",
                "/API/AUTH/session",
                "/api/a%20b",
            ),
        },
    ]


PHASE_ROUTES = [
    "/",
    "/about",
    "/b",
    "/c",
    "/blog/[slug]",
    "/docs/[[...slug]]",
    "/shop/[...items]",
    "/final",
]


def phase_configs() -> list[dict[str, Any]]:
    out = []
    out.append(
        {
            "name": "phases-chains",
            "config": {
                "rewrites": {
                    "beforeFiles": [
                        {"source": "/bf-a", "destination": "/bf-b"},
                        {"source": "/bf-b", "destination": "/c"},
                        {"source": "/about", "destination": "/b"},
                        {"source": "/bf-ext/:p*", "destination": "https://bf.example.com/:p*"},
                        {"source": "/bf-ext/:p*", "destination": "/never"},
                        {"source": "/to-blog/:slug", "destination": "/blog/:slug"},
                    ],
                    "afterFiles": [
                        {"source": "/x", "destination": "/y"},
                        {"source": "/y", "destination": "/z"},
                        {"source": "/z", "destination": "/final"},
                        {"source": "/b", "destination": "/c"},
                        {"source": "/blog/:slug", "destination": "/c?from=:slug"},
                        {"source": "/to-blog/:slug", "destination": "/after"},
                        {"source": "/chain/:a/:b", "destination": "/chain2/:b?a=:a"},
                        {"source": "/chain2/:b", "destination": "/blog/:b"},
                        {
                            "source": "/af-ext/:rest*",
                            "destination": "https://af.example.com/:rest*",
                        },
                        {"source": "/miss/:p", "destination": "/nothing/:p"},
                    ],
                    "fallback": [
                        {"source": "/blog/:slug", "destination": "/never"},
                        {"source": "/nothing/:p", "destination": "https://fb.example.com/:p"},
                        {"source": "/docs/:p*", "destination": "/never"},
                        {"source": "/:p*", "destination": "https://catchall.example.com/:p*"},
                    ],
                }
            },
            "routes": PHASE_ROUTES,
            "requests": reqs(
                "/bf-a",
                "/bf-b",
                "/about",
                "/About",
                "/bf-ext/a/b?q=1",
                "/to-blog/hello",
                "/x",
                "/y",
                "/z",
                "/b",
                "/c",
                "/blog/hello",
                "/blog/hello?from=req",
                "/chain/one/two",
                "/chain/one/two?a=req",
                "/af-ext",
                "/af-ext/a%20b/c",
                "/miss/m1",
                "/docs",
                "/docs/a/b",
                "/shop",
                "/shop/a/b",
                "/unknown/path?z=1",
                "/final/",
                "/FINAL",
                "/Blog/Hello",
                "/bf-a?x=1",
                "/chain/a",
            ),
        }
    )
    out.append(
        {
            "name": "phases-array-is-afterfiles",
            "config": {
                "rewrites": [
                    {"source": "/blog/:slug", "destination": "/b"},
                    {"source": "/about", "destination": "/c"},
                    {"source": "/shop/:items*", "destination": "https://shop.example.com/:items*"},
                    {"source": "/docs/:p+", "destination": "/docs"},
                ]
            },
            "routes": PHASE_ROUTES,
            "requests": reqs(
                "/blog/one",
                "/blog",
                "/about",
                "/shop",
                "/shop/a",
                "/shop/a/b",
                "/docs",
                "/docs/x",
                "/docs/x/y",
                "/c",
                "/final",
            ),
        }
    )
    out.append(
        {
            "name": "phases-fallback-only",
            "config": {
                "rewrites": {
                    "fallback": [
                        {"source": "/blog/:slug", "destination": "/c"},
                        {
                            "source": "/shop/:items*",
                            "destination": "https://shop.example.com/:items*",
                        },
                        {"source": "/:path*", "destination": "/final?orig=:path*"},
                    ]
                }
            },
            "routes": PHASE_ROUTES,
            "requests": reqs(
                "/blog/one",
                "/blog/one/two",
                "/shop",
                "/shop/a",
                "/nope",
                "/a/b/c",
                "/",
                "/about",
                "/docs/a/b/c",
                "/FINAL",
            ),
        }
    )
    return out


HAS_ROUTES = ["/", "/b", "/c", "/admin", "/beta/[...path]"]


def has_configs() -> list[dict[str, Any]]:
    rules = [
        {
            "source": "/feature",
            "has": [{"type": "header", "key": "x-beta"}],
            "destination": "/beta/feature",
        },
        {
            "source": "/feature",
            "has": [{"type": "cookie", "key": "beta", "value": "yes|true"}],
            "destination": "/beta/cookie",
        },
        {
            "source": "/feature",
            "has": [{"type": "query", "key": "preview", "value": "(?<pv>1|on)"}],
            "destination": "/beta/query/:pv",
        },
        {
            "source": "/feature",
            "has": [{"type": "host", "value": "beta\\.example\\.com"}],
            "destination": "https://beta-backend.example.com/feature",
        },
        {
            "source": "/feature",
            "missing": [{"type": "cookie", "key": "session"}],
            "destination": "/c",
        },
        {
            "source": "/t/:path*",
            "has": [{"type": "host", "value": "(?<tenant>[a-z0-9-]+)\\.example\\.com"}],
            "missing": [{"type": "header", "key": "x-internal", "value": "1"}],
            "destination": "https://:tenant.internal.example.com/:path*",
        },
        {"source": "/t/:path*", "destination": "/b"},
        {
            "source": "/ver/:slug",
            "has": [{"type": "header", "key": "x-api-version", "value": "(?<ver>v\\d+)"}],
            "destination": "https://api.example.com/:ver/:slug",
        },
        {
            "source": "/q",
            "has": [{"type": "query", "key": "a"}, {"type": "query", "key": "b"}],
            "destination": "/b?both=1",
        },
        {"source": "/q", "has": [{"type": "query", "key": "a"}], "destination": "/c?only=a"},
    ]
    redirects = [
        {
            "source": "/login",
            "has": [{"type": "cookie", "key": "session"}],
            "destination": "/admin",
            "permanent": False,
        },
        {
            "source": "/admin",
            "missing": [{"type": "cookie", "key": "session"}],
            "destination": "/login?next=/admin",
            "statusCode": 302,
        },
        {
            "source": "/geo",
            "has": [{"type": "header", "key": "x-country", "value": "(?<c>DE|FR)"}],
            "destination": "https://:c.example.com/geo",
            "statusCode": 303,
        },
    ]
    r: list[Req] = []
    for hd in [
        {},
        {"x-beta": "1"},
        {"x-beta": ""},
        {"cookie": "beta=yes"},
        {"cookie": "beta=true"},
        {"cookie": "beta=yesno"},
        {"cookie": "beta=YES"},
        {"host": "beta.example.com"},
        {"host": "BETA.example.com:443"},
        {"cookie": "session=1"},
        {"cookie": "session=1; beta=true"},
        {"X-Beta": "on"},
    ]:
        r.append(req("/feature", hd))
    for q in [
        "?preview=1",
        "?preview=on",
        "?preview=2",
        "?preview=1&preview=x",
        "?preview=x&preview=1",
        "?preview=",
    ]:
        r.append(req("/feature" + q, {"cookie": "session=1"}))
    for host, extra in [
        ("acme.example.com", {}),
        ("acme.example.com", {"x-internal": "1"}),
        ("acme.example.com", {"x-internal": "2"}),
        ("Acme-2.Example.COM:8080", {}),
        ("example.org", {}),
        ("", {}),
    ]:
        hd = {"host": host} if host else {}
        r.append(req("/t/a/b?z=1", {**hd, **extra}))
        r.append(req("/t", {**hd, **extra}))
    for v in ["v1", "v22", "V1", "1", "v1beta"]:
        r.append(req("/ver/item", {"x-api-version": v}))
    r += reqs("/q?a=1&b=2", "/q?a=1", "/q?b=2", "/q?a=&b=", "/q?a", "/q")
    for hd in [{}, {"cookie": "session=abc"}, {"cookie": "session="}]:
        r.append(req("/login", hd))
        r.append(req("/admin", hd))
    for c in ["DE", "FR", "de", "IT"]:
        r.append(req("/geo?x=1", {"x-country": c}))
    return [
        {
            "name": "has-missing",
            "config": {"rewrites": rules, "redirects": redirects},
            "routes": HAS_ROUTES,
            "requests": r,
        }
    ]


def redirect_configs() -> list[dict[str, Any]]:
    redirects = [
        {"source": "/p-true", "destination": "/b", "permanent": True},
        {"source": "/p-false", "destination": "/b", "permanent": False},
        {"source": "/s301/:slug", "destination": "/b/:slug", "statusCode": 301},
        {"source": "/s302/:slug", "destination": "/b?s=:slug", "statusCode": 302},
        {
            "source": "/s303/:path*",
            "destination": "https://ext.example.com/:path*",
            "statusCode": 303,
        },
        {"source": "/s307/:id(\\d+)", "destination": "/item/:id", "statusCode": 307},
        {"source": "/s308", "destination": "https://ext.example.com", "statusCode": 308},
        {"source": "/both", "destination": "/b", "permanent": False, "statusCode": 301},
        {"source": "/blog/:slug", "destination": "/news/:slug", "permanent": True},
        {"source": "/news/:slug", "destination": "/final", "permanent": True},
        {"source": "/_next/:path*", "destination": "/nope", "permanent": False},
        {"source": "/old/(.*)", "destination": "/new/$1", "permanent": False},
        {
            "source": "/ext/:a/:b",
            "destination": "https://:a.example.com/:b?src=redir",
            "permanent": False,
        },
        {"source": "/c", "destination": "/b", "permanent": False},
    ]
    return [
        {
            "name": "redirects-status",
            "config": {
                "redirects": redirects,
                "rewrites": [{"source": "/rw-to-redirect", "destination": "/p-true"}],
            },
            "routes": ["/", "/b", "/c", "/final", "/blog/[slug]", "/item/[id]"],
            "requests": reqs(
                "/p-true",
                "/p-true?x=1",
                "/P-TRUE/",
                "/p-false",
                "/s301/a%20b",
                "/s302/x?s=orig",
                "/s303",
                "/s303/a/b?q=1&q=2",
                "/s307/42",
                "/s307/abc",
                "/s308?y",
                "/both",
                "/blog/hello",
                "/blog/hello?utm=1",
                "/news/x",
                "/_next/static/chunk.js",
                "/_next",
                "/old/a/b",
                "/old/",
                "/ext/acme/path",
                "/ext/ACME/Path?k=v",
                "/c",
                "/b",
                "/rw-to-redirect",
                "/item/1",
            ),
        }
    ]


def basepath_configs() -> list[dict[str, Any]]:
    return [
        {
            "name": "basepath-docs",
            "config": {
                "basePath": "/docs",
                "rewrites": {
                    "beforeFiles": [{"source": "/bf", "destination": "/guide"}],
                    "afterFiles": [
                        {"source": "/with-basePath", "destination": "/another"},
                        {"source": "/ext/:p*", "destination": "https://ext.example.com/:p*"},
                        {
                            "source": "/without-basePath/:p*",
                            "destination": "https://nobp.example.com/:p*",
                            "basePath": False,
                        },
                    ],
                    "fallback": [
                        {"source": "/:path*", "destination": "https://fallback.example.com/:path*"}
                    ],
                },
                "redirects": [
                    {"source": "/old", "destination": "/guide", "permanent": True},
                    {
                        "source": "/legacy/:slug",
                        "destination": "/legacy-site/:slug",
                        "permanent": False,
                        "basePath": False,
                    },
                    {
                        "source": "/away",
                        "destination": "https://away.example.com/",
                        "statusCode": 302,
                    },
                ],
                "headers": [
                    {"source": "/:path*", "headers": [{"key": "x-bp", "value": "yes"}]},
                    {"source": "/guide", "headers": [{"key": "x-guide", "value": "1"}]},
                    {
                        "source": "/nobp",
                        "basePath": False,
                        "headers": [{"key": "x-nobp", "value": "1"}],
                    },
                ],
            },
            "routes": ["/", "/guide", "/another", "/ref/[slug]"],
            "requests": reqs(
                "/docs",
                "/docs/",
                "/docs/guide",
                "/guide",
                "/docs/bf",
                "/docs/with-basePath",
                "/with-basePath",
                "/docs/ext/a/b?q=1",
                "/without-basePath/x",
                "/docs/without-basePath/x",
                "/docs/old",
                "/old",
                "/legacy/a",
                "/docs/legacy/a",
                "/docs/away",
                "/nobp",
                "/docs/nobp",
                "/docs/ref/hello",
                "/docs/unknown/x",
                "/unknown",
                "/DOCS/guide",
                "/docs/Guide",
                "/docs/_next/data/x.json",
                "/docsx",
            ),
        }
    ]


def trailing_configs() -> list[dict[str, Any]]:
    rules = [
        {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"},
        {"source": "/t/:path*/", "destination": "http://localhost:3001/t/:path*/"},
        {"source": "/int/:slug", "destination": "/blog/:slug"},
    ]
    routes = ["/", "/about", "/blog/[slug]", "/files/[...path]"]
    urls = [
        "/api/users",
        "/api/users/",
        "/api/",
        "/api",
        "/t/x/",
        "/t/x",
        "/about",
        "/about/",
        "/blog/a",
        "/blog/a/",
        "/int/a/",
        "/int/a",
        "/files/a.txt",
        "/files/a.txt/",
        "/.well-known/x",
        "/.well-known/x/",
        "/",
        "/x.json/",
        "/a/b.c/",
        "/files/a/b/",
        "/about/?q=1",
        "/about//",
    ]
    return [
        {
            "name": "trailing-slash-true",
            "config": {
                "trailingSlash": True,
                "rewrites": rules,
                "redirects": [{"source": "/r/:slug", "destination": "/about/", "permanent": False}],
            },
            "routes": routes,
            "requests": reqs(*urls, "/r/a", "/r/a/"),
        },
        {
            "name": "trailing-slash-false",
            "config": {"trailingSlash": False, "rewrites": rules},
            "routes": routes,
            "requests": reqs(*urls),
        },
        {
            "name": "skip-trailing-slash-redirect",
            "config": {"skipTrailingSlashRedirect": True, "rewrites": rules},
            "routes": routes,
            "requests": reqs(*urls),
        },
        {
            "name": "skip-trailing-slash-redirect-with-trailing-true",
            "config": {"skipTrailingSlashRedirect": True, "trailingSlash": True, "rewrites": rules},
            "routes": routes,
            "requests": reqs(*urls),
        },
    ]


def case_configs() -> list[dict[str, Any]]:
    config = {
        "caseSensitiveRoutes": True,
        "rewrites": {
            "beforeFiles": [{"source": "/BF", "destination": "/b"}],
            "afterFiles": [
                {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"},
                {"source": "/Mixed/:slug", "destination": "/c"},
            ],
            "fallback": [{"source": "/fb/:p", "destination": "/c"}],
        },
        "redirects": [{"source": "/Old", "destination": "/b", "permanent": True}],
        "headers": [
            {"source": "/B", "headers": [{"key": "x-case", "value": "upper"}]},
            {"source": "/b", "headers": [{"key": "x-case", "value": "lower"}]},
        ],
    }
    urls = [
        "/bf",
        "/BF",
        "/Bf",
        "/api/x",
        "/API/x",
        "/Mixed/a",
        "/mixed/a",
        "/fb/x",
        "/FB/x",
        "/Old",
        "/old",
        "/b",
        "/B",
        "/c",
        "/C",
        "/Blog/x",
        "/blog/x",
        "/Docs/A",
    ]
    routes = ["/", "/b", "/c", "/blog/[slug]", "/Docs/[...rest]"]
    insensitive = {k: v for k, v in config.items() if k != "caseSensitiveRoutes"}
    return [
        {
            "name": "case-sensitive-routes",
            "config": config,
            "routes": routes,
            "requests": reqs(*urls),
        },
        {
            "name": "case-insensitive-default",
            "config": insensitive,
            "routes": routes,
            "requests": reqs(*urls),
        },
    ]


def header_configs() -> list[dict[str, Any]]:
    headers = [
        {
            "source": "/:path*",
            "headers": [
                {"key": "x-all", "value": "1"},
                {"key": "set-cookie", "value": "a=1; Path=/"},
            ],
        },
        {
            "source": "/blog/:slug",
            "headers": [
                {"key": "x-slug", "value": ":slug"},
                {"key": "set-cookie", "value": "b=:slug"},
                {"key": "x-all", "value": "overridden"},
            ],
        },
        {
            "source": "/blog/:slug",
            "has": [{"type": "header", "key": "x-debug"}],
            "headers": [{"key": "x-debug-echo", "value": ":xdebug"}],
        },
        {
            "source": "/blog/:slug",
            "missing": [{"type": "query", "key": "nocache"}],
            "headers": [{"key": "cache-control", "value": "max-age=60"}],
        },
        {"source": "/k/:name", "headers": [{"key": "x-:name", "value": "key-param"}]},
        {"source": "/(.*)", "headers": [{"key": "x-unnamed", "value": "$1"}]},
        {
            "source": "/files/:path*",
            "headers": [
                {"key": "x-path", "value": ":path*"},
                {"key": "x-path-plain", "value": "/:path"},
            ],
        },
    ]
    return [
        {
            "name": "header-rules",
            "config": {
                "headers": headers,
                "redirects": [
                    {"source": "/blog/redirected", "destination": "/b", "permanent": False}
                ],
                "rewrites": [
                    {"source": "/ext/:p*", "destination": "https://ext.example.com/:p*"},
                    {"source": "/blog/rewritten", "destination": "/b"},
                ],
            },
            "routes": ["/", "/b", "/blog/[slug]", "/files/[...path]"],
            "requests": [
                req("/"),
                req("/blog/hello"),
                req("/blog/hello", {"x-debug": "on"}),
                req("/blog/hello?nocache=1"),
                req("/blog/a%20b"),
                req("/blog/redirected"),
                req("/blog/rewritten"),
                req("/ext/a"),
                req("/k/foo"),
                req("/k/Foo-Bar"),
                req("/files/a/b"),
                req("/files"),
                req("/nothing/here"),
                req("/Blog/X"),
                req("/blog/hello/"),
                req("/blog//x"),
            ],
        }
    ]


LOCAL_ROUTES = [
    "/",
    "/about",
    "/Contact",
    "/blog",
    "/blog/[slug]",
    "/blog/[slug]/comments",
    "/blog/featured",
    "/docs/[...slug]",
    "/shop/[[...slug]]",
    "/users/[id]/posts/[postId]",
    "/[lang]/settings",
    "/a/b/c/[d]",
    "/api/auth/[...nextauth]",
    "/api/health",
]


def local_configs() -> list[dict[str, Any]]:
    urls = [
        "/",
        "/about",
        "/About",
        "/contact",
        "/Contact",
        "/blog",
        "/blog/",
        "/blog/featured",
        "/blog/hello",
        "/blog/Hello%20World",
        "/blog/a%2Fb",
        "/blog/%E0%A4%A",
        "/blog/%ZZ",
        "/blog/%",
        "/blog/caf%C3%A9",
        "/blog/caf\u00e9",
        "/blog/hello/comments",
        "/blog/hello/comments/x",
        "/docs",
        "/docs/a",
        "/docs/a/b/c",
        "/docs/%E0%A4%A/x",
        "/shop",
        "/shop/a",
        "/shop/a/b",
        "/shop/",
        "/users/1/posts/2",
        "/users/1/posts",
        "/en/settings",
        "/EN/settings",
        "/a/b/c/d",
        "/a/b/c",
        "/A/b/c/d",
        "/api/auth/session",
        "/api/auth/%5B...nextauth%5D",
        "/api/health",
        "/api/healthz",
        "//about",
        "/about//",
        "/blog//hello",
        "\\about",
        "/blog\\hello",
        "/a/../about",
        "/blog/x/../../about",
        "/blog/./hello",
        "/blog/%2e%2e/about",
        "/%2E%2E/about",
        "http://example.com/about?y=1",
        "https://example.com/blog/x",
        "/about?x=1&x=2",
        "/about?%E0%A4%A=1",
        "/about%3Fq",
        "/about%23frag",
        "/about#frag",
        "/ab%6Fut",
        "/%61bout",
        "/blog/%",
        "/blog/hello%",
        "/about/",
        "/unknown",
        "/_next/image",
        "/_next/image?url=%2Fa.png&w=64&q=75",
        "/index",
        "/blog/[slug]",
    ]
    return [
        {"name": "local-routes-only", "config": {}, "routes": LOCAL_ROUTES, "requests": reqs(*urls)}
    ]


def invalid_configs() -> list[dict[str, Any]]:
    bad: list[tuple[str, dict[str, Any]]] = [
        ("invalid-source-no-slash", {"rewrites": [{"source": "api/:path*", "destination": "/b"}]}),
        ("invalid-redirect-no-permanent", {"redirects": [{"source": "/a", "destination": "/b"}]}),
        (
            "invalid-redirect-status-305",
            {"redirects": [{"source": "/a", "destination": "/b", "statusCode": 305}]},
        ),
        (
            "invalid-internal-unknown-param",
            {"rewrites": [{"source": "/p/:id", "destination": "/q/:missing"}]},
        ),
        (
            "invalid-source-adjacent-params",
            {"rewrites": [{"source": "/p/:a:b", "destination": "https://ext.example.com/"}]},
        ),
    ]
    return [
        {"name": name, "config": cfg, "routes": ["/", "/b"], "requests": reqs("/a", "/p/1", "/b")}
        for name, cfg in bad
    ]


# ----------------------------------------------------------------------------
# random configs
# ----------------------------------------------------------------------------

ROUTE_POOL = [
    "/about",
    "/Contact",
    "/blog",
    "/blog/[slug]",
    "/blog/[slug]/comments",
    "/shop/[[...slug]]",
    "/docs/[...slug]",
    "/api/auth/[...nextauth]",
    "/api/health",
    "/users/[id]",
    "/users/[id]/posts/[postId]",
    "/[lang]/about",
    "/files/[...path]",
    "/a/b/c/[d]",
    "/legacy/page",
    "/v2/[...rest]",
    "/en/home",
    "/products/[category]/[[...filters]]",
]
SEGS = [
    "api",
    "blog",
    "old",
    "new",
    "shop",
    "docs",
    "users",
    "legacy",
    "v1",
    "v2",
    "files",
    "en",
    "Admin",
    "img",
    "proxy",
    "go",
    "a",
    "b",
]
VALUES = [
    "hello",
    "42",
    "x",
    "Hello",
    "a%20b",
    "a.b",
    "caf%C3%A9",
    "a%2Fb",
    "0",
    "auth",
    "en",
    "fr",
    "A-B",
    "%E0%A4%A",
    "a+b",
    "~u",
    "a%25b",
]
SAFE_VALUES = ["hello", "42", "x", "Hello", "a.b", "0", "auth", "en", "A-B"]
EXT_HOSTS = ["https://api.example.com", "http://localhost:3001", "https://cdn.example.org:8443"]
HAS_POOL: list[tuple[dict[str, Any], dict[str, str], list[str]]] = [
    # (item, headers that satisfy it, params it yields)
    ({"type": "header", "key": "x-flag"}, {"x-flag": "on"}, []),
    ({"type": "header", "key": "x-ver", "value": "(?<ver>v\\d)"}, {"x-ver": "v2"}, ["ver"]),
    ({"type": "cookie", "key": "session"}, {"cookie": "session=abc"}, ["session"]),
    ({"type": "cookie", "key": "role", "value": "admin|staff"}, {"cookie": "role=admin"}, []),
    (
        {"type": "host", "value": "(?<sub>[a-z]+)\\.example\\.com"},
        {"host": "acme.example.com"},
        ["sub"],
    ),
    ({"type": "query", "key": "preview", "value": "1"}, {}, []),
]
HOSTS = ["example.com", "acme.example.com", "Foo.Example.com:3000", "localhost:3000"]


class RandomConfig:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.n = 0

    def name(self, base: str) -> str:
        self.n += 1
        return base if self.n == 1 else f"{base}{self.n}"

    def source(self) -> tuple[str, list[tuple[str, str]]]:
        rng = self.rng
        parts: list[str] = []
        params: list[tuple[str, str]] = []
        self.n = 0
        if rng.random() < 0.85:
            parts.append("/" + rng.choice(SEGS))
        else:
            parts.append("/:" + self.name("seg"))
            params.append((f"seg{'' if self.n == 1 else self.n}", "one"))
        for _ in range(rng.choice([0, 1, 1, 2])):
            k = rng.random()
            if k < 0.35:
                parts.append("/" + rng.choice(SEGS))
            elif k < 0.7:
                nm = self.name("slug")
                parts.append("/:" + nm)
                params.append((nm, "one"))
            elif k < 0.85:
                nm = self.name("id")
                parts.append("/:" + nm + "(\\d+)")
                params.append((nm, "one"))
            else:
                nm = self.name("lang")
                parts.append("/:" + nm + "(en|fr)")
                params.append((nm, "one"))
        t = rng.random()
        if t < 0.3:
            nm = self.name("path")
            parts.append("/:" + nm + "*")
            params.append((nm, "star"))
        elif t < 0.4:
            nm = self.name("path")
            parts.append("/:" + nm + "+")
            params.append((nm, "plus"))
        elif t < 0.45:
            parts.append("/(.*)")
        elif t < 0.5:
            nm = self.name("opt")
            parts.append("/:" + nm + "?")
            params.append((nm, "opt"))
        return "".join(parts), params

    def instantiate_source(self, source: str, values: list[str] = VALUES) -> str:
        """A path that (usually) matches the source."""
        rng = self.rng
        out = []
        for part in source.split("/")[1:]:
            if not part.startswith(":") and part != "(.*)":
                out.append(part)
                continue
            if part == "(.*)" or part.endswith(("*", "+")):
                n = rng.choice([0, 1, 2, 3]) if not part.endswith("+") else rng.choice([1, 2, 3])
                out.extend(rng.choice(values) for _ in range(n))
            elif part.endswith("?"):
                if rng.random() < 0.5:
                    out.append(rng.choice(values))
            elif "(\\d+)" in part:
                out.append(rng.choice(["1", "42", "007", "x1"]))
            elif "(en|fr)" in part:
                out.append(rng.choice(["en", "fr", "EN", "de"]))
            else:
                out.append(rng.choice(values))
        return "/" + "/".join(out)

    def instantiate_route(self, route: str) -> str:
        rng = self.rng
        out = []
        for part in route.split("/")[1:]:
            if part.startswith("[[..."):
                out.extend(rng.choice(VALUES) for _ in range(rng.choice([0, 1, 2])))
            elif part.startswith("[..."):
                out.extend(rng.choice(VALUES) for _ in range(rng.choice([1, 1, 2, 3])))
            elif part.startswith("["):
                out.append(rng.choice(VALUES))
            else:
                out.append(part)
        return "/" + "/".join(p for p in out if p != "")

    def use(self, p: tuple[str, str]) -> str:
        name, kind = p
        return ":" + name + ("*" if kind in ("star", "plus") else "")

    def route_as_dest(self, route: str, params: list[tuple[str, str]]) -> str:
        """An internal destination pointing at a route, filled with source params if possible."""
        rng = self.rng
        singles = [p for p in params if p[1] == "one"]
        multis = [p for p in params if p[1] in ("star", "plus")]
        out = []
        for part in route.split("/")[1:]:
            if part.startswith("[[...") or part.startswith("[..."):
                if multis and rng.random() < 0.8:
                    out.append(self.use(rng.choice(multis)))
                else:
                    out.append("x")
            elif part.startswith("["):
                if singles and rng.random() < 0.8:
                    out.append(self.use(rng.choice(singles)))
                else:
                    out.append("fixed")
            else:
                out.append(part)
        return "/" + "/".join(out)

    def rewrite(self, routes: list[str], sources: list[str]) -> dict[str, Any]:
        rng = self.rng
        source, params = self.source()
        uses = [self.use(p) for p in params if p[1] != "opt"]
        k = rng.random()
        if k < 0.5:
            dest = rng.choice(EXT_HOSTS) + "/" + rng.choice(SEGS)
            if uses and rng.random() < 0.8:
                dest += "/" + "/".join(uses)
            if rng.random() < 0.2:
                dest += "?src=" + (uses[0] if uses else "lit")
        elif k < 0.78:
            dest = self.route_as_dest(rng.choice(routes), params)
        elif k < 0.85 and sources:
            # chain: point at another rule's source (instantiated literally)
            dest = self.instantiate_source(rng.choice(sources), SAFE_VALUES)
        else:
            dest = (
                "/"
                + rng.choice(SEGS)
                + ("/" + "/".join(uses) if uses and rng.random() < 0.6 else "")
            )
        rule: dict[str, Any] = {"source": source, "destination": dest}
        self.add_has(rule)
        return rule

    def add_has(self, rule: dict[str, Any]) -> None:
        rng = self.rng
        if rng.random() < 0.2:
            item, _, _ = rng.choice(HAS_POOL)
            rule["has"] = [item]
        if rng.random() < 0.08:
            item, _, _ = rng.choice(HAS_POOL)
            if item["type"] != "host":
                rule["missing"] = [item]

    def redirect(self, routes: list[str], base_path: str) -> dict[str, Any]:
        rng = self.rng
        source, params = self.source()
        uses = [self.use(p) for p in params if p[1] != "opt"]
        if rng.random() < 0.3:
            dest = (
                "https://redirect.example.com/"
                + rng.choice(SEGS)
                + ("/" + "/".join(uses) if uses else "")
            )
        elif rng.random() < 0.5:
            dest = self.route_as_dest(rng.choice(routes), params)
        else:
            dest = "/" + rng.choice(SEGS) + ("/" + "/".join(uses) if uses else "")
            if uses and rng.random() < 0.3:
                dest += "?from=" + uses[0]
        rule: dict[str, Any] = {"source": source, "destination": dest}
        st = rng.choice(["p", "t", "f", 301, 302, 303, 307, 308])
        if st == "t":
            rule["permanent"] = True
        elif st in ("f", "p"):
            rule["permanent"] = False
        else:
            rule["statusCode"] = st
        if base_path and rng.random() < 0.25:
            rule["basePath"] = False
        self.add_has(rule)
        return rule

    def header_rule(self) -> dict[str, Any]:
        rng = self.rng
        if rng.random() < 0.3:
            source, params = "/:path*", [("path", "star")]
        else:
            source, params = self.source()
        hs = [{"key": "x-seed", "value": str(self.seed)}]
        if params and rng.random() < 0.6:
            hs.append({"key": "x-param", "value": self.use(params[0])})
        if rng.random() < 0.4:
            hs.append({"key": "set-cookie", "value": f"s{rng.randint(1, 9)}=1"})
        rule: dict[str, Any] = {"source": source, "headers": hs}
        self.add_has(rule)
        return rule

    def build(self) -> dict[str, Any]:
        rng = self.rng
        routes = ["/", *rng.sample(ROUTE_POOL, rng.randint(5, 10))]
        config: dict[str, Any] = {}
        base_path = "/docs" if rng.random() < 0.15 else ""
        if base_path:
            config["basePath"] = base_path
        if rng.random() < 0.15:
            config["trailingSlash"] = True
        if rng.random() < 0.1:
            config["skipTrailingSlashRedirect"] = True
        if rng.random() < 0.15:
            config["caseSensitiveRoutes"] = True
        sources: list[str] = []
        rules = []
        for _ in range(rng.randint(3, 9)):
            r = self.rewrite(routes, sources)
            sources.append(r["source"])
            rules.append(r)
        if rng.random() < 0.35:
            config["rewrites"] = rules
        else:
            phases: dict[str, list[dict[str, Any]]] = {
                "beforeFiles": [],
                "afterFiles": [],
                "fallback": [],
            }
            for r in rules:
                phases[rng.choice(["beforeFiles", "afterFiles", "afterFiles", "fallback"])].append(
                    r
                )
            config["rewrites"] = phases
        config["redirects"] = [self.redirect(routes, base_path) for _ in range(rng.randint(1, 5))]
        redirect_sources = [r["source"] for r in config["redirects"]]
        if rng.random() < 0.6:
            config["headers"] = [self.header_rule() for _ in range(rng.randint(1, 3))]

        requests: list[Req] = []
        target = rng.randint(50, 62)
        while len(requests) < target:
            k = rng.random()
            if k < 0.58:
                path = self.instantiate_source(rng.choice(sources))
            elif k < 0.66:
                path = self.instantiate_source(rng.choice(redirect_sources))
            elif k < 0.9:
                path = self.instantiate_route(rng.choice(routes))
            else:
                path = "/" + "/".join(rng.choice(SEGS + VALUES) for _ in range(rng.randint(1, 3)))
            requests.append(self.mutate(path, config, rules))
        # dedupe while keeping order (identical requests add nothing)
        seen = set()
        uniq = []
        for r in requests:
            key = json.dumps(r, sort_keys=True)
            if key not in seen:
                seen.add(key)
                uniq.append(r)
        return {
            "name": f"random-{self.seed:02d}",
            "config": config,
            "routes": routes,
            "requests": uniq,
        }

    def mutate(self, path: str, config: dict[str, Any], rules: list[dict[str, Any]]) -> Req:
        rng = self.rng
        base_path = config.get("basePath", "")
        if config.get("trailingSlash") and path != "/" and rng.random() < 0.75:
            path += "/"
        if base_path and rng.random() < 0.85:
            path = base_path + (path if path != "/" else rng.choice(["", "/"]))
        if rng.random() < 0.12:
            segs = path.split("/")
            i = rng.randrange(len(segs))
            segs[i] = segs[i].upper() if rng.random() < 0.5 else segs[i].capitalize()
            path = "/".join(segs)
        r = rng.random()
        if r < 0.1 and path != "/":
            path += "/"
        elif r < 0.13:
            path = "/" + path
        elif r < 0.15:
            path = path.replace("/", "//", 1) if path.count("/") > 1 else path + "//"
        elif r < 0.17:
            path = "/zz/.." + path
        elif r < 0.18:
            path = path.replace("/", "\\", 1)
        elif r < 0.2 and path != "/":
            path = path + rng.choice(["/%E0%A4%A", "/%zz", "/%2e%2e/x"])
        q = rng.random()
        if q < 0.3:
            path += rng.choice(
                [
                    "?q=1",
                    "?a=1&a=2",
                    "?y",
                    "?preview=1",
                    "?preview=0&x=%26",
                    "?src=req",
                    "?slug=q&path=q",
                    "?e=%E2%9C%93",
                ]
            )
        if rng.random() < 0.02:
            path = "http://example.com" + path
        headers: dict[str, str] = {}
        if rng.random() < 0.5:
            headers["host"] = rng.choice(HOSTS)
        if rng.random() < 0.45:
            has_rules = [r for r in rules if "has" in r]
            item, hd, _ = rng.choice(HAS_POOL)
            if has_rules and rng.random() < 0.7:
                item = rng.choice(has_rules)["has"][0]
                hd = next(h for i, h, _ in HAS_POOL if i == item)
            headers.update(hd)
            if item["type"] == "query" and "?" not in path:
                path += "?preview=1"
        return req(path, headers)


def all_configs() -> list[dict[str, Any]]:
    """Every config this generator makes, in order."""
    return (
        seed_configs()
        + phase_configs()
        + has_configs()
        + redirect_configs()
        + basepath_configs()
        + trailing_configs()
        + case_configs()
        + header_configs()
        + local_configs()
        + [RandomConfig(s).build() for s in RANDOM_SEEDS]
        + invalid_configs()
    )


def main(argv: list[str] | None = None) -> int:
    return generate(__doc__ or "", GENERATOR, "router.json", all_configs, argv)


if __name__ == "__main__":
    sys.exit(main())
