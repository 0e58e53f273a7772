"""What the package imports is what pyproject.toml declares: every module imports, every
third-party import names a declared distribution, and the floors are versions that were tested."""

import ast
import importlib
import importlib.metadata
import json
import os
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

import reelchat

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reelchat"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME_EXTRAS = ("diffusion", "voice", "cluster")
"""Extras the package's own code may import from (the test extra is for tests only)."""


def _name(distribution: str) -> str:
    """A distribution name in its normal form (PEP 503): SQLAlchemy, sqlalchemy -> sqlalchemy."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _requirements(*extras: str) -> list[Requirement]:
    lines = list(PROJECT["dependencies"])
    for extra in extras:
        lines += PROJECT["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level name -> the package files importing it (absolute imports outside the
    standard library and reelchat itself, lazy ones inside functions included)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "reelchat":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_third_party_import_is_a_declared_distribution():
    declared = {_name(r.name) for r in _requirements(*RUNTIME_EXTRAS)}
    distributions = importlib.metadata.packages_distributions()
    imports = _third_party_imports()
    assert {"openai", "av", "opentimelineio"} <= set(imports)
    undeclared = {
        f"{top} ({', '.join(sorted(files))})"
        for top, files in imports.items()
        if not {_name(d) for d in distributions.get(top, [top])} & declared
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {sorted(undeclared)}"


def test_the_declared_floors_are_met_by_the_tested_versions():
    """A floor above what is installed here was never tested; a declared package missing here
    was never tested at all (optional extras that are not installed are left out)."""
    unmet = []
    for requirement in _requirements("test", "diffusion", "voice"):
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            unmet.append(f"{requirement} (not installed)")
            continue
        if not requirement.specifier.contains(installed.split("+")[0], prereleases=True):
            unmet.append(f"{requirement} (installed {installed})")
    assert not unmet


def _optional_only() -> set[str]:
    """Distributions only an optional runtime extra brings."""
    base = {_name(r.name) for r in _requirements()}
    return {_name(r.name) for r in _requirements(*RUNTIME_EXTRAS)} - base


IMPORT_ALL = """
import importlib, json, sys
blocked, modules = sys.argv[1].split(","), sys.argv[2:]
for name in filter(None, blocked):
    sys.modules[name] = None  # as if its extra were not installed
found = {}
for name in modules:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        found[name] = ["missing", (error.name or "").split(".")[0]]
    except Exception as error:
        found[name] = ["error", f"{type(error).__name__}: {error}"]
print(json.dumps(found))
"""


def _import_failures(tmp_path: Path, blocked: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Module -> [kind, detail] for each package module that fails to import in a fresh process
    whose workspace and home are temporary folders and where the `blocked` imports are absent."""
    modules = sorted(m.name for m in pkgutil.walk_packages(reelchat.__path__, "reelchat."))
    assert "reelchat.export" in modules and "reelchat.ui.app" in modules
    env = {**os.environ, "REELCHAT_WORKSPACE": str(tmp_path / "ws"), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, ",".join(blocked), *modules],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=240,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_module_imports(tmp_path):
    """Importing the Streamlit page runs it (bare), and it must not create a workspace in the
    real home; a module of an optional extra that is not installed here (ray) may be missing."""
    failed = _import_failures(tmp_path)
    optional = _optional_only()
    for name, (kind, detail) in list(failed.items()):
        distributions = importlib.metadata.packages_distributions().get(detail, [detail])
        if kind == "missing" and {_name(d) for d in distributions} & optional:
            del failed[name]
    assert not failed


def test_without_the_cluster_extra_only_the_ray_executor_is_missing_ray(tmp_path):
    """Without Ray, the ray executor's module fails as a missing import (which get_executor
    turns into the install hint) and every other module imports."""
    failed = _import_failures(tmp_path, blocked=("ray",))
    assert failed == {"reelchat.generation.executors.ray_executor": ["missing", "ray"]}
