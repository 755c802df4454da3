#!/usr/bin/env python3
"""Generate ``destinations.json``: conformance vectors for destination templates.

Every vector is answered by the Next.js oracle (``resolve.js`` in the shared
oracle directory, which runs the real routing code of next@16.4.6), so the file
records what Next.js does, not what we think it does.

What is generated (all deterministic, no randomness):

* For each *source family* (named params, two params, ``:path*``, ``:path+``,
  optional ``:lang?``, custom groups ``(\\d+)`` / ``(.*)``, unnamed groups,
  named + unnamed, ``:name.:ext``, ``:a-:b``, ``:loc(en|fr)/:rest*``) two configs:
  one with afterFiles **rewrites** and one with **redirects** (status cycling
  through permanent true/false and statusCode 301/302/303/307/308).  Each config
  holds one rule per destination template, under its own literal prefix
  (``/named-07/...``).  Templates cover internal and external destinations with
  ``:p``, ``:p*``, ``:p+``, ``:p?`` in the path, the hostname, the hash and query
  values, literal ``lit:eral`` query text, ``%3A``/``%24`` escapes, ``$1``/``${1}``
  (left literal by Next.js), destination query and hash, unknown params in
  external destinations and multi-match into a single param (both throw per
  request).  Requests use percent-escapes, ``& = : $ +`` in values, mixed case
  and request query strings (repeated keys, valueless keys, encoded values).
* A ``has``/``missing`` config: header/cookie/query/host captures with named
  groups, valueless keys (``x-token`` -> ``xtoken``), host captures, values
  with ``& # ? %`` and spaces injected into path, hash, host and query.
* A few small configs for basePath, trailingSlash, beforeFiles/fallback and
  chained internal rewrites whose query accumulates.

Output format (read by the Python tests)::

    {"generator": "tests/vectors/gen_destinations.py", "oracle": "next@16.4.6 resolve.js",
     "configs": [{"name", "config", "routes", "requests": [{"url", "headers"}],
                  "results": [<oracle JSON line, unmodified>]}]}

Re-run (needs node and the oracle set up, see the oracle README)::

    python3 tests/vectors/gen_destinations.py
    python3 tests/vectors/gen_destinations.py --oracle /work/shared/oracle \
        --out tests/vectors/destinations.json

Re-running gives byte-identical output.  Python 3.11, stdlib only.
"""

from __future__ import annotations

import sys
from typing import Any

from _resolve_oracle import generate

GENERATOR = "tests/vectors/gen_destinations.py"

ROUTES = ["/", "/b", "/c", "/x", "/blog/[slug]", "/docs/[[...slug]]", "/t/[...rest]"]

# request query strings, cycled over the requests
QUERIES = [
    "",
    "?q=1",
    "?a=1&a=2",
    "?y",
    "?y=",
    "?q=a%20b&r=%26",
    "?slug=zz&path=p",
    "?x=%2F%23%3F&Mixed=Case",
    "?e=%E2%9C%93&plus=a+b",
    "?v=1&v=2&v=3&own=req",
]

# (key, source tail, [(param, kind)], request tails)
# kind: one | star | plus | opt
FAMILIES: list[tuple[str, str, list[tuple[str, str]], list[str]]] = [
    (
        "named",
        "/:slug",
        [("slug", "one")],
        [
            "/hello",
            "/Hello-World",
            "/a%20b",
            "/a%2Fb",
            "/a%23b",
            "/a%3Fb",
            "/a%25b",
            "/caf%C3%A9",
            "/a&b=c",
            "/a:b",
            "/a$b",
            "/a+b",
        ],
    ),
    ("two", "/:a/:b", [("a", "one"), ("b", "one")], ["/x/y", "/X/Y", "/a%20b/c%2Fd", "/a&b/c=d"]),
    ("star", "/:path*", [("path", "star")], ["", "/a", "/a/b/c", "/a%2Fb/c", "/A/B", "/a%20b/%23"]),
    ("plus", "/:path+", [("path", "plus")], ["", "/a", "/a/b", "/x%3Fy/z", "/A/b/C/d"]),
    ("opt", "/:lang?", [("lang", "opt")], ["", "/en", "/EN", "/a%20b"]),
    ("digits", "/:id(\\d+)", [("id", "one")], ["/1", "/0123", "/12a"]),
    ("rest", "/:rest(.*)", [("rest", "one")], ["/", "/a", "/a/b/c", "/a%2Fb"]),
    ("unnamed", "/(.*)", [], ["/a", "/a/b", "/A%20B"]),
    ("mixed", "/:first/(\\d+)", [("first", "one")], ["/x/1", "/X/22", "/x/y"]),
    ("dotted", "/:name.:ext", [("name", "one"), ("ext", "one")], ["/file.txt", "/a.b.c", "/noext"]),
    ("dashed", "/:a-:b", [("a", "one"), ("b", "one")], ["/x-y", "/x-y-z", "/xy"]),
    (
        "locale",
        "/:loc(en|fr)/:rest*",
        [("loc", "one"), ("rest", "star")],
        ["/en", "/fr/a/b", "/EN/x", "/de/x"],
    ),
]

