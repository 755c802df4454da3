"""i18n routing (Pages Router), as Next.js 16.4.6 does it: the locale config, locale detection,
the locale redirect, and the locale prefixes on rules.

Where each piece comes from:

* `load_i18n`: server/config.js's i18n checks (errors) and config-schema.js (warnings); the
  default locale is moved to the front of `locales`, as `loadConfig` does.
* `I18n.split`: shared/lib/i18n/normalize-locale-path.js `normalizeLocalePath`.
* `I18n.domain_for`: shared/lib/i18n/detect-domain-locale.js `detectDomainLocale`.
* `I18n.redirect`: server/lib/router-server.js's locale-redirect block (before resolve-routes
  runs) with shared/lib/i18n/get-locale-redirect.js and server/accept-header.js.
* `I18n.start`: resolve-routes.js's default-locale prefix, `I18n.internal_path` its locale
  handling of Next.js's internal rules (the trailing-slash redirects).
* `I18n.localize`: lib/load-custom-routes.js `processRoutes`: `/:nextInternalLocale(en|fr)` in
  front of every source (not `locale: false` ones), `/:nextInternalLocale` in front of internal
  destinations, and a default-locale twin of each redirect per domain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ._conditions import parse_cookies
from ._destination import encode_refs
from ._js.node import js_typeof
from ._js.url import URLError, parse_url
from .errors import Problem

__all__ = [
    "INVALID_I18N",
    "Domain",
    "I18n",
    "LocaleRedirect",
    "Localized",
    "Start",
    "add_path_prefix",
    "has_path_prefix",
    "load_i18n",
    "remove_path_prefix",
]

#: The link Next.js puts under every i18n config error.
INVALID_I18N = "See more info here: https://nextjs.org/docs/messages/invalid-i18n-config"

# shared/lib/escape-regexp.js escapeStringRegexp.
_REGEX_SPECIAL = re.compile(r"[|\\{}()\[\]^$+*?.\-]")
# The keys config-schema.js allows (strict objects): others are warned about and ignored.
_I18N_KEYS = ("defaultLocale", "domains", "localeDetection", "locales")
_DOMAIN_KEYS = ("defaultLocale", "domain", "http", "locales")


def has_path_prefix(path: str, prefix: str) -> bool:
    """shared/lib/router/utils/path-has-prefix.js `pathHasPrefix` (query and hash cut off)."""
    cut = len(path)
    for ch in "?#":
        at = path.find(ch)
        if 0 <= at < cut:
            cut = at
    pathname = path[:cut]
    return pathname == prefix or pathname.startswith(prefix + "/")


def remove_path_prefix(path: str, prefix: str) -> str:
    """shared/lib/router/utils/remove-path-prefix.js `removePathPrefix`."""
    if not has_path_prefix(path, prefix):
        return path
    rest = path[len(prefix) :]
    return rest if rest.startswith("/") else "/" + rest


def add_path_prefix(path: str, prefix: str) -> str:
    """shared/lib/router/utils/add-path-prefix.js `addPathPrefix` (only to a path that starts
    with '/')."""
    if not path.startswith("/") or not prefix:
        return path
    return prefix + path


def _denormalize_page_path(page: str) -> str:
    """shared/lib/page-path/denormalize-page-path.js `denormalizePagePath` (what counts as '/')."""
    page = page.replace("\\", "/")
    if page.startswith("/index/") and not _is_dynamic(page):
        return page[6:]
    return page if page != "/index" else "/"


def _is_dynamic(page: str) -> bool:
    """shared/lib/router/utils/is-dynamic.js `isDynamicRoute` (its strict test)."""
    return re.search(r"/\[[^/]+\](?=/|$)", page) is not None


def _escape_regexp(text: str) -> str:
    """shared/lib/escape-regexp.js `escapeStringRegexp`."""
    return _REGEX_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


@attrs.frozen
class Domain:
    """One `i18n.domains` item: a host, its default locale, the other locales it serves, and
    whether its URLs are `http:` (`http: true`) rather than `https:`."""

    domain: str
    default_locale: str
    locales: tuple[str, ...] | None = None
    http: bool = False

    @property
    def hostname(self) -> str:
        """The domain as a request's host is compared with it: no port, lower-cased."""
        return self.domain.split(":", 1)[0].lower()

    @property
    def origin(self) -> str:
        """`http://domain` or `https://domain`, as Next.js writes the domain's URLs."""
        return f"http{'' if self.http else 's'}://{self.domain}"


