"""Tests for rewrites.diff: what changes for real traffic when a table changes."""

from __future__ import annotations

import bz2
import copy
import doctest
import gzip
import json
import lzma
import operator
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import rewrites.diff
from rewrites import Router, compile, strategies
from rewrites._examples import matches, near_misses, near_paths, route_samples
from rewrites.cli import DEMO_REQUESTS, main
from rewrites.diff import (
    DiffReport,
    Reads,
    Request,
    RuleRef,
    Verdict,
    diff,
    generated_requests,
    parse_log_line,
    read_access_logs,
)

SEED = Path(__file__).parent / "seed"
ROUTES = ["/", "/dashboard", "/api/auth/[...nextauth]"]
RULE_A = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
RULE_B = {
    "source": "/api/((?!auth).*)/:path*",
    "destination": "http://localhost:3001/api/$1/:path*",
}
TABLE_A = {"rewrites": [RULE_A]}
TABLE_B = {"rewrites": [RULE_B]}
TABLE_C = {"rewrites": {"fallback": [RULE_A]}}
FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def router(config: dict[str, Any], *, compatible: bool = False, **kw: Any) -> Router:
    """A router over the seed's routes (`compatible`: as --next-compatible builds it)."""
    return Router.from_next_config(
        config,
        kw.pop("routes", ROUTES),
        positional_refs=not compatible,
        early_errors=not compatible,
        **kw,
    )


def line(url: str, agent: str = "curl/8") -> str:
    """One access-log line in nginx's combined format."""
    return f'10.0.0.1 - - [14/May/2026:10:00:00 +0000] "GET {url} HTTP/1.1" 200 12 "-" "{agent}"'


# --------------------------------------------------------------------------------------------------
# The seed story
# --------------------------------------------------------------------------------------------------


def test_a_to_c_without_traffic_finds_exactly_nextauth() -> None:
    """A → C with no traffic: one group, NextAuth's requests going from the proxy to the
    local `/api/auth/[...nextauth]`, and nothing else."""
    report = diff(router(TABLE_A), router(TABLE_C))
    assert report.generated
    (group,) = report.groups
    assert group.old_rule == RuleRef("rewrites[0]", "/api/:path*")
    assert group.new_rule is None
    assert [(t.old, t.new) for t in group.transitions] == [(Verdict.PROXIED, Verdict.LOCAL)]
    assert group.examples
    for change in group.examples:
        assert change.request.url.startswith("/api/auth/")
        assert change.new.route == "/api/auth/[...nextauth]"
        assert change.old.url == "http://localhost:3001" + change.request.url
        assert change.fields == ("verdict", "url", "route", "params")


def test_b_to_c_next_compatible_without_traffic() -> None:
    """B → C as Next.js runs them: the words `(?!auth)` turns away go from 404 to the proxy,
    and every URL that B sent to the literal `/api/$1` gets its own upstream URL."""
    report = diff(router(TABLE_B, compatible=True), router(TABLE_C, compatible=True))
    by_key = {(g.old_rule, g.new_rule): g for g in report.groups}
    fallback = RuleRef("rewrites.fallback[0]", "/api/:path*")
    dollar = by_key[RuleRef("rewrites[0]", RULE_B["source"]), fallback]
    assert all(c.old.url == "http://localhost:3001/api/$1" for c in dollar.examples)
    upstream = "http://localhost:3001/api"
    assert all(c.new.url == upstream + c.request.url[4:] for c in dollar.examples)
    turned_away = by_key[None, fallback]
    assert {(t.old, t.new) for t in turned_away.transitions} == {
        (Verdict.NOT_FOUND, Verdict.PROXIED)
    }
    urls = {c.request.url for c in turned_away.examples}
    assert {"/api/authx/y", "/api/AUTH/y", "/api"} <= urls
    assert len(report.groups) == 2


