"""The warehouse: one transaction per file, same bytes staged once, newer versions replace older."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from lkip import archiving, ingest, stage
from lkip.config import load_config
from lkip.extract.base import FileMeta
from lkip.issues import error


def _renja(pagu: str, sha: str, tmp: Path, name="renja.xlsx") -> ingest.Prepared:
    path = tmp / "input" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sha.encode() * 10)
    df = pd.DataFrame({
        "urutan": [1, 2],
        "baris_jenis": ["program", "kegiatan"],
        "kode": ["4.01.4.01.03.01", "4.01.4.01.03.01.02"],
        "kode_induk": [None, "4.01.4.01.03.01"],
        "uraian": ["Program A", "Kegiatan B"],
        "indikator": ["I1", "I2"],
        "target": [100.0, 432.0],
        "pagu_perubahan": [Decimal(pagu), Decimal(pagu)],
        "sheet": ["Renja", "Renja"],
        "excel_row": [8, 9],
    })
    return ingest.Prepared(path=path, rel_path=name, sha256=sha, size=path.stat().st_size, kind="renja",
                           meta=FileMeta(kode_skpd="4.01.03", tahun=2020), tables={"renja": df})


@pytest.fixture()
def ws(tmp_path):
    cfg = load_config(workspace=tmp_path)
    con = stage.connect(cfg)
    yield cfg, con, tmp_path
    con.close()


def test_same_bytes_are_staged_once(ws):
    cfg, con, tmp = ws
    first = ingest.stage(con, _renja("5550300020.00", "aaa", tmp), "run1", cfg)
    again = ingest.stage(con, _renja("5550300020.00", "aaa", tmp), "run2", cfg)
    assert first.outcome == ingest.ACCEPTED
    assert again.outcome == ingest.DUPLICATE
    assert con.execute("SELECT count(*) FROM staging.renja").fetchall()[0][0] == 2
    assert con.execute("SELECT count(*) FROM meta.files").fetchall()[0][0] == 1


def test_newer_version_replaces_rows_and_meta_keeps_both(ws):
    cfg, con, tmp = ws
    ingest.stage(con, _renja("100.00", "old", tmp), "run1", cfg)
    ingest.stage(con, _renja("200.00", "new", tmp, "renja_v2.xlsx"), "run2", cfg)
    rows = con.execute("SELECT DISTINCT file_sha256, pagu_perubahan FROM staging.renja").fetchall()
    assert rows == [("new", Decimal("200.00"))]
    files = dict(con.execute("SELECT file_sha256, superseded_by FROM meta.files").fetchall())
    assert files == {"old": "new", "new": None}


def test_money_is_stored_as_decimal(ws):
    cfg, con, tmp = ws
    ingest.stage(con, _renja("23273681020.10", "m", tmp), "run1", cfg)
    typ, val = con.execute("SELECT typeof(pagu_perubahan), pagu_perubahan FROM staging.renja LIMIT 1").fetchall()[0]
    assert typ == "DECIMAL(18,2)" and val == Decimal("23273681020.10")


def test_crash_in_the_middle_of_a_file_leaves_none_of_its_rows(ws):
    cfg, con, tmp = ws
    prep = _renja("100.00", "crash", tmp)
    prep.tables["dukungan_anggaran"] = pd.DataFrame({"indikator": ["x"], "kode_kegiatan": ["1"], "sheet": ["S"], "excel_row": [3]})
    with pytest.raises(RuntimeError):
        stage.insert_file(con, kind="renja", meta=prep.meta, tables=prep.tables, sha256="crash",
                          source_file="r.xlsx", original_path="r.xlsx", size=1, run_id="r", issues=[],
                          outcome="accepted", fail_after_table="renja")
    assert con.execute("SELECT count(*) FROM staging.renja").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM staging.dukungan_anggaran").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM meta.files").fetchall()[0][0] == 0


def test_rejected_file_stages_nothing_and_keeps_its_issues(ws):
    cfg, con, tmp = ws
    prep = _renja("100.00", "bad", tmp)
    prep.issues.append(error("'satu juta' bukan angka", sheet="Renja", excel_row=14, kolom="Nilai", nilai="satu juta"))
    out = ingest.stage(con, prep, "run1", cfg)
    assert out.outcome == ingest.REJECTED
    assert con.execute("SELECT count(*) FROM staging.renja").fetchall()[0][0] == 0
    assert con.execute("SELECT excel_row, kolom, nilai FROM meta.issues").fetchall() == [(14, "Nilai", "satu juta")]
    archived = archiving.archive(prep, out, cfg, con)
    assert archived.archived_to.parent == cfg.rejected_dir / dt.date.today().isoformat()
    assert archived.archived_to.read_bytes() == b"bad" * 10
    txt = archived.archived_to.with_name("renja.xlsx.errors.txt").read_text(encoding="utf-8")
    assert "Baris 14" in txt or "baris 14" in txt
    assert "'satu juta' bukan angka" in txt
    assert archived.archived_to.with_name("renja.xlsx.errors.xlsx").stat().st_size > 0
    assert not prep.path.exists()


def test_sp2d_for_kegiatan_not_in_renja_is_an_error_for_that_row(ws):
    cfg, con, tmp = ws
    ingest.stage(con, _renja("100.00", "r", tmp), "run1", cfg)
    path = tmp / "input" / "sp2d.xlsx"
    path.write_bytes(b"x")
    reg = pd.DataFrame({
        "urutan": [1, 2], "tanggal": [dt.date(2020, 2, 1)] * 2, "nomor_sp2d": ["1", "2"],
        "kode_kegiatan": ["4.01.4.01.03.01.02", "4.01.4.01.03.99.99"], "jenis": ["LS", "LS"],
        "nilai": [Decimal("1.00"), Decimal("2.00")], "sheet": ["Register", "Register"], "excel_row": [7, 8],
    })
    prep = ingest.Prepared(path=path, rel_path="sp2d.xlsx", sha256="s", size=1, kind="register_sp2d",
                           meta=FileMeta(kode_skpd="4.01.03", tahun=2020), tables={"register_sp2d": reg})
    out = ingest.stage(con, prep, "run1", cfg)
    assert out.outcome == ingest.REJECTED
    assert any("4.01.4.01.03.99.99" in m and "baris 8" in m.lower() for m in out.messages)


def test_a_later_rejected_version_does_not_hide_the_accepted_rows(ws):
    from lkip import model

    cfg, con, tmp = ws
    ingest.stage(con, _renja("100.00", "good", tmp), "run1", cfg)
    bad = _renja("200.00", "bad", tmp, "renja_v2.xlsx")
    bad.issues.append(error("'x' bukan angka", sheet="Renja", excel_row=9, kolom="Pagu"))
    assert ingest.stage(con, bad, "run2", cfg).outcome == ingest.REJECTED
    model.build(con, cfg)
    rows = con.execute("SELECT DISTINCT file_sha256 FROM core.stg_renja").fetchall()
    assert rows == [("good",)]


def _register_rows(arrow: bool) -> pd.DataFrame:
    """The same SP2D rows as the row reader gives them (object columns of Decimal, date, str) or
    as the column-wise reader does (Arrow-backed columns)."""
    import pyarrow as pa

    tanggal = [dt.date(2020, 1, 2), None, dt.date(2020, 12, 31)]
    nilai = [Decimal("301000000.00"), Decimal("23273681020.10"), None]
    kode = ["4.01.4.01.03.01.02", None, "4.01.4.01.03.01.02"]
    data = {
        "urutan": pd.array([1, 2, 3], dtype="Int64"),
        "no": ["1", "2", None],
        "tanggal": tanggal,
        "nomor_sp2d": ["0000001/SP2D-UP/4.01.03/2020", "0000002/SP2D-LS/4.01.03/2020", "x"],
        "kode_kegiatan": kode,
        "uraian": ["Uang Persediaan", "Belanja \"ATK\" \\ bulan Januari", None],
        "jenis": ["UP", "LS", None],
        "nilai": nilai,
        "has_kode_kegiatan": [True, True, True],
        "sheet": ["Register SP2D"] * 3,
        "excel_row": pd.array([7, 8, 10], dtype="Int64"),
    }
    if arrow:
        data["tanggal"] = pd.Series(tanggal, dtype=pd.ArrowDtype(pa.date32()))
        data["nilai"] = pd.Series(pa.array(nilai, pa.decimal128(18, 2)).to_pandas(types_mapper=pd.ArrowDtype))
        for col in ("no", "nomor_sp2d", "uraian", "sheet"):
            data[col] = pd.Series(data[col], dtype="str")
        data["kode_kegiatan"] = pd.Series(kode, dtype=pd.ArrowDtype(pa.string()))
        data["jenis"] = pd.Series(data["jenis"], dtype=pd.ArrowDtype(pa.large_string()))
    else:
        for col in ("no", "nomor_sp2d", "uraian", "jenis", "sheet"):
            data[col] = pd.Series(data[col], dtype=object)
        data["tanggal"] = pd.Series(tanggal, dtype=object)
        data["nilai"] = pd.Series(nilai, dtype=object)
        data["kode_kegiatan"] = pd.Series(kode, dtype=object)
    return pd.DataFrame(data)


@pytest.mark.parametrize("arrow", [False, True])
def test_arrow_backed_and_object_columns_stage_the_same_rows(tmp_path, arrow):
    frames = {}
    for kind in (arrow, not arrow):
        cfg = load_config(workspace=tmp_path / str(kind))
        con = stage.connect(cfg)
        try:
            path = tmp_path / f"sp2d_{kind}.xlsx"
            path.write_bytes(b"x")
            prep = ingest.Prepared(path=path, rel_path="sp2d.xlsx", sha256="s", size=1, kind="register_sp2d",
                                   meta=FileMeta(kode_skpd="4.01.03", tahun=2020),
                                   tables={"register_sp2d": _register_rows(kind)})
            stage.insert_file(con, kind="register_sp2d", meta=prep.meta, tables=prep.tables, sha256="s",
                              source_file="sp2d.xlsx", original_path="sp2d.xlsx", size=1, run_id="r",
                              issues=[], outcome="accepted")
            cols = stage.staging_columns(con, "register_sp2d")
            typed = ", ".join(f"typeof({c}), {c}" for c in cols)
            frames[kind] = con.execute(f"SELECT {typed} FROM staging.register_sp2d ORDER BY urutan").fetchall()
        finally:
            con.close()
    assert frames[True] == frames[False]
    row = dict(zip(cols, frames[arrow][1][1::2]))
    assert row["nilai"] == Decimal("23273681020.10") and row["tanggal"] is None
    assert row["uraian"] == 'Belanja "ATK" \\ bulan Januari' and row["kode_kegiatan"] is None
    assert (row["file_sha256"], row["source_file"], row["run_id"], row["kode_skpd"], row["tahun"]) == \
        ("s", "sp2d.xlsx", "r", "4.01.03", 2020)
    types = dict(zip(cols, frames[arrow][0][0::2]))
    assert (types["nilai"], types["tanggal"], types["kode_kegiatan"], types["excel_row"]) == \
        ("DECIMAL(18,2)", "DATE", "VARCHAR", "INTEGER")


def test_a_column_arrow_cannot_convert_is_staged_as_before(ws):
    """Mixed Python values in one object column (no Arrow type fits): the frame goes in through
    pandas, as it always did (DuckDB makes text of them)."""
    cfg, con, tmp = ws
    df = pd.DataFrame({"indikator": pd.Series([1, "dua", None], dtype=object), "kode_kegiatan": ["1", "2", "3"],
                       "sheet": ["S"] * 3, "excel_row": [3, 4, 5]})
    stage.insert_file(con, kind="renja", meta=FileMeta(kode_skpd="K", tahun=2020), tables={"dukungan_anggaran": df},
                      sha256="h", source_file="f.xlsx", original_path="f.xlsx", size=1, run_id="r", issues=[],
                      outcome="accepted")
    assert con.execute("SELECT indikator, kode_kegiatan, excel_row, tahun FROM staging.dukungan_anggaran "
                       "ORDER BY excel_row").fetchall() == [("1", "1", 3, 2020), ("dua", "2", 4, 2020),
                                                            (None, "3", 5, 2020)]


def test_raw_rows_of_a_column_read_sheet_are_built_in_the_insert(ws, tmp_path):
    import pickle

    import numpy as np
    import pyarrow as pa

    cfg, con, tmp = ws
    cells = pa.table({"a": ["No", "1", "JUMLAH", "2", None], "b": ["Uraian", 'x "y"', None, None, "z"]})
    parts = [
        # rows 1 and 3 of the text table (Excel rows 6 and 8), in sheet order: kept by a mask
        stage.RawCells(sheet="S", tabel="register_sp2d", cells=cells, positions=np.array([1, 3]), origin=5, lead=1),
        # out of order: taken
        stage.RawCells(sheet="S", tabel="t2", cells=cells, positions=np.array([4, 1]), origin=5, lead=0),
    ]
    parts = pickle.loads(pickle.dumps(parts))       # Prepared.raw crosses process boundaries
    stage.insert_file(con, kind="register_sp2d", meta=FileMeta(kode_skpd="K", tahun=2020), tables={},
                      sha256="h", source_file="f.xlsx", original_path="f.xlsx", size=1, run_id="r", issues=[],
                      outcome="accepted", raw_rows=parts)
    got = con.execute("SELECT file_sha256, source_file, sheet, excel_row, run_id, kode_skpd, tahun, kind, tabel, "
                      "nilai::VARCHAR FROM raw.baris ORDER BY tabel, excel_row").fetchall()
    lineage = ("h", "f.xlsx", "S")
    rest = ("r", "K", 2020, "register_sp2d")
    assert got == [
        (*lineage, 6, *rest, "register_sp2d", '["","1","x \\"y\\""]'),
        (*lineage, 8, *rest, "register_sp2d", '["","2",""]'),
        (*lineage, 6, *rest, "t2", '["1","x \\"y\\""]'),
        (*lineage, 9, *rest, "t2", '["","z"]'),
    ]


def test_commits_go_to_the_wal_and_the_checkpoint_comes_at_close(tmp_path):
    """A staged file is durable at its commit (in the write-ahead log); the tables are rewritten
    once the WAL passes [warehouse] checkpoint_threshold, or when the run closes the warehouse."""
    import duckdb

    cfg = load_config(workspace=tmp_path)
    con = stage.connect(cfg)
    assert con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0] == "256.0 MiB"
    ingest.stage(con, _renja("5550300020.00", "aaa", tmp_path), "run1", cfg)
    wal = Path(str(cfg.warehouse) + ".wal")
    assert wal.exists() and wal.stat().st_size > 0          # committed, not yet checkpointed
    con.close()
    assert not wal.exists() or wal.stat().st_size == 0      # checkpointed when closed
    again = duckdb.connect(str(cfg.warehouse), read_only=True)
    assert again.execute("SELECT count(*) FROM staging.renja").fetchone()[0] == 2
    again.close()
