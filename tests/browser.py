"""What every browser test shares: Debian's chromium, headless, never a downloaded browser,
against the live server; skipped, visibly, where chromium is not installed."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BROWSER_TEST = [
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium)",
    ),
    # The live server reads the data from another thread: commit it, and restore the
    # migrations' seed data (categories, SLA policies) afterwards.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # WhiteNoise looks for collected files; the live server serves them from the finders.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]
