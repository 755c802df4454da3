"""Conformance: every request in tests/vectors/router.json, destinations.json, jsnames.json and
rsc.json, as Next.js saw it.

The vectors were produced by tests/vectors/gen_router.py, gen_destinations.py, gen_jsnames.py and
gen_rsc.py
running the real next@16.4.6 routing pipeline (../shared/oracle/resolve.js). Next.js leaves `$1`
literal, so the routers here are built with `positional_refs=False`; the `$N` extension is tested
on its own in tests/test_destination.py. This test needs no Node.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import rewrites

HERE = Path(__file__).parent / "vectors"
#: Next.js's behaviour exactly: `$1` literal, never-renderable rules fail per request.
NEXT_COMPATIBLE = {"positional_refs": False, "early_errors": False}
CONFIGS: list[dict[str, Any]] = []
for name in ("router.json", "destinations.json", "jsnames.json", "rsc.json"):
    for config in json.loads((HERE / name).read_text("utf-8"))["configs"]:
        CONFIGS.append({**config, "file": name})


#: Requests written as a full URL (absolute-form). Next.js answers those with '//' with a 308 to
#: themselves, and `Router.resolve` does the same: they are checked against Next.js like any other.
ABSOLUTE_FORM = 37
#: Object.prototype itself as a value: a `has` item keyed `__proto__` without a value captures
#: the object (JSON `{}`), and a request query `__proto__=a` makes the query object's prototype
#: the array `[Object.prototype, 'a']`, which index keys and `length` then extend. Our query
#: holds strings and None (JavaScript's undefined), which stringify as those values do ('' and
#: '2'), so only the JSON form of a local resolution's query differs.
_PROTOTYPE_VALUE = "Object.prototype as a query value: stringifies alike, shown as None not {}"
#: A request query `__proto__=a` read back by a `has` item keyed `__proto__`: Next.js finds the
#: prototype array it made and tests its last value; we read the inherited object (a 500).
_PROTOTYPE_ARRAY = "a has item keyed __proto__ reading the prototype array a request query made"
#: What Next.js does that we do not model, by (config, request): each with its reason. A listed
#: request that starts to agree fails, so that the list only shrinks.
DIVERGENCES: dict[tuple[str, str], str] = {
    **{
        (config, url): _PROTOTYPE_VALUE
        for config, url in [
            ("has-header", "/has2/y"),
            ("has-cookie", "/has2/y"),
            ("has-query", "/has2/y"),
            ("has-query", "/has2/y?__proto__=1"),
            ("has-query", "/has2/y?__proto__=1&__proto__=2"),
            ("has-query", "/has2/y?__proto__="),
            ("query-keys", "/dest?__proto__=a&0=b&1=c&length=d"),
            ("query-keys", "/rw?__proto__=a&0=b&1=c&length=d"),
            ("query-keys", "/dest?__proto__=a&__proto__=b&0=x&1=y"),
            ("query-keys", "/rw?__proto__=a&__proto__=b&0=x&1=y"),
            ("query-keys", "/dest?__proto__=a&__proto__=b&length=9"),
            ("query-keys", "/rw?__proto__=a&__proto__=b&length=9"),
        ]
    },
    **{
        ("has-query", f"/{prefix}2/y?{query}"): _PROTOTYPE_ARRAY
        for prefix in ("any", "group", "missingv")
        for query in ("__proto__=1", "__proto__=1&__proto__=2", "__proto__=")
    },
}


def is_absolute(url: str) -> bool:
    """Whether a request target is a full http(s) URL."""
    return url.startswith(("http://", "https://"))


def compare(router: rewrites.Router, request: dict[str, Any], expected: dict[str, Any]) -> str:
    """'' when our answer is Next.js's, else what differs."""
    url, headers = request["url"], request.get("headers") or {}
    try:
        got = router.resolve(url, headers)
    except rewrites.RequestError as exc:
        if expected["kind"] == "error" and expected.get("status") == exc.status:
            return ""
        return f"raised {exc.status} {exc} but Next.js gave {expected}"
    kind = expected["kind"]
    # The response's headers: the route's (`headers`) and those resolve-routes set on the response
    # itself (`res_headers`: an RSC request's `x-nextjs-rewritten-query`).
    response_headers = {**expected.get("headers", {}), **expected.get("res_headers", {})}
    if kind == "error":
        return f"got {got} but Next.js failed with {expected.get('status')}: {expected['error']}"
    if got.kind.value != kind:
        return f"got {got} but Next.js gave {expected}"
    if kind == "proxied":
        ok = got.url == expected["target"] and got.headers == {}
    elif kind == "redirect":
        target = expected["target"]
        ok = (got.status, got.url) == (target["status"], target["location"])
    elif kind == "local":
        target = expected["target"]
        ok = (
            got.path == target["pathname"]
            and got.query == target["query"]
            and got.route == expected["route"]
            and got.params == expected.get("params", {})
            and got.headers == response_headers
        )
    else:
        final = expected["final"]
        ok = (
            got.path == final["pathname"]
            and got.query == final["query"]
            and got.headers == response_headers
        )
    if ok:
        return ""
    return (
        f"got {got.kind.value} url={got.url!r} path={got.path!r} query={got.query} "
        f"route={got.route!r} params={got.params} status={got.status} headers={got.headers}\n"
        f"      Next.js: {json.dumps(expected)}"
    )


