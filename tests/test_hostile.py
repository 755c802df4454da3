"""Hostile input (issue 16): every reproducer of the issue, each answered within its bound, with
one of the library's own errors, or as Next.js answers it."""

from __future__ import annotations

import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import rewrites
import rewrites.lint
import rewrites.project
import rewrites.testing
from rewrites import ConfigError, RequestError, Router
from rewrites._destination import Template
from rewrites._js.node import request_header_refusal, search_params
from rewrites._js.url import parse_url
from rewrites._regexp import NEXT_MAX_BUILT_LENGTH, next_built_length
from rewrites._resolve import _COMMON_HEADERS, _INTERNAL_HEADERS
from tests.cases import HOSTILE_SIZE, REDOS_SHAPES

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")

#: The proxy of the issue's leak: every external rewrite was exposed.
BACKEND = {
    "rewrites": [
        {"source": "/api/:path*", "destination": "https://backend.internal.example.com/api/:path*"}
    ]
}


def cpu_seconds(func: Any) -> tuple[float, Any]:
    """The CPU time `func()` takes, and what it returns or raises."""
    started = time.process_time()
    try:
        outcome: Any = func()
    except Exception as exc:  # (the outcome is checked by the caller)
        outcome = exc
    return time.process_time() - started, outcome


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux: /proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


# --- leak ---------------------------------------------------------------------------------------


def test_the_template_cache_is_keyed_by_what_the_destination_names() -> None:
    """Query keys that are prefixes of the text after `https:` all hide the same ':', so 5,000
    requests with random subsets of them make at most the destination's few parses."""
    router = Router.from_next_config(BACKEND)
    keys = ["/", "//b", "//ba", "//bac", "//back", "//backend", "pa", "pat", "path", "x"]
    rng = random.Random(16)
    for _ in range(5000):
        chosen = rng.sample(keys, rng.randrange(1, len(keys)))
        query = "&".join(f"{key}=1" for key in chosen)
        assert router.resolve(f"/api/x?{query}").kind is rewrites.Kind.PROXIED
    template = router.rules[-1].destination
    assert isinstance(template, Template)
    assert len(template._cache) <= 4  # 2 ** (the ':' a query key can hide: 'https:', ':path')


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="RSS is read from /proc")
def test_memory_stays_flat_under_adversarial_query_keys() -> None:
    """100,000 requests with random query keys (prefixes of the destination among them) grow
    the process by less than 10 MB once warm."""
    router = Router.from_next_config(BACKEND)
    rng = random.Random(1616)
    alphabet = "/:abcdehkprt"

    def request() -> str:
        keys = ["".join(rng.choices(alphabet, k=rng.randrange(1, 12))) for _ in range(4)]
        return "/api/" + str(rng.randrange(10**6)) + "?" + "&".join(f"{k}=v" for k in keys)

    for _ in range(5_000):
        router.resolve(request())
    before = rss_mb()
    for _ in range(100_000):
        router.resolve(request())
    assert rss_mb() - before < 10


# --- denial of service --------------------------------------------------------------------------

#: Every shape of the ReDoS table (the issue's among them), with its hostile paths.
ALL_SHAPES = [(source, paths) for _, source, paths in REDOS_SHAPES]


@pytest.mark.parametrize(("source", "paths"), ALL_SHAPES, ids=[s for s, _ in ALL_SHAPES])
def test_hostile_paths_are_answered_within_the_bound(source: str, paths: list[str]) -> None:
    """On 8 KiB hostile paths every shape answers within 10 ms of CPU, or fails with a
    RequestError naming the rule once the match time bound (0.05 s) is spent."""
    router = Router.from_next_config({"rewrites": [{"source": source, "destination": "/x"}]})
    for path in paths:
        router.resolve("/warm")  # the regex is built outside the timing
        took, outcome = cpu_seconds(lambda p=path: router.resolve(p))
        if isinstance(outcome, RequestError):
            assert outcome.status == 500
            assert "rewrites[0]" in outcome.message and "match_timeout" in outcome.message
            assert took < 1.0  # the bound, measured in the engine, plus our own work
        else:
            assert not isinstance(outcome, Exception), outcome
            assert took < 0.01 * 3  # 10 ms, with room for a loaded machine


