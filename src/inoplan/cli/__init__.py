"""The ``inoplan`` command line (Typer): the app, the commands, completion, start-up."""

#: The words after ``inoplan`` when the ``inoplan`` program is starting (set by
#: :func:`inoplan.__main__.run` before it loads the app), else ``None``. When
#: they name a command, :mod:`inoplan.cli.app` loads only that command's module;
#: imported any other way, the app has every command.
entry_argv: list[str] | None = None
