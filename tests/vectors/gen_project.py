#!/usr/bin/env python3
"""Generate ``project.json``: conformance vectors for reading a whole project and routing it.

Each generated project is a real folder (``app/`` or ``src/app/``, ``pages/`` or
``src/pages/``, ``public/``, ``.env*`` files and a ``next.config.js`` that may read them), made
from fixed seeds. Its answers come from next@16.4.6 itself:

* ``project_oracle.js`` (this folder): ``discoverRoutes`` (route groups, slots, private folders,
  metadata routes, ``pageExtensions``), ``recursiveReadDir`` on ``public/``, and ``loadConfig``
  (which loads the env files with ``@next/env`` and evaluates the config in that environment);
* ``../shared/oracle/resolve.js``: every request against those routes, public files and config
  (``public_files`` runs Next's own filesystem checker: ``output_type: "publicFolder"``).

Then the validation cases: Next.js's own ``test/integration/invalid-custom-routes`` entries (one
config each, and as whole lists), and configs Next.js loads although they look wrong
(``locale: false`` without i18n, ``trailingSlash: "yes"``, an unknown key), through resolve.js:
``setup_error`` or answers.

Output::

    {"generator": "tests/vectors/gen_project.py", "oracle": "next@16.4.6",
     "projects": [{"name", "mode", "files": {path: text}, "expected": <project_oracle answer>,
                   "requests": [...], "results": [<resolve.js lines>]}],
     "validation": [{"name", "config", "routes", "requests", "results"}]}

Re-run (needs node and the oracle set up, see the oracle README)::

    python3 tests/vectors/gen_project.py [--oracle ../shared/oracle] [--out tests/vectors/project.json]

Re-running gives byte-identical output. Python 3.11, stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _resolve_oracle import run_all, write

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
GENERATOR = "tests/vectors/gen_project.py"
SEEDS = range(1, 49)
#: The environment both oracles run in: no variable the env files set.
ORACLE_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}

APP_PAGES = [
    "page.tsx",
    "about/page.tsx",
    "(marketing)/pricing/page.tsx",
    "(shop)/cart/page.jsx",
    "@modal/login/page.tsx",
    "dashboard/page.tsx",
    "dashboard/@team/settings/page.tsx",
    "dashboard/@team/default.tsx",
    "blog/[slug]/page.tsx",
    "docs/[[...slug]]/page.tsx",
    "shop/[...path]/page.tsx",
    "api/auth/[...nextauth]/route.ts",
    "api/health/route.js",
    "api/users/[id]/route.ts",
    "_components/widget/page.tsx",
    "%5Fescaped/page.tsx",
    "notes/page.mdx",
    "layout.tsx",
    "legal/(group)/terms/page.tsx",
]
METADATA = [
    ["robots.ts", "robots.txt"],
    ["sitemap.ts", "sitemap.xml"],
    ["favicon.ico"],
    ["icon.png", "icon1.png", "icon.tsx"],
    ["apple-icon.png"],
    ["(marketing)/opengraph-image.tsx", "opengraph-image.jpg"],
    ["blog/[slug]/opengraph-image.png"],
    ["about/twitter-image.jpg"],
    ["manifest.ts", "manifest.json"],
    ["products/sitemap.ts"],
    ["@modal/icon.png"],
]
PAGES = [
    "index.js",
    "legacy.js",
    "posts/[id].js",
    "posts/index.js",
    "api/hello.js",
    "api/items/[...all].ts",
    "_app.js",
    "_document.js",
    "404.js",
    "wiki/[[...page]].jsx",
    "types.d.ts",
]
PUBLIC = [
    "images/logo.png",
    "file with space.txt",
    "café.txt",
    ".well-known/security.txt",
    "docs.pdf",
    "LICENSE",
    "assets/app.js",
    "a[1].txt",
    "sitemap-0.xml",
    "api/static.json",
    "blog/feed.xml",
    "Mixed/Case.TXT",
]
MANY = "export async function generateSitemaps() {\n  return [{ id: 0 }, { id: 1 }];\n}\n"
IMAGES = "export function generateImageMetadata() {\n  return [{ id: 'small' }];\n}\n"


def js_value(value: Any) -> str:
    """A JSON value as JavaScript, with `${NAME}` in strings read from process.env."""
    if isinstance(value, str) and "${" in value:
        text = value.replace("\\", "\\\\").replace("`", "\\`").replace("${", "${process.env.")
        return "`" + text + "`"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {js_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(js_value(v) for v in value) + "]"
    return json.dumps(value)


def config_js(config: dict[str, Any], function: bool) -> str:
    """A next.config.js exporting `config` (rules behind async functions, as Next wants)."""
    lines = []
    for key, value in config.items():
        if key in ("rewrites", "redirects", "headers"):
            lines.append(f"  async {key}() {{\n    return {js_value(value)};\n  }},")
        elif key == "basePath" and isinstance(value, str) and "${" in value:
            lines.append(f"  basePath: process.env.{value[2:-1]} || '',")
        elif key == "caseSensitiveRoutes":
            lines.append(f"  experimental: {{ caseSensitiveRoutes: {json.dumps(value)} }},")
        else:
            lines.append(f"  {key}: {js_value(value)},")
    body = "{\n" + "\n".join(lines) + "\n}"
    if function:
        return f"module.exports = (phase) => ({body});\n"
    return f"module.exports = {body};\n"


def make_project(seed: int) -> dict[str, Any]:
    """One project: its files, mode and requests."""
    rnd = random.Random(seed)
    src = "src/" if rnd.random() < 0.4 else ""
    files: dict[str, str] = {}
    extensions = None
    if rnd.random() < 0.2:
        extensions = ["tsx", "ts", "jsx", "js", "mdx"]
    use_app = rnd.random() < 0.85
    use_pages = not use_app or rnd.random() < 0.45
    if use_app:
        for rel in rnd.sample(APP_PAGES, rnd.randint(5, len(APP_PAGES))):
            files[f"{src}app/{rel}"] = ""
        files[f"{src}app/page.tsx"] = ""
        for group in rnd.sample(METADATA, rnd.randint(2, len(METADATA))):
            rel = rnd.choice(group)
            text = ""
            if rel == "products/sitemap.ts" and rnd.random() < 0.6:
                text = MANY
            if rel == "icon.tsx" and rnd.random() < 0.5:
                text = IMAGES
            files[f"{src}app/{rel}"] = text
    if use_pages:
        for rel in rnd.sample(PAGES, rnd.randint(3, len(PAGES))):
            if use_app and rel == "index.js":
                continue
            files[f"{src}pages/{rel}"] = ""
    for rel in rnd.sample(PUBLIC, rnd.randint(2, len(PUBLIC))):
        files[f"public/{rel}"] = ""
    env_driven = rnd.random() < 0.5
    mode = rnd.choice(["production"] * 5 + ["development", "test"])
    api = "http://localhost:3001"
    if env_driven:
        names = [f".env.{mode}.local", ".env.local", f".env.{mode}", ".env"]
        for name in rnd.sample(names, rnd.randint(1, 4)):
            port = rnd.randint(3000, 3999)
            lines = [f"API_URL=http://127.0.0.1:{port}"]
            if rnd.random() < 0.5:
                lines.append("HOST=api.example.com")
                lines.append(
                    "API_URL=https://${HOST}" if rnd.random() < 0.5 else "API_URL=https://$HOST"
                )
            if rnd.random() < 0.4:
                lines.append("BASE_PATH=/app" if rnd.random() < 0.5 else "BASE_PATH=")
            if rnd.random() < 0.3:
                lines.append("# a comment\nEXTRA='quoted value' # trailing")
            files[name] = "\n".join(lines) + "\n"
        api = "${API_URL}"
    config: dict[str, Any] = {}
    base = rnd.choice(["", "", "/docs", "${BASE_PATH}" if env_driven else ""])
    if base:
        config["basePath"] = base
    if rnd.random() < 0.35:
        config["trailingSlash"] = rnd.choice([True, True, "yes"])
    if rnd.random() < 0.25:
        config["caseSensitiveRoutes"] = True
    if extensions:
        config["pageExtensions"] = extensions
    rewrites: dict[str, list[dict[str, Any]]] = {
        "beforeFiles": [],
        "afterFiles": [],
        "fallback": [],
    }
    proxy = {"source": "/api/:path*", "destination": f"{api}/api/:path*"}
    rewrites[rnd.choice(["afterFiles", "afterFiles", "fallback", "beforeFiles"])].append(proxy)
    if rnd.random() < 0.5:
        rewrites["beforeFiles"].append(
            {"source": "/images/:file*", "destination": "https://cdn.example.com/:file*"}
        )
    if rnd.random() < 0.5:
        rewrites["afterFiles"].append({"source": "/logo", "destination": "/images/logo.png"})
    if rnd.random() < 0.4:
        rewrites["afterFiles"].append({"source": "/docs.pdf", "destination": "/about"})
    if rnd.random() < 0.5:
        rewrites["fallback"].append(
            {"source": "/:path*", "destination": "https://legacy.example.com/:path*"}
        )
    if rnd.random() < 0.3:
        rewrites["afterFiles"].append(
            {"source": "/robots.txt", "destination": "/about", "locale": False}
        )
    config["rewrites"] = (
        rewrites["afterFiles"]
        if not rewrites["beforeFiles"] and not rewrites["fallback"]
        else rewrites
    )
    if rnd.random() < 0.5:
        config["redirects"] = [
            {"source": "/old-logo", "destination": "/images/logo.png", "permanent": True}
        ]
    if rnd.random() < 0.5:
        config["headers"] = [
            {"source": "/:path*", "headers": [{"key": "x-seen", "value": "1"}]},
            {
                "source": "/images/:file*",
                "headers": [{"key": "cache-control", "value": "max-age=60"}],
            },
        ]
    files["next.config.js"] = config_js(config, rnd.random() < 0.3)
    return {"name": f"project-{seed}", "seed": seed, "mode": mode, "files": files}


def write_tree(root: Path, files: dict[str, str]) -> None:
    """Write a project's files under root."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def fill(route: str, rnd: random.Random) -> list[str]:
    """Request paths for a route: dynamic segments filled in."""
    out = []
    for variant in range(2):
        parts = []
        for seg in route.split("/")[1:]:
            if seg.startswith("[[..."):
                parts.append(["", "a/b"][variant])
            elif seg.startswith("[..."):
                parts.append(["one", "x/y%20z"][variant])
            elif seg.startswith("["):
                parts.append(["hello", "w%C3%B6rld"][variant])
            else:
                parts.append(seg)
        out.append("/" + "/".join(p for p in parts if p))
    return list(dict.fromkeys(out))


