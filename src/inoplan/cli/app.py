"""The ``inoplan`` Typer app: the error boundary, the entry point, the root options.

Each command lives in its own module (``inoplan.cli.schedule`` and so on),
imported at the end of this one. Errors are handled once, in
:class:`InoplanGroup.main`: a one-line message on stderr naming the option,
and exit status 2 for bad input or usage (1 only where a command documents
it, 0 otherwise). No traceback reaches a user.
"""

# No ``from __future__ import annotations`` here: Typer reads the annotations of
# the command it runs at each start, and real objects save it compiling and
# evaluating strings (2 ms for schedule).
import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from inoplan import __version__
from inoplan.domain.errors import InoplanError

PROG = "inoplan"


class ExitStatus:
    """The only exit statuses inoplan uses."""

    OK = 0
    REJECTED = 1  # some batch rows rejected; verify found a difference
    USAGE = 2  # bad input, or a request the rules forbid


def _one_line(message: str) -> str:
    """``message`` on one line, without terminal control characters."""
    import re

    line = " ".join(message.split())
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m[0]):02x}", line)


def _say(line: str) -> None:
    """Write one line on stderr, if there is a stderr to write to."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        pass  # stderr closed: the exit status still tells


def _fail(message: str, status: int = ExitStatus.USAGE) -> NoReturn:
    _say(f"{PROG}: error: {_one_line(message)}")
    sys.exit(status)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests); nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def interrupted(by: BaseException | None = None) -> NoReturn:  # pragma: no cover - dies here
    """End the process the way the signal would have, after inoplan has cleaned up.

    Dying of SIGINT (Ctrl-C) or SIGTERM (rather than exiting with a status of
    our own) lets a calling shell script stop too, and keeps inoplan's exit
    statuses to 0, 1 and 2. Called by the entry points only: in-process
    callers (tests, Python code) get the ``KeyboardInterrupt`` (``Terminated``
    for SIGTERM). See tests/test_output.py and tests/test_batch_whole.py.
    """
    import signal

    from inoplan.domain.errors import Terminated

    signum = signal.SIGTERM if isinstance(by, Terminated) else signal.SIGINT
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    sys.exit(ExitStatus.USAGE)  # where the signal cannot kill


def _on_sigterm(signum: int, frame: object) -> None:
    from inoplan.domain.errors import Terminated

    raise Terminated


def handle_sigterm() -> None:
    """Make SIGTERM raise :class:`~inoplan.domain.errors.Terminated` where the process is.

    Without it SIGTERM kills at once: no clean-up, a batch run's worker
    processes orphaned. With it, SIGTERM takes the path of Ctrl-C: temporary
    files and staging folders are removed, worker processes stopped, then
    :func:`interrupted` ends the process by SIGTERM.
    """
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)


class _Escape(BaseException):
    """Ctrl-C or a closed pipe, carried past Typer's own handlers."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(original)
        self.original = original


_TYPER_INTERRUPTED = 130  # what Typer returns for Ctrl-C outside a command


def _interrupted_message(by: BaseException | None = None) -> None:
    # Files are written atomically and a batch run in a staging folder, which
    # are removed before this is said: nothing partial is left.
    from inoplan.domain.errors import Terminated

    what = "terminated" if isinstance(by, Terminated) else "interrupted"
    _say(f"{PROG}: {what}; no partial file was left")


