"""The `rewrites` command: demo, resolve, explain, check and lint, and its exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rewrites import cli

ROUTES = ["/", "/dashboard", "/api/auth/[...nextauth]"]
RULE = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
SEED = {
    "rewrites": {
        "afterFiles": [RULE],
        "fallback": [{"source": "/legacy/:path*", "destination": "http://old.example.com/:path*"}],
    },
    "redirects": [{"source": "/old/:slug", "destination": "/new/:slug", "permanent": True}],
    "headers": [
        {
            "source": "/dashboard",
            "has": [{"type": "header", "key": "x-beta"}],
            "headers": [{"key": "x-frame", "value": "deny"}],
        }
    ],
}
RIGHT_CASES = [
    {"url": "/api/users", "kind": "proxied", "target": "http://localhost:3001/api/users"},
    {"url": "/old/a", "kind": "redirect", "status": 308, "target": "/new/a"},
    {"url": "/dashboard", "headers": {"x-beta": "1"}, "kind": "local", "route": "/dashboard"},
]
#: The NextAuth expectation that table A breaks (the seed story).
WRONG_CASE = {"url": "/api/auth/session", "kind": "local", "route": "/api/auth/[...nextauth]"}


def write(tmp_path: Path, name: str, data: Any) -> str:
    """Write JSON (or text as it is) to a file under tmp_path and return its path."""
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return str(path)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m rewrites` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "rewrites", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in-process: exit code, standard output, standard error."""
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- demo ------------------------------------------------------------------------------------


def test_demo_tells_the_seed_story() -> None:
    """`rewrites demo` shows each table's outcome, A's trace and the literal $1 of Next.js."""
    done = run("demo")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # The first row of each request is the three-table one (the $1 rows come later).
    rows = {
        line.split()[0]: " ".join(line.split()) for line in reversed(lines) if line[:3] == "  /"
    }
    assert rows["/api/auth/session"] == (
        "/api/auth/session proxy /api/auth/session "
        "local /api/auth/[...nextauth] local /api/auth/[...nextauth]"
    )
    assert rows["/api/authenticate"] == (
        "/api/authenticate proxy /api/authenticate 404 proxy /api/authenticate"
    )
    assert "[afterFiles] rewrites[0] '/api/:path*': matched" in done.stdout
    assert "=> proxied http://localhost:3001/api/auth/session" in done.stdout
    assert "proxy /api/$1?x=1" in done.stdout
    assert done.stderr == ""


def test_main_module_and_help() -> None:
    """`python -m rewrites --help` lists the commands and exits 0."""
    done = run("--help")
    assert done.returncode == 0
    for command in ("demo", "resolve", "explain", "check", "lint"):
        assert command in done.stdout


# --- resolve and explain ---------------------------------------------------------------------


def test_resolve_prints_kind_and_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`resolve` prints one aligned line per URL: the URL, the kind and the target."""
    config = write(tmp_path, "config.json", SEED)
    code, out, _ = call(capsys, "resolve", config, "/api/a", "/old/x", "/nope", "--routes", *ROUTES)
    assert code == 0
    assert out.splitlines() == [
        "/api/a  proxied       http://localhost:3001/api/a  "
        "by rewrites.afterFiles[0] '/api/:path*'",
        "/old/x  redirect 308  /new/x  by redirects[0] '/old/:slug'",
        "/nope   not_found     /nope",
    ]


def test_resolve_json_lines_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`resolve --json` prints one JSON object per URL with every field of the resolution."""
    config = write(tmp_path, "config.json", SEED)
    urls = ["/api/auth/session?x=1", "/dashboard", "/old/a"]
    code, out, _ = call(capsys, "resolve", config, *urls, "--json", "-H", "X-Beta: 1")
    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert [o["request"] for o in objects] == urls
    assert objects[0] == {
        "request": "/api/auth/session?x=1",
        "kind": "proxied",
        "url": "http://localhost:3001/api/auth/session?x=1",
        "path": None,
        "query": {},
        "route": None,
        "params": {},
        "status": None,
        "headers": {},
        "rule": "rewrites.afterFiles[0]",
        "source": "/api/:path*",
    }
    assert objects[1]["kind"] == "local"
    assert objects[1]["headers"] == {"x-frame": "deny"}
    assert (objects[2]["kind"], objects[2]["status"]) == ("redirect", 308)