def test_b_to_c_on_the_demo_requests() -> None:
    """B → C on the demo's requests: `/api/authenticate` goes from 404 to the proxy, and under
    --next-compatible `/api/users` and `/api/trades/123` leave `/api/$1`."""
    report = diff(router(TABLE_B, compatible=True), router(TABLE_C, compatible=True), DEMO_REQUESTS)
    changed = {c.request.url: c for c in report.changes()}
    assert changed["/api/authenticate"].old.verdict is Verdict.NOT_FOUND
    assert changed["/api/authenticate"].new.url == "http://localhost:3001/api/authenticate"
    assert changed["/api/users"].old.url == "http://localhost:3001/api/$1"
    assert changed["/api/trades/123?x=1"].new.url == "http://localhost:3001/api/trades/123?x=1"
    assert "/api/auth/session" not in changed
    assert "/dashboard" not in changed
    extended = diff(router(TABLE_B), router(TABLE_C), DEMO_REQUESTS)
    assert {c.request.url for c in extended.changes()} == {"/api/authenticate", "/API/Auth/session"}


# --------------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------------


def seed_report() -> DiffReport:
    """A → C on a few weighted requests, one with headers that no condition reads."""
    requests = {
        "/api/auth/session": 412,
        ("/api/auth/callback/github", (("user-agent", "x"),)): 5,
        "/api/users": 90,
        "/dashboard": 7,
    }
    return diff(router(TABLE_A), router(TABLE_C), requests)


def test_counts_are_weighted() -> None:
    """Counts weigh each request by how often it was seen; distinct counts count it once."""
    report = seed_report()
    assert (report.count, report.distinct) == (514, 4)
    assert (report.changed, report.changed_distinct) == (417, 2)
    assert report.count_to(["local"]) == 417
    assert report.count_to([Verdict.PROXIED, Verdict.NOT_FOUND]) == 0
    repeated = diff(router(TABLE_A), router(TABLE_C), ["/api/auth/a", "/api/auth/a", "/x"])
    assert (repeated.count, repeated.distinct, repeated.changed) == (3, 2, 2)


def test_summary_text() -> None:
    """The summary counts the requests, then each group with its transitions and examples."""
    assert str(seed_report()) == "\n".join(
        [
            "514 requests (4 distinct) compared: 417 (2 distinct) go somewhere else, in 1 group.",
            "",
            "417 requests (2 distinct): rewrites[0] '/api/:path*' → no rule",
            "    proxied → local: 417 (2 distinct)",
            "    /api/auth/session ×412",
            "        proxied http://localhost:3001/api/auth/session",
            "      → local /api/auth/session (route /api/auth/[...nextauth])",
            "    /api/auth/callback/github ×5",
            "        proxied http://localhost:3001/api/auth/callback/github",
            "      → local /api/auth/callback/github (route /api/auth/[...nextauth])",
        ]
    )


def test_details_text() -> None:
    """The details list each kept change field by field, old → new, with the deciding rules."""
    details = seed_report().details().splitlines()
    assert details[:7] == [
        "[1] rewrites[0] '/api/:path*' → no rule: 417 requests (2 distinct)",
        "  /api/auth/session ×412",
        "    verdict  proxied → local",
        "    url      http://localhost:3001/api/auth/session → /api/auth/session",
        "    route    - → /api/auth/[...nextauth]",
        '    params   {} → {"nextauth": ["session"]}',
        "    rule     rewrites[0] '/api/:path*' → -",
    ]


def test_no_change() -> None:
    """Two tables that agree report no group."""
    report = diff(router(TABLE_A), router(TABLE_A))
    assert report.groups == ()
    assert str(report).endswith("compared: none goes somewhere else.")


def test_json_and_pickle_give_the_report_back() -> None:
    """`from_json(to_json())` and a pickle round trip give an equal report."""
    report = diff(router(TABLE_B, compatible=True), router(TABLE_C, compatible=True))
    assert DiffReport.from_json(report.to_json()) == report
    assert pickle.loads(pickle.dumps(report)) == report
    data = json.loads(report.to_json())
    assert data["changed"] == report.changed
    assert data["groups"][0]["examples"][0]["fields"]


def test_examples_are_capped_and_most_seen_first() -> None:
    """Each group keeps its `examples` most seen changes; the counts still cover every one."""
    requests = {f"/api/auth/{n}": n + 1 for n in range(50)}
    report = diff(router(TABLE_A), router(TABLE_C), requests, examples=3)
    (group,) = report.groups
    assert [c.request.url for c in group.examples] == [
        "/api/auth/49",
        "/api/auth/48",
        "/api/auth/47",
    ]
    assert (group.distinct, group.count) == (50, sum(range(1, 51)))


