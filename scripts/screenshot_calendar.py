"""Redraw docs/calendar-month.png: the first month of the README's worked example.

Run on purpose after changing the calendar's look (needs Chromium):

    python scripts/screenshot_calendar.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

from inoplan.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "calendar-month.png"
ARGS = [
    "schedule",
    "--start",
    "2026-12-01",
    "--height",
    "170",
    "--weight",
    "70",
    "--response",
    "cr",
    "--patient-id",
    "MRN-0042",
    "--format",
    "html",
]


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found (Debian: apt-get install chromium)", file=sys.stderr)
        return 1
    result = CliRunner().invoke(app, [*ARGS, "-o", "-"], prog_name="inoplan")
    if result.exit_code != 0:
        print(result.stderr, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "calendar.html"
        page.write_text(result.stdout, encoding="utf-8")
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={Path(tmp) / 'profile'}",
                "--window-size=740,880",
                f"--screenshot={TARGET}",
                page.as_uri(),
            ],
            capture_output=True,
            check=True,
            timeout=180,
        )
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
