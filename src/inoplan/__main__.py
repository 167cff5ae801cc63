"""``python -m inoplan``, and the ``inoplan`` command (see ``[project.scripts]``)."""

from __future__ import annotations

#: Allocations between two collections of the youngest generation (Python's
#: default is 700).
YOUNG_GENERATION = 50_000


def run() -> None:
    """Start the command line.

    Meant for a fresh process: only the command named on the command line is
    loaded (see :data:`inoplan.cli.entry_argv`). Importing Typer and the
    commands allocates many long-lived objects, and the cyclic garbage
    collector would scan them several times over for nothing: it is paused
    while they load, and what they made is frozen out of its way, which saves a
    few milliseconds at every start. Collection is on again before any command
    runs, with a larger first generation (:data:`YOUNG_GENERATION`): a
    one-plan command then collects rarely or never, and a batch of thousands
    still collects as it goes, so its memory stays flat. What the command made
    is frozen as it ends, so the collection at exit has nothing to scan.
    """
    import gc
    import sys

    import inoplan.cli

    inoplan.cli.entry_argv = sys.argv[1:]  # load only the command asked for
    gc.disable()
    try:
        from inoplan.cli.app import main
    finally:
        inoplan.cli.entry_argv = None
        gc.freeze()
        gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
        gc.enable()
    try:
        main(prog_name="inoplan")
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
