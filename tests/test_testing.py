"""rewrites.testing: cases files, check() and its report, the pytest plugin, the seed tables."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import rewrites
from rewrites import Router, cli, project, testing
from rewrites.testing import CasesError, CheckReport, check, parse_case, read_cases_file

pytest_plugins = ["pytester"]

SEED = Path(__file__).parent / "seed"
ROUTES = ["/", "/dashboard", "/api/auth/[...nextauth]"]
RULE = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
TABLE = {
    "rewrites": {
        "afterFiles": [RULE],
        "fallback": [{"source": "/legacy/:path*", "destination": "http://old.example.com/:path*"}],
    },
    "redirects": [{"source": "/old/:slug", "destination": "/new/:slug", "permanent": True}],
}
#: The NextAuth expectation that table A breaks (the seed story).
NEXTAUTH = {"url": "/api/auth/session", "kind": "local", "route": "/api/auth/[...nextauth]"}
CASES = [
    {"url": "/api/users", "kind": "proxied", "target": "http://localhost:3001/api/users"},
    {"url": "/old/a", "kind": "redirect", "status": 308, "target": "/new/a"},
    NEXTAUTH,
    {"url": "/blog/%E0%A4%A", "kind": "local"},
]


def glob(*lines: str) -> list[str]:
    """Lines as fnmatch patterns: '[' taken literally, '*' still a wildcard."""
    return [line.replace("[", "[[]") for line in lines]


def run_plugin(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """Run pytest in-process with the plugin (`-p rewrites.testing`) in the pytester directory."""
    # This process imported rewrites.testing already, so pytest cannot rewrite its asserts (it
    # has none to rewrite): silence that warning.
    quiet = ("-W", "ignore::pytest.PytestAssertRewriteWarning")
    return pytester.runpytest("-p", "rewrites.testing", *quiet, *args)


def write(folder: Path, name: str, data: Any) -> Path:
    """Write JSON (or text as it is) to a file and return its path."""
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return path


# --- check() and its report ------------------------------------------------------------------


def test_str_of_check_is_what_the_command_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """str(check(router, cases)) is exactly the output of `rewrites check` on the same files."""
    config = write(tmp_path, "config.json", TABLE)
    cases = write(tmp_path, "cases.json", CASES)
    routes = [*ROUTES, "/blog/[slug]"]
    code = cli.main(["check", str(config), str(cases), "--routes", *routes])
    out = capsys.readouterr().out
    report = check(Router.from_next_config(TABLE, routes), testing.read_cases(cases))
    assert code == 1
    assert out == f"{report}\n"
    assert str(report).endswith(
        "4 cases: 2 passed, 2 failed\n"
        "rules: 2 of 3 exercised (67%)\n"
        "  not exercised: rewrites.fallback[0] '/legacy/:path*'"
    )


def test_report_holds_results_differences_and_traces() -> None:
    """The report keeps each case's differences, explain trace, applied rules and coverage."""
    router = Router.from_next_config(TABLE, [*ROUTES, "/blog/[slug]"])
    cases = [parse_case(item, f"cases[{n}]") for n, item in enumerate(CASES)]
    report = check(router, cases)
    assert [r.passed for r in report.results] == [True, True, False, False]
    assert not report.ok
    assert report.failed == report.results[2:]
    stolen = report.results[2]
    assert [(d.key, d.expected, d.got) for d in stolen.differences] == [
        ("kind", "local", "proxied"),
        ("route", "/api/auth/[...nextauth]", None),
    ]
    assert stolen.decided_by is not None and stolen.decided_by.place == "rewrites.afterFiles[0]"
    assert stolen.explanation is not None
    assert stolen.trace == str(stolen.explanation)
    assert (
        "[why] rewrites.afterFiles[0] '/api/:path*': page /api/auth/[...nextauth]" in stolen.trace
    )
    assert [rule.place for rule in report.uncovered] == ["rewrites.fallback[0]"]
    assert report.coverage == pytest.approx(2 / 3)
    assert str(report.results[0]) == "PASS cases[0] /api/users"