def test_pattern_match_is_bounded_too() -> None:
    """`compile().match()` on the issue's `/:a*/:b*/end` path raises TimeoutError at the bound
    (it took 1.4 s), or answers at once."""
    pattern = rewrites.compile("/:a*/:b*/end")
    took, outcome = cpu_seconds(lambda: pattern.match("/a" * (HOSTILE_SIZE // 2) + "//end"))
    assert outcome is None or isinstance(outcome, TimeoutError)
    assert took < 1.0


def test_the_bound_can_be_turned_off_and_set() -> None:
    """`match_timeout=None` matches as Next.js does, without a bound; a bound must be positive."""
    router = Router.from_next_config(BACKEND, match_timeout=None)
    assert router.match_timeout is None
    assert Router.from_next_config(BACKEND, match_timeout=0.2).match_timeout == 0.2
    with pytest.raises(ValueError, match=r"got match_timeout=0 \(int\); expected a positive"):
        Router.from_next_config(BACKEND, match_timeout=0)
    with pytest.raises(TypeError, match=r"got match_timeout='1' \(str\)"):
        Router.from_next_config(BACKEND, match_timeout="1")  # type: ignore[arg-type]  (the check)


def test_a_slow_has_value_fails_the_request_at_the_bound() -> None:
    """A `has` value that backtracks catastrophically on a long header is bounded too."""
    config = {
        "rewrites": [
            {
                "source": "/:path*",
                "destination": "/x",
                "has": [{"type": "header", "key": "x-a", "value": "(a|aa)+b"}],
            }
        ]
    }
    router = Router.from_next_config(config)
    took, outcome = cpu_seconds(lambda: router.resolve("/p", {"x-a": "a" * 60}))
    assert isinstance(outcome, RequestError)
    assert "rewrites[0]" in outcome.message and "took over 0.05 s" in outcome.message
    assert took < 1.0


def test_repeated_query_keys_are_linear() -> None:
    """100,000 repeated query keys (55.6 s before: Next.js's `includes` scan) take under 3 s."""
    router = Router.from_next_config(BACKEND)
    url = "/api/x?" + "&".join("a=1" for _ in range(100_000))
    took, outcome = cpu_seconds(lambda: router.resolve(url))
    assert outcome.kind is rewrites.Kind.PROXIED
    assert took < 3


def test_a_long_non_ascii_query_parses_in_linear_time() -> None:
    """An 80 KB non-ASCII query (3.2 s before) and a value of 80,000 '+' parse in well under 1 s."""
    took, url = cpu_seconds(lambda: parse_url("http://n/x?" + "é" * 80_000))
    assert url.search.startswith("?%C3%A9") and took < 1
    took, params = cpu_seconds(lambda: search_params("a=" + "+" * 80_000))
    assert params == [("a", " " * 80_000)] and took < 1


def test_a_source_v8_refuses_is_refused_at_once() -> None:
    """`/:a(` + `a?`×300000 + `)` (15 minutes and 660 MB on its first request before) is a
    ConfigError at load, as Next.js refuses its length."""
    source = "/:a(" + "a?" * 300_000 + ")"
    took, outcome = cpu_seconds(
        lambda: Router.from_next_config({"rewrites": [{"source": source, "destination": "/x"}]})
    )
    assert isinstance(outcome, ConfigError)
    assert str(outcome.problems[0]) == (
        "rewrites[0].source: `source` exceeds max built length of 4096: its regex has 600018 "
        "characters; split the rule, or shorten its custom groups"
    )
    assert took < 5


# --- Next.js's and V8's limits -------------------------------------------------------------------


@pytest.mark.parametrize(("count", "refused"), [(2039, False), (2040, True)])
def test_the_built_length_limit_is_next_js_s(count: int, refused: bool) -> None:
    """A source whose regex (as Next.js's `tryToParsePath` builds it) is 4,096 characters loads;
    4,098 is refused."""
    source = "/:a(" + "a" * (2 * count) + ")"
    assert (next_built_length(source) > NEXT_MAX_BUILT_LENGTH) is refused
    config = {"rewrites": [{"source": source, "destination": "/x"}]}
    if refused:
        with pytest.raises(ConfigError, match="`source` exceeds max built length of 4096"):
            Router.from_next_config(config)
    else:
        Router.from_next_config(config)


def test_an_internal_destination_has_the_limit_too() -> None:
    """An internal destination whose regex is over 4,096 characters is refused at its place."""
    config = {"rewrites": [{"source": "/:x", "destination": "/:x(" + "b" * 5000 + ")"}]}
    with pytest.raises(ConfigError) as info:
        Router.from_next_config(config)
    assert any(p.place == "rewrites[0].destination" for p in info.value.problems)


@pytest.mark.parametrize("value", ["a?" * 8000, "(?:a)" * 16000, "a" * 50000])
def test_has_values_v8_refuses_are_config_errors(value: str) -> None:
    """The issue's `has` values V8 refuses ('Stack overflow', 'Regular expression too large')
    are ConfigErrors placed at the value."""
    config = {
        "rewrites": [
            {
                "source": "/a",
                "destination": "/b",
                "has": [{"type": "query", "key": "q", "value": value}],
            }
        ]
    }
    with pytest.raises(ConfigError) as info:
        Router.from_next_config(config)
    (problem,) = info.value.problems
    assert problem.place == "rewrites[0].has[0].value"
    assert "V8 cannot be trusted to compile a regex this long" in problem.message


def test_a_base_path_with_a_group_is_refused_as_next_js_refuses_it() -> None:
    """`basePath: "/(.*)"` with an internal rewrite is refused (Next.js: "`destination` has
    segments not in `source` or `has` (0)"); with an external one it loads."""
    config = {"basePath": "/(.*)", "rewrites": [{"source": "/a", "destination": "/b"}]}
    with pytest.raises(ConfigError, match=r"has segments not in `source` or `has` \(0\)"):
        Router.from_next_config(config)
    external = {"basePath": "/(.*)", "rewrites": [{"source": "/a", "destination": "https://e.x/"}]}
    Router.from_next_config(external)


@pytest.mark.parametrize("base_path", ["/?", "/a?", "/a+b", "/a*", "/a{b"])
def test_a_base_path_path_to_regexp_refuses_is_a_config_error(base_path: str) -> None:
    """A basePath path-to-regexp cannot parse is refused naming basePath (the oracle: Next.js
    fails to build its routes, "Unexpected MODIFIER at 1, expected END" for '/?')."""
    with pytest.raises(ConfigError) as info:
        Router.from_next_config({"basePath": base_path})
    (problem,) = info.value.problems
    assert problem.place == "basePath"
    assert "cannot start a route's source" in problem.message


# --- one error family ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.resolve(1), "got url=1 (int); expected a str"),
        (lambda r: r.resolve(b"/x"), "got url=b'/x' (bytes); expected a str"),
        (lambda r: r.resolve("/x", headers=5), "got headers=5 (int); expected a mapping"),
        (lambda r: r.explain(None), "got url=None (NoneType); expected a str"),
        (lambda r: rewrites.compile("/a").match(1), "got path=1 (int); expected a str"),
        (lambda r: Router.from_next_config({}, routes=5), "got routes=5 (int); expected"),
        (lambda r: Router.from_next_config({}, routes="/x"), "got routes='/x' (str); expected"),
        (lambda r: Router.from_next_config({}, indexed=1), "got indexed=1 (int); expected True"),
    ],
)
def test_public_entry_points_check_their_argument_types(call: Any, message: str) -> None:
    """A wrong argument type is a TypeError that echoes it (`name=value (type)`), not an
    AttributeError from deep inside; a routes string is refused, not read letter by letter."""
    router = Router.from_next_config(BACKEND)
    with pytest.raises(TypeError) as info:
        call(router)
    assert str(info.value).startswith(message)


def test_a_has_item_with_a_non_string_key_is_a_config_error() -> None:
    """A `has` key that is not a string (a TypeError from `sorted()` before) is a problem."""
    config = {
        "rewrites": [{"source": "/a", "destination": "/b", "has": [{"type": "query", "key": 5}]}]
    }
    with pytest.raises(ConfigError) as info:
        Router.from_next_config(config)
    assert [p.place for p in info.value.problems] == ["rewrites[0].has[0].key"]


def test_a_python_config_nested_too_deeply_is_a_config_error() -> None:
    """A config mapping nested thousands deep is a ConfigError, not a RecursionError."""
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ConfigError):
        Router.from_next_config({"rewrites": deep})


