"""Table tests: requests and what should come of them, run against a router, with rule coverage.

`check(router, cases)` is what `rewrites check` runs, and `str()` of its `CheckReport` is exactly
what the command prints, so a test can assert on the same text CI shows:

    >>> from rewrites import Router
    >>> from rewrites.testing import check, parse_case
    >>> router = Router.from_next_config(
    ...     {"rewrites": {"fallback": [{"source": "/api/:path*", "destination": "http://b/api/:path*"}]}},
    ...     routes=["/", "/api/auth/[...nextauth]"],
    ... )
    >>> case = parse_case({"url": "/api/auth/session", "kind": "local"}, "cases[0]")
    >>> print(check(router, [case]))
    1 cases: 1 passed, 0 failed
    rules: 0 of 1 exercised (0%)
      not exercised: rewrites.fallback[0] '/api/:path*'

As a pytest plugin (`pytest -p rewrites.testing`, or on its own once `rewrites` is installed: the
`rewrites.testing` entry point of group `pytest11`) it collects every cases file named
`*.rewrites.json`, `*.rewrites.yaml` or `*.rewrites.yml` (the `rewrites_files` ini option changes
the patterns): one test item per case, whose failure message is the case's diff and the explain
trace of its request. Importing this module needs neither pytest nor Hypothesis; the plugin's
pytest classes are made when pytest first asks for them.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ._pages import routes_from_app_dir
from ._results import Explanation, Kind, Resolution
from .errors import Problem, RequestError, RewritesError
from .project import NODE_TIMEOUT, read_data
from .project import load_router as load
from .router import Router

if TYPE_CHECKING:
    import pytest

    from ._rules import Rule

__all__ = [
    "CASES_FILE_PATTERNS",
    "Case",
    "CaseResult",
    "CasesError",
    "CasesFile",
    "CheckReport",
    "Difference",
    "check",
    "check_file",
    "parse_case",
    "read_cases",
    "read_cases_file",
]

#: What a case may expect, and how to read it from a Resolution (differences come in this order).
EXPECTABLE: dict[str, Callable[[Resolution], object]] = {
    "kind": lambda r: r.kind.value,
    "target": lambda r: r.url,
    "route": lambda r: r.route,
    "status": lambda r: r.status,
}
CASE_KEYS = frozenset({"url", "headers", *EXPECTABLE})
#: The kind a case expects for a request Next.js fails (a RequestError), with its `status`.
ERROR = "error"
#: The keys of a cases file written as an object; paths in it are relative to the file.
FILE_KEYS = frozenset({"cases", "config", "routes", "app_dir", "next_compatible", "fail_under"})
#: The file names the pytest plugin collects, unless the `rewrites_files` ini option says others.
CASES_FILE_PATTERNS = ("*.rewrites.json", "*.rewrites.yaml", "*.rewrites.yml")


class CasesError(RewritesError, ValueError):
    """A cases file that cannot be used: every problem of its content, each with its place.

    `str()` names the file: `cases.json: cases[0].kind: expected one of [...], got 'loacl'`
    (`file` is None for a case given as data). A file that cannot be read or parsed at all is a
    `ConfigError`, as for a config file.
    """

    def __init__(self, file: str | None, problems: Iterable[Problem]) -> None:
        self.file = file
        self.problems: Sequence[Problem] = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        head = "" if self.file is None else f"{self.file}: "
        if len(self.problems) == 1:
            return f"{head}{self.problems[0]}"
        body = "\n".join("- " + str(p).replace("\n", "\n  ") for p in self.problems)
        return f"{head}{len(self.problems)} problems:\n{body}"

    def __reduce__(self) -> tuple[object, ...]:
        return (CasesError, (self.file, self.problems))


class _Bad(Exception):
    """One problem found while reading a case (caught and collected in this module)."""

    def __init__(self, place: str, message: str) -> None:
        self.problem = Problem(place, message)


def _unknown_keys(keys: Iterable[object], known: frozenset[str], place: str) -> None:
    """Refuse keys outside `known`, suggesting the nearest known name for a single one."""
    unknown = sorted(str(k) for k in keys if k not in known)
    if not unknown:
        return
    message = f"unknown key(s) {unknown}; expected {sorted(known)}"
    near = difflib.get_close_matches(unknown[0], known, n=1) if len(unknown) == 1 else []
    if near:
        message += f" (did you mean {near[0]!r}?)"
    raise _Bad(place, message)


# --- cases -----------------------------------------------------------------------------------


@attrs.frozen
class Case:
    """One expectation: a request (URL and headers) and what should come of it.

    `expected` holds the keys the case gives, of `kind` (a `Kind` value, or 'error' for a
    request Next.js fails), `target`, `route` and `status`; `place` is where the case is in its
    file (`cases[3]`).
    """

    place: str
    url: str
    headers: Mapping[str, str | list[str]] = attrs.field(factory=dict)
    expected: Mapping[str, object] = attrs.field(factory=dict)

    def __str__(self) -> str:
        headers = f"  headers {json.dumps(dict(self.headers))}" if self.headers else ""
        return f"{self.place} {self.url}{headers}"


def parse_header_lines(items: Iterable[str]) -> dict[str, str | list[str]]:
    """'Name: value' strings as a header mapping; a repeated name gives a list.

    Raises ValueError for a string that is not 'Name: value'.
    """
    headers: dict[str, str | list[str]] = {}
    for item in items:
        name, colon, value = item.partition(":")
        name = name.strip()
        if not colon or not name or any(ch.isspace() for ch in name):
            raise ValueError(f"bad header {item!r}; expected 'Name: value'")
        value = value.strip()
        existing = headers.get(name)
        if existing is None:
            headers[name] = value
        elif isinstance(existing, list):
            existing.append(value)
        else:
            headers[name] = [existing, value]
    return headers


def _case_headers(value: object, place: str) -> dict[str, str | list[str]]:
    """A case's request headers: names to strings (or lists of them), or 'Name: value' lines."""
    if value is None:
        return {}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        try:
            return parse_header_lines(value)
        except ValueError as exc:
            raise _Bad(f"{place}.headers", str(exc)) from None
    if not isinstance(value, Mapping):
        raise _Bad(f"{place}.headers", "expected an object of header names to values")
    headers: dict[str, str | list[str]] = {}
    for name, item in value.items():
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            headers[str(name)] = str(item)
        elif isinstance(item, list) and all(isinstance(v, str) for v in item):
            headers[str(name)] = list(item)
        else:
            raise _Bad(f"{place}.headers.{name}", "expected a string or a list of strings")
    return headers


