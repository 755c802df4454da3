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

import contextlib
import enum
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ._envfiles import Mode, load_env_files
from ._js.node import js_typeof
from ._middleware import find_file as find_middleware_file
from ._middleware import read_file as read_middleware_file
from ._pages import DEFAULT_PAGE_EXTENSIONS, discover_routes, find_router_dirs, public_files_in
from .errors import ConfigError, Problem
from .router import Router

__all__ = [
    "NODE_SCRIPT",
    "Loader",
    "Mode",
    "Project",
    "load",
    "load_config",
    "load_router",
    "read_data",
]

#: Config files that are evaluated with Node rather than read as data.
NODE_SUFFIXES = (".js", ".mjs", ".cjs")
TS_SUFFIXES = (".ts", ".mts", ".cts")
YAML_SUFFIXES = (".yaml", ".yml")
#: Node 22.6 is the first to strip TypeScript types (`--experimental-strip-types`).
NODE_TS_VERSION = (22, 6)
#: Seconds a config may take to evaluate: it is user code, and may loop forever.
NODE_TIMEOUT = 60.0
#: The most a file we read as data, or a config's evaluation, may hold: past it, the file is
#: refused, and Node is stopped (RLIMIT_FSIZE on what it writes).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: How deeply the data of a config or cases file may nest (a next.config needs 6 levels).
MAX_DEPTH = 64
#: shared/lib/constants.js: the phase `next start` loads its config in.
PHASE_PRODUCTION_SERVER = "phase-production-server"

#: Imports a next.config file and prints the routing part of it as JSON (argv[1] is the file).
NODE_SCRIPT = r"""
const fs = require("node:fs");
const { pathToFileURL } = require("node:url");
// The answer follows a marker on stdout (the config may print too). When Node exits without one,
// the exit handler says why: the config called process.exit, or its promise never settled.
let settled = false;
let exitCalled = null;
const exit = process.exit.bind(process);
process.exit = (code) => {
  if (settled || exitCalled !== null) return exit(code);
  exitCalled = code === undefined ? process.exitCode | 0 : code;
  return exit(code);
};
process.on("exit", () => {
  if (settled) return;
  fs.writeSync(1, "\n@@rewrites-unsettled@@\n" + JSON.stringify({ exit: exitCalled }));
});
// Next.js only calls rewrites/redirects/headers when they are functions (load-custom-routes.js);
// `returned` says what a function gave when it is not an array (Next.js refuses that), `ignored`
// names the keys that are not functions (Next.js ignores them).
const returned = {};
const ignored = [];
const call = async (config, key) => {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "function") {
    ignored.push(key);
    return undefined;
  }
  const result = await value();
  if (!Array.isArray(result)) returned[key] = result === null ? "null" : typeof result;
  return result;
};
(async () => {
  const mod = await import(pathToFileURL(process.argv[1]).href);
  let config = mod.default !== undefined ? mod.default : mod;
  if (config && config.__esModule && config.default !== undefined) config = config.default;
  if (typeof config === "function") {
    config = await config(process.argv[2] || "phase-production-server", { defaultConfig: {} });
  }
  config = config || {};
  const out = {
    rewrites: await call(config, "rewrites"),
    redirects: await call(config, "redirects"),
    headers: await call(config, "headers"),
    basePath: config.basePath,
    trailingSlash: config.trailingSlash,
    skipTrailingSlashRedirect: config.skipTrailingSlashRedirect,
    skipProxyUrlNormalize: config.skipProxyUrlNormalize,
    skipMiddlewareUrlNormalize: config.skipMiddlewareUrlNormalize,
    caseSensitiveRoutes: config.experimental?.caseSensitiveRoutes,
    assetPrefix: config.assetPrefix,
    pageExtensions: config.pageExtensions,
    i18n: config.i18n,
  };
  const kept = Object.entries(out).filter(([, value]) => value !== undefined && value !== null);
  if (Object.keys(returned).length) kept.push(["__returned__", returned]);
  if (ignored.length) kept.push(["__ignored__", ignored]);
  settled = true;
  fs.writeSync(1, "\n@@rewrites-config@@\n" + JSON.stringify(Object.fromEntries(kept)));
  exit(0); // whatever the config left running (a server, a child) need not end first
})().catch((err) => {
  settled = true;
  process.stderr.write(String((err && err.stack) || err).split("\n").slice(0, 6).join("\n"));
  exit(1);
});
"""


