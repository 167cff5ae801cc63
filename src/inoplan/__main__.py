"""``python -m inoplan``, and the ``inoplan`` command (see ``[project.scripts]``)."""

from __future__ import annotations


def run() -> None:
    """Start the command line.

    Meant for a fresh process: only the command named on the command line is
    loaded (see :data:`inoplan.cli.entry_argv`). Importing Typer and the
    commands allocates many long-lived objects, and the cyclic garbage
    collector would scan them several times over for nothing: it is paused
    while they load, and what they made is frozen out of its way, which saves a
    few milliseconds at every start. Collection is on again before any command
    runs.
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
        gc.enable()
    main(prog_name="inoplan")


if __name__ == "__main__":
    run()
