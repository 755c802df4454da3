"""i18n routing: every request of tests/vectors/i18n.json as Next.js 16.4.6 answered it, and the
parts of `_i18n` one at a time.

The vectors were made by tests/vectors/gen_i18n.py with the oracle (../shared/oracle/resolve.js),
which runs Next.js's own i18n code. This test needs no Node.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pytest

import rewrites
from rewrites._i18n import I18n, load_i18n

HERE = Path(__file__).parent / "vectors"
DOC = json.loads((HERE / "i18n.json").read_text("utf-8"))
CONFIGS: list[dict[str, Any]] = DOC["configs"]
CALCOM = json.loads((HERE / "calcom.json").read_text("utf-8"))
#: Next.js's behaviour exactly: `$1` literal, never-renderable rules fail per request.
NEXT_COMPATIBLE = {"positional_refs": False, "early_errors": False}


def build(case: dict[str, Any], **options: Any) -> rewrites.Router:
    """The router of one vector config, as the oracle built the app."""
    return rewrites.Router.from_next_config(
        case["config"],
        case["routes"],
        public_files=case.get("public_files"),
        data_routes=case.get("data_routes"),
        build_id="BUILD",
        middleware=case.get("middleware"),
        **NEXT_COMPATIBLE,
        **options,
    )


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
    ok = got.kind.value == kind
    if ok and kind == "proxied":
        ok = got.url == expected["target"] and got.headers == {}
    elif ok and kind == "redirect":
        target = expected["target"]
        ok = (got.status, got.url) == (target["status"], target["location"])
        if expected.get("locale_redirect"):
            ok = ok and got.rule is None
    elif ok and kind == "local":
        target = expected["target"]
        ok = (
            got.path == target["pathname"]
            and got.query == target["query"]
            and got.route == expected["route"]
            and got.params == expected.get("params", {})
            and got.headers == expected["headers"]
            and got.locale == expected.get("locale")
        )
    elif ok:
        final = expected["final"]
        ok = (
            got.path == final["pathname"]
            and got.query == final["query"]
            and got.headers == expected["headers"]
            and got.locale == expected.get("locale")
        )
    if ok and "middleware" in expected:
        ok = got.middleware == expected["middleware"]
    if ok:
        return ""
    return (
        f"got {got.kind.value} url={got.url!r} path={got.path!r} query={got.query} "
        f"route={got.route!r} params={got.params} status={got.status} headers={got.headers} "
        f"locale={got.locale!r} middleware={got.middleware}\n      Next.js: {json.dumps(expected)}"
    )


def failures(case: dict[str, Any], router: rewrites.Router) -> list[str]:
    """What differs from Next.js in one config's requests."""
    out = []
    for request, expected in zip(case["requests"], case["results"], strict=True):
        problem = compare(router, request, expected)
        if problem:
            out.append(f"{request['url']!r} {request.get('headers') or ''}: {problem}")
    return out


def test_there_are_enough_vectors() -> None:
    """At least 1,000 i18n requests over 40 configs, covering every way a locale is found."""
    assert len(CONFIGS) >= 40
    requests = [r for c in CONFIGS for r in c["requests"]]
    assert len(requests) >= 1000
    headers = [r.get("headers") or {} for r in requests]
    assert sum("cookie" in h for h in headers) >= 50
    assert sum("accept-language" in h for h in headers) >= 100
    assert sum("host" in h for h in headers) >= 100
    results = [r for c in CONFIGS for r in c["results"]]
    assert sum(bool(r.get("locale_redirect")) for r in results) >= 100
    assert sum(r.get("output_type") == "publicFolder" for r in results) >= 20


@pytest.mark.parametrize("case", CONFIGS, ids=lambda c: c["name"])
def test_config(case: dict[str, Any]) -> None:
    """Every request of one config resolves exactly as Next.js resolved it."""
    if any(r.get("setup_error") for r in case["results"]):
        with pytest.raises(rewrites.ConfigError):
            build(case)
        return
    found = failures(case, build(case))
    assert not found, f"{len(found)} of {len(case['requests'])} differ:\n" + "\n".join(found[:15])


