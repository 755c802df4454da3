"""The `rewrites` command (also `python -m rewrites`): demo, resolve, explain, check and lint.

Exit codes, for CI: 0 all is well; 1 something failed (a case, a lint error, a request that
Next.js answers with an error status); 2 bad usage or bad input (a missing file, invalid JSON, a
table with problems).
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ._pages import routes_from_app_dir
from .errors import RequestError, RewritesError
from .router import Explanation, Kind, Resolution, Router, Step

__all__ = ["main"]

OK, FAILED, BAD_INPUT = 0, 1, 2
#: Config files that are evaluated with Node rather than read as JSON.
NODE_SUFFIXES = (".js", ".mjs", ".cjs")
TS_SUFFIXES = (".ts", ".mts", ".cts")
#: Node 22.6 is the first to strip TypeScript types (`--experimental-strip-types`).
NODE_TS_VERSION = (22, 6)
NODE_TIMEOUT = 60

#: Imports a next.config file and prints the routing part of it as JSON (argv[1] is the file).
NODE_SCRIPT = r"""
const { pathToFileURL } = require("node:url");
const call = async (value) => (typeof value === "function" ? await value() : value);
(async () => {
  const mod = await import(pathToFileURL(process.argv[1]).href);
  let config = mod.default !== undefined ? mod.default : mod;
  if (config && config.__esModule && config.default !== undefined) config = config.default;
  if (typeof config === "function") {
    config = await config("phase-production-server", { defaultConfig: {} });
  }
  config = config || {};
  const out = {
    rewrites: await call(config.rewrites),
    redirects: await call(config.redirects),
    headers: await call(config.headers),
    basePath: config.basePath,
    trailingSlash: config.trailingSlash,
    skipTrailingSlashRedirect: config.skipTrailingSlashRedirect,
    caseSensitiveRoutes: config.experimental?.caseSensitiveRoutes,
    i18n: config.i18n,
  };
  const kept = Object.entries(out).filter(([, value]) => value !== undefined && value !== null);
  process.stdout.write(JSON.stringify(Object.fromEntries(kept)));
})().catch((err) => {
  process.stderr.write(String((err && err.stack) || err).split("\n").slice(0, 6).join("\n"));
  process.exit(1);
});
"""


class InputError(Exception):
    """Bad input from the command line or a file: printed as `error: ...`, exit code 2."""


# --- reading input ---------------------------------------------------------------------------


def read_text(path: Path, what: str) -> str:
    """A file's text, or an InputError naming what it was meant to be."""
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError(f"{what} {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise InputError(f"{what} {str(path)!r} is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {str(path)!r}: {exc}") from None


def parse_json(text: str, path: Path) -> Any:
    """JSON text, or an InputError with the line and column of the fault."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None


def parse_yaml(text: str, path: Path) -> Any:
    """YAML text (needs PyYAML), or an InputError saying what is wrong or missing."""
    try:
        yaml = importlib.import_module("yaml")
    except ImportError:
        raise InputError(
            f"reading {str(path)!r} needs PyYAML: pip install 'rewrites[yaml]' "
            "(or write the cases as JSON)"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None


def read_config(file: str) -> Any:
    """A next.config as data: JSON read directly, JavaScript and TypeScript evaluated with Node."""
    path = Path(file)
    if path.suffix in NODE_SUFFIXES + TS_SUFFIXES:
        if not path.is_file():
            raise InputError(f"config file {file!r} does not exist")
        return node_config(path)
    return parse_json(read_text(path, "config file"), path)


def node_version(node: str) -> tuple[int, ...]:
    """The version of a Node executable, e.g. (20, 11, 1); () when it cannot be told."""
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10)
        return tuple(int(part) for part in done.stdout.strip().lstrip("v").split("."))
    except (OSError, ValueError, subprocess.SubprocessError):
        return ()


def node_config(path: Path) -> Any:
    """Evaluate a next.config.js/.mjs/.cjs (.ts with Node >= 22.6); return its routing keys."""
    node = shutil.which("node")
    if node is None:
        raise InputError(
            f"reading {path.name!r} needs Node.js on PATH to evaluate it; install Node, or "
            'write the routing keys as JSON ({"rewrites": [...], "redirects": [...], ...})'
        )
    command = [node]
    if path.suffix in TS_SUFFIXES:
        version = node_version(node)
        if version and version < NODE_TS_VERSION:
            shown = ".".join(map(str, version))
            raise InputError(
                f"reading {path.name!r} needs Node 22.6 or later to strip TypeScript types "
                f"(found {shown}); use a next.config.js or a JSON file instead"
            )
        command.append("--experimental-strip-types")
    command += ["-e", NODE_SCRIPT, str(path.resolve())]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=NODE_TIMEOUT, cwd=path.parent
        )
    except subprocess.TimeoutExpired:
        raise InputError(f"evaluating {str(path)!r} with Node took over {NODE_TIMEOUT}s") from None
    if done.returncode != 0:
        reason = done.stderr.strip() or f"node exited with status {done.returncode}"
        raise InputError(f"evaluating {str(path)!r} with Node failed:\n{reason}")
    return parse_json(done.stdout, path)


def route_list(args: argparse.Namespace) -> list[str] | None:
    """The app's routes from --routes and --app-dir; None (unknown) when neither is given."""
    if args.routes is None and args.app_dir is None:
        return None
    routes = list(args.routes or ())
    if args.app_dir is not None:
        try:
            routes += routes_from_app_dir(args.app_dir)
        except OSError as exc:
            raise InputError(f"--app-dir: {exc}") from None
    return routes


def load_router(args: argparse.Namespace) -> Router:
    """The Router for the command's CONFIG, routes and compatibility flag."""
    config = read_config(args.config)
    compatible = bool(args.next_compatible)
    return Router.from_next_config(
        config,
        route_list(args),
        positional_refs=not compatible,
        early_errors=not compatible,
    )


def parse_headers(items: Iterable[str], where: str = "-H") -> dict[str, str | list[str]]:
    """'Name: value' strings as a header mapping; a repeated name gives a list."""
    headers: dict[str, str | list[str]] = {}
    for item in items:
        name, colon, value = item.partition(":")
        name = name.strip()
        if not colon or not name or any(ch.isspace() for ch in name):
            raise InputError(f"{where}: bad header {item!r}; expected 'Name: value'")
        value = value.strip()
        existing = headers.get(name)
        if existing is None:
            headers[name] = value
        elif isinstance(existing, list):
            existing.append(value)
        else:
            headers[name] = [existing, value]
    return headers


# --- showing results -------------------------------------------------------------------------


def resolution_data(resolution: Resolution) -> dict[str, Any]:
    """A Resolution as JSON-ready data (the rule by its place)."""
    rule = resolution.rule
    return {
        "kind": resolution.kind.value,
        "url": resolution.url,
        "path": resolution.path,
        "query": resolution.query,
        "route": resolution.route,
        "params": resolution.params,
        "status": resolution.status,
        "headers": resolution.headers,
        "rule": rule.place if rule else None,
        "source": rule.source if rule else None,
    }


def step_data(step: Step) -> dict[str, Any]:
    """A trace step as JSON-ready data."""
    return {
        "phase": step.phase,
        "outcome": step.outcome,
        "detail": step.detail,
        "rule": step.rule.place if step.rule else None,
        "source": step.rule.source if step.rule else None,
    }


def kind_label(resolution: Resolution) -> str:
    """The kind, with the status for a redirect: 'redirect 308'."""
    if resolution.kind is Kind.REDIRECT:
        return f"redirect {resolution.status}"
    return resolution.kind.value


def details(resolution: Resolution) -> str:
    """The target of a resolution with what decided it, for one line of output."""
    parts = [resolution.url]
    if resolution.route:
        parts.append(f"route {resolution.route}")
    if resolution.params:
        parts.append(f"params {json.dumps(resolution.params, ensure_ascii=False)}")
    if resolution.headers:
        parts.append(f"headers {json.dumps(resolution.headers, ensure_ascii=False)}")
    if resolution.rule:
        parts.append(f"by {resolution.rule}")
    return "  ".join(parts)


def aligned(rows: Sequence[Sequence[str]], gap: str = "  ") -> list[str]:
    """Rows of cells as lines, every column but the last padded to its widest cell."""
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append(gap.join([*cells, row[-1]]).rstrip())
    return lines


def warn(text: str) -> None:
    """Print a line to standard error."""
    print(text, file=sys.stderr)


# --- demo ------------------------------------------------------------------------------------

DEMO_ROUTES = ("/", "/dashboard", "/api/auth/[...nextauth]")
DEMO_BACKEND = "http://localhost:3001"
DEMO_RULE_A = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
DEMO_RULE_B = {
    "source": "/api/((?!auth).*)/:path*",
    "destination": "http://localhost:3001/api/$1/:path*",
}
DEMO_TABLES: dict[str, tuple[str, dict[str, Any]]] = {
    "A": (
        "rewrites: [{source: '/api/:path*', destination: 'http://localhost:3001/api/:path*'}]",
        {"rewrites": [DEMO_RULE_A]},
    ),
    "B": (
        "rewrites: [{source: '/api/((?!auth).*)/:path*', "
        "destination: 'http://localhost:3001/api/$1/:path*'}]",
        {"rewrites": [DEMO_RULE_B]},
    ),
    "C": ("rewrites: {fallback: [the rule of A]}", {"rewrites": {"fallback": [DEMO_RULE_A]}}),
}
DEMO_REQUESTS = (
    "/api/auth/session",
    "/api/users",
    "/api/trades/123?x=1",
    "/api/authenticate",
    "/dashboard",
    "/API/Auth/session",
)


def demo_cell(router: Router, url: str) -> str:
    """Where one router sends one request, in a few characters."""
    try:
        found = router.resolve(url)
    except RequestError as exc:
        return f"error {exc.status}"
    if found.kind is Kind.PROXIED:
        return "proxy " + found.url.removeprefix(DEMO_BACKEND)
    if found.kind is Kind.LOCAL:
        return f"local {found.route}"
    if found.kind is Kind.NOT_FOUND:
        return "404"
    return f"redirect {found.status} {found.url}"


def indented(lines: Iterable[str]) -> list[str]:
    """Lines indented by two spaces."""
    return ["  " + line for line in lines]


def demo_outcomes() -> list[str]:
    """The three tables, and where each sends every demo request."""
    routers = [Router.from_next_config(config, DEMO_ROUTES) for _, config in DEMO_TABLES.values()]
    rows = [["request", *DEMO_TABLES]]
    rows += [[url, *(demo_cell(router, url) for router in routers)] for url in DEMO_REQUESTS]
    return [
        "An app with the routes " + ", ".join(DEMO_ROUTES) + " (NextAuth's catch-all),",
        f"and a backend at {DEMO_BACKEND} ('proxy /x' below means {DEMO_BACKEND}/x):",
        "",
        *indented(f"{name}  {text}" for name, (text, _) in DEMO_TABLES.items()),
        "",
        *indented(aligned(rows)),
    ]


def demo_trace() -> list[str]:
    """Why table A sends NextAuth's request to the backend: its explain trace."""
    router = Router.from_next_config(DEMO_TABLES["A"][1], DEMO_ROUTES)
    return [
        "Why A sends /api/auth/session to the backend (rewrites explain):",
        "",
        *indented(str(router.explain("/api/auth/session")).splitlines()),
        "",
        "C is the fix: a fallback rewrite runs after the pages, so NextAuth keeps its requests.",
    ]


def demo_literal() -> list[str]:
    """What table B does in real Next.js, where `$1` stays literal."""
    literal = Router.from_next_config(DEMO_TABLES["B"][1], DEMO_ROUTES, positional_refs=False)
    rows = [[url, demo_cell(literal, url)] for url in DEMO_REQUESTS[1:3]]
    return [
        "B works here only because rewrites substitutes $1 (the first group). Real Next.js leaves",
        "$1 literal (positional_refs=False, --next-compatible): B sends every API call to /api/$1:",
        *indented(aligned(rows)),
        "Either way, (?!auth) also turns away /api/authenticate (the 404 above).",
    ]


def demo() -> str:
    """The seed story: three tables over the same app, where each sends six requests, and why."""
    parts = [demo_outcomes(), demo_trace(), demo_literal()]
    parts.append(
        ["Try it on your own table:  rewrites resolve next.config.js /api/users --app-dir ."]
    )
    return "\n\n".join("\n".join(part) for part in parts)


def cmd_demo(args: argparse.Namespace) -> int:
    """`rewrites demo`."""
    print(demo())
    return OK


# --- resolve and explain ---------------------------------------------------------------------


def report_request_error(url: str, exc: RequestError, *, as_json: bool) -> int:
    """Print a request Next.js would fail (a JSON line, or an `error:` line); the exit status."""
    if as_json:
        print(json.dumps({"request": url, "error": exc.message, "status": exc.status}))
    else:
        warn(f"error: {url}: {exc} (status {exc.status})")
    return FAILED


def cmd_resolve(args: argparse.Namespace) -> int:
    """`rewrites resolve`: kind and target per URL."""
    router = load_router(args)
    headers = parse_headers(args.header or ())
    status = OK
    rows: list[list[str]] = []
    for url in args.urls:
        try:
            found = router.resolve(url, headers)
        except RequestError as exc:
            status = report_request_error(url, exc, as_json=args.json)
            continue
        if args.json:
            print(json.dumps({"request": url, **resolution_data(found)}, ensure_ascii=False))
        else:
            rows.append([url, kind_label(found), details(found)])
    if rows:
        print("\n".join(aligned(rows)))
    return status


def explanation_data(explanation: Explanation) -> dict[str, Any]:
    """An Explanation as JSON-ready data."""
    return {
        "request": explanation.request,
        "steps": [step_data(step) for step in explanation.steps],
        "resolution": resolution_data(explanation.resolution),
    }


def cmd_explain(args: argparse.Namespace) -> int:
    """`rewrites explain`: every phase and rule tried, per URL."""
    router = load_router(args)
    headers = parse_headers(args.header or ())
    status = OK
    for number, url in enumerate(args.urls):
        try:
            explanation = router.explain(url, headers)
        except RequestError as exc:
            status = report_request_error(url, exc, as_json=args.json)
            continue
        if args.json:
            print(json.dumps(explanation_data(explanation), ensure_ascii=False))
        else:
            print(("\n" if number else "") + str(explanation))
    return status


# --- check -----------------------------------------------------------------------------------

#: What a case may expect, and how to read it from a Resolution.
EXPECTABLE: dict[str, Callable[[Resolution], object]] = {
    "kind": lambda r: r.kind.value,
    "target": lambda r: r.url,
    "route": lambda r: r.route,
    "status": lambda r: r.status,
}
CASE_KEYS = frozenset({"url", "headers", *EXPECTABLE})
#: The kind a case expects for a request Next.js fails (a RequestError), with its `status`.
ERROR = "error"


@attrs.frozen
class Case:
    """One expectation of a cases file: a request and what should come of it."""

    place: str
    url: str
    headers: dict[str, str | list[str]]
    expected: dict[str, object]


@attrs.frozen
class Outcome:
    """A case run: the differences from what was expected, and the rules it exercised."""

    case: Case
    differences: tuple[tuple[str, object, object], ...]
    exercised: frozenset[str]
    decided_by: str | None = None


def case_headers(value: object, place: str) -> dict[str, str | list[str]]:
    """A case's request headers: a mapping of names to strings (or lists of strings)."""
    if value is None:
        return {}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return parse_headers(value, f"{place}.headers")
    if not isinstance(value, Mapping):
        raise InputError(f"{place}.headers: expected an object of header names to values")
    headers: dict[str, str | list[str]] = {}
    for name, item in value.items():
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            headers[str(name)] = str(item)
        elif isinstance(item, list) and all(isinstance(v, str) for v in item):
            headers[str(name)] = list(item)
        else:
            raise InputError(f"{place}.headers.{name}: expected a string or a list of strings")
    return headers


def parse_case(item: object, place: str) -> Case:
    """One case, checked: url, optional headers, the expected kind, any of target/route/status
    (an `error` case: only status)."""
    if not isinstance(item, Mapping):
        raise InputError(f"{place}: expected an object with 'url' and 'kind'")
    unknown = sorted(str(k) for k in item if k not in CASE_KEYS)
    if unknown:
        raise InputError(f"{place}: unknown key(s) {unknown}; expected {sorted(CASE_KEYS)}")
    url = item.get("url")
    if not isinstance(url, str):
        raise InputError(f"{place}.url: expected the request URL as a string")
    kinds = [*(kind.value for kind in Kind), ERROR]
    if item.get("kind") not in kinds:
        raise InputError(f"{place}.kind: expected one of {kinds}, got {item.get('kind')!r}")
    expected = {key: item[key] for key in EXPECTABLE if key in item}
    if expected["kind"] == ERROR and ("target" in expected or "route" in expected):
        raise InputError(f"{place}: an '{ERROR}' case expects only a status (400 or 500)")
    for key in ("target", "route"):
        if key in expected and not isinstance(expected[key], str | None):
            raise InputError(f"{place}.{key}: expected a string, got {expected[key]!r}")
    status = expected.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        example = 400 if expected["kind"] == ERROR else 308
        raise InputError(f"{place}.status: expected a number such as {example}, got {status!r}")
    return Case(place, url, case_headers(item.get("headers"), place), expected)


def read_cases(file: str) -> list[Case]:
    """The cases of a JSON or YAML file: a list, or an object whose 'cases' key holds it."""
    path = Path(file)
    text = read_text(path, "cases file")
    data = parse_yaml(text, path) if path.suffix in (".yaml", ".yml") else parse_json(text, path)
    if isinstance(data, Mapping):
        data = data.get("cases")
    if not isinstance(data, list):
        raise InputError(f"{file}: expected a list of cases, or an object with a 'cases' list")
    try:
        return [parse_case(item, f"cases[{n}]") for n, item in enumerate(data)]
    except InputError as exc:
        raise InputError(f"{file}: {exc}") from None


def exercised_rules(explanation: Explanation) -> frozenset[str]:
    """The places of the rules a request matched: the deciding one and every one that applied."""
    places = {
        step.rule.place
        for step in explanation.steps
        if step.rule is not None and step.outcome not in ("no-match", "conditions")
    }
    if explanation.resolution.rule is not None:
        places.add(explanation.resolution.rule.place)
    return frozenset(places)


def run_case(router: Router, case: Case) -> Outcome:
    """Resolve one case and compare every expected field with what came of it."""
    try:
        explanation = router.explain(case.url, case.headers)
    except RequestError as exc:
        if case.expected["kind"] != ERROR:
            got = f"{ERROR} {exc.status}: {exc.message}"
            return Outcome(case, (("kind", case.expected["kind"], got),), frozenset())
        want = case.expected.get("status", exc.status)
        if want != exc.status:
            return Outcome(case, (("status", want, f"{exc.status}: {exc.message}"),), frozenset())
        return Outcome(case, (), frozenset())
    found = explanation.resolution
    differences = tuple(
        (key, want, EXPECTABLE[key](found))
        for key, want in case.expected.items()
        if EXPECTABLE[key](found) != want
    )
    decided = str(found.rule) if found.rule else None
    return Outcome(case, differences, exercised_rules(explanation), decided)


def failure_text(outcome: Outcome) -> str:
    """A failed case as a small diff: '-' what was expected, '+' what came of it."""
    case = outcome.case
    headers = f"  headers {json.dumps(case.headers)}" if case.headers else ""
    lines = [f"FAIL {case.place} {case.url}{headers}"]
    for key, want, got in outcome.differences:
        lines.append(f"  - {key}: {_shown(want)}")
        lines.append(f"  + {key}: {_shown(got)}")
    if outcome.decided_by:
        lines.append(f"    decided by {outcome.decided_by}")
    return "\n".join(lines)


def _shown(value: object) -> str:
    """A value in a diff line: strings bare, None as null."""
    if value is None:
        return "null"
    return value if isinstance(value, str) else json.dumps(value)


def coverage_lines(router: Router, exercised: set[str]) -> tuple[float, list[str]]:
    """Rule coverage (percent of the table's own rules exercised) and its report lines."""
    rules = [rule for rule in router.rules if not rule.built_in]
    if not rules:
        return 100.0, ["rules: the table has none"]
    missed = [rule for rule in rules if rule.place not in exercised]
    percent = 100.0 * (len(rules) - len(missed)) / len(rules)
    lines = [f"rules: {len(rules) - len(missed)} of {len(rules)} exercised ({percent:.0f}%)"]
    lines += [f"  not exercised: {rule}" for rule in missed]
    return percent, lines


def cmd_check(args: argparse.Namespace) -> int:
    """`rewrites check`: a table test for CI, with rule coverage."""
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise InputError(f"--fail-under: got {args.fail_under:g}; expected a percentage, 0 to 100")
    router = load_router(args)
    cases = read_cases(args.cases)
    outcomes = [run_case(router, case) for case in cases]
    failed = [outcome for outcome in outcomes if outcome.differences]
    for outcome in failed:
        print(failure_text(outcome) + "\n")
    exercised: set[str] = set().union(*(outcome.exercised for outcome in outcomes))
    percent, lines = coverage_lines(router, exercised)
    passed = len(outcomes) - len(failed)
    print(f"{len(outcomes)} cases: {passed} passed, {len(failed)} failed")
    print("\n".join(lines))
    status = FAILED if failed else OK
    if args.fail_under is not None and percent < args.fail_under:
        print(f"rule coverage {percent:.1f}% is below --fail-under {args.fail_under:g}%")
        status = FAILED
    return status


# --- lint ------------------------------------------------------------------------------------


def diagnostic_data(diagnostic: Any) -> dict[str, Any]:
    """A lint Diagnostic as JSON-ready data: its documented fields, and any extra ones it has."""
    fields = ("code", "severity", "place", "message", "example", "fix")
    data = {name: _plain(getattr(diagnostic, name, None)) for name in fields}
    for name in ("source", "outcome"):
        if getattr(diagnostic, name, None):
            data[name] = _plain(getattr(diagnostic, name))
    headers = getattr(diagnostic, "headers", None)
    if headers:
        data["headers"] = dict(headers)
    return data


def _plain(value: object) -> object:
    """A value JSON can hold (enums by their value, anything else unknown as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    inner = getattr(value, "value", None)
    return inner if isinstance(inner, str) else str(value)


def cmd_lint(args: argparse.Namespace) -> int:
    """`rewrites lint`: the linter's diagnostics; exit 1 when any is an error."""
    try:
        analysis = importlib.import_module("rewrites.lint")
    except ModuleNotFoundError as exc:
        if exc.name != "rewrites.lint":
            raise
        warn("error: lint is not available in this build")
        return BAD_INPUT
    router = load_router(args)
    found = analysis.lint(router)
    severities = [str(_plain(d.severity)) for d in found]
    for diagnostic in found:
        if args.json:
            print(json.dumps(diagnostic_data(diagnostic), ensure_ascii=False))
        else:
            print(f"{diagnostic}\n")
    if not args.json:
        counts = {s: severities.count(s) for s in ("error", "warning", "info")}
        print(", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items()))
    return FAILED if "error" in severities else OK


# --- arguments -------------------------------------------------------------------------------


def table_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every command that reads a table takes."""
    parser.add_argument(
        "config",
        metavar="CONFIG",
        help='next.config as JSON ({"rewrites": ...}), or next.config.js/.mjs/.cjs (needs node)',
    )
    parser.add_argument(
        "--routes",
        nargs="+",
        action="extend",
        metavar="ROUTE",
        help="the app's routes in Next.js syntax (/blog/[slug]); without it or --app-dir, "
        "routes are unknown and nothing is 404",
    )
    parser.add_argument(
        "--app-dir",
        metavar="DIR",
        help="read the routes from a Next.js project (its app/ and pages/ directories)",
    )
    parser.add_argument(
        "--next-compatible",
        action="store_true",
        help="no extensions: keep $1 literal and fail per request, as Next.js does",
    )


def request_arguments(parser: argparse.ArgumentParser) -> None:
    """URL arguments, request headers and --json."""
    parser.add_argument("urls", nargs="+", metavar="URL", help="a request: path and query")
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        metavar="'NAME: VALUE'",
        help="a request header (repeatable), e.g. -H 'cookie: session=1'",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="rewrites",
        description="Resolve requests against Next.js rewrites, redirects and headers tables "
        "exactly as Next.js 16 does.",
        epilog="Exit codes: 0 ok, 1 failures, 2 usage or bad input. Start with: rewrites demo",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo_parser = sub.add_parser("demo", help="the seed story on an embedded example (no files)")
    demo_parser.set_defaults(run=cmd_demo)
    resolve = sub.add_parser("resolve", help="where each URL goes: kind and target")
    table_arguments(resolve)
    request_arguments(resolve)
    resolve.set_defaults(run=cmd_resolve)
    explain = sub.add_parser("explain", help="every phase and rule tried for each URL, and why")
    table_arguments(explain)
    request_arguments(explain)
    explain.set_defaults(run=cmd_explain)
    check = sub.add_parser("check", help="test a table against a cases file, with rule coverage")
    table_arguments(check)
    check.add_argument("cases", metavar="CASES", help="JSON or YAML list of cases")
    check.add_argument(
        "--fail-under",
        type=float,
        metavar="PERCENT",
        help="fail when fewer than PERCENT %% of the rules are exercised",
    )
    check.set_defaults(run=cmd_check)
    lint = sub.add_parser("lint", help="find rules that shadow, never match or surprise")
    table_arguments(lint)
    lint.add_argument("--json", action="store_true", help="one JSON object per diagnostic")
    lint.set_defaults(run=cmd_lint)
    return parser


def safe_output() -> None:
    """Never fail on a character the terminal cannot show (escape it instead)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse arguments, run a command, return the exit code."""
    safe_output()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else BAD_INPUT
    try:
        code: int = args.run(args)
    except (InputError, RewritesError) as exc:
        warn(f"error: {exc}")  # as the library formats it: caret lines, places
        return BAD_INPUT
    except BrokenPipeError:
        # The reader stopped early (`| head`): silence the flush at exit, as the Python docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return FAILED
    return code
