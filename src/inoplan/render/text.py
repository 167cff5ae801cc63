"""Text shapes shared by the terminal views: bullets and labels with hanging indents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.text import Text

if TYPE_CHECKING:
    from rich.table import Table


class Hanging:
    """``marker`` then ``text``, wrapped so that every further line starts under the text.

    ``Hanging("  - ", "a long reminder ...")`` draws a bullet whose second line
    is indented under its first word, not at column 0, at whatever width the
    terminal (or the panel around it) gives. Lines carry no trailing spaces.
    """

    def __init__(self, marker: str, text: str, style: str = "") -> None:
        self.marker = marker
        self.text = text
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        import textwrap

        width = max(options.max_width, len(self.marker) + 20)
        lines = textwrap.wrap(
            self.text,
            width=width,
            initial_indent=self.marker,
            subsequent_indent=" " * len(self.marker),
            break_on_hyphens=False,
        )
        for line in lines or [self.marker.rstrip()]:
            yield Text(line, style=self.style, no_wrap=True, overflow="fold")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        longest = max((len(w) for w in self.text.split()), default=0)
        return Measurement(len(self.marker) + longest, len(self.marker) + len(self.text))


def bullet(text: str, indent: int = 2, style: str = "") -> Hanging:
    """A list item: ``- text``, indented by ``indent`` spaces."""
    return Hanging(" " * indent + "- ", text, style)


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
