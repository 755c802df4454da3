"""The `rewrites` command (also `python -m rewrites`): demo, resolve, explain, check, lint, serve,
diff.

Exit codes, for CI: 0 all is well; 1 something failed (a case, a lint error, a request that
Next.js answers with an error status); 2 bad usage or bad input (a missing file, invalid JSON, a
table with problems).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any

from . import diff as table_diff
from . import project
from ._pages import routes_from_app_dir
from ._results import Explanation, Kind, Resolution, Step
from .errors import ConfigError, RequestError, RewritesError
from .lint import Diagnostic, Severity, lint
from .router import Router
from .testing import check, parse_header_lines, read_cases

__all__ = ["main"]

OK, FAILED, BAD_INPUT = 0, 1, 2


class InputError(Exception):
    """Bad input from the command line or a file: printed as `error: ...`, exit code 2."""


# --- reading input ---------------------------------------------------------------------------


def file_error(error: ConfigError) -> InputError:
    """A file that could not be read, worded as the command always has: each problem's message
    (a sentence naming the file), and invalid JSON as `file:line:column: not valid JSON: ...`."""
    cause = error.__cause__
    if isinstance(cause, json.JSONDecodeError):
        place = error.problems[0].place
        return InputError(f"{place}:{cause.lineno}:{cause.colno}: not valid JSON: {cause.msg}")
    return InputError("\n".join(problem.message for problem in error.problems))


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


def environment(args: argparse.Namespace) -> dict[str, str]:
    """This process's environment with the --env KEY=VALUE settings on top."""
    env = dict(os.environ)
    for item in getattr(args, "env", None) or ():
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--env: got {item!r}; expected KEY=VALUE")
        env[key] = value
    return env


def load_router(args: argparse.Namespace) -> Router:
    """The Router for the command's CONFIG (a project folder, its next.config.*, or a table),
    its routes and the compatibility flag; the env files read and every warning go to stderr.

    --routes and --app-dir replace the routes found in the project. A config Next.js loads is
    never refused: what Next.js would fail per request is a warning here.
    """
    try:
        found = project.load(
            args.config,
            mode=getattr(args, "mode", "production"),
            env=environment(args),
            timeout=getattr(args, "node_timeout", project.NODE_TIMEOUT),
        )
    except ConfigError as exc:
        raise file_error(exc) from None
    if found.env_files_loaded:
        warn(f"env files ({found.mode}): {', '.join(found.env_files_loaded)}")
    for text in found.warnings:
        warn(f"warning: {text}")
    routes = route_list(args)
    if routes is None and found.routes is not None:
        routes = list(found.routes)
    compatible = bool(args.next_compatible)
    router = Router.from_next_config(
        found.config,
        routes,
        positional_refs=not compatible,
        public_files=found.public_files or None,
        middleware=found.middleware,
    )
    for problem in router.warnings:
        warn(f"warning: {problem.place}: {problem.message}")
    return router


def parse_headers(items: Iterable[str]) -> dict[str, str | list[str]]:
    """-H 'Name: value' strings as a header mapping; a repeated name gives a list."""
    try:
        return parse_header_lines(items)
    except ValueError as exc:
        raise InputError(f"-H: {exc}") from None


# --- showing results -------------------------------------------------------------------------


def resolution_data(resolution: Resolution) -> dict[str, Any]:
    """A Resolution as JSON-ready data (the rule by its place)."""
    rule = resolution.rule
    return {
        "kind": resolution.kind.value,
        "url": resolution.url,
        "path": resolution.path,
        "query": dict(resolution.query),
        "route": resolution.route,
        "params": dict(resolution.params),
        "status": resolution.status,
        "headers": dict(resolution.headers),
        "rule": rule.place if rule else None,
        "source": rule.source if rule else None,
    }


