"""Issue 15.1: a newer form replaces the rows it holds, not the SKPD's whole form; a replacement
that removes rows or codes says so (run messages, the file's issues, meta.files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lkip import ingest, model, stage
from lkip.config import load_config
from tests.xlsx_builders import build_lra, build_renja, form_sheet, lra_records, renja_records, write_sheets

# One line per Renja indicator (tests/xlsx_builders.renja_records): kegiatan, indicator, target, satuan.
FORM_ROWS = [
    ("4.01.4.01.03.01.02", "Jumlah rekening telepon, Air, Listrik", 432, "Rekening", 108, 108, 108, 100),
    ("4.01.4.01.03.01.02", "Terfasilitasinya Pelayanan Administrasi Perkantoran", None, None, 1, 1, 1, 1),
    ("4.01.4.01.03.01.03", "Jumlah peralatan dan perlengkapan yang tersedia", 83113, "Unit", 20000, 20000, 20000, 10000),
    ("4.01.4.01.03.01.03", "Jumlah Kegiatan", 720, "Kegiatan", 180, 180, 180, 150),
    ("4.01.4.01.03.01.03", "Cetak foto", 3600, "Kegiatan", 900, 900, 900, 800),
    ("4.01.4.01.03.29.01", "Raperda yang disusun", 12, "Raperda", 3, 3, 3, 2),
    ("4.01.4.01.03.29.01", "Raperda yang sudah di asistensi", 5, "Raperda", 1, 1, 1, 1),
    ("4.01.4.01.03.29.35", "SBM Kota Bekasi", 1, "Dokumen", None, None, None, 1),
    ("4.01.4.01.03.29.35", "Keputusan Wali Kota tentang SBM", 1, "Dokumen", None, None, 1, 1),
    ("4.01.4.01.03.29.36", "Laporan Monitoring", 12, "Laporan", 3, 3, 3, 3),
]


def _form(path: Path, rows) -> Path:
    data = [[n, r[0], None, r[1], r[2], r[3], *r[4:]] for n, r in enumerate(rows, 1)]
    write_sheets(path, {"Form": form_sheet(data)})
    return path


class Workspace:
    def __init__(self, root: Path):
        self.cfg = load_config(workspace=root)
        self.root = root
        self.con = stage.connect(self.cfg)
        self.n = 0

    def drop(self, build, name: str, *args, **kw) -> ingest.FileOutcome:
        self.n += 1
        folder = self.root / "input" / f"drop{self.n}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        build(path, *args, **kw)
        prep = ingest.prepare(path, self.cfg)
        return ingest.stage(self.con, prep, f"run{self.n}", self.cfg)

    def build(self) -> None:
        model.build(self.con, self.cfg)

    def laporan(self) -> dict[str, list[tuple]]:
        """Every laporan table's rows, without lineage columns, in a stable order."""
        out = {}
        tables = [r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'laporan' ORDER BY 1").fetchall()]
        for t in tables:
            cols = [r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema='laporan' AND table_name=? "
                "ORDER BY ordinal_position", [t]).fetchall()]
            keep = [c for c in cols if c not in ("file_sha256", "source_file", "run_id", "sheet", "excel_row")]
            sel = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in keep)
            out[t] = sorted(self.con.execute(f'SELECT {sel} FROM laporan."{t}"').fetchall(), key=repr)
        return out


@pytest.fixture()
def ws_factory(tmp_path):
    made = []

    def make(name: str) -> Workspace:
        w = Workspace(tmp_path / name)
        made.append(w)
        return w

    yield make
    for w in made:
        w.con.close()


def _renja(path: Path, records=None) -> None:
    build_renja(path, records)


def test_three_per_bagian_forms_make_the_same_report_as_one_complete_form(ws_factory):
    whole = ws_factory("whole")
    whole.drop(_renja, "renja.xlsx")
    assert whole.drop(_form, "form.xlsx", FORM_ROWS).outcome == ingest.ACCEPTED
    whole.build()

    split = ws_factory("split")
    split.drop(_renja, "renja.xlsx")
    outcomes = [split.drop(_form, f"form_bagian_{i}.xlsx", part)
                for i, part in enumerate((FORM_ROWS[:2], FORM_ROWS[2:7], FORM_ROWS[7:]), 1)]
    assert [o.outcome for o in outcomes] == [ingest.ACCEPTED] * 3
    split.build()

    assert split.con.execute("SELECT count(*) FROM core.form").fetchone()[0] == len(FORM_ROWS)
    assert split.con.execute("SELECT count(*) FROM meta.files WHERE superseded_by IS NOT NULL").fetchone()[0] == 0
    got, want = split.laporan(), whole.laporan()
    assert got.keys() == want.keys() and "lampiran_3" in "".join(got)
    for name in want:
        assert got[name] == want[name], name
    # the realisation of the kegiatan of the last Bagian is there (Lampiran III did not fall)
    k = split.con.execute("SELECT k_realisasi FROM core.realisasi_fisik WHERE indikator = 'Laporan Monitoring'").fetchone()
    assert k == (3.0,)