SUFFIX = {"one": "", "star": "*", "plus": "+", "opt": "?"}


def use(param: tuple[str, str]) -> str:
    """The natural way to reference a source param in a destination path."""
    name, kind = param
    return ":" + name + SUFFIX[kind] if kind in ("star", "plus") else ":" + name


def templates(params: list[tuple[str, str]]) -> list[str]:
    """Destination templates for a source with these params (internal ones are valid)."""
    out: list[str] = []
    path_use = "/".join(use(p) for p in params)
    first = params[0] if params else None
    p1 = use(first) if first else ""
    # internal
    if params:
        out.append("/x/" + path_use)
    out.append("/x")
    out.append("/c/$1/${1}/$2")
    if first:
        out.append("/x?v=" + p1 + "&lit=a:b&d=$1")
        out.append("/x/" + path_use + "?keep=1&k2=" + p1 + "#h-" + p1)
        out.append("/x#" + p1)
        out.append("/blog/" + p1)
        out.append("/docs/:" + first[0] + "*")
        out.append("/t/" + path_use)
        out.append("/m/:" + first[0] + "+")
        out.append("/m/:" + first[0] + "?")
        out.append("/m/:" + first[0] + "/:" + first[0])
        out.append("/b?own=dest&v=:" + first[0] + "*")
    # external
    out.append("https://ext.example.com/up")
    out.append("http://localhost:3001/api/$1" + ("/" + path_use if params else "") + "?n=${1}")
    out.append("https://ext.example.com/x?own=1&q=override#frag")
    out.append("https://ext.example.com/a%3A/%24/:nope")
    if params:
        out.append("https://ext.example.com/" + path_use)
        out.append("https://ext.example.com/e/" + path_use + "?own=1&q=override#frag")
        out.append("http://ext.example.com:8080/x?a=" + p1 + "&b=lit:eral&c=:" + first[0] + "*")
        out.append("https://:" + first[0] + ".example.com/x")
        out.append("https://ext.example.com/x#:" + first[0])
        out.append("https://ext.example.com/one/:" + first[0])
        out.append("https://ext.example.com/a%3A" + p1 + "/%24")
    if len(params) > 1:
        out.append("https://ext.example.com/" + "/".join(":" + p[0] for p in reversed(params)))
        out.append("/x?" + "&".join(f"{p[0]}2={use(p)}" for p in params))
    return out


STATUSES: list[dict[str, Any]] = [
    {"permanent": True},
    {"permanent": False},
    {"statusCode": 301},
    {"statusCode": 302},
    {"statusCode": 303},
    {"statusCode": 307},
    {"statusCode": 308},
]


def mixed_case(s: str) -> str:
    """Upper-case every other letter of the literal prefix (case-insensitive matching)."""
    return "".join(c.upper() if i % 2 else c for i, c in enumerate(s))


