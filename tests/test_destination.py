"""Destinations: `:param` rendering, query rules, and the `$N` extension."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import rewrites
from rewrites import Kind
from rewrites._destination import RenderError, Template, _mark, _plain, is_literal
from rewrites._js.url import URLError


def proxy(source: str, destination: str, url: str, **options: bool) -> str:
    """Where a one-rule table proxies `url`."""
    table = rewrites.Router.from_next_config(
        {"rewrites": [{"source": source, "destination": destination}]}, **options
    )
    got = table.resolve(url)
    assert got.kind is Kind.PROXIED, got
    return got.url


@pytest.mark.parametrize(
    ("source", "destination", "url", "expected"),
    [
        ("/a/:x", "https://e.com/$1", "/a/v", "https://e.com/v"),
        ("/a/:x", "https://e.com/${1}0", "/a/v", "https://e.com/v0"),
        ("/a/:x/:y", "https://e.com/$2/$1", "/a/1/2", "https://e.com/2/1"),
        ("/a/(.*)", "https://e.com/$1", "/a/b/c", "https://e.com/b/c"),
        ("/a/:p*", "https://e.com/x/$1", "/a/b/c", "https://e.com/x/b/c"),
        ("/a/:p*", "https://e.com/x/$1", "/a", "https://e.com/x/"),
        ("/a/:x", "https://e.com/price$/$1", "/a/v", "https://e.com/price$/v"),
        ("/a/:x", "https://e.com/p?q=$1", "/a/v", "https://e.com/p?q=v"),
        ("/a/:x", "https://$1.e.com/", "/a/acme", "https://acme.e.com/"),
        ("/a/:x", "https://e.com/#$1", "/a/v", "https://e.com/#v"),
    ],
)
def test_positional_references(source: str, destination: str, url: str, expected: str) -> None:
    """$N and ${N} take the N-th parameter; repeated ones join with '/'; absent ones are empty."""
    assert proxy(source, destination, url) == expected


def test_seed_rule_substitutes_dollar_one() -> None:
    """The seed's fixed rule sends /api/users and /api/trades/123?x=1 where it was meant to."""
    source, dest = "/api/((?!auth).*)/:path*", "http://localhost:3001/api/$1/:path*"
    assert proxy(source, dest, "/api/users") == "http://localhost:3001/api/users"
    assert proxy(source, dest, "/api/trades/123?x=1") == "http://localhost:3001/api/trades/123?x=1"


def test_positional_refs_off_keeps_dollar_literal() -> None:
    """positional_refs=False is Next.js: '$1' is text."""
    assert proxy("/a/:x", "https://e.com/$1", "/a/v", positional_refs=False) == (
        "https://e.com/$1?x=v"
    )


def test_a_value_holding_dollar_one_is_not_expanded_again() -> None:
    """Rendering is one pass over tokens: '$1' inside a captured value stays as it is."""
    assert proxy("/a/:x/:y", "https://e.com/$2/:x", "/a/$1/w") == "https://e.com/w/$1"


def test_a_dollar_reference_counts_as_using_the_param() -> None:
    """A named param used through $N is not appended to the query again."""
    assert proxy("/a/:x", "https://e.com/$1", "/a/v") == "https://e.com/v"


@pytest.mark.parametrize(
    ("destination", "message"),
    [
        ("https://e.com/$2", "`$2` refers to parameter 2, but the source has 1"),
        ("https://e.com/$0", "`$0` refers to parameter 0, but the source has 1"),
        (
            "https://e.com/$12",
            "`$12` refers to parameter 12, but the source has 1; write `${1}` for parameter 1 "
            "followed by digits",
        ),
    ],
)
def test_bad_positional_references_are_config_errors(destination: str, message: str) -> None:
    """A $N past the source's parameters can never render: a warning with the fix, and with
    early_errors a ConfigError."""
    config = {"rewrites": [{"source": "/a/:x", "destination": destination}]}
    with pytest.raises(rewrites.ConfigError) as info:
        rewrites.Router.from_next_config(config, early_errors=True)
    assert info.value.problems[0].message == message
    (warning,) = rewrites.Router.from_next_config(config).warnings
    assert warning.message == f"{message} (Next.js fails every request this rule matches)"


def test_unused_params_are_appended_to_a_rewrite_query() -> None:
    """When no param appears in path, host or hash, all of them go to the query."""
    assert proxy("/old/:slug", "https://e.com/new", "/old/a") == "https://e.com/new?slug=a"


def test_destination_query_wins_over_the_request_query() -> None:
    """The destination's query values override the request's."""
    assert proxy("/s", "https://e.com/s?q=dest", "/s?q=req&r=1") == "https://e.com/s?q=dest&r=1"


def test_host_values_are_encoded() -> None:
    """A param in the hostname is encodeURIComponent-ed, as Next.js does."""
    assert proxy("/:sub/x", "https://:sub.e.com/", "/Acme/x") == "https://acme.e.com/"


