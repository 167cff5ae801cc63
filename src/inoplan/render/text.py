"""Text shapes shared by the terminal views, laid out here and printed by Rich as they are.

Each shape (:class:`Hanging`, :class:`Labelled`, :class:`Lines`,
:class:`Framed`) knows its lines for a given width and hands Rich finished
segments: Rich still decides colour (``NO_COLOR``, not a terminal: none) and
writes the output, but does not measure and wrap the text a second time. A
whole plan drawn this way takes a fraction of the time it takes as Rich tables
and panels, and looks the same. Lines carry no trailing spaces and never pass
the width they were laid out for.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.segment import Segment

from inoplan.render.wrapping import wrap

if TYPE_CHECKING:
    from rich.table import Table

#: A run of text and the name of its style ("" for none).
Piece = tuple[str, str]
Line = list[Piece]

ELLIPSIS = "…"


class Block:
    """A shape that knows its lines for a width; printed by Rich as finished segments."""

    def lines(self, width: int) -> list[Line]:
        raise NotImplementedError

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        newline = Segment.line()
        for line in self.lines(options.max_width):
            for text, style in line:
                yield Segment(text, console.get_style(style) if style else None)
            yield newline

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((_width(line) for line in self.lines(options.max_width)), default=0)
        return Measurement(min(widest, options.max_width), widest)


def _width(line: Line) -> int:
    return sum(len(text) for text, _ in line)


class Hanging(Block):
    """``marker`` then ``text``, wrapped so that every further line starts under the text.

    ``Hanging("  - ", "a long reminder ...")`` draws a bullet whose second line
    is indented under its first word, not at column 0, at whatever width the
    terminal (or the frame around it) gives.
    """

    def __init__(self, marker: str, text: str, style: str = "") -> None:
        self.marker = marker
        self.text = text
        self.style = style

    def lines(self, width: int) -> list[Line]:
        hang = " " * len(self.marker)
        return [[(ln, self.style)] for ln in wrap(self.text, width, self.marker, hang)]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((len(w) for w in self.text.split()), default=0)
        return Measurement(len(self.marker) + longest, len(self.marker) + len(self.text))


class Labelled(Block):
    """Rows of a bold label and its value; a value wraps under itself, not under the label.

    A value with several lines (``\\n``) keeps them, each wrapped on its own.
    """

    GAP = 2
    #: Narrower than this beside the labels, each value goes under its label instead.
    MIN_VALUE_WIDTH = 24

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        self.rows = rows

    def lines(self, width: int) -> list[Line]:
        column = max((len(label) for label, _ in self.rows), default=0) + self.GAP
        if width - column < self.MIN_VALUE_WIDTH:
            return self._stacked(width)
        hang = " " * column
        out: list[Line] = []
        for label, value in self.rows:
            texts = [ln[column:] for p in value.split("\n") for ln in wrap(p, width, hang, hang)]
            first, *rest = texts
            out.append([(label.ljust(column), "bold"), (first, "")] if first else [(label, "bold")])
            out.extend([(hang, ""), (text, "")] if text else [] for text in rest)
        return out

    def _stacked(self, width: int) -> list[Line]:
        out: list[Line] = []
        for label, value in self.rows:
            out.extend(Hanging("", label, "bold").lines(width))
            for paragraph in value.split("\n"):
                out.extend(Hanging("  ", paragraph).lines(width))
        return out


class Lines(Block):
    """Lines laid out already; one wider than the space is cut with an ellipsis."""

    def __init__(self, lines: list[Line]) -> None:
        self._lines = lines

    def lines(self, width: int) -> list[Line]:
        return [_cut(line, width) for line in self._lines]


def _cut(line: Line, width: int) -> Line:
    if _width(line) <= width:
        return line
    out: Line = []
    room = max(width - 1, 0)
    for text, style in line:
        if room <= 0:
            break
        out.append((text[:room], style))
        room -= len(text[:room])
    out.append((ELLIPSIS, ""))
    return out


class Framed(Block):
    """Blocks in a frame with its title on the top edge, one space inside each side.

    Drawn with rounded corners, or in ASCII where the terminal's encoding has no
    box characters (as Rich decides for its own panels).
    """

    ROUNDED = "╭─╮│╰╯"
    ASCII = "+-+|++"

    def __init__(self, title: str, body: Sequence[Block], chars: str = ROUNDED) -> None:
        self.title = title
        self.body = body
        self.chars = chars

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        drawn = Framed(self.title, self.body, self.ASCII) if options.ascii_only else self
        yield from Block.__rich_console__(drawn, console, options)

    def lines(self, width: int) -> list[Line]:
        tl, h, tr, v, bl, br = tuple(self.chars)
        inner = max(width - 4, 1)
        title = f" {self.title} "[: max(width - 3, 0)]
        out: Line = [(tl + h, ""), (title, ""), (h * max(width - 3 - len(title), 0) + tr, "")]
        framed: list[Line] = [out]
        for block in self.body:
            for line in block.lines(inner):
                pad = " " * (inner - _width(line))
                framed.append([(v + " ", ""), *line, (pad + " " + v, "")])
        framed.append([(bl + h * (width - 2) + br, "")])
        return framed


def bullet(text: str, indent: int = 2, style: str = "") -> Hanging:
    """A list item: ``- text``, indented by ``indent`` spaces."""
    return Hanging(" " * indent + "- ", text, style)


def heading(text: str, style: str = "bold") -> Hanging:
    """A line of its own in ``style``, wrapped at the width if it must be."""
    return Hanging("", text, style)


def warning(text: str) -> Hanging:
    """A line a person must act on: ``WARNING: text``, in bold yellow."""
    return Hanging("WARNING: ", text, "bold yellow")


def note(text: str) -> Hanging:
    """A line that only explains: ``Note: text``."""
    return Hanging("Note: ", text)


def compact_table(title: str) -> Table:
    """A table titled on the left: no side borders, one space between columns."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
    )