def family_configs() -> list[dict[str, Any]]:
    configs = []
    qi = 0
    for key, tail, params, tails in FAMILIES:
        temps = templates(params)
        for kind in ("rewrite", "redirect"):
            rules: list[dict[str, Any]] = []
            requests: list[dict[str, Any]] = []
            for i, dest in enumerate(temps):
                prefix = f"/{key}-{i:02d}"
                rule: dict[str, Any] = {"source": prefix + tail, "destination": dest}
                if kind == "redirect":
                    rule.update(STATUSES[i % len(STATUSES)])
                rules.append(rule)
                for j, t in enumerate(tails):
                    pre = mixed_case(prefix) if (i + j) % 5 == 4 else prefix
                    qs = [QUERIES[qi % len(QUERIES)]]
                    qi += 1
                    if j == 0:
                        qs.append(QUERIES[(qi + 3) % len(QUERIES)])
                        qi += 1
                    for q in qs:
                        requests.append({"url": pre + t + q, "headers": {}})
            configs.append(
                {
                    "name": f"{key}-{kind}s",
                    "config": {"rewrites" if kind == "rewrite" else "redirects": rules},
                    "routes": ROUTES,
                    "requests": requests,
                }
            )
    return configs


def req(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"url": url, "headers": headers or {}}


ODD_VALUES = ["1", "a b", "a&b=c", "a?b#c", "a%20b", "a/b", "A.B", "caf\u00e9", "x#", ":v", ""]