@attrs.frozen
class LocaleRedirect:
    """The 307 router-server answers at the root before any rule runs, and why."""

    location: str
    reason: str


@attrs.frozen
class Start:
    """The locale state resolve-routes sets up for a request.

    `pathname` is the path routing continues with (the default locale added when the path has
    none), `locale` the request's locale, `default_locale` the default for its host, `detected`
    the locale the path itself named (None if none), `rest` the path without basePath and locale.
    """

    pathname: str
    locale: str
    default_locale: str
    detected: str | None
    rest: str
    domain: Domain | None


@attrs.frozen
class Localized:
    """One rule as `processRoutes` turns it into rules: its source and destination with the
    locale parts, basePath applied (`based`), and whether it is a default-locale twin."""

    source: str
    destination: str | None
    twin: bool = False
    #: The locale (or domain) the twin is for, for its place in messages.
    label: str = ""


@attrs.frozen
class I18n:
    """The `i18n` config: locales (the default first, as Next.js reorders them), detection and
    domains.

    >>> i18n = I18n(("en", "fr"), "en")
    >>> i18n.split("/FR/about")
    ('/about', 'fr')
    """

    locales: tuple[str, ...]
    default_locale: str
    locale_detection: bool = True
    domains: tuple[Domain, ...] = ()
    _lowered: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)

    @_lowered.default
    def _lower_locales(self) -> tuple[str, ...]:
        return tuple(locale.lower() for locale in self.locales)

    @property
    def default_locales(self) -> tuple[str, ...]:
        """The default locale and every domain's: the locales public files are served under."""
        return (self.default_locale, *(d.default_locale for d in self.domains))

    @property
    def source_prefix(self) -> str:
        """What `processRoutes` puts in front of a source: `/:nextInternalLocale(en|fr)`."""
        return f"/:nextInternalLocale({'|'.join(_escape_regexp(x) for x in self.locales)})"

    def split(self, pathname: str, locales: Sequence[str] | None = None) -> tuple[str, str | None]:
        """`normalizeLocalePath`: the path without a leading locale segment (compared without
        case), and that locale as configured (None when the first segment is not a locale)."""
        if locales is None:
            lowered: Sequence[str] = self._lowered
            locales = self.locales
        else:
            lowered = [locale.lower() for locale in locales]
        parts = pathname.split("/", 2)
        if len(parts) < 2 or not parts[1]:
            return pathname, None
        try:
            at = lowered.index(parts[1].lower())
        except ValueError:
            return pathname, None
        locale = locales[at]
        return pathname[len(locale) + 1 :] or "/", locale

    def domain_for(self, hostname: str | None, detected: str | None = None) -> Domain | None:
        """`detectDomainLocale`: the domain whose host is `hostname`, or (given a locale) the
        domain whose default locale or locales include it; the first in config order."""
        if detected:
            detected = detected.lower()
        for item in self.domains:
            if (
                hostname == item.hostname
                or detected == item.default_locale.lower()
                or (
                    item.locales is not None
                    and any(locale.lower() == detected for locale in item.locales)
                )
            ):
                return item
        return None

    def accept_language(self, header: str | None) -> str | None:
        """`getAcceptPreferredLocale`: the locale the `accept-language` header prefers ('' when
        it names none of the locales; None without a header, or when it does not parse)."""
        if not header:
            return None
        try:
            return _accept_language(header, self.locales)
        except ValueError:
            return None

    def cookie_locale(self, cookie: str | None) -> str | None:
        """`getLocaleFromCookie`: the locale the `NEXT_LOCALE` cookie names (without case)."""
        if not cookie:
            return None
        value = parse_cookies(cookie).get("NEXT_LOCALE")
        if not value:
            return None
        value = value.lower()
        return next((x for x in self.locales if x.lower() == value), None)

    def redirect(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        base_path: str,
        trailing_slash: bool,
    ) -> LocaleRedirect | None:
        """router-server's locale redirect, before any rule: only a request for the root (`/`,
        `/index`, the basePath) is redirected, to the locale its domain, `NEXT_LOCALE` cookie or
        `accept-language` header prefers, when that is not the default."""
        if not self.locale_detection:
            return None
        url_no_query = url.split("?", 1)[0]
        if base_path:
            url_no_query = remove_path_prefix(url_no_query, base_path)
        path_locale = self._pathname_locale(url_no_query, base_path)
        host = headers.get("host")
        hostname = (host.split(":", 1)[0] if host else url_no_query).lower()
        domain = self.domain_for(hostname)
        default = domain.default_locale if domain else self.default_locale
        pathname = f"/{path_locale}{url_no_query}" if path_locale else url_no_query
        if _denormalize_page_path(pathname) != "/":
            return None
        preferred = self.accept_language(headers.get("accept-language"))
        cookie = None if domain else self.cookie_locale(headers.get("cookie"))
        detected = path_locale or (domain.default_locale if domain else None)
        source = "the path" if path_locale else f"the domain {domain.domain}" if domain else ""
        if not detected and cookie:
            detected, source = cookie, "the NEXT_LOCALE cookie"
        if not detected and preferred:
            detected, source = preferred, "the accept-language header"
        if not detected:
            detected, source = self.default_locale, "the default locale"
        preferred_domain = self.domain_for(None, preferred)
        if domain is not None and preferred_domain is not None:
            same_domain = preferred_domain.domain == domain.domain
            its_default = preferred_domain.default_locale == preferred
            if not same_domain or not its_default:
                location = f"{preferred_domain.origin}/{'' if its_default else preferred}"
                return LocaleRedirect(
                    location,
                    f"accept-language prefers {preferred!r}, which belongs to the domain "
                    f"{preferred_domain.domain}",
                )
        if detected.lower() == default.lower():
            return None
        try:
            parsed = parse_url("http://n" + re.sub(r"^/+", "/", url))
            search, hash_ = parsed.search, parsed.hash
        except URLError:
            search = hash_ = ""
        pathname = f"{base_path}/{detected}{'/' if trailing_slash else ''}"
        pathname = pathname.replace("?", "%3F").replace("#", "%23")
        location = pathname + search.replace("#", "%23", 1) + hash_
        return LocaleRedirect(
            location, f"{source} prefers {detected!r}, not the default {default!r}"
        )

    def _pathname_locale(self, pathname: str, base_path: str) -> str | None:
        """`getNextPathnameInfo(pathname).locale`: the locale in the path (after basePath), or
        in the page of a `/_next/data/<build>/....json` path."""
        if base_path and has_path_prefix(pathname, base_path):
            pathname = remove_path_prefix(pathname, base_path)
        _, locale = self.split(pathname)
        if locale is None and pathname.startswith("/_next/data/") and pathname.endswith(".json"):
            parts = pathname[len("/_next/data/") : -len(".json")].split("/")
            page = "/" + "/".join(parts[1:]) if len(parts) > 1 and parts[1] != "index" else "/"
            _, locale = self.split(page)
        return locale

    def start(
        self,
        pathname: str,
        hostname: str | None,
        *,
        base_path: str,
        asset_prefix: str,
        trailing_slash: bool,
    ) -> Start:
        """resolve-routes' locale set-up: detect the locale in the path (after basePath or
        assetPrefix), the domain's default, and add the default locale to a path without one
        (not to `/_next/...`)."""
        had_trailing_slash = pathname.endswith("/")
        had_base = has_path_prefix(pathname, base_path)
        normalized = pathname or "/"
        if base_path and has_path_prefix(normalized, base_path):
            normalized = remove_path_prefix(normalized, base_path)
        elif asset_prefix and has_path_prefix(normalized, asset_prefix):
            normalized = remove_path_prefix(normalized, asset_prefix)
        rest, detected = self.split(normalized)
        domain = self.domain_for(hostname)
        default = domain.default_locale if domain else self.default_locale
        if not detected and not rest.startswith("/_next/"):
            prefixed = f"/{default}" if rest == "/" else add_path_prefix(rest, f"/{default}")
            pathname = add_path_prefix(prefixed, base_path if had_base else "")
            if had_trailing_slash and trailing_slash and not pathname.endswith("/"):
                pathname += "/"
        return Start(pathname, detected or default, default, detected, rest, domain)

    def internal_path(
        self, pathname: str, *, base_path: str, default_locale: str, trailing_slash: bool
    ) -> str:
        """The path Next.js's internal rules (the trailing-slash redirects) are matched against:
        the default locale taken out again (resolve-routes `handleRoute`)."""
        had_trailing_slash = pathname.endswith("/")
        current = remove_path_prefix(pathname, base_path) if base_path else pathname
        had_base = current != pathname
        rest, detected = self.split(current)
        is_default = detected == default_locale
        if is_default:
            current = (
                base_path
                if rest == "/" and had_base
                else add_path_prefix(rest, base_path if had_base else "")
            )
        elif had_base:
            current = base_path if current == "/" else add_path_prefix(current, base_path)
        if (is_default or had_base) and had_trailing_slash and trailing_slash:
            current += "" if current.endswith("/") else "/"
        return current

    def localize(
        self,
        kind: str,
        source: str,
        destination: str | None,
        *,
        base_path: str,
        source_base: bool,
        trailing_slash: bool,
        positional_refs: bool,
    ) -> list[Localized]:
        """`processRoutes` for one rule that has no `locale: false`: its default-locale twins
        (redirects with an internal destination: one per domain, then the default locale),
        then the rule itself with the locale parameter. basePath is applied to everything.

        `$N` (our extension) keeps meaning the rule's own N-th parameter: the numbers move up
        by one past the locale parameter.
        """
        src_base = base_path if source_base else ""
        external = destination is None or not destination.startswith("/")
        dest_base = src_base if not external else ""
        bare = "" if source == "/" and not trailing_slash else source
        out: list[Localized] = []
        if kind == "redirect" and not external:
            bases = [(d.default_locale, d.origin) for d in self.domains]
            bases.append((self.default_locale, ""))
            for locale, origin in bases:
                dest = None if destination is None else f"{origin}{dest_base}{destination}"
                out.append(Localized(f"{src_base}/{locale}{bare}", dest, True, origin or locale))
        full_source = src_base + self.source_prefix + bare
        if destination is not None and positional_refs:
            destination = _shift_refs(destination)
        if destination is not None and destination.startswith("/"):
            tail = "" if destination == "/" and not trailing_slash else destination
            destination = dest_base + "/:nextInternalLocale" + tail
        out.append(Localized(full_source, destination))
        return out


