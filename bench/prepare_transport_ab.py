"""How a read worker's result comes back to the run: today's pickling through the pool's pipe
("pipe") against lkip.read_ship's memory-mapped file ("file"), on the real read pool.

    .venv/bin/python bench/prepare_transport_ab.py --data bench/data/city_44_25000 --folders 8 \
        --rounds 3 --out bench/results/2026-12-08-prepare-transport.md

* The slice (the first ``--folders`` SKPD folders) is copied to a temporary folder first.
* Sizes: every file of the slice prepared here once (`ingest.prepare`); per kind, the bytes
  today's pickling sends through the pipe (ForkingPickler, as the pool does) and, with the file,
  the bytes of the pickle sent through the pipe and of the file written.
* Prepare: each round, one fresh child process per side (order alternating), reads the slice as
  the flow reads a big drop (lkip.read_pool.read_pool: two workers forked from the fork server,
  `drop.prepare_drop`), `read_ship.ENABLED` off for "pipe". CPU = the child's own (its pool
  thread receiving and unpickling) + its workers' (psutil, read before the pool closes; the fork
  server's imports are done before the clock starts), wall = from submitting the first file to
  the last one received. The prepared files of both sides must be the same (bench/prepare_ab.py's
  digest: kind, meta, issues, every frame column with its dtype, the raw parts).
* Transport only: the same pool, each worker returning a Prepared unpickled from a local file
  (`_replay`: the same objects as above) instead of reading the workbook; side "none" returns
  None after loading it (what is left once the sending is taken away). A warm-up pass, then
  measured passes (``--passes``). Transport CPU of a side = its CPU - that of "none".

CPU seconds are the figures to read on a shared machine (2 cores shared with other work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pickle
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
SIDES = ("pipe", "file")


def _files(data: Path, folders: int) -> list[str]:
    return [str(f) for d in sorted(p for p in data.iterdir() if p.is_dir())[:folders] for f in sorted(d.glob("*.xlsx"))]


def _cpu_tree() -> float:
    """CPU seconds of this process and of every live process under it (prepare_ab's count)."""
    sys.path.insert(0, str(HERE))
    from prepare_ab import _descendants_cpu

    return time.process_time() + _descendants_cpu()


def _warm_fork_server() -> None:
    """The fork server started and its imports done (not measured)."""
    from concurrent.futures import ProcessPoolExecutor

    from lkip import read_pool

    read_pool.start_fork_server()
    with ProcessPoolExecutor(1, mp_context=read_pool.process_context()) as pool:
        pool.submit(abs, 1).result()


def _replay(path: str, mode: str) -> Any:
    """In a worker: the Prepared pickled at `path`, sent back as prepare_portable sends it."""
    from lkip import read_ship

    with open(path, "rb") as f:
        obj = pickle.load(f)
    return None if mode == "none" else read_ship.ship(obj)


def child(args: argparse.Namespace) -> int:
    from concurrent.futures import FIRST_COMPLETED, wait

    from lkip import drop, read_pool, read_ship
    from lkip.config import load_config

    sys.path.insert(0, str(HERE))
    from prepare_ab import digest

    read_ship.ENABLED = args.side == "file"
    files = json.loads(Path(args.files).read_text())
    cfg = load_config(workspace=tempfile.mkdtemp(prefix="transport_ab_"), input_dir=args.data)
    cfg.data.setdefault("runner", {})["read_processes_mb"] = 0
    _warm_fork_server()
    out: dict[str, Any] = {"side": args.side, "part": args.part}
    if args.part == "prepare":
        cpu, t = _cpu_tree(), time.perf_counter()
        with read_pool.read_pool(cfg, files, 2) as pool:
            prepared, records = drop.prepare_drop(
                cfg, files, submit=lambda p, rel: pool.submit(read_pool.prepare_portable, p, cfg, rel),
                wait_any=lambda fs: next(iter(wait(fs, return_when=FIRST_COMPLETED).done)))
            out["wall"], out["cpu"] = time.perf_counter() - t, _cpu_tree() - cpu
        if records:
            raise SystemExit(f"files not prepared: {records}")
        by = {str(p.path): p for p in prepared}
        got = [by[f] for f in files]
    else:
        saved = json.loads(Path(args.saved).read_text())
        mode = "none" if args.side == "none" else "ship"
        with read_pool.read_pool(cfg, files, 2) as pool:
            list(pool.map(_replay, saved, [mode] * len(saved)))      # warm-up: workers, page cache
            cpu, t = _cpu_tree(), time.perf_counter()
            for _ in range(args.passes):
                got = list(pool.map(_replay, saved, [mode] * len(saved)))
            out["wall"], out["cpu"] = time.perf_counter() - t, _cpu_tree() - cpu
    if args.side != "none":
        Path(args.digest).write_text(json.dumps([digest(p) for p in got], sort_keys=True))
    print(json.dumps(out))
    return 0


def sizes(files: list[str], data: Path, save_to: Path) -> tuple[dict[str, Any], list[str], list[str]]:
    """Bytes sent per kind, both ways; each Prepared pickled to `save_to` (for `_replay`), and its digest."""
    from multiprocessing.reduction import ForkingPickler

    from lkip import ingest, read_ship
    from lkip.config import load_config

    sys.path.insert(0, str(HERE))
    from prepare_ab import digest

    cfg = load_config(workspace=tempfile.mkdtemp(prefix="transport_ab_"), input_dir=data)
    ship_dir = read_ship.make_dir()
    if ship_dir is None:
        raise SystemExit("lkip.read_ship is not available here (no temporary directory with room)")
    kinds: dict[str, dict[str, float]] = {}
    saved, digests = [], []
    for i, f in enumerate(files):
        p = ingest.prepare(Path(f), cfg)
        pipe = len(ForkingPickler.dumps(p))
        shipment = read_ship.pack(p, ship_dir)
        if not isinstance(shipment, read_ship.Shipment):
            raise SystemExit(f"{Path(f).name}: not packed into a file")
        head, file_bytes = len(ForkingPickler.dumps(shipment)), os.path.getsize(shipment.path)
        os.unlink(shipment.path)
        k = kinds.setdefault(str(p.kind), {"files": 0, "rows": 0, "pipe": 0, "head": 0, "file": 0})
        for key, v in (("files", 1), ("rows", p.n_rows), ("pipe", pipe), ("head", head), ("file", file_bytes)):
            k[key] += v
        path = save_to / f"{i}.pkl"
        path.write_bytes(pickle.dumps(p, protocol=5))
        saved.append(str(path))
        digests.append(json.dumps(digest(p), sort_keys=True))
    os.rmdir(ship_dir)
    return kinds, saved, digests


def run_child(part: str, side: str, data: Path, files: Path, saved: Path, out: Path, passes: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, __file__, "--child", part, side, "--data", str(data), "--files", str(files),
                           "--saved", str(saved), "--digest", str(out), "--passes", str(passes)], env=env,
                          capture_output=True, text=True,
                          cwd=str(ROOT))
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-4000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _med(runs: list[dict[str, Any]], part: str, side: str, key: str) -> float:
    return statistics.median(r[key] for r in runs if r["part"] == part and r["side"] == side)


