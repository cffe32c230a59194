"""End an `lkip run` process as soon as its work is done, without the interpreter's teardown.

After a run, Python's own shutdown (freeing every module of Prefect, pandas, DuckDB, matplotlib
and their objects) takes 0,5-1 s of the officer's wait and does nothing useful: the warehouse
connection is closed, the outputs are written and renamed, the lock is released. `arm()` (called
before Prefect is imported) registers an exit handler that runs after every other one (Prefect's
log and event flush, the temporary server's stop, logging's own flush, which it calls itself),
then ends the process with the command's exit status (`os._exit`). It only acts when the command
said it is done (`done(code)`) and only in the `lkip` program itself: a test runner or another
program calling the CLI in-process keeps its normal shutdown. `LKIP_FAST_EXIT=0` turns it off.
"""

from __future__ import annotations

import atexit
import os
import sys

_state: dict[str, int | bool | None] = {"armed": False, "code": None}


def is_lkip_program() -> bool:
    """Whether this process is the `lkip` command (its console script), not a host of the CLI."""
    if os.environ.get("LKIP_FAST_EXIT", "1").strip().lower() in ("0", "false", "no"):
        return False
    name = os.path.basename(sys.argv[0] if sys.argv else "").lower()
    return name.removesuffix(".exe") == "lkip"


def arm() -> bool:
    """Register the handler (once), before the libraries register theirs. True when armed."""
    if not _state["armed"] and is_lkip_program():
        atexit.register(_exit_now)
        _state["armed"] = True
    return bool(_state["armed"])


def done(code: int) -> int:
    """The command ends with `code`: the handler may skip the teardown. Returns `code`."""
    _state["code"] = int(code)
    return int(code)


def _exit_now() -> None:
    code = _state["code"]
    if code is None:  # ended some other way (an exception, Ctrl+C): the normal shutdown
        return
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(int(code))