def test_a_request_next_fails_has_its_error_as_trace() -> None:
    """A case whose request Next.js fails has no explanation; its trace is the error."""
    router = Router.from_next_config({}, ["/blog/[slug]"])
    result = check(router, [parse_case({"url": "/blog/%E0%A4%A", "kind": "local"})]).results[0]
    reason = "failed to decode param: '%E0%A4%A' (route /blog/[slug]) has a malformed %-escape"
    assert result.explanation is None
    assert result.error is not None and result.error.status == 400
    assert (
        str(result) == f"FAIL case /blog/%E0%A4%A\n  - kind: local\n  + kind: error 400: {reason}"
    )
    assert result.trace == f"/blog/%E0%A4%A\n  => error 400: {reason}"
    assert result.applied == ()


def test_a_table_without_rules_is_fully_covered() -> None:
    """Coverage of a table with no rules of its own is 100%, and the report says it has none."""
    report = check(Router.from_next_config({}), [parse_case({"url": "/", "kind": "local"})])
    assert (report.ok, report.coverage, report.percent) == (True, 1.0, 100.0)
    assert str(report) == "1 cases: 1 passed, 0 failed\nrules: the table has none"


def test_coverage_counts_rules_that_applied_on_the_way() -> None:
    """A header rule that added headers and a rewrite a later rule took further are exercised."""
    table = {
        "headers": [{"source": "/a", "headers": [{"key": "x", "value": "1"}]}],
        "rewrites": [
            {"source": "/a", "destination": "/b"},
            {"source": "/b", "destination": "http://up/b"},
            {"source": "/c", "destination": "http://up/c"},
        ],
    }
    report = check(Router.from_next_config(table), [parse_case({"url": "/a", "kind": "proxied"})])
    assert [rule.place for rule in report.results[0].applied] == [
        "headers[0]",
        "rewrites[0]",
        "rewrites[1]",
    ]
    assert [rule.place for rule in report.uncovered] == ["rewrites[2]"]


def test_check_report_is_a_frozen_value() -> None:
    """Reports, results and cases are frozen attrs values."""
    report = check(Router.from_next_config({}), [parse_case({"url": "/", "kind": "local"})])
    assert isinstance(report, CheckReport)
    with pytest.raises(AttributeError):
        report.results = ()  # type: ignore[misc]  # frozen: assigning must fail


# --- cases files -----------------------------------------------------------------------------


def test_a_cases_file_names_its_table(tmp_path: Path) -> None:
    """An object cases file gives the config, routes and options; paths are relative to it."""
    write(tmp_path, "next.config.json", TABLE)
    cases_file = read_cases_file(
        write(
            tmp_path,
            "api.rewrites.json",
            {"config": "next.config.json", "routes": ROUTES, "fail_under": 50, "cases": CASES[:2]},
        )
    )
    assert (cases_file.config, cases_file.routes, cases_file.fail_under) == (
        "next.config.json",
        tuple(ROUTES),
        50,
    )
    assert [case.url for case in cases_file.cases] == ["/api/users", "/old/a"]
    assert cases_file.check().ok


def test_cases_file_problems_are_listed_together(tmp_path: Path) -> None:
    """Every problem of a cases file's content is reported at once, each with its place."""
    path = write(
        tmp_path,
        "bad.json",
        {
            "rotues": [],
            "fail_under": 120,
            "cases": [{"url": "/", "kind": "loacl"}, {"url": "/", "kind": "local", "kidn": 1}],
        },
    )
    with pytest.raises(CasesError) as failure:
        read_cases_file(path)
    assert str(failure.value) == (
        f"{path}: 4 problems:\n"
        "- unknown key(s) ['rotues']; expected ['app_dir', 'cases', 'config', 'fail_under', "
        "'next_compatible', 'routes'] (did you mean 'routes'?)\n"
        "- fail_under: expected a percentage, 0 to 100, got 120\n"
        "- cases[0].kind: expected one of ['local', 'proxied', 'redirect', 'not_found', "
        "'error'], got 'loacl'\n"
        "- cases[1]: unknown key(s) ['kidn']; expected ['headers', 'kind', 'route', 'status', "
        "'target', 'url'] (did you mean 'kind'?)"
    )