def test_merge_in_any_order_gives_the_whole() -> None:
    """Reports of disjoint parts of the requests merge, in any order, into the whole's report."""
    requests = {f"/api/{w}/{n}": n + 1 for n in range(30) for w in ("auth", "users", "x")}
    items = sorted(requests.items())
    old, new = router(TABLE_A), router(TABLE_C)
    whole = diff(old, new, requests, examples=5)
    parts = [diff(old, new, dict(items[at::4]), examples=5) for at in range(4)]
    forward = parts[0].merge(parts[1]).merge(parts[2]).merge(parts[3])
    backward = parts[3].merge(parts[2].merge(parts[1])).merge(parts[0])
    assert forward == whole == backward


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_processes_give_the_same_report(method: str) -> None:
    """Spread over processes (forked, or spawned and unpickling both routers), the report is the
    one a single process gives."""
    requests = {f"/api/{w}/{n}": n % 7 + 1 for n in range(1_500) for w in ("auth", "users")}
    old, new = router(TABLE_A), router(TABLE_C)
    seen: list[tuple[str, int, int]] = []
    report = diff(
        old, new, requests, jobs=2, start_method=method, progress=lambda *a: seen.append(a)
    )
    assert report == diff(old, new, requests)
    assert seen[-1] == ("resolve", 3_000, 3_000)


def test_generation_in_processes_gives_the_same_report() -> None:
    """With more rules than one generation task holds, workers generate the requests, and the
    report is the one a single process makes."""
    rules = [{"source": f"/p{n}/:id(\\d+)", "destination": f"/q{n}/:id"} for n in range(250)]
    old = Router.from_next_config({"rewrites": rules}, ["/q7/[id]"])
    new = Router.from_next_config({"rewrites": rules[:7] + rules[8:]}, ["/q7/[id]"])
    steps: list[str] = []
    report = diff(old, new, jobs=2, progress=lambda stage, *_: steps.append(stage))
    assert report == diff(old, new)
    assert "generate" in steps
    assert {(g.old_rule, g.new_rule) for g in report.groups} == {
        (RuleRef("rewrites[7]", "/p7/:id(\\d+)"), None)
    }


def test_request_errors_are_answers() -> None:
    """A request Next.js fails is compared by its status: a malformed escape in a dynamic
    route's param is a 400, until a new rule proxies the path before the pages see it."""
    routes = ["/b/[x]"]
    old = Router.from_next_config({}, routes)
    new = Router.from_next_config(
        {"rewrites": [{"source": "/b/:x", "destination": "https://up.example.com/:x"}]}, routes
    )
    report = diff(old, new, ["/b/%zz", "/c"])
    (change,) = report.changes()
    assert (change.old.verdict, change.old.status) == (Verdict.ERROR, 400)
    assert change.new.url == "https://up.example.com/%zz"
    assert report.groups[0].old_rule is None  # an error names no rule
    assert str(change.old).startswith("error 400: failed to decode param")


def test_bad_arguments_are_echoed() -> None:
    """Bad `jobs`, `examples`, counts and requests are refused with what was given."""
    a = router(TABLE_A)
    with pytest.raises(ValueError, match=r"got jobs=0 \(int\); expected a positive int"):
        diff(a, a, [], jobs=0)
    with pytest.raises(ValueError, match=r"got examples=-1 \(int\)"):
        diff(a, a, [], examples=-1)
    with pytest.raises(ValueError, match=r"got a count of 0 for '/x'"):
        diff(a, a, {"/x": 0})
    with pytest.raises(TypeError, match=r"got 3 \(int\); expected a URL string"):
        diff(a, a, [3])  # type: ignore[list-item]  # the wrong type is the point


# --------------------------------------------------------------------------------------------------
# What resolution reads
# --------------------------------------------------------------------------------------------------

CONDITIONAL = {
    "rewrites": [
        {
            "source": "/beta/:path*",
            "destination": "https://beta.example.com/:path*",
            "has": [{"type": "cookie", "key": "beta"}, {"type": "host", "value": "example\\.com"}],
            "missing": [{"type": "header", "key": "X-Legacy"}],
        }
    ]
}