@pytest.mark.parametrize("reader", ["config", "cases", "load"])
def test_deeply_nested_json_files_are_config_errors(tmp_path: Path, reader: str) -> None:
    """A config file, a cases file or `rewrites.load` on JSON nested 100,000 deep: ConfigError."""
    file = tmp_path / "deep.json"
    file.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ConfigError) as info:
        if reader == "config":
            rewrites.project.load_config(file)
        elif reader == "cases":
            rewrites.testing.read_cases(file)
        else:
            rewrites.load(file)
    assert "nests deeper than 64 levels" in str(info.value)


def test_missing_and_non_utf8_files_are_config_errors(tmp_path: Path) -> None:
    """`rewrites.load` on a missing file or on text that is not UTF-8 is a ConfigError."""
    with pytest.raises(ConfigError, match="does not exist"):
        rewrites.load(tmp_path / "missing.json")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"basePath": "/caf\xe9"}')
    with pytest.raises(ConfigError, match=r"is not UTF-8 text: byte 0xe9 at offset 18"):
        rewrites.load(latin)


# --- JavaScript property names (the table; all of them: tests/vectors/jsnames.json) ----


def test_a_has_key_every_object_inherits_matches_every_request() -> None:
    """A `has` cookie keyed `toString` matches a request without cookies, as in Next.js."""
    config = {
        "rewrites": [
            {"source": "/a", "destination": "/b", "has": [{"type": "cookie", "key": "toString"}]}
        ]
    }
    assert Router.from_next_config(config).resolve("/a").path == "/b"


