"""A DuckDB warehouse with `laporan` tables built from examples/bekasi-setda-2020/expected.json.

Nested values of expected.json are flattened the way a SQL view would give them: tabel_3_1 is split
into per-IKU rows plus `tabel_3_1_sasaran` / `tabel_3_1_rata_rata`; the kegiatan of
tabel_3_efisiensi become `tabel_3_efisiensi_kegiatan`; tabel_2_1 targets become `target_<year>`
columns; tabel_3_renstra keeps `realisasi_lalu` as a DuckDB MAP (the publisher flattens it).
Money columns are DECIMAL(18,2) as in the warehouse.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "examples" / "bekasi-setda-2020" / "expected.json"
KODE = "4.01.03"
TAHUN = 2020
FORMULA_TEXT = '=HYPERLINK("http://contoh.invalid/x","klik")'
FORMULA_AKIP = "@SUM(1+1)"

MONEY = {"pagu", "pagu_murni", "pagu_perubahan", "rp_realisasi", "realisasi_rp"}
MONEY_PREFIX = ("kas_tw", "rp_tw")


def _type(table: str, col: str, values: list[Any]) -> str:
    if col in MONEY or col.startswith(MONEY_PREFIX) or (col == "realisasi" and table in (
            "tabel_3_31", "tabel_3_efisiensi", "tabel_3_efisiensi_kegiatan")):
        return "DECIMAL(18,2)"
    seen = [v for v in values if v is not None]
    if seen and all(isinstance(v, bool) for v in seen):
        return "BOOLEAN"
    if seen and all(isinstance(v, int) and not isinstance(v, bool) for v in seen) and col in (
            "no", "iku_no", "jumlah_iku", "tahun_akhir_renstra", "jumlah_opd", "jumlah_b_ke_atas",
            "jumlah_bumd", "jumlah_sehat"):
        return "INTEGER"
    if seen and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in seen):
        return "DOUBLE"
    return "VARCHAR"


def _create(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict[str, Any]],
            kode: str = KODE, types: dict[str, str] | None = None) -> None:
    cols: list[str] = []
    for r in rows:
        cols.extend(c for c in r if c not in cols)
    types = types or {}
    decl = [f'"{c}" {types.get(c) or _type(name, c, [r.get(c) for r in rows])}' for c in cols]
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema='laporan' and table_name=?", [name]
    ).fetchone()[0]
    if not exists:
        con.execute(f'create table laporan."{name}" ({", ".join(decl)}, tahun INTEGER, kode_skpd VARCHAR, '
                    's_d_triwulan INTEGER)')
    placeholders = ", ".join("?" for _ in range(len(cols) + 3))
    con.executemany(
        f'insert into laporan."{name}" ({", ".join(chr(34) + c + chr(34) for c in cols)}, tahun, kode_skpd, '
        f's_d_triwulan) values ({placeholders})',
        [[r.get(c) for c in cols] + [TAHUN, kode, 4] for r in rows],
    )


def build_warehouse(path: Path, with_kota: bool = True) -> Path:
    data = json.loads(EXPECTED.read_text(encoding="utf-8"))["tables"]
    con = duckdb.connect(str(path))
    con.execute("create schema laporan")

    lamp = [dict(r) for r in data["lampiran_3"]]
    for r in lamp:  # a formula-looking name must stay text everywhere
        if r["kode"] == "4.01.4.01.03.01.01" and r["level"] == "kegiatan":
            r["uraian"] = FORMULA_TEXT
    plain = ["tabel_2_3", "tabel_2_4", "tabel_2_5", "tabel_3_30", "tabel_3_31", "tabel_3_32",
             "tabel_4_1", "tabel_3_program_ind"]
    _create(con, "lampiran_3", lamp)
    for t in plain:
        _create(con, t, data[t])

    _create(con, "tabel_2_1", [
        {k: v for k, v in r.items() if k != "target"} | {f"target_{y}": x for y, x in r["target"].items()}
        for r in data["tabel_2_1"]
    ])
    t31 = data["tabel_3_1"]
    _create(con, "tabel_3_1", t31["iku"])
    _create(con, "tabel_3_1_sasaran", t31["sasaran"])
    _create(con, "tabel_3_1_rata_rata", [{"uraian": "Rata-rata capaian IKU",
                                          "rata_rata_capaian_pct": t31["rata_rata_capaian_pct"],
                                          "predikat": t31["predikat"]}])
    _create(con, "tabel_3_efisiensi", [{k: v for k, v in r.items() if k != "kegiatan"}
                                       for r in data["tabel_3_efisiensi"]])
    _create(con, "tabel_3_efisiensi_kegiatan", [{"no": r["no"], **k} for r in data["tabel_3_efisiensi"]
                                                for k in r["kegiatan"]])
    renstra = [{**r, "realisasi_lalu": {int(y): float(v) for y, v in r["realisasi_lalu"].items()}}
               for r in data["tabel_3_renstra"]]
    _create(con, "tabel_3_renstra", renstra, types={"realisasi_lalu": "MAP(INTEGER, DOUBLE)"})
    for tid, key in (("tabel_3_skm", "unit"), ("tabel_3_akip", "opd"), ("tabel_3_bumd", "bumd")):
        rows = [dict(r) for r in data[tid][key]]
        if tid == "tabel_3_akip":
            rows[1]["perangkat_daerah"] = FORMULA_AKIP
        _create(con, tid, rows)
        _create(con, f"{tid}_ringkasan", [{k: v for k, v in data[tid].items() if k != key}])

    if with_kota:  # a small city consolidation: budget tables only
        for t in ("lampiran_3", "tabel_2_4", "tabel_3_31"):
            _create(con, t, data[t], kode="KOTA")

    con.execute("create schema meta")
    con.execute("create table meta.files (file_sha256 VARCHAR, source_file VARCHAR, kode_skpd VARCHAR, "
                "tahun INTEGER)")
    con.execute("create table meta.issues (file_sha256 VARCHAR, run_id VARCHAR, severity VARCHAR, "
                "sheet VARCHAR, excel_row INTEGER, kolom VARCHAR, nilai VARCHAR, diharapkan VARCHAR, "
                "pesan VARCHAR)")
    con.execute("insert into meta.files values ('abc', 'renja_perubahan_2020.xlsx', ?, ?)", [KODE, TAHUN])
    con.execute("insert into meta.issues values ('abc', 'r1', 'warning', 'Renja', 57, 'Target', '=1+2', "
                "'> 0', 'Target 0: capaian dihitung 0 %')")
    con.close()
    return path


def copy_skpd_rows(con: duckdb.DuckDBPyConnection, codes: tuple[str, ...], source: str = KODE) -> None:
    """Every laporan view's rows of `source` again under each of `codes`: a city of several SKPD."""
    views = [r[0] for r in con.execute(
        "select table_name from information_schema.columns where table_schema = 'laporan' "
        "and column_name = 'kode_skpd'").fetchall()]
    for v in views:
        for kode in codes:
            con.execute(f'insert into laporan."{v}" select * replace (? as kode_skpd) '
                        f'from laporan."{v}" where kode_skpd = ?', [kode, source])


