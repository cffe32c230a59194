"""`lkip`: the one command of the pipeline.

Exit status: 0 the run completed; 1 the run failed, the lock is held by another run, or the
warehouse is damaged; 2 bad usage; 3 the run completed but rejected files (listed, and the other
files processed).

Prefect is imported only by the commands that run the flow: `validate` and `template` answer in
a second or two.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from lkip import fast_exit
from lkip.cli_run import _debug, _healthy, _label, console, err, run_pipeline
from lkip.console_safe import plain

app = typer.Typer(
    name="lkip",
    help="LKIP: ekspor SIMDA/SIENCANG → gudang data DuckDB → tabel LKIP.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WorkspaceOpt = typer.Option(None, "--workspace", "-w", help="Folder kerja (berisi input/, output/, lkip.toml).")
InputOpt = typer.Option(None, "--input", help="Folder input (default <workspace>/input).")
OutputOpt = typer.Option(None, "--output", help="Folder output (default <workspace>/output).")


def _cfg(workspace: Optional[Path], input_dir: Optional[Path] = None, output_dir: Optional[Path] = None):
    from lkip.config import load_config

    return load_config(workspace, input_dir, output_dir)


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]Gagal:[/] {message}")
    raise typer.Exit(code)


# ---- commands ------------------------------------------------------------------------------------


@app.command()
def run(
    workspace: Optional[Path] = WorkspaceOpt,
    input_dir: Optional[Path] = InputOpt,
    output_dir: Optional[Path] = OutputOpt,
    tahun: Optional[int] = typer.Option(None, "--tahun", help="Terbitkan keluaran tahun ini saja."),
    no_progress: bool = typer.Option(False, "--no-progress", help="Tanpa tampilan kemajuan."),
) -> None:
    """Satu run penuh sekarang (satu flow run Prefect).

    Kode keluar: 0 selesai; 1 gagal; 2 salah pakai; 3 selesai, ada berkas ditolak.
    """
    cfg = _cfg(workspace, input_dir, output_dir)
    raise typer.Exit(fast_exit.done(run_pipeline(cfg, "run", tahun=tahun,
                                                 show_progress=not no_progress and err.is_terminal)))


@app.command()
def report(
    workspace: Optional[Path] = WorkspaceOpt,
    output_dir: Optional[Path] = OutputOpt,
    tahun: Optional[int] = typer.Option(None, "--tahun"),
    skpd: Optional[str] = typer.Option(None, "--skpd", help="Kode SKPD."),
    force: bool = typer.Option(False, "--force", help="Terbitkan ulang semua SKPD, juga yang datanya tidak berubah."),
) -> None:
    """Bangun ulang keluaran dari gudang data, tanpa membaca input (hanya SKPD yang datanya berubah)."""
    cfg = _cfg(workspace, None, output_dir)
    raise typer.Exit(fast_exit.done(run_pipeline(cfg, "report", tahun=tahun, kode_skpd=skpd,
                                                 show_progress=err.is_terminal, force=force)))


@app.command()
def rebuild(
    workspace: Optional[Path] = WorkspaceOpt,
    input_dir: Optional[Path] = InputOpt,
    output_dir: Optional[Path] = OutputOpt,
) -> None:
    """Bangun ulang gudang data dan semua keluaran dari input/processed saja."""
    import datetime as dt

    from lkip.lock import LockBusy, run_lock

    cfg = _cfg(workspace, input_dir, output_dir)
    # Move the old warehouse aside under the lock, then the flow (same process) reuses the lock.
    lock = run_lock(cfg.output_dir, "rebuild")
    try:
        lock.acquire(float(cfg.get("lock.wait_seconds", 0) or 0))
    except LockBusy as exc:
        _fail(exc.message())
    try:
        wh = Path(cfg.warehouse)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        for p in (wh, wh.with_name(wh.name + ".wal")):
            if p.exists():
                aside = p.with_name(f"{p.name}.lama-{stamp}")
                os.replace(p, aside)
                err.print(f"Gudang data lama dipindahkan ke {aside}")
        code = run_pipeline(cfg, "rebuild", show_progress=err.is_terminal)
    finally:
        lock.release()
    raise typer.Exit(fast_exit.done(code))


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., help="Berkas .xlsx/.xlsm, atau folder (semua .xlsx/.xlsm di dalamnya).",
                                       exists=False),
    workspace: Optional[Path] = WorkspaceOpt,
) -> None:
    """Periksa berkas tanpa memuatnya; cetak hasil dan tulis laporan kesalahan.

    Nama berkas yang diawali '-' ditulis setelah '--' atau dengan './':
    `lkip validate -- -x.xlsx`, `lkip validate ./-x.xlsx` (juga untuk pola: `lkip validate -- *.xlsx`).
    """
    from rich.table import Table

    from lkip import ingest

    missing = [f for f in files if not f.is_file() and not f.is_dir()]
    if missing:
        err.print(f"[bold red]Berkas tidak ditemukan:[/] {plain(', '.join(map(str, missing)))}")
        raise typer.Exit(2)
    files, names = _expand_inputs(files)
    if not files:
        err.print("[bold red]Tidak ada berkas .xlsx/.xlsm di folder yang diberikan.[/]")
        raise typer.Exit(2)
    cfg = _cfg(workspace)
    try:
        results = ingest.validate_files([f.resolve() for f in files], cfg)
    except Exception as exc:
        if _debug():
            raise
        from lkip import safe_fs

        _fail(plain(safe_fs.disk_full_message(exc, files[0].resolve().parent) if safe_fs.is_disk_full(exc)
                    else f"{type(exc).__name__}: {exc}"))
    table = Table(title="Hasil pemeriksaan")
    for col in ("Berkas", "Jenis", "Hasil", "Baris", "Peringatan", "Galat"):
        table.add_column(col, overflow="fold" if col == "Berkas" else "ellipsis")
    any_rejected = False
    details: list[tuple[str, list[str], str | None]] = []
    for name, prep in zip(names, results):
        v = _verdict(prep)
        any_rejected |= v["outcome"] == "rejected"
        style = {"rejected": "red", "accepted_with_warnings": "yellow"}.get(v["outcome"], "green")
        table.add_row(
            plain(name), v["kind"] or "-", f"[{style}]{_label(v['outcome'])}[/]", str(v["n_rows"]),
            str(v["n_warnings"]), str(v["n_errors"]),
        )
        if v["messages"]:
            details.append((name, v["messages"], v["report"]))
    console.print(table)
    # Whole paths and messages (soft_wrap): never cut at the terminal's width.
    for name, msgs, report_path in details:
        console.print(f"[bold]{plain(name)}[/]", soft_wrap=True)
        if report_path:
            console.print(f"  Laporan kesalahan: {plain(report_path)}", soft_wrap=True)
        for m in msgs[:10]:
            console.print(f"  • {plain(m)}", soft_wrap=True)
        if len(msgs) > 10:
            console.print(f"  … dan {len(msgs) - 10} lainnya (lihat laporan kesalahan)")
    raise typer.Exit(1 if any_rejected else 0)


def _expand_inputs(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files as given; a folder gives every .xlsx/.xlsm under it (as a run would find them: not
    processed/ or rejected/, no error reports, temporary or hidden files). Returns (paths, names)."""
    from lkip.ingest import SKIP_DIRS, SKIP_NAME

    files: list[Path] = []
    names: list[str] = []
    for p in paths:
        if not p.is_dir():
            files.append(p)
            names.append(p.name)
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (
                Path(dirpath) == p and d in SKIP_DIRS))
            for fn in sorted(filenames):
                f = Path(dirpath) / fn
                if f.suffix.lower() in (".xlsx", ".xlsm") and not SKIP_NAME.search(fn) and f.is_file():
                    files.append(f)
                    names.append(f.relative_to(p).as_posix())
    return files, names


