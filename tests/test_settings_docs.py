"""Every STEWARD_* variable is declared once (steward/config/env.py VARIABLES), documented in
docs/administration/configuration.md, and read nowhere without being declared."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from steward.config.env import VARIABLES

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "administration" / "configuration.md"
NAME = re.compile(r"^STEWARD_[A-Z][A-Z0-9_]*$")
ROW = re.compile(r"^\|\s*`(STEWARD_[A-Z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|", re.MULTILINE)


def documented() -> dict[str, tuple[str, str]]:
    """Variable name -> (meaning, default) from the table rows of the configuration page."""
    rows: dict[str, tuple[str, str]] = {}
    for name, meaning, default in ROW.findall(DOC.read_text(encoding="utf-8")):
        assert name not in rows, f"{name} is documented twice"
        rows[name] = (meaning.strip(), default.strip())
    return rows


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_environ(node: ast.AST) -> bool:
    """``os.environ`` or a bare ``environ`` (from os import environ)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ"
    return isinstance(node, ast.Name) and node.id == "environ"


def environment_reads(source: str) -> set[str]:
    """STEWARD_* names read from the environment: os.environ.get/[]/setdefault/pop/in,
    os.getenv, and the env module's get/flag/listing helpers."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        candidate = None
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            first = _string(node.args[0])
            if isinstance(func, ast.Attribute):
                environ_read = _is_environ(func.value) and func.attr in {"get", "setdefault", "pop"}
                env_helper = (
                    func.attr in {"get", "flag", "listing"}
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "env"
                )
                if environ_read or env_helper or func.attr == "getenv":
                    candidate = first
            elif isinstance(func, ast.Name) and func.id == "getenv":
                candidate = first
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            candidate = _string(node.slice)
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            candidate = _string(node.left)
        if candidate and NAME.match(candidate):
            names.add(candidate)
    return names


def steward_modules() -> list[Path]:
    return sorted((ROOT / "steward").rglob("*.py"))


def test_documented_variables_are_exactly_the_declared_ones():
    docs = set(documented())
    declared = set(VARIABLES)
    assert declared - docs == set(), "declared in env.py but missing from configuration.md"
    assert docs - declared == set(), "documented in configuration.md but not declared in env.py"


def test_every_documented_variable_has_a_meaning_and_a_default():
    for name, (meaning, default) in documented().items():
        assert meaning, f"{name} has no meaning in configuration.md"
        assert default, f"{name} has no default in configuration.md (write 'unset' if none)"


def test_no_module_reads_an_undeclared_steward_variable():
    undeclared = {}
    for path in steward_modules():
        extra = environment_reads(path.read_text(encoding="utf-8")) - set(VARIABLES)
        if extra:
            undeclared[str(path.relative_to(ROOT))] = sorted(extra)
    assert undeclared == {}, "add these to steward/config/env.py VARIABLES and the docs"


def test_no_application_module_names_an_undeclared_steward_variable():
    """Catches reads the AST patterns above miss (e.g. a name passed through a variable)."""
    found = {}
    for path in steward_modules():
        if "tests" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = _string(node)
            if value and NAME.match(value) and value not in VARIABLES:
                found.setdefault(str(path.relative_to(ROOT)), []).append(value)
    assert found == {}


def test_the_scanner_recognises_each_way_of_reading_the_environment():
    source = """
import os
from os import environ, getenv
from steward.config import env
os.environ.get("STEWARD_A")
os.environ["STEWARD_B"]
os.getenv("STEWARD_C", "x")
getenv("STEWARD_D")
environ.setdefault("STEWARD_E", "1")
"STEWARD_F" in os.environ
env.flag("STEWARD_G")
env.listing("STEWARD_H")
env.get("STEWARD_I")
os.environ.get("PATH")
other.get("STEWARD_NOT_ENV")
"""
    assert environment_reads(source) == {f"STEWARD_{c}" for c in "ABCDEFGHI"}
