#!/usr/bin/env python3
"""Generate ``jsnames.json``: JavaScript's built-in property names wherever Next.js looks names up.

Next.js keeps request data in plain JavaScript objects, so a name that an object inherits from
``Object.prototype`` (``toString``, ``constructor``, ``__proto__``, ``hasOwnProperty``,
``valueOf`` and the rest) is found on every request, and ``__proto__`` cannot be assigned a
string at all. Every answer here comes from the Next.js oracle (``resolve.js`` in the shared
oracle directory, running the real routing code of next@16.4.6).

What is generated (deterministic, no randomness):

* ``has`` and ``missing`` items of every type (header, cookie, query) keyed by each name, without
  a value, with ``.*`` and with a named group; requests without the key, with it, and with it
  repeated (query) or in another case (header).
* Parameters named like the names: a source ``/:name`` proxied (params appended to the query),
  rewritten internally, redirected, used in a destination path, query and host, and in header
  rules; named groups of ``has`` values called ``__proto__`` and ``constructor``.
* App routes whose slugs are the names (``/a/[__proto__]``, ``/b/[...constructor]``,
  ``/c/[[...toString]]``).
* Request query strings whose keys are the names, single and repeated, through local pages,
  rewrites and proxies.

Output format (read by tests/test_conformance_router.py)::

    {"generator": "tests/vectors/gen_jsnames.py", "oracle": "next@16.4.6 resolve.js",
     "configs": [{"name", "config", "routes", "requests": [{"url", "headers"}],
                  "results": [<oracle JSON line, unmodified>]}]}

Re-run (needs node and the oracle set up, see the oracle README)::

    python3 tests/vectors/gen_jsnames.py
    python3 tests/vectors/gen_jsnames.py --oracle /work/shared/oracle --out tests/vectors/jsnames.json

Re-running gives byte-identical output.  Python 3.11, stdlib only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from _resolve_oracle import run_all, summarize, write

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATOR = "tests/vectors/gen_jsnames.py"
ORACLE_NAME = "next@16.4.6 resolve.js"

#: Own properties of Object.prototype (every plain object inherits them), and two that are not.
NAMES = [
    "toString",
    "constructor",
    "__proto__",
    "hasOwnProperty",
    "valueOf",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "__defineGetter__",
    "__lookupSetter__",
]
#: Names that are not inherited (controls), and one an array has but a plain object has not.
CONTROLS = ["tostring", "length", "prototype"]
ROUTES = ["/", "/ok", "/dest"]

Req = dict[str, Any]


def req(url: str, headers: dict[str, str] | None = None) -> Req:
    return {"url": url, "headers": headers or {}}


def has_config(kind: str) -> dict[str, Any]:
    """`has`/`missing` of one type keyed by every name, each under its own prefix."""
    rules: list[dict[str, Any]] = []
    requests: list[Req] = []
    for i, name in enumerate(NAMES + CONTROLS):
        shapes: list[tuple[str, dict[str, Any]]] = [
            ("has", {"has": [{"type": kind, "key": name}]}),
            ("any", {"has": [{"type": kind, "key": name, "value": ".*"}]}),
            ("group", {"has": [{"type": kind, "key": name, "value": "(?<v>.+)"}]}),
            ("missing", {"missing": [{"type": kind, "key": name}]}),
            ("missingv", {"missing": [{"type": kind, "key": name, "value": "1"}]}),
        ]
        for shape, extra in shapes:
            prefix = f"/{shape}{i}"
            rules.append({"source": f"{prefix}/:x", "destination": "/dest", **extra})
            bare = f"{prefix}/y"
            requests.append(req(bare))
            if kind == "header":
                requests.append(req(bare, {name.lower(): "1"}))
            elif kind == "cookie":
                requests.append(req(bare, {"cookie": f"{name}=1"}))
                requests.append(req(bare, {"cookie": f"a=b; {name}=2"}))
            else:
                requests.append(req(f"{bare}?{name}=1"))
                requests.append(req(f"{bare}?{name}=1&{name}=2"))
                requests.append(req(f"{bare}?{name}="))
    return {
        "name": f"has-{kind}",
        "config": {"rewrites": rules},
        "routes": ROUTES,
        "requests": requests,
    }


def params_config() -> dict[str, Any]:
    """Parameters named like the names, through every kind of destination."""
    rewrites: list[dict[str, Any]] = []
    redirects: list[dict[str, Any]] = []
    headers: list[dict[str, Any]] = []
    requests: list[Req] = []
    for i, name in enumerate(NAMES + CONTROLS[:1]):
        rewrites += [
            {"source": f"/proxy{i}/:{name}", "destination": "https://up.example/p"},
            {"source": f"/proxyq{i}/:{name}", "destination": "https://up.example/p?k=1"},
            {"source": f"/proxyp{i}/:{name}", "destination": f"https://up.example/p/:{name}"},
            {"source": f"/proxyh{i}/:{name}", "destination": f"https://:{name}.example/p"},
            {"source": f"/int{i}/:{name}", "destination": "/dest"},
            {"source": f"/intp{i}/:{name}", "destination": f"/dest/:{name}"},
            {"source": f"/intq{i}/:{name}", "destination": f"/dest?v=:{name}"},
            {"source": f"/star{i}/:{name}*", "destination": "/dest"},
        ]
        redirects += [
            {"source": f"/redir{i}/:{name}", "destination": "/dest", "permanent": False},
            {"source": f"/redirp{i}/:{name}", "destination": f"/dest/:{name}", "permanent": True},
            {"source": f"/redirq{i}/:{name}", "destination": f"/dest?v=:{name}", "statusCode": 302},
        ]
        headers += [
            {"source": f"/hdr{i}/:{name}", "headers": [{"key": "x-v", "value": f":{name}"}]}
        ]
        for prefix in (
            "proxy",
            "proxyq",
            "proxyp",
            "proxyh",
            "int",
            "intp",
            "intq",
            "star",
            "redir",
            "redirp",
            "redirq",
            "hdr",
        ):
            requests.append(req(f"/{prefix}{i}/abc"))
            requests.append(req(f"/{prefix}{i}/abc?{name}=q"))
        requests.append(req(f"/star{i}/a/b?{name}=q&{name}=r"))
        requests.append(req(f"/star{i}"))
    # Named groups of has values called like the names.
    for j, name in enumerate(["__proto__", "constructor", "toString", "valueOf"]):
        group = {"type": "query", "key": "g", "value": f"(?<{name}>.*)"}
        rewrites += [
            {"source": f"/grpx{j}/:x", "destination": "https://up.example/g", "has": [group]},
            {
                "source": f"/grph{j}/:x",
                "destination": f"https://up.example/:{name}",
                "has": [group],
            },
        ]
        prefixes = ["grpx", "grph"]
        if name != "__proto__":  # Next.js refuses it in an internal destination (own config)
            rewrites += [
                {"source": f"/grp{j}/:x", "destination": f"/dest/:{name}", "has": [group]},
                {"source": f"/grpq{j}/:x", "destination": f"/dest?v=:{name}", "has": [group]},
            ]
            prefixes += ["grp", "grpq"]
        for prefix in prefixes:
            requests += [req(f"/{prefix}{j}/1?g=val"), req(f"/{prefix}{j}/1?g=")]
        # A valueless has item whose key is the name: its param is the name itself.
        rewrites.append(
            {
                "source": f"/hk{j}/:x",
                "destination": f"/dest/:{name}",
                "has": [{"type": "query", "key": name}],
            }
        )
        requests += [req(f"/hk{j}/1?{name}=z"), req(f"/hk{j}/1")]
    return {
        "name": "params",
        "config": {"rewrites": rewrites, "redirects": redirects, "headers": headers},
        "routes": ROUTES,
        "requests": requests,
    }


def refused_config() -> dict[str, Any]:
    """A named group `__proto__` used in an internal destination: Next.js's check of
    destination segments only knows group names that start with a letter."""
    group = {"type": "query", "key": "g", "value": "(?<__proto__>.*)"}
    return {
        "name": "group-proto-internal",
        "config": {
            "rewrites": [{"source": "/g/:x", "destination": "/dest/:__proto__", "has": [group]}]
        },
        "routes": ROUTES,
        "requests": [req("/g/1?g=val")],
    }


def routes_config() -> dict[str, Any]:
    """App routes whose slugs are the names."""
    routes = ["/", "/dest"]
    requests: list[Req] = []
    for i, name in enumerate(NAMES + CONTROLS[:1]):
        routes += [f"/a{i}/[{name}]", f"/b{i}/[...{name}]", f"/c{i}/[[...{name}]]"]
        requests += [
            req(f"/a{i}/x"),
            req(f"/a{i}/x?{name}=q"),
            req(f"/b{i}/x/y"),
            req(f"/b{i}/x"),
            req(f"/c{i}"),
            req(f"/c{i}/x/y?{name}=q&{name}=r"),
        ]
    rewrites = [{"source": "/rw/:slug", "destination": "/a0/:slug"}]
    requests += [req("/rw/v"), req("/rw/v?toString=1")]
    return {
        "name": "routes",
        "config": {"rewrites": rewrites},
        "routes": routes,
        "requests": requests,
    }


def query_config() -> dict[str, Any]:
    """Request query keys named like the names, on pages, rewrites and proxies."""
    rewrites = [
        {"source": "/rw", "destination": "/dest"},
        {"source": "/rwq", "destination": "/dest?toString=d&constructor=e"},
        {"source": "/px", "destination": "https://up.example/px"},
        {"source": "/pxq", "destination": "https://up.example/px?valueOf=d"},
    ]
    queries = []
    for name in NAMES + CONTROLS:
        queries += [f"{name}=1", f"{name}=1&{name}=2", f"{name}=1&{name}=2&{name}=3", f"{name}"]
    queries += [
        "constructor=1&toString=2&__proto__=3&__proto__=4&valueOf=5&valueOf=6",
        "__proto__=a&0=b&1=c&length=d",
        "__proto__=a&__proto__=b&0=x&1=y",
        "__proto__=a&__proto__=b&length=9",
        "a=%00&constructor=%E2%9C%93",
    ]
    requests = [
        req(f"{path}?{q}") for q in queries for path in ("/dest", "/rw", "/rwq", "/px", "/pxq")
    ]
    return {
        "name": "query-keys",
        "config": {"rewrites": rewrites},
        "routes": ROUTES,
        "requests": requests,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--oracle",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "oracle",
        help="directory holding resolve.js (default: <repo>/../shared/oracle)",
    )
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "jsnames.json")
    args = ap.parse_args(argv)
    configs = [
        has_config("header"),
        has_config("cookie"),
        has_config("query"),
        params_config(),
        refused_config(),
        routes_config(),
        query_config(),
    ]
    names = [c["name"] for c in configs]
    assert len(names) == len(set(names)), "config names must be unique"
    run_all(args.oracle, configs)
    for c in configs:
        refused = any(r.get("setup_error") for r in c["results"])
        if refused != (c["name"] == "group-proto-internal"):
            print(f"warning: config {c['name']!r} setup_error={refused}", file=sys.stderr)
    doc = {"generator": GENERATOR, "oracle": ORACLE_NAME, "configs": configs}
    write(doc, args.out)
    print(summarize(doc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
