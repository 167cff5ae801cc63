"""The printable calendar (``--format html``): structure, words, escaping, and print.

Dates and doses are worked out by hand from clinical-spec.md:

170 cm, 70 kg, Mosteller: sqrt(170 x 70 / 3600) = 1.8181 -> 1.82 m2.
0.8 mg/m2 x 1.82 = 1.456 -> 1.46 mg; 0.5 mg/m2 x 1.82 = 0.91 mg.

``--response cr`` from Tue 2026-12-01, 6 cycles (cycle 1 21 days, later 28;
doses on days 1, 8 and 15; CR/CRi from cycle 2 gives 0.5 mg/m2 on day 1):
  C1 2026-12-01 (1.46 mg), 12-08, 12-15
  C2 starts 12-01 + 21 = 12-22: 12-22, 12-29, 2027-01-05
  C3 starts 12-22 + 28 = 01-19: 01-19, 01-26, 02-02
  C4 02-16: 02-16, 02-23, 03-02
  C5 03-16: 03-16, 03-23, 03-30
  C6 04-13: 04-13, 04-20, 04-27 (last dose)
After the last dose (calendar months): contraception females + 8 = 2027-12-27,
males + 5 = 2027-09-27, no breastfeeding + 2 = 2027-06-27.
"""

from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, overload

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from inoplan.cli.app import app
from inoplan.domain.bsa import given_bsa
from inoplan.domain.plan import Plan, PlanRequest, make_plan
from inoplan.domain.rules import Response
from inoplan.export import html as export_html

BASE = ["schedule", "--start", "2026-12-01", "--height", "170", "--weight", "70"]
CR_PLAN = [*BASE, "--response", "cr", "--format", "html"]

# (date, cycle, day, mg) of the CR plan above, by hand.
CR_DOSES = [
    (date(2026, 12, 1), 1, 1, "1.46"),
    (date(2026, 12, 8), 1, 8, "0.91"),
    (date(2026, 12, 15), 1, 15, "0.91"),
    (date(2026, 12, 22), 2, 1, "0.91"),
    (date(2026, 12, 29), 2, 8, "0.91"),
    (date(2027, 1, 5), 2, 15, "0.91"),
    (date(2027, 1, 19), 3, 1, "0.91"),
    (date(2027, 1, 26), 3, 8, "0.91"),
    (date(2027, 2, 2), 3, 15, "0.91"),
    (date(2027, 2, 16), 4, 1, "0.91"),
    (date(2027, 2, 23), 4, 8, "0.91"),
    (date(2027, 3, 2), 4, 15, "0.91"),
    (date(2027, 3, 16), 5, 1, "0.91"),
    (date(2027, 3, 23), 5, 8, "0.91"),
    (date(2027, 3, 30), 5, 15, "0.91"),
    (date(2027, 4, 13), 6, 1, "0.91"),
    (date(2027, 4, 20), 6, 8, "0.91"),
    (date(2027, 4, 27), 6, 15, "0.91"),
]
CR_MONTHS = ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04"]


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), prog_name="inoplan")


def html_of(*args: str) -> str:
    r = run(*args, "-o", "-")
    assert r.exit_code == 0, r.stderr
    return r.stdout