def _problem(path: Path, message: str) -> ConfigError:
    """A ConfigError with one problem placed at the file."""
    return ConfigError([Problem(str(path), message)])


def read_text(path: Path, what: str) -> str:
    """A file's text (UTF-8, at most `MAX_FILE_BYTES`), or a ConfigError naming what it was
    meant to be (`what`: 'config file')."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _problem(path, f"{what} {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise _problem(path, f"{what} {str(path)!r} is a directory, not a file") from None
    except OSError as exc:
        raise _problem(path, f"cannot read {what} {str(path)!r}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _problem(
            path, f"{what} {str(path)!r} is larger than {MAX_FILE_BYTES // 2**20} MB: not read"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _problem(
            path,
            f"{what} {str(path)!r} is not UTF-8 text: byte {data[exc.start]:#04x} at offset "
            f"{exc.start}",
        ) from None


def parse_json(text: str, path: Path) -> Any:
    """JSON text, or a ConfigError with the line and column of the fault (or its depth: at
    most `MAX_DEPTH` levels of arrays and objects).

    The JSONDecodeError is kept as the error's `__cause__`, for callers that show the position
    their own way (the command line prints `file:line:column:`).
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise _problem(path, f"{str(path)!r} is {message}") from exc
    except RecursionError:
        data = None
        depth = MAX_DEPTH + 1
    else:
        depth = nesting(data)
    if depth > MAX_DEPTH:
        raise _problem(path, f"{str(path)!r} nests deeper than {MAX_DEPTH} levels: not read")
    return data


