"""Child process for test_kill_resume: review headless, accept changes one by one, forever.

Prints the finding id after each decision has returned (so it is committed);
the test SIGKILLs this process mid-review and checks that nothing printed
is missing from the session.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from scrubber.review.app import ReviewApp
from scrubber.session import Session


async def main(path: Path) -> None:
    app = ReviewApp(Session(path))
    async with app.run_test(size=(100, 30)) as pilot:
        while True:
            row = app.screen.row
            await pilot.press("y" if row is not None and not row.is_flag else "d")
            await pilot.pause()
            print(row.id if row else -1, flush=True)
            if app.screen.query_one("ChangeList").cursor >= len(app.model.order) - 1:
                await pilot.press("k", "k", "k")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
