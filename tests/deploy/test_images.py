"""An image installs one service from its pyproject (deploy/Dockerfile), so every library a
service imports must be in the dependency closure of its distribution, not merely in the dev venv."""

from __future__ import annotations

import ast
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from platform_model import ROOT, SERVICES, package_dir, shared_source


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


def _top_level_imports(directory: Path, own_package: str, skip: str = "") -> set[str]:
    modules: set[str] = set()
    for path in directory.rglob("*.py"):
        if skip and skip in path.relative_to(directory).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {own_package}


def imported_top_level_modules(service: str) -> set[str]:
    return _top_level_imports(package_dir(service), SERVICES[service][0])


def _missing(modules: set[str], available: set[str]) -> dict[str, list[str]]:
    distributions = metadata.packages_distributions()
    return {
        module: distributions.get(module, ["(not installed)"])
        for module in sorted(modules)
        if not any(_key(dist) in available for dist in distributions.get(module, []))
    }


def undeclared_imports(service: str) -> dict[str, list[str]]:
    return _missing(imported_top_level_modules(service), dependency_closure(f"{service}-service"))


def declared(distribution: str) -> set[str]:
    """The distributions ``distribution`` names itself (its pyproject's dependencies), extras aside."""
    return {
        _key(Requirement(line).name) for line in metadata.requires(distribution) or [] if not Requirement(line).marker
    }


@pytest.mark.parametrize("service", list(SERVICES))
def test_each_service_declares_every_library_it_imports(service):
    assert undeclared_imports(service) == {}


@pytest.mark.parametrize("service", list(SERVICES))
def test_each_service_names_what_it_imports_itself_not_only_through_the_shared_library(service):
    assert _missing(imported_top_level_modules(service), declared(f"{service}-service")) == {}


def test_the_web_application_names_what_its_runtime_code_imports():
    imports = _top_level_imports(ROOT / "web" / "src" / "web", "web")
    assert _missing(imports, declared("platform-web")) == {}


def test_the_shared_library_names_what_its_runtime_code_imports():
    # platform_shared/testing holds the services' test helpers (pytest, hypothesis): dev tooling.
    imports = _top_level_imports(shared_source(), "platform_shared", skip="testing")
    assert _missing(imports, declared("platform-shared")) == {}


def test_the_closure_follows_extras_of_the_shared_library():
    closure = dependency_closure("platform-shared")
    assert {"flask", "psycopg", "psycopg-binary", "pika", "gunicorn", "prometheus-client"} <= closure


LOCAL_DISTRIBUTIONS = {"platform-shared", "platform-web", *(f"{service}-service" for service in SERVICES)}


def pins(name: str) -> dict[str, str]:
    """``constraints/<name>`` (written by scripts/lock.sh): distribution -> version, for this platform."""
    found = {}
    for line in (ROOT / "constraints" / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", line
        if requirement.marker is None or requirement.marker.evaluate():
            found[canonicalize_name(requirement.name)] = specifier.version
    return found


def _closure(distributions) -> set[str]:
    return {canonicalize_name(name) for distribution in distributions for name in dependency_closure(distribution)}


def test_the_runtime_pins_are_exactly_what_the_services_need():
    needed = _closure(LOCAL_DISTRIBUTIONS) - LOCAL_DISTRIBUTIONS
    assert set(pins("runtime.txt")) == needed, "a dependency changed: run scripts/lock.sh"


def test_the_dev_pins_cover_the_tooling_and_agree_with_the_runtime_pins():
    tooling = [
        Requirement(line).name
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    dev, runtime = pins("dev.txt"), pins("runtime.txt")
    assert _closure(tooling) <= set(dev), "requirements-dev.txt changed: run scripts/lock.sh"
    assert {name: dev[name] for name in set(dev) & set(runtime)} == {
        name: runtime[name] for name in set(dev) & set(runtime)
    }


def test_the_installed_versions_are_the_pinned_ones():
    pinned = {**pins("dev.txt"), **pins("runtime.txt")}
    assert {name: metadata.version(name) for name in pinned} == pinned
