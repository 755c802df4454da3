"""The middleware (proxy) matcher: every request of tests/vectors/middleware.json as Next.js
16.4.6 answered it (does the middleware run, and where does the request go after
`NextResponse.next()`), and reading `config.matcher` from a middleware file.

The vectors were made by tests/vectors/gen_middleware.py with the oracle
(../shared/oracle/resolve.js), which runs Next.js's own matcher analysis and resolve-routes. This
test needs no Node.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import rewrites
from rewrites._middleware import ExtractError, Middleware, read_matcher
from tests.test_i18n import build, failures

HERE = Path(__file__).parent / "vectors"
CONFIGS: list[dict[str, Any]] = json.loads((HERE / "middleware.json").read_text("utf-8"))["configs"]
CANONICAL = "/((?!api|_next/static|_next/image|favicon.ico).*)"


def test_there_are_enough_vectors() -> None:
    """At least 1,000 requests over 40 configs: has/missing matchers, `locale: false`, data
    requests, and both answers of the matcher in number."""
    assert len(CONFIGS) >= 40
    requests = [r for c in CONFIGS for r in c["requests"]]
    assert len(requests) >= 1000
    results = [r for c in CONFIGS for r in c["results"]]
    assert sum(r.get("middleware") is True for r in results) >= 300
    assert sum(r.get("middleware") is False for r in results) >= 300
    assert sum(bool(r.get("next_data")) for r in results) >= 50
    objects = [m for c in CONFIGS if isinstance(c["middleware"], list) for m in c["middleware"]]
    assert any(isinstance(m, dict) and "has" in m for m in objects)
    assert any(isinstance(m, dict) and "missing" in m for m in objects)
    assert any(isinstance(m, dict) and m.get("locale") is False for m in objects)


@pytest.mark.parametrize("case", CONFIGS, ids=lambda c: c["name"])
def test_config(case: dict[str, Any]) -> None:
    """Every request of one config: the middleware runs exactly when Next.js runs it, and the
    request goes where Next.js sends it."""
    if any(r.get("setup_error") for r in case["results"]):
        with pytest.raises(rewrites.ConfigError):
            build(case)
        return
    found = failures(case, build(case))
    assert not found, f"{len(found)} of {len(case['requests'])} differ:\n" + "\n".join(found[:15])


@pytest.mark.parametrize(
    "case",
    [c for c in CONFIGS if not any(r.get("setup_error") for r in c["results"])][:12],
    ids=lambda c: c["name"],
)
def test_pickled_router_keeps_the_matcher(case: dict[str, Any]) -> None:
    """A pickled router runs the middleware on the same requests."""
    router = build(case)
    restored = pickle.loads(pickle.dumps(router))
    assert restored.middleware == router.middleware
    for request in case["requests"]:
        url, headers = request["url"], request.get("headers") or {}
        try:
            want = router.resolve(url, headers).middleware
        except rewrites.RequestError:
            continue
        assert restored.resolve(url, headers).middleware is want, url


def test_no_middleware_is_never_run() -> None:
    """Without `middleware=` nothing says the middleware runs."""
    router = rewrites.Router.from_next_config({}, ["/"])
    assert router.middleware is None
    assert router.resolve("/").middleware is False


def test_explain_shows_why_apiary_skips_the_middleware() -> None:
    """The canonical matcher's lookahead is a prefix test: the trace says `/apiary` is refused
    because it starts with 'api', and that the middleware does not run."""
    router = rewrites.Router.from_next_config({}, ["/", "/apiary"], middleware=CANONICAL)
    trace = str(router.explain("/apiary"))
    assert (
        f"[middleware] matcher middleware {CANONICAL!r} does not match '/apiary': its lookahead "
        "(?!api|_next/static|_next/image|favicon.ico) is a prefix test and refuses any segment "
        "starting with 'api', not just that segment"
    ) in trace
    assert trace.endswith("=> local /apiary (route /apiary)")
    trace = str(router.explain("/docs"))
    assert (
        "[middleware] matcher middleware" in trace
        and "selects '/docs': the middleware runs" in trace
    )
    assert "NextResponse.next()" in trace


def test_matcher_is_case_sensitive_unlike_rules() -> None:
    """`new RegExp(regexp)` has no `i` flag: `/API/x` is not excluded by `(?!api)`."""
    middleware = Middleware.load(CANONICAL)
    assert [m.match(p) for m in middleware.matchers for p in ("/API/x", "/api/x")] == [True, False]


def test_i18n_matcher_needs_a_locale_segment() -> None:
    """With i18n, a string matcher gets a required locale segment: the canonical matcher does not
    run on `/` (which becomes `/en`), but does on `/en/`."""
    config = {"i18n": {"locales": ["en", "fr"], "defaultLocale": "en"}}
    router = rewrites.Router.from_next_config(config, ["/"], middleware=CANONICAL)
    assert [router.resolve(u).middleware for u in ("/", "/en", "/fr", "/en/")] == [
        False,
        False,
        False,
        True,
    ]


def test_bad_matchers_are_refused_with_their_place() -> None:
    """A `regexp` key and a source without '/' are Next.js's build errors, placed."""
    with pytest.raises(rewrites.ConfigError) as info:
        rewrites.Router.from_next_config({}, middleware=[{"source": "/a", "regexp": "^/a$"}, "b"])
    assert [p.place for p in info.value.problems] == ["middleware[0]", "middleware[1]"]
    assert "Unrecognized key(s) in object: 'regexp'" in info.value.problems[0].message
    assert info.value.problems[1].message == "source must start with /"