def has_config() -> dict[str, Any]:
    hv = {"type": "header", "key": "x-v", "value": "(?<v>.*)"}
    rules: list[dict[str, Any]] = [
        {
            "source": "/h/ver",
            "has": [{"type": "header", "key": "x-ver", "value": "(?<ver>\\d+)"}],
            "destination": "/x/:ver",
        },
        {
            "source": "/h/ver-ext",
            "has": [{"type": "header", "key": "X-Ver", "value": "(?<ver>\\d+)"}],
            "destination": "https://ext.example.com/v:ver/api",
        },
        {
            "source": "/h/token",
            "has": [{"type": "header", "key": "x-token"}],
            "destination": "https://ext.example.com/t",
        },
        {
            "source": "/h/token-path",
            "has": [{"type": "header", "key": "x-token"}],
            "destination": "https://ext.example.com/t/:xtoken",
        },
        {
            "source": "/h/token-int",
            "has": [{"type": "header", "key": "x-token"}],
            "destination": "/x",
        },
        {
            "source": "/h/cookie",
            "has": [{"type": "cookie", "key": "session"}],
            "destination": "/x/:session",
        },
        {
            "source": "/h/cookie-ext",
            "has": [{"type": "cookie", "key": "session"}],
            "destination": "https://ext.example.com/c?s=:session",
        },
        {
            "source": "/h/cookie-uid",
            "has": [{"type": "cookie", "key": "uid", "value": "(?<uid>[a-z0-9]+)"}],
            "destination": "https://ext.example.com/u/:uid",
        },
        {
            "source": "/h/query",
            "has": [{"type": "query", "key": "v", "value": "(?<ver>\\d+)"}],
            "destination": "/b?version=:ver",
        },
        {
            "source": "/h/query-ext",
            "has": [{"type": "query", "key": "v", "value": "(?<ver>\\d+)"}],
            "destination": "https://ext.example.com/q/:ver",
        },
        {"source": "/h/ref", "has": [{"type": "query", "key": "ref"}], "destination": "/x/:ref"},
        {
            "source": "/h/ref-ext",
            "has": [{"type": "query", "key": "ref"}],
            "destination": "https://ext.example.com/r",
        },
        {
            "source": "/h/host/:path*",
            "has": [{"type": "host", "value": "(?<sub>[^.]+)\\.example\\.com"}],
            "destination": "https://:sub.backend.example.com/:path*",
        },
        {
            "source": "/h/host-plain",
            "has": [{"type": "host", "value": "example\\.com"}],
            "destination": "https://ext.example.com/hp",
        },
        {
            "source": "/h/host-int",
            "has": [{"type": "host", "value": "(?<tenant>[a-z]+)\\.example\\.com"}],
            "destination": "/t/:tenant",
        },
        {"source": "/h/v-path", "has": [hv], "destination": "https://ext.example.com/hp/:v"},
        {"source": "/h/v-query", "has": [hv], "destination": "https://ext.example.com/hq?v=:v"},
        {"source": "/h/v-int-query", "has": [hv], "destination": "/x?v=:v"},
        {"source": "/h/v-int-path", "has": [hv], "destination": "/x/:v"},
        {"source": "/h/v-host", "has": [hv], "destination": "https://:v.example.com/"},
        {"source": "/h/v-hash", "has": [hv], "destination": "/x#:v"},
        {"source": "/h/v-ext-hash", "has": [hv], "destination": "https://ext.example.com/h#:v"},
        {"source": "/h/v-append", "has": [hv], "destination": "https://ext.example.com/a"},
        {
            "source": "/h/override/:slug",
            "has": [{"type": "query", "key": "slug", "value": "(?<slug>.*)"}],
            "destination": "https://ext.example.com/o/:slug",
        },
        {
            "source": "/h/multi/:id",
            "has": [
                {"type": "header", "key": "x-a", "value": "(?<a>[^,]*)"},
                {"type": "cookie", "key": "b", "value": "(?<b>.*)"},
                {"type": "query", "key": "c"},
            ],
            "missing": [{"type": "header", "key": "x-block"}],
            "destination": "https://ext.example.com/m/:id/:a?b=:b&c=:c",
        },
        {
            "source": "/h/missing",
            "missing": [{"type": "cookie", "key": "session"}],
            "destination": "/x?anon=1",
        },
        {
            "source": "/h/ver-redirect",
            "has": [{"type": "header", "key": "x-ver", "value": "(?<ver>\\d+)"}],
            "destination": "/x/:ver",
        },
    ]
    reqs: list[dict[str, Any]] = []
    for v in ["1", "42", "x"]:
        reqs.append(req("/h/ver", {"x-ver": v}))
        reqs.append(req("/h/ver-ext?q=1", {"x-ver": v}))
    reqs.append(req("/h/ver"))
    for v in ["abc", "a b", "a&b", "", "A%20B"]:
        reqs.append(req("/h/token", {"x-token": v}))
        reqs.append(req("/h/token-path?xtoken=req", {"x-token": v}))
        reqs.append(req("/h/token-int", {"x-token": v}))
    for c in [
        "session=s1",
        "session=a%20b",
        "session=a%26b; other=1",
        "Session=x",
        "session=",
        "o=1",
    ]:
        reqs.append(req("/h/cookie", {"cookie": c}))
        reqs.append(req("/h/cookie-ext?s=req", {"cookie": c}))
        reqs.append(req("/h/missing", {"cookie": c}))
    reqs.append(req("/h/missing"))
    for c in ["uid=abc123", "uid=ABC", "uid=a%2Fb"]:
        reqs.append(req("/h/cookie-uid", {"cookie": c}))
    for q in ["?v=12", "?v=x", "?v=1&v=2", "?v=2&v=x", "?v=", "?v=007&other=a%20b"]:
        reqs.append(req("/h/query" + q))
        reqs.append(req("/h/query-ext" + q))
    for q in ["?ref=abc", "?ref=a%20b", "?ref=", "?ref", "?ref=a&ref=b", "?ref=a%2Fb"]:
        reqs.append(req("/h/ref" + q))
        reqs.append(req("/h/ref-ext" + q))
    for host in ["acme.example.com", "ACME.Example.com:8080", "example.com", "a.b.example.com", ""]:
        hd = {"host": host} if host else {}
        reqs.append(req("/h/host/a/b?x=1", hd))
        reqs.append(req("/h/host", hd))
        reqs.append(req("/h/host-plain", hd))
        reqs.append(req("/h/host-int", hd))
    for v in ODD_VALUES:
        hd = {"x-v": v}
        for p in [
            "v-path",
            "v-query",
            "v-int-query",
            "v-int-path",
            "v-host",
            "v-hash",
            "v-ext-hash",
            "v-append",
        ]:
            reqs.append(req("/h/" + p, hd))
    reqs.append(req("/h/v-query?v=orig&w=%26", {"x-v": "a&b=c"}))
    reqs.append(req("/h/v-append?v=orig", {"x-v": "new"}))
    for q in ["?slug=q1", "?slug=a%20b", "?slug=", "?other=1"]:
        reqs.append(req("/h/override/path1" + q))
    base = {"x-a": "A1", "cookie": "b=B%20one"}
    reqs.append(req("/h/multi/7?c=C", base))
    reqs.append(req("/h/multi/7?c=C&a=q", base))
    reqs.append(req("/h/multi/7", base))
    reqs.append(req("/h/multi/7?c=C", {**base, "x-block": "1"}))
    reqs.append(req("/h/multi/7?c=a%26b", {"x-a": "x,y", "cookie": "b=z"}))
    return {
        "name": "has-captures",
        "config": {"rewrites": rules},
        "routes": ROUTES,
        "requests": reqs,
    }