def test_reads_keeps_what_conditions_read() -> None:
    """Only the headers and cookies a condition reads are kept; cookies are rebuilt so that they
    read back the same values (the first of a name wins)."""
    reads = Reads.of(Router.from_next_config(CONDITIONAL))
    assert reads == Reads(frozenset({"host", "x-legacy"}), frozenset({"beta"}))
    kept = reads.keep(
        {
            "Host": "Example.com:443",
            "User-Agent": "curl",
            "Cookie": 'sid=9; beta="on%20it"; beta=2',
            "x-legacy": ["1", "2"],
        }
    )
    assert kept == (("cookie", "beta=on%20it"), ("host", "Example.com:443"), ("x-legacy", "1, 2"))
    assert Reads().keep({"cookie": "a=1"}) == ()
    assert reads.keep({"cookie": "sid=1"}) == ()


def test_reads_i18n_and_middleware() -> None:
    """With i18n, the host, `accept-language` and the `NEXT_LOCALE` cookie are read; so are
    the middleware matchers' conditions."""
    i18n = Router.from_next_config({"i18n": {"locales": ["en", "fr"], "defaultLocale": "en"}})
    assert Reads.of(i18n) == Reads(
        frozenset({"host", "accept-language"}), frozenset({"NEXT_LOCALE"})
    )
    proxy = Router.from_next_config(
        {}, middleware=[{"source": "/a", "missing": [{"type": "header", "key": "X-Bot"}]}]
    )
    assert Reads.of(proxy).headers == {"x-bot"}


def test_locale_and_middleware_are_compared() -> None:
    """Another default locale renders pages in another locale, and turns a detected locale's
    redirect into a page; a matcher that now needs a cookie stops the middleware."""
    tables = [
        Router.from_next_config({"i18n": {"locales": ["en", "fr"], "defaultLocale": d}}, ["/about"])
        for d in ("en", "fr")
    ]
    report = diff(*tables)
    changed = {str(c.request): c for c in report.changes()}
    about = changed["/about"]
    assert (about.old.locale, about.new.locale, about.fields) == ("en", "fr", ("url", "locale"))
    detected = changed["/ [accept-language: fr]"]
    assert (detected.old.verdict, detected.old.url) == (Verdict.REDIRECT, "/fr")
    watched = Router.from_next_config({}, ["/about"], middleware="/about")
    cookie = [{"source": "/about", "has": [{"type": "cookie", "key": "sid"}]}]
    gated = Router.from_next_config({}, ["/about"], middleware=cookie)
    (change,) = diff(watched, gated, ["/about", ("/about", {"cookie": "sid=1; x=2"})]).changes()
    assert (change.request, change.fields) == (Request("/about"), ("middleware",))


@FAST
@given(strategies.next_configs(), st.data())
def test_kept_headers_resolve_alike(config: dict[str, Any], data: st.DataObject) -> None:
    """Dropping what no condition reads never changes a resolution: a request resolves exactly
    as its `Reads.keep` headers do."""
    table = Router.from_next_config(config)
    request = data.draw(strategies.requests(table))
    extra = data.draw(st.sampled_from([{}, {"user-agent": "x", "cookie": "zz=1; session=1"}]))
    headers = {**extra, **request.headers}
    if "cookie" in extra and "cookie" in request.headers:
        headers["cookie"] = extra["cookie"] + "; " + request.headers["cookie"]
    kept = dict(Reads.of(table).keep(headers))
    try:
        full = table.resolve(request.url, headers)
    except rewrites.RequestError as error:
        with pytest.raises(rewrites.RequestError) as again:
            table.resolve(request.url, kept)
        assert again.value.status == error.status
        return
    assert table.resolve(request.url, kept) == full


# --------------------------------------------------------------------------------------------------
# Requests from the tables
# --------------------------------------------------------------------------------------------------


def test_generated_requests_cover_rules_routes_and_conditions() -> None:
    """The generated set has each rule's paths and near paths, each route's, and the rule's
    conditions holding and failing."""
    table = router(CONDITIONAL, routes=["/", "/beta/[slug]"])
    made = generated_requests(table, router(TABLE_A))
    urls = {r.url for r in made}
    assert {"/", "/beta", "/beta/x", "/beta/x/y", "/api/auth/x", "/api", "/x/beta"} <= urls
    holding = Request("/beta/x", (("cookie", "beta=1"), ("host", "example.com")))
    assert holding in made
    assert Request("/beta/x", (("host", "example.com"),)) in made  # the cookie left out
    assert Request("/beta/x", (*holding.headers, ("x-legacy", "1"))) in made  # missing holds
    assert len(made) == len(set(made))