def test_a_one_row_correction_changes_only_that_row(ws_factory):
    w = ws_factory("w")
    w.drop(_renja, "renja.xlsx")
    w.drop(_form, "form.xlsx", FORM_ROWS)
    w.build()
    before = w.con.execute("SELECT kode_kegiatan, indikator, k_tw1, k_tw2, k_tw3, k_tw4 FROM core.form "
                           "ORDER BY kode_kegiatan, indikator").fetchall()
    fixed = list(FORM_ROWS[5])
    fixed[4:8] = [4, 4, 4, 4]
    out = w.drop(_form, "koreksi.xlsx", [tuple(fixed)])
    assert out.outcome == ingest.ACCEPTED, out.messages
    w.build()
    after = w.con.execute("SELECT kode_kegiatan, indikator, k_tw1, k_tw2, k_tw3, k_tw4 FROM core.form "
                          "ORDER BY kode_kegiatan, indikator").fetchall()
    assert len(after) == len(before) == len(FORM_ROWS)
    changed = [(b, a) for b, a in zip(before, after) if b != a]
    assert changed == [(("4.01.4.01.03.29.01", "Raperda yang disusun", 3.0, 3.0, 3.0, 2.0),
                        ("4.01.4.01.03.29.01", "Raperda yang disusun", 4.0, 4.0, 4.0, 4.0))]
    # staging keeps every row of both files; neither file is superseded as a whole
    assert w.con.execute("SELECT count(*) FROM staging.realisasi_fisik").fetchone()[0] == len(FORM_ROWS) + 1
    assert w.con.execute("SELECT count(*) FROM meta.files WHERE superseded_by IS NOT NULL").fetchone()[0] == 0


def test_a_complete_form_after_the_partial_ones_supersedes_them(ws_factory):
    w = ws_factory("w")
    w.drop(_renja, "renja.xlsx")
    w.drop(_form, "a.xlsx", FORM_ROWS[:3])
    w.drop(_form, "b.xlsx", FORM_ROWS[3:])
    w.drop(_form, "lengkap.xlsx", FORM_ROWS)
    rows = w.con.execute("SELECT source_file, superseded_by IS NOT NULL FROM meta.files WHERE kind = 'realisasi_fisik' "
                         "ORDER BY source_file").fetchall()
    assert rows == [("a.xlsx", True), ("b.xlsx", True), ("lengkap.xlsx", False)]
    assert w.con.execute("SELECT count(*) FROM staging.realisasi_fisik").fetchone()[0] == len(FORM_ROWS)


def test_a_renja_replaced_by_one_with_fewer_rows_says_what_is_gone(ws_factory):
    w = ws_factory("w")
    assert w.drop(_renja, "renja.xlsx").outcome == ingest.ACCEPTED
    old_rows = w.con.execute("SELECT n_rows FROM meta.files WHERE source_file = 'renja.xlsx'").fetchone()[0]
    short = renja_records()[:6]            # program 01 with its two kegiatan only
    out = w.drop(_renja, "renja_baru.xlsx", short)
    assert out.outcome == ingest.ACCEPTED_WITH_WARNINGS
    new_rows = w.con.execute("SELECT n_rows FROM meta.files WHERE source_file = 'renja_baru.xlsx'").fetchone()[0]
    msg = [m for m in out.messages if m.startswith("menggantikan ")]
    assert msg and msg[0].startswith(f"menggantikan renja.xlsx: {old_rows} → {new_rows} baris, 3 kegiatan tidak ada lagi")
    assert "4.01.4.01.03.29.36" in msg[0]
    note, n_warn = w.con.execute("SELECT penggantian, n_warnings FROM meta.files WHERE source_file = 'renja_baru.xlsx'").fetchone()
    assert note.startswith("menggantikan renja.xlsx") and n_warn == 1
    issues = w.con.execute("SELECT severity, pesan FROM meta.issues WHERE source_file = 'renja_baru.xlsx'").fetchall()
    assert [s for s, p in issues if p.startswith("menggantikan ")] == ["warning"]


def test_an_lra_replaced_by_one_with_fewer_rows_warns_and_a_complete_one_does_not(ws_factory):
    w = ws_factory("w")
    w.drop(build_lra, "lra.xlsx")
    same = w.drop(build_lra, "lra_ulang.xlsx", lra_records(), title=None, total=True, sheet="LRA TW1")
    assert same.outcome == ingest.ACCEPTED, same.messages
    out = w.drop(build_lra, "lra_sebagian.xlsx", lra_records()[:6])
    assert out.outcome == ingest.ACCEPTED_WITH_WARNINGS
    assert any(m.startswith("menggantikan lra_ulang.xlsx: ") and "1 kegiatan tidak ada lagi (4.01.4.01.03.02.12)" in m for m in out.messages), out.messages


def test_the_run_summary_shows_the_replacement_warning(capsys):
    from rich.console import Console

    from lkip import runreport

    rec = {"name": "renja_baru.xlsx", "kind": "renja", "outcome": "accepted_with_warnings", "n_rows": 6,
           "n_warnings": 1, "messages": ["menggantikan renja.xlsx: 15 → 6 baris, 3 kegiatan tidak ada lagi"]}
    report = runreport.build_report("r1", runreport.now_iso(), "completed", [rec], {})
    console = Console(record=True, width=200)
    runreport.print_summary(report, console)
    assert "menggantikan renja.xlsx: 15 → 6 baris" in console.export_text()


def test_staging_order_keeps_the_order_given_within_a_kind():
    """A rebuild gives the archived files in archive order: a later form must stay later even
    when its name sorts first (it replaces the rows it holds)."""
    from lkip.extract.base import FileMeta

    def prep(name: str, kind: str) -> ingest.Prepared:
        return ingest.Prepared(path=Path(name), rel_path=name, sha256=name, size=1, kind=kind,
                               meta=FileMeta(kode_skpd="4.01.03", tahun=2020))

    given = [prep("z_form_lama.xlsx", "realisasi_fisik"), prep("a_form_koreksi.xlsx", "realisasi_fisik"),
             prep("renja.xlsx", "renja")]
    assert [p.rel_path for p in ingest.sort_for_staging(given)] == [
        "renja.xlsx", "z_form_lama.xlsx", "a_form_koreksi.xlsx"]
