"""The checkpoint that closes the warehouse at the end of a run: row groups merged at every
checkpoint, as DuckDB does and lkip did (A: `[warehouse] merge_row_groups_every = 1`), against the
default (B: only every 20th run's checkpoints merge, lkip/checkpoint_vacuum.py), on the 44-SKPD city
drop.

    .venv/bin/python bench/checkpoint_ab.py --rounds 5 --out bench/results/2026-12-08-checkpoint.md

1. A city workspace (the drop's 44 folders in input/, mtimes an hour back) gets one `lkip run`
   whose warehouse connections skip the checkpoint at close (`PRAGMA
   disable_checkpoint_on_shutdown`): the database file and its write-ahead log are what a run's
   close starts from ("full").
2. For A and for B, a copy of that workspace with the setting in its lkip.toml: its warehouse is
   closed once (the full run's close, with that setting), then SKPD 4.01.03 drops a corrected
   register (bench/generate.py `write_redrop`) and `lkip run` runs again, its close skipped as
   above ("re-drop 1"); closed, then a second corrected register ("re-drop 2": a later run, as
   inside `lkip watch`).
3. Rounds, the arms alternating (forward, then backward): a fresh process copies one snapshot,
   opens it with `lkip.stage.connect` (the log is replayed: not timed) and times `con.close()`,
   wall and CPU seconds (the process's user+sys, DuckDB's threads included); then the row groups
   of raw.baris and the time to scan it and staging.register_sp2d. The arms: A on A's snapshots,
   B on B's, and "B merging": B's snapshots closed by a run that merges (what every 20th run pays).

After the rounds, every table's contents are compared between A and B (row count and a sum of
row hashes after each close; meta, which holds run ids and times, left out, and in the others the
columns run_id, staged_at and file_sha256: the re-dropped workbooks of A and B differ in their
creation time), and the CSVs both re-drop workspaces published, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from city_run import _settle  # noqa: E402
from run_bench import hardware, run_child, write_result  # noqa: E402

SETTINGS = {"A": 1, "B": 20}           # merge_row_groups_every; A: every run (as before); B: the default
ARMS = {"A": ("A", 1), "B": ("B", 20), "B merging": ("B", 1)}     # snapshots of, setting at the close
NAMES = {"A": "merge_row_groups_every = 1 (DuckDB's way, as before)",
         "B": "merge_row_groups_every = 20 (the default; these runs do not merge)",
         "B merging": "B's warehouse closed by a run that merges (every 20th run)"}
SNAPSHOTS = ("full", "redrop1", "redrop2")
WAREHOUSE = ("lkip.duckdb", "lkip.duckdb.wal")


def _toml(every: int) -> str:
    return f"[warehouse]\nmerge_row_groups_every = {every}\n"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# ---- children --------------------------------------------------------------------------------


def lkip_without_checkpoint(args: list[str]) -> int:
    """`lkip <args>` whose writing warehouse connections leave their write-ahead log at close."""
    from lkip import stage

    connect = stage.connect

    def no_checkpoint(*a: Any, **k: Any):
        con = connect(*a, **k)
        if not k.get("read_only", len(a) > 2 and a[2]):
            con.execute("PRAGMA disable_checkpoint_on_shutdown")
        return con

    stage.connect = no_checkpoint
    from lkip.cli import app

    sys.argv = ["lkip", *args]
    return app()


def close_child(snapshot: Path, every: int) -> int:
    """Copy the snapshot, open it as a run does, time the close; JSON on stdout."""
    from lkip import stage
    from lkip.config import load_config

    work = Path(tempfile.mkdtemp(prefix="lkip-ckpt-"))
    try:
        for name in WAREHOUSE:
            shutil.copyfile(snapshot / name, work / name)
        (work / "lkip.toml").write_text(_toml(every))
        cfg = load_config(workspace=work)
        t, c = time.perf_counter(), _cpu()
        con = stage.connect(cfg, path=work / "lkip.duckdb")
        opened = {"wall": time.perf_counter() - t, "cpu": _cpu() - c}
        t, c = time.perf_counter(), _cpu()
        con.close()
        res: dict[str, Any] = {"close_wall": time.perf_counter() - t, "close_cpu": _cpu() - c, "open": opened,
                               "wal_bytes": (snapshot / WAREHOUSE[1]).stat().st_size,
                               "db_bytes": (work / WAREHOUSE[0]).stat().st_size}
        res.update(_layout_and_reads(work / "lkip.duckdb"))
        print(json.dumps(res))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _layout_and_reads(db: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        out: dict[str, Any] = {"row_groups": {t: con.execute(
            f"SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('{t}')").fetchone()[0]
            for t in ("raw.baris", "staging.register_sp2d", "core.sp2d")}}
        for key, sql in (("scan_raw", "SELECT count(*), sum(strlen(nilai)) FROM raw.baris"),
                         ("scan_register", "SELECT count(*), sum(nilai) FROM staging.register_sp2d")):
            walls = []
            for _ in range(3):
                t = time.perf_counter()
                con.execute(sql).fetchall()
                walls.append(time.perf_counter() - t)
            out[key] = min(walls)
        return out
    finally:
        con.close()


# What differs between two runs of the same files: the run, the time, and the SHA-256 of a
# re-dropped workbook (bench/generate.py writes its creation time into it).
RUN_COLUMNS = {"run_id", "staged_at", "file_sha256"}


def digest_child(db: Path) -> int:
    """Every table's row count and sum of row hashes (RUN_COLUMNS left out); JSON on stdout."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
                             "AND schema_name <> 'meta' ORDER BY 1, 2").fetchall()
        out = {}
        for s, t in tables:
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = ? "
                                              "AND table_name = ? ORDER BY ordinal_position", [s, t]).fetchall()
                    if c not in RUN_COLUMNS]
            rows = f"sum(hash({', '.join(chr(34) + c + chr(34) for c in cols)})::HUGEINT)::VARCHAR" if cols else "0"
            out[f"{s}.{t}"] = list(con.execute(f'SELECT count(*), {rows} FROM "{s}"."{t}"').fetchone())
        print(json.dumps(out))
    finally:
        con.close()
    return 0