def _verdict(prep: Any) -> dict[str, Any]:
    """What `lkip validate` shows of one prepared file."""
    errors = [i for i in prep.issues if i.is_error]
    warnings_ = [i for i in prep.issues if not i.is_error]
    return {"outcome": prep.outcome, "kind": prep.kind, "n_rows": prep.n_rows, "n_warnings": len(warnings_),
            "n_errors": len(errors), "messages": [i.text() for i in (errors or warnings_)],
            "report": str(prep.report) if prep.report else None}


@app.command("sql")
def sql_command(
    query: str = typer.Argument(..., help='SQL, mis. "select * from laporan.lampiran_3 limit 10".'),
    workspace: Optional[Path] = WorkspaceOpt,
    output_dir: Optional[Path] = OutputOpt,
    csv_out: bool = typer.Option(False, "--csv", help="Cetak CSV alih-alih tabel."),
    sep: str = typer.Option(",", "--sep", help="Pemisah kolom CSV (mis. ';' untuk Excel berbahasa Indonesia)."),
    max_rows: int = typer.Option(200, "--max-rows", help="Baris paling banyak di tabel (CSV: semua)."),
) -> None:
    """Jalankan satu kueri SQL hanya-baca pada gudang data (tanpa DuckDB CLI)."""
    from lkip.sql_query import QueryError, run_query, write_csv, write_table

    cfg = _cfg(workspace, None, output_dir)
    try:
        columns, rows = run_query(Path(cfg.warehouse), query)
    except QueryError as exc:
        _fail(str(exc))
    if csv_out:
        write_csv(sys.stdout, columns, rows, sep)
    else:
        write_table(console, columns, rows, max_rows)