def test_a_route_slug_named_proto_has_no_param() -> None:
    """Route `/[__proto__]` matches with params {}, as Next.js gives them."""
    router = Router.from_next_config({}, routes=["/[__proto__]"])
    found = router.resolve("/x")
    assert (found.route, found.params) == ("/[__proto__]", {})


def test_a_param_named_like_an_inherited_property_is_not_appended() -> None:
    """`/p/:constructor` proxied adds no `constructor` to the query (`key in destQuery`)."""
    config = {"rewrites": [{"source": "/p/:constructor", "destination": "https://up.example/p"}]}
    assert Router.from_next_config(config).resolve("/p/abc").url == "https://up.example/p"


def test_a_proto_capture_in_a_destination_fails_as_in_next_js() -> None:
    """`has query __proto__` with destination `:__proto__`: Next.js answers 500, so do we."""
    config = {
        "rewrites": [
            {
                "source": "/e/:x",
                "destination": "https://up.example/:__proto__",
                "has": [{"type": "query", "key": "q", "value": "(?<__proto__>.*)"}],
            }
        ]
    }
    with pytest.raises(RequestError) as info:
        Router.from_next_config(config).resolve("/e/1?q=v")
    assert info.value.status == 500


def test_lint_reads_conditions_keyed_by_inherited_names() -> None:
    """Lint's example requests skip conditions that fail the request in Next.js (a `has`
    cookie `toString` with a value), instead of failing lint itself."""
    has = [{"type": "cookie", "key": "toString", "value": "x"}]
    missing = [{"type": "query", "key": "constructor", "value": "y|z"}]
    config = {
        "rewrites": [
            {"source": "/a/:x", "destination": "/b", "has": has},
            {"source": "/c/:x", "destination": "/d", "missing": missing},
        ]
    }
    found = rewrites.lint.lint(Router.from_next_config(config, routes=["/", "/b"]))
    assert [d.code for d in found] == ["RW204"]


