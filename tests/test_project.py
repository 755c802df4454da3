"""rewrites.project: config files as data (JSON, YAML, next.config.* with Node), one error type."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rewrites import ConfigError, Router, cli, project

RULE = {"source": "/api/:path*", "destination": "http://localhost:3001/api/:path*"}
ROUTES = ["/", "/api/auth/[...nextauth]"]

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")


def only_problem(error: pytest.ExceptionInfo[ConfigError]) -> tuple[str, str]:
    """The place and message of an error's one problem."""
    (problem,) = error.value.problems
    return problem.place, problem.message


def test_json_config_is_read_as_data(tmp_path: Path) -> None:
    """A JSON config file gives its object as it is."""
    file = tmp_path / "next.config.json"
    file.write_text(json.dumps({"rewrites": [RULE], "basePath": "/docs"}))
    assert project.load_config(file) == {"rewrites": [RULE], "basePath": "/docs"}


def test_yaml_config_is_read_as_data(tmp_path: Path) -> None:
    """A YAML config file (with PyYAML) gives the same data as its JSON twin."""
    pytest.importorskip("yaml")
    file = tmp_path / "routing.yaml"
    file.write_text("rewrites:\n  - source: /api/:path*\n    destination: http://b/:path*\n")
    assert project.load_config(file) == {
        "rewrites": [{"source": "/api/:path*", "destination": "http://b/:path*"}]
    }


def test_yaml_without_pyyaml_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without PyYAML a YAML config is a ConfigError naming the extra to install."""
    monkeypatch.setitem(sys.modules, "yaml", None)
    file = tmp_path / "routing.yml"
    file.write_text("rewrites: []\n")
    with pytest.raises(ConfigError) as error:
        project.load_config(file)
    assert only_problem(error) == (
        str(file),
        f"reading {str(file)!r} needs PyYAML: pip install 'rewrites[yaml]' "
        "(or write the config as JSON)",
    )


def test_a_missing_file_is_placed_at_the_file(tmp_path: Path) -> None:
    """A missing config, of any kind, is one problem whose place is the file."""
    for name in ("none.json", "next.config.js"):
        file = tmp_path / name
        with pytest.raises(ConfigError) as error:
            project.load_config(file)
        assert only_problem(error) == (str(file), f"config file {str(file)!r} does not exist")


def test_a_directory_is_not_a_config(tmp_path: Path) -> None:
    """A directory given as the config says so."""
    with pytest.raises(ConfigError) as error:
        project.load_config(tmp_path)
    assert only_problem(error) == (
        str(tmp_path),
        f"config file {str(tmp_path)!r} is a directory, not a file",
    )


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    """Invalid JSON gives its line and column, and keeps the decoder's error as the cause."""
    file = tmp_path / "bad.json"
    file.write_text('{"rewrites": }')
    with pytest.raises(ConfigError) as error:
        project.load_config(file)
    assert only_problem(error) == (
        str(file),
        f"{str(file)!r} is not valid JSON: Expecting value (line 1, column 14)",
    )
    assert isinstance(error.value.__cause__, json.JSONDecodeError)


def test_a_config_must_be_an_object(tmp_path: Path) -> None:
    """A config file holding something other than an object is refused at the file."""
    file = tmp_path / "list.json"
    file.write_text("[]")
    with pytest.raises(ConfigError) as error:
        project.load_config(file)
    assert only_problem(error) == (
        str(file),
        f"config file {str(file)!r} must hold an object, got []",
    )


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), True, "60"])
def test_timeout_must_be_a_positive_number(timeout: object) -> None:
    """A timeout that is not a positive number is refused, echoing the value and its type."""
    with pytest.raises(ValueError) as error:
        project.load_config("next.config.js", timeout=timeout)  # type: ignore[arg-type]  # on purpose
    assert str(error.value) == (
        f"got timeout={timeout!r} ({type(timeout).__name__}); expected a positive number"
    )


def test_load_router_builds_the_router(tmp_path: Path) -> None:
    """load_router() is load_config() then Router.from_next_config, with its options."""
    file = tmp_path / "next.config.json"
    rule = {"source": "/api/((?!auth).*)/:path*", "destination": "http://b/api/$1/:path*"}
    file.write_text(json.dumps({"rewrites": [rule]}))
    router = project.load_router(file, ROUTES)
    assert isinstance(router, Router)
    assert router.resolve("/api/users").url == "http://b/api/users"
    literal = project.load_router(file, positional_refs=False)
    assert literal.resolve("/api/users").url == "http://b/api/$1"