def test_path_values_are_inserted_raw() -> None:
    """Captured path values keep their escapes: no decoding, no re-encoding."""
    assert proxy("/sp/:slug", "https://e.com/:slug", "/sp/a%2Fb") == "https://e.com/a%2Fb"


# --- laws -------------------------------------------------------------------------------------

SEGMENT = st.text(alphabet="abcXYZ019-._~", min_size=1, max_size=5)


@settings(max_examples=150)
@given(
    names=st.lists(st.sampled_from(["a", "b", "c", "slug"]), min_size=1, max_size=3, unique=True),
    repeat=st.booleans(),
    values=st.lists(SEGMENT, min_size=4, max_size=4),
    tail=st.lists(SEGMENT, max_size=3),
)
def test_dollar_and_name_render_the_same_text(
    names: list[str], repeat: bool, values: list[str], tail: list[str]
) -> None:
    """A `$N` and the `:name` it points to render the same text, for every request."""
    source = "/r" + "".join(f"/:{n}" for n in names) + ("/:rest*" if repeat else "")
    keys = [*names, "rest"] if repeat else names
    by_name = "/".join(f":{k}*" if k == "rest" else f":{k}" for k in keys)
    by_position = "/".join(f"${i}" for i in range(1, len(keys) + 1))
    url = "/r/" + "/".join(values[: len(names)] + (tail if repeat else []))
    config = {
        "rewrites": [
            {"source": source, "destination": f"https://e.com/n/{by_name}"},
        ]
    }
    other = {"rewrites": [{"source": source, "destination": f"https://e.com/n/{by_position}"}]}
    named = rewrites.Router.from_next_config(config).resolve(url)
    positional = rewrites.Router.from_next_config(other).resolve(url)
    # ':rest*' renders '/a/b' (its prefix included) and '$N' renders 'a/b': same text, and both
    # leave nothing when rest is absent, except the '/' the template writes before '$N'.
    assert named.url.rstrip("/") == positional.url.rstrip("/")


@settings(max_examples=150)
@given(
    source=st.sampled_from(
        ["/a/:x", "/a/:x/:rest*", "/b/(.*)", "/c/:id(\\d+)/:tail+", "/d/:x.:ext", "/e{-:v}?/:p"]
    ),
    path=st.lists(SEGMENT, min_size=0, max_size=4),
)
def test_rendering_never_raises_for_a_rule_that_validated(source: str, path: list[str]) -> None:
    """A destination built from the source's own keys renders for every path the source matches."""
    pattern = rewrites.compile(source)
    parts = []
    for number, key in enumerate(pattern.keys, 1):
        if isinstance(key.name, int) or key.optional:
            parts.append(f"${number}")
        else:
            parts.append(f":{key.name}{'+' if key.repeat else ''}")
    destination = "https://e.com/" + "/".join(parts) + "?q=$1"
    table = rewrites.Router.from_next_config(
        {"rewrites": [{"source": source, "destination": destination}]}
    )
    got = table.resolve("/" + "/".join(path))
    assert got.kind in (Kind.PROXIED, Kind.LOCAL, Kind.REDIRECT)


#: Pieces of destinations at the edge of the plain fast path: schemes, hosts that need
#: normalising (upper case, IPv4 look-alikes, punycode, default ports), path characters the URL
#: parser encodes or resolves, parameters, queries and fragments.
_DESTINATION_HEADS = [
    "/",
    "https://e.com",
    "http://a-b.example:8080",
    "https://E.com",
    "http://1.2",
]
_DESTINATION_HEADS += [
    "https://xn--nxasmq6b.com",
    "https://e.com:443",
    "http://e.com:80",
    "ftp://e",
]
_DESTINATION_PIECES = ["/", "a", "B", "-", ".", "..", "%41", "é", " ", ":id", ":p*", "(", ")", "+"]
_DESTINATION_PIECES += ["~", "@", "!", ",", ";", "=", "?q=1", "#h", "$1", "\\", "__ESC_COLON_x"]


