"""The whole job an office runs, at city scale (issue 13): ratios measured in the same run.

    .venv/bin/python bench/city_run.py --city-skpd 44 --city-rows 25000 --out bench/results/X.md

1. **floor**: fastexcel reads every sheet of every file of the drop to Arrow, one process (a
   fresh child; its wall time after its imports). Measured three times, spread over the
   scenario (before the full run, between the full run and the re-drop, after the re-drop): the
   floor is their median. One measurement alone moved between 4,1 and 6,6 s on the idle machine
   from one benchmark to the next, more than any change the full-run ratio is meant to show.
2. **full**: `lkip run` on a fresh workspace holding the drop (whole process, wall clock from
   outside, peak RSS of its largest process); `publish` from the run's own durations.
3. **re-drop**: one SKPD drops a corrected register (bench/generate.py `write_redrop`) into the
   same workspace; `lkip run` again. Which unit folders changed is read from the files themselves
   (bytes and modification times of every output before and after).
3b. **re-drop inside `lkip watch`** (`--no-watch` skips it): `lkip watch` is started on the
   workspace and left 10 s; the same SKPD then drops two more corrected registers, one after the
   other run. Each run is timed from watch's line "menjalankan pipeline" to "Run selesai" (the
   officer's copy settling is not in it; the run's whole work is). The first run of a fresh watch
   starts the temporary server when there is no running one; the second finds it.
4. **example**: `lkip run` of the bundled example (5 files) on a fresh workspace, with the
   temporary Prefect server, then against a running `lkip prefect-server` of that workspace.

Steps 2-3 run with `lkip run`'s temporary Prefect server and again against the workspace's running
`lkip prefect-server` (`--city-server temporary|running|both`, default both): an office's nightly
runs go to the running server `lkip serve` is attached to.

Ratios: full / floor (≤ 6), re-drop / full (≤ 0,10), publish (≤ 15 s), peak (≤ 1 536 MB),
example (≤ 10 s temporary server, ≤ 6 s running server; each also divided by the wall time of
`python -c "import prefect"` measured before and after it, so that a loaded machine's figures can
be read). `--no-example`, `--no-redrop` skip parts; `--example-repeat N` takes the median of N.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run_bench import hardware, peak_of_command, run_child  # noqa: E402

EXAMPLE = ROOT / "examples" / "bekasi-setda-2020" / "input"


def floor_child(folder: str) -> int:
    """Child: fastexcel reads every sheet of every file to Arrow; prints JSON."""
    import fastexcel
    import pyarrow  # noqa: F401  (loaded by to_arrow on first use: before the clock)

    files = sorted(Path(folder).rglob("*.xlsx"))
    t, cpu = time.perf_counter(), time.process_time()
    rows = 0
    for f in files:
        reader = fastexcel.read_excel(str(f))
        for name in reader.sheet_names:
            rows += reader.load_sheet_by_name(name, header_row=None).to_arrow().num_rows
    print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - cpu, "files": len(files),
                      "rows": rows}))
    return 0


def _outputs(output: Path) -> dict[str, tuple[int, int]]:
    """Every published file (not the warehouse nor run reports): (size, mtime_ns), by path."""
    out = {}
    for p in output.rglob("*"):
        rel = p.relative_to(output)
        if p.is_file() and rel.parts[0].isdigit():
            st = p.stat()
            out[str(rel)] = (st.st_size, st.st_mtime_ns)
    return out


def _last_report(ws: Path) -> dict[str, Any]:
    runs = sorted((ws / "output" / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(runs[-1].read_text()) if runs else {}


def _settle(folder: Path) -> None:
    old = time.time() - 3600  # settled files: no waiting for the copy-in-progress check
    for p in folder.rglob("*"):
        os.utime(p, (old, old))


def _lkip(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("lkip")), *args]


def city(n_skpd: int, rows: int, data: Path, timeout: float, redrop: bool, server: str = "temporary",
         watch: bool = True) -> dict[str, Any]:
    """The full run and the re-drop, with Prefect's temporary server (`lkip run` starts one) or
    the workspace's running `lkip prefect-server` (started first, not timed: an office's nightly
    runs go to the server `lkip serve` is attached to)."""
    folder = generate.ensure_city(n_skpd, rows, data=data)
    res: dict[str, Any] = {"desc": f"{n_skpd} SKPD × (Renja ~100 kegiatan, register {rows:,} rows, form)",
                           "server": server}
    floors = [_floor(folder, timeout)]
    res["floor"] = floors[0]
    ws = Path(tempfile.mkdtemp(prefix="lkip-bench-city-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PYTHONUNBUFFERED"] = "1"
    try:
        with contextlib.ExitStack() as stack:
            if server == "running" and stack.enter_context(running_server(ws, env)) is None:
                return {**res, "error": "lkip prefect-server did not start"}
            _city_runs(res, folder, ws, env, timeout, redrop, n_skpd, rows, watch,
                       between=lambda: floors.append(_floor(folder, timeout)))
        floors.append(_floor(folder, timeout))
        res["floor"] = _median_floor(floors)
    finally:
        shutil.rmtree(ws, ignore_errors=True)
    return res


def _floor(folder: Path, timeout: float) -> dict[str, Any]:
    return run_child([sys.executable, __file__, "--floor-child", str(folder)], timeout)


def _median_floor(floors: list[dict[str, Any]]) -> dict[str, Any]:
    """The measurement of median wall time (the one a ratio divides by), with every measurement's
    wall and CPU seconds kept beside it."""
    ok = sorted((f for f in floors if f.get("seconds") is not None), key=lambda f: f["seconds"])
    if not ok:
        return floors[0]
    return {**ok[(len(ok) - 1) // 2], "all_seconds": [f.get("seconds") for f in floors],
            "all_cpu": [f.get("cpu") for f in floors]}


def _city_runs(res: dict[str, Any], folder: Path, ws: Path, env: dict[str, str], timeout: float,
               redrop: bool, n_skpd: int, rows: int, watch: bool = True, between: Any = lambda: None) -> None:
    inp = ws / "input"
    inp.mkdir()
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        shutil.copytree(sub, inp / sub.name)
    _settle(inp)
    cmd = _lkip("run", "--workspace", str(ws), "--no-progress")
    res["full"] = peak_of_command(cmd, timeout, env=env, cwd=ws)
    rep = _last_report(ws)
    res["full"]["durations"] = rep.get("durations_seconds")
    res["full"]["terbitkan"] = rep.get("terbitkan")
    res["full"]["files"] = rep.get("files_by_outcome")
    between()
    if redrop:
        before = _outputs(ws / "output")
        kode = generate.skpd_code(min(3, n_skpd))
        generate.write_redrop(inp, min(3, n_skpd), rows, 100)
        _settle(inp)
        res["redrop"] = peak_of_command(cmd, timeout, env=env, cwd=ws)
        rep = _last_report(ws)
        res["redrop"]["durations"] = rep.get("durations_seconds")
        res["redrop"]["terbitkan"] = rep.get("terbitkan")
        after = _outputs(ws / "output")
        changed = sorted({rel.split("/")[1] for rel in set(before) | set(after)
                          if before.get(rel) != after.get(rel)})
        res["redrop"]["skpd"] = kode
        res["redrop"]["folders_changed"] = changed
        res["redrop"]["only_skpd_and_kota"] = changed == sorted([kode, "kota"])
    res["full"]["temporary_server_started"] = (ws / ".prefect" / "temporary-server.log").exists()
    if redrop and watch:
        res["watch"] = watch_redrops(ws, inp, env, timeout, n_skpd, rows)


WATCH_WARM_S = 10.0   # how long `lkip watch` waits before the first drop (its warm-up takes ~3 s)


def watch_redrops(ws: Path, inp: Path, env: dict[str, str], timeout: float, n_skpd: int,
                  rows: int) -> dict[str, Any]:
    """The same SKPD drops two more corrected registers while `lkip watch` runs on the workspace
    (a long-lived process, as an office runs it: its imports were done while it waited, and the
    second run finds the Prefect server it used for the first). Each run is timed from watch's own
    line "menjalankan pipeline" (the files were stable for --stable-seconds) to its line "Run
    selesai": the wait for the copy to settle is not in it, the run's whole work is."""
    import queue
    import threading

    cmd = _lkip("watch", "--workspace", str(ws), "--stable-seconds", "1", "--max-runs", "2")
    proc = subprocess.Popen(cmd, env=env, cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: "queue.Queue[tuple[float, str]]" = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put((time.perf_counter(), line.rstrip()))
        lines.put((time.perf_counter(), ""))

    threading.Thread(target=pump, daemon=True).start()

    def until(text: str, limit: float) -> float | None:
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            try:
                at, line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if text in line:
                return at
            if proc.poll() is not None and lines.empty():
                return None
        return None

    out: dict[str, Any] = {"runs": []}
    try:
        if until("Mengawasi", 60) is None:
            return {"error": "lkip watch did not start"}
        time.sleep(WATCH_WARM_S)
        for n, fewer in enumerate((40, 55)):
            before = _outputs(ws / "output")
            generate.write_redrop(inp, min(3, n_skpd), rows, 100, fewer=fewer)
            _settle(inp)
            start = until("menjalankan pipeline", 60)
            end = until("Run selesai", timeout) if start is not None else None
            if start is None or end is None:
                out["error"] = f"watch run {n + 1} did not finish"
                break
            rep = _last_report(ws)
            after = _outputs(ws / "output")
            changed = sorted({rel.split("/")[1] for rel in set(before) | set(after) if before.get(rel) != after.get(rel)})
            out["runs"].append({"seconds": end - start, "durations": rep.get("durations_seconds"),
                                "terbitkan": rep.get("terbitkan"), "folders_changed": changed,
                                "only_skpd_and_kota": changed == sorted([generate.skpd_code(min(3, n_skpd)), "kota"])})
    finally:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(url: str, timeout: float) -> bool:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def _first_request(url: str) -> None:
    """One API request, as any earlier run made: FastAPI builds the routes of Prefect's API at the
    first request that goes through them (0,3-0,5 CPU-s), once per server process."""
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/admin/version", timeout=30):
            pass
    except OSError:
        pass


@contextlib.contextmanager
def running_server(ws: Path, env: dict[str, str]) -> Iterator[str | None]:
    """The workspace's `lkip prefect-server`, started and answering before the timed run (None: it
    did not start); stopped afterwards. `lkip run` in that workspace adopts it."""
    port = _free_port()
    server = subprocess.Popen(_lkip("prefect-server", "--workspace", str(ws), "--port", str(port)),
                              env=env, cwd=ws, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/api"
        up = _wait_health(url, 120)
        if up:   # a server that has been running has answered requests: FastAPI built its routes
            _first_request(url)
        yield url if up else None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# Baselines measured beside the example's runs, in the same environment: on a shared machine the
# two wall times mean something only next to these. REF_*: their values at idle on the reference
# machine (2 cores, load ~1, 2026-12-07), to scale a loaded measurement back to idle (an estimate).
BASELINES = {
    "import_prefect": [sys.executable, "-c", "import prefect"],
    "lkip_help": None,  # filled in example(): the lkip program's bare --help
}
REF_IMPORT_PREFECT = 0.95


def _baselines(env: dict[str, str], repeat: int = 3) -> dict[str, float]:
    """Median wall time of each baseline command (fresh processes)."""
    import statistics

    out = {}
    for name, cmd in BASELINES.items():
        cmd = cmd or _lkip("--help")
        walls = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            walls.append(time.perf_counter() - t)
        out[name] = statistics.median(walls)
    return out


def example(timeout: float, repeat: int = 1) -> dict[str, Any]:
    """`lkip run` of the bundled example: temporary server, then the workspace's running server;
    `repeat` times each (the medians are reported), with the baselines before and after."""
    import statistics

    res: dict[str, Any] = {}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PYTHONUNBUFFERED"] = "1"
    before = _baselines(env)
    for mode in ("temporary", "running"):
        runs = [_example_once(mode, env, timeout) for _ in range(repeat)]
        ok = [r for r in runs if r.get("wall") and not r.get("error")]
        res[mode] = dict(ok[len(ok) // 2] if ok else runs[-1])
        if ok:
            res[mode]["wall"] = statistics.median(r["wall"] for r in ok)
            res[mode]["cpu"] = statistics.median(r.get("cpu") or 0 for r in ok)
            res[mode]["walls"] = [round(r["wall"], 2) for r in ok]
    after = _baselines(env)
    res["baseline"] = {k: (before[k] + after[k]) / 2 for k in before}
    res["baseline_before"], res["baseline_after"] = before, after
    return res


def _example_once(mode: str, env: dict[str, str], timeout: float) -> dict[str, Any]:
    """One `lkip run` of the example on a fresh workspace (mode "running": its `lkip prefect-server`
    started first and waited for, not timed)."""
    ws = Path(tempfile.mkdtemp(prefix="lkip-bench-ex-"))
    try:
        (ws / "input").mkdir()
        for f in EXAMPLE.glob("*.xlsx"):
            shutil.copy2(f, ws / "input" / f.name)
        _settle(ws / "input")
        with contextlib.ExitStack() as stack:
            if mode == "running" and stack.enter_context(running_server(ws, env)) is None:
                return {"error": "lkip prefect-server did not start"}
            r = peak_of_command(_lkip("run", "--workspace", str(ws), "--no-progress"), timeout, env=env, cwd=ws)
        r["durations"] = _last_report(ws).get("durations_seconds")
        r["temporary_server_started"] = (ws / ".prefect" / "temporary-server.log").exists()
        return r
    finally:
        shutil.rmtree(ws, ignore_errors=True)


def _r(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else a / b


CITY_KEYS = (("city", "temporary server"), ("city_running", "running server"))


def checks(res: dict[str, Any]) -> list[tuple[str, float | None, str, bool | None]]:
    out = []
    for key, server in CITY_KEYS:
        c = res.get(key) or {}
        if not c.get("full"):
            continue
        full = c["full"].get("wall")
        floor = c.get("floor", {}).get("seconds")
        v = _r(full, floor)
        out.append((f"full city run / fastexcel reading every sheet (floor), {server}", v, "≤ 6",
                    None if v is None else v <= 6))
        if c.get("redrop"):
            v = _r(c["redrop"].get("wall"), full)
            out.append((f"one SKPD re-drops one file / full city run, {server}", v, "≤ 0,10",
                        None if v is None else v <= 0.10))
            out.append((f"re-drop rewrote only that SKPD's and the city's folders, {server}",
                        float(bool(c["redrop"].get("only_skpd_and_kota"))), "= 1", c["redrop"].get("only_skpd_and_kota")))
        for n, w in enumerate((c.get("watch") or {}).get("runs") or []):
            which = "first run of a fresh `lkip watch`" if n == 0 else "a later run of `lkip watch`"
            v = _r(w.get("seconds"), full)
            out.append((f"re-drop, {which} / full city run (`lkip run`), {server}", v, "≤ 0,10",
                        None if v is None else v <= 0.10))
            out.append((f"that run rewrote only that SKPD's and the city's folders, {server}",
                        float(bool(w.get("only_skpd_and_kota"))), "= 1", w.get("only_skpd_and_kota")))
        pub = (c.get("full", {}).get("durations") or {}).get("publish")
        out.append((f"publish of the full city run (s), {server}", pub, "≤ 15", None if pub is None else pub <= 15))
        peak = c.get("full", {}).get("peak_mb")
        out.append((f"peak RSS of the full city run (MB), {server}", peak, "≤ 1536",
                    None if peak is None else peak <= 1536))
        machine = c.get("full", {}).get("machine_mb")
        out.append((f"the machine's memory the full city run took at most (MB; every process and /dev/shm), {server}",
                    machine, "≤ 1536", None if machine is None else machine <= 1536))
    ex = res.get("example", {})
    base = (ex.get("baseline") or {}).get("import_prefect")
    for mode, limit in (("temporary", 10), ("running", 6)):
        w = ex.get(mode, {}).get("wall")
        if mode in ex:
            out.append((f"`lkip run` of the bundled example, {mode} Prefect server (s)", w, f"≤ {limit}",
                        None if w is None else w <= limit))
            if base:
                v = _r(w, base)
                lim = limit / REF_IMPORT_PREFECT
                out.append((f"  the same / `python -c \"import prefect\"` measured beside it", v,
                            f"≤ {lim:.1f} (= {limit} s at idle)", None if v is None else v <= lim))
    return out


def markdown(res: dict[str, Any]) -> str:
    hw = res["hardware"]
    lines = [f"# City run benchmark (issue 13), {res['date']}", "",
             f"Machine: {hw['nproc']} cores, {hw['cpu']}, {hw['ram_gib']} GiB RAM; Python {hw['python']}; "
             f"load average at start {res.get('load_start')}, at end {res.get('load_end')}.", "",
             f"Command: `{res['command']}`", "", "| check | value | target | met |", "|---|---:|---|---|"]
    for what, v, target, ok in checks(res):
        lines.append(f"| {what} | {'–' if v is None else f'{v:,.2f}'} | {target} | "
                     f"{'–' if ok is None else 'yes' if ok else '**no**'} |")
    for key, server in CITY_KEYS:
        c = res.get(key)
        if not c or not c.get("full"):
            if c and c.get("error"):
                lines.append(f"- city run, {server}: {c['error']}")
            continue
        lines += ["", f"City run with the {server}:", "", f"- drop: {c['desc']}",
                  f"- floor (fastexcel, every sheet to Arrow): {c['floor'].get('seconds', c['floor'].get('error'))} s, "
                  f"{c['floor'].get('files')} files, {c['floor'].get('rows')} rows; median of "
                  f"{_fmt_list(c['floor'].get('all_seconds'))} s (before the full run, before the re-drop, after it)",
                  f"- full run: {c['full'].get('wall', 0):.1f} s, peak {c['full'].get('peak_mb')} MB (largest process; "
                  f"the machine's available memory fell by {c['full'].get('machine_mb')} MB at most, /dev/shm grew by "
                  f"{c['full'].get('shmem_mb')} MB at most), "
                  f"durations {c['full'].get('durations')}, publish {c['full'].get('terbitkan')}"]
        if c.get("redrop"):
            r = c["redrop"]
            lines.append(f"- re-drop of {r.get('skpd')}'s register: {r.get('wall', 0):.1f} s, durations "
                         f"{r.get('durations')}, publish {r.get('terbitkan')}; folders rewritten: {r.get('folders_changed')}")
        wa = c.get("watch") or {}
        for n, w in enumerate(wa.get("runs") or []):
            lines.append(f"- re-drop {n + 1} inside `lkip watch` (from its line \"menjalankan pipeline\" to \"Run selesai\"): "
                         f"{w['seconds']:.1f} s, durations {w.get('durations')}, publish {w.get('terbitkan')}; "
                         f"folders rewritten: {w.get('folders_changed')}")
        if wa.get("error"):
            lines.append(f"- `lkip watch`: {wa['error']}")
        cpu = {k: (c.get(k) or {}).get("cpu") for k in ("floor", "full", "redrop")}
        if all(cpu.values()):
            lines.append(f"- CPU seconds (user+sys of the whole process tree; less sensitive to other work on "
                         f"the machine than wall times; a running server's own CPU is not in it): floor {cpu['floor']:.1f}, full run {cpu['full']:.1f} "
                         f"({cpu['full'] / cpu['floor']:.1f}× the floor), re-drop {cpu['redrop']:.1f} "
                         f"({cpu['redrop'] / cpu['full']:.2f} of the full run)")
    ex = res.get("example") or {}
    modes = [(m, ex[m]) for m in ("temporary", "running") if m in ex]
    if modes:
        lines += ["", "The bundled example:", ""]
    if ex.get("baseline"):
        b = ex["baseline"]
        lines.append(f"- baselines beside the example (median of 3, mean of before/after): `python -c \"import "
                     f"prefect\"` {b['import_prefect']:.2f} s (idle reference {REF_IMPORT_PREFECT} s), bare "
                     f"`lkip --help` {b['lkip_help']:.2f} s; before {_fmt(ex.get('baseline_before'))}, after "
                     f"{_fmt(ex.get('baseline_after'))}")
        for mode, r in modes:
            if r.get("wall"):
                lines.append(f"- bundled example, {mode} server, scaled to idle by the baseline: "
                             f"{r['wall'] * REF_IMPORT_PREFECT / b['import_prefect']:.1f} s (an estimate)")
    for mode, r in modes:
        if r.get("cpu"):
            lines.append(f"- bundled example, {mode} server: {r['cpu']:.1f} CPU-s")
    for mode, r in modes:
        lines.append(f"- bundled example, {mode} server: {r.get('wall', 0):.1f} s (runs {r.get('walls')}; "
                     f"flow durations {r.get('durations')}; temporary server started: "
                     f"{r.get('temporary_server_started')}){' ' + r['error'] if r.get('error') else ''}")
    return "\n".join(lines) + "\n"


def _fmt_list(v: list[float | None] | None) -> str:
    return "[" + ", ".join("–" if x is None else f"{x:.2f}" for x in (v or [])) + "]"


def _fmt(d: dict[str, float] | None) -> str:
    return ", ".join(f"{k} {v:.2f} s" for k, v in (d or {}).items())


def _compile_project() -> bool:
    """The project's bytecode written first, as an installed package has it: a module edited since
    its last .pyc would otherwise be compiled again by every process of every measured command
    where PYTHONDONTWRITEBYTECODE is set (the run, its server, its workers: ~0,3 CPU-s each)."""
    import compileall

    return all(compileall.compile_dir(str(ROOT / d), quiet=1) for d in ("lkip", "flows", "schemas"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--floor-child"]:
        return floor_child(argv[1])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--city-skpd", type=int, default=44)
    ap.add_argument("--city-rows", type=int, default=25_000)
    ap.add_argument("--city", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--redrop", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--watch", action=argparse.BooleanOptionalAction, default=True,
                    help="after the re-drop, two more re-drops into a running `lkip watch`")
    ap.add_argument("--city-server", choices=("temporary", "running", "both"), default="both",
                    help="the Prefect server of the city runs: lkip run's temporary one, the workspace's running one, or both")
    ap.add_argument("--example", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--example-repeat", type=int, default=1, help="runs of the example per server kind (median)")
    ap.add_argument("--data", type=Path, default=generate.DATA)
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    import datetime as dt

    compiled = _compile_project()
    res: dict[str, Any] = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                           "command": "python bench/city_run.py " + " ".join(argv), "hardware": hardware(),
                           "load_start": os.getloadavg(), "bytecode_compiled": compiled}
    if a.city and a.city_server in ("temporary", "both"):
        res["city"] = city(a.city_skpd, a.city_rows, a.data, a.timeout, a.redrop, "temporary", a.watch)
    if a.city and a.city_server in ("running", "both"):
        res["city_running"] = city(a.city_skpd, a.city_rows, a.data, a.timeout, a.redrop, "running", a.watch)
    if a.example:
        res["example"] = example(a.timeout, a.example_repeat)
    res["load_end"] = os.getloadavg()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.with_suffix(".json").write_text(json.dumps(res, indent=1, default=str))
    a.out.write_text(markdown(res))
    print(markdown(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