def requests_for(project: dict[str, Any], expected: dict[str, Any]) -> list[dict[str, Any]]:
    """The requests of one project: every route and public file in a few forms, the rules'
    sources, and paths nothing serves."""
    rnd = random.Random(project["seed"] * 7919)
    base = expected["config"].get("basePath") or ""
    urls: list[str] = []
    for route in expected["routes"] or []:
        urls += fill(route, rnd)
    for file in expected["public_files"]:
        encoded = quote(file, safe="/[]@!$&'()*+,;=:~-._")
        urls += [encoded, encoded + "/", encoded.upper()]
        if file.startswith("/images/"):
            urls.append("/%69mages" + encoded[len("/images") :])
    urls += [
        "/api/users",
        "/api/static.json",
        "/api/auth/session",
        "/logo",
        "/old-logo",
        "/docs.pdf",
        "/robots.txt",
        "/nope",
        "/deep/er/path",
        "/images/other.png",
        "/_next/image?url=%2Fimages%2Flogo.png&w=64&q=75",
    ]
    urls = list(dict.fromkeys(urls))
    rnd.shuffle(urls)
    urls = urls[:40]
    requests = [{"url": base + u if u.startswith("/") and base else u} for u in urls]
    if base:  # a few without the basePath
        requests += [{"url": u} for u in urls[:4]]
    return requests


