"""The library versions the pipeline is written for (issue 2 item 8): pinned in pyproject, checked here."""

from importlib.metadata import version

import duckdb
import pandas as pd


def _major_minor(name: str) -> tuple[int, int]:
    major, minor = version(name).split(".")[:2]
    return int(major), int(minor)


def test_pandas_3_with_string_dtype():
    assert _major_minor("pandas")[0] == 3
    s = pd.Series(["4.01.03", None])
    assert str(s.dtype) == "str"          # pandas 3: text is the string dtype, not object
    assert s.isna().tolist() == [False, True]


def test_duckdb_2_results_are_fetched_from_the_connection():
    assert _major_minor("duckdb")[0] == 2
    con = duckdb.connect()
    # DuckDB 2 relations have no fetchone(); the pipeline fetches via con.execute(...).fetchall().
    assert con.execute("SELECT 1").fetchall() == [(1,)]
    assert not hasattr(con.sql("SELECT 1"), "fetchone")


def test_pandera_pandas_namespace():
    assert _major_minor("pandera") >= (0, 24)
    import pandera.pandas as pa

    assert hasattr(pa, "DataFrameModel")