def nesting(data: object, limit: int = MAX_DEPTH) -> int:
    """How deeply lists and mappings nest in `data` (counted up to `limit` + 1, without
    recursion: the data may come from anywhere)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Iterable[object] = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


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
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _problem(path, f"{path}: not valid YAML: {first}") from None
    except RecursionError:
        data, depth = None, MAX_DEPTH + 1
    else:
        depth = nesting(data)
    if depth > MAX_DEPTH:
        raise _problem(path, f"{str(path)!r} nests deeper than {MAX_DEPTH} levels: not read")
    return data


def read_data(path: str | os.PathLike[str], what: str = "file") -> Any:
    """The data of a JSON file, or of a YAML one (`.yaml`, `.yml`; needs PyYAML).

    `what` names the file in messages ('cases file'). Raises ConfigError when the file cannot be
    read or parsed.
    """
    file = Path(path)
    text = read_text(file, what)
    return parse_yaml(text, file, what) if file.suffix in YAML_SUFFIXES else parse_json(text, file)


def load_config(
    path: str | os.PathLike[str],
    *,
    timeout: float = NODE_TIMEOUT,
    env: Mapping[str, str] | None = None,
    phase: str = PHASE_PRODUCTION_SERVER,
) -> dict[str, Any]:
    """A next.config as data: its routing keys (`rewrites`, `redirects`, `headers`, `basePath`...).

    JSON (and YAML, with PyYAML) is read as it is. `next.config.js`, `.mjs` and `.cjs` are
    evaluated with Node (on `PATH`) from their own directory, as Next.js would for `next start`:
    a config function is called with `phase` (the production-server phase), and `rewrites()`,
    `redirects()` and `headers()` are awaited; one that gives something other than an array is
    refused, as Next.js refuses it, and one that is not a function is ignored, as Next.js
    ignores it. `.ts` needs Node 22.6 or later. Evaluating runs the user's code in the
    environment `env` (None: this process's): it is stopped after `timeout` seconds. To read a
    whole project (its own Next.js, env files, pages), use `load`.

    Raises ConfigError, its one problem placed at the file: a missing or unreadable file, bad
    JSON or YAML, Node missing, too old, failing or out of time, or data that is not an object.

    >>> import json, pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "config.json"
    >>> _ = file.write_text(json.dumps({"basePath": "/docs"}))
    >>> load_config(file)
    {'basePath': '/docs'}
    """
    return read_config(Path(path), timeout=timeout, env=env, phase=phase)[0]


def read_config(
    file: Path,
    *,
    timeout: float = NODE_TIMEOUT,
    env: Mapping[str, str] | None = None,
    phase: str = PHASE_PRODUCTION_SERVER,
) -> tuple[dict[str, Any], list[str]]:
    """`load_config`, and the warnings of the bundled Node loader (keys Next.js ignores)."""
    _check_timeout(timeout)
    warnings: list[str] = []
    if file.suffix in NODE_SUFFIXES + TS_SUFFIXES:
        if not file.is_file():
            raise _problem(file, f"config file {str(file)!r} does not exist")
        config = node_config(file, timeout, env=env, phase=phase)
        if isinstance(config, dict):
            warnings = _function_results(file, config)
    else:
        config = read_data(file, "config file")
    if not isinstance(config, dict):
        shown = json.dumps(config, ensure_ascii=False)
        raise _problem(file, f"config file {str(file)!r} must hold an object, got {shown}")
    return config, warnings


def _check_timeout(timeout: object) -> None:
    """A timeout must be a positive number (ValueError echoing it otherwise)."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(
            f"got timeout={timeout!r} ({type(timeout).__name__}); expected a positive number"
        )


def _function_results(file: Path, config: dict[str, Any]) -> list[str]:
    """Next.js's checks of what `rewrites()`, `redirects()` and `headers()` gave (load-custom-
    routes.js): anything but an array is refused; a key that is not a function is ignored."""
    returned = config.pop("__returned__", {})
    ignored = config.pop("__ignored__", [])
    problems: list[Problem] = []
    for key, kind in returned.items():
        value = config.get(key)
        if key == "rewrites" and isinstance(value, dict) and set(value) <= set(REWRITE_PHASES):
            bad = [p for p in REWRITE_PHASES if value.get(p) and not isinstance(value[p], list)]
            kinds = [js_typeof(value[p]) for p in bad]  # (truthy: never None)
        else:
            kinds = [kind]
        problems += [
            Problem(
                f"{file}: {key}()",
                f"{key.removesuffix('s')}s must return an array, received {shown}. See here "
                "for more info: https://nextjs.org/docs/messages/routes-must-be-array",
            )
            for shown in kinds
        ]
    if problems:
        raise ConfigError(problems)
    return [
        f"{file}: `{key}` is not a function: Next.js ignores it (write "
        f"`async {key}() {{ return [...] }}`)"
        for key in ignored
    ]


#: The phases of a `rewrites()` object, as load-custom-routes.js reads them.
REWRITE_PHASES = ("beforeFiles", "afterFiles", "fallback")


def node_version(node: str) -> tuple[int, ...]:
    """The version of a Node executable, e.g. (20, 11, 1); () when it cannot be told."""
    try:
        done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10)
        return tuple(int(part) for part in done.stdout.strip().lstrip("v").split("."))
    except (OSError, ValueError, subprocess.SubprocessError):
        return ()


