"""staging.renja: the Renja/DPA lines (lkip.extract.renja)."""

from __future__ import annotations

from lkip.tables.base import BOOLEAN, INTEGER, MONEY, NUMBER, TEXT, Column, Table

BARIS_JENIS = ("program", "indikator_program", "kegiatan", "indikator")
CARA_HITUNG = ("jumlah", "terakhir", "rata-rata")
MONEY_COLUMNS = ("pagu_murni", "pagu_perubahan", "kas_tw1", "kas_tw2", "kas_tw3", "kas_tw4")
# The money columns' names in officers' messages (Column.label).
MONEY_LABELS = {"pagu_murni": "Pagu Murni", "pagu_perubahan": "Pagu Perubahan",
                **{f"kas_tw{i}": f"Anggaran Kas TW {i}" for i in range(1, 5)}}

RENJA = Table("renja", (
    Column("urutan", INTEGER, nullable=False, doc="order in the file"),
    Column("baris_jenis", TEXT, nullable=False, isin=BARIS_JENIS,
           doc="row kind (`indikator`: a continuation row, a further indicator of the kegiatan above; "
               "in a three-level SIPD plan also of a program)"),
    Column("kode", TEXT, nullable=False, label="Kode Rekening",
           doc="own code; for `indikator_program` the program's code, for `indikator` the kegiatan's code"),
    Column("kode_induk", TEXT, required=False,
           doc="parent code (program of a kegiatan; kegiatan of a sub kegiatan); NULL for programs"),
    Column("uraian", TEXT, doc="name (NULL on indikator rows)", label="Uraian"),
    Column("indikator", TEXT, label="Indikator Kinerja"),
    Column("target", NUMBER, ge=0, label="Target"),
    Column("satuan", TEXT, label="Satuan"),
    Column("cara_hitung", TEXT, isin=CARA_HITUNG, doc="`jumlah` when blank", label="Cara Hitung"),
    *(Column(m, MONEY, ge=0, doc="NULL on continuation rows, and where a parent row leaves it blank (computed)",
             label=MONEY_LABELS[m]) for m in MONEY_COLUMNS),
    Column("penanggung_jawab", TEXT),
    Column("dokumen", TEXT, isin=("renja", "dpa")),
    Column("is_perubahan", BOOLEAN),
), doc="one row per Renja/DPA line that carries an indicator or an amount")