# --- absolute-form targets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("http://evil.com/blog/x", "http://evil.com/blog/x"),
        ("HTTP://EVIL.com/about?q=1#h", "http://evil.com/about?q=1#h"),
        ("http://evil.com", "http://evil.com/"),
        ("http:\\\\evil.com\\about", "http://evil.com/about"),
        ("foo://evil.com/about", "foo:/evil.com/about"),
    ],
)
def test_an_absolute_form_target_is_a_308_to_itself(url: str, location: str) -> None:
    """Next.js answers a full URL with '//' or '\\' with a 308 to itself (the oracle's answers),
    and so does `resolve`; route its path instead to route it."""
    found = Router.from_next_config(BACKEND).resolve(url)
    assert (found.kind, found.status, found.url) == (rewrites.Kind.REDIRECT, 308, location)


def test_an_absolute_url_without_slashes_is_routed_by_its_path() -> None:
    """`http:evil.com/api/x` has no '//': Next.js routes its path, and so do we."""
    found = Router.from_next_config(BACKEND).resolve("http:evil.com/api/x")
    assert found.url == "https://backend.internal.example.com/api/x"


# --- safe output --------------------------------------------------------------------------------

ECHO = {
    "headers": [
        {
            "source": "/:path*",
            "has": [{"type": "header", "key": "x-in", "value": "(?<v>[\\s\\S]*)"}],
            "headers": [{"key": "x-out", "value": ":v"}],
        }
    ],
    "redirects": [
        {
            "source": "/go",
            "destination": "/:next",
            "permanent": False,
            "has": [{"type": "query", "key": "next", "value": "(?<next>.*)"}],
        }
    ],
}


@pytest.mark.parametrize("value", ["a\r\nSet-Cookie: evil=1", "a\nb", "a\x00b", "a\x7f"])
def test_request_headers_with_control_characters_are_refused(value: str) -> None:
    """A request header value holding CR, LF, NUL (or another control character Node's parser
    refuses) is a RequestError 400: it never reaches a header rule's output."""
    router = Router.from_next_config(ECHO)
    with pytest.raises(RequestError) as info:
        router.resolve("/x", {"x-in": value})
    assert info.value.status == 400
    assert "Node's HTTP parser answers 400" in info.value.message


def test_the_headers_a_request_needs_no_check_for_are_ones_node_takes() -> None:
    """The common header names resolve() takes without a check are HTTP tokens, and no value of
    printable ASCII holds a character Node's parser refuses; a common name with a refused value
    is still a 400."""
    assert all(request_header_refusal(name, "v") is None for name in _COMMON_HEADERS)
    assert not _COMMON_HEADERS & _INTERNAL_HEADERS and "__proto__" not in _COMMON_HEADERS
    for code in range(0x80):
        text = f"a{chr(code)}b"
        if text.isprintable():
            assert request_header_refusal("x", text) is None, code
    with pytest.raises(RequestError) as info:
        Router.from_next_config({}).resolve("/x", {"user-agent": "a\x7fb"})
    assert info.value.status == 400


def test_a_location_node_refuses_is_a_500() -> None:
    """A redirect whose Location would carry NUL (or a character past U+00FF) is a 500, as
    Node's `setHeader` throws in Next.js."""
    router = Router.from_next_config(ECHO)
    for query in ("next=%00evil", "next=%E2%82%AC"):
        with pytest.raises(RequestError) as info:
            router.resolve(f"/go?{query}")
        assert info.value.status == 500 and "ERR_INVALID_CHAR" in info.value.message
    # A tab is allowed, as Node allows it (browsers drop it: an open redirect Next.js has too).
    assert router.resolve("/go?next=%09/evil.com").url.startswith("/\t/evil.com?")


