"""Shared helpers of the flow / reliability / server tests: real `lkip` processes on a copy of the
bundled example, a digest of the warehouse, and the file-conservation check."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_INPUT = ROOT / "examples" / "bekasi-setda-2020" / "input"
LKIP = [sys.executable, "-m", "lkip.cli"] if not (Path(sys.executable).parent / "lkip").exists() else [
    str(Path(sys.executable).parent / "lkip")
]
PREFECT = str(Path(sys.executable).parent / "prefect")

# Columns that legitimately differ between two runs that staged the same bytes.
VOLATILE = {"run_id", "staged_at", "started_at", "finished_at", "archived_path", "archived_to", "created_at",
            "updated_at", "dibuat", "loaded_at"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_workspace(path: Path, toml: str = "", files: list[Path] | None = None) -> Path:
    (path / "input").mkdir(parents=True, exist_ok=True)
    for f in files if files is not None else sorted(EXAMPLE_INPUT.glob("*.xlsx")):
        shutil.copy2(f, path / "input" / f.name)  # copy2 keeps the old mtime: files count as settled
    (path / "lkip.toml").write_text("[watch]\nstable_seconds = 1\n" + toml, encoding="utf-8")
    return path


def lkip_env(extra: dict | None = None, api_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.pop("LKIP_TEMPORARY_SERVER", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra or {})
    return env


def start_lkip(args: list[str], env: dict, **kw) -> subprocess.Popen:
    return subprocess.Popen(LKIP + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kw)


def kill_group(p: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass


def stop_process(p: subprocess.Popen) -> tuple[str, str]:
    """SIGTERM to the group, then SIGKILL if it has not gone within 20 s; its output."""
    kill_group(p, signal.SIGTERM)
    try:
        p.wait(timeout=20)
    except Exception:
        kill_group(p)
    return p.communicate()


def wait_for(predicate, seconds: float, what: str, proc: subprocess.Popen | None = None):
    """Poll `predicate` each second until it returns something truthy; fail if `proc` dies first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = predicate()
        if got:
            return got
        if proc is not None:
            assert proc.poll() is None, (what, stop_process(proc))
        time.sleep(1)
    raise AssertionError(f"timed out: {what}")


def create_flow_run(api, deployment_id: str, parameters: dict, serve: subprocess.Popen) -> dict:
    """Create a flow run of the deployment through the API. A loaded CI machine has answered 5xx
    here while `lkip serve` and the server's scheduler were writing the same SQLite database:
    those are retried for 90 s; any other answer than 201 fails at once, showing the server's."""
    answers: list[tuple[int, str]] = []

    def attempt():
        r = api.post(f"/deployments/{deployment_id}/create_flow_run", json={"parameters": parameters})
        answers.append((r.status_code, r.text[:500]))
        if r.status_code >= 500:
            return None
        assert r.status_code == 201, answers[-1]
        return r.json()

    try:
        return wait_for(attempt, 90, "flow run created", serve)
    except AssertionError as e:
        raise AssertionError(f"{e}; last answers: {answers[-3:]}") from None


def flow_run_final_state(api, run_id: str) -> str | None:
    state = api.get(f"/flow_runs/{run_id}").json()["state"]["type"]
    return state if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None


def run_lkip(args: list[str], env: dict, timeout: float = 240) -> subprocess.CompletedProcess:
    p = start_lkip(args, env)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, err = p.communicate()
        raise AssertionError(f"lkip {args} did not finish in {timeout} s\n{out}\n{err}")
    finally:
        kill_group(p)  # any child left behind (a temporary server) goes with it
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_inventory(ws: Path) -> Counter:
    """sha256 of every data file under input/ (drop folder, processed/, rejected/)."""
    c: Counter = Counter()
    for p in (ws / "input").rglob("*"):
        if p.is_file() and not p.name.endswith((".errors.xlsx", ".errors.txt")):
            c[sha(p)] += 1
    return c