@given(
    st.sampled_from(_DESTINATION_HEADS),
    st.lists(st.sampled_from(_DESTINATION_PIECES), max_size=6).map("".join),
    st.sampled_from([(), ("id",), ("id", "p")]),
)
@example("/", "$1", ())
@example("/", "a/:id", ("id",))
@example("https://E.com", "a", ())
@example("https://e.com:443", "", ())
@example("/", "a/(", ())
@settings(max_examples=300)
def test_the_plain_destination_fast_path_parses_as_the_url_parser_does(
    head: str, rest: str, names: tuple[str, ...]
) -> None:
    """A destination parsed without the URL parser gives what the URL parser gives; one that is
    literal (skipped at load) has no parameter and renders to itself."""
    destination = head + ("/" if head != "/" and rest and rest[0] not in "/?#" else "") + rest
    template = Template(destination, names)
    hidden = _mark(template.text, names)
    if _plain(template.text) is None:
        assert not is_literal(destination)
        return
    try:
        expected = template._parse_url(hidden)
    except URLError:
        pytest.fail(f"the fast path takes {destination!r}, which the URL parser refuses")
    except rewrites.PatternError as exc:  # a path that is no template: both must say so
        with pytest.raises(rewrites.PatternError) as info:
            template._parse(hidden)
        assert str(info.value) == str(exc)
        assert not is_literal(destination)
        return
    assert template._parse(hidden) == expected
    if is_literal(destination):
        assert not template.refs
        assert not expected.dest_params
        assert all(isinstance(t, str) for t in expected.path.tokens)


_PARAM_NAMES = ["id", "p", "path", "toString", "nextInternalLocale"]
_PARAM_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["x", "a#b", "a/b", "é", "", "%2F", "1"]),
    st.lists(st.sampled_from(["x", "y#", "é"]), max_size=3),
    st.tuples(st.sampled_from(["x", "y"])),
)


@given(
    st.sampled_from(_DESTINATION_HEADS),
    st.lists(st.sampled_from(_DESTINATION_PIECES), max_size=6).map("".join),
    st.dictionaries(
        st.sampled_from(["id", "p", "path", "toString", "nextInternalLocale"]), _PARAM_VALUES
    ),
    st.dictionaries(st.sampled_from(["id", "q", "constructor"]), st.sampled_from(["1", "", "a b"])),
    st.booleans(),
)
@settings(max_examples=400)
def test_a_destination_parsed_once_renders_as_one_parsed_per_request(
    head: str, rest: str, params: dict[str, object], query: dict[str, str], append: bool
) -> None:
    """A destination every request parses alike (kept parsed, rendered in one loop) renders what
    the general way renders (parse per request's names, then every piece), or fails alike."""
    destination = head + ("/" if head != "/" and rest and rest[0] not in "/?#" else "") + rest
    fast = Template(destination, ("id", "p", "path"))
    slow = Template(destination, ("id", "p", "path"))
    text, refs, _ = slow._encode()
    object.__setattr__(slow, "_encoded", (text, refs, None))  # the general way only
    groups = [v if not isinstance(v, list) else tuple(v) for v in params.values()]

    def rendered(template: Template) -> object:
        try:
            return template.render(params, groups, query, append=append)  # type: ignore[arg-type]
        except (RenderError, rewrites.PatternError, URLError) as exc:
            return type(exc).__name__, str(exc)

    assert rendered(fast) == rendered(slow)


#: Pieces of bare paths, most of them parsed once (`_plain`), with params.
_PATH_PIECES = ["/", "a", "B", "-", ".", "..", "%41", "é", ":id", ":p*", ":path", "(", ")", "+"]
_PATH_PIECES += ["~", "@", "!", ",", ";", "=", "#h", "\\", ":id/x", "/:p?", "/:path+"]
#: What comes before the path: nothing, or a plain origin (and a few that are not plain).
_ORIGINS = ["", "", "https://e.com", "http://a-b.example:8080", "https://E.com", "http://e.com:80"]


@given(
    st.sampled_from(_ORIGINS),
    st.lists(st.sampled_from(_PATH_PIECES), max_size=6).map("".join),
    st.dictionaries(st.sampled_from(_PARAM_NAMES), _PARAM_VALUES),
    st.booleans(),
)
@settings(max_examples=500, suppress_health_check=[HealthCheck.filter_too_much])
def test_a_plain_target_is_what_a_request_without_a_query_renders(
    origin: str, rest: str, params: dict[str, object], append: bool
) -> None:
    """Where `plain_target` answers (a destination parsed once, plain params that a rewrite
    would not append), the general render for a request with no query gives that origin (as
    url.format writes it) and path (its hash split off), and no query."""
    destination = origin + "/" + rest.lstrip("/")
    slow = Template(destination, ("id", "p", "path"))
    text, refs, _ = slow._encode()
    object.__setattr__(slow, "_encoded", (text, refs, None))  # the general way only
    fast = Template(destination, ("id", "p", "path"))
    target = fast.plain_target(params, append)  # type: ignore[arg-type]
    assume(target is not None)
    assert target is not None
    groups = [v if not isinstance(v, list) else tuple(v) for v in params.values()]
    got = slow.render(params, groups, {}, append=append)  # type: ignore[arg-type]
    host = f"{got.protocol}//{got.hostname}{':' + got.port if got.port else ''}"
    pathname, _, hash_ = target[1].partition("#")
    rest_ = hash_.split("#", 1)[0]
    assert (target[0], got.pathname, got.hash, got.query) == (
        host if got.external else "",
        pathname,
        f"#{rest_}" if rest_ else "",
        {},
    )
