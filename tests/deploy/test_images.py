"""An image installs one service from its pyproject (deploy/Dockerfile), so every library a
service imports must be in the dependency closure of its distribution, not merely in the dev venv."""

from __future__ import annotations

import ast
import sys
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from platform_model import SERVICES, package_dir


def _key(name: str) -> str:
    return name.lower().replace("_", "-")


def dependency_closure(distribution: str) -> set[str]:
    """Distributions installed by ``pip install <distribution>`` (extras followed)."""
    seen: set[str] = set()
    todo: list[tuple[str, frozenset[str]]] = [(distribution, frozenset())]
    while todo:
        name, extras = todo.pop()
        if (_key(name), extras) in seen:
            continue
        seen.add((_key(name), extras))
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # a dependency for another platform
            continue
        for line in requirements:
            requirement = Requirement(line)
            if requirement.marker and not any(
                requirement.marker.evaluate({"extra": extra}) for extra in (extras or {""})
            ):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return {name for name, _ in seen}


def imported_top_level_modules(service: str) -> set[str]:
    modules: set[str] = set()
    for path in package_dir(service).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {SERVICES[service][0]}


def undeclared_imports(service: str) -> dict[str, list[str]]:
    installed = dependency_closure(f"{service}-service")
    distributions = metadata.packages_distributions()
    return {
        module: distributions.get(module, ["(not installed)"])
        for module in sorted(imported_top_level_modules(service))
        if not any(_key(dist) in installed for dist in distributions.get(module, []))
    }


@pytest.mark.parametrize("service", list(SERVICES))
def test_each_service_declares_every_library_it_imports(service):
    assert undeclared_imports(service) == {}


def test_the_closure_follows_extras_of_the_shared_library():
    closure = dependency_closure("platform-shared")
    assert {"flask", "psycopg", "psycopg-binary", "pika", "gunicorn", "prometheus-client"} <= closure
