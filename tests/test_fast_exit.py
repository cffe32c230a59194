"""`lkip run` ends without the interpreter's teardown once its command is done (lkip.fast_exit),
only in the `lkip` program, with the command's exit status and after every exit handler."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from lkip import fast_exit

PROGRAM = """
import atexit, sys
from lkip import fast_exit

class Teardown:
    def __del__(self):
        print("teardown", flush=True)

keep = Teardown()  # freed only by the interpreter's teardown
fast_exit.arm()
atexit.register(lambda: print("handler registered later ran", flush=True))
print("work done", flush=True)
if sys.argv[1] == "done":
    sys.exit(fast_exit.done(3))
raise SystemExit(5)  # ended without done(): the normal shutdown
"""


def _run(tmp_path, name: str, how: str, env: dict | None = None):
    script = tmp_path / name
    script.write_text(PROGRAM, encoding="utf-8")
    return subprocess.run([sys.executable, str(script), how], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)


def test_the_lkip_program_skips_the_teardown_with_its_exit_status(tmp_path):
    r = _run(tmp_path, "lkip", "done")
    assert r.returncode == 3
    assert r.stdout.splitlines() == ["work done", "handler registered later ran"]


@pytest.mark.parametrize("name, how, env", [
    ("lkip", "raise", None),                     # the command did not say it is done
    ("host.py", "done", None),                   # another program hosting the CLI (a test runner)
    ("lkip", "done", {"LKIP_FAST_EXIT": "0"}),   # turned off
])
def test_otherwise_the_normal_shutdown(tmp_path, name, how, env):
    r = _run(tmp_path, name, how, env)
    assert r.returncode == (3 if how == "done" else 5)
    assert r.stdout.splitlines() == ["work done", "handler registered later ran", "teardown"]


def test_not_armed_inside_this_test_process():
    assert not fast_exit.is_lkip_program()
    assert fast_exit.arm() is False
