"""A project's `.env` files, loaded as Next.js loads them before it evaluates `next.config.*`.

`@next/env` 16.4.6 (`loadEnvConfig`, which `loadConfig` calls) reads, in this order and for the
first file that sets a name, `.env.<mode>.local`, `.env.local` (not in `test` mode),
`.env.<mode>` and `.env`, where the mode is `production` (`next build`, `next start`),
`development` (`next dev`) or `test` (`NODE_ENV=test`). A name already in the process
environment keeps its value. Values are expanded as `@next/env`'s vendored `dotenv-expand`
does (`$NAME`, `${NAME}`, `${NAME:-default}`, `\\$` for a literal `$`), quirks included:

* each file is expanded against the process environment as the files before it left it, and
  its names are then written into it, so a later file's `$NAME` sees an earlier file's value;
* a name that the process environment already has is expanded too (its value, not the file's);
* the replacement is JavaScript's `String.prototype.replace` with a string pattern: the first
  occurrence of the reference's text is replaced (`$AB $A` → the `$A` of `$AB`), and `$$`, `$&`,
  `` $` `` and `$'` in the value are replacement patterns;
* a value that refers to itself without end fails its whole file, which is then skipped (Next.js
  logs "Failed to load env from ..." and goes on).

Lines are parsed with python-dotenv (a maintained parser), not by hand. It agrees with
`@next/env`'s parser (dotenv 16.3.1) on `KEY=value`, `export KEY=value`, quoted values (single,
double with `\\n`, multi-line), comments and blank lines; where they differ (listed in
docs/projects.md: `KEY: value`, backtick quotes, `#` right after an unquoted value, escapes other
than `\\n` in double quotes), a project that has Next.js installed is read with `@next/env`
itself (see `rewrites.project`). A line python-dotenv cannot parse is skipped with a warning, as
dotenv skips it silently.
"""

from __future__ import annotations

import enum
import io
import os
import re
from collections.abc import Mapping
from pathlib import Path

import attrs
from dotenv.parser import parse_stream

__all__ = ["EnvFiles", "Mode", "env_file_names", "expand_files", "load_env_files"]


class Mode(enum.StrEnum):
    """Which Next.js command a project is read for: it picks the env files and the phase."""

    #: `next build` and `next start` (`NODE_ENV=production`).
    PRODUCTION = "production"
    #: `next dev` (`NODE_ENV=development`).
    DEVELOPMENT = "development"
    #: tests (`NODE_ENV=test`): `.env.local` is not read.
    TEST = "test"

    def __str__(self) -> str:
        return self.value


def env_file_names(mode: Mode) -> tuple[str, ...]:
    """The env files of a mode, first one winning (@next/env loadEnvConfig)."""
    names = [f".env.{mode}.local", ".env.local", f".env.{mode}", ".env"]
    if mode is Mode.TEST:
        names.remove(".env.local")
    return tuple(names)


@attrs.frozen
class EnvFiles:
    """What a project's env files did to the process environment.

    `loaded` names the files read, in the order read; `values` the names they set (or, for a
    name already in the environment, expanded); `environ` the whole environment the config is
    evaluated in; `warnings` what was skipped and why.
    """

    mode: Mode
    loaded: tuple[str, ...]
    values: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    environ: Mapping[str, str] = attrs.field(factory=dict, hash=False, repr=False)
    warnings: tuple[str, ...] = ()


def load_env_files(
    root: str | os.PathLike[str],
    mode: Mode | str = Mode.PRODUCTION,
    env: Mapping[str, str] | None = None,
) -> EnvFiles:
    """Read the env files of the project at `root` for `mode`, over the environment `env`
    (None: this process's), as @next/env's loadEnvConfig does.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / ".env").write_text("API=$HOST/api\\nHOST=http://localhost:3001\\n")
    >>> _ = (root / ".env.local").write_text("HOST=http://127.0.0.1:3001\\n")
    >>> found = load_env_files(root, env={})
    >>> found.loaded, found.values["API"]
    (('.env.local', '.env'), 'http://127.0.0.1:3001/api')
    """
    mode = Mode(mode)
    base = Path(root)
    files: list[tuple[str, str]] = []
    warnings: list[str] = []
    for name in env_file_names(mode):
        path = base / name
        try:
            if not path.is_file():
                continue
            files.append((name, path.read_text("utf-8", errors="replace")))
        except OSError as exc:
            warnings.append(f"Failed to load env from {name}: {exc}")
    environ = dict(os.environ if env is None else env)
    return expand_files(files, environ, mode, warnings)