def test_load_reports_the_tables_problems(tmp_path: Path) -> None:
    """A readable file with a bad table raises the table's ConfigError, with rule places."""
    file = tmp_path / "next.config.json"
    file.write_text(json.dumps({"rewrites": [{"source": "api", "destination": "/x"}]}))
    with pytest.raises(ConfigError) as error:
        project.load_router(file)
    assert only_problem(error) == ("rewrites[0].source", "`source` does not start with /: 'api'")


# --- next.config.* with Node -----------------------------------------------------------------


def test_without_node_a_js_config_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Node on PATH a next.config.js is a ConfigError saying how to go on."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    file = tmp_path / "next.config.js"
    file.write_text("module.exports = {};\n")
    with pytest.raises(ConfigError) as error:
        project.load_config(file)
    assert only_problem(error) == (
        str(file),
        "reading 'next.config.js' needs Node.js on PATH to evaluate it; install Node, or write "
        'the routing keys as JSON ({"rewrites": [...], "redirects": [...], ...})',
    )


def test_typescript_needs_node_22_6(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A next.config.ts on a Node older than 22.6 is refused before Node runs."""
    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/node")
    monkeypatch.setattr(project, "node_version", lambda node: (20, 11, 1))
    file = tmp_path / "next.config.ts"
    file.write_text("export default {};\n")
    with pytest.raises(ConfigError) as error:
        project.load_config(file)
    assert only_problem(error) == (
        str(file),
        "reading 'next.config.ts' needs Node 22.6 or later to strip TypeScript types (found "
        "20.11.1); use a next.config.js or a JSON file instead",
    )


@needs_node
def test_js_config_is_evaluated_with_node(tmp_path: Path) -> None:
    """A config function is called with the phase, and async rewrites() awaited."""
    file = tmp_path / "next.config.mjs"
    file.write_text(
        "export default async (phase) => ({\n"
        "  basePath: phase === 'phase-production-server' ? '/app' : '/wrong',\n"
        f"  rewrites: async () => [{json.dumps(RULE)}],\n"
        "});\n"
    )
    assert project.load_config(file) == {"basePath": "/app", "rewrites": [RULE]}


@needs_node
def test_node_failure_is_placed_at_the_file(tmp_path: Path) -> None:
    """A config that throws gives Node's message as the problem of the file."""
    file = tmp_path / "next.config.cjs"
    file.write_text('throw new Error("boom");\n')
    with pytest.raises(ConfigError) as error:
        project.load_config(file)
    place, message = only_problem(error)
    assert place == str(file)
    assert message.startswith(f"evaluating {str(file)!r} with Node failed:\nError: boom\n")


@needs_node
def test_a_config_that_never_ends_times_out(tmp_path: Path) -> None:
    """A config that loops forever ends with a clear error after the timeout."""
    file = tmp_path / "next.config.js"
    file.write_text("while (true) {}\n")
    with pytest.raises(ConfigError) as error:
        project.load_config(file, timeout=1.5)
    assert only_problem(error) == (
        str(file),
        f"evaluating {str(file)!r} with Node took over 1.5 s, the timeout (--node-timeout on "
        "the command line): it was stopped",
    )


@needs_node
def test_typescript_config_on_a_recent_node(tmp_path: Path) -> None:
    """A next.config.ts is read with Node's type stripping when Node is 22.6 or later."""
    node = shutil.which("node")
    assert node is not None
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
    if tuple(int(p) for p in version.strip().lstrip("v").split(".")[:2]) < (22, 6):
        pytest.skip(f"Node {version.strip()} cannot strip TypeScript types")
    file = tmp_path / "next.config.ts"
    file.write_text(
        "const config: { rewrites: () => Promise<object[]> } = {\n"
        f"  rewrites: async () => [{json.dumps(RULE)}],\n"
        "};\nexport default config;\n"
    )
    assert project.load_config(file) == {"rewrites": [RULE]}


# --- a whole project ---------------------------------------------------------------------------

#: The Next.js 16.4.6 the oracle installs (../shared/oracle/setup.sh); a project links to it.
NEXT_MODULES = (
    Path(os.environ.get("ORACLE_DIR", Path.home() / ".cache" / "next-oracle")) / "node_modules"
)
needs_next = pytest.mark.skipif(
    shutil.which("node") is None or not (NEXT_MODULES / "next" / "package.json").is_file(),
    reason="needs node and the oracle's Next.js install",
)
SEED_CONFIG_JS = """module.exports = {
  async rewrites() {
    const api = process.env.NEXT_PUBLIC_API_URL;
    return [{ source: "/api/:path*", destination: `${api}/api/:path*` }];
  },
};
"""
SEED_CONFIG_TS = """import type { NextConfig } from "next";
const api: string = process.env.NEXT_PUBLIC_API_URL as string;
const config: NextConfig = {
  async rewrites() {
    const rule = { source: "/api/:path*", destination: `${api}/api/:path*` };
    return { beforeFiles: [], afterFiles: [], fallback: [rule] };
  },
};
export default config;
"""


def seed_project(
    root: Path, config_name: str = "next.config.js", text: str = SEED_CONFIG_JS
) -> Path:
    """The seed's project shape: NextAuth's catch-all, .env.local with the backend's URL, and a
    config reading it."""
    for rel in ("src/app/api/auth/[...nextauth]/route.ts", "src/app/page.tsx", "public/robots.txt"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    (root / ".env.local").write_text("NEXT_PUBLIC_API_URL=http://localhost:3001\n")
    (root / config_name).write_text(text)
    return root


def link_next(root: Path) -> None:
    """Give the project the oracle's installed Next.js as its node_modules."""
    (root / "node_modules").symlink_to(NEXT_MODULES, target_is_directory=True)


@needs_node
def test_a_project_without_next_installed_falls_back(tmp_path: Path) -> None:
    """No node_modules: python-dotenv reads .env.local, the bundled loader evaluates the config
    with it, and the pages and public files come from the folders."""
    found = project.load(seed_project(tmp_path), env={})
    assert found.loader is project.Loader.NODE
    assert found.env_files_loaded == (".env.local",)
    assert found.env == {"NEXT_PUBLIC_API_URL": "http://localhost:3001"}
    assert found.routes == ("/", "/api/auth/[...nextauth]")
    assert found.public_files == ("/robots.txt",)
    router = found.router()
    assert router.resolve("/api/users").url == "http://localhost:3001/api/users"
    assert router.resolve("/robots.txt").route == "/robots.txt"


@needs_next
@pytest.mark.parametrize(
    ("name", "text", "auth"),
    [
        ("next.config.js", SEED_CONFIG_JS, "http://localhost:3001/api/auth/session"),
        ("next.config.ts", SEED_CONFIG_TS, None),
    ],
)
def test_the_projects_own_next_reads_the_config(
    tmp_path: Path, name: str, text: str, auth: str | None
) -> None:
    """With node_modules/next, the project's loadConfig reads .env.local and the config (.ts
    too, on any Node), and the seed resolves as Next.js resolves it."""
    root = seed_project(tmp_path, name, text)
    link_next(root)
    found = project.load(root, env={"PATH": os.environ["PATH"]})
    assert found.loader is project.Loader.NEXT
    assert found.env_files_loaded == (".env.local",)
    assert found.env == {"NEXT_PUBLIC_API_URL": "http://localhost:3001"}
    router = found.router()
    assert router.resolve("/api/users").url == "http://localhost:3001/api/users"
    session = router.resolve("/api/auth/session")
    if auth is None:  # the fallback rewrite lets NextAuth's catch-all serve it
        assert session.route == "/api/auth/[...nextauth]"
    else:
        assert session.url == auth


@needs_next
def test_the_projects_own_next_warns_and_refuses_as_next_does(tmp_path: Path) -> None:
    """Next.js's own warnings (an unknown key) are kept; a redirects() without an array is
    refused with Next's message."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "page.js").write_text("")
    link_next(tmp_path)
    (tmp_path / "next.config.js").write_text("module.exports = { bogus: 1 };\n")
    found = project.load(tmp_path)
    assert any("Unrecognized key(s) in object: 'bogus'" in w for w in found.warnings)
    (tmp_path / "next.config.js").write_text(
        "module.exports = { async redirects() { if (process.env.NOPE) return []; } };\n"
    )
    with pytest.raises(ConfigError) as error:
        project.load(tmp_path)
    place, message = only_problem(error)
    assert place.endswith("next.config.js: redirects()")
    assert message.startswith("redirects must return an array, received undefined.")


@needs_next
def test_a_config_loop_through_next_ends_within_the_timeout(tmp_path: Path) -> None:
    """A config that never ends, read with the project's Next.js, is a clear error on time."""
    link_next(tmp_path)
    (tmp_path / "next.config.js").write_text("while (true) {}\n")
    started = time.monotonic()
    with pytest.raises(ConfigError) as error:
        project.load(tmp_path, timeout=3)
    assert time.monotonic() - started < 20
    assert only_problem(error)[1] == (
        f"loading {str(tmp_path / 'next.config.js')!r} with the project's Next.js took over 3 s, "
        "the timeout (--node-timeout on the command line): it was stopped"
    )


def test_a_project_needs_node_for_its_js_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Node, a project's next.config.js is a clear error; Next.js installed but no Node
    is a warning, and the JSON-free rest still reads."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    seed_project(tmp_path)
    with pytest.raises(ConfigError) as error:
        project.load(tmp_path)
    assert "needs Node.js on PATH" in only_problem(error)[1]
    (tmp_path / "next.config.js").unlink()
    (tmp_path / "node_modules" / "next").mkdir(parents=True)
    (tmp_path / "node_modules" / "next" / "package.json").write_text("{}")
    found = project.load(tmp_path, env={})
    assert found.loader is project.Loader.DEFAULTS
    assert found.warnings[0].endswith(
        "Next.js is installed but Node.js is not on PATH: the env "
        "files and config are read without it"
    )


def test_a_broken_env_line_is_skipped_with_a_warning(tmp_path: Path) -> None:
    """A line python-dotenv cannot parse is skipped, named with its line; the others load."""
    (tmp_path / ".env").write_text('A=1\nthis is not an assignment\nB="two"\nC=$A-$B\n')
    found = project.load(tmp_path, env={})
    assert found.env == {"A": "1", "B": "two", "C": "1-two"}
    assert found.warnings == (
        ".env:2: cannot parse 'this is not an assignment'; the line is skipped",
        f"{tmp_path}: no app/ or pages/ folder (nor under src/): the pages are unknown",
    )


def test_env_files_follow_the_mode_and_the_environment_wins(tmp_path: Path) -> None:
    """production reads .env.production.local, .env.local, .env.production, .env (first wins);
    test leaves .env.local out; a variable already set is never overridden."""
    for name in (".env.production.local", ".env.local", ".env.production", ".env", ".env.test"):
        (tmp_path / name).write_text(f"WHO={name}\nONLY{name.replace('.', '_')}=1\n")
    found = project.load(tmp_path, env={})
    assert found.env_files_loaded == (
        ".env.production.local",
        ".env.local",
        ".env.production",
        ".env",
    )
    assert found.env["WHO"] == ".env.production.local"
    tested = project.load(tmp_path, mode="test", env={"WHO": "shell"})
    assert tested.env_files_loaded == (".env.test", ".env")
    assert tested.env["WHO"] == "shell"


#: tests/projects/seed: the seed's project (NextAuth's catch-all, .env.local holding the
#: backend's URL, a next.config.js reading it, public/robots.txt).
SEED_PROJECT = Path(__file__).parent / "projects" / "seed"
#: What Next.js 16.4.6 answers for it (tests/vectors/project_oracle.js, then resolve.js).
SEED_ANSWERS = {
    "/api/auth/session": "proxied  http://localhost:3001/api/auth/session",
    "/api/users": "proxied  http://localhost:3001/api/users",
    "/robots.txt": "local    /robots.txt  route /robots.txt",
    "/dashboard": "local    /dashboard  route /dashboard",
}


@needs_node
def test_the_seed_project_resolves_from_its_folder_with_no_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`rewrites resolve . /api/auth/session /api/users` in the seed's project gives Next.js's
    answers, and says which env file it read."""
    monkeypatch.chdir(SEED_PROJECT)
    monkeypatch.delenv("NEXT_PUBLIC_API_URL", raising=False)
    assert cli.main(["resolve", ".", *SEED_ANSWERS]) == 0
    out, err = capsys.readouterr()
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert [line.split(" by ")[0] for line in lines] == [
        " ".join(f"{url} {answer}".split()) for url, answer in SEED_ANSWERS.items()
    ]
    assert err == "env files (production): .env.local\n"