def _shift_refs(destination: str) -> str:
    """`$N` → `$N+1` (N ≥ 1): the locale parameter is the source's first parameter now."""
    _, refs = encode_refs(destination)
    if not refs:
        return destination

    def shifted(found: re.Match[str]) -> str:
        number = int(found.group(1) or found.group(2))
        if number < 1:
            return found.group(0)
        return f"${number + 1}" if found.group(1) else f"${{{number + 1}}}"

    return re.sub(r"\$(?:(\d+)|\{(\d+)\})", shifted, destination)


# --------------------------------------------------------------------------------------------------
# accept-language (server/accept-header.js)
# --------------------------------------------------------------------------------------------------

_JS_FLOAT = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")


def _parse_float(text: str) -> float:
    """JavaScript's `parseFloat` (NaN when no number starts the text)."""
    found = _JS_FLOAT.match(text)
    if found is None:
        return float("nan")
    number = found.group(0)
    return float(number.replace("Infinity", "inf"))


def _accept_language(raw: str, preferences: Sequence[str]) -> str:
    """`acceptLanguage(header, locales)`: the first preferred locale ('' for none); raises
    ValueError where Next.js's parser throws (`Invalid accept-language header`)."""
    lowers: dict[str, tuple[str, int]] = {}
    position = 0
    for preference in preferences:
        lower = preference.lower()
        lowers[lower] = (preference, position)
        position += 1
        parts = lower.split("-")
        while True:
            parts.pop()
            if not parts:
                break
            joined = "-".join(parts)
            if joined not in lowers:
                lowers[joined] = (preference, position)
                position += 1
    header = raw.replace(" ", "").replace("\t", "")
    selections: list[tuple[float, int | None, int, str]] = []
    seen: set[str] = set()
    for index, part in enumerate(header.split(",")):
        if not part:
            continue
        params = part.split(";")
        if len(params) > 2:
            raise ValueError("Invalid accept-language header")
        token = params[0].lower()
        if not token:
            raise ValueError("Invalid accept-language header")
        q = 1.0
        pref = lowers[token][1] if token in lowers else None
        seen.add(token)
        if len(params) == 2:
            pieces = params[1].split("=")
            key = pieces[0]
            value = pieces[1] if len(pieces) > 1 else ""
            if not value or key not in ("q", "Q"):
                raise ValueError("Invalid accept-language header")
            score = _parse_float(value)
            if score == 0:
                continue
            if score == score and abs(score) != float("inf") and 0.001 <= score <= 1:
                q = score
        selections.append((q, pref, index, token))
    selections.sort(key=lambda s: (-s[0], s[1] is None, s[1] or 0, s[2]))
    for _, _, _, token in selections:
        if token == "*":
            for preference, (orig, _) in lowers.items():
                if preference not in seen:
                    return orig
        elif token in lowers:
            return lowers[token][0]
    return ""