@pytest.mark.parametrize(
    "case",
    [c for c in CONFIGS if not any(r.get("setup_error") for r in c["results"])],
    ids=lambda c: c["name"],
)
def test_config_plain_loop_and_pickle(case: dict[str, Any]) -> None:
    """The index and a pickled router answer like the plain loop (the default-locale copies of
    redirects and the locale-prefixed rules keep their places)."""
    plain = build(case, indexed=False)
    restored = pickle.loads(pickle.dumps(build(case)))
    for request in case["requests"]:
        url, headers = request["url"], request.get("headers") or {}
        try:
            want: object = plain.resolve(url, headers)
        except rewrites.RequestError as exc:
            want = exc.status
        try:
            got: object = restored.resolve(url, headers)
        except rewrites.RequestError as exc:
            got = exc.status
        assert got == want, url


def test_calcom_loads_and_agrees() -> None:
    """cal.com's real next.config.js rules with its i18n block (22 locales) load, and every
    vector request agrees with Next.js."""
    case = next(c for c in CONFIGS if c["name"] == "calcom")
    assert case["config"] == CALCOM["config"]
    router = rewrites.Router.from_next_config(CALCOM["config"], CALCOM["routes"], **NEXT_COMPATIBLE)
    assert router.i18n is not None and len(router.i18n.locales) == 22
    assert not failures(case, build(case))


def test_locale_prefixed_rules_stay_indexed() -> None:
    """With 22 locales, a rule's source gets `/:nextInternalLocale(en|fr|...)` in front, and the
    index still keys it by its own literal segment: a request meets only its candidates."""
    rules = [{"source": f"/page-{n}", "destination": f"/p/{n}"} for n in range(500)]
    config = {"i18n": CALCOM["config"]["i18n"], "rewrites": rules}
    router = rewrites.Router.from_next_config(config, ["/", "/p/[n]"])
    index = router.indexes[rewrites.Phase.AFTER_FILES]
    offered = list(index.candidates("/fr/page-7", 0, ""))
    assert [rule.index for _, rule in offered] == [7]
    assert router.resolve("/fr/page-7").path == "/fr/p/7"


# --------------------------------------------------------------------------------------------------
# The parts
# --------------------------------------------------------------------------------------------------

I18N = I18n(("en", "fr", "nl-NL"), "en")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/fr/about", ("/about", "fr")),
        ("/FR", ("/", "fr")),
        ("/nl-nl/x/y", ("/x/y", "nl-NL")),
        ("/de/about", ("/de/about", None)),
        ("/", ("/", None)),
        ("/french", ("/french", None)),
    ],
)
def test_split(path: str, expected: tuple[str, str | None]) -> None:
    """`normalizeLocalePath` takes a locale off the first segment, without case."""
    assert I18N.split(path) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr;q=0.9, en;q=0.8", "fr"),
        ("de, nl;q=0.5", "nl-NL"),
        ("*", "en"),
        ("en;q=0, *", "fr"),
        ("fr;x=1", None),
        ("de", ""),
        (None, None),
    ],
)
def test_accept_language(header: str | None, expected: str | None) -> None:
    """accept-header.js: q values, language prefixes and '*'; a malformed header counts as none."""
    assert I18N.accept_language(header) == expected


def test_load_reorders_and_refuses() -> None:
    """The default locale goes first; a default outside the locales is Next.js's error."""
    found, problems, _ = load_i18n({"locales": ["fr", "en"], "defaultLocale": "en"}, None)
    assert found is not None and found.locales == ("en", "fr") and not problems
    _, problems, _ = load_i18n({"locales": ["fr"], "defaultLocale": "en"}, None)
    assert [p.place for p in problems] == ["i18n.defaultLocale"]
    assert "should be included in i18n.locales" in problems[0].message


def test_localize_keeps_positional_refs() -> None:
    """`$1` still names the rule's own first parameter after the locale parameter is added."""
    config = {
        "i18n": {"locales": ["en", "fr"], "defaultLocale": "en"},
        "rewrites": [{"source": "/old/(.*)", "destination": "/new/$1"}],
    }
    router = rewrites.Router.from_next_config(config, ["/new/[x]"])
    assert router.resolve("/fr/old/a").path == "/fr/new/a"


def test_explain_shows_the_locale_steps() -> None:
    """The trace says where the locale came from and that the default locale was added."""
    router = rewrites.Router.from_next_config(
        {"i18n": {"locales": ["en", "fr"], "defaultLocale": "en"}}, ["/", "/about"]
    )
    trace = str(router.explain("/about"))
    assert "[locale] no locale in the path: the default locale 'en' is added" in trace
    trace = str(router.explain("/", {"accept-language": "fr"}))
    assert "[locale] the accept-language header prefers 'fr'" in trace
    assert trace.endswith("=> redirect 307 /fr")