def has_redirect_config() -> dict[str, Any]:
    hv = {"type": "header", "key": "x-v", "value": "(?<v>.*)"}
    rules: list[dict[str, Any]] = [
        {
            "source": "/hr/ver",
            "has": [{"type": "header", "key": "x-ver", "value": "(?<ver>\\d+)"}],
            "destination": "/x/:ver",
            "permanent": False,
        },
        {
            "source": "/hr/v-path",
            "has": [hv],
            "destination": "https://ext.example.com/p/:v",
            "statusCode": 302,
        },
        {"source": "/hr/v-query", "has": [hv], "destination": "/x?v=:v", "statusCode": 303},
        {"source": "/hr/v-hash", "has": [hv], "destination": "/x#:v", "permanent": True},
        {
            "source": "/hr/v-host",
            "has": [hv],
            "destination": "https://:v.example.com/r",
            "statusCode": 301,
        },
        {
            "source": "/hr/token",
            "has": [{"type": "header", "key": "x-token"}],
            "destination": "https://ext.example.com/t",
            "permanent": True,
        },
        {
            "source": "/hr/host/:path*",
            "has": [{"type": "host", "value": "(?<sub>[^.]+)\\.example\\.com"}],
            "destination": "https://:sub.example.org/:path*",
            "statusCode": 307,
        },
        {
            "source": "/hr/ref",
            "has": [{"type": "query", "key": "ref"}],
            "destination": "/x/:ref",
            "permanent": False,
        },
    ]
    reqs: list[dict[str, Any]] = []
    for v in ODD_VALUES:
        for p in ["v-path", "v-query", "v-hash", "v-host"]:
            reqs.append(req("/hr/" + p + "?q=a%20b", {"x-v": v}))
    for v in ["7", "x"]:
        reqs.append(req("/hr/ver?keep=1", {"x-ver": v}))
    reqs.append(req("/hr/token?a=1&a=2", {"x-token": "t&k"}))
    for host in ["acme.example.com", "Acme.Example.com:3000", "other.org"]:
        reqs.append(req("/hr/host/a%20b/c?z", {"host": host}))
    for q in ["?ref=abc", "?ref=a%20b&x=%26", "?ref"]:
        reqs.append(req("/hr/ref" + q))
    return {
        "name": "has-captures-redirects",
        "config": {"redirects": rules},
        "routes": ROUTES,
        "requests": reqs,
    }