def markdown(res: dict[str, Any]) -> str:
    runs = res["runs"]
    lines = [f"# Prepare: a read worker's result through the pipe or through a file ({res['date']})", "",
             f"Slice: the first {res['folders']} SKPD folders of `{res['data']}` ({res['n_files']} .xlsx). "
             f"Code: `{res['rev']}`. {res['rounds']} rounds, sides alternating, each a fresh process; two "
             "read workers forked from the fork server. 'pipe' = today's pickling through the pool's pipe "
             "(`read_ship.ENABLED = False`), 'file' = lkip.read_ship (protocol-5 pickle through the pipe, "
             "its buffers through a file in /dev/shm, mapped by the parent). Machine: 2 cores, shared.", "",
             "## Bytes sent per file", "",
             "| kind | files | rows | pipe: pickle MB/file | file: pickle kB/file | file: file MB/file |",
             "|---|---:|---:|---:|---:|---:|"]
    for kind, k in sorted(res["kinds"].items()):
        n = k["files"]
        lines.append(f"| {kind} | {n} | {k['rows']} | {k['pipe'] / n / 1e6:.2f} | {k['head'] / n / 1e3:.1f} "
                     f"| {k['file'] / n / 1e6:.2f} |")
    lines += ["", "## Reading the slice (`read_pool.read_pool`, `drop.prepare_drop`)", "",
              "CPU = the child (its pool thread receives) + its two workers; medians of the rounds.", "",
              "| side | CPU s | wall s |", "|---|---:|---:|"]
    for side in SIDES:
        lines.append(f"| {side} | {_med(runs, 'prepare', side, 'cpu'):.2f} | {_med(runs, 'prepare', side, 'wall'):.2f} |")
    pc = _med(runs, "prepare", "file", "cpu") / _med(runs, "prepare", "pipe", "cpu")
    pw = _med(runs, "prepare", "file", "wall") / _med(runs, "prepare", "pipe", "wall")
    lines += ["", f"**file / pipe: CPU {pc:.3f}, wall {pw:.3f}**", "",
              "## Transport only (workers return prepared objects loaded from local pickles)", "",
              f"{res['passes']} passes over the slice after a warm-up pass.", "",
              "| side | CPU s | wall s | transport CPU s (- 'none') |", "|---|---:|---:|---:|"]
    base = _med(runs, "transport", "none", "cpu")
    for side in (*SIDES, "none"):
        c = _med(runs, "transport", side, "cpu")
        lines.append(f"| {side} | {c:.2f} | {_med(runs, 'transport', side, 'wall'):.2f} | "
                     f"{c - base:.2f} |" if side != "none" else f"| {side} | {c:.2f} | "
                     f"{_med(runs, 'transport', side, 'wall'):.2f} | - |")
    tp, tf = _med(runs, "transport", "pipe", "cpu") - base, _med(runs, "transport", "file", "cpu") - base
    tw = _med(runs, "transport", "file", "wall") / _med(runs, "transport", "pipe", "wall")
    lines += ["", f"**transport CPU file / pipe: {tf / tp:.2f}** (of the whole pass: "
              f"{_med(runs, 'transport', 'file', 'cpu') / _med(runs, 'transport', 'pipe', 'cpu'):.3f}; wall "
              f"{tw:.3f})", "", "## Every child", "", "| # | part | side | CPU s | wall s | load |",
              "|---:|---|---|---:|---:|---:|"]
    lines += [f"| {i + 1} | {r['part']} | {r['side']} | {r['cpu']:.2f} | {r['wall']:.2f} | {r['load']:.1f} |"
              for i, r in enumerate(runs)]
    lines += ["", "Prepared files identical on both sides (and to those prepared in one process): "
              f"**{'yes' if not res['diffs'] else 'NO'}**"]
    lines += [f"- {d}" for d in res["diffs"][:20]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=2, metavar=("PART", "SIDE"))
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--files", type=Path)
    ap.add_argument("--saved", type=Path)
    ap.add_argument("--digest", type=Path)
    ap.add_argument("--folders", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--passes", type=int, default=3, help="measured passes of the transport-only part")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)
    if a.child:
        a.part, a.side = a.child
        return child(a)
    tmp = Path(tempfile.mkdtemp(prefix="transport_ab_"))
    data = tmp / a.data.resolve().name       # a private copy of the slice: the drop is never touched
    for folder in sorted(p for p in a.data.resolve().iterdir() if p.is_dir())[:a.folders]:
        shutil.copytree(folder, data / folder.name)
    files = _files(data, a.folders)
    (tmp / "files.json").write_text(json.dumps(files))
    (tmp / "pkl").mkdir()
    kinds, saved, reference = sizes(files, data, tmp / "pkl")
    (tmp / "saved.json").write_text(json.dumps(saved))
    runs: list[dict[str, Any]] = []
    diffs: list[str] = []
    for r in range(a.rounds):
        for part, sides in (("prepare", SIDES), ("transport", (*SIDES, "none"))):
            order = sides if r % 2 == 0 else tuple(reversed(sides))
            for side in order:
                load = os.getloadavg()[0]
                res = run_child(part, side, data, tmp / "files.json", tmp / "saved.json", tmp / f"{part}-{side}.json",
                                a.passes)
                res["load"] = load
                runs.append(res)
                print(part, side, f"cpu {res['cpu']:.2f} wall {res['wall']:.2f} load {load:.1f}", file=sys.stderr)
                if side != "none":
                    got = [json.dumps(d, sort_keys=True) for d in json.loads((tmp / f"{part}-{side}.json").read_text())]
                    diffs += [f"{part} {side}: {Path(f).name} differs" for f, x, y in zip(files, got, reference)
                              if x != y]
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "lkip"], capture_output=True,
                           text=True).stdout.strip()
    res = {"date": dt.date.today().isoformat(), "data": data.name, "folders": a.folders, "n_files": len(files),
           "rev": rev + (" + uncommitted changes" if dirty else ""), "rounds": a.rounds, "passes": a.passes,
           "kinds": kinds,
           "runs": runs, "diffs": sorted(set(diffs))}
    shutil.rmtree(tmp, ignore_errors=True)
    md = markdown(res)
    print(md)
    if a.out:
        a.out.write_text(md)
        a.out.with_suffix(".json").write_text(json.dumps(res, indent=1))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