def test_case_headers_take_either_form() -> None:
    """A case's headers are an object of names to values, or a list of 'Name: value' lines."""
    as_object = parse_case({"url": "/", "kind": "local", "headers": {"x-a": 1, "x-b": ["2", "3"]}})
    as_lines = parse_case({"url": "/", "kind": "local", "headers": ["x-a: 1", "x-b: 2", "x-b: 3"]})
    assert as_object.headers == as_lines.headers == {"x-a": "1", "x-b": ["2", "3"]}
    with pytest.raises(
        CasesError, match=r"^case\.headers: bad header 'x'; expected 'Name: value'$"
    ):
        parse_case({"url": "/", "kind": "local", "headers": ["x"]})


def test_a_cases_file_without_config_cannot_be_checked(tmp_path: Path) -> None:
    """check_file needs the file to name its table; the CLI gives the table itself."""
    path = write(tmp_path, "cases.json", CASES[:1])
    with pytest.raises(CasesError) as failure:
        testing.check_file(path)
    assert str(failure.value) == (
        f"{path}: config: no table to test: give 'config', the next.config file (relative to "
        "this file) or the config object itself"
    )


def test_a_cases_file_that_cannot_be_read_is_a_config_error(tmp_path: Path) -> None:
    """A missing or malformed cases file is a ConfigError placed at the file."""
    with pytest.raises(rewrites.ConfigError) as failure:
        read_cases_file(tmp_path / "none.json")
    problem = failure.value.problems[0]
    assert (problem.place, problem.message) == (
        str(tmp_path / "none.json"),
        f"cases file {str(tmp_path / 'none.json')!r} does not exist",
    )


# --- the seed tables -------------------------------------------------------------------------


def test_seed_configs_are_the_demo_tables() -> None:
    """The seed cases files test the tables `rewrites demo` shows (B's config is inline)."""
    configs = {
        "A": project.load_config(SEED / "a.config.json"),
        "B": read_cases_file(SEED / "table_b.rewrites.json").config,
        "C": project.load_config(SEED / "c.config.json"),
    }
    assert configs == {name: config for name, (_, config) in cli.DEMO_TABLES.items()}


@pytest.mark.parametrize("path", sorted(SEED.glob("*.rewrites.json")), ids=lambda p: p.name)
def test_seed_cases_pass_with_full_coverage(path: Path) -> None:
    """check_file passes every seed case and exercises every rule of the seed tables."""
    report = testing.check_file(path)
    assert report.ok, str(report)
    assert report.coverage == 1.0


# --- the pytest plugin -----------------------------------------------------------------------


def test_plugin_collects_the_seed_tables(pytester: pytest.Pytester) -> None:
    """Under `-p rewrites.testing` each seed case is a passing item, plus one per coverage floor."""
    for item in SEED.iterdir():
        target = pytester.path / item.name
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copy(item, target)
    result = pytester.runpytest_subprocess("-p", "rewrites.testing", "-v")
    result.assert_outcomes(passed=6 + 1 + 6 + 1 + 4 + 1 + 7 + 1)
    result.stdout.fnmatch_lines(
        glob(
            "table_a.rewrites.json::cases[0] /api/auth/session PASSED*",
            "table_c.rewrites.json::rule coverage PASSED*",
        )
    )


