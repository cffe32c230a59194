"""A new workspace's temporary Prefect server starts from a migrated database kept as a template."""

from __future__ import annotations

import sqlite3

import pytest

from lkip import prefect_db


def _db(path, rows=("x",)):
    con = sqlite3.connect(path)
    con.execute("create table alembic_version (version_num text)")
    con.executemany("insert into alembic_version values (?)", [(r,) for r in rows])
    con.commit()
    con.close()


def _rows(path):
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("select version_num from alembic_version")]
    finally:
        con.close()


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for var in (*prefect_db.URL_VARS, "LKIP_PREFECT_DB_TEMPLATE"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "cache"


def test_first_workspace_keeps_the_template_the_next_starts_from_it(cache, tmp_path):
    first, second = tmp_path / "ws1" / ".prefect", tmp_path / "ws2" / ".prefect"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    assert prefect_db.seed(first) == "fresh"  # no template yet: Prefect migrates
    _db(first / "prefect.db", ["head"])  # what the server created
    template = prefect_db.save_template(first)
    assert template is not None and template.parent == cache / "lkip"
    assert prefect_db.seed(second) == "seeded"
    assert _rows(second / "prefect.db") == ["head"]
    # a workspace that has its database keeps it
    _db(second / "other.db")
    assert prefect_db.seed(first) == "existing"
    assert _rows(first / "prefect.db") == ["head"]
    # the template is written once
    _db(tmp_path / "newer.db", ["newer"])
    assert prefect_db.save_template(tmp_path) is None


def test_no_template_with_a_database_elsewhere_or_turned_off(cache, tmp_path, monkeypatch):
    home = tmp_path / ".prefect"
    home.mkdir()
    _db(home / "prefect.db")
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", "postgresql+asyncpg://db/prefect")
    assert prefect_db.save_template(home) is None
    assert not (cache / "lkip").exists()
    monkeypatch.delenv("PREFECT_SERVER_DATABASE_CONNECTION_URL")
    monkeypatch.setenv("LKIP_PREFECT_DB_TEMPLATE", "0")
    assert prefect_db.save_template(home) is None
    monkeypatch.delenv("LKIP_PREFECT_DB_TEMPLATE")
    assert prefect_db.save_template(home) is not None
    fresh = tmp_path / "ws" / ".prefect"
    fresh.mkdir(parents=True)
    monkeypatch.setenv("LKIP_PREFECT_DB_TEMPLATE", "0")
    assert prefect_db.seed(fresh) == "existing" and not (fresh / "prefect.db").exists()


def test_checks_off_only_for_a_database_at_the_templates_revision(cache, tmp_path, monkeypatch):
    for var in prefect_db.START_SWITCHES:
        monkeypatch.delenv(var, raising=False)
    made = tmp_path / "made"
    made.mkdir()
    _db(made / "prefect.db", ["head"])
    home = tmp_path / ".prefect"
    home.mkdir()
    assert prefect_db.start_settings(home) == {}  # no database, no template: Prefect's own checks
    assert prefect_db.save_template(made) is not None
    assert prefect_db.seed(home) == "seeded"
    assert prefect_db.start_settings(home) == {k: "false" for k in prefect_db.START_SWITCHES}
    # the user's own choice wins
    assert prefect_db.start_settings(home, {"PREFECT_API_BLOCKS_REGISTER_ON_START": "true"}) == {
        "PREFECT_API_DATABASE_MIGRATE_ON_START": "false"}
    # another revision (a database of an older Prefect) or a file that is no database: checks on
    older = tmp_path / "older"
    older.mkdir()
    _db(older / "prefect.db", ["old"])
    assert prefect_db.start_settings(older) == {}
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "prefect.db").write_bytes(b"not a database")
    assert prefect_db.start_settings(broken) == {}
    monkeypatch.setenv("LKIP_PREFECT_DB_TEMPLATE", "0")
    assert prefect_db.start_settings(home) == {}


def test_the_registration_memo_goes_off_only_with_the_registration(cache, tmp_path, monkeypatch):
    """The memo imports every Prefect collection to hash block types: useless when nothing is
    registered, kept whenever the registration still runs."""
    for var in (*prefect_db.START_SWITCHES, "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION"):
        monkeypatch.delenv(var, raising=False)
    made = tmp_path / "made"
    made.mkdir()
    _db(made / "prefect.db", ["head"])
    assert prefect_db.save_template(made) is not None
    home = tmp_path / ".prefect"
    home.mkdir()
    assert prefect_db.seed(home) == "seeded"
    assert prefect_db.start_settings(home)[prefect_db.MEMOIZE] == "false"
    assert prefect_db.MEMOIZE not in prefect_db.start_settings(home, {prefect_db.REGISTER: "true"})
    assert prefect_db.MEMOIZE not in prefect_db.start_settings(home, {"PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "true"})
    # the user turned the registration off: its memo can go too
    assert prefect_db.start_settings(home, {prefect_db.REGISTER: "false"})[prefect_db.MEMOIZE] == "false"
    other = tmp_path / "other"
    other.mkdir()
    _db(other / "prefect.db", ["old"])
    assert prefect_db.start_settings(other) == {}   # a database to migrate: every check as Prefect does