def node_config(
    path: Path,
    timeout: float = NODE_TIMEOUT,
    *,
    env: Mapping[str, str] | None = None,
    phase: str = PHASE_PRODUCTION_SERVER,
) -> Any:
    """Evaluate a next.config.js/.mjs/.cjs (.ts with Node >= 22.6); return its routing keys.

    `env` is the process environment it sees (None: this process's), `phase` the one a config
    function is called with.
    """
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
    command += ["-e", NODE_SCRIPT, str(path.resolve()), phase]
    doing = f"evaluating {str(path)!r} with Node"
    done = run_node(
        command,
        cwd=path.parent,
        env=None if env is None else dict(env),
        timeout=timeout,
        place=path,
        doing=doing,
    )
    _, found, answer = done.stdout.rpartition(_CONFIG_MARK)
    if found:
        return parse_json(answer, path)
    _, found, unsettled = done.stdout.rpartition(_UNSETTLED_MARK)
    if done.returncode == 0 and found:
        code = json.loads(unsettled).get("exit") if unsettled.startswith("{") else None
        if code is not None:
            raise _problem(
                path,
                f"{doing}: the config called process.exit({code}) before its routing keys "
                "could be read",
            )
        raise _problem(
            path,
            f"{doing}: the config's promise never settled (Node had nothing left to run "
            "before it resolved or rejected)",
        )
    reason = done.stderr.strip() or f"node exited with status {done.returncode}"
    raise _problem(path, f"{doing} failed:\n{reason}")


#: What NODE_SCRIPT writes on stdout before its answer, and before why it has none.
_CONFIG_MARK = "\n@@rewrites-config@@\n"
_UNSETTLED_MARK = "\n@@rewrites-unsettled@@\n"


@attrs.frozen
class NodeRun:
    """How a Node process ended: its exit status (negative: the signal that stopped it) and
    what it wrote (decoded as UTF-8, a wrong byte replaced)."""

    returncode: int
    stdout: str
    stderr: str


def run_node(
    command: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None,
    timeout: float,
    place: Path,
    doing: str,
) -> NodeRun:
    """Run Node on user code and wait for it to exit, for at most `timeout` seconds.

    Its output goes to files, not pipes, so that a child it leaves running (a server, a
    detached process) cannot keep us waiting for the pipe to close. It runs in a process group
    of its own, killed as a whole when the time is up, and once Node has exited (anything it
    started and left is stopped too); what it writes is capped at `MAX_FILE_BYTES`. Raises a
    ConfigError placed at `place` ('{doing} took over 60 s') when it cannot run or runs out of
    time.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=cwd,
                env=None if env is None else dict(env),
                start_new_session=True,
                # (preexec_fn only sets one rlimit: nothing that could deadlock after fork)
                preexec_fn=_limit_output if hasattr(os, "killpg") else None,
            )
        except OSError as exc:
            raise _problem(place, f"{doing} failed: {exc.strerror or exc}") from None
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.wait()
            raise _problem(
                place,
                f"{doing} took over {timeout:g} s, the timeout (--node-timeout on the command "
                "line): it was stopped",
            ) from None
        finally:
            _kill_group(process)
        stdout, stderr = _read_back(out), _read_back(err)
    if code == -getattr(signal, "SIGXFSZ", 0) or (code and "EFBIG" in stderr):
        raise _problem(
            place,
            f"{doing} failed: it wrote more than {MAX_FILE_BYTES // 2**20} MB, and was stopped",
        )
    return NodeRun(code, stdout, stderr)


def _limit_output() -> None:
    """In the child, before Node starts: cap the size of any file it writes (its output)."""
    import resource  # POSIX only: imported where it runs

    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop every process left in the child's process group (it leads its own)."""
    if not hasattr(os, "killpg"):
        process.kill()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone already
        os.killpg(process.pid, signal.SIGKILL)


def _read_back(file: Any) -> str:
    """What a child wrote to a temporary file, as text."""
    file.seek(0)
    return str(file.read(MAX_FILE_BYTES).decode("utf-8", "replace"))