class Page(HTMLParser):
    """The parts of the calendar a reader sees: months, infusion cells, all text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.months: list[str] = []
        self.cells: dict[str, str] = {}  # ISO date -> the cell's text
        self.cell_month: dict[str, str] = {}
        self.tags: set[str] = set()
        self.attrs_seen: list[tuple[str, str | None]] = []
        self.text_parts: list[str] = []
        self._cell: str | None = None
        self._hidden = 0  # inside <style> or <title>: not part of the page a reader sees
        self.feed(text)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in {"style", "title"}:
            self._hidden += 1
        self.attrs_seen.extend(attrs)
        a = dict(attrs)
        if tag == "section" and a.get("data-month"):
            self.months.append(str(a["data-month"]))
        if tag == "td" and "infusion" in (a.get("class") or "").split():
            self._cell = str(a["data-date"])
            self.cells[self._cell] = ""
            self.cell_month[self._cell] = self.months[-1]
        elif tag == "td" and self._cell is not None:
            raise AssertionError("nested cell")
        if self._cell is not None and tag == "br":
            self.cells[self._cell] += " "

    def handle_endtag(self, tag: str) -> None:
        if tag in {"style", "title"}:
            self._hidden -= 1
        if tag == "td":
            if self._cell is not None:
                self.cells[self._cell] = " ".join(self.cells[self._cell].split())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.text_parts.append(data)
        if self._cell is not None:
            self.cells[self._cell] += data


# --- structure ---------------------------------------------------------------------


def test_writes_one_self_contained_file(tmp_path: Path) -> None:
    out = tmp_path / "calendar.html"
    r = run(*CR_PLAN, "-o", str(out))
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    page = Page(text)
    # Inline CSS only: nothing fetched from anywhere, nothing to run.
    assert "style" in page.tags
    assert not page.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert not any(name in {"src", "href"} or name.startswith("on") for name, _ in page.attrs_seen)
    assert "http:" not in text and "https:" not in text and "@import" not in text
    assert '<meta charset="utf-8">' in text


def test_one_month_section_per_month_of_the_plan() -> None:
    page = Page(html_of(*CR_PLAN))
    assert page.months == CR_MONTHS


def test_every_infusion_marked_on_its_date_with_cycle_day_and_mg() -> None:
    page = Page(html_of(*CR_PLAN))
    assert sorted(page.cells) == [d.isoformat() for d, *_ in CR_DOSES]
    for d, cycle, day, mg in CR_DOSES:
        cell = page.cells[d.isoformat()]
        assert cell.startswith(f"{d.day} ")  # the day number first
        assert "Infusion" in cell and "\u25cf" in cell  # word and symbol, not only colour
        assert f"Cycle {cycle}, day {day}" in cell
        assert cell.endswith(f"{mg} mg")
        assert page.cell_month[d.isoformat()] == f"{d.year:04d}-{d.month:02d}"


def test_only_the_last_infusion_has_the_star() -> None:
    page = Page(html_of(*CR_PLAN))
    starred = [d for d, text in page.cells.items() if "\u2605" in text]
    assert starred == ["2027-04-27"]


def test_month_grid_has_every_day_of_the_month_once() -> None:
    text = html_of(*CR_PLAN)
    section = text.split('data-month="2027-02"')[1].split("</section>")[0]
    days = re.findall(r'<span class="num">(\d+)', section)
    assert days == [str(n) for n in range(1, 29)]  # February 2027 has 28 days


def test_patient_version_key_dates_premedication_and_no_arithmetic() -> None:
    page = Page(html_of(*CR_PLAN))
    text = page.text
    assert "Last infusion: Tuesday, April 27, 2027" in text
    assert "First infusion: Tuesday, December 1, 2026" in text
    assert "until at least December 27, 2027" in text  # females, + 8 months
    assert "until at least September 27, 2027" in text  # males, + 5 months
    assert "Do not breastfeed during treatment and until at least June 27, 2027" in text
    # Premedication before and observation for at least 1 hour after (spec section 5).
    assert "Before each infusion you are given medicines to prevent a reaction" in text
    assert "for at least 1 hour after it ends" in text
    assert "1 hour before" not in text
    for word in ("mg/m2", "BSA", "mosteller", "sqrt", "Policy", "C1D1"):
        assert word not in text


def test_clinician_version_adds_bsa_formula_mg_per_m2_and_policy() -> None:
    page = Page(html_of(*CR_PLAN, "--audience", "clinician"))
    text = page.text
    assert "1.82 m2 (mosteller: sqrt(H x W / 3600)" in text
    assert "Policy BSA mosteller, actual body weight, no BSA cap" in text
    assert "half-up to 0.01 mg" in text
    # 1.8 + 5 x 1.5 = 9.3 mg/m2; 1.46 + 17 x 0.91 = 16.93 mg.
    assert "9.3 mg/m2 = 16.93 mg over 18 doses" in text
    assert page.cells["2026-12-01"] == "1 \u25cf C1D1 0.8 mg/m2 1.46 mg"
    assert page.cells["2026-12-22"] == "22 \u25cf C2D1 0.5 mg/m2 0.91 mg"
    assert "Premedicate before the dose" in text
    assert "Complete blood count before each dose (verify against the current label)" in text
    assert "Decision support only" in text


def test_warnings_reach_the_clinician_version() -> None:
    text = Page(
        html_of(
            *["schedule", "--start", "2026-12-01", "--height", "170", "--weight", "120"],
            "--bsa-cap",
            "2.0",
            "--response",
            "cr",
            "--format",
            "html",
            "--audience",
            "clinician",
        )
    ).text
    # sqrt(170 x 120 / 3600) = 2.3805 -> 2.38 m2, capped to 2.00 m2.
    assert "WARNING: BSA capped" in text
    assert "capped at 2.00 m2" in text


def test_pending_response_plans_cycle_one_and_says_why() -> None:
    page = Page(html_of(*BASE, "--format", "html"))
    # Cycle 1 only: 2026-12-01, 12-08, 12-15.
    assert page.months == ["2026-12"]
    assert sorted(page.cells) == ["2026-12-01", "2026-12-08", "2026-12-15"]
    assert "Only the first cycle is planned" in page.text


# --- languages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "month", "weekdays", "cell", "last", "female_until"),
    [
        (
            "de",
            "Dezember 2026",
            ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
            "1 \u25cf Infusion Zyklus 1, Tag 1 1,46 mg",
            "Letzte Infusion: Dienstag, 27. April 2027",
            "mindestens bis zum 27. Dezember 2027 wirksam verhüten",
        ),
        (
            "fr",
            "Décembre 2026",
            ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
            "1 \u25cf Perfusion Cycle 1, jour 1 1,46 mg",
            "Dernière perfusion\u00a0: mardi 27 avril 2027",
            "au moins jusqu\u2019au 27 décembre 2027",
        ),
        (
            "es",
            "Diciembre de 2026",
            ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
            "1 \u25cf Infusión Ciclo 1, día 1 1,46 mg",
            "Última infusión: martes, 27 de abril de 2027",
            "al menos hasta el 27 de diciembre de 2027",
        ),
    ],
)
def test_patient_version_in_other_languages(
    lang: str, month: str, weekdays: list[str], cell: str, last: str, female_until: str
) -> None:
    text = html_of(*CR_PLAN, "--lang", lang)
    assert f'<html lang="{lang}">' in text
    page = Page(text)
    assert f"<h2>{month}</h2>" in text
    section = text.split('data-month="2026-12"')[1]
    heads = re.findall(r"<abbr [^>]*>([^<]+)</abbr>", section)[:7]
    assert heads == weekdays  # Monday first, as these languages' calendars are
    assert page.cells["2026-12-01"] == cell
    assert " ".join(last.split()) in page.text
    assert " ".join(female_until.split()) in page.text
    for english in ("Infusion day", "Last infusion", "Cycle 1, day 1", "December"):
        assert english not in page.text


def test_every_per_dose_rule_has_a_patient_sentence_in_every_language() -> None:
    from inoplan.domain import rules
    from inoplan.export import phrases

    assert set(phrases.DOSE_REMINDER_PHRASES) == {r.key for r in rules.DOSE_REMINDERS}
    for lang in phrases.LANGS:
        assert set(phrases.DOSE_REMINDER_PHRASES.values()) <= set(phrases.PHRASES[lang])


def test_no_sentence_writes_a_clinical_number_itself() -> None:
    from inoplan.export import phrases

    for lang, table in phrases.PHRASES.items():
        for key, text in table.items():
            assert not re.search(r"\d", text), (lang, key, text)


@pytest.mark.parametrize(
    ("lang", "minutes", "days", "observe", "watch"),
    [
        ("en", 60, 56, "for at least 1 hour after it ends", "in the 8 weeks after"),
        ("en", 120, 60, "for at least 2 hours after it ends", "in the 60 days after"),
        ("de", 120, 56, "mindestens 2 Stunden nach ihrem Ende", "in den 8 Wochen nach"),
        ("fr", 90, 56, "au moins 90 minutes après la fin", "dans les 8 semaines après"),
        ("es", 60, 63, "al menos 1 hora después", "en las 9 semanas después"),
    ],
)
def test_durations_in_the_sentences_come_from_the_rules(
    monkeypatch: pytest.MonkeyPatch, lang: str, minutes: int, days: int, observe: str, watch: str
) -> None:
    # The rules say 60 minutes of observation and 56 days (8 weeks) of liver watch; a
    # changed rule changes every language's sentence, with CLDR's unit words and plurals.
    from inoplan.domain import rules

    monkeypatch.setattr(rules, "OBSERVATION_MINUTES", minutes)
    monkeypatch.setattr(rules, "VOD_WATCH_DAYS", days)
    text = " ".join(Page(html_of(*CR_PLAN, "--lang", lang)).text.split())
    assert observe in text and watch in text


def test_every_language_translates_every_phrase() -> None:
    keys = set(export_html.PHRASES["en"])
    assert set(export_html.PHRASES) == set(export_html.LANGS)
    for lang, phrases in export_html.PHRASES.items():
        assert set(phrases) == keys, lang
        for key, text in phrases.items():
            placeholders = set(re.findall(r"\{(\w+)\}", text))
            assert placeholders == set(re.findall(r"\{(\w+)\}", export_html.PHRASES["en"][key]))
            if lang != "en" and key not in {"infusion", "dose", "cycle_day"}:
                assert text != export_html.PHRASES["en"][key], (lang, key)


def test_clinician_words_stay_english_with_local_month_names() -> None:
    page = Page(html_of(*CR_PLAN, "--audience", "clinician", "--lang", "de"))
    assert "Dezember 2026" in page.text
    # A pharmacist checks the arithmetic with the same decimal point as the working.
    assert page.cells["2026-12-01"] == "1 \u25cf C1D1 0.8 mg/m2 1.46 mg"
    assert "Infusion day (thick frame)" in page.text


# --- escaping and refusals ---------------------------------------------------------


def _plan(patient_id: str | None = None) -> Plan:
    return make_plan(
        PlanRequest(
            start=date(2026, 12, 1),
            bsa=given_bsa(Decimal("1.82")),
            response=Response.CR,
            patient_id=patient_id,
        )
    )


def test_patient_id_with_markup_shows_as_text() -> None:
    evil = '<script>alert("x")</script>&'
    for audience in export_html.AUDIENCES:
        text = export_html.render(_plan(evil), audience=audience)
        assert "<script" not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in text
        page = Page(text)
        assert evil in page.text  # a reader sees exactly what was typed
        assert "script" not in page.tags


def test_dose_notes_are_escaped_in_the_clinician_version() -> None:
    plan = _plan()
    first = plan.cycles[0].doses[0]._replace(notes=("moved <b>2</b> days",))
    cycle = plan.cycles[0]._replace(doses=(first, *plan.cycles[0].doses[1:]))
    plan = plan._replace(cycles=(cycle, *plan.cycles[1:]))
    text = export_html.render(plan, audience="clinician")
    assert "moved &lt;b&gt;2&lt;/b&gt; days" in text
    assert "moved <b>" not in text


def test_cli_refuses_markup_in_patient_id_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    r = run(*CR_PLAN, "--patient-id", "<script>", "-o", str(out))
    assert r.exit_code == 2
    assert "--patient-id" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


def test_patient_id_printed_only_when_given() -> None:
    assert "Patient id" not in Page(html_of(*CR_PLAN)).text
    text = Page(html_of(*CR_PLAN, "--patient-id", "MRN-0042")).text
    assert "Patient id: MRN-0042" in text


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--format", "table", "--audience", "clinician"], "--audience"),
        (["--format", "json", "--lang", "de"], "--lang"),
        (["--format", "html", "--lang", "it"], "--lang"),
        (["--format", "html", "--audience", "nurse"], "--audience"),
    ],
)
def test_bad_html_options_are_refused(tmp_path: Path, args: list[str], field: str) -> None:
    out = tmp_path / "c.out"
    r = run(*BASE, "--response", "cr", *args, "-o", str(out))
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and field in r.stderr
    assert not out.exists()


def test_existing_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    out.write_text("keep", encoding="utf-8")
    r = run(*CR_PLAN, "-o", str(out))
    assert r.exit_code == 2 and "--force" in r.stderr
    assert out.read_text(encoding="utf-8") == "keep"
    assert run(*CR_PLAN, "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_css_uses_black_white_and_grey_only() -> None:
    colours = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", export_html.CSS))
    assert colours <= {"#000", "#fff", "#444"}
    assert "color:" not in export_html.CSS.replace("color: #000", "")


def test_importing_the_cli_does_not_load_babel() -> None:
    code = "import sys, inoplan.cli.app; print('babel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- properties --------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31)),
    response=st.sampled_from([Response.PENDING, Response.NONE, Response.CR, Response.CRI]),
    first_cycle_days=st.sampled_from([21, 28]),
    lang=st.sampled_from(export_html.LANGS),
    audience=st.sampled_from(export_html.AUDIENCES),
)
def test_every_dose_once_in_its_month_and_every_month_once(
    start: date, response: Response, first_cycle_days: int, lang: str, audience: str
) -> None:
    plan = make_plan(
        PlanRequest(
            start=start,
            bsa=given_bsa(Decimal("1.82")),
            response=response,
            first_cycle_days=first_cycle_days,
        )
    )
    page = Page(export_html.render(plan, audience=audience, lang=lang))  # type: ignore[arg-type]
    expected_months = sorted({f"{d.year:04d}-{d.month:02d}" for d in _days(plan)})
    assert page.months == expected_months  # consecutive, none missing, none repeated
    assert sorted(page.cells) == [d.date.isoformat() for d in plan.doses]
    for d in plan.doses:
        assert page.cell_month[d.date.isoformat()] == d.date.isoformat()[:7]
    assert sum("\u2605" in c for c in page.cells.values()) == 1


def _days(plan: Plan) -> Iterator[date]:
    d = plan.first_dose
    while d <= plan.last_dose:
        yield d
        d += timedelta(days=1)


# --- printing in headless Chromium ---------------------------------------------------

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian: apt-get install chromium); "
    "the print-to-PDF tests need it",
)

PAPER = {"a4": "A4 portrait", "letter": "letter portrait"}


class Chromium:
    """One headless Chromium for every print, driven over the DevTools protocol.

    Starting the browser costs far more than printing a page, so the documents are
    printed one after the other in one tab. The protocol runs over a pipe
    (``--remote-debugging-pipe``: commands in on descriptor 3, replies out on 4, each
    message JSON ended by a NUL byte). ``Page.printToPDF`` with ``printBackground`` and
    ``preferCSSPageSize`` is what ``--print-to-pdf`` runs, so the pages are the same.
    """

    TIMEOUT = 180.0  # seconds without a reply: a hang guard, not a speed test

    def __init__(self, folder: Path) -> None:
        assert CHROMIUM is not None
        to_browser, self._out = os.pipe()
        self._in, from_browser = os.pipe()
        # Above the standard descriptors, so that moving them to 3 and 4 in the child
        # never lands one on the other (and dup2 then clears close-on-exec).
        to_browser = self._move_up(to_browser)
        from_browser = self._move_up(from_browser)

        def descriptors_3_and_4() -> None:  # runs in the child, before exec
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self._process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={folder / 'profile'}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=descriptors_3_and_4,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._last_id = 0
        self._events: list[dict[str, Any]] = []
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        attached = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})
        self._session = str(attached["sessionId"])
        self._send("Page.enable", session=self._session)

    @staticmethod
    def _move_up(fd: int) -> int:
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return moved

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._in], [], [], self.TIMEOUT)
            if not ready:
                raise TimeoutError(f"chromium sent nothing for {self.TIMEOUT:.0f} s")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise EOFError(f"chromium ended (status {self._process.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def _send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._last_id += 1
        message: dict[str, Any] = {"id": self._last_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply["result"])
            self._events.append(reply)

    def _wait_for(self, event: str) -> None:
        while True:
            for i, message in enumerate(self._events):
                if message.get("method") == event and message.get("sessionId") == self._session:
                    del self._events[i]
                    return
            self._events.append(self._receive())

    def print_pdf(self, source: Path) -> bytes:
        """The PDF of the page at ``source``, as Chromium prints it."""
        self._events.clear()
        self._send("Page.navigate", {"url": source.as_uri()}, self._session)
        self._wait_for("Page.loadEventFired")
        options = {"printBackground": True, "preferCSSPageSize": True}
        printed = self._send("Page.printToPDF", options, self._session)
        return base64.b64decode(printed["data"])

    def close(self) -> None:
        try:
            self._send("Browser.close")
            self._process.wait(timeout=30)
        except (OSError, EOFError, TimeoutError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        finally:
            os.close(self._out)
            os.close(self._in)


class PageTexts(Sequence[str]):
    """The pages of a printed PDF; a page's text is read from the PDF when first asked for.

    Counting the pages needs no text, and reading the text is most of the time a
    print takes: only the pages a test reads are read.
    """

    def __init__(self, pdf: bytes) -> None:
        from pypdf import PdfReader

        self._pages = PdfReader(io.BytesIO(pdf)).pages
        self._texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._pages)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i = range(len(self))[index]  # negative indexes; IndexError past the end
        if i not in self._texts:
            self._texts[i] = " ".join(self._pages[i].extract_text().split())
        return self._texts[i]


def page_texts(html: str, paper: str, folder: Path, browser: Chromium) -> PageTexts:
    """Print ``html`` on ``paper``; the text of each PDF page."""
    # The calendar leaves the paper to the printer; here each size is forced in turn.
    page_css = f"<style>@page {{ size: {PAPER[paper]}; }}</style></head>"
    source = folder / f"calendar-{paper}.html"
    source.write_text(html.replace("</head>", page_css, 1), encoding="utf-8")
    return PageTexts(browser.print_pdf(source))


# The fullest page there is: one 6-week month holding 5 infusions with everything that
# makes the first and the last page long (heading, clinician summary, a warning, key
# dates) on that one page. Printed in every language, for both audiences, on both
# papers: if it fits one page, every month of a longer plan fits its own page.
# From Sat 2026-08-01 without CR/CRi (cycle 1 21 days, then 28): C1 08-01, 08-08,
# 08-15; C2 08-22, 08-29, 09-05; C3 09-19, 09-26, 10-03. August 2026 spans 6 weeks.
CROWDED = [
    "schedule",
    "--start",
    "2026-08-01",
    "--height",
    "190",
    "--weight",
    "120",
    "--bsa-cap",
    "2.0",
    "--response",
    "none",
    "--format",
    "html",
]
PLANNED_ON = "2026-07-31"
#: case -> (arguments, the months it spans, the papers it is printed on)
PRINT_CASES: dict[str, tuple[list[str], list[str], tuple[str, ...]]] = {
    # Five months: each infusion on its own month's page (the test below).
    "cr-en-patient": ([*CR_PLAN], CR_MONTHS, tuple(PAPER)),
    # Three crowded months, one page each: the page break between months comes from
    # the stylesheet, the same in every language (checked without a browser below),
    # so one language per audience is printed.
    "crowded-de-patient": (
        [*CROWDED, "--lang", "de", "--audience", "patient"],
        ["2026-08", "2026-09", "2026-10"],
        ("letter",),
    ),
    "crowded-en-clinician": (
        [*CROWDED, "--lang", "en", "--audience", "clinician"],
        ["2026-08", "2026-09", "2026-10"],
        ("a4",),
    ),
}
for _lang in export_html.LANGS:
    for _aud in export_html.AUDIENCES:
        PRINT_CASES[f"one-month-{_lang}-{_aud}"] = (
            [*CROWDED, "--cycles", "1", "--lang", _lang, "--audience", _aud],
            ["2026-08"],
            tuple(PAPER),
        )
PRINTS = sorted((case, paper) for case, (_, _, papers) in PRINT_CASES.items() for paper in papers)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], PageTexts]:
    """Every case printed on its papers, all in one Chromium."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    folder = tmp_path_factory.mktemp("print")
    browser = Chromium(folder)
    try:
        pages: dict[tuple[str, str], PageTexts] = {}
        for name, (args, _, papers) in PRINT_CASES.items():
            # Planned the day before the first infusion: no start-in-the-past warning.
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("INOPLAN_TODAY", PLANNED_ON)
                html = html_of(*args)
            for paper in papers:
                pages[(name, paper)] = page_texts(html, paper, folder, browser)
        return pages
    finally:
        browser.close()