def test_a_header_rule_value_node_refuses_is_a_500() -> None:
    """A header rule whose rendered value Node refuses fails the request (500)."""
    has = [{"type": "query", "key": "v", "value": "(?<v>.*)"}]
    rule = {"source": "/:p", "has": has, "headers": [{"key": "x-out", "value": ":v"}]}
    router = Router.from_next_config({"headers": [rule]})
    with pytest.raises(RequestError) as info:
        router.resolve("/p?v=%E2%82%AC")
    assert info.value.status == 500 and "ERR_INVALID_CHAR" in info.value.message
    assert router.resolve("/p?v=ok").headers == {"x-out": "ok"}


def test_a_fixed_header_node_refuses_fails_every_request() -> None:
    """A header rule's fixed header that Node refuses fails every request it applies to, the
    first and every later one (its rule keeps what it worked out), while a sendable one is sent;
    a sendable fixed header before a refused rendered one does not hide it."""
    fixed = {"source": "/:path*", "headers": [{"key": "x-fixed", "value": "ok"}]}
    bad = {"source": "/bad", "headers": [{"key": "x-out", "value": "caf\u20ac"}]}
    has = [{"type": "query", "key": "v", "value": "(?<v>.*)"}]
    rendered = {"source": "/r", "has": has, "headers": [{"key": "x-out", "value": ":v"}]}
    router = Router.from_next_config({"headers": [fixed, bad, rendered]})
    for _ in range(2):
        assert router.resolve("/x").headers == {"x-fixed": "ok"}
        with pytest.raises(RequestError) as info:
            router.resolve("/bad")
        assert info.value.status == 500 and "ERR_INVALID_CHAR" in info.value.message
        with pytest.raises(RequestError) as info:
            router.resolve("/r?v=%E2%82%AC")
        assert info.value.status == 500 and "ERR_INVALID_CHAR" in info.value.message
        assert router.resolve("/r?v=fine").headers == {"x-fixed": "ok", "x-out": "fine"}


# --- the command line and its Node runner -------------------------------------------------------