def test_near_paths_and_near_misses() -> None:
    """Near paths try each word a lookahead excludes, a refused value and a file-like value;
    near misses are those the source does not match."""
    pattern = compile("/api/:path((?!auth(?:/|$)).*)").as_route()
    near = near_paths(pattern)
    assert near[:4] == ["/api/auth", "/api/authx", "/api/auth/x", "/api/AUTH"]
    assert "/api/x.x" in near
    assert near_misses(pattern) == [p for p in near if not matches(pattern, p)]
    assert "/api/authx" not in near_misses(pattern)  # `authx` passes `(?!auth(?:/|$))`


@FAST
@given(strategies.sources())
def test_near_misses_never_match(source: str) -> None:
    """No near miss is matched by its source, and no near path holds '//' or '\\'."""
    pattern = compile(source).as_route()
    assert not any(matches(pattern, p) for p in near_misses(pattern))
    assert not any("//" in p or "\\" in p for p in near_paths(pattern))


def test_route_samples() -> None:
    """A route's samples fill each param with a word, a catch-all with one and two segments,
    an optional one with none too, then a segment dropped and one added."""
    assert route_samples("/blog/[slug]/edit/[id]") == [
        "/blog/x/edit/y",
        "/blog/x/edit",
        "/blog/x/edit/y/x",
    ]
    assert route_samples("/") == ["/"]


