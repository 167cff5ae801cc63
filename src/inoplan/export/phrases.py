"""The fixed sentences of the patient calendar, in every language, as data.

:data:`PHRASES` holds the words; the clinical facts they state come from
:mod:`inoplan.domain.rules`: the per-dose reminders they translate
(:data:`DOSE_REMINDER_PHRASES`, one entry per rule, so a new rule cannot go
untranslated) and the durations they name (:func:`quantities`: the observation
time and the liver watch after the last dose), filled in with the unit words and
plurals of Babel's CLDR data ("1 hour", "2 Stunden", "8 semaines"). So no
clinical number is written in a sentence. Clinical content follows
``docs/clinical-rules.md`` section 5 (premedication before each dose [L];
observation during and for at least an hour after the infusion [L]; liver tests
before and after each dose [S]), section 4a (the boxed warning in plain words:
signs of VOD to report at once [L, 5.1]) and section 9 (contraception and
breastfeeding [L]).
"""

from __future__ import annotations

from typing import Final

from inoplan.domain import rules

LANGS: Final = ("en", "de", "fr", "es")

#: For each reminder of :data:`inoplan.domain.rules.DOSE_REMINDERS`, the patient
#: sentence that says it. The complete blood count [?] and the liver tests [S] are
#: both blood tests to a patient: one sentence, "before and after each infusion".
DOSE_REMINDER_PHRASES: Final = {
    rules.PREMEDICATION.key: "premed",
    rules.OBSERVATION.key: "observe",
    rules.BLOOD_COUNT.key: "blood",
    rules.LIVER_TESTS.key: "blood",
}