def _parse_case(item: object, place: str) -> Case:
    """One case, checked (raises _Bad on its first problem)."""
    if not isinstance(item, Mapping):
        raise _Bad(place, "expected an object with 'url' and 'kind'")
    _unknown_keys(item, CASE_KEYS, place)
    url = item.get("url")
    if not isinstance(url, str):
        raise _Bad(f"{place}.url", "expected the request URL as a string")
    kinds = [*(kind.value for kind in Kind), ERROR]
    if item.get("kind") not in kinds:
        raise _Bad(f"{place}.kind", f"expected one of {kinds}, got {item.get('kind')!r}")
    expected = {key: item[key] for key in EXPECTABLE if key in item}
    if expected["kind"] == ERROR and ("target" in expected or "route" in expected):
        raise _Bad(place, f"an '{ERROR}' case expects only a status (400 or 500)")
    for key in ("target", "route"):
        if key in expected and not isinstance(expected[key], str | None):
            raise _Bad(f"{place}.{key}", f"expected a string, got {expected[key]!r}")
    status = expected.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        example = 400 if expected["kind"] == ERROR else 308
        raise _Bad(f"{place}.status", f"expected a number such as {example}, got {status!r}")
    return Case(place, url, _case_headers(item.get("headers"), place), expected)


def parse_case(item: object, place: str = "case") -> Case:
    """One case from its data: `url`, optional `headers`, `kind`, and any of `target`, `route`,
    `status` (an `error` case: only `status`). Raises CasesError naming `place`.

    >>> parse_case({"url": "/old/a", "kind": "redirect", "status": 308}).expected
    {'kind': 'redirect', 'status': 308}
    """
    try:
        return _parse_case(item, place)
    except _Bad as bad:
        raise CasesError(None, [bad.problem]) from None


# --- cases files -----------------------------------------------------------------------------