class InoplanGroup(TyperGroup):
    """The one error boundary: every command runs inside :meth:`main`."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from inoplan.cli import typer_speedups

        typer_speedups.install(self, recurse=False)  # keeps pydantic out of start-up
        prog_name = prog_name or PROG
        if complete_var is None:
            complete_var = f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        if os.environ.get(complete_var):
            # A Tab press: set up to answer without Rich or pydantic value checks.
            typer_speedups.prepare_completion()
        try:
            rv = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
        except InoplanError as e:
            _fail(e.message, e.exit_code)
        except typer_speedups.NoArgsIsHelpError as e:
            typer.echo(e.format_message())
            sys.exit(ExitStatus.USAGE)
        except typer.TyperException as e:  # Click's usage errors
            _fail(e.format_message().replace("Value error, ", ""), ExitStatus.USAGE)
        except _Escape as e:
            if isinstance(e.original, BrokenPipeError):
                # A reader such as `head` went away: stop quietly, as Unix tools do.
                _silence_stdout()
                sys.exit(ExitStatus.OK)
            _interrupted_message(e.original)
            raise e.original from None
        except typer.Abort:  # end of input at a prompt
            _interrupted_message()
            raise KeyboardInterrupt from None
        except OSError as e:
            # Standard output failed (a full disk, a closed terminal), or a file
            # a command did not check itself; --output files are named by files.py.
            _silence_stdout()
            if e.filename:
                _fail(f"{e.filename}: {e.strerror or e}")
            _fail(f"reading or writing failed: {e.strerror or e}")
        except Exception as e:
            # A bug: one line, no traceback (locals can hold patient data).
            _fail(f"internal error ({type(e).__name__}: {e}); please report it")
        if rv == _TYPER_INTERRUPTED:  # Ctrl-C while Typer parsed the options
            _interrupted_message()
            raise KeyboardInterrupt
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else ExitStatus.OK)

    def invoke(self, ctx: Any) -> Any:
        # Typer turns Ctrl-C into exit status 130 and a closed pipe into 1;
        # carry both past it to main() above, which keeps to 0, 1 and 2.
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, BrokenPipeError) as e:
            raise _Escape(e) from None

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            from inoplan.cli import typer_speedups

            typer_speedups.install(command, ctx)  # only the command that runs
            typer_speedups.tidy_help(command)
        return name, command, rest


app = typer.Typer(
    cls=InoplanGroup,
    name=PROG,
    help="Plan inotuzumab ozogamicin (BESPONSA) treatment cycles: BSA doses, dates, reminders.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def main(prog_name: str = PROG) -> None:
    """Entry point: the app, with Ctrl-C ending the process as SIGINT does."""
    from inoplan.cli import typer_speedups

    restore = typer_speedups.only_the_command_asked_for(app, sys.argv[1:])
    handle_sigterm()
    try:
        app(prog_name=prog_name)
    except KeyboardInterrupt as e:  # pragma: no cover - the process dies (see test_output)
        interrupted(e)
    finally:
        restore()


def _version(value: bool) -> None:
    if value:
        from inoplan.domain.rules import LABEL_REVISION

        typer.echo(f"{PROG} {__version__} (rules: {LABEL_REVISION})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Plan inotuzumab ozogamicin (BESPONSA) treatment cycles.

    Decision support only: check every dose and date against the current
    prescribing information.
    """


# Each command lives in its own module, named as the command, and registers
# itself on ``app`` when imported. They are imported here, in the order the help
# lists them: a new command module is added to this list.
COMMAND_MODULES = (
    "schedule",
    "replan",
    "bsa",
    "prep",
    "worklist",
    "check",
    "verify",
    "batch",
    "balance",
)


def _import_commands() -> None:
    """Import the command modules: all, or only the one the ``inoplan`` program runs.

    A run uses one command, and each module costs start-up time to load, so
    when the program starts with a command's name (see
    :data:`inoplan.cli.entry_argv`) only that command is loaded, and for
    ``inoplan --version`` none. Help, a mistyped command, a Tab press before
    the command is typed in full, and any other import of this module load
    them all.
    """
    from importlib import import_module

    import inoplan.cli

    names: tuple[str, ...] = COMMAND_MODULES
    if inoplan.cli.entry_argv is not None:
        from inoplan.cli.typer_speedups import command_word

        word = command_word(inoplan.cli.entry_argv)
        if word in COMMAND_MODULES:
            names = (word,)
        elif inoplan.cli.entry_argv == ["--version"]:
            names = ()  # answered by the root option before any command
    for name in names:
        import_module(f"inoplan.cli.{name}")


_import_commands()