def step_data(step: Step) -> dict[str, Any]:
    """A trace step as JSON-ready data."""
    return {
        "phase": str(step.phase),
        "outcome": str(step.outcome),
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


def cmd_check(args: argparse.Namespace) -> int:
    """`rewrites check`: a table test for CI, with rule coverage."""
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise InputError(f"--fail-under: got {args.fail_under:g}; expected a percentage, 0 to 100")
    router = load_router(args)
    try:
        cases = read_cases(args.cases)
    except ConfigError as exc:
        raise file_error(exc) from None
    report = check(router, cases)
    print(report)
    status = OK if report.ok else FAILED
    if args.fail_under is not None and report.percent < args.fail_under:
        print(f"rule coverage {report.percent:.1f}% is below --fail-under {args.fail_under:g}%")
        status = FAILED
    return status


# --- lint ------------------------------------------------------------------------------------


def diagnostic_data(diagnostic: Diagnostic) -> dict[str, Any]:
    """A lint Diagnostic as JSON-ready data: its documented fields, and the optional ones it has."""
    data: dict[str, Any] = {
        "code": diagnostic.code,
        "severity": diagnostic.severity.value,
        "place": diagnostic.place,
        "message": diagnostic.message,
        "example": diagnostic.example,
        "fix": diagnostic.fix,
    }
    if diagnostic.source:
        data["source"] = diagnostic.source
    if diagnostic.outcome:
        data["outcome"] = diagnostic.outcome
    if diagnostic.headers:
        data["headers"] = dict(diagnostic.headers)
    return data


def cmd_lint(args: argparse.Namespace) -> int:
    """`rewrites lint`: the linter's diagnostics; exit 1 when any is an error."""
    router = load_router(args)
    found = lint(router)
    severities = [diagnostic.severity for diagnostic in found]
    for diagnostic in found:
        if args.json:
            print(json.dumps(diagnostic_data(diagnostic), ensure_ascii=False))
        else:
            print(f"{diagnostic}\n")
    if not args.json:
        counts = {s: severities.count(s) for s in Severity}
        print(", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items()))
    return FAILED if Severity.ERROR in severities else OK


# --- serve -----------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    """`rewrites serve`: the gateway (rewrites.asgi) on uvicorn, until interrupted."""
    try:
        from . import asgi
    except ImportError as exc:
        raise InputError(
            f"rewrites serve needs {exc.name}: pip install 'rewrites[serve]'"
        ) from None
    try:
        config, project_dir = asgi.config_in(args.config)
    except FileNotFoundError as exc:
        raise InputError(str(exc)) from None
    app_dir = args.app_dir
    if app_dir is None and args.routes is None and project_dir is not None:
        app_dir = str(project_dir)  # a project: its app/ and pages/ are the routes
    routes = None if args.routes is None else tuple(args.routes)
    source = asgi.TableSource(str(config), routes, app_dir, args.next_compatible)
    try:
        data = source.read()
    except ConfigError as exc:
        raise file_error(exc) from None
    try:
        timeouts = asgi.Timeouts(args.connect_timeout, args.read_timeout, args.pool_timeout)
        asgi.serve(
            source,
            router=source.build(data),
            local=args.local,
            host=args.host,
            port=args.port,
            workers=args.workers,
            reload=args.reload,
            timeouts=timeouts,
            forwarded=not args.no_forwarded,
            cache=args.cache,
            access_log=not args.quiet,
        )
    except (ValueError, TypeError, OSError) as exc:
        raise InputError(str(exc)) from None
    return OK


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `rewrites serve` (the table's come from table_arguments)."""
    parser.add_argument("--local", metavar="URL", help="the app server for local and 404 paths")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (0: any)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument(
        "--reload", action="store_true", help="reload the table when the config file changes"
    )
    defaults = {"connect": 5.0, "read": 30.0, "pool": 5.0}
    for name, default in defaults.items():
        parser.add_argument(
            f"--{name}-timeout",
            type=float,
            default=default,
            metavar="SECONDS",
            help=f"upstream {name} timeout (default {default:g})",
        )
    parser.add_argument(
        "--no-forwarded",
        action="store_true",
        help="send x-forwarded-host only, as Next.js 16 does (no -for, -port, -proto)",
    )
    parser.add_argument(
        "--cache",
        type=int,
        default=4096,
        metavar="N",
        help="remember N routing answers (default 4096; 0: route every request afresh)",
    )
    parser.add_argument("--quiet", action="store_true", help="no log line per request")


# --- diff ------------------------------------------------------------------------------------

#: What --fail-on accepts: a verdict, or `any` for every change.
FAIL_ON = (*(v.value for v in table_diff.Verdict), "any")


def fail_on_kinds(text: str) -> tuple[str, ...]:
    """--fail-on's comma-separated verdicts, checked."""
    kinds = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [kind for kind in kinds if kind not in FAIL_ON]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"got {text!r}; expected a comma-separated list of {', '.join(FAIL_ON)}"
        )
    return kinds


class ProgressLine:
    """A progress line on standard error, redrawn in place at most ten times a second (only
    on a terminal: `enabled` is False otherwise, and nothing is written)."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = 0.0
        self.started = time.monotonic()
        self.width = 0

    def show(self, text: str, *, force: bool = False) -> None:
        """Replace the line with `text`."""
        now = time.monotonic()
        if not self.enabled or (now - self.shown < 0.1 and not force):
            return
        self.shown = now
        sys.stderr.write("\r" + text.ljust(self.width))
        sys.stderr.flush()
        self.width = len(text)

    def stage(self, stage: str, done: int, total: int) -> None:
        """diff's progress callback: a bar, the counts and the rate."""
        share = done / total if total else 1.0
        bar = ("#" * int(share * 30)).ljust(30)
        rate = done / max(time.monotonic() - self.started, 1e-9)
        what = "rules" if stage == "generate" else "distinct requests"
        self.show(f"{stage} [{bar}] {done:,}/{total:,} {what} ({rate:,.0f}/s)", force=done == total)

    def lines(self, count: int) -> None:
        """read_access_logs's progress callback."""
        self.show(f"reading logs: {count:,} lines")

    def clear(self) -> None:
        """Remove the line."""
        if self.enabled and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
            self.width = 0


def diff_router(args: argparse.Namespace, config: str, which: str) -> Router:
    """The router of CONFIG or NEW, with the command's routes and options; a table's problems
    are named with its file."""
    try:
        return load_router(argparse.Namespace(**{**vars(args), "config": config}))
    except ConfigError as exc:
        raise InputError(f"{which} {config}: {exc}") from None


def cmd_diff(args: argparse.Namespace) -> int:
    """`rewrites diff`: which requests the new table sends somewhere else."""
    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs: got {args.jobs}; expected a positive number of processes")
    old = diff_router(args, args.config, "CONFIG")
    new = diff_router(args, args.new, "NEW")
    line = ProgressLine()
    requests: dict[table_diff.Request, int] | None = None
    if args.access_log:
        try:
            traffic = table_diff.read_access_logs(
                args.access_log, table_diff.Reads.of(old, new), line.lines
            )
        except OSError as exc:
            raise InputError(f"--access-log: {exc}") from None
        line.clear()
        if traffic.skipped:
            where = ", ".join(traffic.skipped_at)
            warn(
                f"warning: skipped {traffic.skipped:,} of {traffic.lines:,} log lines that are "
                f"neither combined-format nor JSON requests (first: {where})"
            )
        if traffic.lines and not traffic.counts:
            raise InputError("--access-log: no line is a combined-format or JSON request")
        requests = dict(traffic.counts)
    distinct = len(requests) if requests is not None else len(old.rules) + len(new.rules)
    jobs = args.jobs or table_diff.default_jobs(distinct)
    try:
        report = table_diff.diff(
            old,
            new,
            requests,
            jobs=jobs,
            examples=args.examples,
            progress=line.stage if line.enabled else None,
        )
    finally:
        line.clear()
    if args.json:
        print(report.to_json())
    else:
        print(report)
        if report.groups:
            print("\nDetails:\n")
            print(report.details())
    fail_on = set(args.fail_on or ())
    if "any" in fail_on and report.groups:
        return FAILED
    return FAILED if report.count_to(fail_on - {"any"}) else OK


def diff_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `rewrites diff` after the table's (CONFIG is the table in use)."""
    parser.add_argument(
        "new", metavar="NEW", help="the table to compare CONFIG with (the same kinds of file)"
    )
    parser.add_argument(
        "--access-log",
        action="append",
        metavar="FILE",
        help="requests to compare (repeatable): nginx/Apache combined format or JSON lines "
        '({"url": ..., "headers": {...}}), gzip/bzip2/xz or plain, - for stdin; without it, '
        "requests are generated from both tables",
    )
    parser.add_argument("--json", action="store_true", help="the report as one JSON object")
    parser.add_argument(
        "--fail-on",
        type=fail_on_kinds,
        metavar="KINDS",
        help="exit 1 when a changed request now ends as one of these (comma-separated: "
        + ", ".join(FAIL_ON)
        + "), e.g. not_found,proxied",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes to resolve with (default: every core past 20,000 distinct requests)",
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=table_diff.EXAMPLES,
        metavar="N",
        help=f"changes kept per group in the details and JSON (default {table_diff.EXAMPLES})",
    )


# --- arguments -------------------------------------------------------------------------------


def positive_seconds(text: str) -> float:
    """A positive number of seconds, for argparse."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"got {text!r}; expected a positive number of seconds")
    return value


def table_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments every command that reads a table takes."""
    parser.add_argument(
        "config",
        metavar="CONFIG",
        help="a Next.js project folder (its config, env files, pages and public files), its "
        'next.config.js/.mjs/.ts (needs node), or a table as JSON or YAML ({"rewrites": ...})',
    )
    parser.add_argument(
        "--mode",
        choices=[str(mode) for mode in project.Mode],
        default="production",
        help="which env files and config phase: production (next start, the default), "
        "development (next dev) or test",
    )
    parser.add_argument(
        "--env",
        action="append",
        metavar="KEY=VALUE",
        help="set an environment variable for the config (repeatable); env files never override it",
    )
    parser.add_argument(
        "--routes",
        nargs="+",
        action="extend",
        metavar="ROUTE",
        help="the app's routes in Next.js syntax (/blog/[slug]), instead of the project's; "
        "without it, --app-dir or a project, routes are unknown and nothing is 404",
    )
    parser.add_argument(
        "--app-dir",
        metavar="DIR",
        help="read the routes from this Next.js project (its app/ and pages/ directories) "
        "instead of CONFIG's",
    )
    parser.add_argument(
        "--next-compatible",
        action="store_true",
        help="no extensions: keep $1 literal and fail per request, as Next.js does",
    )
    parser.add_argument(
        "--node-timeout",
        type=positive_seconds,
        default=project.NODE_TIMEOUT,
        metavar="SECONDS",
        help=f"stop evaluating a next.config.* with Node after this long (default "
        f"{project.NODE_TIMEOUT:g}): it is user code, and may never end",
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
    serve = sub.add_parser(
        "serve",
        help="route live traffic: a gateway that proxies, redirects and serves like next start",
        description="Serve the table as a gateway on uvicorn (needs rewrites[serve]). CONFIG "
        "may also be a project directory: its next.config.* is served, and its app/ and "
        "pages/ give the routes unless --routes or --app-dir is given.",
    )
    table_arguments(serve)
    serve_arguments(serve)
    serve.set_defaults(run=cmd_serve)
    diff_parser = sub.add_parser(
        "diff",
        help="which requests a new table sends somewhere else (from logs or the tables)",
        description="Compare the table in use (CONFIG) with NEW on the requests of access "
        "logs, or on requests made from both tables: a summary per change group (the rule that "
        "decided in each), then the details.",
    )
    table_arguments(diff_parser)
    diff_arguments(diff_parser)
    diff_parser.set_defaults(run=cmd_diff)
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
        sys.stdout.flush()  # here, where a full disk or a closed pipe can still be reported
    except (InputError, RewritesError) as exc:
        warn(f"error: {exc}")  # as the library formats it: caret lines, places
        return BAD_INPUT
    except BrokenPipeError:
        # The reader stopped early (`| head`): silence the flush at exit, as the Python docs advise.
        _discard_output()
        return FAILED
    except OSError as exc:
        if exc.filename is not None:  # a file: reported as bad input, in one line
            warn(f"error: {exc.filename}: {exc.strerror or exc}")
            return BAD_INPUT
        _discard_output()  # the output itself failed (`> /dev/full`): say so once, on stderr
        warn(f"error: cannot write the output: {exc.strerror or exc}")
        return BAD_INPUT
    except KeyboardInterrupt:
        _discard_output()
        return INTERRUPTED
    except (RecursionError, MemoryError) as exc:
        warn(
            f"error: the input is too large or too deeply nested to process ({type(exc).__name__})"
        )
        return BAD_INPUT
    return code


#: Exit status after Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130


def _discard_output() -> None:
    """Point standard output at /dev/null, so that the flush at exit cannot fail again."""
    # (no file descriptor, as a test's captured stdout: nothing will be flushed to it)
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
