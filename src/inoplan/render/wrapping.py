"""Wrapping text for a terminal: hanging indents, and a number kept with its unit.

No Rich here: ``inoplan bsa`` prints without it.
"""

from __future__ import annotations

import re

#: A number and the unit after it ("1.82 m2", "0.91 mg", "-> 1.83"): never split
#: over two lines, where a reader could take the number without its unit.
_GLUED = re.compile(r"(?<=[0-9]) (?=(?:mg/m2|mg|m2|mL|cm|kg|h|%)\b)|(?<=->) (?=[0-9])")
_GLUE = "\x00"


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``text`` in lines of at most ``width``, starting with ``first``, then with ``rest``."""
    import textwrap

    lines = textwrap.wrap(
        _GLUED.sub(_GLUE, text),
        width=max(width, len(first) + 1, len(rest) + 1),
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
    )
    return [line.replace(_GLUE, " ") for line in lines] or [first.rstrip()]