def test_resolve_routes_from_app_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--app-dir` reads the routes of a Next.js project, so NextAuth's catch-all is known."""
    config = write(tmp_path, "config.json", {"rewrites": {"fallback": [RULE]}})
    for file in ("app/page.tsx", "app/api/auth/[...nextauth]/route.ts"):
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_text("export default 1\n")
    code, out, _ = call(capsys, "resolve", config, "/api/auth/x", "--app-dir", str(tmp_path))
    assert code == 0
    assert 'route /api/auth/[...nextauth]  params {"nextauth": ["x"]}' in out


def test_resolve_request_error_continues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A request Next.js answers with 400 is reported as an error; the next URL still resolves."""
    config = write(tmp_path, "config.json", {})
    code, out, err = call(
        capsys, "resolve", config, "/blog/%E0%A4%A", "/blog/ok", "--routes", "/blog/[slug]"
    )
    assert code == 1
    assert err == (
        "error: /blog/%E0%A4%A: failed to decode param: '%E0%A4%A' (route /blog/[slug]) has a "
        "malformed %-escape (status 400)\n"
    )
    assert out.startswith("/blog/ok  local")


def test_next_compatible_keeps_dollar_literal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--next-compatible` leaves `$1` literal, as Next.js does; without it `$1` is substituted."""
    rule = {"source": "/api/((?!auth).*)/:path*", "destination": "http://b/api/$1/:path*"}
    config = write(tmp_path, "config.json", {"rewrites": [rule]})
    _, out, _ = call(capsys, "resolve", config, "/api/users", "--json")
    assert json.loads(out)["url"] == "http://b/api/users"
    _, out, _ = call(capsys, "resolve", config, "/api/users", "--json", "--next-compatible")
    assert json.loads(out)["url"] == "http://b/api/$1"


def test_explain_prints_the_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`explain` prints the Explanation's text, and `--json` its steps as data."""
    config = write(tmp_path, "config.json", {"rewrites": [RULE]})
    code, out, _ = call(capsys, "explain", config, "/api/auth/session", "--routes", *ROUTES)
    assert code == 0
    assert out.splitlines()[0] == "/api/auth/session"
    assert "  [afterFiles] rewrites[0] '/api/:path*': matched" in out
    assert out.rstrip().endswith("=> proxied http://localhost:3001/api/auth/session")
    code, out, _ = call(capsys, "explain", config, "/api/x", "--json")
    data = json.loads(out)
    assert data["resolution"]["kind"] == "proxied"
    proxied = [s for s in data["steps"] if s["outcome"] == "proxied"]
    assert proxied == [
        {
            "phase": "afterFiles",
            "outcome": "proxied",
            "detail": "matched {path: ['x']}: proxied to http://localhost:3001/api/x",
            "rule": "rewrites[0]",
            "source": "/api/:path*",
        }
    ]


# --- check -----------------------------------------------------------------------------------


def test_check_passes_on_right_cases(tmp_path: Path) -> None:
    """`check` exits 0 when every case holds, and reports the rules no case exercised."""
    config = write(tmp_path, "config.json", SEED)
    cases = write(tmp_path, "cases.json", {"cases": RIGHT_CASES})
    done = run("check", config, cases, "--routes", *ROUTES)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "3 cases: 3 passed, 0 failed",
        "rules: 3 of 4 exercised (75%)",
        "  not exercised: rewrites.fallback[0] '/legacy/:path*'",
    ]


def test_check_catches_a_wrong_expectation(tmp_path: Path) -> None:
    """`check` prints a failing case as expected-vs-got lines and exits 1."""
    config = write(tmp_path, "config.json", SEED)
    cases = write(tmp_path, "cases.json", [*RIGHT_CASES, WRONG_CASE])
    done = run("check", config, cases, "--routes", *ROUTES)
    assert done.returncode == 1
    assert done.stdout.split("\n\n")[0].splitlines() == [
        "FAIL cases[3] /api/auth/session",
        "  - kind: local",
        "  + kind: proxied",
        "  - route: /api/auth/[...nextauth]",
        "  + route: null",
        "    decided by rewrites.afterFiles[0] '/api/:path*'",
    ]
    assert "4 cases: 3 passed, 1 failed" in done.stdout