# --------------------------------------------------------------------------------------------------
# Loading (server/config.js)
# --------------------------------------------------------------------------------------------------


def load_i18n(value: object, output: object) -> tuple[I18n | None, list[Problem], list[Problem]]:
    """The `i18n` key checked as `loadConfig` checks it: (config, problems, warnings).

    A falsy value is no i18n. Errors are Next.js's own, each placed; keys the config schema does
    not know are warnings (Next.js warns and ignores them).
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if value is None or value is False or value == "" or value == 0:
        return None, problems, warnings
    if output == "export":
        problems.append(
            Problem(
                "i18n",
                'Specified "i18n" cannot be used with "output: export". See more info here: '
                "https://nextjs.org/docs/messages/export-no-i18n",
            )
        )
    if not isinstance(value, Mapping):
        # An array is an object to JavaScript: its (missing) `locales` is what fails.
        message = (
            f"Specified i18n.locales should be an Array received undefined.\n{INVALID_I18N}"
            if isinstance(value, list | tuple)
            else f"Specified i18n should be an object received {js_typeof(value)}.\n{INVALID_I18N}"
        )
        problems.append(Problem("i18n", message))
        return None, problems, warnings
    for key in value:
        if key not in _I18N_KEYS:
            warnings.append(
                Problem(f"i18n.{key}", f"unknown key {key!r}: Next.js warns and ignores it")
            )
    locales = value.get("locales")
    default = value.get("defaultLocale")
    if not isinstance(locales, list | tuple):
        problems.append(
            Problem(
                "i18n.locales",
                f"Specified i18n.locales should be an Array received {js_typeof(locales)}.\n"
                f"{INVALID_I18N}",
            )
        )
        locales = None
    if not default or not isinstance(default, str):
        problems.append(
            Problem(
                "i18n.defaultLocale",
                f"Specified i18n.defaultLocale should be a string.\n{INVALID_I18N}",
            )
        )
        default = None
    domains = _load_domains(value.get("domains"), problems, warnings)
    if locales is not None:
        bad = [x for x in locales if not isinstance(x, str)]
        if bad:
            shown = ", ".join("null" if x is None else str(x) for x in bad)
            problems.append(
                Problem(
                    "i18n.locales",
                    f"Specified i18n.locales contains invalid values ({shown}), locales must be "
                    'valid locale tags provided as strings e.g. "en-US".',
                )
            )
        elif default is not None and default not in locales:
            problems.append(
                Problem(
                    "i18n.defaultLocale",
                    f"Specified i18n.defaultLocale should be included in i18n.locales.\n"
                    f"{INVALID_I18N}",
                )
            )
        else:
            seen: set[str] = set()
            duplicates: list[str] = []
            for locale in locales:
                if locale.lower() in seen and locale not in duplicates:
                    duplicates.append(locale)
                seen.add(locale.lower())
            if duplicates:
                problems.append(
                    Problem(
                        "i18n.locales",
                        "Specified i18n.locales contains the following duplicate locales:\n"
                        f"{', '.join(duplicates)}\nEach locale should be listed only once.\n"
                        f"{INVALID_I18N}",
                    )
                )
            for at, locale in enumerate(locales):
                if not locale:
                    warnings.append(
                        Problem(f"i18n.locales[{at}]", "an empty locale: Next.js warns")
                    )
    detection = value.get("localeDetection")
    if detection is not None and not isinstance(detection, bool):
        problems.append(
            Problem(
                "i18n.localeDetection",
                "Specified i18n.localeDetection should be undefined or a boolean received "
                f"{js_typeof(detection)}.\n{INVALID_I18N}",
            )
        )
    if problems or locales is None or default is None:
        return None, problems, warnings
    ordered = (default, *(x for x in locales if x != default))
    return I18n(ordered, default, detection is not False, domains), problems, warnings


def _load_domains(
    value: object, problems: list[Problem], warnings: list[Problem]
) -> tuple[Domain, ...]:
    """`i18n.domains`: an array of {domain, defaultLocale, locales?, http?} (config.js)."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        problems.append(
            Problem(
                "i18n.domains",
                "Specified i18n.domains must be an array of domain objects e.g. [ { domain: "
                "'example.fr', defaultLocale: 'fr', locales: ['fr'] } ] received "
                f"{js_typeof(value)}.\n{INVALID_I18N}",
            )
        )
        return ()
    out: list[Domain] = []
    invalid: list[int] = []
    for at, item in enumerate(value):
        why = _domain_problem(item, value)
        if why is not None:
            invalid.append(at)
            problems.append(
                Problem(
                    f"i18n.domains[{at}]",
                    f"Invalid i18n.domains value: {why}; domains value must follow format "
                    "{ domain: 'example.fr', defaultLocale: 'fr', locales: ['fr'] }.\n"
                    f"{INVALID_I18N}",
                )
            )
            continue
        assert isinstance(item, Mapping)
        for key in item:
            if key not in _DOMAIN_KEYS:
                warnings.append(
                    Problem(
                        f"i18n.domains[{at}].{key}",
                        f"unknown key {key!r}: Next.js warns and ignores it",
                    )
                )
        locales = item.get("locales")
        out.append(
            Domain(
                item["domain"],
                item["defaultLocale"],
                tuple(locales) if isinstance(locales, list | tuple) else None,
                bool(item.get("http")),
            )
        )
    return tuple(out)


