"""A Rich progress bar for long runs, drawn on stderr (imported only when drawn)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Rows per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f} rows/s", style="progress.data.speed")


@contextmanager
def batch_progress(total: int) -> Iterator[Callable[[bool], None]]:
    """A bar of ``total`` rows; yields ``advance(ok)``, to call after each row."""
    console = Console(stderr=True)
    rejected = 0
    with Progress(
        TextColumn("planning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rejected]}"),
        RateColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("batch", total=total, rejected="")

        def advance(ok: bool) -> None:
            nonlocal rejected
            if not ok:
                rejected += 1
            progress.update(task, advance=1, rejected=f"{rejected} rejected" if rejected else "")

        yield advance
