"""`lkip_run`'s parameters reach Prefect's API as they are, without FastAPI's encoder (which
imported FastAPI in every `lkip run`); any other value still goes through Prefect's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
from pathlib import PurePosixPath
from lkip import prefect_env
prefect_env.configure(sys.argv[1])
from flows import pipeline
params = {"workspace": "/ws", "input_dir": None, "output_dir": "/ws/output", "tahun": 2020,
          "kode_skpd": None, "mode": "run", "run_id": "r1", "force": False}
assert pipeline.lkip_run.serialize_parameters(params) == params
assert "fastapi" not in sys.modules, "FastAPI imported for plain parameters"
other = pipeline.lkip_run.serialize_parameters({"workspace": PurePosixPath("/ws"), "tahun": 2020})
assert other == {"workspace": "/ws", "tahun": 2020}, other
print("ok")
"""


def test_plain_parameters_without_fastapi_and_others_through_prefect(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True,
                       env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"