@needs_chromium
@pytest.mark.parametrize(("case", "paper"), PRINTS, ids=[f"{c}-{p}" for c, p in PRINTS])
def test_prints_one_page_per_month(
    printed: dict[tuple[str, str], PageTexts], case: str, paper: str
) -> None:
    pages = printed[(case, paper)]
    months = PRINT_CASES[case][1]
    assert len(pages) == len(months), f"{case} on {paper}: {len(pages)} pages"


def test_every_month_starts_a_new_page_in_every_language_and_audience() -> None:
    """What the prints of one language show holds for all: one section per month, each
    ending its page, none split, in every language and for both audiences."""
    css = " ".join(export_html.CSS.split())
    month_rule = re.search(r"(?:^|[\s}])\.month \{([^}]*)\}", css)
    assert month_rule is not None, "no rule for .month"
    assert "break-after: page" in month_rule.group(1)
    assert "break-inside: avoid" in month_rule.group(1)
    assert ".month:last-of-type { break-after: auto;" in css  # no blank page at the end
    for lang in export_html.LANGS:
        for audience in export_html.AUDIENCES:
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("INOPLAN_TODAY", PLANNED_ON)
                text = html_of(*CROWDED, "--lang", lang, "--audience", audience)
            assert Page(text).months == ["2026-08", "2026-09", "2026-10"], (lang, audience)
            assert text.count('<section class="month"') == 3, (lang, audience)


