"""``python -m inoplan``, and the ``inoplan`` command (see ``[project.scripts]``)."""

from __future__ import annotations

from typing import NoReturn

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
    is frozen as it ends, and the process leaves by :func:`leave`.
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
    except SystemExit as e:
        code = e.code
    else:
        code = 0
    finally:
        gc.freeze()
    leave(code)


def leave(code: object) -> NoReturn:
    """End the process with exit status ``code`` once the command is done.

    Python's own exit takes every module and object apart one by one, which
    costs a few milliseconds and does nothing a finished command needs. This
    runs what registered to run at exit (``atexit``: coverage, multiprocessing),
    flushes standard output and error, and ends the process there. Files are
    not at stake: every file inoplan writes (:mod:`inoplan.files`, the staging
    folder of a batch) is closed and synced before the command returns; no
    file waits for the exit to be closed. Python's own exit
    is kept where it does more: a thread still running, an exit status that is
    not a number, an output that cannot be flushed other than to a closed pipe.
    """
    import atexit
    import os
    import sys

    threading = sys.modules.get("threading")
    if not isinstance(code, (int, type(None))) or (threading and threading.active_count() > 1):
        raise SystemExit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            pass  # the reader went away (`| head`): stop quietly, as Unix tools do
        except (OSError, ValueError):
            raise SystemExit(code) from None
    os._exit(code or 0)


if __name__ == "__main__":
    run()
