"""Formatting and atomic writes of the publishers: one module for the whole package, ``lkip.fmt``
(this name stays for code that imported it from here)."""

from lkip.fmt import (  # noqa: F401
    FORMULA_PREFIXES,
    atomic_path,
    file_mode,
    format_angka,
    format_persen,
    format_rupiah,
    is_formula_like,
    neutralise,
    write_bytes_atomic,
    write_text_atomic,
)
