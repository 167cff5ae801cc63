"""Calendar UIDs are keyed with a site key, so no UID can be traced back to a patient id.

tests/conftest.py gives every test the key ``TEST_UID_KEY`` through
``INOPLAN_UID_KEY`` and a temporary ``XDG_CONFIG_HOME``; the tests of the key
file unset the variable and point the config folder at their own ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import stat
from pathlib import Path

import pytest

from inoplan.inputs import uid_key as uidkey
from tests.conftest import TEST_UID_KEY
from tests.test_ics import check_wire_format, export, invoke

MRN = "MRN-000731"


def uids(raw: bytes) -> list[str]:
    return [e.one("UID").value for e in check_wire_format(raw).kids("VEVENT")]


def first_dose_uid(key: bytes, pid: str) -> str:
    """The documented form: HMAC-SHA256(key, "inoplan" US "id:<pid>" US kind US cycle US day)."""
    message = f"inoplan\x1fid:{pid}\x1fdose\x1f1\x1f1".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32] + "@inoplan"


def test_a_uid_cannot_be_traced_back_by_hashing_every_id() -> None:
    found = set(uids(export("--patient-id", MRN)))
    # The attack: hash every id of the form the clinic uses, as an unkeyed UID was made.
    for n in range(1000):
        guess = f"MRN-{n:06d}"
        for text in (f"inoplan\x1fid:{guess}\x1fdose\x1f1\x1f1", guess):
            assert hashlib.sha256(text.encode()).hexdigest()[:32] + "@inoplan" not in found
    # With the site key the same search does find it: the key is what protects the id.
    assert first_dose_uid(TEST_UID_KEY.encode(), MRN) in found


def test_the_same_key_gives_the_same_uids_and_another_key_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = uids(export("--patient-id", MRN))
    later = uids(export("--patient-id", MRN, env={"SOURCE_DATE_EPOCH": "1800000000"}))
    assert first == later  # a later export updates the same events
    monkeypatch.setenv("INOPLAN_UID_KEY", "another-site-" + "k" * 32)
    elsewhere = uids(export("--patient-id", MRN))
    assert len(elsewhere) == len(first)
    assert set(elsewhere).isdisjoint(first)


def test_the_key_file_is_made_on_first_use_private_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INOPLAN_UID_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    first = uids(export("--patient-id", MRN))
    key_file = tmp_path / "config" / "inoplan" / "uid-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) & 0o077 == 0
    key = key_file.read_bytes()
    assert re.fullmatch(rb"[0-9a-f]{64}\n", key)  # 256 random bits
    assert first_dose_uid(key.strip(), MRN) in first
    assert uids(export("--patient-id", MRN)) == first  # the same file, the same UIDs
    assert os.listdir(key_file.parent) == ["uid-key"]  # no temporary file left

    # INOPLAN_UID_KEY, when set, wins over the file.
    monkeypatch.setenv("INOPLAN_UID_KEY", TEST_UID_KEY)
    assert set(uids(export("--patient-id", MRN))).isdisjoint(first)


def test_without_xdg_config_home_the_key_file_goes_under_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INOPLAN_UID_KEY")
    monkeypatch.setenv("HOME", str(tmp_path))
    for value in (None, "relative/config"):  # the XDG spec: a relative path is ignored
        if value is None:
            monkeypatch.delenv("XDG_CONFIG_HOME")
        else:
            monkeypatch.setenv("XDG_CONFIG_HOME", value)
        assert uidkey.key_path() == tmp_path / ".config" / "inoplan" / "uid-key"
    export("--patient-id", MRN)
    assert (tmp_path / ".config" / "inoplan" / "uid-key").is_file()


def test_a_key_made_meanwhile_by_another_process_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INOPLAN_UID_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    path = uidkey.key_path()
    path.parent.mkdir()
    path.write_bytes(b"k" * 40 + b"\n")  # written between our look and our write
    uidkey._create(path)
    assert uidkey.load() == b"k" * 40


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a-short-secret", "the key is too short; give at least 32 characters"),
        ("", "empty; unset it to use the key file, or give at least 32 characters"),
        ("   ", "empty; unset it to use the key file, or give at least 32 characters"),
    ],
)
def test_an_unusable_key_is_refused_without_being_shown(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("INOPLAN_UID_KEY", value)
    result = invoke("schedule", "--start", "2026-12-01", "--bsa", "1.82", "--format", "ics")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"inoplan: error: INOPLAN_UID_KEY: {message}")
    assert result.stderr.count("\n") == 1
    if value.strip():
        assert value not in result.stderr
    assert result.stdout == ""


def test_the_key_never_appears_in_any_output(tmp_path: Path) -> None:
    from inoplan.export import ics

    raw = export("--patient-id", MRN, "--ics-show-id", "--lab-events", "--followup-events")
    assert TEST_UID_KEY.encode() not in raw
    source = tmp_path / "p.csv"
    source.write_text("patient_id,start,bsa,response\nP1,2026-12-01,1.82,cr\n", encoding="utf-8")
    result = invoke("batch", str(source), "--out", str(tmp_path / "o"), "--format", "ics")
    assert result.exit_code == 0, result.stderr
    assert TEST_UID_KEY not in result.stderr + result.stdout
    for path in (tmp_path / "o").rglob("*"):
        if path.is_file():
            assert TEST_UID_KEY.encode() not in path.read_bytes(), path
    options = ics.options_from_strings(uid_key=TEST_UID_KEY.encode())
    assert TEST_UID_KEY not in repr(options)