def load_router(
    path: str | os.PathLike[str],
    routes: Iterable[str] | None = None,
    *,
    positional_refs: bool = True,
    early_errors: bool = False,
    timeout: float = NODE_TIMEOUT,
) -> Router:
    """A Router from one config file: JSON shaped like next.config.js, YAML, or a next.config.*
    (`rewrites.load`).

    `routes`, `positional_refs` and `early_errors` are those of `Router.from_next_config`,
    `timeout` that of `load_config`. Raises ConfigError: for the file (see `load_config`), or
    for every problem of its table. To read a whole project (env files, pages, public files),
    use `load`.
    """
    config = load_config(path, timeout=timeout)
    return Router.from_next_config(
        config, routes, positional_refs=positional_refs, early_errors=early_errors
    )


# --------------------------------------------------------------------------------------------------
# A whole project
# --------------------------------------------------------------------------------------------------

#: shared/lib/constants.js CONFIG_FILES, in the order `loadConfig` looks for them (`.mts` only
#: on a Node that strips types), then `.cjs`, which Next.js refuses and we read as an extension.
CONFIG_NAMES = (
    "next.config.js",
    "next.config.mjs",
    "next.config.ts",
    "next.config.mts",
    "next.config.cjs",
)
#: The phase a config function is called with, per mode (shared/lib/constants.js).
PHASES = {
    Mode.PRODUCTION: PHASE_PRODUCTION_SERVER,
    Mode.DEVELOPMENT: "phase-development-server",
    Mode.TEST: "phase-test",
}
#: Marks the loader's answer on stdout (a config may print before it).
_ANSWER = "\n@@rewrites-answer@@\n"

#: Loads a project's config with the project's own Next.js, as `next start` does (argv[1] the
#: project folder, argv[2] the mode), and prints the routing keys, the env files and Next's own
#: messages as JSON. loadConfig loads the env files (@next/env), finds and transpiles the config
#: (`.ts` with SWC), calls a config function with the phase, validates it (its warnings are
#: kept) and applies the defaults; load-custom-routes then validates the rules as `next build`.
NEXT_LOADER_SCRIPT = r"""
const path = require("node:path");
const { createRequire } = require("node:module");
const [dir, mode] = process.argv.slice(1);
const fromProject = createRequire(path.join(dir, "package.json"));
const nextDir = path.dirname(fromProject.resolve("next/package.json"));
const nx = (rel) => require(path.join(nextDir, "dist", rel));
const messages = [];
const say = (...args) => messages.push(args.map((a) => (a && a.stack) || String(a)).join(" "));
console.log = console.info = console.warn = console.error = console.debug = say;
const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
(async () => {
  const constants = nx("shared/lib/constants.js");
  const phase = { production: constants.PHASE_PRODUCTION_SERVER,
    development: constants.PHASE_DEVELOPMENT_SERVER, test: constants.PHASE_TEST }[mode];
  const config = await nx("server/config.js").default(phase, dir, { silent: false });
  const nextEnv = createRequire(path.join(nextDir, "package.json"))("@next/env");
  const env = nextEnv.loadEnvConfig(dir, mode === "development", { info() {}, error: say });
  const returned = {};
  const ignored = [];
  const results = {};
  for (const key of ["rewrites", "redirects", "headers"]) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== "function") { ignored.push(key); continue; }
    const result = await value();
    if (!Array.isArray(result)) returned[key] = result === null ? "null" : typeof result;
    results[key] = result;
  }
  // load-custom-routes.js, as `next build` runs it (its process.exit(1) becomes an error).
  const checked = { ...config };
  for (const key of ["rewrites", "redirects", "headers"]) {
    if (key in results) checked[key] = async () => clone(results[key]);
    else delete checked[key];
  }
  let error = null;
  const exit = process.exit;
  const before = messages.length;
  process.exit = (code) => { throw Object.assign(new Error("exit"), { exitCode: code }); };
  try {
    await nx("lib/load-custom-routes.js").default(checked);
  } catch (err) {
    error = err.exitCode !== undefined ? messages.slice(before).filter((m) => m.trim()).join("\n")
      : String((err && err.stack) || err).split("\n").slice(0, 6).join("\n");
  } finally {
    process.exit = exit;
  }
  const out = {
    rewrites: results.rewrites, redirects: results.redirects, headers: results.headers,
    basePath: config.basePath, trailingSlash: config.trailingSlash,
    skipTrailingSlashRedirect: config.skipTrailingSlashRedirect,
    skipProxyUrlNormalize: config.skipProxyUrlNormalize,
    caseSensitiveRoutes: config.experimental && config.experimental.caseSensitiveRoutes,
    assetPrefix: config.assetPrefix, pageExtensions: config.pageExtensions, i18n: config.i18n,
  };
  const kept = Object.fromEntries(
    Object.entries(out).filter(([, v]) => v !== undefined && v !== null));
  const names = [...new Set(env.loadedEnvFiles.flatMap((file) => Object.keys(file.env || {})))];
  const answer = {
    config: kept, returned, ignored, error,
    configFile: config.configFile ? path.basename(config.configFile) : null,
    envFiles: env.loadedEnvFiles.map((file) => file.path),
    env: Object.fromEntries(
      names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]])),
    messages: messages.slice(0, before),
    version: require(path.join(nextDir, "package.json")).version,
  };
  process.stdout.write("\n@@rewrites-answer@@\n" + JSON.stringify(answer));
})().catch((err) => {
  process.stderr.write(String((err && err.stack) || err).split("\n").slice(0, 8).join("\n"));
  process.exit(1);
});
"""


