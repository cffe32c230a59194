"""What Prefect's temporary server does for one `lkip run`: API requests by route, log records,
events, task-run states, which services ran, and the CPU seconds of the server and of the run.

    .venv/bin/python bench/prefect_cost.py --drop examples/bekasi-setda-2020 [--tree .] [--out X.json]
    .venv/bin/python bench/prefect_cost.py --drop /path/to/city_44_25000

The temporary server is started exactly as `lkip run` starts it (lkip.prefect_env.TemporaryServer
of `--tree`, same environment and settings), except that uvicorn logs at INFO so that its access
log lists every request; then `lkip run` of that tree runs against it as its temporary server
(PREFECT_API_URL + LKIP_TEMPORARY_SERVER=1; the CLI then skips its own start of a server). After
the run: the requests by route (ids replaced by {id}) from the access log, and from the
workspace's Prefect database the rows the run left: flow runs, task runs, states, logs (by logger),
events (by type). The CPU seconds are read with psutil every 0.2 s (the server's at the moment it
answered, and at the end). This is a counting tool, not a timer: the A/B of wall and CPU is
bench/city_tasks.py / bench/latency_ab.py.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ACCESS = re.compile(r'"(GET|POST|PATCH|PUT|DELETE|WebSocket) (\S+)')


def _copy_drop(drop: Path, ws: Path) -> None:
    (ws / "input").mkdir(parents=True)
    if any(p.is_dir() for p in drop.iterdir()):
        for d in drop.iterdir():
            if d.is_dir():
                shutil.copytree(d, ws / "input" / d.name, copy_function=shutil.copy2)
    else:
        for f in drop.glob("*.xlsx"):
            shutil.copy2(f, ws / "input" / f.name)
    old = time.time() - 3600
    for p in (ws / "input").rglob("*"):
        os.utime(p, (old, old))


def _cpu(p: psutil.Process) -> float:
    try:
        t = p.cpu_times()
        return t.user + t.system + t.children_user + t.children_system
    except psutil.Error:
        return 0.0


def _server_process(ws: Path, tree: Path) -> tuple[Any, dict[str, str]]:
    """The temporary server of `tree`, started by its own code with uvicorn at INFO; returns the
    TemporaryServer and the environment `lkip run` needs to use it."""
    sys.path.insert(0, str(tree))
    for k in [k for k in os.environ if k.startswith("PREFECT_")]:
        del os.environ[k]
    from lkip import prefect_env

    prefect_env.configure(ws)
    real_popen = subprocess.Popen

    def popen(cmd, **kw):   # the same command, its access log on
        cmd = [("info" if c == "error" else c) for c in cmd]
        kw["env"] = dict(kw["env"], PREFECT_SERVER_LOGGING_LEVEL="INFO",   # Prefect's config of uvicorn's loggers
                         PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="INFO")
        return real_popen(cmd, **kw)

    prefect_env.subprocess.Popen = popen   # type: ignore[attr-defined]
    try:
        server = prefect_env.start_temporary_server()
    finally:
        prefect_env.subprocess.Popen = real_popen   # type: ignore[attr-defined]
    env = dict(os.environ, PYTHONPATH=str(tree), LKIP_TEMPORARY_SERVER="1")
    return server, env


def measure(drop: Path, tree: Path, keep: Path | None = None) -> dict[str, Any]:
    ws = Path(tempfile.mkdtemp(prefix="lkip-prefect-cost-"))
    try:
        _copy_drop(drop, ws)
        t0 = time.perf_counter()
        server, env = _server_process(ws, tree)
        sp = psutil.Process(server.process.pid)
        server.wait_ready()
        ready = time.perf_counter() - t0
        cpu_server_ready = _cpu(sp)
        services = _services(server.process.pid)
        cmd = [sys.executable, "-c", "import sys; from lkip.cli import app; sys.argv[0] = 'lkip'; app()",
               "run", "--workspace", str(ws), "--no-progress"]
        t = time.perf_counter()
        run = subprocess.Popen(cmd, env=env, cwd=str(tree), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        rp = psutil.Process(run.pid)
        cpu_run, cpu_server = 0.0, cpu_server_ready
        while run.poll() is None:
            try:
                kids = [rp] + rp.children(recursive=True)
                cpu_run = max(cpu_run, sum(_cpu(p) for p in kids if p.pid != sp.pid))
            except psutil.Error:
                pass
            cpu_server = max(cpu_server, _cpu(sp))
            time.sleep(0.2)
        wall = time.perf_counter() - t
        out = run.stdout.read() if run.stdout else ""
        time.sleep(1.0)   # what the server still has to record (events, logs) after the run
        cpu_server = max(cpu_server, _cpu(sp))
        server.stop()
        log = server.log_path.read_text(encoding="utf-8", errors="replace")
        routes = collections.Counter()
        for m in ACCESS.finditer(log):
            routes[f"{m.group(1)} {UUID.sub('{id}', m.group(2))}"] += 1
        res = {"drop": drop.name, "tree": str(tree), "returncode": run.returncode, "wall_run": wall,
               "server_ready_s": ready, "cpu_server_at_ready": cpu_server_ready, "cpu_server_total": cpu_server,
               "cpu_run": cpu_run, "services": services, "requests": sum(routes.values()),
               "routes": dict(routes.most_common()), **_database(ws / ".prefect" / "prefect.db"),
               "tail": out[-1200:] if run.returncode not in (0, 3) else ""}
        if keep:
            shutil.copy2(ws / ".prefect" / "prefect.db", keep)
        return res
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def _services(pid: int) -> list[str]:
    """The server's enabled services as its own settings say (same environment as the process)."""
    env = psutil.Process(pid).environ()
    code = ("import json; from prefect.server.services.base import RunInEphemeralServers as S;"
            "from prefect.server.services.perpetual_services import get_perpetual_services as g;"
            "import prefect.server.api.background_workers, prefect.server.services.telemetry;"
            "print(json.dumps([c.__name__ for c in S.enabled_services()] +"
            " [p.function.__name__ for p in g(ephemeral=True) if p.enabled_getter()]))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return [out.stderr[-300:]]


def _database(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(str(db))
    try:
        q = lambda sql: con.execute(sql).fetchall()   # noqa: E731
        res: dict[str, Any] = {
            "flow_runs": q("select count(*) from flow_run")[0][0],
            "flow_run_states": dict(q("select name, count(*) from flow_run_state group by 1")),
            "task_runs": q("select count(*) from task_run")[0][0],
            "task_run_final_states": dict(q("select state_name, count(*) from task_run group by 1")),
            "task_run_states": dict(q("select name, count(*) from task_run_state group by 1")),
            "logs": q("select count(*) from log")[0][0],
            "logs_by_logger": dict(q("select name, count(*) from log group by 1 order by 2 desc")),
            "logs_of_tasks": q("select count(*) from log where task_run_id is not null")[0][0],
            "logs_by_shape": dict(collections.Counter(
                re.sub(r"[\d.,]+", "N", re.sub(r"\S+\.xls[xm]?\b", "<file>", m))[:70]
                for (m,) in q("select message from log")).most_common(12)),
        }
        tables = {r[0] for r in q("select name from sqlite_master where type='table'")}
        if "events" in tables:
            res["events"] = q("select count(*) from events")[0][0]
            res["events_by_type"] = dict(q("select event, count(*) from events group by 1 order by 2 desc"))
        if "event_resources" in tables:
            res["event_resources"] = q("select count(*) from event_resources")[0][0]
        return res
    finally:
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--drop", type=Path, required=True)
    ap.add_argument("--tree", type=Path, default=ROOT)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    res = measure(a.drop.resolve(), a.tree.resolve())
    text = json.dumps(res, indent=1, default=str)
    if a.out:
        a.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