def _domain_problem(item: object, items: Sequence[Any]) -> str | None:
    """Why config.js refuses one domain item (None when it does not)."""
    if not isinstance(item, Mapping):
        return "not an object"
    if not item.get("defaultLocale") or not isinstance(item.get("defaultLocale"), str):
        return "no defaultLocale"
    domain = item.get("domain")
    if not domain or not isinstance(domain, str):
        return "no domain"
    if ":" in domain:
        return (
            f'"{domain}" is invalid it should be a valid domain without protocol (https://) '
            "or port (:3000) e.g. example.vercel.sh"
        )
    for other in items:
        if (
            isinstance(other, Mapping)
            and other.get("defaultLocale") == item["defaultLocale"]
            and other.get("domain") != domain
        ):
            return (
                f"both {domain} and {other.get('domain')} configured the defaultLocale "
                f"{item['defaultLocale']} but only one can"
            )
    locales = item.get("locales")
    if isinstance(locales, list | tuple):
        for locale in locales:
            if not isinstance(locale, str):
                return f"the locale {locale!r} is not a string"
            for other in items:
                if other is item or not isinstance(other, Mapping):
                    continue
                theirs = other.get("locales")
                if isinstance(theirs, list | tuple) and locale in theirs:
                    return (
                        f"both {domain} and {other.get('domain')} configured the locale "
                        f"({locale}) but only one can"
                    )
    return None
