"""The Jinja2 environment is made once per process for the same template folders and files."""

from __future__ import annotations

import os

from lkip.config import load_config
from lkip.publish.narrative import make_env


def test_one_environment_until_the_workspace_templates_change(tmp_path):
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    config = load_config(ws)
    env = make_env(config)
    assert make_env(load_config(ws)) is env  # templates compiled once for every unit
    # an officer adds a template to the workspace: used at once, not the bundled one kept in memory
    (ws / "templates" / "narasi_iku.txt.j2").write_text("TEMPLAT SENDIRI", encoding="utf-8")
    env2 = make_env(config)
    assert env2 is not env
    assert env2.get_template("narasi_iku.txt.j2").render() == "TEMPLAT SENDIRI"
    # and changes it
    path = ws / "templates" / "narasi_iku.txt.j2"
    path.write_text("TEMPLAT BARU", encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert make_env(config).get_template("narasi_iku.txt.j2").render() == "TEMPLAT BARU"
