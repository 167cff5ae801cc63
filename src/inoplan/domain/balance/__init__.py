"""Balance an infusion unit: move days 8 and 15 inside the label's windows.

Every other part of inoplan plans one patient at a time. This package looks at
all active courses of a unit over a period and uses the label's +/- 2 day
window of days 8 and 15 to keep each day within the chairs the unit has and,
where the pharmacy shares reconstituted vials between patients on the same day,
to open fewer vials. Pure: no printing, no terminal, no files. Google OR-Tools
CP-SAT (the optional extra ``inoplan[balance]``) is imported inside
:func:`solve` only.

The rules, all from :mod:`inoplan.domain.rules` (nothing here is a new clinical number):

- only a dose whose window (:data:`~inoplan.domain.rules.DOSE_WINDOW_DAYS`) is wider
  than 0 moves: days 8 and 15, never day 1;
- it moves to a day within that window of its *regimen date* (its cycle's day 1
  plus the cycle day, before any clinic-day move);
- a moved dose keeps at least :data:`~inoplan.domain.rules.MIN_DAYS_BETWEEN_DOSES`
  days to the doses before and after it in its course, across cycles too (the
  next cycle's day 1 never moves, so it bounds a day 15);
- never onto a day closed for the unit or for the course's own plan; never a
  dose already given (``fixed``).

inoplan's own reading of the period [inoplan], as the command documents it:

- a dose is *counted* (its chair, its vials) when its regimen date lies in the
  period, both ends included, as the issue that asked for the command says;
  a dose whose regimen date lies outside is neither moved nor counted, even
  where a clinic-day move dates it inside (so the first and last two days of
  a period may hold more doses than the report counts: balance periods that
  overlap by a few days, or a longer one, when that matters);
- a counted dose moves only if its current date lies in the period too (never
  a dose dated before ``--from``), and only to days in the period;
- a closed day has no chairs: a counted dose on it (where the plan left one)
  counts as overflow, so the solver moves it to an open day where the rules allow;
- a dose may always stay where it is, even where its current date breaks a
  rule (a plan re-planned by hand): the balancer never refuses a plan for
  that and never moves a dose *into* a broken rule. The planner warns about
  such doses; they are not this package's to judge.

Vial sharing follows :mod:`inoplan.services.worklist`'s model for doses without a
planned time: all of one day's doses draw from a common pool of vials, so a
day opens ``ceil(total mg / usable mg per vial)`` vials
(:func:`inoplan.domain.pharmacy.share`). Without sharing every dose opens its own
vials, which no move changes; the vial counts are then reported, not optimised.

The objective, in lexicographic order: (1) the least total overflow (doses
beyond the chairs, summed over the days); (2) with sharing, the fewest vials
opened in the period; (3) the fewest moved doses; (4) the smallest total shift
in days. Each level is solved in turn and its optimum fixed as a constraint
for the next. Ties are broken by a fifth level that minimises a sum of fixed
pseudo-random weights, one per possible move, derived from the move itself
(SHA-256 of patient, cycle, day and date): by the isolation lemma (Mulmuley,
Vazirani and Vazirani, 1987) its minimum is unique except with a chance of
about one in a million, so the same input gives the same answer whatever the
number of workers, once every level is proven optimal.

Modules: :mod:`.model` (the problem and its checks), :mod:`.allowed` (the dates
each dose may take), :mod:`.solver` (CP-SAT), :mod:`.answer` and
:mod:`.explain` (the answer and why each dose moved).
"""

from inoplan.domain.balance.allowed import evaluate, tie_weight
from inoplan.domain.balance.answer import (
    DayLoad,
    DoseKey,
    Level,
    Move,
    Objective,
    Placement,
    Solution,
)
from inoplan.domain.balance.model import (
    INSTALL_HINT,
    MAX_PERIOD_DAYS,
    BalanceDose,
    BalanceProblem,
    Chairs,
    ClosedDays,
    Course,
    Reason,
    SolverMissingError,
)
from inoplan.domain.balance.solver import solve

__all__ = [
    "INSTALL_HINT",
    "MAX_PERIOD_DAYS",
    "BalanceDose",
    "BalanceProblem",
    "Chairs",
    "ClosedDays",
    "Course",
    "DayLoad",
    "DoseKey",
    "Level",
    "Move",
    "Objective",
    "Placement",
    "Reason",
    "Solution",
    "SolverMissingError",
    "evaluate",
    "solve",
    "tie_weight",
]