def fresh_copy(template: Path, tmp: Path) -> Path:
    """A copy of a template warehouse for one test (tests change the warehouse)."""
    target = tmp / "wh" / "lkip.duckdb"
    target.parent.mkdir(parents=True)
    shutil.copyfile(template, target)
    return target


def spy_split(monkeypatch) -> list[tuple[str, bool]]:
    """lkip.publish.runner.run_job_split, watched: (unit folder, whether part of it ran in the
    flow's process) for each unit it split, as they come."""
    import lkip.publish.runner as runner

    calls: list[tuple[str, bool]] = []
    real = runner.run_job_split

    def spy(job, output_dir, config, submit, here=None):
        calls.append((job.unit.folder, here is not None))
        return real(job, output_dir, config, submit, here)

    monkeypatch.setattr(runner, "run_job_split", spy)
    return calls


def picture(data: bytes) -> list[tuple[bytes, bytes]]:
    """A PNG as what it shows: its chunks, the image data inflated. Two encodings of the same
    pixels may differ in their deflate bytes (lkip/publish/png.py: ISA-L's stream for the same
    rows was seen to differ in one byte between two processes, inflating to the same rows)."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, i, idat = [], 8, b""
    while i < len(data):
        n = struct.unpack(">I", data[i:i + 4])[0]
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        if kind == b"IDAT":
            idat += body
        else:
            chunks.append((kind, body))
        i += 12 + n
    return chunks + [(b"IDAT", zlib.decompress(idat))]


def same_published_file(a: Path, b: Path, rel: str) -> bool:
    """Whether two published files say the same: PNGs (and the pictures a page embeds) by what
    they show, any other file byte for byte."""
    import base64
    import re

    if rel.endswith(".png"):
        return picture(a.read_bytes()) == picture(b.read_bytes())
    if rel.endswith(".html"):
        def shown(text: str) -> str:
            return re.sub(r"data:image/png;base64,([A-Za-z0-9+/=]+)",
                          lambda m: repr(picture(base64.b64decode(m.group(1)))), text)

        return shown(a.read_text(encoding="utf-8")) == shown(b.read_text(encoding="utf-8"))
    return a.read_bytes() == b.read_bytes()