class Loader(enum.StrEnum):
    """How a project's config was read."""

    #: With the project's own Next.js (`node_modules/next`): its `loadConfig`, as `next start`.
    NEXT = "next"
    #: With Node and the bundled loader (no Next.js installed).
    NODE = "node"
    #: As data (JSON, YAML).
    DATA = "data"
    #: There is no config file: Next.js's defaults.
    DEFAULTS = "defaults"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Project:
    """A Next.js project read as `next start` reads it: its config, env files, pages and
    public files.

    `config` holds the routing keys `Router.from_next_config` takes (after the env files were
    loaded and the config evaluated); `routes` the app's routes (None when there is no `app/`
    or `pages/` folder); `public_files` the files of `public/` ('/robots.txt'); `env_files_loaded`
    the env files read, in order, and `env` the names they set; `loader` how the config was read;
    `warnings` what Next.js would warn about and what was skipped. `router()` builds the Router.
    """

    root: Path
    config_file: Path | None
    config: Mapping[str, Any] = attrs.field(hash=False)
    routes: tuple[str, ...] | None
    public_files: tuple[str, ...]
    env_files_loaded: tuple[str, ...]
    env: Mapping[str, str] = attrs.field(hash=False, repr=False)
    mode: Mode
    loader: Loader
    warnings: tuple[str, ...] = ()
    #: Interception routes (`(.)photo`), left out of `routes`: Next.js serves them through
    #: rewrites for client-side navigations, which are not modelled.
    intercepting: tuple[str, ...] = ()
    #: The middleware file (`proxy.ts`, or `middleware.ts` before Next.js 16) beside `app/` or
    #: `pages/`, and its `config.matcher` as `next build` reads it (True: it has none and runs
    #: on every path; None: there is no middleware file).
    middleware_file: Path | None = None
    middleware: Any = None

    def router(
        self, *, positional_refs: bool = True, early_errors: bool = False, indexed: bool = True
    ) -> Router:
        """The project's Router: its config, routes and public files (options as
        `Router.from_next_config`)."""
        return Router.from_next_config(
            self.config,
            self.routes,
            positional_refs=positional_refs,
            early_errors=early_errors,
            indexed=indexed,
            public_files=self.public_files,
            middleware=self.middleware,
        )