# --------------------------------------------------------------------------------------------------
# Reading config.matcher from the file (extractExportedConstValue)
# --------------------------------------------------------------------------------------------------

PROXY_TS = """\
import { NextResponse, type NextRequest } from 'next/server'
// a comment with export const config = { matcher: 'no' }
export function proxy(request: NextRequest) {
  const re = /\\/api\\//; const x = 1 / 2 / 3
  return NextResponse.next()
}

export const config: { matcher: string[] } = {
  matcher: [
    /* every page */
    '/((?!api|_next/static|_next/image|favicon.ico).*)',
    { source: "/admin/:path*", has: [{ type: 'cookie', key: `session` }], locale: false },
  ] as const,
} satisfies Record<string, unknown>
"""


def test_read_matcher_from_typescript() -> None:
    """Literals, `as const`, `satisfies`, comments, regex literals elsewhere in the file."""
    assert read_matcher(PROXY_TS) == [
        CANONICAL,
        {"source": "/admin/:path*", "has": [{"type": "cookie", "key": "session"}], "locale": False},
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("export default function middleware() {}", True),
        ("export function proxy() {}\nexport const config = { runtime: 'nodejs' }", True),
        ("export function proxy() {}\nexport const config = 'x'", True),
        ("export function proxy() {}\nexport const a = 1, config = { matcher: '/a' }", "/a"),
        ('export const config = { matcher: ["/a", `/b`] }', ["/a", "/b"]),
        ("export const config = { matcher: '/a\\u0062' }", "/ab"),
    ],
)
def test_read_matcher(text: str, expected: object) -> None:
    """No config or no matcher means every path (True); otherwise the literal value."""
    assert read_matcher(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "path"),
    [
        (
            "const m = '/a'\nexport const config = { matcher: m }",
            'Unknown identifier "m"',
            "config.matcher",
        ),
        (
            "export const config = { matcher: [`/${x}`] }",
            "Unsupported template literal with expressions",
            "config.matcher[0]",
        ),
        (
            "export const config = { matcher: [...pages] }",
            "Unsupported spread operator in the Array Expression",
            "config.matcher",
        ),
        (
            "export const config = { matcher: ['/a'].concat(more) }",
            "Unsupported expression (operator '.'): Next.js reads literals only",
            "config.matcher",
        ),
        (
            "export const config = { matcher: null }",
            "Expected string, received null",
            "config.matcher",
        ),
    ],
)
def test_read_matcher_refuses_what_next_cannot_read(text: str, message: str, path: str) -> None:
    """A matcher that is not a literal stops `next build` (hadUnsupportedValue): the error says
    what and where."""
    with pytest.raises(ExtractError) as info:
        read_matcher(text)
    assert (info.value.message, info.value.path) == (message, path)