# ---- parent ----------------------------------------------------------------------------------


def _lkip(ws: Path, env: dict[str, str], timeout: float) -> dict[str, Any]:
    res = run_child([sys.executable, __file__, "--lkip-no-checkpoint", "run", "--workspace", str(ws), "--no-progress"],
                    timeout, env=env, cwd=ws)
    if res.get("returncode") != 0:
        raise SystemExit(f"lkip run failed in {ws}: {res.get('error')}")
    return res


def _snapshot(ws: Path, dest: Path) -> None:
    dest.mkdir(parents=True)
    for name in WAREHOUSE:
        shutil.copyfile(ws / "output" / name, dest / name)


def _close_once(ws: Path) -> None:
    """The close a run would have done (with the workspace's setting): the next run starts there."""
    subprocess.run([sys.executable, "-c", "import sys; from lkip import stage; from lkip.config import load_config; "
                    "stage.connect(load_config(workspace=sys.argv[1])).close()", str(ws)], check=True)


def _csvs(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*.csv"))}


def prepare(folder: Path, work: Path, env: dict[str, str], timeout: float) -> dict[str, Any]:
    base = work / "ws"
    runs: dict[str, Any] = {}
    if not (work / "snap" / "full").is_dir():       # (kept in --work from an earlier try)
        (base / "input").mkdir(parents=True)
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            shutil.copytree(sub, base / "input" / sub.name)
        _settle(base / "input")
        runs["full"] = _lkip(base, env, timeout)["wall"]
        _snapshot(base, work / "snap" / "full")
    for key, n in SETTINGS.items():
        ws = work / f"ws-{key}"
        shutil.copytree(base, ws)
        (ws / "lkip.toml").write_text(_toml(n))
        for i, fewer in ((1, 25), (2, 40)):
            _close_once(ws)
            generate.write_redrop(ws / "input", 3, 25000, 100, fewer=fewer)
            _settle(ws / "input")
            runs[f"redrop{i}-{key}"] = _lkip(ws, env, timeout)["wall"]
            _snapshot(ws, work / "snap" / f"redrop{i}-{key}")
    return runs


def _snap(work: Path, snapshot: str, key: str) -> Path:
    return work / "snap" / (snapshot if snapshot == "full" else f"{snapshot}-{key}")


def rounds(work: Path, n: int, timeout: float) -> dict[str, dict[str, list[dict[str, Any]]]]:
    got: dict[str, dict[str, list[dict[str, Any]]]] = {s: {k: [] for k in ARMS} for s in SNAPSHOTS}
    for r in range(n):
        order = list(ARMS) if r % 2 == 0 else list(reversed(ARMS))
        for snapshot in SNAPSHOTS:
            for arm in order:
                key, every = ARMS[arm]
                res = run_child([sys.executable, __file__, "--close-child", str(_snap(work, snapshot, key)),
                                 str(every)], timeout)
                if "error" in res:
                    raise SystemExit(f"close child failed: {res['error']}")
                got[snapshot][arm].append(res)
                print(f"round {r + 1} {snapshot} {arm}: close {res['close_wall']:.3f} s wall, "
                      f"{res['close_cpu']:.3f} CPU-s", flush=True)
    return got


def same_contents(work: Path, timeout: float) -> dict[str, bool]:
    """Each snapshot closed with either setting: the same rows in every table (meta left out: it
    holds run ids and times); the CSVs both re-drop workspaces published."""
    out = {}
    for snapshot in SNAPSHOTS:
        digests = []
        for key in SETTINGS:
            closed = work / "closed" / f"{snapshot}-{key}"
            closed.mkdir(parents=True)
            for name in WAREHOUSE:
                shutil.copyfile(_snap(work, snapshot, key) / name, closed / name)
            (closed / "lkip.toml").write_text(_toml(SETTINGS[key]))
            _close_once_at(closed)
            digests.append(run_child([sys.executable, __file__, "--digest-child", str(closed / "lkip.duckdb")],
                                     timeout))
        tables = [{k: v for k, v in d.items() if k not in ("wall", "returncode")} for d in digests]
        out[f"tables after the close, {snapshot}"] = tables[0] == tables[1] and "error" not in tables[0]
    out["CSVs published after re-drop 2"] = _csvs(work / "ws-A" / "output") == _csvs(work / "ws-B" / "output")
    return out


def _close_once_at(folder: Path) -> None:
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from lkip import stage; "
                    "from lkip.config import load_config; "
                    "stage.connect(load_config(workspace=sys.argv[1]), path=Path(sys.argv[1]) / 'lkip.duckdb').close()",
                    str(folder)], check=True)


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def markdown(got: dict[str, Any], runs: dict[str, Any], same: dict[str, bool], n: int, argv: list[str]) -> str:
    hw = hardware()
    lines = [f"# Checkpoint at the close of a run: row-group merges (issue 13), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             "",
             f"Machine: {hw['nproc']} cores, {hw['cpu']}, {hw['ram_gib']} GiB RAM; Python {hw['python']}, "
             f"DuckDB {hw['versions'].get('duckdb')}; load average at end {os.getloadavg()}.",
             "",
             f"Command: `python bench/checkpoint_ab.py {' '.join(argv)}`",
             "",
             "Drop: 44 SKPD × (Renja ~100 kegiatan, register 25 000 rows, form), 132 files. "
             + "; ".join(f"{k}: {v}" for k, v in NAMES.items())
             + f". Each close is timed in a fresh process on a copy of the warehouse as the run left it (database "
             f"file + write-ahead log); {n} rounds, the arms alternating; medians. CPU: user+sys of the process "
             "during `con.close()` (DuckDB's threads included).",
             "",
             "| close after | WAL MB | A wall s | B wall s | B/A wall | A CPU s | B CPU s | B/A CPU | B merging: wall s, CPU s | raw.baris groups A / B |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    labels = {"full": "the full city run", "redrop1": "re-drop 1 (`lkip run`)",
              "redrop2": "re-drop 2 (a later run, as in `lkip watch`)"}
    for s in SNAPSHOTS:
        a, b, m = got[s]["A"], got[s]["B"], got[s]["B merging"]
        wa, wb, ca, cb = (_median(a, "close_wall"), _median(b, "close_wall"), _median(a, "close_cpu"),
                          _median(b, "close_cpu"))
        lines.append(f"| {labels[s]} | {b[0]['wal_bytes'] / 1e6:.1f} | {wa:.3f} | {wb:.3f} | {wb / wa:.2f} | {ca:.3f} | "
                     f"{cb:.3f} | {cb / ca:.2f} | {_median(m, 'close_wall'):.3f}, {_median(m, 'close_cpu'):.3f} | "
                     f"{a[0]['row_groups']['raw.baris']} / {b[0]['row_groups']['raw.baris']} |")
    lines += ["", "Reading after the close (best of 3 scans, medians over rounds; s):", "",
              "| after | scan raw.baris A | B | B/A | scan staging.register_sp2d A | B | B/A | file MB A / B |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    for s in SNAPSHOTS:
        a, b = got[s]["A"], got[s]["B"]
        ra, rb = _median(a, "scan_raw"), _median(b, "scan_raw")
        ga, gb = _median(a, "scan_register"), _median(b, "scan_register")
        lines.append(f"| {labels[s]} | {ra:.3f} | {rb:.3f} | {rb / ra:.2f} | {ga:.3f} | {gb:.3f} | {gb / ga:.2f} | "
                     f"{a[0]['db_bytes'] / 1e6:.0f} / {b[0]['db_bytes'] / 1e6:.0f} |")
    lines += ["", "Same contents (A and B):", ""] + [f"- {k}: {'yes' if v else '**no**'}" for k, v in same.items()]
    lines += ["", "Every round (wall / CPU s of the close):", ""]
    for s in SNAPSHOTS:
        for arm in ARMS:
            lines.append(f"- {labels[s]}, {arm}: " + ", ".join(f"{r['close_wall']:.3f} / {r['close_cpu']:.3f}"
                                                                for r in got[s][arm]))
    lines += ["", "The `lkip run`s that made the snapshots (wall s, close skipped): "
              + ", ".join(f"{k} {v:.1f}" for k, v in runs.items()), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--lkip-no-checkpoint"]:
        return lkip_without_checkpoint(argv[1:]) or 0
    if argv[:1] == ["--close-child"]:
        return close_child(Path(argv[1]), int(argv[2]))
    if argv[:1] == ["--digest-child"]:
        return digest_child(Path(argv[1]))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--data", type=Path, default=generate.DATA, help="where the city drop is (bench/data)")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--work", type=Path, help="keep the workspaces and snapshots here (made once, reused)")
    args = ap.parse_args(argv)
    folder = generate.ensure_city(44, 25000, data=args.data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    work = args.work or Path(tempfile.mkdtemp(prefix="lkip-bench-ckpt-"))
    try:
        made = work / "runs.json"
        if not made.is_file():
            made.write_text(json.dumps(prepare(folder, work, env, args.timeout)))
        runs = json.loads(made.read_text())
        got = rounds(work, args.rounds, args.timeout)
        shutil.rmtree(work / "closed", ignore_errors=True)
        same = same_contents(work, args.timeout)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    shown = [f"--rounds {args.rounds}"] + ([f"--out bench/results/{args.out.name}"] if args.out else [])
    write_result(args.out, markdown(got, runs, same, args.rounds, shown), {"rounds": got, "runs": runs, "same": same})
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