def test_check_expects_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A case may expect Next.js to fail the request (`kind: error`, with its status)."""
    config = write(tmp_path, "config.json", {})
    bad = "/blog/%E0%A4%A"  # a malformed %-escape in a dynamic segment: 400
    cases = [
        {"url": bad, "kind": "error", "status": 400},
        {"url": bad, "kind": "error"},
        {"url": bad, "kind": "error", "status": 500},
        {"url": "/blog/ok", "kind": "error"},
        {"url": bad, "kind": "local"},
    ]
    code, out, _ = call(
        capsys, "check", config, write(tmp_path, "c.json", cases), "--routes", "/blog/[slug]"
    )
    assert code == 1
    reason = "failed to decode param: '%E0%A4%A' (route /blog/[slug]) has a malformed %-escape"
    assert out.split("\n\n")[:3] == [
        f"FAIL cases[2] {bad}\n  - status: 500\n  + status: 400: {reason}",
        "FAIL cases[3] /blog/ok\n  - kind: error\n  + kind: local",
        f"FAIL cases[4] {bad}\n  - kind: local\n  + kind: error 400: {reason}",
    ]
    assert "5 cases: 2 passed, 3 failed" in out
    wrong = write(tmp_path, "w.json", [{"url": bad, "kind": "error", "route": "/blog/[slug]"}])
    code, _, err = call(capsys, "check", config, wrong)
    assert code == 2
    assert "cases[0]: an 'error' case expects only a status (400 or 500)" in err


def test_check_fail_under(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--fail-under` fails a passing table test whose rule coverage is below the percentage."""
    config = write(tmp_path, "config.json", SEED)
    cases = write(tmp_path, "cases.json", RIGHT_CASES)
    assert call(capsys, "check", config, cases, "--routes", *ROUTES, "--fail-under", "75")[0] == 0
    code, out, _ = call(capsys, "check", config, cases, "--routes", *ROUTES, "--fail-under", "80")
    assert code == 1
    assert out.splitlines()[-1] == "rule coverage 75.0% is below --fail-under 80%"


def test_check_counts_rules_matched_on_the_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rewrite that matched before another rule decided counts as exercised."""
    config = {
        "rewrites": [
            {"source": "/a", "destination": "/b"},
            {"source": "/b", "destination": "http://up/b"},
        ]
    }
    path = write(tmp_path, "config.json", config)
    cases = write(tmp_path, "cases.json", [{"url": "/a", "kind": "proxied"}])
    code, out, _ = call(capsys, "check", path, cases)
    assert code == 0
    assert "rules: 2 of 2 exercised (100%)" in out


def test_check_reads_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A YAML cases file is read when PyYAML is installed."""
    pytest.importorskip("yaml")
    config = write(tmp_path, "config.json", SEED)
    cases = write(
        tmp_path,
        "cases.yaml",
        "cases:\n  - url: /old/a\n    kind: redirect\n    status: 301\n",
    )
    code, out, _ = call(capsys, "check", config, cases)
    assert code == 1
    assert "  - status: 301\n  + status: 308\n" in out


def test_check_yaml_without_pyyaml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without PyYAML, a YAML cases file gives an error saying how to install it."""
    monkeypatch.setitem(sys.modules, "yaml", None)
    config = write(tmp_path, "config.json", SEED)
    cases = write(tmp_path, "cases.yml", "- url: /\n  kind: local\n")
    code, _, err = call(capsys, "check", config, cases)
    assert code == 2
    assert err == (
        f"error: reading {cases!r} needs PyYAML: pip install 'rewrites[yaml]' "
        "(or write the cases as JSON)\n"
    )


# --- bad input -------------------------------------------------------------------------------

BAD_CASES = [
    ("resolve missing.json /", "error: config file 'missing.json' does not exist"),
    ("resolve bad.json /", "error: bad.json:1:14: not valid JSON: Expecting value"),
    ("resolve good.json / -H nocolon", "error: -H: bad header 'nocolon'; expected 'Name: value'"),
    (
        "resolve pattern.json /",
        "error: 1 problem in the config:\n- rewrites[0].source: `source` parse failed: "
        "Unbalanced '(': the pattern is never closed\n      /a/:b(\n           ^\n"
        "  Close it with ')', or escape it as '\\(' to match a literal '('",
    ),
    (
        "check good.json badcases.json",
        "error: badcases.json: cases[0].kind: expected one of "
        "['local', 'proxied', 'redirect', 'not_found', 'error'], got 'loacl'",
    ),
    (
        "check good.json good.json",
        "error: good.json: expected a list of cases, or an object with a 'cases' list",
    ),
    (
        "check good.json cases.json --fail-under 101",
        "error: --fail-under: got 101; expected a percentage, 0 to 100",
    ),
]


@pytest.fixture
def bad_inputs(tmp_path: Path) -> Path:
    """A directory of good and bad files for the bad-input cases."""
    write(tmp_path, "good.json", {"rewrites": [RULE]})
    write(tmp_path, "bad.json", '{"rewrites": }')
    write(tmp_path, "unknown.json", {"rewrite": []})
    write(tmp_path, "pattern.json", {"rewrites": [{"source": "/a/:b(", "destination": "/x"}]})
    write(tmp_path, "badcases.json", [{"url": "/", "kind": "loacl"}])
    write(tmp_path, "cases.json", [])
    return tmp_path


def test_an_unknown_key_is_a_warning(bad_inputs: Path) -> None:
    """A misspelt top-level key loads, as in Next.js, with a warning naming the nearest key."""
    done = run("resolve", "unknown.json", "/", cwd=bad_inputs)
    assert (done.returncode, done.stdout) == (0, "/  local  /\n")
    assert done.stderr == (
        "warning: rewrite: unknown key 'rewrite': Next.js warns (\"Unrecognized key(s) in "
        "object\") and ignores it (did you mean 'rewrites'?)\n"
    )


@pytest.mark.parametrize(("args", "message"), BAD_CASES, ids=[a for a, _ in BAD_CASES])
def test_bad_input_is_a_clean_error(bad_inputs: Path, args: str, message: str) -> None:
    """Bad input prints the library's message after `error:`, no traceback, and exits 2."""
    done = run(*args.split(), cwd=bad_inputs)
    assert (done.returncode, done.stderr, done.stdout) == (2, message + "\n", "")


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A usage error (a missing argument) exits 2 with argparse's usage text."""
    code, _, err = call(capsys, "resolve")
    assert code == 2
    assert "the following arguments are required: CONFIG, URL" in err