@needs_chromium
@pytest.mark.parametrize("paper", sorted(PAPER))
def test_each_infusion_is_on_its_months_page(
    printed: dict[tuple[str, str], PageTexts], paper: str
) -> None:
    pages = printed[("cr-en-patient", paper)]
    titles = ["December 2026", "January 2027", "February 2027", "March 2027", "April 2027"]
    for number, (page, title) in enumerate(zip(pages, titles, strict=True)):
        assert title in page
        for d, cycle, day, mg in CR_DOSES:
            words = f"Infusion Cycle {cycle}, day {day} {mg} mg"  # the cell, in reading order
            if d.isoformat()[:7] == CR_MONTHS[number]:
                assert words in page
            else:
                assert f"Cycle {cycle}, day {day} " not in page
    assert "Last infusion: Tuesday, April 27, 2027" in pages[-1]


@needs_chromium
def test_crowded_month_keeps_all_five_infusions_on_its_page(
    printed: dict[tuple[str, str], PageTexts],
) -> None:
    # 190 cm, 120 kg: sqrt(190 x 120 / 3600) = 2.5166 -> 2.52 m2, capped to 2.00 m2;
    # day 1 without CR/CRi: 0.8 x 2.00 = 1.60 mg; days 8 and 15: 0.5 x 2.00 = 1.00 mg.
    august = printed[("crowded-de-patient", "letter")][0]
    for cycle, day, mg in [
        (1, 1, "1,60"),
        (1, 8, "1,00"),
        (1, 15, "1,00"),
        (2, 1, "1,60"),
        (2, 8, "1,00"),
    ]:
        assert f"Infusion Zyklus {cycle}, Tag {day} {mg} mg" in august
    assert "Zyklus 2, Tag 15" not in august  # 2026-09-05 belongs to September
    clinician = printed[("one-month-en-clinician", "letter")][0]
    assert "WARNING: BSA capped" in clinician
    assert "Decision support only" in clinician  # the page's last line made it onto the page