def _slots(config: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    """Every rule list of a config (its path in the mapping) and the kind of rule it holds."""
    rewrites_ = config["rewrites"]
    if isinstance(rewrites_, list):
        out = [(("rewrites",), "rewrite")]
    else:
        out = [(("rewrites", p), "rewrite") for p in ("beforeFiles", "afterFiles", "fallback")]
    return [*out, (("redirects",), "redirect"), (("headers",), "header")]


def _at(config: dict[str, Any], path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rule list at a path of a config."""
    node: Any = config
    for part in path:
        node = node[part]
    assert isinstance(node, list)
    return node


@st.composite
def one_rule_apart(draw: Callable[..., Any]) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Two tables that differ in one rule (deleted, inserted, replaced or moved to another
    list of its kind), and the app's routes (unknown, or a few)."""
    old = draw(strategies.next_configs())
    donor = draw(strategies.next_configs(max_rules=2))
    new = copy.deepcopy(old)
    path, kind = draw(st.sampled_from(_slots(new)))
    rules = _at(new, path)
    spare = [r for p, k in _slots(donor) if k == kind for r in _at(donor, p)]
    edits = ["insert"] if spare else []
    edits += ["delete", "move"] if rules else []
    edits += ["replace"] if rules and spare else []
    edit = draw(st.sampled_from(edits or ["add"]))
    if edit == "add":
        new["redirects"].append({"source": "/zz", "destination": "/yy", "permanent": True})
    elif edit == "insert":
        rules.insert(draw(st.integers(0, len(rules))), draw(st.sampled_from(spare)))
    elif edit == "replace":
        rules[draw(st.integers(0, len(rules) - 1))] = draw(st.sampled_from(spare))
    elif edit == "delete":
        del rules[draw(st.integers(0, len(rules) - 1))]
    else:
        moved = rules.pop(draw(st.integers(0, len(rules) - 1)))
        others = _at(new, draw(st.sampled_from([p for p, k in _slots(new) if k == kind])))
        others.insert(draw(st.integers(0, len(others))), moved)
    routes = draw(
        st.sampled_from(
            [None, ["/", "/dest/[...p]", "/a/[id]", "/api/auth/[...nextauth]"], ["/dest/[[...p]]"]]
        )
    )
    return old, new, routes


#: Paths no rule is made for: the root, the rewrites' internal destinations, a basePath.
_OTHER_PATHS = ["/", "/dest", "/dest/x", "/a/1", "/base", "/base/x", "/api/auth/x", "/x/"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(one_rule_apart(), st.data())
def test_generated_requests_find_what_random_requests_find(
    pair: tuple[dict[str, Any], dict[str, Any], Any], data: st.DataObject
) -> None:
    """For two tables one rule apart: whenever 60 random requests (each table's
    `strategies.requests`, and a few fixed paths) find a request that goes somewhere else, the
    generated requests find one too."""
    old_config, new_config, routes = pair
    old = Router.from_next_config(old_config, routes)
    new = Router.from_next_config(new_config, routes)
    made = st.one_of(strategies.requests(old), strategies.requests(new))
    drawn = st.one_of(made.map(lambda r: (r.url, r.headers)), st.sampled_from(_OTHER_PATHS))
    found = diff(old, new, data.draw(st.lists(drawn, min_size=60, max_size=60)))
    if not found.groups:
        return
    note(f"random requests found:\n{found}")
    assert diff(old, new).groups


# --------------------------------------------------------------------------------------------------
# Access logs
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("opener", [open, gzip.open, bz2.open, lzma.open])
def test_access_logs_of_every_format_and_compression(
    tmp_path: Path, opener: Callable[..., Any]
) -> None:
    """Combined and common lines, JSON lines with headers and counts, in a plain or compressed
    file, are counted per distinct request; blank lines are not lines, unreadable ones are
    skipped and named."""
    text = "\n".join(
        [
            line("/api/auth/session"),
            line("/api/auth/session", agent="Mozilla"),
            '10.0.0.2 - - [14/May/2026:10:00:01 +0000] "GET /api/users HTTP/1.0" 404 -',
            json.dumps({"url": "/beta/x", "headers": {"Cookie": "beta=1; sid=2", "Host": "a"}}),
            json.dumps({"url": "/api/users", "count": 40}),
            "",
            'garbage "\\x16\\x03\\x01" 400',
            line("*"),
        ]
    )
    path = tmp_path / "access.log"
    with opener(path, "wt", encoding="utf-8") as out:
        out.write(text + "\n")
    reads = Reads.of(Router.from_next_config(CONDITIONAL))
    seen: list[int] = []
    traffic = read_access_logs([str(path)], reads, seen.append)
    assert traffic.counts == {
        Request("/api/auth/session"): 2,
        Request("/api/users"): 41,
        Request("/beta/x", (("cookie", "beta=1"), ("host", "a"))): 1,
    }
    assert (traffic.lines, traffic.skipped) == (7, 2)
    assert traffic.skipped_at == (f"{path}:7", f"{path}:8")
    assert seen == [7]


def test_log_lines_keep_agent_and_referer_when_read() -> None:
    """The combined format's referer and user agent are headers, kept when a condition reads
    them, with nginx's and Apache's escapes undone."""
    reads = Reads(frozenset({"user-agent", "referer"}))
    logged = '1.2.3.4 - - [x] "GET /a HTTP/1.1" 200 1 "https://r.example/" "a \\"b\\" \\x22c\\x22"'
    assert parse_log_line(logged, reads) == (
        Request("/a", (("referer", "https://r.example/"), ("user-agent", 'a "b" "c"'))),
        1,
    )
    assert parse_log_line(logged) == (Request("/a"), 1)
    assert parse_log_line('{"url": "/a", "count": 0}') is None
    assert parse_log_line('{"url": 3}') is None


# --------------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------------


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in-process: exit code, standard output, standard error."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def seed_files(tmp_path: Path) -> tuple[str, str, str]:
    """Tables A, B and C as config files."""
    names = []
    for name, table in (("a", TABLE_A), ("b", TABLE_B), ("c", TABLE_C)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(table))
        names.append(str(path))
    return names[0], names[1], names[2]


def test_cli_a_to_c(capsys: pytest.CaptureFixture[str]) -> None:
    """`rewrites diff a c --app-dir seed`: the summary, then the details; exit 0 unless a
    --fail-on verdict is what changed requests now get."""
    a, c = str(SEED / "a.config.json"), str(SEED / "c.config.json")
    code, out, err = call(capsys, "diff", a, c, "--app-dir", str(SEED))
    assert (code, err) == (0, "")
    head, details = out.split("\nDetails:\n")
    assert head.startswith("35 requests generated from the tables compared: 3 go somewhere else")
    assert "rewrites[0] '/api/:path*' → no rule" in head
    assert "[1] rewrites[0] '/api/:path*' → no rule: 3 requests" in details
    assert call(capsys, "diff", a, c, "--app-dir", str(SEED), "--fail-on", "local")[0] == 1
    assert call(capsys, "diff", a, c, "--app-dir", str(SEED), "--fail-on", "any")[0] == 1
    assert call(capsys, "diff", a, c, "--app-dir", str(SEED), "--fail-on", "proxied")[0] == 0


def test_cli_b_to_c_with_a_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """B → C on a gzip log under --next-compatible: counts are weighted, the JSON report reads
    back, and --fail-on not_found,proxied fails on the requests now proxied."""
    _, b, c = seed_files(tmp_path)
    log = tmp_path / "access.log.gz"
    urls = ["/api/authenticate"] * 3 + ["/api/users"] * 2 + ["/api/auth/session", "/dashboard"]
    with gzip.open(log, "wt") as out:
        out.write("\n".join(line(u) for u in urls) + "\n")
    args = ["diff", b, c, "--routes", *ROUTES, "--access-log", str(log), "--next-compatible"]
    code, out, _ = call(capsys, *args, "--json", "--fail-on", "not_found,proxied")
    report = DiffReport.from_json(out)
    assert code == 1
    assert (report.count, report.distinct, report.changed, report.changed_distinct) == (7, 4, 5, 2)
    assert {c.request.url: c.count for c in report.changes()} == {
        "/api/authenticate": 3,
        "/api/users": 2,
    }
    code, out, _ = call(capsys, *args)
    assert out.startswith("7 requests (4 distinct) compared: 5 (2 distinct) go somewhere else")
    assert code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fail-on", "gone"], "argument --fail-on: got 'gone'; expected a comma-separated"),
        (["--jobs", "0"], "error: --jobs: got 0; expected a positive number of processes"),
        (["--access-log", "missing.log"], "error: --access-log: [Errno 2] No such file"),
    ],
)
def test_cli_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Bad arguments and unreadable logs exit 2 with the reason."""
    a, _, c = seed_files(tmp_path)
    code, _, err = call(capsys, "diff", a, c, *args)
    assert code == 2
    assert message in err


def test_cli_names_the_table_with_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table with problems is named by its file, and a log with no request is bad input."""
    a, _, _ = seed_files(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rewrites": [{"source": "/x"}]}))
    code, _, err = call(capsys, "diff", a, str(bad))
    assert code == 2
    assert err.startswith(f"error: NEW {bad}: 1 problem in the config")
    log = tmp_path / "empty.log"
    log.write_text("nothing here\n")
    code, _, err = call(capsys, "diff", a, a, "--access-log", str(log))
    assert code == 2
    assert "no line is a combined-format or JSON request" in err
    assert f"(first: {log}:1)" in err


def test_cli_reads_standard_input(tmp_path: Path) -> None:
    """`--access-log -` reads the log from standard input."""
    a, _, c = seed_files(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "rewrites", "diff", a, c, "--routes", *ROUTES, "--access-log", "-"],
        input=line("/api/auth/session") + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 request compared: 1 goes somewhere else")


def test_module_doctests() -> None:
    """The module's examples run as written."""
    assert doctest.testmod(rewrites.diff).failed == 0


# --------------------------------------------------------------------------------------------------
# Beyond one machine
# --------------------------------------------------------------------------------------------------


def _diff_partition(pairs: Any, routers: tuple[Router, Router]) -> list[DiffReport]:
    """The map step: one partition's (request, count) pairs compared."""
    return [diff(routers[0], routers[1], dict(pairs))]


@pytest.mark.slow
def test_dask_local_cluster(tmp_path: Path) -> None:
    """On Dask's local cluster (two worker processes, the routers broadcast once), reading the
    logs as a bag, counting requests, diffing each partition and merging the reports gives
    the report one process gives."""
    bag = pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("dask.distributed")
    old, new = router(TABLE_A), router(TABLE_C)
    urls = ["/api/auth/session", "/api/users", "/dashboard", "/api/auth/x"]
    for part in range(3):
        with gzip.open(tmp_path / f"access-{part}.log.gz", "wt") as out:
            out.writelines(line(urls[n % 4] + str(n % (part + 2))) + "\n" for n in range(200))
    reads = Reads.of(old, new)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        routers = client.scatter((old, new), broadcast=True)
        counted = (
            bag.read_text(str(tmp_path / "*.gz"))
            .map(parse_log_line, reads)
            .filter(None)
            .foldby(operator.itemgetter(0), lambda n, item: n + item[1], 0, operator.add, 0)
        )
        reports = counted.repartition(3).map_partitions(_diff_partition, routers)
        report = reports.fold(DiffReport.merge).compute()
    logs = sorted(str(p) for p in tmp_path.glob("*.gz"))
    assert report == diff(old, new, read_access_logs(logs, reads).counts)
    assert report.changed == 300
