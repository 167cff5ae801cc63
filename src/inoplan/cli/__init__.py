"""The ``inoplan`` command line (Typer): the app, the commands, completion, start-up."""
