"""Value completers: time zones and holiday countries, alone and attached to an option."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Annotated
from zoneinfo import ZoneInfo, available_timezones

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from inoplan.cli.complete import complete_country, complete_timezone

ZONES = sorted(available_timezones())


def test_time_zones_complete_from_a_prefix() -> None:
    assert complete_timezone("Europe/Par") == ["Europe/Paris"]
    assert complete_timezone("America/New_") == ["America/New_York"]
    assert complete_timezone("Nowhere/") == []


def test_time_zones_leave_out_names_that_are_not_places() -> None:
    everything = complete_timezone("")
    assert "UTC" in everything and "Asia/Tokyo" in everything
    assert not {"localtime", "Factory", "posixrules"} & set(everything)
    assert everything == sorted(everything)


@given(st.sampled_from(ZONES), st.integers(min_value=0, max_value=40))
def test_every_offered_zone_starts_with_the_prefix_and_loads(zone: str, cut: int) -> None:
    prefix = zone[:cut]
    offered = complete_timezone(prefix)
    assert all(z.startswith(prefix) for z in offered)
    if zone not in {"localtime", "Factory", "posixrules"}:
        assert zone in offered  # the zone the prefix came from is never missing
    for z in offered[:3]:
        ZoneInfo(z)  # a name the user can pass to --tz


def test_countries_complete_as_codes_with_names() -> None:
    assert ("FR", "France") in complete_country("F")
    assert ("US", "United States") in complete_country("U")
    assert ("BA", "Bosnia and Herzegovina") in complete_country("B")
    assert [code for code, _ in complete_country("DE")] == ["DE"]


def test_countries_are_two_letter_codes_holidays_accepts() -> None:
    import holidays

    offered = complete_country("")
    assert len(offered) > 100
    for code, _name in offered:
        assert re.fullmatch(r"[A-Z]{2}", code)
    for code, _name in offered[:: len(offered) // 5]:
        holidays.country_holidays(code, years=2026)  # raises for a code it does not know


def test_countries_offer_nothing_without_the_holidays_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "holidays.registry", None)  # import now fails
    assert complete_country("F") == []


def test_importing_the_completers_imports_neither_zoneinfo_nor_holidays() -> None:
    code = (
        "import sys, inoplan.cli.complete; "
        "print(sorted(m for m in ('zoneinfo', 'holidays', 'rich') if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"


# The completers attached to options the way inoplan's commands attach them.
demo = typer.Typer()


@demo.command()
def _plan(
    tz: Annotated[str, typer.Option("--tz", autocompletion=complete_timezone)] = "UTC",
    country: Annotated[str, typer.Option("--country", autocompletion=complete_country)] = "",
) -> None:
    """A command with the options that use the completers."""


def _request(shell: str, line: str) -> str:
    if shell == "bash":
        words = line.split(" ")
        env = {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env = {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    env["_DEMO_COMPLETE"] = f"complete_{shell}"
    r = CliRunner().invoke(demo, [], env=env, prog_name="demo")
    assert r.exit_code == 0, r.output
    return r.stdout


def test_attached_time_zone_completer_answers_through_the_protocol() -> None:
    assert _request("bash", "demo --tz Europe/Lis").split() == ["Europe/Lisbon"]


def test_attached_country_completer_shows_the_name_where_the_shell_can() -> None:
    codes = _request("bash", "demo --country F").split()
    assert "FR" in codes and all(re.fullmatch("F[A-Z]", c) for c in codes)
    assert "FR\tFrance" in _request("fish", "demo --country FR").splitlines()