# --- next.config.js --------------------------------------------------------------------------

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")


@needs_node
def test_next_config_js(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A CommonJS next.config.js is evaluated with Node, its async rewrites() awaited."""
    config = write(
        tmp_path,
        "next.config.js",
        "module.exports = {\n  reactStrictMode: true,\n"
        "  async rewrites() {\n"
        '    return [{ source: "/api/:path*", destination: "http://localhost:3001/api/:path*" }];\n'
        "  },\n};\n",
    )
    code, out, _ = call(capsys, "resolve", config, "/api/auth/session", "--json")
    assert code == 0
    assert json.loads(out)["url"] == "http://localhost:3001/api/auth/session"


@needs_node
def test_next_config_mjs_function(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An ES module exporting a config function gets its fallback rewrites and experimental keys."""
    config = write(
        tmp_path,
        "next.config.mjs",
        "export default async (phase, { defaultConfig }) => ({\n"
        "  experimental: { caseSensitiveRoutes: true },\n"
        "  rewrites: async () => ({\n"
        '    fallback: [{ source: "/api/:path*", destination: "http://b/:path*" }],\n'
        "  }),\n"
        "});\n",
    )
    code, out, _ = call(capsys, "resolve", config, "/api/x", "/API/x", "--routes", "/")
    assert code == 0
    assert out.splitlines() == [
        "/api/x  proxied    http://b/x  by rewrites.fallback[0] '/api/:path*'",
        "/API/x  not_found  /API/x",
    ]


@needs_node
def test_next_config_bad_i18n_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An i18n key read from next.config.js reaches the library, which refuses a bad one as
    Next.js does, with its place."""
    config = write(tmp_path, "next.config.cjs", 'module.exports = { i18n: { locales: ["en"] } };\n')
    code, _, err = call(capsys, "resolve", config, "/")
    assert code == 2
    assert err.startswith(
        "error: 1 problem in the config:\n- i18n.defaultLocale: Specified i18n.defaultLocale "
        "should be a string."
    )


@needs_node
def test_next_config_that_throws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A config whose rewrites() throws gives Node's message, not a Python traceback."""
    config = write(
        tmp_path, "next.config.mjs", 'export default { rewrites() { throw new Error("boom"); } };\n'
    )
    code, _, err = call(capsys, "resolve", config, "/")
    assert code == 2
    assert err.startswith(f"error: evaluating {config!r} with Node failed:\nError: boom\n")


def test_next_config_without_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Node on PATH, a next.config.js gives an error saying what to do."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    config = write(tmp_path, "next.config.js", "module.exports = {};\n")
    code, _, err = call(capsys, "resolve", config, "/")
    assert code == 2
    assert err.startswith("error: reading 'next.config.js' needs Node.js on PATH")


# --- lint ------------------------------------------------------------------------------------


def test_lint_is_wired(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`lint` runs the linter on the table: one JSON object per diagnostic, exit 1 on an error."""
    config = write(tmp_path, "config.json", {"rewrites": [RULE]})
    code, out, _ = call(capsys, "lint", config, "--routes", *ROUTES, "--json")
    found = [json.loads(line) for line in out.splitlines()]
    fields = {"code", "severity", "place", "message", "example", "fix"}
    assert found and all(fields <= set(d) for d in found)
    assert code == (1 if any(d["severity"] == "error" for d in found) else 0)


def test_lint_prints_blocks_and_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`lint` prints each diagnostic's block and a count per severity; an error exits 1."""
    config = write(tmp_path, "config.json", {"rewrites": [RULE]})
    code, out, _ = call(capsys, "lint", config, "--routes", *ROUTES)
    assert code == 1
    assert out.startswith("error RW101 rewrites[0] '/api/:path*': ")
    assert out.splitlines()[-1] == "1 error, 0 warnings, 0 infos"