def test_there_are_enough_vectors() -> None:
    """At least 2,000 pipeline requests over 40 configs, and 1,000 destination requests."""
    router = [c for c in CONFIGS if c["file"] == "router.json"]
    dests = [c for c in CONFIGS if c["file"] == "destinations.json"]
    assert len(router) >= 40
    assert sum(len(c["requests"]) for c in router) >= 2000
    assert sum(len(c["requests"]) for c in dests) >= 1000


def test_absolute_form_requests_are_counted() -> None:
    """37 requests are full URLs, each checked against Next.js's answer (none skipped)."""
    full = [r["url"] for c in CONFIGS for r in c["requests"] if is_absolute(r["url"])]
    assert len(full) == ABSOLUTE_FORM
    refused = [c for c in CONFIGS if any(r.get("setup_error") for r in c["results"])]
    assert not any(is_absolute(r["url"]) for c in refused for r in c["requests"])


def test_the_rsc_vectors_are_there() -> None:
    """rsc.json has RSC requests whose response Next.js gives the rewritten path and query."""
    results = [r for c in CONFIGS if c["file"] == "rsc.json" for r in c["results"]]
    assert len(results) >= 900
    told = [r for r in results if "x-nextjs-rewritten-query" in r.get("res_headers", {})]
    assert len(told) >= 90


def test_the_javascript_name_vectors_are_there() -> None:
    """jsnames.json covers has keys, params, query keys and route slugs named like Object's
    properties, in over 1,200 requests."""
    names = {c["name"] for c in CONFIGS if c["file"] == "jsnames.json"}
    assert {"has-header", "has-cookie", "has-query", "params", "routes", "query-keys"} <= names
    count = sum(len(c["requests"]) for c in CONFIGS if c["file"] == "jsnames.json")
    assert count >= 1200


@pytest.mark.parametrize("case", CONFIGS, ids=lambda c: f"{c['file']}:{c['name']}")
def test_config(case: dict[str, Any]) -> None:
    """Every request of one config resolves exactly as Next.js resolved it."""
    setup_errors = [r for r in case["results"] if r.get("setup_error")]
    if setup_errors:
        with pytest.raises(rewrites.ConfigError):
            rewrites.Router.from_next_config(case["config"], case["routes"], **NEXT_COMPATIBLE)
        return
    router = rewrites.Router.from_next_config(case["config"], case["routes"], **NEXT_COMPATIBLE)
    failures = []
    for request, expected in zip(case["requests"], case["results"], strict=True):
        problem = compare(router, request, expected)
        known = DIVERGENCES.get((case["name"], request["url"]))
        if known is not None and not problem:
            problem = f"now agrees with Next.js: remove it from DIVERGENCES ({known})"
        elif known is not None:
            problem = ""
        if problem:
            failures.append(f"{request['url']!r} {request.get('headers') or ''}: {problem}")
    assert not failures, f"{len(failures)} of {len(case['requests'])} differ:\n" + "\n".join(
        failures[:15]
    )
