"""Conformance: every request in tests/vectors/router.json and destinations.json, as Next.js saw it.

The vectors were produced by tests/vectors/gen_router.py and gen_destinations.py running the real
next@16.4.6 routing pipeline (../shared/oracle/resolve.js). Next.js leaves `$1` literal, so the
routers here are built with `positional_refs=False`; the `$N` extension is tested on its own in
tests/test_template.py. This test needs no Node.
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
for name in ("router.json", "destinations.json"):
    for config in json.loads((HERE / name).read_text("utf-8"))["configs"]:
        CONFIGS.append({**config, "file": name})


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
        if request["url"].startswith(("http://", "https://")):
            # Next.js sees an absolute-form target (it 308s to itself); we take a full URL as
            # the request for its path, which is what a proxy in front of us means by it.
            continue
        problem = compare(router, request, expected)
        if problem:
            failures.append(f"{request['url']!r} {request.get('headers') or ''}: {problem}")
    assert not failures, f"{len(failures)} of {len(case['requests'])} differ:\n" + "\n".join(
        failures[:15]
    )
