"""Reading a Next.js project's files: its config (JSON, YAML, or a `next.config.*` run with Node).

`load_config(path)` gives a config file's routing keys as data, and `load(path, routes)` the
Router of its table. Every failure to read a file is one `ConfigError` whose problem's `place` is
the file and whose `message` is a whole sentence that names it, so a caller may show the message
alone:

    >>> import rewrites.project
    >>> rewrites.project.load_config("missing.json")
    Traceback (most recent call last):
    rewrites.errors.ConfigError: 1 problem in the config:
    - missing.json: config file 'missing.json' does not exist

Issue 13 grows this module into reading a whole project (env files, pages, public files); what it
reads today is the config file alone.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import ConfigError, Problem
from .router import Router

__all__ = ["NODE_SCRIPT", "load", "load_config", "read_data"]

#: Config files that are evaluated with Node rather than read as data.
NODE_SUFFIXES = (".js", ".mjs", ".cjs")
TS_SUFFIXES = (".ts", ".mts", ".cts")
YAML_SUFFIXES = (".yaml", ".yml")
#: Node 22.6 is the first to strip TypeScript types (`--experimental-strip-types`).
NODE_TS_VERSION = (22, 6)
#: Seconds a config may take to evaluate: it is user code, and may loop forever.
NODE_TIMEOUT = 60.0

#: Imports a next.config file and prints the routing part of it as JSON (argv[1] is the file).
NODE_SCRIPT = r"""
const { pathToFileURL } = require("node:url");
const call = async (value) => (typeof value === "function" ? await value() : value);
(async () => {
  const mod = await import(pathToFileURL(process.argv[1]).href);
  let config = mod.default !== undefined ? mod.default : mod;
  if (config && config.__esModule && config.default !== undefined) config = config.default;
  if (typeof config === "function") {
    config = await config("phase-production-server", { defaultConfig: {} });
  }
  config = config || {};
  const out = {
    rewrites: await call(config.rewrites),
    redirects: await call(config.redirects),
    headers: await call(config.headers),
    basePath: config.basePath,
    trailingSlash: config.trailingSlash,
    skipTrailingSlashRedirect: config.skipTrailingSlashRedirect,
    caseSensitiveRoutes: config.experimental?.caseSensitiveRoutes,
    i18n: config.i18n,
  };
  const kept = Object.entries(out).filter(([, value]) => value !== undefined && value !== null);
  process.stdout.write(JSON.stringify(Object.fromEntries(kept)));
})().catch((err) => {
  process.stderr.write(String((err && err.stack) || err).split("\n").slice(0, 6).join("\n"));
  process.exit(1);
});
"""


def _problem(path: Path, message: str) -> ConfigError:
    """A ConfigError with one problem placed at the file."""
    return ConfigError([Problem(str(path), message)])


def read_text(path: Path, what: str) -> str:
    """A file's text, or a ConfigError naming what it was meant to be (`what`: 'config file')."""
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise _problem(path, f"{what} {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise _problem(path, f"{what} {str(path)!r} is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _problem(path, f"cannot read {what} {str(path)!r}: {exc}") from None


def parse_json(text: str, path: Path) -> Any:
    """JSON text, or a ConfigError with the line and column of the fault.

    The JSONDecodeError is kept as the error's `__cause__`, for callers that show the position
    their own way (the command line prints `file:line:column:`).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise _problem(path, f"{str(path)!r} is {message}") from exc


def parse_yaml(text: str, path: Path, what: str) -> Any:
    """YAML text (needs PyYAML), or a ConfigError saying what is wrong or missing."""
    try:
        # Imported by name: PyYAML is optional and ships no type hints.
        yaml = importlib.import_module("yaml")
    except ImportError:
        noun = what.removesuffix(" file")
        raise _problem(
            path,
            f"reading {str(path)!r} needs PyYAML: pip install 'rewrites[yaml]' "
            f"(or write the {noun} as JSON)",
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _problem(path, f"{path}: not valid YAML: {exc}") from None


def read_data(path: str | os.PathLike[str], what: str = "file") -> Any:
    """The data of a JSON file, or of a YAML one (`.yaml`, `.yml`; needs PyYAML).

    `what` names the file in messages ('cases file'). Raises ConfigError when the file cannot be
    read or parsed.
    """
    file = Path(path)
    text = read_text(file, what)
    return parse_yaml(text, file, what) if file.suffix in YAML_SUFFIXES else parse_json(text, file)


def load_config(path: str | os.PathLike[str], *, timeout: float = NODE_TIMEOUT) -> dict[str, Any]:
    """A next.config as data: its routing keys (`rewrites`, `redirects`, `headers`, `basePath`...).

    JSON (and YAML, with PyYAML) is read as it is. `next.config.js`, `.mjs` and `.cjs` are
    evaluated with Node (on `PATH`) from their own directory, as Next.js would for `next start`:
    a config function is called with the production-server phase, and `rewrites()`,
    `redirects()` and `headers()` are awaited. `.ts` needs Node 22.6 or later. Evaluating runs
    the user's code: it is stopped after `timeout` seconds.

    Raises ConfigError, its one problem placed at the file: a missing or unreadable file, bad
    JSON or YAML, Node missing, too old, failing or out of time, or data that is not an object.

    >>> import json, pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "config.json"
    >>> _ = file.write_text(json.dumps({"basePath": "/docs"}))
    >>> load_config(file)
    {'basePath': '/docs'}
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(
            f"got timeout={timeout!r} ({type(timeout).__name__}); expected a positive number"
        )
    file = Path(path)
    if file.suffix in NODE_SUFFIXES + TS_SUFFIXES:
        if not file.is_file():
            raise _problem(file, f"config file {str(file)!r} does not exist")
        config = node_config(file, timeout)
    else:
        config = read_data(file, "config file")
    if not isinstance(config, dict):
        shown = json.dumps(config, ensure_ascii=False)
        raise _problem(file, f"config file {str(file)!r} must hold an object, got {shown}")
    return config


def node_version(node: str) -> tuple[int, ...]:
    """The version of a Node executable, e.g. (20, 11, 1); () when it cannot be told."""
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10)
        return tuple(int(part) for part in done.stdout.strip().lstrip("v").split("."))
    except (OSError, ValueError, subprocess.SubprocessError):
        return ()