def misc_configs() -> list[dict[str, Any]]:
    out = []
    # basePath: internal destinations get the prefix, external ones do not
    out.append(
        {
            "name": "basepath-destinations",
            "config": {
                "basePath": "/docs",
                "rewrites": [
                    {"source": "/p/:slug", "destination": "/x?s=:slug"},
                    {"source": "/q/:path*", "destination": "/t/:path*"},
                    {"source": "/e/:path*", "destination": "https://ext.example.com/:path*?bp=1"},
                    {
                        "source": "/nobp/:slug",
                        "destination": "https://ext.example.com/nobp/:slug",
                        "basePath": False,
                    },
                ],
                "redirects": [
                    {"source": "/r/:slug", "destination": "/x/:slug", "permanent": True},
                    {
                        "source": "/rx/:slug",
                        "destination": "https://ext.example.com/:slug",
                        "permanent": False,
                    },
                    {
                        "source": "/rnb/:slug",
                        "destination": "/elsewhere/:slug",
                        "permanent": False,
                        "basePath": False,
                    },
                ],
            },
            "routes": ROUTES,
            "requests": [
                req(u)
                for u in [
                    "/docs/p/a",
                    "/docs/p/a%20b?q=1",
                    "/docs/q/a/b",
                    "/docs/q",
                    "/docs/e/a/b?x=1",
                    "/docs/e",
                    "/nobp/z?y",
                    "/docs/nobp/z",
                    "/docs/r/a?k=1",
                    "/docs/rx/a%2Fb",
                    "/rnb/a?k=v",
                    "/docs/rnb/a",
                    "/p/a",
                    "/DOCS/p/a",
                ]
            ],
        }
    )
    # trailingSlash: destination slash handling
    out.append(
        {
            "name": "trailing-slash-destinations",
            "config": {
                "trailingSlash": True,
                "rewrites": [
                    {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"},
                    {"source": "/t2/:path*/", "destination": "http://localhost:3001/t2/:path*/"},
                    {"source": "/in/:slug", "destination": "/x/"},
                    {"source": "/in2/:slug/", "destination": "/blog/:slug/"},
                ],
                "redirects": [
                    {"source": "/r/:slug", "destination": "/new/:slug/", "permanent": False},
                ],
            },
            "routes": ROUTES,
            "requests": [
                req(u)
                for u in [
                    "/api/users/",
                    "/api/users",
                    "/api/",
                    "/t2/x/",
                    "/t2/x/y/?q=1",
                    "/in/a/",
                    "/in2/a/",
                    "/in2/a%20b/?q",
                    "/r/a/",
                    "/r/a",
                    "/file.txt/",
                    "/api/a.json/",
                ]
            ],
        }
    )
    # phases: query accumulation along chains
    out.append(
        {
            "name": "chain-query-accumulation",
            "config": {
                "rewrites": {
                    "beforeFiles": [
                        {"source": "/bf/:a", "destination": "/mid/:a?from=bf"},
                        {"source": "/mid/:b", "destination": "/mid2?b=:b&from=mid"},
                    ],
                    "afterFiles": [
                        {"source": "/mid2", "destination": "/step/zz?af=1"},
                        {"source": "/step/:c", "destination": "/x?c=:c"},
                        {"source": "/ext/:a", "destination": "/ext2/:a?hop=1"},
                        {"source": "/ext2/:a", "destination": "https://ext.example.com/:a"},
                    ],
                    "fallback": [
                        {"source": "/fb/:slug*", "destination": "/blog/:slug*?fb=1"},
                        {
                            "source": "/fb2/:slug",
                            "destination": "https://ext.example.com/fb?s=:slug",
                        },
                    ],
                },
            },
            "routes": ROUTES,
            "requests": [
                req(u)
                for u in [
                    "/bf/one",
                    "/bf/one?from=req&z=1",
                    "/ext/a%20b?q=1",
                    "/ext/x?hop=req",
                    "/fb/one",
                    "/fb/one/two",
                    "/fb/one?fb=req",
                    "/fb2/s?s=r&t=%26",
                    "/mid/zz",
                    "/mid2?b=q",
                ]
            ],
        }
    )
    # request-time errors and odd templates, each alone (a config error would hide the rest)
    solos: list[tuple[str, dict[str, Any], list[str]]] = [
        (
            "unknown-param-external",
            {"source": "/p/:id", "destination": "https://ext.example.com/:nope"},
            ["/p/1", "/p/1?nope=q"],
        ),
        (
            "unknown-param-external-query",
            {"source": "/p/:id", "destination": "https://ext.example.com/x?n=:nope&i=:id"},
            ["/p/1", "/p/1?nope=q"],
        ),
        (
            "multi-match-single",
            {"source": "/m/:slug*", "destination": "https://ext.example.com/:slug"},
            ["/m", "/m/a", "/m/a/b"],
        ),
        (
            "multi-match-internal",
            {"source": "/m/:slug+", "destination": "/x/:slug"},
            ["/m/a", "/m/a/b"],
        ),
        (
            "multi-match-query",
            {"source": "/m/:slug*", "destination": "/x?s=:slug"},
            ["/m", "/m/a", "/m/a/b"],
        ),
        (
            "dollar-external-only",
            {
                "source": "/api/((?!auth).*)/:path*",
                "destination": "http://localhost:3001/api/$1/:path*",
            },
            ["/api/users", "/api/trades/123?x=1", "/api/auth/session", "/api/authenticate"],
        ),
        (
            "dollar-internal",
            {"source": "/api/((?!auth).*)", "destination": "/x/$1?r=$1"},
            ["/api/users", "/api/a/b"],
        ),
        (
            "percent-colon-internal",
            {"source": "/p/:slug", "destination": "/x/a%3Ab/:slug"},
            ["/p/a", "/p/a%3Ab"],
        ),
        ("backslash-colon-internal", {"source": "/p/:slug", "destination": "/x/a\\:b"}, ["/p/a"]),
        (
            "literal-colon-digits-internal",
            {"source": "/p/:slug", "destination": "/x/12:30"},
            ["/p/a"],
        ),
        (
            "literal-colon-digits-external",
            {"source": "/p/:slug", "destination": "https://ext.example.com/12:30/:slug"},
            ["/p/a"],
        ),
        (
            "colon-query-literal",
            {"source": "/p/:slug", "destination": "/x?t=12:30&u=:slug:x&w=a:b:c&v=:nope"},
            ["/p/a", "/p/a?nope=1"],
        ),
        (
            "custom-group-in-destination",
            {"source": "/p/:slug", "destination": "https://ext.example.com/:slug(\\d+)"},
            ["/p/ab", "/p/12"],
        ),
        (
            "userinfo-port-destination",
            {"source": "/p/:slug", "destination": "https://user:pw@ext.example.com:8443/:slug"},
            ["/p/a?x=1"],
        ),
        (
            "repeated-dest-query-key",
            {"source": "/p/:slug", "destination": "/x?a=:slug&a=2&a=:slug"},
            ["/p/q", "/p/q?a=0"],
        ),
        (
            "protocol-relative-dest-redirect",
            {"source": "/r4", "destination": "//evil.example.com/x", "permanent": False},
            ["/r4", "/r4?a=1"],
        ),
        (
            "relative-dest-redirect",
            {"source": "/r5/:slug", "destination": "q/:slug", "permanent": False},
            ["/r5/a", "/r5/a?z=1"],
        ),
        (
            "empty-path-rewrite",
            {"source": "/docs2/:path*", "destination": "/:path*"},
            ["/docs2", "/docs2/b", "/docs2/blog/x"],
        ),
        (
            "host-param-encoded",
            {"source": "/:sub/:path*", "destination": "https://:sub.example.com/:path*"},
            ["/acme/a/b", "/a%20b/x", "/ACME/x", "/a.b/c", "/a_b/c"],
        ),
        (
            "redirect-query-param-raw",
            {"source": "/old-blog-id/:id", "destination": "/blog?id=:id", "permanent": True},
            ["/old-blog-id/x&y=z", "/old-blog-id/a%20b?id=orig", "/old-blog-id/1?z=%26"],
        ),
        (
            "redirect-external-with-port",
            {
                "source": "/go/:path*",
                "destination": "http://localhost:3001/:path*?via=go",
                "statusCode": 302,
            },
            ["/go/a/b?c=1", "/go", "/go/a%2Fb"],
        ),
    ]
    for name, rule, urls in solos:
        is_redirect = "permanent" in rule or "statusCode" in rule
        out.append(
            {
                "name": name,
                "config": {"redirects" if is_redirect else "rewrites": [rule]},
                "routes": ROUTES,
                "requests": [req(u) for u in urls],
            }
        )
    return out


def all_configs() -> list[dict[str, Any]]:
    """Every config this generator runs through the oracle."""
    return [*family_configs(), has_config(), has_redirect_config(), *misc_configs()]


#: The configs whose setup Next.js refuses.
EXPECTED_SETUP_ERRORS = frozenset({"backslash-colon-internal", "literal-colon-digits-internal"})


def main(argv: list[str] | None = None) -> int:
    return generate(
        __doc__ or "",
        GENERATOR,
        "destinations.json",
        all_configs,
        argv,
        fails=EXPECTED_SETUP_ERRORS.__contains__,
    )


if __name__ == "__main__":
    sys.exit(main())
