"""Conformance: whole projects (tests/vectors/project.json), read and routed as Next.js 16.4.6 does.

Each project is written to a temporary folder. Its routes (route groups, slots, private folders,
metadata routes, pageExtensions), public files and env files must be what Next.js's own
`discoverRoutes`, `recursiveReadDir` and `@next/env` found (gen_project.py, project_oracle.js);
with Node on PATH the config read by `rewrites.project.load` must be the one Next's `loadConfig`
evaluated. Every request must then resolve as resolve.js answered, public files included. The
validation configs (Next.js's invalid-custom-routes cases and configs it loads with a warning)
must be refused or loaded as Next.js refused or loaded them. The routing checks need no Node.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import rewrites
from rewrites import project
from rewrites._envfiles import load_env_files
from rewrites._pages import discover_routes, public_files_in

DOC = json.loads((Path(__file__).parent / "vectors" / "project.json").read_text("utf-8"))
PROJECTS: list[dict[str, Any]] = DOC["projects"]
VALIDATION: list[dict[str, Any]] = DOC["validation"]
#: Next.js's behaviour exactly: `$1` literal.
NEXT_COMPATIBLE = {"positional_refs": False}


def test_there_are_enough_vectors() -> None:
    """At least 1,000 requests over generated projects, many served from public/, and every
    validation case."""
    requests = sum(len(p["requests"]) for p in PROJECTS)
    public = sum(
        1 for p in PROJECTS for r in p["results"] if r.get("output_type") == "publicFolder"
    )
    assert requests >= 1000
    assert public >= 100
    assert len(VALIDATION) >= 50


def write_tree(root: Path, files: dict[str, str]) -> None:
    """The project's files under root."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def compare(router: rewrites.Router, request: dict[str, Any], expected: dict[str, Any]) -> str:
    """'' when our answer is Next.js's, else what differs."""
    url = request["url"]
    try:
        got = router.resolve(url, request.get("headers") or {})
    except rewrites.RequestError as exc:
        if expected["kind"] == "error" and expected.get("status") == exc.status:
            return ""
        return f"raised {exc.status} {exc} but Next.js gave {expected}"
    kind = expected["kind"]
    if got.kind.value != kind:
        return f"got {got} but Next.js gave {json.dumps(expected)}"
    if kind == "proxied":
        ok = got.url == expected["target"]
    elif kind == "redirect":
        ok = (got.status, got.url) == (expected["target"]["status"], expected["target"]["location"])
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
        ok = (got.path, got.query, got.headers) == (
            final["pathname"],
            final["query"],
            expected["headers"],
        )
    if ok:
        return ""
    return (
        f"got {got.kind.value} url={got.url!r} path={got.path!r} query={got.query} "
        f"route={got.route!r} params={got.params} headers={got.headers}\n"
        f"      Next.js: {json.dumps(expected)}"
    )


@pytest.mark.parametrize("case", PROJECTS, ids=lambda p: p["name"])
def test_project(case: dict[str, Any], tmp_path: Path) -> None:
    """The project's routes, public files and env files are Next.js's, and every request
    resolves as Next.js resolved it."""
    write_tree(tmp_path, case["files"])
    expected = case["expected"]
    extensions = expected["config"]["pageExtensions"]
    found = discover_routes(tmp_path, extensions)
    assert list(found.routes) == expected["routes"]
    assert list(found.intercepting) == expected["intercepting"]
    assert public_files_in(tmp_path / "public") == expected["public_files"]
    env = load_env_files(tmp_path, case["mode"], env={})
    assert list(env.loaded) == expected["env_files"]
    assert dict(env.values) == expected["env"]
    router = rewrites.Router.from_next_config(
        case["config"], case["routes"], public_files=case["public_files"], **NEXT_COMPATIBLE
    )
    failures = []
    for request, answer in zip(case["requests"], case["results"], strict=True):
        problem = compare(router, request, answer)
        if problem:
            failures.append(f"{request['url']!r}: {problem}")
    assert not failures, f"{len(failures)} of {len(case['requests'])} differ:\n" + "\n".join(
        failures[:12]
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
@pytest.mark.parametrize("case", PROJECTS, ids=lambda p: p["name"])
def test_project_config_is_read_as_next_reads_it(case: dict[str, Any], tmp_path: Path) -> None:
    """rewrites.project.load, with the bundled loader and python-dotenv, reads the same config,
    env files, routes and public files as Next.js."""
    write_tree(tmp_path, case["files"])
    found = project.load(tmp_path, mode=case["mode"], env={"PATH": os.environ["PATH"]})
    expected = case["expected"]
    assert found.loader is project.Loader.NODE
    assert list(found.env_files_loaded) == expected["env_files"]
    assert list(found.routes or ()) == expected["routes"]
    assert list(found.public_files) == expected["public_files"]
    for key in ("rewrites", "redirects", "headers"):
        assert found.config.get(key) == expected["config"].get(key), key
    assert (found.config.get("basePath") or "") == expected["config"]["basePath"]
    assert bool(found.config.get("trailingSlash")) == bool(expected["config"]["trailingSlash"])


@pytest.mark.parametrize("case", VALIDATION, ids=lambda c: c["name"])
def test_validation(case: dict[str, Any]) -> None:
    """A config Next.js refuses is a ConfigError; one it loads resolves as it resolved it."""
    if case["results"][0].get("setup_error"):
        with pytest.raises(rewrites.ConfigError):
            rewrites.Router.from_next_config(case["config"], case["routes"], **NEXT_COMPATIBLE)
        return
    router = rewrites.Router.from_next_config(case["config"], case["routes"], **NEXT_COMPATIBLE)
    failures = [
        f"{request['url']!r}: {problem}"
        for request, answer in zip(case["requests"], case["results"], strict=True)
        if (problem := compare(router, request, answer))
    ]
    assert not failures, "\n".join(failures)
