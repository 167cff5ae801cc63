"""A printable calendar: one self-contained HTML file, one page per month.

For the patient (plain words, in English, German, French or Spanish) or the
ward (adds BSA, formula, mg/m2 per dose and the dosing policy). The file needs
no network and no JavaScript: inline CSS only, so it opens and prints the same
anywhere. Each month of the plan is one printed page, portrait, A4 or Letter.

Marked days never rely on colour: an infusion day has a thick frame, a filled
circle and the word "Infusion"; the last infusion adds a star. Every text that
comes from the plan is escaped.

Month and weekday names and dates come from Babel (CLDR data), imported when
a calendar is made; the few fixed sentences of the patient version are data in
:mod:`inoplan.export.phrases`, their clinical facts from the rules.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Final, Literal

from inoplan import __version__
from inoplan.domain import rules
from inoplan.domain.plan import Dose, Plan, boxed_warning, status_text
from inoplan.domain.rules import Response
from inoplan.export.phrases import LANGS, PHRASES, patient_reminders, quantities

if TYPE_CHECKING:
    from babel import Locale

Audience = Literal["patient", "clinician"]
AUDIENCES: Final = ("patient", "clinician")

INFUSION_MARK: Final = "\u25cf"  # ● filled circle
LAST_MARK: Final = "\u2605"  # ★ star

DRUG: Final = "inotuzumab ozogamicin (BESPONSA)"
#: The clinician version's footer, as in the terminal view.
CLINICIAN_NOTICE: Final = (
    "Decision support only: check every dose and date against the current "
    "prescribing information before use."
)

#: Print and screen styles. Sizes are for the smaller of A4 (210 x 297 mm) and
#: Letter (216 x 279 mm): 186 mm wide, 259 mm high inside 10 mm margins, so a
#: month of six weeks with five infusions still fits one page.
CSS: Final = """
@page { size: portrait; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #000; background: #fff;
  font-family: "DejaVu Sans", Verdana, Arial, Helvetica, sans-serif;
  font-size: 12pt; line-height: 1.25; }
.month { width: 186mm; max-width: 100%; margin: 0 auto 16mm;
  break-after: page; page-break-after: always; break-inside: avoid; }
