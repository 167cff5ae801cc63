"""The rules stay the one place clinical numbers live, split by topic but read as one module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from inoplan.domain import rules

RULES = Path(rules.__file__).resolve().parent
REPLAN = RULES.parent / "replan"


def _public_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}


TOPICS = sorted(p.stem for p in RULES.glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("topic", TOPICS)
def test_every_rule_of_a_topic_is_read_through_the_rules_package(topic: str) -> None:
    # `from inoplan.domain import rules; rules.X` must keep working for every rule.
    missing = {n for n in _public_names(RULES / f"{topic}.py") if n not in rules.__all__}
    assert missing == set()
    assert all(hasattr(rules, n) for n in rules.__all__)


def test_the_re_plan_phrases_follow_the_numbers_of_the_rules() -> None:
    # Worked from the label's table (spec sections 3 and 6): doses at least 6 days
    # apart; >= 14 days of interruption modifies the next cycle; > 28 days: consider
    # stopping; the reduced cycle keeps 0.75 of its total, i.e. 25% less.
    assert rules.MIN_GAP_TEXT == "at least 6 days"
    assert rules.LONG_INTERRUPTION_TEXT == ">= 14 days"
    assert rules.VERY_LONG_INTERRUPTION_TEXT == "> 28"
    assert rules.REDUCTION_TEXT == "25%"
    assert rules.REDUCED_TOTAL_TEXT == "75%"
    assert rules.TWO_DOSES_TEXT == "2 doses per cycle"
    # ... and each comes from the table, not a second copy of the number.
    table = {r.action: r.min_days for r in rules.INTERRUPTION_TABLE}
    assert table["modify_next_cycle"] == rules.MODIFY_CYCLE_MIN_DAYS
    assert rules.CONSIDER_STOP_MIN_DAYS - 1 == 28
    assert rules.OMIT_NEXT_MIN_DAYS == 7


#: Clinical numbers a re-plan message once spelled out itself.
HARD_CODED = re.compile(r"\b6 days\b|>= ?14\b|> ?28\b|\b25%|\b75%|\b2 doses per cycle|\+/- 2 days")


def _message_texts(path: Path) -> list[tuple[int, str]]:
    """The string pieces of a module's code, not its docstrings or comments."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_re_plan_message_carries_a_clinical_number_of_its_own() -> None:
    found = [
        f"{path.name}:{line} {text!r}"
        for path in sorted(REPLAN.glob("*.py"))
        for line, text in _message_texts(path)
        if HARD_CODED.search(text)
    ]
    assert found == []


def test_the_phrase_scan_sees_a_hard_coded_number(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text(
        '"""Doc: at least 6 days."""\ndef f(n):\n    return f"at least 6 days after {n}"\n'
    )
    assert [line for line, text in _message_texts(bad) if HARD_CODED.search(text)] == [3]