def find_config(root: Path) -> Path | None:
    """The project's config file, in Next.js's order (None: there is none)."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    return None


def load(
    dir_or_config: str | os.PathLike[str],
    *,
    mode: Mode | str = Mode.PRODUCTION,
    env: Mapping[str, str] | None = None,
    timeout: float = NODE_TIMEOUT,
) -> Project:
    """Read a Next.js project the way `next start` reads it (`next dev` with
    `mode="development"`, tests with `mode="test"`).

    `dir_or_config` is the project folder, or its config file (a `next.config.*`, or a JSON or
    YAML table; the folder is then the file's). `env` is the process environment (None: this
    process's); env files never override it. The config is read, in this order:

    1. with the project's own Next.js when `node_modules/next` is installed (and Node is on
       `PATH`): its `loadConfig`, which loads the env files with `@next/env`, reads any
       `next.config.*` (`.ts` included), calls a config function with the phase, validates,
       warns and applies defaults; then `load-custom-routes` checks the rules;
    2. otherwise the env files are read with python-dotenv and expanded as `@next/env` does, and
       a `next.config.js`, `.mjs`, `.cjs` (`.ts` on Node 22.6+) is evaluated with Node and the
       bundled loader in that environment;
    3. a JSON or YAML file is read as data.

    Then the routes come from `app/` and `pages/` (or `src/...`, with `pageExtensions`) and the
    public files from `public/`; a JSON or YAML table given as a file is read alone (no routes,
    no public files). Raises ConfigError (placed at the file or folder) when the project
    cannot be read; evaluating runs user code, stopped after `timeout` seconds.
    """
    _check_timeout(timeout)
    mode = Mode(mode)
    place = Path(dir_or_config)
    environ = dict(os.environ if env is None else env)
    if place.is_dir():
        root, config_file = place, find_config(place)
    elif place.exists():
        root, config_file = place.parent, place
    else:
        raise _problem(place, f"config file {str(place)!r} does not exist")
    table_only = config_file is not None and not config_file.name.startswith("next.config.")
    warnings: list[str] = []
    answer = None
    if not table_only and (root / "node_modules" / "next" / "package.json").is_file():
        if shutil.which("node") is not None:
            answer = _next_answer(root, config_file, mode, environ, timeout)
        else:
            warnings.append(
                f"{root}: Next.js is installed but Node.js is not on PATH: the env files and "
                "config are read without it"
            )
    if answer is not None:
        config, loaded, values, more = answer
        loader = Loader.NEXT
        warnings += more
    else:
        found = load_env_files(root, mode, environ)
        loaded, values = found.loaded, dict(found.values)
        warnings += found.warnings
        if config_file is None:
            config, loader = {}, Loader.DEFAULTS
        else:
            config, more = read_config(
                config_file, timeout=timeout, env=found.environ, phase=PHASES[mode]
            )
            warnings += more
            loader = (
                Loader.NODE if config_file.suffix in NODE_SUFFIXES + TS_SUFFIXES else Loader.DATA
            )
    routes: tuple[str, ...] | None = None
    public: tuple[str, ...] = ()
    intercepting: tuple[str, ...] = ()
    middleware_file: Path | None = None
    if not table_only:
        extensions = _page_extensions(config, config_file or root)
        app_dir, pages_dir = find_router_dirs(root)
        if app_dir is not None or pages_dir is not None:
            found_routes = discover_routes(root, extensions)
            routes, intercepting = found_routes.routes, found_routes.intercepting
            # build/index.js looks for proxy.* / middleware.* beside `pages/` (or `app/`).
            folder = (pages_dir or app_dir or root).parent
            middleware_file = find_middleware_file(folder, extensions)
        elif place.is_dir():
            warnings.append(
                f"{root}: no app/ or pages/ folder (nor under src/): the pages are unknown"
            )
        if (root / "public").is_dir():
            public = tuple(public_files_in(root / "public"))
    return Project(
        root=root,
        config_file=config_file,
        config=config,
        routes=routes,
        public_files=public,
        env_files_loaded=tuple(loaded),
        env=values,
        mode=mode,
        loader=loader,
        warnings=tuple(warnings),
        intercepting=intercepting,
        middleware_file=middleware_file,
        middleware=None if middleware_file is None else read_middleware_file(middleware_file),
    )


def _page_extensions(config: Mapping[str, Any], place: Path) -> tuple[str, ...]:
    """The config's `pageExtensions`, refused as `assignDefaults` refuses them."""
    value = config.get("pageExtensions", DEFAULT_PAGE_EXTENSIONS)
    if not isinstance(value, list | tuple):
        raise _problem(
            place,
            f'Specified pageExtensions is not an array of strings, found "{value}". Please '
            "update this config or remove it.",
        )
    if not value:
        raise _problem(
            place,
            "Specified pageExtensions is an empty array. Please update it with the relevant "
            "extensions or remove it.",
        )
    for ext in value:
        if not isinstance(ext, str):
            raise _problem(
                place,
                f'Specified pageExtensions is not an array of strings, found "{ext}" of type '
                f'"{"object" if ext is None else js_typeof(ext)}". Please update this '
                "config or remove it.",
            )
    return tuple(value)