@attrs.frozen
class CasesFile:
    """A cases file: its cases and, for the pytest plugin and `check_file`, the table they test.

    `config` is the next.config (a path relative to the file, or the config object itself),
    `routes` and `app_dir` the app's routes (as `--routes` and `--app-dir`), `next_compatible`
    loads the table as Next.js reads it, and `fail_under` is the rule coverage (in percent) below
    which the plugin fails the file.
    """

    path: Path
    cases: tuple[Case, ...]
    config: str | Mapping[str, Any] | None = None
    routes: tuple[str, ...] | None = None
    app_dir: str | None = None
    next_compatible: bool = False
    fail_under: float | None = None

    def router(self, *, timeout: float = NODE_TIMEOUT) -> Router:
        """The Router the cases run on: the config with the routes, paths taken from the file's
        directory. Raises CasesError without a config, ConfigError for the config's problems."""
        if self.config is None:
            raise CasesError(
                str(self.path),
                [
                    Problem(
                        "config",
                        "no table to test: give 'config', the next.config file (relative to "
                        "this file) or the config object itself",
                    )
                ],
            )
        here = self.path.parent
        routes: list[str] | None = None if self.routes is None else list(self.routes)
        if self.app_dir is not None:
            try:
                found = routes_from_app_dir(here / self.app_dir)
            except OSError as exc:
                raise CasesError(str(self.path), [Problem("app_dir", str(exc))]) from None
            routes = [*(routes or ()), *found]
        options: dict[str, Any] = {
            "positional_refs": not self.next_compatible,
            "early_errors": not self.next_compatible,
        }
        if isinstance(self.config, str):
            return load(here / self.config, routes, timeout=timeout, **options)
        return Router.from_next_config(self.config, routes, **options)

    def check(self) -> CheckReport:
        """Run every case on this file's table."""
        return check(self.router(), self.cases)


def _is_percentage(value: Any) -> bool:
    """A number from 0 to 100 (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100


#: The optional keys of a cases file, what each must be, and how it is told.
FILE_OPTIONS: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("config", lambda v: isinstance(v, str | Mapping), "a file name or a config object"),
    (
        "routes",
        lambda v: isinstance(v, list) and all(isinstance(r, str) for r in v),
        "a list of routes",
    ),
    ("app_dir", lambda v: isinstance(v, str), "a directory name"),
    ("next_compatible", lambda v: isinstance(v, bool), "true or false"),
    ("fail_under", _is_percentage, "a percentage, 0 to 100"),
)


def read_cases_file(path: str | os.PathLike[str]) -> CasesFile:
    """A cases file (JSON, or YAML with PyYAML): a list of cases, or an object of the form
    `{"config": ..., "routes": [...], "app_dir": ..., "next_compatible": ..., "fail_under": ...,
    "cases": [...]}` (every key but `cases` optional).

    Raises CasesError listing every problem of its content (one per case at most), or
    ConfigError when the file cannot be read or parsed.
    """
    file = Path(path)
    data = read_data(file, "cases file")
    items = data.get("cases") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        problem = Problem("", "expected a list of cases, or an object with a 'cases' list")
        raise CasesError(str(path), [problem])
    problems: list[Problem] = []
    options: dict[str, Any] = {}
    if isinstance(data, Mapping):
        try:
            _unknown_keys(data, FILE_KEYS, "")
        except _Bad as bad:
            problems.append(bad.problem)
        for key, fits, what in FILE_OPTIONS:
            value = data.get(key)
            if value is None:
                continue
            if fits(value):
                options[key] = tuple(value) if key == "routes" else value
            else:
                shown = json.dumps(value, ensure_ascii=False)
                problems.append(Problem(key, f"expected {what}, got {shown}"))
    cases: list[Case] = []
    for number, item in enumerate(items):
        try:
            cases.append(_parse_case(item, f"cases[{number}]"))
        except _Bad as bad:
            problems.append(bad.problem)
    if problems:
        raise CasesError(str(path), problems)
    return CasesFile(file, tuple(cases), **options)


def read_cases(path: str | os.PathLike[str]) -> list[Case]:
    """The cases of a cases file (see `read_cases_file`)."""
    return list(read_cases_file(path).cases)


# --- running ---------------------------------------------------------------------------------


def _shown(value: object) -> str:
    """A value in a diff line: strings bare, None as null."""
    if value is None:
        return "null"
    return value if isinstance(value, str) else json.dumps(value)


@attrs.frozen
class Difference:
    """One expected field of a case that came out otherwise."""

    key: str
    expected: object
    got: object

    def __str__(self) -> str:
        return f"  - {self.key}: {_shown(self.expected)}\n  + {self.key}: {_shown(self.got)}"


@attrs.frozen
class CaseResult:
    """A case run: how it differs from what was expected, and the trace of its request.

    `explanation` is the request's explain trace (None when Next.js fails the request: then
    `error` is the RequestError); `applied` the rules that took effect on it (the rule coverage
    counts these). `str()` is the case's block in `rewrites check` output (a passing case: one
    `PASS` line).
    """

    case: Case
    differences: tuple[Difference, ...]
    explanation: Explanation | None = None
    error: RequestError | None = None

    @property
    def passed(self) -> bool:
        """Whether every expected field came out as expected."""
        return not self.differences

    @property
    def applied(self) -> tuple[Rule, ...]:
        """The rules that took effect on the request, the deciding one included."""
        return () if self.explanation is None else self.explanation.applied()

    @property
    def decided_by(self) -> Rule | None:
        """The rule that decided the request, if one did."""
        return None if self.explanation is None else self.explanation.resolution.rule

    @property
    def trace(self) -> str:
        """The explain trace of the request, or the error Next.js fails it with."""
        if self.explanation is not None:
            return str(self.explanation)
        assert self.error is not None  # one of the two is always set
        return f"{self.case.url}\n  => error {self.error.status}: {self.error.message}"

    def __str__(self) -> str:
        if self.passed:
            return f"PASS {self.case}"
        lines = [f"FAIL {self.case}", *map(str, self.differences)]
        if self.decided_by is not None:
            lines.append(f"    decided by {self.decided_by}")
        return "\n".join(lines)


def run_case(router: Router, case: Case) -> CaseResult:
    """Resolve one case's request and compare every expected field with what came of it."""
    want_kind = case.expected["kind"]
    try:
        explanation = router.explain(case.url, case.headers)
    except RequestError as exc:
        if want_kind != ERROR:
            got = f"{ERROR} {exc.status}: {exc.message}"
            return CaseResult(case, (Difference("kind", want_kind, got),), error=exc)
        want = case.expected.get("status", exc.status)
        if want != exc.status:
            got = f"{exc.status}: {exc.message}"
            return CaseResult(case, (Difference("status", want, got),), error=exc)
        return CaseResult(case, (), error=exc)
    found = explanation.resolution
    differences = tuple(
        Difference(key, want, EXPECTABLE[key](found))
        for key, want in case.expected.items()
        if EXPECTABLE[key](found) != want
    )
    return CaseResult(case, differences, explanation)


