"""``python -m inoplan``."""

from inoplan.cli import main

if __name__ == "__main__":
    main(prog_name="inoplan")