#: The sentences, by language; ``{name}`` is filled in (already HTML-escaped).
PHRASES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "Treatment calendar",
        "patient_id": "Patient id: {id}",
        "infusion": "Infusion",
        "cycle_day": "Cycle {cycle}, day {day}",
        "dose": "{mg} mg",
        "premed": "Before each infusion you are given medicines to prevent a reaction: "
        "a corticosteroid, a medicine against fever and an antihistamine.",
        "observe": "You are watched during the infusion and for at least {observe_time} after "
        "it ends.",
        "blood": "Blood tests before and after each infusion.",
        "first_infusion": "First infusion: {date}",
        "last_infusion": "Last infusion: {date}",
        "key_dates": "Key dates",
        "contraception_f": "Women who can become pregnant: use effective contraception during "
        "treatment and until at least {date}.",
        "contraception_m": "Men with a partner who can become pregnant: use effective "
        "contraception during treatment and until at least {date}.",
        "no_breastfeeding": "Do not breastfeed during treatment and until at least {date}.",
        "legend": "Legend",
        "legend_infusion": "Infusion day (thick frame)",
        "legend_last": "Last infusion",
        "every_infusion": "With every infusion",
        "pending": "Only the first cycle is planned. Later cycles depend on how the treatment "
        "works; your care team will plan them.",
        "liver_watch": "Tell your care team at once about weight gain, swelling of the belly "
        "or pain under the right ribs: they can be signs of a serious liver problem, also in "
        "the {vod_watch} after the last infusion.",
        "notice": "Your care team may change these dates. Always follow their instructions.",
    },
    "de": {
        "title": "Behandlungskalender",
        "patient_id": "Patienten-ID: {id}",
        "infusion": "Infusion",
        "cycle_day": "Zyklus {cycle}, Tag {day}",
        "dose": "{mg} mg",
        "premed": "Vor jeder Infusion erhalten Sie Medikamente, die einer Reaktion vorbeugen: "
        "ein Kortikosteroid, ein fiebersenkendes Mittel und ein Antihistaminikum.",
        "observe": "Sie werden während der Infusion und mindestens {observe_time} nach ihrem Ende "
        "beobachtet.",
        "blood": "Blutuntersuchungen vor und nach jeder Infusion.",
        "first_infusion": "Erste Infusion: {date}",
        "last_infusion": "Letzte Infusion: {date}",
        "key_dates": "Wichtige Termine",
        "contraception_f": "Frauen, die schwanger werden können: während der Behandlung und "
        "mindestens bis zum {date} wirksam verhüten.",
        "contraception_m": "Männer mit einer Partnerin, die schwanger werden kann: während der "
        "Behandlung und mindestens bis zum {date} wirksam verhüten.",
        "no_breastfeeding": "Nicht stillen: während der Behandlung und mindestens bis zum {date}.",
        "legend": "Zeichenerklärung",
        "legend_infusion": "Infusionstag (dicker Rahmen)",
        "legend_last": "Letzte Infusion",
        "every_infusion": "Bei jeder Infusion",
        "pending": "Nur der erste Zyklus ist geplant. Die weiteren Zyklen hängen vom "
        "Ansprechen ab; Ihr Behandlungsteam plant sie.",
        "liver_watch": "Melden Sie Ihrem Behandlungsteam sofort, wenn Ihr Gewicht zunimmt, "
        "Ihr Bauch anschwillt oder Sie Schmerzen unter den rechten Rippen haben: Das können "
        "Zeichen einer ernsten Lebererkrankung sein, auch in den {vod_watch} nach der letzten "
        "Infusion.",
        "notice": "Ihr Behandlungsteam kann diese Termine ändern. Folgen Sie immer seinen "
        "Anweisungen.",
    },
    "fr": {
        "title": "Calendrier de traitement",
        "patient_id": "Identifiant patient\u00a0: {id}",
        "infusion": "Perfusion",
        "cycle_day": "Cycle {cycle}, jour {day}",
        "dose": "{mg} mg",
        "premed": "Avant chaque perfusion, vous recevez des médicaments pour prévenir une "
        "réaction\u00a0: un corticoïde, un médicament contre la fièvre et un antihistaminique.",
        "observe": "Vous restez sous surveillance pendant la perfusion et au moins {observe_time} "
        "après la fin.",
        "blood": "Prises de sang avant et après chaque perfusion.",
        "first_infusion": "Première perfusion\u00a0: {date}",
        "last_infusion": "Dernière perfusion\u00a0: {date}",
        "key_dates": "Dates importantes",
        "contraception_f": "Femmes pouvant être enceintes\u00a0: contraception efficace pendant "
        "le traitement et au moins jusqu\u2019au {date}.",
        "contraception_m": "Hommes dont la partenaire peut être enceinte\u00a0: contraception "
        "efficace pendant le traitement et au moins jusqu\u2019au {date}.",
        "no_breastfeeding": "Pas d\u2019allaitement pendant le traitement et au moins "
        "jusqu\u2019au {date}.",
        "legend": "Légende",
        "legend_infusion": "Jour de perfusion (cadre épais)",
        "legend_last": "Dernière perfusion",
        "every_infusion": "À chaque perfusion",
        "pending": "Seul le premier cycle est prévu. Les cycles suivants dépendent de la "
        "réponse au traitement\u00a0; votre équipe soignante les planifiera.",
        "liver_watch": "Prévenez tout de suite votre équipe soignante en cas de prise de "
        "poids, de gonflement du ventre ou de douleur sous les côtes à droite\u00a0: ce "
        "peuvent être les signes d\u2019un problème grave du foie, aussi dans les {vod_watch} "
        "après la dernière perfusion.",
        "notice": "Votre équipe soignante peut modifier ces dates. Suivez toujours ses "
        "instructions.",
    },
    "es": {
        "title": "Calendario de tratamiento",
        "patient_id": "Identificador del paciente: {id}",
        "infusion": "Infusión",
        "cycle_day": "Ciclo {cycle}, día {day}",
        "dose": "{mg} mg",
        "premed": "Antes de cada infusión recibirá medicamentos para prevenir una reacción: "
        "un corticosteroide, un medicamento contra la fiebre y un antihistamínico.",
        "observe": "Permanecerá en observación durante la infusión y al menos {observe_time} "
        "después de que termine.",
        "blood": "Análisis de sangre antes y después de cada infusión.",
        "first_infusion": "Primera infusión: {date}",
        "last_infusion": "Última infusión: {date}",
        "key_dates": "Fechas importantes",
        "contraception_f": "Mujeres que pueden quedar embarazadas: usar un método anticonceptivo "
        "eficaz durante el tratamiento y al menos hasta el {date}.",
        "contraception_m": "Hombres con una pareja que puede quedar embarazada: usar un método "
        "anticonceptivo eficaz durante el tratamiento y al menos hasta el {date}.",
        "no_breastfeeding": "No dar el pecho durante el tratamiento y al menos hasta el {date}.",
        "legend": "Leyenda",
        "legend_infusion": "Día de infusión (marco grueso)",
        "legend_last": "Última infusión",
        "every_infusion": "Con cada infusión",
        "pending": "Solo está planificado el primer ciclo. Los ciclos siguientes dependen de la "
        "respuesta; su equipo médico los planificará.",
        "liver_watch": "Avise de inmediato a su equipo médico si aumenta de peso, se le hincha "
        "el abdomen o tiene dolor debajo de las costillas del lado derecho: pueden ser signos de "
        "un problema grave del hígado, también en las {vod_watch} después de la última infusión.",
        "notice": "Su equipo médico puede cambiar estas fechas. Siga siempre sus indicaciones.",
    },
}


def _duration(minutes: int) -> tuple[int, str]:
    """(number, CLDR unit) for a duration in minutes: whole hours where it is some."""
    if minutes % 60 == 0:
        return minutes // 60, "duration-hour"
    return minutes, "duration-minute"


def _days(days: int) -> tuple[int, str]:
    """(number, CLDR unit) for a span of days: whole weeks where it is some."""
    if days % 7 == 0:
        return days // 7, "duration-week"
    return days, "duration-day"


def quantities(lang: str) -> dict[str, str]:
    """The durations the sentences name, from the rules, in ``lang``'s words."""
    from babel.units import format_unit

    values = {
        "observe_time": _duration(rules.OBSERVATION_MINUTES),
        "vod_watch": _days(rules.VOD_WATCH_DAYS),
    }
    return {
        name: format_unit(number, unit, length="long", locale=lang)
        for name, (number, unit) in values.items()
    }


def patient_reminders() -> tuple[str, ...]:
    """The keys of the sentences "with every infusion", in the rules' order, each once."""
    keys = [DOSE_REMINDER_PHRASES[r.key] for r in rules.DOSE_REMINDERS]
    return tuple(dict.fromkeys(keys))