def project_oracle(root: Path, mode: str) -> dict[str, Any]:
    """project_oracle.js on one folder."""
    done = subprocess.run(
        ["node", str(HERE / "project_oracle.js"), str(root), mode],
        capture_output=True,
        text=True,
        env=ORACLE_ENV,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"project_oracle.js failed on {root}:\n{done.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def build_project(seed: int, oracle: Path) -> dict[str, Any]:
    """Generate, ask the project oracle, then resolve.js."""
    project = make_project(seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        write_tree(root, project["files"])
        expected = project_oracle(root, project["mode"])
    if expected["error"]:
        raise SystemExit(f"{project['name']}: Next.js refused the project: {expected['error']}")
    project["expected"] = expected
    project["requests"] = requests_for(project, expected)
    config = {k: v for k, v in expected["config"].items() if k != "pageExtensions"}
    project["config"] = config
    project["routes"] = expected["routes"] or []
    project["public_files"] = expected["public_files"]
    return project


def run_resolve(oracle: Path, entry: dict[str, Any]) -> None:
    """resolve.js with the public files (the shared runner passes only config and routes)."""
    payload = {
        "config": entry["config"],
        "routes": entry["routes"],
        "public_files": entry.get("public_files", []),
        "requests": entry["requests"],
    }
    done = subprocess.run(
        ["node", str(oracle / "resolve.js")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        env=ORACLE_ENV,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if len(lines) != len(entry["requests"]):
        raise SystemExit(f"resolve.js gave {len(lines)} answers in {entry['name']}:\n{done.stderr}")
    entry["results"] = lines


# --- validation ----------------------------------------------------------------------------------

#: test/integration/invalid-custom-routes (vercel/next.js), each entry on its own.
INVALID_REDIRECTS = [
    {"source": "/hello", "permanent": False},
    {"source": 123, "destination": "/another", "permanent": False},
    {"source": "/hello", "destination": "/another", "statusCode": "301"},
    {"source": "/hello", "destination": "/another", "statusCode": 404},
    {"source": "/hello", "destination": "/another", "permanent": "yes"},
    {"source": "/hello/world/(.*)", "destination": "/:0", "permanent": True},
    None,
    "string",
    {
        "source": "/hello",
        "destination": "/another",
        "has": [{"type": "cookiee", "key": "loggedIn"}],
        "permanent": False,
    },
    {
        "source": "/hello",
        "destination": "/another",
        "permanent": False,
        "has": [{"type": "headerr"}, {"type": "queryr", "key": "hello"}],
    },
    {"source": "/feedback/(?!general)", "destination": "/feedback/general", "permanent": False},
    {"source": "/learning/?", "destination": "/learning", "permanent": True},
]
INVALID_REWRITES = [
    {"source": "/hello"},
    {"source": 123, "destination": "/another"},
    {"source": "/hello", "destination": "/another", "headers": "not-allowed"},
    {"source": "hello", "destination": "/another"},
    {"source": "/hello", "destination": "another"},
    {"source": "/feedback/(?!general)", "destination": "/feedback/general"},
    {"source": "/hello/world/(.*)", "destination": "/:0"},
    {"source": "/hello", "destination": "/world", "basePath": False},
    None,
    "string",
    {
        "source": "/hello",
        "destination": "/another",
        "has": [{"type": "cookiee", "key": "loggedIn"}],
    },
    {
        "source": "/hello",
        "destination": "/another",
        "has": [{"type": "headerr"}, {"type": "queryr", "key": "hello"}],
    },
    {"source": "/hello", "destination": "/another", "locale": True},
    {"source": "/hello", "destination": "/another", "locale": None},
]
INVALID_HEADERS = [
    {"headers": [{"x-first": "first"}]},
    {"source": "/hello", "headers": {"x-first": "first"}},
    {"source": "/again", "headers": [{"value": "idk"}]},
    {"source": "/again", "headers": [{"key": "idk"}]},
    {
        "source": "/again",
        "destination": "/another",
        "headers": [{"key": "x-first", "value": "idk"}],
    },
    {"source": "/:path*", "headers": []},
]
VALID_HEADER = {"source": "/valid-header", "headers": [{"key": "x-first", "value": "first"}]}
#: Configs Next.js loads although they look wrong (it warns, or the key is a no-op).
LOADS = {
    "locale-false": {
        "rewrites": [{"source": "/a", "destination": "/about", "locale": False}],
        "redirects": [
            {"source": "/r", "destination": "/about", "permanent": True, "locale": False}
        ],
        "headers": [{"source": "/h", "locale": False, "headers": [{"key": "x", "value": "1"}]}],
    },
    "trailing-slash-yes": {
        "trailingSlash": "yes",
        "rewrites": [{"source": "/a", "destination": "/about"}],
    },
    "trailing-slash-1": {"trailingSlash": 1},
    "trailing-slash-0": {"trailingSlash": 0},
    "trailing-slash-empty": {"trailingSlash": ""},
    "trailing-slash-list": {"trailingSlash": []},
    "skip-redirect-string": {"skipTrailingSlashRedirect": "x"},
    "case-sensitive-yes": {
        "caseSensitiveRoutes": "yes",
        "rewrites": [{"source": "/a", "destination": "/about"}],
    },
    "unknown-key": {"rewritez": [], "rewrites": [{"source": "/a", "destination": "/about"}]},
    "rewrites-object": {
        "rewrites": {"beforeFiles": [{"source": "/b", "destination": "/about"}], "afterFiles": None}
    },
    "empty-has": {"rewrites": [{"source": "/a", "destination": "/about", "has": []}]},
    "has-empty-value": {
        "rewrites": [
            {
                "source": "/a",
                "destination": "/about",
                "has": [{"type": "query", "key": "q", "value": ""}],
            }
        ]
    },
}
REFUSED = {
    "redirects-false": {"redirects": False},
    "redirects-null": {"redirects": None},
    "rewrites-object-with-other-keys": {"rewrites": {"source": "/feedback", "destination": "/x"}},
    "rewrites-phase-not-array": {
        "rewrites": {"beforeFiles": {"source": "/a", "destination": "/b"}}
    },
    "headers-string": {"headers": "x"},
    "base-path-slash": {"basePath": "/"},
    "base-path-relative": {"basePath": "docs"},
    "base-path-trailing": {"basePath": "/docs/"},
    "base-path-number": {"basePath": 5},
    "asset-prefix-number": {"assetPrefix": 5},
}
VALIDATION_ROUTES = ["/", "/about", "/another"]
VALIDATION_REQUESTS = [{"url": "/a"}, {"url": "/about/"}, {"url": "/r"}, {"url": "/valid-header"}]


def validation_cases() -> list[dict[str, Any]]:
    """Every invalid-custom-routes entry alone and as its whole list; then LOADS and REFUSED."""
    cases = []
    for kind, items in (
        ("redirects", INVALID_REDIRECTS),
        ("rewrites", INVALID_REWRITES),
        ("headers", INVALID_HEADERS),
    ):
        for i, item in enumerate(items):
            cases.append({"name": f"invalid-{kind}-{i}", "config": {kind: [item]}})
        cases.append(
            {
                "name": f"invalid-{kind}-all",
                "config": {kind: [*items, VALID_HEADER] if kind == "headers" else items},
            }
        )
    cases += [{"name": name, "config": config} for name, config in LOADS.items()]
    cases += [{"name": name, "config": config} for name, config in REFUSED.items()]
    for case in cases:
        case["routes"] = VALIDATION_ROUTES
        case["requests"] = VALIDATION_REQUESTS
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--oracle", type=Path, default=REPO_ROOT.parent / "shared" / "oracle")
    parser.add_argument("--out", type=Path, default=HERE / "project.json")
    args = parser.parse_args()
    with ThreadPoolExecutor(max_workers=2) as pool:
        projects = list(pool.map(lambda seed: build_project(seed, args.oracle), SEEDS))
        list(pool.map(lambda entry: run_resolve(args.oracle, entry), projects))
    validation = validation_cases()
    run_all(args.oracle, validation)
    doc = {
        "generator": GENERATOR,
        "oracle": "next@16.4.6 project_oracle.js + resolve.js",
        "projects": projects,
        "validation": validation,
    }
    write(doc, args.out)
    total = sum(len(p["requests"]) for p in projects)
    public = sum(
        1 for p in projects for r in p["results"] if r.get("output_type") == "publicFolder"
    )
    refused = sum(1 for c in validation if c["results"][0].get("setup_error"))
    print(
        f"{len(projects)} projects, {total} requests ({public} served from public/); "
        f"{len(validation)} validation configs ({refused} refused), "
        f"{sum(len(c['requests']) for c in validation)} requests",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
