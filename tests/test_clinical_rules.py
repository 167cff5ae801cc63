"""docs/clinical-rules.md, the project's rule book, names every rule and where it is applied."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from inoplan.domain import rules

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "clinical-rules.md").read_text(encoding="utf-8")
SRC = ROOT / "src" / "inoplan"

PUBLIC_CONSTANTS = sorted(n for n in vars(rules) if re.fullmatch(r"[A-Z][A-Z0-9_]*", n))


def test_there_are_rules_to_check() -> None:
    # A guard against a test that checks nothing: the module holds well over 100.
    assert len(PUBLIC_CONSTANTS) > 100
    assert "VOD_WATCH_DAYS" in PUBLIC_CONSTANTS


def test_every_rule_constant_has_an_entry() -> None:
    missing = [n for n in PUBLIC_CONSTANTS if f"`{n}`" not in DOC]
    assert not missing, f"in inoplan.domain.rules but not in clinical-rules.md: {missing}"


@cache
def defined_names(path: Path) -> frozenset[str]:
    """Functions, classes, methods and module-level names defined in a source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def _references() -> list[tuple[str, str]]:
    """(module path, name) for every name the "applied in" columns give."""
    refs: list[tuple[str, str]] = []
    for line in DOC.splitlines():
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        last = line.rstrip(" |").rsplit(" | ", 1)[-1]
        for part in last.split(";"):
            m = re.match(r"\s*`([\w/]+\.py)`(.*)", part)
            if m:
                refs += [(m[1], n) for n in re.findall(r"`(\w+)`", m[2])]
                refs.append((m[1], ""))
            for name in re.findall(r"`rules\.(\w+)`", part):
                refs.append(("domain/rules", name))
    return refs


REFERENCES = _references()


def test_the_document_names_where_rules_are_applied() -> None:
    assert len({module for module, _ in REFERENCES}) > 15


def _names_in(path: Path) -> frozenset[str]:
    """What a module defines; for a package (``domain/rules``), what any of its modules does."""
    if path.is_dir():
        return frozenset().union(*(defined_names(p) for p in sorted(path.glob("*.py"))))
    return defined_names(path)


def test_every_module_and_function_named_exists() -> None:
    gone = [
        f"{module} {name}".strip()
        for module, name in REFERENCES
        if not (SRC / module).exists() or (name and name not in _names_in(SRC / module))
    ]
    assert not gone, f"clinical-rules.md names what the code no longer has: {gone}"


def test_sections_keep_the_numbers_the_code_cites() -> None:
    sections = re.findall(r"^## (\w+)\. ", DOC, re.M)
    assert sections == ["1", "2", "3", "4", "4a", "5", "6", "7", "8", "9", "10"]
    for path in SRC.rglob("*.py"):
        for cited in re.findall(r"clinical-rules\.md`*,? section (\w+)", path.read_text("utf-8")):
            assert cited in sections, f"{path.name} cites section {cited}"
