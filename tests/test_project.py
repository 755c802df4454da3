"""rewrites.project: config files as data (JSON, YAML, next.config.* with Node), one error type."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rewrites import ConfigError, Router, project

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


def test_load_builds_the_router(tmp_path: Path) -> None:
    """load() is load_config() then Router.from_next_config, with its options."""
    file = tmp_path / "next.config.json"
    rule = {"source": "/api/((?!auth).*)/:path*", "destination": "http://b/api/$1/:path*"}
    file.write_text(json.dumps({"rewrites": [rule]}))
    router = project.load(file, ROUTES)
    assert isinstance(router, Router)
    assert router.resolve("/api/users").url == "http://b/api/users"
    assert project.load(file, positional_refs=False).resolve("/api/users").url == "http://b/api/$1"


def test_load_reports_the_tables_problems(tmp_path: Path) -> None:
    """A readable file with a bad table raises the table's ConfigError, with rule places."""
    file = tmp_path / "next.config.json"
    file.write_text(json.dumps({"rewrites": [{"source": "api", "destination": "/x"}]}))
    with pytest.raises(ConfigError) as error:
        project.load(file)
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
        f"evaluating {str(file)!r} with Node took over 1.5s",
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