def test_plugin_failure_message_is_the_diff_and_the_trace(pytester: pytest.Pytester) -> None:
    """A failing case reports its diff and the explain trace that says why, with no traceback."""
    shutil.copy(SEED / "a.config.json", pytester.path)
    cases = {"config": "a.config.json", "routes": ROUTES, "cases": [NEXTAUTH]}
    pytester.makefile(".rewrites.json", nextauth=json.dumps(cases))
    result = run_plugin(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        glob(
            "*_ nextauth.rewrites.json: cases[0] /api/auth/session _*",
            "FAIL cases[0] /api/auth/session",
            "  - kind: local",
            "  + kind: proxied",
            "  - route: /api/auth/[...nextauth]",
            "  + route: null",
            "    decided by rewrites[0] '/api/:path*'",
            "",
            "explain:",
            "/api/auth/session",
            "*[afterFiles] rewrites[0] '/api/:path*': matched {path: ['auth', 'session']}: "
            "proxied to http://localhost:3001/api/auth/session",
            "*[why] rewrites[0] '/api/:path*': page /api/auth/[...nextauth] would have served*",
            "  => proxied http://localhost:3001/api/auth/session",
            "*= short test summary info =*",
        )
    )

    assert "Traceback" not in result.stdout.str()
    assert (
        "FAIL cases[0] /api/auth/session\n  - kind: local\n  + kind: proxied\n"
        "  - route: /api/auth/[...nextauth]\n  + route: null\n"
        "    decided by rewrites[0] '/api/:path*'\n\nexplain:\n/api/auth/session\n  [headers]"
    ) in result.stdout.str()


def test_plugin_fails_a_file_under_its_coverage_floor(pytester: pytest.Pytester) -> None:
    """`fail_under` adds a 'rule coverage' item that fails with the uncovered rules."""
    cases = {"config": TABLE, "fail_under": 80, "cases": [CASES[0]]}
    pytester.makefile(".rewrites.json", table=json.dumps(cases))
    result = run_plugin(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        glob(
            "rule coverage 33.3% is below fail_under 80%",
            "rules: 1 of 3 exercised (33%)",
            "  not exercised: redirects[0] '/old/:slug'",
            "  not exercised: rewrites.fallback[0] '/legacy/:path*'",
        )
    )


def test_plugin_reports_a_bad_cases_file_as_a_collection_error(pytester: pytest.Pytester) -> None:
    """A cases file with a mistake is a collection error showing the message, not a traceback."""
    pytester.makefile(".rewrites.json", bad=json.dumps({"config": {}, "cases": [{"url": "/"}]}))
    result = run_plugin(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        glob("*bad.rewrites.json: cases[0].kind: expected one of *, got None")
    )
    assert "Traceback" not in result.stdout.str()


def test_plugin_file_patterns_are_an_ini_option(pytester: pytest.Pytester) -> None:
    """`rewrites_files` replaces the default patterns; other JSON files are left alone."""
    cases = json.dumps({"config": {}, "cases": [{"url": "/", "kind": "local"}]})
    pytester.makefile(".json", routing_cases=cases, unrelated="{}")
    pytester.makefile(".rewrites.json", default=cases)
    pytester.makeini("[pytest]\nrewrites_files = routing_*.json\n")
    result = run_plugin(pytester, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(glob("routing_cases.json::cases[0] / PASSED*"))


def test_plugin_is_off_without_being_asked_for(pytester: pytest.Pytester) -> None:
    """Without the plugin, cases files are not collected."""
    pytester.makefile(".rewrites.json", table=json.dumps({"config": {}, "cases": []}))
    result = pytester.runpytest("-p", "no:rewrites.testing")
    result.assert_outcomes()


def test_importing_testing_needs_neither_pytest_nor_hypothesis() -> None:
    """rewrites.testing imports without pytest or Hypothesis (the plugin imports pytest lazily)."""
    code = (
        "import sys, rewrites.testing\n"
        "print(sorted(m for m in ('pytest', '_pytest', 'hypothesis', 'yaml') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