def _next_answer(
    root: Path, config_file: Path | None, mode: Mode, environ: dict[str, str], timeout: float
) -> tuple[dict[str, Any], tuple[str, ...], dict[str, str], list[str]]:
    """Run NEXT_LOADER_SCRIPT: the config, env files read, names they set, and warnings."""
    node = shutil.which("node")
    assert node is not None
    place = config_file or root
    command = [node, "-e", NEXT_LOADER_SCRIPT, str(root.resolve()), str(mode)]
    child_env = {**environ, "NODE_ENV": str(mode)}
    doing = f"loading {str(place)!r} with the project's Next.js"
    done = run_node(command, cwd=root, env=child_env, timeout=timeout, place=place, doing=doing)
    if done.returncode != 0 or _ANSWER not in done.stdout:
        reason = done.stderr.strip() or f"node exited with status {done.returncode}"
        raise _problem(
            place, f"loading {str(place)!r} with the project's Next.js failed:\n{reason}"
        )
    answer = json.loads(done.stdout.rsplit(_ANSWER, 1)[1])
    config: dict[str, Any] = answer["config"]
    if answer["returned"]:
        config["__returned__"] = answer["returned"]
    if answer["ignored"]:
        config["__ignored__"] = answer["ignored"]
    where = root / answer["configFile"] if answer["configFile"] else place
    warnings = [f"{where}: {text}" for text in _next_warnings(answer["messages"])]
    warnings += _function_results(where, config)
    if answer["error"]:
        raise ConfigError([Problem(str(where), _plain(answer["error"]))])
    return config, tuple(answer["envFiles"]), dict(answer["env"]), warnings


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: build/output/log.js prefixes: what Next.js warns (⚠) or reports as an error (⨯).
_WARN_PREFIXES = ("⚠", "⨯")


def _next_warnings(messages: list[str]) -> list[str]:
    """Next.js's warnings among what loadConfig printed; a group of lines (the config schema's
    "Invalid next.config.js options detected:" up to its "See more info") is one warning."""
    found: list[str] = []
    grouping = False
    for message in messages:
        text = _plain(message).strip()
        if not text.startswith(_WARN_PREFIXES):
            grouping = False
            continue
        text = text[1:].strip()
        if grouping:
            found[-1] += "\n  " + text
            grouping = not text.startswith("See more info")
            continue
        found.append(text)
        grouping = text.endswith(":")
    return found


def _plain(text: str) -> str:
    """A message without terminal colours."""
    return _ANSI.sub("", text).rstrip()