.month:last-of-type { break-after: auto; page-break-after: auto; }
header.page { display: flex; justify-content: space-between; align-items: baseline;
  gap: 4mm; border-bottom: 2px solid #000; padding-bottom: 1mm; font-size: 10.5pt; }
header.page .who { font-weight: bold; }
h2 { font-size: 20pt; margin: 1mm 0 0.5mm; }
h3 { font-size: 12.5pt; margin: 1.5mm 0 0.5mm; }
table.grid { width: 100%; border-collapse: separate; border-spacing: 1mm; table-layout: fixed; }
table.grid th { font-size: 12pt; padding: 0.5mm 0; text-align: center;
  border-bottom: 2px solid #000; }
table.grid abbr { text-decoration: none; }
table.grid td { height: 10mm; vertical-align: top; padding: 0.8mm 1.2mm;
  border: 1px solid #444; font-size: 10.5pt; line-height: 1.2; }
table.grid td.empty { border: none; }
table.grid td .num { display: flex; justify-content: space-between; align-items: baseline;
  font-size: 14pt; font-weight: bold; line-height: 1.15; }
table.grid td .mark { font-size: 14pt; }
table.grid td.infusion { border: 4px solid #000; padding: 0.5mm 1mm; }
table.grid td .what, table.grid td .mg { font-weight: bold; }
.sample { display: inline-block; min-width: 7mm; text-align: center; font-size: 13pt;
  border: 4px solid #000; padding: 0 1mm; }
section.summary { font-size: 9pt; line-height: 1.15; border: 1px solid #000;
  padding: 1mm 2mm; margin-top: 2mm; }
section.summary table { border-collapse: collapse; }
section.summary th { text-align: left; padding-right: 3mm; vertical-align: top;
  white-space: nowrap; }
section.summary ul, section.notes ul { margin: 1mm 0 0; padding-left: 5mm; }
section.notes { font-size: 10.5pt; }
section.key ul, section.legend ul { margin: 0; padding-left: 5mm; }
section.key li { font-size: 11.5pt; margin-bottom: 0.5mm; }
section.legend { border-top: 2px solid #000; margin-top: 1mm; font-size: 10.5pt; }
section.legend p.marks { margin: 0; }
section.legend p.every { margin: 1mm 0 0; font-size: 9pt; line-height: 1.15; }
p.pending { font-weight: bold; margin: 2mm 0 0; }
p.liver-watch { font-weight: bold; font-size: 10pt; line-height: 1.15; margin: 1mm 0 0; }
p.boxed { font-size: 8.5pt; line-height: 1.15; margin: 1mm 0 0;
  border: 2px solid #000; padding: 0.5mm 1.5mm; }
.warning { font-weight: bold; }
p.notice { font-size: 10pt; margin: 0.5mm 0 0; font-style: italic; }
@media screen { body { padding: 8mm 2mm; } }
@media print { .month { margin: 0 auto; } }
"""


@dataclass(frozen=True)
class _Words:
    """Language-dependent formatting: Babel for dates and numbers, PHRASES for sentences.

    ``lang`` picks the sentences and ``locale`` the names and dates; with
    ``plain_numbers`` decimals keep the dot (1.46), as in the clinician's working.
    """

    lang: str
    locale: Locale
    plain_numbers: bool = False

    def t(self, key: str, **values: str) -> str:
        """A fixed sentence, HTML-escaped, with already-escaped ``values`` filled in.

        The durations a sentence names come from the rules (:func:`quantities`).
        """
        if "{" in PHRASES[self.lang][key]:
            values = {**{k: escape(v) for k, v in quantities(self.lang).items()}, **values}
        return escape(PHRASES[self.lang][key]).format(**values)

    def full_date(self, d: date) -> str:
        from babel.dates import format_date

        return format_date(d, "full", locale=self.locale)

    def long_date(self, d: date) -> str:
        from babel.dates import format_date

        return format_date(d, "long", locale=self.locale)

    def month_title(self, year: int, month: int) -> str:
        from babel.dates import format_skeleton

        text = format_skeleton("yMMMM", date(year, month, 1), locale=self.locale)
        return text[:1].upper() + text[1:]

    def weekdays(self) -> list[tuple[int, str, str]]:
        """(weekday, short, long) from the locale's first day of the week."""
        from babel.dates import get_day_names

        short = get_day_names("abbreviated", context="stand-alone", locale=self.locale)
        wide = get_day_names("wide", context="stand-alone", locale=self.locale)
        first = self.locale.first_week_day
        return [((first + i) % 7, short[(first + i) % 7], wide[(first + i) % 7]) for i in range(7)]

    def number(self, value: Decimal) -> str:
        """A Decimal with exactly its own digits (1.46, 0.5, 1.125), in the locale's style."""
        from babel.numbers import format_decimal

        if self.plain_numbers:
            return f"{value:f}"

        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(value, format=pattern, locale=self.locale)


def _words(lang: str, audience: Audience) -> _Words:
    """The patient version speaks ``lang``; the clinician's words and numbers stay English."""
    from babel import Locale

    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    if audience == "clinician":
        return _Words("en", Locale.parse(lang), plain_numbers=True)
    return _Words(lang, Locale.parse(lang))


def months(plan: Plan) -> list[tuple[int, int]]:
    """(year, month) of every month from the first to the last infusion."""
    out: list[tuple[int, int]] = []
    y, m = plan.first_dose.year, plan.first_dose.month
    while (y, m) <= (plan.last_dose.year, plan.last_dose.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def policy_line(plan: Plan) -> str:
    """How the doses were worked out: BSA formula, weight, cap, rounding, rules followed."""
    bsa = plan.bsa
    source = "BSA given" if bsa.formula == "given" else f"BSA {bsa.formula}, actual body weight"
    cap = f"capped at {bsa.m2} m2" if bsa.capped else "no BSA cap"
    return (
        f"{source}, {cap}; BSA half-up to 0.01 m2; doses = mg/m2 x BSA, half-up to 0.01 mg; "
        f"rules: {rules.LABEL_REVISION}"
    )


def _cell(d: date, dose: Dose | None, is_last: bool, w: _Words, audience: Audience) -> str:
    if dose is None:
        return f'<td><span class="num">{d.day}</span></td>'
    marks = INFUSION_MARK + (LAST_MARK if is_last else "")
    if audience == "clinician":
        lines = [
            f'<span class="what">{escape(dose.label)}</span>',
            f"{w.number(dose.mg_per_m2)} mg/m2",
            f'<span class="mg">{w.number(dose.mg)} mg</span>',
        ]
    else:
        lines = [
            f'<span class="what">{w.t("infusion")}</span>',
            w.t("cycle_day", cycle=str(dose.cycle), day=str(dose.day)),
            f'<span class="mg">{w.t("dose", mg=w.number(dose.mg))}</span>',
        ]
    return (
        f'<td class="infusion" data-date="{d.isoformat()}">'
        f'<span class="num">{d.day} <span class="mark">{marks}</span></span> '
        f"{'<br>'.join(lines)}</td>"
    )


def _grid(
    year: int, month: int, by_date: dict[date, Dose], last: date, w: _Words, audience: Audience
) -> str:
    days = w.weekdays()
    cal = calendar.Calendar(firstweekday=days[0][0])
    head = "".join(
        f'<th scope="col"><abbr title="{escape(wide)}">{escape(short)}</abbr></th>'
        for _, short, wide in days
    )
    rows: list[str] = []
    for week in cal.monthdatescalendar(year, month):
        cells = [
            '<td class="empty"></td>'
            if d.month != month
            else _cell(d, by_date.get(d), d == last, w, audience)
            for d in week
        ]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _dose_notes(plan: Plan, w: _Words, year: int, month: int) -> str:
    """Why doses of this month differ from the plain regimen (clinician version)."""
    items = [
        f"<li>{escape(w.full_date(d.date))}, {escape(d.label)}: {escape('; '.join(d.notes))}</li>"
        for d in plan.doses
        if d.notes and (d.date.year, d.date.month) == (year, month)
    ]
    return f'<section class="notes"><ul>{"".join(items)}</ul></section>' if items else ""


def _key_dates(plan: Plan, w: _Words) -> str:
    f = plan.followup
    items = [
        w.t("first_infusion", date=escape(w.full_date(plan.first_dose))),
        f"{LAST_MARK} " + w.t("last_infusion", date=escape(w.full_date(plan.last_dose))),
        w.t("contraception_f", date=escape(w.long_date(f.contraception_female_until))),
        w.t("contraception_m", date=escape(w.long_date(f.contraception_male_until))),
        w.t("no_breastfeeding", date=escape(w.long_date(f.no_breastfeeding_until))),
    ]
    lis = "".join(f"<li>{i}</li>" for i in items)
    return f'<section class="key"><h3>{w.t("key_dates")}</h3><ul>{lis}</ul></section>'


def _legend(plan: Plan, w: _Words, audience: Audience, last: bool) -> str:
    marks = (
        f'<p class="marks"><span class="sample">{INFUSION_MARK}</span> '
        f"{w.t('legend_infusion')} &nbsp;&nbsp; "
        f'<span class="sample">{LAST_MARK}</span> {w.t("legend_last")}</p>'
    )
    if audience == "clinician":
        every = "; ".join(escape(r.display) for r in rules.DOSE_REMINDERS)
        course = "; ".join(escape(r.display) for r in plan.reminders) if last else ""
        notice = f"<i>{escape(CLINICIAN_NOTICE)}</i>"
        return (
            f'<section class="legend">{marks}'
            f'<p class="every"><b>{INFUSION_MARK} With every dose:</b> {every}.</p>'
            # The notice ends the course paragraph: a line saved keeps a month on one page.
            + (
                f'<p class="every"><b>For the course:</b> {course}. {notice}</p>'
                if course
                else f'<p class="notice">{escape(CLINICIAN_NOTICE)}</p>'
            )
            + "</section>"
        )
    every_lis = "".join(f"<li>{w.t(k)}</li>" for k in patient_reminders())
    return (
        f'<section class="legend"><h3>{w.t("legend")}</h3>{marks}'
        f"<h3>{INFUSION_MARK} {w.t('every_infusion')}</h3><ul>{every_lis}</ul>"
        f'<p class="liver-watch">{w.t("liver_watch")}</p>'
        f'<p class="notice">{w.t("notice")}</p></section>'
    )


def _boxed(plan: Plan) -> str:
    """The label's boxed warning (docs/clinical-rules.md section 4a), with this plan's points.

    In the label's few words (:data:`rules.BOXED_WARNING_SHORT`), so that a
    month still prints on one page; the plan-specific points in full.
    """
    points = "; ".join(
        escape(rules.BOXED_WARNING_SHORT.get(r.key, r.display)) for r in boxed_warning(plan)
    )
    return f'<p class="boxed"><b>{escape(rules.BOXED_WARNING_TITLE)}.</b> {points}</p>'


def _summary(plan: Plan, w: _Words) -> str:
    """The clinician's block: BSA and its working, response, limit, totals, policy, warnings."""
    bsa, f = plan.bsa, plan.followup
    status = status_text(plan)
    rows = [
        ("BSA", f"{w.number(bsa.m2)} m2 ({bsa.working})"),
        (
            "Response, cycles",
            f"{status}; {len(plan.cycles)} of limit {plan.limit.cycles}: {plan.limit.reason}",
        ),
        (
            "Cumulative",
            f"{w.number(plan.cumulative_mg_per_m2)} mg/m2 = {w.number(plan.cumulative_mg)} mg "
            f"over {len(plan.doses)} doses",
        ),
        ("Policy", policy_line(plan)),
        (
            "First / last dose",
            f"{w.full_date(plan.first_dose)} / {w.full_date(plan.last_dose)} {LAST_MARK}",
        ),
        (
            "After the last dose",
            f"contraception: females until {w.long_date(f.contraception_female_until)}, "
            f"males (with female partners) until {w.long_date(f.contraception_male_until)}; "
            f"no breastfeeding until {w.long_date(f.no_breastfeeding_until)}",
        ),
    ]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    extra = [f'<li class="warning">WARNING: {escape(x)}</li>' for x in plan.warnings]
    extra += [f"<li>Note: {escape(x)}</li>" for x in plan.notes]
    more = f"<ul>{''.join(extra)}</ul>" if extra else ""
    return f'<section class="summary"><table>{body}</table>{more}</section>'


def _pages(plan: Plan, w: _Words, audience: Audience) -> Iterator[str]:
    by_date = {d.date: d for d in plan.doses}
    all_months = months(plan)
    who = f"{w.t('title')} &middot; {escape(DRUG)}"
    if plan.request.patient_id:
        who += " &middot; " + w.t("patient_id", id=escape(plan.request.patient_id))
    for index, (year, month) in enumerate(all_months):
        first, last = index == 0, index == len(all_months) - 1
        title = escape(w.month_title(year, month))
        parts = [
            f'<section class="month" id="m{year:04d}-{month:02d}" '
            f'data-month="{year:04d}-{month:02d}">',
            f'<header class="page"><span class="who">{who}</span>'
            f"<span>{index + 1}/{len(all_months)}</span></header>",
        ]
        if first and audience == "clinician":
            parts.append(_summary(plan, w))
        elif first and plan.request.response is Response.PENDING:
            parts.append(f'<p class="pending">{w.t("pending")}</p>')
        parts.append(f"<h2>{title}</h2>")
        parts.append(_grid(year, month, by_date, plan.last_dose, w, audience))
        if audience == "clinician":
            parts.append(_dose_notes(plan, w, year, month))
            if last:
                # On the last page, with the course reminders: the first holds the summary.
                parts.append(_boxed(plan))
        if last and audience == "patient":
            parts.append(_key_dates(plan, w))
        parts.append(_legend(plan, w, audience, last))
        parts.append("</section>")
        yield "\n".join(parts)


def render(plan: Plan, audience: Audience = "patient", lang: str = "en") -> str:
    """The plan as one self-contained HTML document (text)."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    w = _words(lang, audience)
    title = f"{PHRASES[w.lang]['title']} · {DRUG}"
    if plan.request.patient_id:
        title += f" ({plan.request.patient_id})"
    body = "\n".join(_pages(plan, w, audience))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="inoplan {escape(__version__)}">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