def template_kinds() -> dict[str, str]:
    """`lkip template <word>` -> the default file's name part, for every template a source kind
    offers (its Reader's ``templates``, lkip.sources)."""
    from lkip import sources

    return {word: word.replace("-", "_") for r in sources.readers() for word in r.templates}


@app.command()
def template(
    kind: str = typer.Argument(..., help="realisasi-fisik | realisasi-fisik-sipd | pk-iku"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Berkas keluaran .xlsx."),
    skpd: Optional[str] = typer.Option(None, "--skpd", help="Kode Perangkat Daerah: form diisi dari Renja/DPA di gudang data."),
    bagian: Optional[str] = typer.Option(None, "--bagian", help="Hanya kegiatan Bagian ini (Penanggung Jawab di Renja)."),
    tahun: Optional[int] = typer.Option(None, "--tahun", help="Tahun anggaran (default: tahun Renja terakhir)."),
    workspace: Optional[Path] = WorkspaceOpt,
) -> None:
    """Tulis templat input (judul kolom, daftar pilihan, petunjuk); dengan --skpd, form realisasi
    kinerja terisi dari Renja/DPA di gudang data."""
    names = template_kinds()
    if kind not in names:
        err.print(f"[bold red]Jenis templat tidak dikenal:[/] {kind!r}; pilih salah satu: {', '.join(names)}")
        raise typer.Exit(2)
    from lkip.extract import templates

    prefill = None
    if skpd or bagian:
        if kind not in ("realisasi-fisik", "realisasi-fisik-sipd") or not skpd:
            err.print("[bold red]--skpd/--bagian hanya untuk templat realisasi-fisik, dan --bagian perlu --skpd[/]")
            raise typer.Exit(2)
        from lkip import template_prefill

        try:
            prefill = template_prefill.load(_cfg(workspace).warehouse, skpd, tahun, bagian)
        except template_prefill.PrefillError as exc:
            _fail(str(exc))
    suffix = re.sub(r"[^\w.-]+", "_", "".join(f"_{x}" for x in (skpd, bagian) if x))
    path = out or Path(f"template_{names[kind]}{suffix}.xlsx")
    written = templates.write_template(kind, path, prefill)
    if prefill is not None:
        console.print(f"Templat ditulis: {written or path} ({len(prefill.rows)} indikator dari Renja/DPA "
                      f"{prefill.kode_skpd} tahun {prefill.tahun}{', ' + prefill.bagian if prefill.bagian else ''})")
    else:
        console.print(f"Templat ditulis: {written or path}")


@app.command()
def watch(
    workspace: Optional[Path] = WorkspaceOpt,
    input_dir: Optional[Path] = InputOpt,
    output_dir: Optional[Path] = OutputOpt,
    stable_seconds: Optional[float] = typer.Option(None, "--stable-seconds", help="Default dari konfigurasi watch.stable_seconds."),
    max_runs: Optional[int] = typer.Option(None, "--max-runs", hidden=True),
) -> None:
    """Jalankan pipeline setiap kali berkas baru selesai disalin ke input/."""
    from lkip import prefect_env
    from lkip.watch import watch_and_run

    cfg = _cfg(workspace, input_dir, output_dir)
    prefect_env.configure(cfg.workspace)
    stable = float(stable_seconds if stable_seconds is not None else cfg.get("watch.stable_seconds", 5))
    console.print(f"Mengawasi {cfg.input_dir} (berkas dianggap selesai setelah stabil {stable:g} detik). Ctrl+C untuk berhenti.")

    def one_run() -> int:
        return run_pipeline(cfg, "run", show_progress=False)

    from lkip import warmup

    warmup.for_later_runs("run")  # the first run starts with the imports done
    import threading

    from flows.runners import keep_publish_worker

    # a re-drop's publish worker, imported once for every run (lkip.publish.standby); started
    # beside the warm-up, not before watching
    keeping = threading.Thread(target=keep_publish_worker, args=(cfg,), name="lkip-publish-standby", daemon=True)
    keeping.start()
    try:
        watch_and_run(cfg, one_run, stable_seconds=stable, max_runs=max_runs, log=console.print)
    except KeyboardInterrupt:
        pass
    finally:
        keeping.join(60)
        from lkip.publish import standby

        standby.close()


@app.command()
def serve(
    workspace: Optional[Path] = WorkspaceOpt,
    input_dir: Optional[Path] = InputOpt,
    output_dir: Optional[Path] = OutputOpt,
    name: str = typer.Option("lkip-malam", "--name", help="Nama deployment."),
    cron: Optional[str] = typer.Option(None, "--cron", help="Default dari konfigurasi schedule.cron."),
    timezone: Optional[str] = typer.Option(None, "--timezone", help="Default dari schedule.timezone."),
) -> None:
    """Jadwal malam: layani flow sebagai deployment Prefect (butuh server Prefect)."""
    from lkip import prefect_env

    cfg = _cfg(workspace, input_dir, output_dir)
    prefect_env.configure(cfg.workspace, quiet_console=False)
    if not prefect_env.api_url_set():
        default = "http://127.0.0.1:4200/api"
        if _healthy(default):
            os.environ["PREFECT_API_URL"] = default
        else:
            _fail(
                "tidak ada server Prefect. Jalankan dulu `lkip prefect-server` (atau set PREFECT_API_URL).\n"
                "No Prefect server: start `lkip prefect-server` first, or set PREFECT_API_URL."
            )
    elif not _healthy(os.environ["PREFECT_API_URL"]):
        _fail(f"server Prefect {os.environ['PREFECT_API_URL']} tidak menjawab. / The Prefect server does not answer.")
    problem = prefect_env.api_problem(os.environ["PREFECT_API_URL"])
    if problem:
        _fail(problem)
    from flows.serve import serve_deployment
    from lkip.supervise import mark_as_parent

    mark_as_parent()  # the flow runs it starts die with it (lkip.supervise)
    try:
        from lkip.notify_automation import ensure_crash_automation

        if ensure_crash_automation(cfg):
            console.print("Automation Prefect `lkip-run-crashed`: run yang berhenti tiba-tiba dikirim ke webhook.")
    except Exception as exc:  # notifications must not keep the schedule from starting
        err.print(f"[yellow]Automation notifikasi tidak dapat dibuat:[/] {type(exc).__name__}: {exc}")
    serve_deployment(cfg, name=name, cron=cron or cfg.get("schedule.cron", "0 1 * * *"),
                     timezone=timezone or cfg.get("schedule.timezone", "Asia/Jakarta"))


@app.command("prefect-server")
def prefect_server(
    workspace: Optional[Path] = WorkspaceOpt,
    port: int = typer.Option(4200, "--port"),
) -> None:
    """Jalankan server Prefect di 127.0.0.1 (basis data di <workspace>/.prefect), atau pakai PREFECT_API_URL."""
    from lkip import prefect_env

    cfg = _cfg(workspace)
    if prefect_env.api_url_set():
        url = os.environ["PREFECT_API_URL"]
        if _healthy(url):
            console.print(f"Server Prefect sudah berjalan di {url}.")
            raise typer.Exit(0)
        _fail(f"PREFECT_API_URL={url} tidak menjawab. / The server in PREFECT_API_URL does not answer.")
    prefect_env.configure(cfg.workspace, quiet_console=False)
    try:  # basic auth when configured, CORS only for its own UI (SECURITY.md)
        secured = prefect_env.server_security(cfg.workspace, port)
    except prefect_env.AuthConfigError as exc:
        _fail(str(exc))
    if not os.environ.get("PREFECT_SERVER_API_AUTH_STRING"):
        err.print("[bold yellow]Peringatan:[/] API Prefect tanpa autentikasi: siapa pun yang dapat membuka "
                  f"127.0.0.1:{port} dapat membuat flow run. Isi prefect.auth_string atau prefect.auth_file "
                  "di lkip.toml (lihat SECURITY.md).")
    elif "PREFECT_SERVER_API_AUTH_STRING" in secured:
        console.print("API Prefect memakai autentikasi dasar (prefect.auth_string / prefect.auth_file).")
    db_url = cfg.get("prefect.database_url")  # e.g. postgresql+asyncpg://user:pass@host/prefect
    if db_url and "PREFECT_SERVER_DATABASE_CONNECTION_URL" not in os.environ:
        os.environ["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = str(db_url)
    os.environ.setdefault("PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT", "false")
    args = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port),
            "--analytics-off"]
    console.print(f"Server Prefect: http://127.0.0.1:{port} (PREFECT_HOME={os.environ['PREFECT_HOME']})")
    from lkip import workspace_server

    workspace_server.record(f"http://127.0.0.1:{port}/api")  # `lkip run`/`watch` of this workspace use it
    sys.stdout.flush()
    from lkip.supervise import run_supervised

    # Our child, not an exec: a signal to this PID reaches the server, and it dies with us.
    raise typer.Exit(run_supervised(args))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
