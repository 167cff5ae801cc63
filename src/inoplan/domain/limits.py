"""Size and depth limits on input, as data, in one place.

Every limit here protects inoplan from input no clinician writes (a plan of
100 MB, JSON nested 10,000 deep, a number of 5,000 digits, ``/dev/zero``):
such input is refused with one line naming the field and the limit, never an
internal error or memory that grows without bound. Each is far above what a
real plan, event file or clinic list needs. The README's reliability section
lists them (``tests/test_limits.py`` checks the list against this module).
"""

from __future__ import annotations

from typing import Final

#: A saved plan (``verify``, ``replan``, ``prep``, ``worklist``); a 6-cycle plan
#: re-planned many times is some 60 KB.
MAX_PLAN_BYTES: Final = 5 * 1024 * 1024
#: An events file (``replan --events``), CSV or JSON.
MAX_EVENTS_BYTES: Final = 5 * 1024 * 1024
#: A patients CSV read whole (``worklist``); ``batch`` reads row by row instead.
MAX_PATIENTS_CSV_BYTES: Final = 64 * 1024 * 1024
#: Nesting of JSON arrays and objects (a plan nests 5 deep).
MAX_JSON_DEPTH: Final = 32
#: One line of a CSV file, in characters (a patient row is some 100).
MAX_CSV_LINE_CHARS: Final = 64 * 1024
#: A whole number typed as text (option, CSV cell, JSON value), in digits.
MAX_INT_DIGITS: Final = 18
#: A value given to an option or argument, in characters (as long as a path may be).
MAX_VALUE_CHARS: Final = 4096
#: An event (a dose given, an assessment, a decision, a stop) dated this many days
#: or more after cycle 1 day 1 is refused as a typing error: a course of at most
#: 6 cycles with every delay the label allows lasts well under 3 years. [inoplan]
MAX_EVENT_DAYS_AFTER_START: Final = 3 * 366
#: How much of a refused value an error message quotes, in characters.
QUOTE_CHARS: Final = 24
#: How much of a file name an error message quotes, in characters.
QUOTE_PATH_CHARS: Final = 200

#: The limits, as the README lists them: (what, limit, unit).
TABLE: Final = (
    ("saved plan file (verify, replan, prep, worklist)", MAX_PLAN_BYTES // 1024 // 1024, "MB"),
    ("events file (replan --events)", MAX_EVENTS_BYTES // 1024 // 1024, "MB"),
    ("patients CSV read by worklist", MAX_PATIENTS_CSV_BYTES // 1024 // 1024, "MB"),
    ("JSON nesting (arrays and objects)", MAX_JSON_DEPTH, "levels"),
    ("one line of a CSV file", MAX_CSV_LINE_CHARS // 1024, "K characters"),
    ("an event's date after cycle 1 day 1", MAX_EVENT_DAYS_AFTER_START, "days"),
    ("a whole number (option, cell or JSON value)", MAX_INT_DIGITS, "digits"),
    ("an option or argument value", MAX_VALUE_CHARS, "characters"),
    ("a refused value quoted in an error message", QUOTE_CHARS, "characters"),
)
