"""The staged tables, each declared once (``base.Table``), one module per source: ``renja``,
``lra``, ``register_sp2d``, ``realisasi_fisik``, ``pk_iku`` (seven tables of one workbook)."""