def assert_files_conserved(ws: Path, original: Counter) -> None:
    now = input_inventory(ws)
    assert now == original, f"input files lost or duplicated: missing={original - now} extra={now - original}"


def _canon(v):
    # Floats to 12 significant digits: DuckDB's parallel sums may differ in the last bit between
    # two loads of the same rows (physical order); that is not a lost or changed row.
    if v is None:
        return None
    if isinstance(v, float):
        return f"{v:.12g}"
    return str(v)


def warehouse_digest(ws: Path) -> dict[str, str]:
    """Per staging table and laporan view: row count and a hash of the sorted rows (volatile columns out)."""
    import duckdb

    con = duckdb.connect(str(ws / "output" / "lkip.duckdb"), read_only=True)
    try:
        rels = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('staging', 'laporan', 'core') order by 1, 2"
        ).fetchall()
        out = {}
        for schema, name in rels:
            cols = [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, name]).fetchall()]
            keep = [c for c in cols if c.lower() not in VOLATILE]
            if not keep:
                continue
            rows = con.execute(f'select {", ".join(chr(34) + c + chr(34) for c in keep)} from "{schema}"."{name}"').fetchall()
            text = sorted(json.dumps([_canon(v) for v in r]) for r in rows)
            out[f"{schema}.{name}"] = f"{len(rows)}:{hashlib.sha256(chr(10).join(text).encode()).hexdigest()[:16]}"
        files = con.execute(
            "select file_sha256, outcome from meta.files where superseded_by is null order by 1"
        ).fetchall()
        out["meta.files"] = hashlib.sha256(repr(files).encode()).hexdigest()[:16]
        return out
    finally:
        con.close()


def csv_digest(ws: Path) -> dict[str, str]:
    """Per published CSV: a hash of its cells, decimals compared to 12 significant digits."""
    import csv

    out = ws / "output"
    res = {}
    for p in sorted(out.rglob("*.csv")):
        with open(p, newline="", encoding="utf-8-sig") as f:
            sep = ";" if ";" in f.readline() else ","  # officers' files: ';' with decimal comma
            f.seek(0)
            rows = [[_canon_cell(c.replace(",", ".") if sep == ";" else c) for c in row]
                    for row in csv.reader(f, delimiter=sep)]
        res[str(p.relative_to(out))] = hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]
    return res


def _canon_cell(c: str) -> str:
    if "." in c or "e" in c.lower():
        try:
            return f"{float(c):.12g}"
        except ValueError:
            pass
    return c


def assert_outputs_whole(ws: Path) -> None:
    """Every published workbook/document opens as a zip; no temporary file is left behind."""
    import zipfile

    out = ws / "output"
    for p in out.rglob("*"):
        if not p.is_file():
            continue
        assert not p.name.endswith((".tmp", ".part")), f"temporary file left: {p}"
        if p.suffix in (".xlsx", ".docx"):
            assert zipfile.is_zipfile(p), f"half-written output: {p}"


def run_reports(ws: Path) -> list[dict]:
    d = ws / "output" / "runs"
    return [json.loads(p.read_text()) for p in sorted(d.glob("*.json"))] if d.is_dir() else []


class PrefectServer:
    """A real `prefect server start` on loopback with its state in `home` (for tests)."""

    def __init__(self, home: Path):
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        env = lkip_env({
            "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_UI_ENABLED": "false", "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
            # plan scheduled runs within seconds of a deployment appearing (tests look at them)
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
            "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "2",
        })
        home.mkdir(parents=True, exist_ok=True)
        self.log = open(home / "server.log", "w")
        self.proc = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(self.port), "--analytics-off"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 120) -> None:
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prefect server exited: {(self.home / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("prefect server did not start")

    def stop(self) -> None:
        kill_group(self.proc, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill_group(self.proc)
            self.proc.wait()
        self.log.close()
