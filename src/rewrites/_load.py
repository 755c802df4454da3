"""Loading a next.config-shaped table: validation (every problem at once) and the rules per phase.

Follows lib/load-custom-routes.js (`checkCustomRoutes`, `processRoutes`, the built-in trailing-slash
redirects) and server/lib/router-utils/filesystem.js (`buildCustomRoute`): see §1.2, §3.5 and §5 of
../shared/reference/nextjs-semantics.md.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, cast, overload

import attrs

from ._conditions import PLAIN_VALUE, Condition, ConditionType, check_value, safe_param_name
from ._destination import Template, is_literal, new_template
from ._i18n import I18n, load_i18n
from ._js.node import js_typeof
from ._js.regexp import capture_names, to_utf16
from ._js.url import DOT_SEGMENT, UNCHANGED_PATH_CHARS, URLError, parse_url
from ._pattern import Pattern, compile_route, new_pattern
from ._regexp import NEXT_MAX_BUILT_LENGTH, NEXT_SHORT_LENGTH, next_built_length, to_js_regex
from ._rules import Phase, Rule, Table, new_rule
from ._syntax import Key, Token
from ._syntax import parse as parse_source
from .errors import ConfigError, PatternError, Problem

__all__ = ["NEXT_CONFIG_KEYS", "LazyRules", "did_you_mean", "js_truthy", "lazy_table", "load_table"]

ALLOWED_STATUS = (301, 302, 303, 307, 308)
HAS_TYPES = ("header", "cookie", "query", "host")
#: Top-level keys that shape routing.
ROUTING_KEYS = frozenset(
    {
        "rewrites",
        "redirects",
        "headers",
        "basePath",
        "trailingSlash",
        "skipTrailingSlashRedirect",
        "skipMiddlewareUrlNormalize",
        "skipProxyUrlNormalize",
        "caseSensitiveRoutes",
        "assetPrefix",
        "experimental",
    }
)
#: next.config.js keys that do not change routing: accepted and ignored.
IGNORED_KEYS = frozenset(
    {
        "reactStrictMode",
        "images",
        "output",
        "env",
        "poweredByHeader",
        "compress",
        "distDir",
        "generateEtags",
        "pageExtensions",
        "productionBrowserSourceMaps",
        "typescript",
        "eslint",
        "transpilePackages",
        "serverExternalPackages",
        "compiler",
        "logging",
        "devIndicators",
        "turbopack",
        "webpack",
        "sassOptions",
        "cacheComponents",
        "reactCompiler",
        "typedRoutes",
        "allowedDevOrigins",
        "crossOrigin",
        "deploymentId",
    }
)
#: Every top-level key of Next.js 16.4.6's config schema (server/config-schema.js configSchema,
#: listed with Node): a key outside it is one Next.js warns about ("Unrecognized key(s)") and
#: ignores.
NEXT_CONFIG_KEYS = frozenset(
    {
        "adapterPath",
        "agentRules",
        "allowedDevOrigins",
        "assetPrefix",
        "basePath",
        "bundlePagesRouterDependencies",
        "cacheComponents",
        "cacheHandler",
        "cacheHandlers",
        "cacheLife",
        "cacheMaxMemorySize",
        "cleanDistDir",
        "compiler",
        "compress",
        "configOrigin",
        "crossOrigin",
        "deprecated",
        "deploymentId",
        "supportsImmutableAssets",
        "outputHashSalt",
        "devIndicators",
        "distDir",
        "env",
        "enablePrerenderSourceMaps",
        "excludeDefaultMomentLocales",
        "experimental",
        "exportPathMap",
        "generateBuildId",
        "generateEtags",
        "headers",
        "htmlLimitedBots",
        "httpAgentOptions",
        "i18n",
        "images",
        "logging",
        "modularizeImports",
        "onDemandEntries",
        "output",
        "outputFileTracingRoot",
        "outputFileTracingExcludes",
        "outputFileTracingIncludes",
        "pageExtensions",
        "instrumentationClientInject",
        "partialPrefetching",
        "poweredByHeader",
        "productionBrowserSourceMaps",
        "reactCompiler",
        "reactProductionProfiling",
        "reactStrictMode",
        "reactMaxHeadersLength",
        "redirects",
        "rewrites",
        "sassOptions",
        "serverExternalPackages",
        "skipMiddlewareUrlNormalize",
        "skipProxyUrlNormalize",
        "skipTrailingSlashRedirect",
        "staticPageGenerationTimeout",
        "expireTime",
        "target",
        "trailingSlash",
        "transpilePackages",
        "turbopack",
        "typescript",
        "typedRoutes",
        "useFileSystemPublicRoutes",
        "webpack",
        "watchOptions",
    }
)
#: Top-level keys that are refused (none since i18n is modelled: `_i18n`).
UNSUPPORTED_KEYS: dict[str, str] = {}


#: The fields `checkCustomRoutes` accepts per kind of rule (`locale` is refused separately).
_COMMON_FIELDS = frozenset({"source", "has", "missing", "basePath", "locale"})
_ALLOWED_FIELDS = {
    "header": _COMMON_FIELDS | {"headers"},
    "rewrite": _COMMON_FIELDS | {"destination"},
    "redirect": _COMMON_FIELDS | {"destination", "statusCode", "permanent"},
}


def did_you_mean(unknown: Iterable[object], known: Iterable[str]) -> str:
    """' (did you mean ...?)' naming the nearest known name of each misspelt one, as werkzeug
    suggests (case ignored, `difflib`'s closeness); '' when none is near.

    >>> did_you_mean(["headres"], ["headers", "redirects"])
    " (did you mean 'headers'?)"
    """
    by_folded = {name.lower(): name for name in sorted(known, reverse=True)}
    words = [str(word) for word in unknown]
    near = []
    for word in words:
        found = difflib.get_close_matches(word.lower(), by_folded, n=1)
        if found:
            near.append((word, by_folded[found[0]]))
    if not near:
        return ""
    if len(words) == 1:
        return f" (did you mean {near[0][1]!r}?)"
    return f" (did you mean {', '.join(f'{name!r} for {word!r}' for word, name in near)}?)"


def js_truthy(value: object) -> bool:
    """JavaScript's truthiness of a JSON value (an empty array or object is true)."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == value and value != 0  # NaN and 0 are false
    if isinstance(value, str):
        return value != ""
    return True


def _js(value: object) -> str:
    """A value as Next.js quotes it in messages (JSON.stringify)."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return reprlib.repr(value)  # (nested too deeply, or not JSON: a bounded repr)


class _Loader:
    """Collects problems while building rules, so that one ConfigError lists them all."""

    def __init__(
        self, config: Mapping[str, Any], positional_refs: bool, early_errors: bool
    ) -> None:
        self.config = config
        self.positional_refs = positional_refs
        self.early_errors = early_errors
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.base_path = ""
        self.case_sensitive = False
        #: The `i18n` config (`_i18n.load_i18n`), read by `settings`.
        self.i18n: I18n | None = None
        self.trailing = js_truthy(config.get("trailingSlash"))
        #: The default-locale copy of a redirect `build` makes (-1: the redirect itself).
        self.twin = -1
        #: The phases whose rules `plain_rule` may build (`settings` sets them): those with no
        #: basePath, i18n or case-sensitivity to apply.
        self.plain_phases: frozenset[Phase] = frozenset()
        #: What `conditions` gave for lists of condition items with no problem (`_plain_items`).
        self.seen_conditions: dict[
            tuple[tuple[object, object, object], ...],
            tuple[tuple[Condition, ...], AbstractSet[str], AbstractSet[str]],
        ] = {}
        #: The rules `plain_rule` built, by the shape of their source (`_source_shape`), to build
        #: the next ones of their shape from (`same_shape`).
        self.families: dict[SourceShape, _Family] = {}

    def problem(self, place: str, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(place, message))

    def warn(self, place: str, message: str) -> None:
        """Record one warning: Next.js loads the config and says so, or fails per request."""
        self.warnings.append(Problem(place, message))

    def settings(self) -> None:
        """Check the top-level keys and read the settings."""
        config = self.config
        known = NEXT_CONFIG_KEYS | ROUTING_KEYS | IGNORED_KEYS
        for key in config:
            if key in UNSUPPORTED_KEYS:
                self.problem(key, UNSUPPORTED_KEYS[key])
            elif key not in known:
                # config.js validateConfigSchema: a warning, and the key is ignored.
                self.warn(
                    str(key),
                    f'unknown key {key!r}: Next.js warns ("Unrecognized key(s) in object") '
                    "and ignores it" + did_you_mean([key], known),
                )
        self.i18n, i18n_problems, i18n_warnings = load_i18n(
            config.get("i18n"), config.get("output")
        )
        self.problems += i18n_problems
        self.warnings += i18n_warnings
        base_path = config.get("basePath", "")
        if not isinstance(base_path, str):
            self.problem("basePath", f"must be a string, got {_js(base_path)}")
        elif base_path and not base_path.startswith("/"):
            self.problem("basePath", f"must start with '/', got {base_path!r}")
        elif base_path.endswith("/"):
            self.problem("basePath", f"must not end with '/', got {base_path!r}; use '' for none")
        elif (refused := _path_refusal(base_path)) is not None:
            # Every route's source starts with it: Next.js fails to build its routes.
            self.problem("basePath", refused)
        else:
            self.base_path = base_path
        prefix = config.get("assetPrefix", "")
        if prefix is not None and not isinstance(prefix, str):
            self.problem(
                "assetPrefix",
                f'Specified assetPrefix is not a string, found type "{js_typeof(prefix)}" '
                "https://nextjs.org/docs/messages/invalid-assetprefix",
            )
        if config.get("skipProxyUrlNormalize") is not None and (
            config.get("skipMiddlewareUrlNormalize") is not None
        ):
            self.problem(
                "skipMiddlewareUrlNormalize",
                "Config options `skipProxyUrlNormalize` and `skipMiddlewareUrlNormalize` cannot "
                "be set at the same time. Please use `skipProxyUrlNormalize` instead.",
            )
        experimental = config.get("experimental", {})
        if not isinstance(experimental, Mapping):
            self.problem("experimental", f"must be an object, got {_js(experimental)}")
            experimental = {}
        flags = {
            "trailingSlash": config.get("trailingSlash"),
            "skipTrailingSlashRedirect": config.get("skipTrailingSlashRedirect"),
            "caseSensitiveRoutes": config.get("caseSensitiveRoutes"),
            "experimental.caseSensitiveRoutes": experimental.get("caseSensitiveRoutes"),
        }
        for key, value in flags.items():
            if value is not None and not isinstance(value, bool):
                # The config schema warns ("Expected boolean"); Next.js goes on with the value:
                # trailingSlash and skipTrailingSlashRedirect as JavaScript truthiness,
                # caseSensitiveRoutes as false (path-match.js takes booleans only).
                seen = "true" if js_truthy(value) and "case" not in key else "false"
                self.warn(
                    key,
                    f"must be true or false, got {_js(value)}: Next.js warns and goes on as if "
                    f"it were {seen}",
                )
        output = config.get("output")
        if output == "export":
            for key in ("rewrites", "redirects", "headers"):
                if config.get(key):
                    self.warn(
                        key,
                        f'Specified "{key}" will not automatically work with "output: export". '
                        "See more info here: "
                        "https://nextjs.org/docs/messages/export-no-custom-routes",
                    )
        # Next.js: `experimental.caseSensitiveRoutes`, a non-boolean counts as false.
        self.case_sensitive = (
            config.get("caseSensitiveRoutes", experimental.get("caseSensitiveRoutes")) is True
        )
        if self.i18n is None and not self.base_path:
            # beforeFiles rewrites are built without `caseSensitive` (filesystem.js).
            self.plain_phases = (
                frozenset({Phase.BEFORE_FILES}) if self.case_sensitive else frozenset(Phase)
            )

    def rule_list(self, value: object, place: str) -> tuple[str, Sequence[Any]]:
        """The items of one rule list, and the place of the list (item `i` is at
        `f"{place}[{i}]"`); a non-list is a problem."""
        if value is None:
            return place, ()
        if not isinstance(value, list | tuple):
            self.problem(place, f"must be an array of rules, got {_js(value)}")
            return place, ()
        return place, value

    def conditions(
        self, items: object, rule_place: str, field: str
    ) -> tuple[tuple[Condition, ...], AbstractSet[str], AbstractSet[str]]:
        """`has`/`missing` items; also the names they capture, raw (Next's check) and as params.

        Items of strings only, with no problem, are worked out once per loader (`_plain_items`):
        a large table repeats the same few.
        """
        if items is None:
            return (), _NONE, _NONE
        key = _plain_items(items)
        if key is not None:
            found = self.seen_conditions.get(key)
            if found is not None:
                return found
        before = len(self.problems)
        found = self.new_conditions(items, rule_place, field)
        if key is not None and len(self.problems) == before:
            if len(self.seen_conditions) >= _SHAPES_KEPT:
                self.seen_conditions.clear()
            self.seen_conditions[key] = found
        return found

    def new_conditions(
        self, items: object, rule_place: str, field: str
    ) -> tuple[tuple[Condition, ...], AbstractSet[str], AbstractSet[str]]:
        """`conditions`, worked out."""
        place = f"{rule_place}.{field}"
        if not isinstance(items, list | tuple):
            self.problem(place, f"must be an array of conditions, got {_js(items)}")
            return (), _NONE, _NONE
        out: list[Condition] = []
        raw: set[str] = set()
        params: set[str] = set()
        for i, item in enumerate(items):
            where = f"{place}[{i}]"
            if not isinstance(item, Mapping):
                self.problem(where, f"must be an object with type, key and value, got {_js(item)}")
                continue
            type_, key, value = item.get("type"), item.get("key"), item.get("value")
            ok = True
            if type_ not in HAS_TYPES:
                self.problem(
                    f"{where}.type",
                    f"invalid type {_js(type_)}; expected one of {', '.join(HAS_TYPES)}"
                    + (did_you_mean([type_], HAS_TYPES) if isinstance(type_, str) else ""),
                )
                ok = False
            if not isinstance(key, str) and type_ != "host":
                self.problem(f"{where}.key", f"must be a string, got {_js(key)}")
                ok = False
            if value is not None and not isinstance(value, str):
                self.problem(f"{where}.value", f"must be a string, got {_js(value)}")
                ok = False
            if value is None and type_ == "host":
                self.problem(f"{where}.value", 'value is required for "host" type')
                ok = False
            extra = sorted(set(map(str, item)) - {"type", "key", "value"})
            if extra:
                self.problem(
                    where,
                    f"unknown field(s) {extra}" + did_you_mean(extra, ("type", "key", "value")),
                )
            if isinstance(value, str) and value:
                reason, names = _value_facts(value)
                if reason is not None:
                    self.problem(
                        f"{where}.value",
                        f"{value!r} is not a valid JavaScript regular expression: {reason} "
                        "(Next.js would fail every request this rule sees)",
                    )
                    ok = False
            if not ok:
                continue
            key_text = key if isinstance(key, str) else ""
            out.append(Condition(cast(ConditionType, type_), key_text, value or None))
            if not value and key_text:
                raw.add(key_text)
                params.add(safe_param_name(key_text.lower() if type_ == "header" else key_text))
            if value:
                if names:
                    raw |= {n for n in names if n.isascii() and n.isalnum() and n[0].isalpha()}
                    params |= names
                if type_ == "host":
                    raw.add("host")
                    params.add("host")
        return tuple(out), frozenset(raw), frozenset(params)

    def rule(
        self, kind: str, phase: Phase, place: str, index: int, item: object, twin: int = -1
    ) -> Rule | None:
        """Check one rule as `checkCustomRoutes` does and build it as `processRoutes` does.

        With i18n, `twin` picks one of the default-locale copies `processRoutes` adds before a
        redirect (its problems are reported once, by the redirect itself: `twin` -1).
        """
        if twin < 0 and type(item) is dict and phase in self.plain_phases:
            found = self.plain_rule(kind, phase, place, index, item)
            if found is not None:
                return found
        return self.general_rule(kind, phase, place, index, item, twin)

    def general_rule(
        self, kind: str, phase: Phase, place: str, index: int, item: object, twin: int = -1
    ) -> Rule | None:
        """`rule` for any rule, reporting each of its problems (`rule` tries `plain_rule`
        first)."""
        if twin >= 0:
            problems, warnings = len(self.problems), len(self.warnings)
            self.twin = twin
            try:
                found = self.rule(kind, phase, place, index, item)
            finally:
                self.twin = -1
            del self.problems[problems:], self.warnings[warnings:]
            return found
        target = "headers" if kind == "header" else "destination"
        if not isinstance(item, Mapping):
            self.problem(place, f"must be an object with `source` and `{target}`, got {_js(item)}")
            return None
        before = len(self.problems)
        allowed = _ALLOWED_FIELDS[kind]
        unknown = [k for k in item if k not in allowed]
        if unknown:
            shown = allowed - {"locale"}
            self.problem(
                place,
                f"unknown field(s) {', '.join(map(str, unknown))}; allowed: "
                f"{', '.join(sorted(shown))}" + did_you_mean(unknown, shown),
            )
        if "locale" in item and item["locale"] is not False:
            # checkCustomRoutes; `locale: false` is a no-op without i18n (and i18n is refused).
            self.problem(f"{place}.locale", "`locale` must be undefined or false")
        base_path_off = item.get("basePath") is False
        if "basePath" in item and item["basePath"] is not None and not base_path_off:
            self.problem(f"{place}.basePath", "`basePath` must be undefined or false")
        has, has_raw, has_params = self.conditions(item.get("has"), place, "has")
        missing, _, _ = self.conditions(item.get("missing"), place, "missing")
        source = item.get("source")
        pattern: Pattern | None = None
        if not source:
            self.problem(f"{place}.source", "`source` is missing")
        elif not isinstance(source, str):
            self.problem(f"{place}.source", f"`source` is not a string: {_js(source)}")
        elif not source.startswith("/"):
            self.problem(f"{place}.source", f"`source` does not start with /: {source!r}")
        else:
            try:
                pattern = self.route_pattern(source, kind)
            except PatternError as exc:
                self.problem(f"{place}.source", f"`source` parse failed: {exc}")
        destination = item.get("destination")
        headers: tuple[tuple[str, str], ...] = ()
        status: int | None = None
        if kind == "header":
            headers = self.header_items(item.get("headers"), f"{place}.headers")
        elif not destination:
            self.problem(f"{place}.destination", "`destination` is missing")
        elif not isinstance(destination, str):
            self.problem(
                f"{place}.destination", f"`destination` is not a string: {_js(destination)}"
            )
        elif kind == "rewrite" and not destination.startswith(("/", "http://", "https://")):
            self.problem(
                f"{place}.destination",
                f"`destination` does not start with `/`, `http://`, or `https://`: {destination!r}",
            )
        elif kind == "rewrite" and base_path_off and destination.startswith("/"):
            self.problem(
                f"{place}.destination",
                f"The route {source} rewrites urls outside of "
                "the basePath. Please use a destination that starts with `http://` or "
                "`https://` https://nextjs.org/docs/messages/invalid-external-rewrite",
            )
        if kind == "redirect":
            status = self.redirect_status(item, place)
        if len(self.problems) > before or pattern is None:
            return None
        template = None
        if isinstance(destination, str):
            template = self.template(destination, pattern.keys, has_raw, has_params, place)
            if template is None:
                return None
        return self.build(
            kind,
            phase,
            place,
            index,
            item,
            source=pattern,
            template=template,
            has=has,
            missing=missing,
            headers=headers,
            status=status,
        )

    def plain_rule(
        self, kind: str, phase: Phase, place: str, index: int, item: dict[str, Any]
    ) -> Rule | None:
        """`rule` for the commonest shape of rule, in a phase of `plain_phases`: the rule it
        builds, or None to go the general way (which also reports every problem).

        The shape: only the fields of `_PLAIN_FIELDS`, a source that compiles, and a
        destination of `_PLAIN_DESTINATION` whose parameters the source or `has` provides. Such
        a rule has no problem and no warning, and builds as `build` would build it with no
        basePath, i18n or case-sensitivity to apply (tests/test_load_fast.py compares both ways).
        """
        if not _PLAIN_FIELDS[kind].issuperset(item):
            return None
        source = item.get("source")
        if type(source) is not str or not source.startswith("/"):
            return None
        if len(source) > NEXT_SHORT_LENGTH and next_built_length(source) > NEXT_MAX_BUILT_LENGTH:
            return None
        family = source_shape = rest_shape = None
        if source.startswith(_PARAMETER_LED):
            source_shape = _source_shape(kind, source)
            if source_shape is not None:
                family = self.families.get(source_shape)
                if family is not None:
                    rest_shape = _rest_shape(kind, item)
                    if rest_shape is not None:
                        found = self.same_shape(
                            family, source_shape, rest_shape, phase, place, index, item
                        )
                        if found is not None:
                            return found
        has: tuple[Condition, ...] = ()
        missing: tuple[Condition, ...] = ()
        has_raw: AbstractSet[str] = _NONE
        has_params: AbstractSet[str] = _NONE
        headers: tuple[tuple[str, str], ...] = ()
        status: int | None = None
        restricted: tuple[str, ...] = ()
        problems = self.problems
        before = len(problems)
        if "has" in item or "missing" in item:
            has, has_raw, has_params = self.conditions(item.get("has"), place, "has")
            missing, _, _ = self.conditions(item.get("missing"), place, "missing")
        if kind == "redirect":
            restricted = _NEXT_GUARD  # `route_pattern`'s, with no basePath
            permanent = item.get("permanent")
            if type(permanent) is bool and item.get("statusCode") is None:
                status = 308 if permanent else 307  # `redirect_status`, most redirects
            else:
                status = self.redirect_status(item, place)
        elif kind == "header":
            headers = self.header_items(item.get("headers"), f"{place}.headers")
        if len(problems) > before:
            del problems[before:]
            return None
        try:
            pattern = compile_route(source, restricted=restricted)
        except PatternError:
            return None
        template = None
        if kind != "header":
            destination = item.get("destination")
            if type(destination) is not str:
                return None
            template = self.plain_template(destination, pattern.keys, has_raw, has_params)
            if template is None:
                return None
        rule = new_rule(
            phase,
            index,
            place,
            source,
            pattern,
            template,
            has,
            missing,
            headers,
            status,
            False,
            item,
        )
        if source_shape is not None:
            if family is None:
                if len(self.families) >= _SHAPES_KEPT:
                    self.families.clear()
                self.families[source_shape] = _Family(rule)
            else:
                rest_shape = rest_shape or _rest_shape(kind, item)
                if rest_shape is not None and rest_shape not in family.built:
                    family.keep(rest_shape, rule)
        return rule

    def same_shape(
        self,
        family: _Family,
        source_shape: SourceShape,
        rest_shape: RestShape,
        phase: Phase,
        place: str,
        index: int,
        item: dict[str, Any],
    ) -> Rule | None:
        """`plain_rule` for a rule of the same shape as one it built: a source of the same
        `_source_shape` and the rest of the same `_rest_shape` (a destination that differs from
        that rule's only in the text of one segment, the same `has` and `missing`), or None.

        Such a source parses to the same keys, spans and all, with that text in the same literal
        token: a segment of plain text cannot change how path-to-regexp reads what is around
        it (`_split` checks that the other rule's text was a literal token's, and that its
        tokens are the source's own text). It compiles as the other did: its escaped ASCII text
        cannot make the regex invalid. Such a destination is one of `_PLAIN_DESTINATION` with
        the same params, and the same `has` gives the same names, so its template has the same
        names and positions.
        """
        seen = family.built.get(rest_shape)
        if seen is None:
            first = family.first
            if _rest_shape(source_shape[0], first.item) != rest_shape:
                return None
            seen = family.keep(rest_shape, first)
        rule, split = seen
        if split is None:
            split = _split(rule, source_shape)
            family.built[rest_shape] = (rule, split)
        if split is _NO_SPLIT:
            return None
        kind = source_shape[0]
        status: int | None = None
        if kind == "redirect":
            permanent = item.get("permanent")
            if type(permanent) is not bool or item.get("statusCode") is not None:
                return None
            status = 308 if permanent else 307
        template = None
        if kind != "header":
            destination: str = item["destination"]
            if "xn--" in destination or (
                "_" in destination and "__esc_colon_" in destination.lower()
            ):
                return None
            known = rule.destination
            assert known is not None
            if destination == known.destination:
                template = known  # a value: the same destination, the same template (and parse)
            else:
                template = new_template(destination, known.names, known.positions, known.positional)
        headers: tuple[tuple[str, str], ...] = ()
        has: tuple[Condition, ...] = ()
        missing: tuple[Condition, ...] = ()
        problems = self.problems
        before = len(problems)
        if rest_shape[2] is not None or rest_shape[3] is not None:
            has = self.conditions(item.get("has"), place, "has")[0]
            missing = self.conditions(item.get("missing"), place, "missing")[0]
        if kind == "header":
            headers = self.header_items(item.get("headers"), f"{place}.headers")
        if len(problems) > before:
            del problems[before:]
            return None
        source: str = item["source"]
        head, start, end, rest = split
        text = source[start : len(source) - end]
        tokens = (*head, text, *rest) if rest else (*head, text)
        last = tokens[-1]
        pattern = rule.pattern
        return new_rule(
            phase,
            index,
            place,
            source,
            new_pattern(
                source,
                tokens,
                pattern.keys,
                pattern.case_sensitive,
                pattern.route,
                last if isinstance(last, str) and last.isascii() else "",
                pattern.strict,
                pattern.end,
                pattern.modified,
                pattern.restricted,
            ),
            template,
            has,
            missing,
            headers,
            status,
            False,
            item,
        )

    def plain_template(
        self,
        destination: str,
        keys: tuple[Key, ...],
        has_raw: AbstractSet[str],
        has_params: AbstractSet[str],
    ) -> Template | None:
        """`template` for a destination of `_PLAIN_DESTINATION` that it accepts without a
        problem or warning (within Next.js's length limit too), else None."""
        if (
            not destination
            or destination.startswith("//")  # the limit check reads it as a host
            or not _PLAIN_DESTINATION.fullmatch(destination)
            or "xn--" in destination  # punycode: the URL parser checks it
            or ("_" in destination and "__esc_colon_" in destination.lower())  # the marker
        ):
            return None
        internal = destination[0] == "/"
        if (
            internal
            and len(destination) > NEXT_SHORT_LENGTH
            and next_built_length(destination) > NEXT_MAX_BUILT_LENGTH
        ):
            return None
        named: list[str] = []
        repeated: list[str | int] = []
        for key in keys:  # one loop, not a comprehension per question: asked per rule
            if isinstance(key.name, str):
                named.append(key.name)
            if key.modifier in _REPEATS:
                repeated.append(key.name)
        if len(named) == len(keys):
            positions = tuple(named)
        elif internal and ":" in destination:
            return None  # an unnamed group's number, which `template` looks for
        else:
            positions = tuple(k.name if isinstance(k.name, str) else "" for k in keys)
        if ":" in destination:
            allowed = has_raw if internal else has_params
            for name, modifier in _PLAIN_DESTINATION_PARAM.findall(destination):
                if name not in named and name not in allowed:
                    return None  # "not in `source` or `has`"
                if not modifier and name in repeated:
                    return None  # "repeats in the source but not in the destination"
        if has_params:
            names = tuple(dict.fromkeys([*named, *sorted(has_params)]))
        else:
            names = tuple(named) if len(named) < 2 else tuple(dict.fromkeys(named))
        return new_template(destination, names, positions, self.positional_refs)

    def header_items(self, value: object, place: str) -> tuple[tuple[str, str], ...]:
        """The `headers` of a header rule: a non-empty list of {key, value} strings."""
        if not isinstance(value, list | tuple):
            self.problem(place, "`headers` field must be an array")
            return ()
        if not value:
            self.problem(place, "`headers` field cannot be empty")
            return ()
        out = []
        for i, header in enumerate(value):
            if not isinstance(header, Mapping):
                self.problem(
                    f"{place}[{i}]", "`headers` items must be object with { key: '', value: '' }"
                )
                return ()
            key, text = header.get("key"), header.get("value")
            if not isinstance(key, str):
                self.problem(
                    f"{place}[{i}].key", f"`key` in header item must be string, got {_js(key)}"
                )
                return ()
            if not isinstance(text, str):
                self.problem(
                    f"{place}[{i}].value", f"`value` in header item must be string, got {_js(text)}"
                )
                return ()
            out.append((key, text))
        return tuple(out)

    def redirect_status(self, item: Mapping[str, Any], place: str) -> int | None:
        """`statusCode` if set, else 308 for permanent and 307 otherwise (`getRedirectStatus`)."""
        code = item.get("statusCode")
        if code and code not in ALLOWED_STATUS:
            self.problem(
                f"{place}.statusCode",
                f"`statusCode` is not undefined or valid "
                f"statusCode: {_js(code)}; valid values are "
                f"{', '.join(map(str, ALLOWED_STATUS))}",
            )
            return None
        permanent = item.get("permanent")
        if not isinstance(permanent, bool) and not code:
            self.problem(
                f"{place}.permanent",
                "`permanent` is not set to `true` or `false`; set it, or give a `statusCode`",
            )
            return None
        if code:
            return int(code)
        return 308 if permanent else 307

    def template(
        self,
        destination: str,
        keys: tuple[Key, ...],
        has_raw: AbstractSet[str],
        has_params: AbstractSet[str],
        place: str,
    ) -> Template | None:
        """The destination as a template, refused when it can never render (checked early).

        A literal destination (most of a large table's) has nothing to check: it is parsed on
        first use.
        """
        where = f"{place}.destination"
        internal = destination.startswith("/")
        named = [k.name for k in keys if isinstance(k.name, str)]
        if internal and len(named) < len(keys):
            # Next.js's own check of internal destinations (§3.5): `:0` names an unnamed group.
            unnamed = sorted(
                {
                    f":{k.name}"
                    for k in keys
                    if isinstance(k.name, int) and _unnamed_used(destination, k.name)
                }
            )
            if unnamed:
                self.problem(
                    where,
                    f"`destination` has unnamed params {', '.join(unnamed)}; "
                    "unnamed groups cannot be referenced by name: give the group a name "
                    "(':name(...)')" + (" or use $N" if self.positional_refs else ""),
                )
                return None
        names = tuple(dict.fromkeys([*named, *sorted(has_params)] if has_params else named))
        positions = tuple(k.name if isinstance(k.name, str) else "" for k in keys)
        template = Template(destination, names, positions, positional=self.positional_refs)
        if is_literal(destination):
            return template  # most of a large table's: parsed on first use
        try:
            parsed = template.parsed()
        except URLError as exc:
            return self.never_renders(template, where, f"`destination` is not a valid URL: {exc}")
        except PatternError as exc:
            if internal:
                self.problem(where, f"`destination` parse failed: {exc}")
                return None
            return self.never_renders(template, where, f"`destination` parse failed: {exc}")
        early: list[str] = []  # never renders: Next.js fails each request, we fail at load
        host = parsed.host.tokens if parsed.host else ()
        for tokens in (parsed.path.tokens, host):
            if not any(
                isinstance(t, Key) and t.repeat and not (t.prefix or t.suffix) for t in tokens
            ):
                continue  # "Can not repeat" is the only error tokensToRegexp can raise here
            try:
                to_js_regex(tokens, destination)
            except PatternError as exc:
                reason = f"{exc.message}\n{exc.hint}" if exc.hint else exc.message
                return self.never_renders(template, where, reason)
        used = [t for t in (*parsed.path.tokens, *host) if isinstance(t, Key) and t.name != ""]
        # Next.js checks internal destinations against the *raw* `has` keys (§3.5, D19).
        allowed = set(named) | (has_raw if internal else has_params)
        unknown = list(dict.fromkeys(str(t.name) for t in used if str(t.name) not in allowed))
        if unknown:
            message = f"`destination` has segments not in `source` or `has` ({', '.join(unknown)})"
            if internal:
                self.problem(where, message)
                return None
            early.append(f"{message}; they can never be filled")
        repeated = {str(k.name) for k in keys if k.repeat}
        early += [
            f"`:{t.name}` repeats in the source but not in the destination; write "
            f"`:{t.name}*` to use every segment "
            "(https://nextjs.org/docs/messages/invalid-multi-match)"
            for t in used
            if str(t.name) in repeated and not t.repeat
        ]
        for number in template.refs:
            if not 0 < number <= len(keys):
                first = str(number)[0]
                split = len(str(number)) > 1 and 0 < int(first) <= len(keys)
                early.append(
                    f"`${number}` refers to parameter {number}, but the source has {len(keys)}"
                    + (
                        f"; write `${{{first}}}` for parameter {first} followed by digits"
                        if split
                        else ""
                    )
                )
        if early and self.early_errors:
            for message in early:
                self.problem(where, message)
            return None
        for message in early:
            self.warn(where, f"{message} (Next.js fails every request this rule matches)")
        return template

    def never_renders(self, template: Template, where: str, reason: str) -> Template | None:
        """A destination that fails every request: a problem, or (Next.js's way) a 500 each time."""
        if self.early_errors:
            self.problem(where, f"{reason} (Next.js fails every request this rule matches)")
            return None
        self.warn(where, f"{reason} (Next.js fails every request this rule matches)")
        return attrs.evolve(template, broken=reason)

    def within_limits(self, place: str, source: str, template: Template | None, base: str) -> bool:
        """Next.js's limits on a rule, checked as `checkCustomRoutes` checks the routes (with
        basePath applied): the regex of the source, and of an internal destination's path, at
        most 4,096 characters; and no unnamed group from the basePath in an internal
        destination. Records each problem; False when there is one."""
        ok = True
        built = next_built_length(source)
        if built > NEXT_MAX_BUILT_LENGTH:
            self.problem(
                f"{place}.source",
                f"`source` exceeds max built length of {NEXT_MAX_BUILT_LENGTH}: its regex has "
                f"{built} characters; split the rule, or shorten its custom groups",
            )
            ok = False
        destination = template.destination if template is not None else ""
        if destination.startswith("/"):
            if _PLAIN_PATH.fullmatch(destination) and not DOT_SEGMENT.search(destination):
                built = next_built_length(destination)  # the URL parser would leave it as it is
            else:
                try:
                    url = parse_url(destination, "http://n")
                    built = next_built_length(url.pathname + url.hash)
                except URLError:
                    built = 0
            if built > NEXT_MAX_BUILT_LENGTH:
                self.problem(
                    f"{place}.destination",
                    f"`destination` exceeds max built length of {NEXT_MAX_BUILT_LENGTH}: its "
                    f"regex has {built} characters",
                )
                ok = False
            if (
                base
                and _based_unnamed(destination)
                and not _based_unnamed(destination[len(base) :])
            ):
                self.problem(
                    f"{place}.destination",
                    f"`destination` has segments not in `source` or `has` (0): basePath "
                    f"{base!r} puts an unnamed group in every internal destination, which Next.js "
                    "refuses; name it (basePath is a path, not a pattern)",
                )
                ok = False
        return ok

    def route_pattern(
        self, source: str, kind: str, internal: bool = False, sensitive: bool = False
    ) -> Pattern:
        """The server's matcher for a source (`buildCustomRoute`): one optional trailing slash,
        and for redirects no `<basePath>/_next` path; Next.js's internal rules are left as
        compiled. Raises PatternError."""
        restricted = (self.base_path + "/_next",) if kind == "redirect" else ()
        return compile_route(
            source, case_sensitive=sensitive, restricted=restricted, modify=not internal
        )

    def build(
        self,
        kind: str,
        phase: Phase,
        place: str,
        index: int,
        item: Mapping[str, Any],
        *,
        source: Pattern,
        template: Template | None,
        has: tuple[Condition, ...] = (),
        missing: tuple[Condition, ...] = (),
        headers: tuple[tuple[str, str], ...] = (),
        status: int | None = None,
        internal: bool = False,
    ) -> Rule | None:
        """The rule with basePath applied and the server's matcher (`buildCustomRoute`).

        `source` is the `route_pattern` of the rule's source as written. With i18n (not for
        `locale: false` rules and Next.js's own), the source and destination get the locale
        parts `processRoutes` adds (`_i18n.I18n.localize`); `twin` picks a redirect's
        default-locale copy (`self.twin`).
        """
        twin = self.twin
        src_base = self.base_path if item.get("basePath") is not False and not internal else ""
        full_source = src_base + ("" if source.source == "/" and src_base else source.source)
        localized = self.i18n is not None and index >= 0 and item.get("locale") is not False
        if localized:
            assert self.i18n is not None
            forms = self.i18n.localize(
                kind,
                source.source,
                None if template is None else template.destination,
                base_path=self.base_path,
                source_base=item.get("basePath") is not False,
                trailing_slash=self.trailing,
                positional_refs=self.positional_refs,
            )
            form = forms[twin] if twin >= 0 else forms[-1]
            full_source = form.source
            if form.twin:
                place = f"{place} ({form.label} copy)"
            if template is not None and form.destination is not None:
                keys = () if form.twin else ("nextInternalLocale",)
                template = attrs.evolve(
                    template,
                    destination=form.destination,
                    names=tuple(dict.fromkeys((*keys, *template.names))),
                    positions=(*keys, *template.positions),
                )
        elif template is not None and template.destination.startswith("/") and src_base:
            dest = template.destination
            template = attrs.evolve(template, destination=src_base + ("" if dest == "/" else dest))
        # beforeFiles rewrites are built without `caseSensitive` (filesystem.js).
        sensitive = self.case_sensitive and phase is not Phase.BEFORE_FILES
        pattern = source
        if src_base or sensitive or localized:
            try:
                pattern = self.route_pattern(full_source, kind, internal, sensitive)
            except PatternError as exc:
                self.problem(f"{place}.source", f"`source` parse failed: {exc}")
                return None
        if not internal and not self.within_limits(place, full_source, template, src_base):
            return None
        return Rule(
            phase=phase,
            index=index,
            place=place,
            source=full_source,
            pattern=pattern,
            destination=template,
            has=has,
            missing=missing,
            headers=headers,
            status=status,
            internal=internal,
            item=item,
        )


def _plain_items(items: object) -> tuple[tuple[object, object, object], ...] | None:
    """The `type`, `key` and `value` of each of a list of condition items that hold nothing
    else, and only strings (what `_Loader.conditions` reads of them), or None."""
    if type(items) is not list:
        return None
    found = []
    for item in items:
        if type(item) is not dict or len(item) > 3:
            return None
        type_, key, value = item.get("type"), item.get("key"), item.get("value")
        if (
            type(type_) is not str
            or (key is not None and type(key) is not str)
            or (value is not None and type(value) is not str)
            or len(item) > (type_ is not None) + (key is not None) + (value is not None)
        ):
            return None
        found.append((type_, key, value))
    return tuple(found)


#: No names (what a rule without `has` captures).
_NONE: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=1024)
def _value_facts(value: str) -> tuple[str | None, frozenset[str]]:
    """A condition value's `check_value` reason and, when it is valid, the names of its groups
    (cached: large tables repeat the same few values)."""
    reason = check_value(value)
    if reason is not None or PLAIN_VALUE.fullmatch(value):  # a plain value has no named group
        return reason, _NONE
    return None, frozenset(capture_names(to_utf16("^" + value + "$")).values())


def _based_unnamed(destination: str) -> bool:
    """Whether an internal destination (basePath applied) has path-to-regexp's unnamed group 0,
    which Next.js's segment check cannot find in any source (`filter(Boolean)` drops the name
    0): a basePath such as '/(.*)' brings one into every internal destination."""
    try:
        url = parse_url(destination, "http://n")
        tokens = parse_source(url.pathname + url.hash)
    except (URLError, PatternError):
        return False
    return any(isinstance(t, Key) and t.name == 0 for t in tokens)


def _unnamed_used(destination: str, number: int) -> bool:
    """Next.js's check for `:0` (an unnamed group's number) in an internal destination."""
    return re.search(f":{number}(?![0-9])", destination) is not None


def load_table(
    config: Mapping[str, Any], *, positional_refs: bool = True, early_errors: bool = False
) -> Table:
    """Validate a next.config-shaped mapping and build its rules; ConfigError lists all problems."""
    if not isinstance(config, Mapping):
        raise ConfigError([Problem("", f"the config must be an object, got {_js(config)}")])
    loader = _Loader(config, positional_refs, early_errors)
    loader.settings()
    built: dict[Phase, list[Rule]] = {p: [] for p in Phase}
    for phase, (where, items) in _rule_lists(loader, config).items():
        rules = built[phase]
        kind = _KINDS[phase]
        if loader.i18n is not None and phase is Phase.REDIRECTS:
            for kind, place, index, item, twin in _phase_entries(loader, phase, where, items):
                rule = loader.rule(kind, phase, place, index, item, twin)
                if rule is not None:
                    rules.append(rule)
            continue
        plain = phase in loader.plain_phases
        for index, item in enumerate(items):
            # `loader.rule`, with its question asked once per phase.
            place = f"{where}[{index}]"
            rule = None
            if plain and type(item) is dict:
                rule = loader.plain_rule(kind, phase, place, index, item)
            if rule is None:
                rule = loader.general_rule(kind, phase, place, index, item)
            if rule is not None:
                rules.append(rule)
    asset = _asset_prefix_rewrite(loader, config)
    if asset is not None:
        built[Phase.BEFORE_FILES].insert(0, asset)
    if loader.problems:
        raise ConfigError(loader.problems)
    trailing = js_truthy(config.get("trailingSlash"))
    skip = js_truthy(config.get("skipTrailingSlashRedirect"))
    redirects = [] if skip else _built_in_redirects(loader, trailing)
    return Table(
        headers=tuple(built[Phase.HEADERS]),
        redirects=tuple(redirects + built[Phase.REDIRECTS]),
        before_files=tuple(built[Phase.BEFORE_FILES]),
        after_files=tuple(built[Phase.AFTER_FILES]),
        fallback=tuple(built[Phase.FALLBACK]),
        base_path=loader.base_path,
        trailing_slash=trailing,
        skip_trailing_slash_redirect=skip,
        case_sensitive=loader.case_sensitive,
        positional_refs=positional_refs,
        config=config,
        warnings=tuple(loader.warnings),
        i18n=loader.i18n,
    )


#: A path the URL parser leaves as it is (no query or fragment; dot segments checked apart).
_PLAIN_PATH = re.compile(rf"/(?!/)[{UNCHANGED_PATH_CHARS}]*")


#: The fields of a rule `_Loader.plain_rule` builds (no `basePath`, no `locale`).
_PLAIN_FIELDS = {kind: fields - {"basePath", "locale"} for kind, fields in _ALLOWED_FIELDS.items()}
#: A destination `_Loader.plain_rule` takes (most of a large table's): a path of whole segments,
#: each literal text or one `:name` (`*` or `+` allowed), alone or after a plain http(s) origin.
#: It is a subset of what `_destination` renders without the URL parser (its `_plain`) and what
#: the limit check takes as it is (`_PLAIN_PATH`, no dot segment: no segment starts with '.'),
#: and path-to-regexp parses each `:name` to a key with prefix '/'. No `$`, `?`, `%` or `#`.
_PLAIN_DESTINATION = re.compile(
    r"(?:https?://[a-z][a-z0-9\-]*(?:\.[a-z][a-z0-9\-]*)*(?=/|\Z))?"
    r"(?:/(?:[A-Za-z0-9_~!&',;=@\-][A-Za-z0-9_~!&',;=@.\-]*|:[A-Za-z0-9_]+[*+]?(?=/|\Z))?)*"
)
_PLAIN_DESTINATION_PARAM = re.compile(r":([A-Za-z0-9_]+)([*+]?)")
#: The modifiers of a repeated key (`Key.repeat`).
_REPEATS = ("*", "+")


#: What the sources of rules that `_Loader.same_shape` builds alike share (`_source_shape`):
#: their kind, the source before and after the segment of text that varies (without its '/'),
#: and that segment's length.
SourceShape = tuple[str, str, str, int]
#: What their destinations share (`_destination_shape`): the destination before and after the
#: segment of literal text that varies (without its '/'); or the whole destination and None,
#: when it has no such segment.
DestinationShape = tuple[str, str | None]
#: What the rest of those rules share (`_rest_shape`): their destination's shape ("" and None for
#: a header rule), and the items of their `has` and of their `missing` (`_plain_items`; None
#: for none).
RestShape = tuple[
    str,
    str | None,
    tuple[tuple[object, object, object], ...] | None,
    tuple[tuple[object, object, object], ...] | None,
]
#: How the sources `_Loader.plain_rule` looks for a shape of start (`/:locale/...`): those of a
#: large table whose rules share few shapes, and that cost most to build the usual way. (A source
#: that starts with literal text shares its shape with few others, unless it is literal text,
#: which compiles at once.)
_PARAMETER_LED = ("/:", "/(")
#: How many shapes of source a loader keeps before it forgets them all, and of destination per
#: shape of source: a table whose rules share few shapes keeps them all.
_SHAPES_KEPT = 16384
_DESTINATIONS_KEPT = 64
#: A source's tokens around the segment that varies: those before the literal token that holds
#: it, where that token starts and how far before the end it ends, and the tokens after it.
_Split = tuple[tuple[Token, ...], int, int, tuple[Token, ...]]
#: `_split` of a rule whose shape cannot be built alike (compared by identity).
_NO_SPLIT: _Split = ((), 0, 0, ())


class _Family:
    """The rules `_Loader.plain_rule` built whose sources share a shape (`_source_shape`): the
    first, and per shape of the rest (`_rest_shape`) the one to build the others from, with its
    source's tokens split (`_split`) once another has asked."""

    __slots__ = ("built", "first")

    def __init__(self, first: Rule) -> None:
        self.first = first
        self.built: dict[RestShape, tuple[Rule, _Split | None]] = {}

    def keep(self, shape: RestShape, rule: Rule) -> tuple[Rule, _Split | None]:
        """Keep `rule` as the one to build the others of this destination shape from."""
        if len(self.built) >= _DESTINATIONS_KEPT:
            self.built.clear()
        seen: tuple[Rule, _Split | None] = (rule, None)
        self.built[shape] = seen
        return seen


def _source_shape(kind: str, source: str) -> SourceShape | None:
    """What a rule's kind and source share with the rules `_Loader.same_shape` may build from
    it (a large table has many rules that differ only in the text of a segment,
    `/:locale/page-12`, `/:locale/blog/post-3/:slug`), or None for a source of no such shape:
    the source is ASCII, and the segment is its last one of text with no syntax."""
    cut = source.rfind("/")
    if _SOURCE_TEXT.fullmatch(source, cut + 1):  # the last segment (most often)
        at, end = cut + 1, len(source)
    else:
        found = _LAST_SOURCE_TEXT.match(source, 0, cut)  # (the '/' at `cut` ends the others)
        if found is None:
            return None
        at, end = found.span(1)
    if not source.isascii():
        return None
    return kind, source[: at - 1], source[end:], end - at


def _rest_shape(kind: str, item: Mapping[str, Any]) -> RestShape | None:
    """What a rule's destination, `has` and `missing` share with the rules `_Loader.same_shape`
    may build from it, or None for a rule of no such shape (a destination of none, or items that
    are not all strings)."""
    has = item.get("has")
    has_items = None if has is None else _plain_items(has)
    if has is not None and has_items is None:
        return None
    missing = item.get("missing")
    missing_items = None if missing is None else _plain_items(missing)
    if missing is not None and missing_items is None:
        return None
    if kind == "header":
        return "", None, has_items, missing_items
    found = _destination_shape(item.get("destination"))
    if found is None:
        return None
    return found[0], found[1], has_items, missing_items


def _destination_shape(destination: object) -> DestinationShape | None:
    """What a destination shares with those of the rules `_Loader.same_shape` may build alike
    (`/:locale/new-12`, `/:locale/blog/:slug`), or None: the segment is its last one of literal
    text of `_PLAIN_DESTINATION` that is not the host (so that any other such text there makes
    one of them too), and the destination is short enough to need no length check."""
    if type(destination) is not str or len(destination) > NEXT_SHORT_LENGTH:
        return None
    cut = destination.rfind("/")
    if cut < 0:
        return None
    if _PLAIN_TEXT.fullmatch(destination, cut + 1):  # the last segment (most often)
        at, end = cut + 1, len(destination)
    else:
        found = _LAST_PLAIN_TEXT.match(destination, 0, cut)
        if found is None:
            return destination, None
        at, end = found.span(1)
    if destination.endswith("://", 0, at):
        return destination, None  # the host: not a segment of the path
    return destination[: at - 1], destination[end:]


def _split(rule: Rule, shape: SourceShape) -> _Split:
    """The tokens of a rule's source around the segment of its shape (`_source_shape`), or
    `_NO_SPLIT` unless that segment lies in a literal token and every token is the source's own
    text (a key's text its span, no escape or group that changes the text)."""
    source = rule.source
    tokens = rule.pattern.tokens
    at = len(shape[1])  # the segment's '/'
    end = len(source) - len(shape[2])
    position = 0
    start = stop = found = -1
    for i, token in enumerate(tokens):
        if isinstance(token, str):
            if not source.startswith(token, position):
                return _NO_SPLIT
            if position <= at and end <= position + len(token):
                start, stop, found = position, position + len(token), i
            position += len(token)
        elif token.span[0] == position:
            position = token.span[1]
        else:
            return _NO_SPLIT
    if position != len(source) or found < 0:
        return _NO_SPLIT
    return tokens[:found], start, len(source) - stop, tokens[found + 1 :]


#: A segment of a source that is text with no syntax (after its '/').
_SOURCE_TEXT = re.compile(r"[^:*+?\\{}()/]+")
#: A literal segment of a `_PLAIN_DESTINATION` path (after its '/').
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9_~!&',;=@\-][A-Za-z0-9_~!&',;=@.\-]*")
#: A source up to its last segment of text with no syntax, that segment a group.
_LAST_SOURCE_TEXT = re.compile(r".*/([^:*+?\\{}()/]+)(?=/|\Z)", re.S)
#: A destination up to its last segment of literal text of `_PLAIN_DESTINATION`, that segment a
#: group.
_LAST_PLAIN_TEXT = re.compile(r".*/([A-Za-z0-9_~!&',;=@\-][A-Za-z0-9_~!&',;=@.\-]*)(?=/|\Z)", re.S)


#: The paths a redirect may not match with no basePath (`route_pattern`).
_NEXT_GUARD = ("/_next",)


#: One rule as the config holds it: its kind, place, index in its list, the item itself, and
#: which of the default-locale copies of a redirect it is (-1: the rule itself; see `_Loader.rule`).
Entry = tuple[str, str, int, Any, int]


def _entries(loader: _Loader, config: Mapping[str, Any]) -> dict[Phase, list[Entry]]:
    """The config's rules per phase, in the order they are built (and their problems reported):
    beforeFiles, afterFiles, fallback, redirects, headers."""
    return {
        phase: _phase_entries(loader, phase, where, items)
        for phase, (where, items) in _rule_lists(loader, config).items()
    }


def _rule_lists(
    loader: _Loader, config: Mapping[str, Any]
) -> dict[Phase, tuple[str, Sequence[Any]]]:
    """The config's rule lists per phase with their places (`_Loader.rule_list`), in the order
    their rules are built: beforeFiles, afterFiles, fallback, redirects, headers."""
    rewrites = config.get("rewrites")
    if isinstance(rewrites, Mapping):
        phases = ("beforeFiles", "afterFiles", "fallback")
        bad = [k for k in rewrites if k not in phases]
        if bad:
            loader.problem(
                "rewrites",
                f"unknown key(s) {bad}; expected beforeFiles, afterFiles, "
                "fallback (or an array, which means afterFiles)" + did_you_mean(bad, phases),
            )
        lists = {
            p: loader.rule_list(rewrites.get(p.value), f"rewrites.{p.value}")
            for p in (Phase.BEFORE_FILES, Phase.AFTER_FILES, Phase.FALLBACK)
        }
    else:
        lists = {
            Phase.BEFORE_FILES: ("", ()),
            Phase.AFTER_FILES: loader.rule_list(rewrites, "rewrites"),
            Phase.FALLBACK: ("", ()),
        }
    lists[Phase.REDIRECTS] = loader.rule_list(config.get("redirects"), "redirects")
    lists[Phase.HEADERS] = loader.rule_list(config.get("headers"), "headers")
    for key in ("rewrites", "redirects", "headers"):
        if key in config and config[key] is None:
            # The data is what the config's function returns: `null` is not an array.
            loader.problem(
                key,
                f"{key} must return an array, received object (null). See here for more info: "
                "https://nextjs.org/docs/messages/routes-must-be-array",
            )
    return lists


def _phase_entries(loader: _Loader, phase: Phase, where: str, items: Sequence[Any]) -> list[Entry]:
    """One phase's entries, its rule list `items` at `where` (`_rule_lists`)."""
    kind = _KINDS[phase]
    if loader.i18n is None or phase is not Phase.REDIRECTS:
        return [(kind, f"{where}[{index}]", index, item, -1) for index, item in enumerate(items)]
    return [
        (kind, f"{where}[{index}]", index, item, twin)
        for index, item in enumerate(items)
        for twin in _twins(loader.i18n, phase, item)
    ]


#: The kind of rule each phase holds.
_KINDS = {
    Phase.HEADERS: "header",
    Phase.REDIRECTS: "redirect",
    Phase.BEFORE_FILES: "rewrite",
    Phase.AFTER_FILES: "rewrite",
    Phase.FALLBACK: "rewrite",
}


def _twins(i18n: I18n | None, phase: Phase, item: object) -> tuple[int, ...]:
    """The entries one rule makes: with i18n, a redirect to a path of the app gets a copy per
    domain and one for the default locale before it (`processRoutes`), numbered 0, 1, ...; the
    rule itself is -1."""
    if (
        i18n is None
        or phase is not Phase.REDIRECTS
        or not isinstance(item, Mapping)
        or item.get("locale") is False
        or not isinstance(item.get("destination"), str)
        or not item["destination"].startswith("/")
    ):
        return (-1,)
    return (*range(len(i18n.domains) + 1), -1)


class LazyRules(Sequence[Rule]):
    """A phase's rules, each built on first use from its config item.

    What a router restored from a pickle holds: the config was validated when the router was
    first loaded, and building a rule again from the same item and settings gives the same rule,
    so only the rules a request reaches are ever built.
    """

    __slots__ = ("_built", "_entries", "_head", "_loader", "_phase")

    def __init__(
        self, loader: _Loader, phase: Phase, head: Sequence[Rule], entries: list[Entry]
    ) -> None:
        self._loader = loader
        self._phase = phase
        self._head = tuple(head)  # the built-in rules that come first, built already
        self._entries = entries
        self._built: list[Rule | None] = [None] * len(entries)

    def __len__(self) -> int:
        return len(self._head) + len(self._entries)

    @overload
    def __getitem__(self, at: int) -> Rule: ...

    @overload
    def __getitem__(self, at: slice) -> tuple[Rule, ...]: ...

    def __getitem__(self, at: int | slice) -> Rule | tuple[Rule, ...]:
        if isinstance(at, slice):
            return tuple(self[i] for i in range(*at.indices(len(self))))
        if at < 0:
            at += len(self)
        if at < len(self._head):
            return self._head[at]
        position = at - len(self._head)
        rule = self._built[position]  # IndexError past the end, as a tuple's
        if rule is None:
            kind, place, index, item, twin = self._entries[position]
            rule = self._loader.rule(kind, self._phase, place, index, item, twin)
            if rule is None:
                raise RuntimeError(f"{place} no longer loads: {self._loader.problems}")
            self._built[position] = rule
        return rule


def lazy_table(
    config: Mapping[str, Any], *, positional_refs: bool = True, early_errors: bool = False
) -> Table:
    """The table of a config that `load_table` accepted, with each rule built on first use."""
    loader = _Loader(config, positional_refs, early_errors)
    loader.settings()
    entries = _entries(loader, config)
    trailing = js_truthy(config.get("trailingSlash"))
    skip = js_truthy(config.get("skipTrailingSlashRedirect"))
    asset = _asset_prefix_rewrite(loader, config)
    heads: dict[Phase, list[Rule]] = {p: [] for p in Phase}
    heads[Phase.REDIRECTS] = [] if skip else _built_in_redirects(loader, trailing)
    heads[Phase.BEFORE_FILES] = [] if asset is None else [asset]
    lazy = {p: LazyRules(loader, p, heads[p], entries[p]) for p in Phase}
    return Table(
        headers=lazy[Phase.HEADERS],
        redirects=lazy[Phase.REDIRECTS],
        before_files=lazy[Phase.BEFORE_FILES],
        after_files=lazy[Phase.AFTER_FILES],
        fallback=lazy[Phase.FALLBACK],
        base_path=loader.base_path,
        trailing_slash=trailing,
        skip_trailing_slash_redirect=skip,
        case_sensitive=loader.case_sensitive,
        positional_refs=positional_refs,
        config=config,
        i18n=loader.i18n,
    )


def _path_refusal(base_path: str) -> str | None:
    """Why path-to-regexp refuses a basePath as the start of a source (None when it does not),
    as Next.js's server does when it builds the routes (`basePath: '/a?'`: Unexpected MODIFIER)."""
    try:
        parse_source(base_path)
    except PatternError as exc:
        why = exc.js_message or exc.message
        return f"{base_path!r} cannot start a route's source: {exc.message} (path-to-regexp: {why})"
    return None


def _built_in(
    loader: _Loader, source: str, destination: str, place: str, missing: tuple[Condition, ...] = ()
) -> Rule:
    """One of Next.js's own trailing-slash redirects (internal: no optional slash, no guard)."""
    pattern = loader.route_pattern(source, "redirect", internal=True)
    template = Template(
        destination,
        tuple(str(k.name) for k in pattern.keys if isinstance(k.name, str)),
        positional=False,
    )
    rule = loader.build(
        "redirect",
        Phase.REDIRECTS,
        place,
        -1,
        {"basePath": False},
        source=pattern,
        template=template,
        missing=missing,
        status=308,
        internal=True,
    )
    assert rule is not None
    return rule


def _built_in_redirects(loader: _Loader, trailing: bool) -> list[Rule]:
    """The redirects `loadCustomRoutes` puts before the user's (§5.4)."""
    base = loader.base_path
    rules: list[Rule] = []
    if trailing:
        if base:
            rules.append(_built_in(loader, base, base + "/", "built-in basePath slash redirect"))
        rules.append(
            _built_in(
                loader,
                "/:file((?!\\.well-known(?:/.*)?)(?:[^/]+/)*[^/]+\\.\\w+)/",
                "/:file",
                "built-in trailing-slash redirect (files)",
                (Condition("header", "x-nextjs-data", None),),
            )
        )
        rules.append(
            _built_in(
                loader,
                "/:notfile((?!\\.well-known(?:/.*)?)(?:[^/]+/)*[^/\\.]+)",
                "/:notfile/",
                "built-in trailing-slash redirect (add slash)",
            )
        )
    else:
        if base:
            rules.append(_built_in(loader, base + "/", base, "built-in basePath slash redirect"))
        rules.append(
            _built_in(
                loader, "/:path+/", "/:path+", "built-in trailing-slash redirect (remove slash)"
            )
        )
    return rules


def _asset_prefix_rewrite(loader: _Loader, config: Mapping[str, Any]) -> Rule | None:
    """The beforeFiles rewrite Next.js adds for an `assetPrefix` path (`loadRewrites`)."""
    prefix = config.get("assetPrefix")
    if not isinstance(prefix, str) or not prefix:
        return None
    if prefix.startswith(("http://", "https://")):
        try:
            prefix = parse_url(prefix).pathname
        except URLError:
            return None
    if not prefix or prefix == "/":
        return None
    asset = prefix if prefix.startswith("/") else "/" + prefix
    if asset == loader.base_path:
        return None
    source, destination = f"{asset}/_next/:path+", f"{loader.base_path}/_next/:path+"
    place = "built-in assetPrefix rewrite"
    try:
        pattern = loader.route_pattern(source, "rewrite")
    except PatternError as exc:
        loader.problem(f"{place}.source", f"`source` parse failed: {exc}")
        return None
    template = Template(destination, ("path",), ("path",), positional=False)
    return loader.build(
        "rewrite",
        Phase.BEFORE_FILES,
        place,
        -1,
        {"basePath": False},
        source=pattern,
        template=template,
    )