def expand_files(
    files: list[tuple[str, str]],
    environ: dict[str, str],
    mode: Mode = Mode.PRODUCTION,
    warnings: list[str] | None = None,
) -> EnvFiles:
    """@next/env processEnv over files already read (`(name, text)`, first one winning)."""
    notes = list(warnings or ())
    initial = dict(environ)
    process = dict(environ)
    added: dict[str, str] = {}
    named: dict[str, None] = {}
    for name, text in files:
        parsed = _parse(text, name, notes)
        try:
            _expand(parsed, process)
        except _ExpandError as exc:
            notes.append(f"Failed to load env from {name}: {exc}")
            continue
        named.update(dict.fromkeys(parsed))
        for key, value in parsed.items():
            if key not in added and key not in initial:
                added[key] = value
    process.update(added)
    values = {key: process[key] for key in named}
    loaded = tuple(name for name, _ in files)
    return EnvFiles(mode, loaded, values, process, tuple(notes))


def _parse(text: str, name: str, warnings: list[str]) -> dict[str, str]:
    """The names and raw values of one file, in JavaScript's object key order."""
    parsed: dict[str, str] = {}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            line = binding.original.string.rstrip("\n")
            warnings.append(
                f"{name}:{binding.original.line}: cannot parse {line!r}; the line is skipped"
            )
            continue
        if binding.key is None or binding.value is None:
            continue  # a comment, a blank line, or a name without '=' (dotenv skips it too)
        parsed[binding.key] = binding.value
    # A JavaScript object lists array-index keys first, in numeric order.
    index = sorted((k for k in parsed if _ARRAY_INDEX.fullmatch(k)), key=int)
    return {**{k: parsed[k] for k in index}, **parsed}


_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]{0,9}")


class _ExpandError(Exception):
    """A value whose expansion never ends (JavaScript's stack overflows)."""


# dotenv-expand's patterns (JavaScript `\w` is ASCII): the last `$` not after a backslash, and a
# reference at it: `$NAME`, `${NAME}`, `${NAME:-default}` (each brace optional on its own).
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
_REFERENCE = re.compile(r"((?<!\\)\${?([A-Za-z0-9_]+)(?::-([^}\\]*))?}?)")
#: How many references one value may resolve: past this, JavaScript's recursion overflows.
_MAX_STEPS = 10_000


def _interpolate(value: str, process: Mapping[str, str], parsed: Mapping[str, str]) -> str:
    """dotenv-expand `_interpolate` (recursion unrolled)."""
    for _ in range(_MAX_STEPS):
        starts = [found.start() for found in _UNESCAPED_DOLLAR.finditer(value)]
        if not starts:
            return value
        found = _REFERENCE.search(value, starts[-1])
        if found is None or found.start() != starts[-1]:
            return value
        whole, name, default = found.group(1), found.group(2), found.group(3)
        replacement = process.get(name) or default or parsed.get(name) or ""
        value = _js_replace_first(value, whole, replacement)
    raise _ExpandError("Maximum call stack size exceeded")


def _js_replace_first(text: str, needle: str, replacement: str) -> str:
    """`text.replace(needle, replacement)` for a string `needle` (GetSubstitution patterns)."""
    at = text.find(needle)
    if at < 0:
        return text
    out: list[str] = []
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        nxt = replacement[i + 1] if i + 1 < len(replacement) else ""
        if ch == "$" and nxt == "$":
            out.append("$")
        elif ch == "$" and nxt == "&":
            out.append(needle)
        elif ch == "$" and nxt == "`":
            out.append(text[:at])
        elif ch == "$" and nxt == "'":
            out.append(text[at + len(needle) :])
        else:
            out.append(ch)
            i += 1
            continue
        i += 2
    return text[:at] + "".join(out) + text[at + len(needle) :]


def _expand(parsed: dict[str, str], process: dict[str, str]) -> None:
    """dotenv-expand `expand` as @next/env vendors it: every value expanded (a name already in
    the environment expands the environment's value), then written into the environment."""
    for key in parsed:
        raw = process[key] if key in process else parsed[key]
        parsed[key] = _interpolate(raw, process, parsed).replace("\\$", "$")
    process.update(parsed)
