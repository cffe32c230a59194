"""`output/index.html`: the page an officer opens to see what happened to the file they dropped.

Written at the end of every run (atomically, every text HTML-escaped by Jinja2's autoescape) from
the run reports in `output/runs/*.json` and the published reports under `output/<tahun>/<kode>/`:
the last runs, every file's outcome with a link to its error report, and a link to each SKPD's
report. Nothing here imports prefect or opens the warehouse.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment

from lkip.runreport import OUTCOME_LABELS, STATUS_LABELS, atomic_write_text, error_reports

MAX_RUNS = 20

TEMPLATE = """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LKIP — hasil run</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.n { text-align: right; }
.accepted { color: #176117; } .accepted_with_warnings { color: #8a6100; }
.rejected, .failed { color: #b00020; font-weight: bold; } .duplicate, .skipped { color: #555; }
.status-failed, .status-completed_with_rejections { color: #b00020; font-weight: bold; }
.msg { font-size: 0.9em; color: #444; margin: 0; padding-left: 1.2rem; }
</style>
</head>
<body>
<h1>LKIP — hasil run</h1>
<p>Diperbarui {{ generated }}. Berkas yang ditolak dipindahkan ke <code>{{ rejected_dir }}</code> beserta
laporan kesalahannya: perbaiki berkasnya, lalu letakkan kembali di <code>{{ input_dir }}</code>.</p>

<h2>Laporan per SKPD</h2>
{% if reports %}
<table>
<tr><th>Tahun</th><th>Kode SKPD</th><th>Laporan</th><th>Folder</th></tr>
{% for r in reports %}
<tr><td>{{ r.tahun }}</td><td>{{ r.kode }}</td><td><a href="{{ r.href }}">{{ r.name }}</a></td>
<td><a href="{{ r.folder_href }}">{{ r.folder }}</a></td></tr>
{% endfor %}
</table>
{% else %}
<p>Belum ada laporan yang diterbitkan.</p>
{% endif %}

<h2>Run terakhir</h2>
{% if runs %}
<table>
<tr><th>Run</th><th>Mulai</th><th>Selesai</th><th>Status</th><th>Berkas</th><th>Baris dimuat</th><th>Laporan run</th></tr>
{% for run in runs %}
<tr><td><a href="#run-{{ run.run_id }}">{{ run.run_id }}</a></td><td>{{ run.started_at }}</td><td>{{ run.finished_at }}</td>
<td class="status-{{ run.status }}">{{ run.status_label }}</td><td class="n">{{ run.files_seen }}</td>
<td class="n">{{ run.rows_staged }}</td><td><a href="{{ run.json_href }}">JSON</a></td></tr>
{% endfor %}
</table>

{% for run in runs %}
<h3 id="run-{{ run.run_id }}">Run {{ run.run_id }} — {{ run.status_label }}</h3>
{% if run.error %}<p class="failed">Kesalahan: {{ run.error }}</p>{% endif %}
{% if run.files %}
<table>
<tr><th>Berkas</th><th>Jenis</th><th>SKPD</th><th>Tahun</th><th>Hasil</th><th>Baris</th><th>Peringatan</th><th>Galat</th><th>Disimpan di</th><th>Laporan kesalahan</th></tr>
{% for f in run.files %}
<tr><td>{{ f.name }}</td><td>{{ f.kind or "-" }}</td><td>{{ f.kode_skpd or "-" }}</td><td>{{ f.tahun or "-" }}</td>
<td class="{{ f.outcome }}">{{ f.label }}</td><td class="n">{{ f.n_rows }}</td><td class="n">{{ f.n_warnings }}</td>
<td class="n">{{ f.n_errors }}</td>
<td>{% if f.archived_href %}<a href="{{ f.archived_href }}">{{ f.archived_to }}</a>{% else %}{{ f.archived_to or "-" }}{% endif %}</td>
<td>{% for e in f.error_reports %}<a href="{{ e.href }}">{{ e.name }}</a>{% if not loop.last %}<br>{% endif %}{% else %}-{% endfor %}
{% if f.messages %}<ul class="msg">{% for m in f.messages %}<li>{{ m }}</li>{% endfor %}</ul>{% endif %}</td></tr>
{% endfor %}
</table>
{% else %}
<p>Tidak ada berkas baru.</p>
{% endif %}
{% endfor %}
{% else %}
<p>Belum ada run.</p>
{% endif %}
</body>
</html>
"""


def _href(target: Path, base: Path) -> str:
    """A link from `base` (the folder of index.html) to `target`: relative when possible."""
    try:
        rel = os.path.relpath(target, base)
    except ValueError:  # another drive on Windows
        return Path(target).resolve().as_uri()
    rel = quote(Path(rel).as_posix(), safe="/")
    return rel if rel.startswith(".") else "./" + rel  # never read as a scheme (javascript:...)


def load_runs(runs_dir: Path, limit: int = MAX_RUNS) -> list[dict[str, Any]]:
    """The newest run reports first (run ids sort by time)."""
    runs = []
    if not Path(runs_dir).is_dir():
        return runs
    for p in sorted(Path(runs_dir).glob("*.json"), reverse=True):
        if len(runs) >= limit:
            break
        try:
            runs.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return runs


def published_reports(output_dir: Path) -> list[dict[str, Any]]:
    out = []
    for p in sorted(Path(output_dir).glob("*/*/laporan_*.html")):
        tahun, kode = p.parent.parent.name, p.parent.name
        out.append({"tahun": tahun, "kode": kode, "name": p.name, "href": _href(p, output_dir),
                    "folder": f"{tahun}/{kode}/", "folder_href": _href(p.parent, output_dir) + "/"})
    out.sort(key=lambda r: (r["tahun"], r["kode"] == "kota", r["kode"]), reverse=False)
    return out


def _file_row(f: dict[str, Any], output_dir: Path) -> dict[str, Any]:
    archived = f.get("archived_to")
    row = dict(f)
    row["label"] = OUTCOME_LABELS.get(f.get("outcome") or "", f.get("outcome") or "")
    row["archived_href"] = _href(Path(archived), output_dir) if archived else None
    row["error_reports"] = []
    for report in error_reports(f):
        row["error_reports"].append({"name": Path(report).name, "href": _href(Path(report), output_dir)})
    row["messages"] = (f.get("messages") or [])[:5] if f.get("outcome") in ("rejected", "failed") else []
    return row


def render(output_dir: Path, input_dir: Path, runs: list[dict[str, Any]]) -> str:
    output_dir = Path(output_dir)
    view_runs = []
    for r in runs:
        view_runs.append({
            **r,
            "status_label": STATUS_LABELS.get(r.get("status") or "", r.get("status") or ""),
            "json_href": _href(output_dir / "runs" / f"{r.get('run_id')}.json", output_dir),
            "files": [_file_row(f, output_dir) for f in r.get("files", []) or []],
        })
    env = Environment(autoescape=True)
    return env.from_string(TEMPLATE).render(
        generated=dt.datetime.now().astimezone().strftime("%d-%m-%Y %H:%M"),
        rejected_dir=str(Path(input_dir) / "rejected"), input_dir=str(input_dir),
        reports=published_reports(output_dir), runs=view_runs,
    )


def write_index(cfg: Any) -> Path:
    """Write output/index.html from the run reports; returns its path."""
    output_dir = Path(cfg.output_dir)
    html = render(output_dir, Path(cfg.input_dir), load_runs(cfg.runs_dir))
    return atomic_write_text(output_dir / "index.html", html)