def node_config(path: Path, timeout: float = NODE_TIMEOUT) -> Any:
    """Evaluate a next.config.js/.mjs/.cjs (.ts with Node >= 22.6); return its routing keys."""
    node = shutil.which("node")
    if node is None:
        raise _problem(
            path,
            f"reading {path.name!r} needs Node.js on PATH to evaluate it; install Node, or "
            'write the routing keys as JSON ({"rewrites": [...], "redirects": [...], ...})',
        )
    command = [node]
    if path.suffix in TS_SUFFIXES:
        version = node_version(node)
        if version and version < NODE_TS_VERSION:
            shown = ".".join(map(str, version))
            raise _problem(
                path,
                f"reading {path.name!r} needs Node 22.6 or later to strip TypeScript types "
                f"(found {shown}); use a next.config.js or a JSON file instead",
            )
        command.append("--experimental-strip-types")
    command += ["-e", NODE_SCRIPT, str(path.resolve())]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=path.parent
        )
    except subprocess.TimeoutExpired:
        raise _problem(path, f"evaluating {str(path)!r} with Node took over {timeout:g}s") from None
    except OSError as exc:
        raise _problem(path, f"evaluating {str(path)!r} with Node failed: {exc}") from None
    if done.returncode != 0:
        reason = done.stderr.strip() or f"node exited with status {done.returncode}"
        raise _problem(path, f"evaluating {str(path)!r} with Node failed:\n{reason}")
    return parse_json(done.stdout, path)


def load(
    path: str | os.PathLike[str],
    routes: Iterable[str] | None = None,
    *,
    positional_refs: bool = True,
    early_errors: bool = True,
    timeout: float = NODE_TIMEOUT,
) -> Router:
    """A Router from a config file: JSON shaped like next.config.js, YAML, or a next.config.*.

    `routes`, `positional_refs` and `early_errors` are those of `Router.from_next_config`,
    `timeout` that of `load_config`. Raises ConfigError: for the file (see `load_config`), or
    for every problem of its table.
    """
    config = load_config(path, timeout=timeout)
    return Router.from_next_config(
        config, routes, positional_refs=positional_refs, early_errors=early_errors
    )
