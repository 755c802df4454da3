#!/usr/bin/env python3
"""Generate ``i18n.json``: conformance vectors for i18n routing (Pages Router locales).

Every answer comes from the Next.js oracle (``resolve.js`` in the shared oracle directory, which
runs next@16.4.6's own i18n handling: loadConfig's checks, load-custom-routes' locale prefixes and
default-locale redirect copies, router-server's locale redirect, resolve-routes' default-locale
prefix and ``checkLocaleApi``, filesystem.js ``getItem`` with locales).

What is generated:

* **Hand-written configs**: the oracle self-test's i18n suites (detection by path, the
  ``NEXT_LOCALE`` cookie, ``accept-language`` and the domain; ``locale: false`` rules; API routes;
  public files and data routes under locales; domains with basePath; ``localeDetection: false``;
  ``trailingSlash``), accept-language and cookie parsing edge cases, redirect copies with
  conditions and status codes, ``assetPrefix``, ``caseSensitiveRoutes``, locales written in mixed
  case, a forgotten ``locale: false``, cal.com's real ``i18n`` block and rules
  (apps/web/next.config.js), and invalid i18n configs (``setup_error``).
* **Random configs** from fixed seeds (``random.Random(seed)``): a locale set (its default not
  always first), maybe domains, basePath, trailingSlash, localeDetection; rewrites (internal and
  external, some ``locale: false``), redirects, header rules, routes, public files and data
  routes; requests with and without a locale (in any case), cookies, accept-language headers
  and hosts.

Output format (read by tests/test_i18n.py)::

    {"generator": "tests/vectors/gen_i18n.py", "oracle": "next@16.4.6 resolve.js",
     "configs": [{"name", "config", "routes", "public_files"?, "data_routes"?,
                  "requests": [{"url", "headers"}], "results": [<oracle JSON line>]}]}

Re-run (needs node and the oracle set up, see the oracle README)::

    python3 tests/vectors/gen_i18n.py [--oracle ../shared/oracle] [--out tests/vectors/i18n.json]

Re-running gives byte-identical output. Python 3.11, stdlib only.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from _resolve_oracle import generate

GENERATOR = "tests/vectors/gen_i18n.py"
RANDOM_SEEDS = range(1, 31)

Req = dict[str, Any]


def req(url: str, **headers: str) -> Req:
    return {"url": url, "headers": {k.replace("_", "-"): v for k, v in headers.items()}}


def reqs(*urls: str) -> list[Req]:
    return [req(u) for u in urls]


def entry(
    name: str, config: dict[str, Any], routes: list[str], requests: list[Req], **extra: Any
) -> dict[str, Any]:
    out = {"name": name, "config": config, "routes": routes, "requests": requests}
    out.update(extra)
    return out


# ----------------------------------------------------------------------------
# hand-written configs
# ----------------------------------------------------------------------------


def selftest_configs() -> list[dict[str, Any]]:
    basic = {
        "i18n": {"locales": ["en", "fr", "nl-NL"], "defaultLocale": "en"},
        "rewrites": [
            {"source": "/old/:p", "destination": "/about"},
            {"source": "/nolocale", "destination": "/about", "locale": False},
            {"source": "/en/legacy", "destination": "/en/about", "locale": False},
            {"source": "/fr/legacy", "destination": "/about", "locale": False},
        ],
        "redirects": [{"source": "/r", "destination": "/about", "permanent": False}],
        "headers": [
            {"source": "/about", "headers": [{"key": "x-about", "value": "1"}]},
            {"source": "/:path*", "locale": False, "headers": [{"key": "x-all", "value": "1"}]},
        ],
    }
    routes = ["/", "/about", "/blog/[slug]", "/api/hello"]
    requests = [
        req("/"),
        req("/", accept_language="fr;q=0.9, en;q=0.8"),
        req("/", accept_language="de, nl-NL;q=0.5"),
        req("/", cookie="NEXT_LOCALE=nl-nl"),
        req("/", cookie="NEXT_LOCALE=de", accept_language="fr"),
        req("/", cookie="NEXT_LOCALE=en", accept_language="fr"),
        req("/?x=1", accept_language="fr"),
        req("/index", accept_language="fr"),
        req("/index/", accept_language="fr"),
        req("/fr", accept_language="nl-NL"),
        req("/about", accept_language="fr"),
        *reqs(
            "/nl-nl/about",
            "/NL-NL/about",
            "/de/about",
            "/fr/blog/x",
            "/blog/x",
            "/FR/blog/x%20y",
            "/api/hello",
            "/fr/api/hello",
            "/en/api/hello",
            "/fr/old/1",
            "/old/1",
            "/nolocale",
            "/en/nolocale",
            "/legacy",
            "/en/legacy",
            "/fr/legacy",
            "/r",
            "/fr/r",
            "/en/r",
            "/r/",
            "/robots.txt",
            "/en/robots.txt",
            "/fr/robots.txt",
            "/_next/data/BUILD/fr/about.json",
            "/_next/data/BUILD/en/blog/x.json",
            "/_next/data/BUILD/blog/x.json",
            "/_next/data/BUILD/about.json",
            "/_next/data/BUILD/fr.json",
            "/_next/data/BUILD/index.json",
            "/fr/about/",
            "/en",
            "/en/",
            "/fr/",
            "/about?x=1&x=2",
            "/_next/image?url=/a.png",
            "/_next/static/x.js",
        ),
    ]
    domains = {
        "basePath": "/docs",
        "i18n": {
            "locales": ["en-US", "fr", "nl-NL", "nl-BE"],
            "defaultLocale": "en-US",
            "domains": [
                {"domain": "example.com", "defaultLocale": "en-US"},
                {"domain": "example.fr", "defaultLocale": "fr", "http": True},
                {"domain": "example.nl", "defaultLocale": "nl-NL", "locales": ["nl-BE"]},
            ],
        },
        "redirects": [{"source": "/old", "destination": "/about", "permanent": True}],
        "rewrites": [{"source": "/team", "destination": "/about"}],
    }
    hosts = ["example.com", "example.fr", "example.nl", "other.com", "EXAMPLE.FR:3000"]
    domain_requests: list[Req] = []
    for host in hosts:
        domain_requests += [
            req("/docs", host=host),
            req("/docs", host=host, accept_language="fr"),
            req("/docs", host=host, accept_language="nl-BE"),
            req("/docs", host=host, accept_language="nl"),
            req("/docs", host=host, cookie="NEXT_LOCALE=fr"),
            req("/docs/about", host=host),
            req("/docs/old", host=host),
            req("/docs/fr/old", host=host),
            req("/docs/team", host=host),
        ]
    domain_requests += [
        req("/", host="other.com", accept_language="fr"),
        req("/docs?x=1", host="other.com", accept_language="nl-BE"),
        req("/docs", host="other.com", cookie="NEXT_LOCALE=nl-be"),
        req("/docs/fr/about", host="example.com"),
        req("/docs/api/hi", host="example.fr"),
        req("/docs/fr/api/hi", host="example.fr"),
        req("/docs/logo.txt", host="example.fr"),
        req("/docs/en-US/logo.txt", host="example.com"),
        req("/docs/fr/logo.txt", host="other.com"),
        req("/docs/nl-BE/logo.txt", host="other.com"),
        req("/en-US/about", host="example.com"),
        req("/docs/", host="example.com"),
        req("/docs/en-US", host="example.fr"),
        req("/docs/_next/data/BUILD/fr/about.json", host="example.com"),
        req("/docs/_next/data/BUILD/about.json", host="example.fr"),
        req("/docs/index", host="example.nl", accept_language="nl-BE"),
        req("/docs", accept_language="fr"),
    ]
    no_detection = {
        "trailingSlash": True,
        "i18n": {"locales": ["en", "de"], "defaultLocale": "en", "localeDetection": False},
    }
    slash_detection = {
        "trailingSlash": True,
        "i18n": {"locales": ["en", "de"], "defaultLocale": "en"},
    }
    slash_requests = [
        req("/", accept_language="de"),
        req("/", cookie="NEXT_LOCALE=de"),
        req("/?a=b", cookie="NEXT_LOCALE=de"),
        req("/about/", accept_language="de"),
        *reqs(
            "/de",
            "/de/",
            "/about",
            "/about/",
            "/de/about/",
            "/de/about",
            "/en/",
            "/en",
            "/robots.txt",
            "/robots.txt/",
            "/en/robots.txt/",
            "/x.json",
            "/de/x.json/",
            "/_next/data/BUILD/de/about.json",
            "/_next/data/BUILD/about.json",
            "/.well-known/x",
            "/de/.well-known/x/",
        ),
    ]
    return [
        entry(
            "selftest-basic",
            basic,
            routes,
            requests,
            public_files=["/robots.txt"],
            data_routes=["/", "/about", "/blog/[slug]"],
        ),
        entry(
            "selftest-domains",
            domains,
            ["/", "/about", "/api/hi"],
            domain_requests,
            public_files=["/logo.txt"],
            data_routes=["/", "/about"],
        ),
        entry(
            "selftest-no-detection",
            no_detection,
            ["/", "/about"],
            slash_requests,
            public_files=["/robots.txt"],
            data_routes=["/", "/about"],
        ),
        entry(
            "selftest-slash-detection",
            slash_detection,
            ["/", "/about"],
            slash_requests,
            public_files=["/robots.txt"],
            data_routes=["/", "/about"],
        ),
    ]


ACCEPT = [
    "fr",
    "FR",
    "fr-CA",
    "fr-ca, en;q=0.5",
    "de",
    "de, fr;q=0.1",
    "*",
    "*;q=0.5, de",
    "de, *",
    "en;q=0, fr",
    "fr;q=0, *",
    "nl",
    "nl-BE",
    "nl-be;q=0.8, nl-nl;q=0.9",
    "zh-Hant-TW",
    "zh",
    "zh-hant",
    "pt-BR,pt;q=0.9",
    "fr;q=abc",
    "fr;q=2, nl-NL;q=0.999",
    "fr;q=0.0001, nl-NL;q=0.001",
    "fr;x=1",
    "fr;q=",
    "fr;q=0.5;level=1",
    ";q=0.5",
    ",,fr,,",
    " fr ,\ten ",
    "fr;Q=0.5, nl-NL",
    "fr;q=1e-3, nl-NL;q=.002",
    "fr;q=0.5, nl-NL;q=0.5",
    "nl-NL;q=0.5, fr;q=0.5",
    "",
    "xx, yy",
    "fr;q=-1",
    "fr;q=Infinity, nl-NL",
]

COOKIES = [
    "NEXT_LOCALE=fr",
    "NEXT_LOCALE=FR",
    "NEXT_LOCALE=nl-nl",
    "NEXT_LOCALE=xx",
    "NEXT_LOCALE=",
    'NEXT_LOCALE="fr"',
    "NEXT_LOCALE=%66r",
    "a=1; NEXT_LOCALE=zh-hant-tw",
    "NEXT_LOCALE=fr; NEXT_LOCALE=nl-NL",
    "next_locale=fr",
    "NEXT_LOCALE = fr",
    "NEXT_LOCALE=en",
    "NEXT_LOCALE=%E0%A4%A",
]


def detection_configs() -> list[dict[str, Any]]:
    i18n = {"locales": ["en", "fr", "nl-NL", "zh-Hant-TW", "pt"], "defaultLocale": "en"}
    requests = [req("/", accept_language=a) for a in ACCEPT]
    requests += [req("/", cookie=c) for c in COOKIES]
    requests += [req("/", cookie=c, accept_language="nl-NL") for c in COOKIES[:6]]
    requests += [
        req(u, accept_language="fr")
        for u in ("/index", "/index/", "//", "/?q=%20x", "/#h", "/index?x")
    ]
    swapped = {"locales": ["fr", "nl-NL", "en", "zh-Hant-TW"], "defaultLocale": "en"}
    swapped_requests = [req("/", accept_language=a) for a in ACCEPT[::2]]
    swapped_requests += reqs("/", "/EN", "/Zh-hant-tw/about", "/zh-Hant-TW", "/pt/about")
    return [
        entry("accept-language", {"i18n": i18n}, ["/", "/about"], requests),
        entry("default-not-first", {"i18n": swapped}, ["/", "/about"], swapped_requests),
    ]


def redirect_configs() -> list[dict[str, Any]]:
    config = {
        "i18n": {
            "locales": ["en", "fr", "de"],
            "defaultLocale": "en",
            "domains": [{"domain": "fr.example.com", "defaultLocale": "fr"}],
        },
        "redirects": [
            {"source": "/a", "destination": "/b", "permanent": True},
            {"source": "/c/:slug", "destination": "/d/:slug?x=1", "statusCode": 301},
            {"source": "/ext", "destination": "https://example.org/ext", "permanent": False},
            {"source": "/nol", "destination": "/b", "permanent": False, "locale": False},
            {"source": "/en/lf", "destination": "/en/b", "permanent": False, "locale": False},
            {
                "source": "/has",
                "destination": "/b",
                "permanent": False,
                "has": [{"type": "query", "key": "go"}],
            },
            {"source": "/", "destination": "/home", "permanent": False},
            {"source": "/to-root", "destination": "/", "permanent": False},
            {"source": "/:loc(en|fr)/twice", "destination": "/b", "permanent": False},
        ],
        "rewrites": [{"source": "/home", "destination": "/"}],
    }
    urls = [
        "/a",
        "/fr/a",
        "/de/a",
        "/en/a",
        "/A",
        "/FR/a",
        "/c/x",
        "/fr/c/x?y=2",
        "/ext",
        "/de/ext",
        "/nol",
        "/fr/nol",
        "/en/lf",
        "/lf",
        "/has?go=1",
        "/fr/has?go=1",
        "/has",
        "/en",
        "/fr",
        "/de",
        "/de/",
        "/home",
        "/to-root",
        "/fr/to-root",
        "/twice",
        "/fr/twice",
        "/en/fr/twice",
        "/fr/en/twice",
        "/a/",
    ]
    requests = reqs(*urls) + [
        req(u, host="fr.example.com") for u in ("/a", "/fr/a", "/de/a", "/", "/fr")
    ]
    slash = dict(config, trailingSlash=True)
    slash_requests = reqs(*[u if u.endswith("/") else u + "/" for u in urls[:12]], "/a", "/fr/a")
    based = dict(config, basePath="/base")
    based_requests = reqs(*["/base" + u for u in urls[:14]], "/a", "/base", "/base/")
    return [
        entry("redirect-copies", config, ["/", "/b", "/d/[slug]", "/home"], requests),
        entry("redirect-copies-slash", slash, ["/", "/b", "/d/[slug]", "/home"], slash_requests),
        entry("redirect-copies-basepath", based, ["/", "/b", "/d/[slug]", "/home"], based_requests),
    ]


def misc_configs() -> list[dict[str, Any]]:
    forgot = {
        "i18n": {"locales": ["en", "fr"], "defaultLocale": "en"},
        "rewrites": [
            {"source": "/en/about-us", "destination": "/about"},
            {"source": "/fr/a-propos", "destination": "/about"},
            {"source": "/:lang(en|fr)/team", "destination": "/about"},
            {"source": "/fr/ok", "destination": "/about", "locale": False},
        ],
        "headers": [{"source": "/fr/:path*", "headers": [{"key": "x-fr", "value": "1"}]}],
    }
    forgot_requests = reqs(
        "/en/about-us",
        "/about-us",
        "/fr/a-propos",
        "/fr/fr/a-propos",
        "/en/fr/a-propos",
        "/fr/team",
        "/team",
        "/en/en/team",
        "/fr/ok",
        "/ok",
        "/fr/x",
        "/fr/fr/x",
        "/x",
    )
    asset = {"assetPrefix": "/cdn", "i18n": {"locales": ["en", "fr"], "defaultLocale": "en"}}
    asset_requests = reqs(
        "/cdn/about", "/cdn/fr/about", "/cdn/_next/static/x.js", "/about", "/cdn", "/fr/cdn/about"
    )
    case = {
        "caseSensitiveRoutes": True,
        "i18n": {"locales": ["en-GB", "fr"], "defaultLocale": "en-GB"},
        "rewrites": [{"source": "/Team", "destination": "/about"}],
        "headers": [{"source": "/About", "headers": [{"key": "x-a", "value": "1"}]}],
    }
    case_requests = reqs(
        "/Team",
        "/team",
        "/EN-gb/Team",
        "/en-gb/team",
        "/fr/Team",
        "/FR/About",
        "/About",
        "/about",
        "/en-GB/about",
    )
    skip = {
        "skipTrailingSlashRedirect": True,
        "i18n": {"locales": ["en", "fr"], "defaultLocale": "en"},
        "rewrites": [{"source": "/x/", "destination": "/about"}],
    }
    skip_requests = reqs("/about/", "/fr/about/", "/x/", "/x", "/fr/x/", "/", "/fr/")
    api = {
        "i18n": {"locales": ["en", "fr"], "defaultLocale": "en"},
        "rewrites": {
            "beforeFiles": [{"source": "/bf/:p", "destination": "/api/:p"}],
            "afterFiles": [
                {"source": "/af/:p", "destination": "/api/:p"},
                {"source": "/raw/:p", "destination": "/api/:p", "locale": False},
                {"source": "/fr/api/:p", "destination": "/api/:p", "locale": False},
            ],
            "fallback": [{"source": "/:path*", "destination": "https://legacy.example.com/:path*"}],
        },
    }
    api_requests = reqs(
        "/api/x",
        "/fr/api/x",
        "/en/api/x",
        "/bf/x",
        "/fr/bf/x",
        "/af/x",
        "/fr/af/x",
        "/raw/x",
        "/en/raw/x",
        "/nothing",
        "/fr/nothing",
        "/api/missing",
        "/fr/api/missing",
        "/api",
        "/fr/api",
    )
    public = {
        "i18n": {
            "locales": ["en", "fr", "de"],
            "defaultLocale": "en",
            "domains": [{"domain": "de.example.com", "defaultLocale": "de"}],
        },
        "rewrites": {"beforeFiles": [{"source": "/shadow.txt", "destination": "/about"}]},
    }
    public_requests = reqs(
        "/a.txt",
        "/en/a.txt",
        "/fr/a.txt",
        "/de/a.txt",
        "/img/x%20y.png",
        "/fr/img/x%20y.png",
        "/de/img/x y.png",
        "/shadow.txt",
        "/fr/shadow.txt",
        "/a.txt/",
        "/EN/a.txt",
        "/any/thing",
    ) + [
        req("/a.txt", host="de.example.com"),
        req("/de/a.txt", host="de.example.com"),
        req("/fr/a.txt", host="de.example.com"),
    ]
    catchall = {"i18n": {"locales": ["en", "fr"], "defaultLocale": "en"}}
    catchall_requests = reqs(
        "/",
        "/fr",
        "/a/b",
        "/fr/a/b",
        "/_next/data/BUILD/a/b.json",
        "/_next/data/BUILD/fr/a/b.json",
        "/_next/data/BUILD/en.json",
        "/_next/data/BUILD/fr/index.json",
        "/_next/data/OTHER/fr/a.json",
        "/_next/data/BUILD/fr/%E0%A4%A.json",
        "/fr/%E0%A4%A",
        "/en/_next/data/BUILD/about.json",
        "/_next/data/BUILD/en/en/a.json",
        "/docs",
        "/fr/docs/x/y",
        "/_next/data/BUILD/fr/docs.json",
        "/_next/data/BUILD/docs/x.json",
    )
    return [
        entry("forgot-locale-false", forgot, ["/", "/about"], forgot_requests),
        entry("asset-prefix", asset, ["/", "/about"], asset_requests),
        entry("case-sensitive", case, ["/", "/about", "/Team"], case_requests),
        entry("skip-trailing-slash", skip, ["/", "/about"], skip_requests),
        entry("api-routes", api, ["/", "/api/x"], api_requests),
        entry(
            "public-files",
            public,
            ["/", "/about"],
            public_requests,
            public_files=["/a.txt", "/img/x y.png", "/shadow.txt"],
        ),
        entry(
            "catch-all-data",
            catchall,
            ["/", "/[...slug]", "/docs/[[...p]]"],
            catchall_requests,
            data_routes=["/", "/[...slug]", "/docs/[[...p]]"],
        ),
    ]


def calcom_config() -> dict[str, Any]:
    """cal.com's apps/web/next.config.js (its i18n block and the routing rules, as their
    functions return them with no env set): tests/vectors/calcom.json."""
    here = Path(__file__).resolve().parent
    data = json.loads((here / "calcom.json").read_text("utf-8"))
    config = data["config"]
    requests = [req(u) for u in data["requests"]]
    requests += [req(u, cookie="new-booker-enabled=1") for u in data["cookie_requests"]]
    requests += [
        req("/", accept_language="fr"),
        req("/", cookie="NEXT_LOCALE=de"),
        req("/", accept_language="pt-BR"),
        req("/", accept_language="zh-TW"),
        req("/apps", accept_language="es"),
    ]
    return entry("calcom", config, data["routes"], requests)


def invalid_configs() -> list[dict[str, Any]]:
    bad = [
        {"locales": ["en", "fr"], "defaultLocale": "de"},
        {"locales": ["en", "EN"], "defaultLocale": "en"},
        {"locales": "en", "defaultLocale": "en"},
        {"locales": ["en"], "defaultLocale": ""},
        {"locales": ["en", 1], "defaultLocale": "en"},
        {"locales": ["en"], "defaultLocale": "en", "localeDetection": "no"},
        {"locales": ["en"], "defaultLocale": "en", "domains": {"domain": "x.com"}},
        {
            "locales": ["en", "fr"],
            "defaultLocale": "en",
            "domains": [{"domain": "x.com:80", "defaultLocale": "fr"}],
        },
        {"locales": ["en", "fr"], "defaultLocale": "en", "domains": [{"domain": "x.com"}]},
        {
            "locales": ["en", "fr", "de"],
            "defaultLocale": "en",
            "domains": [
                {"domain": "x.com", "defaultLocale": "fr", "locales": ["de"]},
                {"domain": "y.com", "defaultLocale": "en", "locales": ["de"]},
            ],
        },
    ]
    out = [
        entry(f"invalid-i18n-{n}", {"i18n": i18n}, ["/"], reqs("/", "/about"))
        for n, i18n in enumerate(bad)
    ]
    out.append(
        entry(
            "invalid-locale-true",
            {
                "i18n": {"locales": ["en"], "defaultLocale": "en"},
                "rewrites": [{"source": "/a", "destination": "/b", "locale": True}],
            },
            ["/"],
            reqs("/a"),
        )
    )
    return out


# ----------------------------------------------------------------------------
# random configs
# ----------------------------------------------------------------------------

LOCALE_POOL = [
    "en",
    "en-US",
    "en-GB",
    "fr",
    "fr-CA",
    "de",
    "nl-NL",
    "nl-BE",
    "es",
    "pt-BR",
    "ja",
    "zh-Hant",
]
SEGS = ["about", "blog", "docs", "shop", "team", "api", "legal", "news", "x", "p"]
EXT = ["https://api.example.com", "http://localhost:3001"]


class RandomConfig:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.r = random.Random(seed)

    def build(self) -> dict[str, Any]:
        r = self.r
        locales = r.sample(LOCALE_POOL, r.randint(2, 4))
        default = r.choice(locales)
        i18n: dict[str, Any] = {"locales": locales, "defaultLocale": default}
        if r.random() < 0.25:
            i18n["localeDetection"] = False
        domains: list[dict[str, Any]] = []
        if r.random() < 0.35:
            others = [x for x in locales if x != default]
            domains.append({"domain": "site.example.com", "defaultLocale": default})
            if others:
                extra = {"domain": "other.example.org", "defaultLocale": others[0]}
                if r.random() < 0.5:
                    extra["http"] = True
                if len(others) > 1 and r.random() < 0.5:
                    extra["locales"] = [others[1]]
                domains.append(extra)
            i18n["domains"] = domains
        config: dict[str, Any] = {"i18n": i18n}
        base = "/base" if r.random() < 0.3 else ""
        if base:
            config["basePath"] = base
        if r.random() < 0.3:
            config["trailingSlash"] = True
        routes = ["/", "/about", "/api/hello", "/blog/[slug]"]
        if r.random() < 0.5:
            routes.append("/docs/[[...path]]")
        if r.random() < 0.4:
            routes.append("/shop/[...items]")
        rewrites = []
        for _ in range(r.randint(1, 4)):
            seg = r.choice(SEGS)
            rule: dict[str, Any] = {"source": f"/{seg}-old/:p"}
            kind = r.random()
            if kind < 0.5:
                rule["destination"] = r.choice(["/about", "/blog/:p", "/api/hello?from=:p"])
            else:
                rule["destination"] = f"{r.choice(EXT)}/{seg}/:p"
            if r.random() < 0.3:
                rule["locale"] = False
                if r.random() < 0.5:
                    rule["source"] = f"/{r.choice(locales)}{rule['source']}"
            rewrites.append(rule)
        redirects = []
        for _ in range(r.randint(0, 3)):
            seg = r.choice(SEGS)
            red: dict[str, Any] = {
                "source": f"/go-{seg}",
                "destination": r.choice(["/about", f"/blog/{seg}", "https://example.org/x", "/"]),
                "permanent": r.random() < 0.5,
            }
            if r.random() < 0.25:
                red["locale"] = False
            redirects.append(red)
        headers = []
        if r.random() < 0.6:
            headers.append({"source": "/about", "headers": [{"key": "x-about", "value": "1"}]})
        if r.random() < 0.4:
            headers.append(
                {
                    "source": "/:path*",
                    "locale": False,
                    "headers": [{"key": "x-any", "value": ":path*"}],
                }
            )
        config["rewrites"] = rewrites
        if redirects:
            config["redirects"] = redirects
        if headers:
            config["headers"] = headers
        public = ["/robots.txt", "/img/logo.png"] if r.random() < 0.6 else []
        data = [x for x in routes if not x.startswith("/api") and r.random() < 0.6]
        out = entry(
            f"random-{self.seed}",
            config,
            routes,
            self.requests(config, routes, locales, base, domains),
        )
        if public:
            out["public_files"] = public
        if data:
            out["data_routes"] = data
        return out

    def requests(
        self,
        config: dict[str, Any],
        routes: list[str],
        locales: list[str],
        base: str,
        domains: list[dict[str, Any]],
    ) -> list[Req]:
        r = self.r
        paths = [
            "/",
            "/about",
            "/api/hello",
            "/blog/post-1",
            "/docs",
            "/docs/a/b",
            "/shop/x",
            "/robots.txt",
            "/img/logo.png",
            "/nope",
            "/about/",
        ]
        for rule in config["rewrites"]:
            paths.append(rule["source"].replace(":p", r.choice(["1", "x", "A%20b"])))
        for rule in config.get("redirects", []):
            paths.append(rule["source"])
        out: list[Req] = []
        hosts = [d["domain"] for d in domains] + ["unknown.example.net"]
        for _ in range(32):
            path = r.choice(paths)
            roll = r.random()
            if roll < 0.45:
                locale = r.choice(
                    [*locales, "xx", r.choice(locales).upper(), r.choice(locales).lower()]
                )
                path = "/" + locale + ("" if path == "/" and r.random() < 0.5 else path)
            elif roll < 0.55:
                page = r.choice(["/about", "/index", "/blog/post-1", "/docs/a"])
                loc = "/" + r.choice(locales) if r.random() < 0.6 else ""
                path = f"/_next/data/{r.choice(['BUILD', 'BUILD', 'OLD'])}{loc}{page}.json"
            if base and r.random() < 0.85:
                path = base + ("" if path == "/" and r.random() < 0.5 else path)
            if r.random() < 0.15:
                path += "?q=" + r.choice(["1", "a%20b", "x&q=y"])
            headers: dict[str, str] = {}
            if r.random() < 0.35:
                headers["accept-language"] = r.choice(ACCEPT[:16] + [r.choice(locales)])
            if r.random() < 0.25:
                headers["cookie"] = f"NEXT_LOCALE={r.choice([*locales, 'xx'])}"
            if hosts and r.random() < 0.4:
                headers["host"] = r.choice(hosts)
            out.append({"url": path, "headers": headers})
        # the root, which is the only path locale detection redirects
        for _ in range(6):
            headers = {}
            if r.random() < 0.7:
                headers["accept-language"] = r.choice(locales + ACCEPT[:8])
            if r.random() < 0.4:
                headers["cookie"] = f"NEXT_LOCALE={r.choice(locales)}"
            if r.random() < 0.5:
                headers["host"] = r.choice(hosts)
            if base:
                url = base + r.choice(["", "/", "/index", "?a=1"])
            else:
                url = r.choice(["/", "/index", "/?a=1"])
            out.append({"url": url, "headers": headers})
        return out


def all_configs() -> list[dict[str, Any]]:
    """Every config this generator makes, in order."""
    return (
        selftest_configs()
        + detection_configs()
        + redirect_configs()
        + misc_configs()
        + [calcom_config()]
        + [RandomConfig(s).build() for s in RANDOM_SEEDS]
        + invalid_configs()
    )


def main(argv: list[str] | None = None) -> int:
    return generate(__doc__ or "", GENERATOR, "i18n.json", all_configs, argv)


if __name__ == "__main__":
    sys.exit(main())
