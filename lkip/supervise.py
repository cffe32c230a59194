"""Child processes that never outlive the lkip command that started them.

Stopping `lkip prefect-server` or `lkip serve` by its PID (systemd, Task Scheduler, `kill`) must
stop everything it started, or the port stays taken and the next start fails. Two mechanisms,
the ones `lkip run` already uses for its temporary Prefect server (lkip.prefect_env):

- `run_supervised(cmd)`: the child runs in its own process group; SIGTERM, SIGINT and SIGHUP sent
  to lkip are forwarded to it (once: a Ctrl+C in a terminal does not reach it twice), lkip waits
  for it and exits with its status;
- parent-death signal (Linux `prctl(PR_SET_PDEATHSIG)`): the kernel sends SIGTERM to the child
  when lkip dies, even by SIGKILL. `run_supervised` sets it between fork and exec; processes lkip
  does not start itself (the flow runs Prefect's runner starts for `lkip serve`) set it on
  themselves with `die_with_parent_from_env()`, when their parent's PID is in `LKIP_PARENT_PID`.

On other systems only the forwarding applies (Windows: Task Scheduler ends the whole job).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

PARENT_ENV = "LKIP_PARENT_PID"
PR_SET_PDEATHSIG = 1
FORWARDED = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n))


def set_parent_death_signal(sig: int = signal.SIGTERM) -> bool:
    """Ask the kernel to send `sig` to this process when its parent dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except Exception:
        return False


def mark_as_parent() -> None:
    """Processes started from here on (at any depth, through the environment) know lkip's PID."""
    os.environ[PARENT_ENV] = str(os.getpid())


def die_with_parent_from_env() -> bool:
    """In a direct child of the process named by LKIP_PARENT_PID: die with it. Returns True if set."""
    want = os.environ.get(PARENT_ENV, "")
    if not want.isdigit() or os.getppid() != int(want):
        return False  # not started by it (the command itself, or a grandchild)
    done = set_parent_death_signal()
    if done and os.getppid() != int(want):  # the parent died before prctl: act as the kernel would
        os.kill(os.getpid(), signal.SIGTERM)
    return done


def run_supervised(cmd: list[str], env: dict[str, str] | None = None, grace_seconds: float = 20.0) -> int:
    """Run `cmd` as a child bound to this process; returns its exit status (128+N if killed by N)."""
    parent = os.getpid()
    kwargs: dict = {"env": env}
    if os.name == "posix":
        kwargs["process_group"] = 0
    if sys.platform.startswith("linux"):
        def _preexec() -> None:  # in the child, between fork and exec
            # A signal we forward must not be ignored by the child: started in the background of a
            # non-interactive shell (or under a test runner's worker) SIGINT is inherited ignored.
            for sig in FORWARDED:
                signal.signal(sig, signal.SIG_DFL)
            set_parent_death_signal()
            if os.getppid() != parent:
                os._exit(1)

        kwargs["preexec_fn"] = _preexec
    elif os.name == "nt":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    proc = subprocess.Popen(cmd, **kwargs)

    def forward(signum, _frame) -> None:
        if proc.poll() is None:
            try:
                proc.send_signal(signum)
            except (ProcessLookupError, OSError):
                pass

    previous = {}
    for sig in FORWARDED:
        try:
            previous[sig] = signal.signal(sig, forward)
        except (ValueError, OSError):  # not the main thread
            pass
    try:
        code = proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:  # we are leaving for another reason: never leave it behind
            proc.terminate()
            try:
                proc.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return code if code >= 0 else 128 - code