@attrs.frozen
class CheckReport:
    """Cases run on a table: every case's result, and the table's rules no case exercised.

    `rules` are the table's own rules (not the built-in trailing-slash redirects); a rule is
    exercised when it took effect on some case's request. `str()` is what `rewrites check`
    prints: each failed case's diff, the count, and the rule coverage.
    """

    results: tuple[CaseResult, ...]
    rules: tuple[Rule, ...]
    uncovered: tuple[Rule, ...]

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        """The cases that did not come out as expected."""
        return tuple(result for result in self.results if not result.passed)

    @property
    def ok(self) -> bool:
        """Whether every case passed."""
        return not self.failed

    @property
    def coverage(self) -> float:
        """The fraction of the table's rules exercised, 0 to 1 (1 for a table with none)."""
        return self.percent / 100

    @property
    def percent(self) -> float:
        """The rule coverage in percent."""
        if not self.rules:
            return 100.0
        return 100.0 * (len(self.rules) - len(self.uncovered)) / len(self.rules)

    def coverage_lines(self) -> list[str]:
        """The coverage part of the report."""
        if not self.rules:
            return ["rules: the table has none"]
        covered = len(self.rules) - len(self.uncovered)
        lines = [f"rules: {covered} of {len(self.rules)} exercised ({self.percent:.0f}%)"]
        lines += [f"  not exercised: {rule}" for rule in self.uncovered]
        return lines

    def __str__(self) -> str:
        failed = self.failed
        blocks = [f"{result}\n\n" for result in failed]
        passed = len(self.results) - len(failed)
        summary = f"{len(self.results)} cases: {passed} passed, {len(failed)} failed"
        return "".join(blocks) + "\n".join([summary, *self.coverage_lines()])