# --------------------------------------------------------------------------------------------------
# A project's proxy.ts (rewrites.project)
# --------------------------------------------------------------------------------------------------


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A project folder with `pages/` and the given files."""
    for name, text in {"pages/index.js": "export default function P() {}\n", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    (tmp_path / "next.config.json").write_text("{}", "utf-8")
    return tmp_path


def test_project_reads_proxy_ts_beside_pages(tmp_path: Path) -> None:
    """`proxy.ts` at the root (or `src/`, beside the pages) gives the router its matcher."""
    root = project(tmp_path, {"pages/apiary.js": "", "proxy.ts": PROXY_TS})
    loaded = rewrites.project.load(root)
    assert loaded.middleware_file == root / "proxy.ts"
    router = loaded.router()
    assert router.resolve("/docs").middleware is True
    assert router.resolve("/apiary").middleware is False


def test_project_middleware_under_src(tmp_path: Path) -> None:
    """With `src/pages`, `src/middleware.js` is the middleware; one without config runs on
    every path."""
    root = project(
        tmp_path,
        {"src/pages/a.js": "", "src/middleware.js": "export function middleware() {}\n"},
    )
    (root / "pages" / "index.js").unlink()
    (root / "pages").rmdir()
    loaded = rewrites.project.load(root)
    assert loaded.middleware_file == root / "src" / "middleware.js"
    assert loaded.middleware is True
    assert loaded.router().resolve("/_next/static/x.js").middleware is True


def test_project_refuses_what_next_build_refuses(tmp_path: Path) -> None:
    """Both proxy.ts and middleware.ts, or a matcher that is not a literal, stop the build:
    ConfigError placed at the file (and line)."""
    root = project(tmp_path, {"proxy.ts": "export function proxy() {}\n", "middleware.ts": ""})
    with pytest.raises(rewrites.ConfigError, match="Both middleware file"):
        rewrites.project.load(root)
    (root / "middleware.ts").unlink()
    (root / "proxy.ts").write_text(
        "export function proxy() {}\nexport const config = {\n  matcher: ['/a', dynamic],\n}\n"
    )
    with pytest.raises(rewrites.ConfigError) as info:
        rewrites.project.load(root)
    assert info.value.problems[0].place == f"{root / 'proxy.ts'}:3"
    assert 'at config.matcher[1] statically: Unknown identifier "dynamic"' in str(info.value)
    (root / "proxy.ts").write_text("export const config = { matcher: '/a' }\n")
    with pytest.raises(rewrites.ConfigError, match="must export a function"):
        rewrites.project.load(root)


def test_cli_explain_apiary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`rewrites explain <project> /apiary` says the canonical matcher's lookahead refused it."""
    from rewrites import cli

    root = project(tmp_path, {"proxy.ts": PROXY_TS})
    code = cli.main(["explain", str(root), "/apiary"])
    out = capsys.readouterr().out
    assert code == 0
    assert "refuses any segment starting with 'api'" in out


def test_the_oracle_self_test_surprises_hold() -> None:
    """What the oracle's self-test found, confirmed by the vectors: with i18n the canonical
    matcher runs on `/en/` but not on `/`, `/en` or `/fr`; `/fr/api/x` is a 404; public files are
    served under the default locale only."""
    case = next(c for c in CONFIGS if c["name"] == "canonical-i18n")
    answers = {r["url"]: a for r, a in zip(case["requests"], case["results"], strict=True)}
    assert [answers[u]["middleware"] for u in ("/", "/en", "/fr", "/en/")] == [
        False,
        False,
        False,
        True,
    ]
    assert answers["/fr/api/x"]["kind"] == "not_found"
    assert answers["/robots.txt"]["output_type"] == "publicFolder"
    assert answers["/fr/favicon.ico"]["kind"] == "not_found"
    assert not failures(case, build(case))