def cli(
    *args: str, stdout: Any = subprocess.PIPE, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `python -m rewrites` in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "rewrites", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The command's error, checked to be one line and no traceback."""
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_to_a_full_disk_is_one_line_and_exit_2() -> None:
    """`rewrites demo > /dev/full` says it cannot write, in one line, and exits 2."""
    with open("/dev/full", "w") as full:
        done = cli("demo", stdout=full)
    assert done.returncode == 2
    assert one_line_error(done) == "error: cannot write the output: No space left on device"


def test_a_closed_pipe_is_quiet() -> None:
    """`rewrites demo | head -1` ends without a traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rewrites", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    assert process.wait(60) in (0, 1)
    assert "Traceback" not in process.stderr.read()
    process.stderr.close()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_file_is_refused_at_the_size_limit() -> None:
    """`rewrites resolve /dev/zero /x` stops at 64 MB with one line and exit 2."""
    done = cli("resolve", "/dev/zero", "/x")
    assert done.returncode == 2
    assert one_line_error(done) == "error: config file '/dev/zero' is larger than 64 MB: not read"


def node_config(tmp_path: Path, name: str, text: str) -> Path:
    """A next.config file in its own folder."""
    folder = tmp_path / name.replace(".", "_")
    folder.mkdir()
    file = folder / name
    file.write_text(text)
    return file


@needs_node
@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        (
            "never.mjs",
            "export default { rewrites: () => new Promise(() => {}) };\n",
            "the config's promise never settled",
        ),
        (
            "exits.js",
            "process.exit(0);\n",
            "the config called process.exit(0) before its routing keys could be read",
        ),
        ("throws.js", "throw new Error('boom');\n", "with Node failed:\n  Error: boom"),
    ],
)
def test_node_failures_name_the_users_file_and_what_went_wrong(
    tmp_path: Path, name: str, text: str, reason: str
) -> None:
    """A config that never settles, exits, or throws: a ConfigError at the user's file saying
    which (not 'not valid JSON' about our helper)."""
    file = node_config(tmp_path, name, text)
    with pytest.raises(ConfigError) as info:
        rewrites.project.load_config(file, timeout=20)
    (problem,) = info.value.problems
    assert problem.place == str(file)
    assert problem.message.startswith(f"evaluating {str(file)!r} with Node")
    assert reason in str(info.value)


@needs_node
def test_a_config_that_prints_or_writes_bytes_still_loads(tmp_path: Path) -> None:
    """What a config prints to stdout, even bytes that are not UTF-8, does not spoil its answer."""
    file = node_config(
        tmp_path,
        "prints.js",
        "console.log('hello'); process.stdout.write(Buffer.from([0xff, 0xfe]));\n"
        "module.exports = { rewrites: async () => [{ source: '/a', destination: '/b' }] };\n",
    )
    assert rewrites.project.load_config(file)["rewrites"] == [{"source": "/a", "destination": "/b"}]


@needs_node
def test_a_config_that_leaves_a_child_running_is_read_at_once(tmp_path: Path) -> None:
    """A config that spawns a child and keeps it (60 s before) is read as soon as it answers."""
    file = node_config(
        tmp_path,
        "child.js",
        "const { spawn } = require('child_process');\n"
        "spawn('sleep', ['30'], { stdio: 'inherit' });\n"
        "module.exports = { redirects: async () => [] };\n",
    )
    started = time.monotonic()
    assert rewrites.project.load_config(file, timeout=20) == {"redirects": []}
    assert time.monotonic() - started < 15


@needs_node
def test_a_config_that_never_ends_is_stopped_at_the_node_timeout(tmp_path: Path) -> None:
    """`--node-timeout` is the documented bound: a looping config fails after it, exit 2."""
    file = node_config(tmp_path, "loop.js", "while (true) {}\n")
    started = time.monotonic()
    done = cli("resolve", str(file), "/x", "--node-timeout", "1")
    assert time.monotonic() - started < 30
    assert done.returncode == 2
    assert one_line_error(done).endswith(
        "with Node took over 1 s, the timeout (--node-timeout on the command line): it was stopped"
    )


def test_config_and_route_problems_are_listed_together() -> None:
    """A config with problems and bad routes: one ConfigError lists both."""
    with pytest.raises(ConfigError) as info:
        Router.from_next_config({"redirects": [{"source": "x"}]}, routes=["blog"])
    places = [p.place for p in info.value.problems]
    assert "redirects[0].source" in places and any(p.startswith("routes") for p in places)


def test_cli_deep_json_is_one_line(tmp_path: Path) -> None:
    """The CLI on a config nested 100,000 deep: one line, exit 2 (a traceback before)."""
    file = tmp_path / "deep.json"
    file.write_text("[" * 100_000 + "]" * 100_000)
    done = cli("resolve", str(file), "/x")
    assert done.returncode == 2
    assert one_line_error(done) == f"error: {str(file)!r} nests deeper than 64 levels: not read"


def test_lint_has_a_budget_for_catastrophic_rules() -> None:
    """Lint on 20 catastrophic rules stays within its overall budget (about 254 ms a rule
    before), and still reports RW203 on the first ones."""
    sources = [f"/r{i}/:a{{-:b}}*{{-:c}}*" for i in range(20)]
    router = Router.from_next_config(
        {"rewrites": [{"source": s, "destination": "/x"} for s in sources]}
    )
    took, found = cpu_seconds(lambda: rewrites.lint.lint(router))
    assert not isinstance(found, Exception), found
    assert any(d.code == "RW203" for d in found)
    assert took < rewrites.lint.BACKTRACKING_BUDGET + 3