def check(router: Router, cases: Iterable[Case]) -> CheckReport:
    """Run every case on the router: the report `rewrites check` prints.

    Assert on it in a test: `assert report.ok, report` shows the diffs when a case fails.
    """
    results = tuple(run_case(router, case) for case in cases)
    exercised = {rule.place for result in results for rule in result.applied}
    rules = tuple(rule for rule in router.rules if not rule.built_in)
    uncovered = tuple(rule for rule in rules if rule.place not in exercised)
    return CheckReport(results, rules, uncovered)


def check_file(path: str | os.PathLike[str]) -> CheckReport:
    """Read a cases file that names its table (`config`) and run its cases.

    >>> report = check_file("tests/seed_c.rewrites.json")  # doctest: +SKIP
    >>> assert report.ok, report  # doctest: +SKIP
    """
    return read_cases_file(path).check()


# --- the pytest plugin -----------------------------------------------------------------------
# pytest calls the hooks below; the classes they use subclass pytest's, so they are made on the
# first call, and importing this module never imports pytest.


def pytest_addoption(parser: pytest.Parser) -> None:
    """The `rewrites_files` ini option: which file names are cases files."""
    parser.addini(
        "rewrites_files",
        type="args",
        default=list(CASES_FILE_PATTERNS),
        help="glob patterns of the cases files rewrites.testing collects "
        f"(default: {' '.join(CASES_FILE_PATTERNS)})",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A cases file, collected as one test item per case."""
    patterns: list[str] = parent.config.getini("rewrites_files")
    if not any(fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns):
        return None
    collector: pytest.Collector = _plugin_classes().file.from_parent(parent, path=file_path)
    return collector


class _CaseFailed(Exception):
    """A case that did not come out as expected (shown by the item, without a traceback)."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(text)


@attrs.frozen
class _PluginClasses:
    """The plugin's pytest node classes."""

    file: Any
    case: Any
    coverage: Any


@functools.cache
def _plugin_classes() -> _PluginClasses:
    """Make the plugin's pytest node classes (pytest is imported here, on pytest's own call)."""
    import pytest

    class CasesFileNode(pytest.File):
        """A cases file: an item per case, and one for the coverage when it sets `fail_under`."""

        def collect(self) -> Iterator[pytest.Item]:
            try:
                cases_file = read_cases_file(self.path)
                router = cases_file.router()
            except RewritesError as exc:  # shown as the message alone, no traceback
                raise self.CollectError(str(exc)) from None
            for case in cases_file.cases:
                name = f"{case.place} {case.url}"
                yield CaseItem.from_parent(self, name=name, router=router, case=case)
            if cases_file.fail_under is not None:
                yield CoverageItem.from_parent(
                    self, name="rule coverage", router=router, cases_file=cases_file
                )

    class CaseItem(pytest.Item):
        """One case: passes when its request comes out as expected."""

        def __init__(self, *, router: Router, case: Case, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.router = router
            self.case = case

        def runtest(self) -> None:
            result = run_case(self.router, self.case)
            if not result.passed:
                raise _CaseFailed(f"{result}\n\nexplain:\n{result.trace}")

        def repr_failure(
            self,
            excinfo: pytest.ExceptionInfo[BaseException],
            style: Any = None,
        ) -> str | Any:
            if isinstance(excinfo.value, _CaseFailed):
                return excinfo.value.text
            return super().repr_failure(excinfo, style=style)

        def reportinfo(self) -> tuple[Path, int | None, str]:
            return self.path, None, f"{self.path.name}: {self.case}"

    class CoverageItem(pytest.Item):
        """The file's rule coverage: passes when it reaches `fail_under`."""

        def __init__(self, *, router: Router, cases_file: CasesFile, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.router = router
            self.cases_file = cases_file

        def runtest(self) -> None:
            report = check(self.router, self.cases_file.cases)
            floor = self.cases_file.fail_under
            if floor is not None and report.percent < floor:
                lines = "\n".join(report.coverage_lines())
                raise _CaseFailed(
                    f"rule coverage {report.percent:.1f}% is below fail_under {floor:g}%\n{lines}"
                )

        def repr_failure(
            self,
            excinfo: pytest.ExceptionInfo[BaseException],
            style: Any = None,
        ) -> str | Any:
            if isinstance(excinfo.value, _CaseFailed):
                return excinfo.value.text
            return super().repr_failure(excinfo, style=style)

        def reportinfo(self) -> tuple[Path, int | None, str]:
            return self.path, None, f"{self.path.name}: rule coverage"

    return _PluginClasses(CasesFileNode, CaseItem, CoverageItem)
