"""Code execution through the Prefect API (issue 16, point 1), unit level: sandboxed templates
confined to the workspace, a served flow run held to the served folders, and the API's basic
auth (passed by the commands, a refusal said in one Indonesian line). The same attack against a
real server and `lkip serve` is in test_server_security.py (`make test-server`)."""

from __future__ import annotations

import base64
import contextlib
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import jinja2
import pytest

from lkip import api_guard, prefect_env
from lkip.config import load_config
from lkip.publish.narrative import make_env

pytestmark = pytest.mark.timeout(120)

PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.system('id > MARKER') }}",
    "{{ joiner.__init__.__globals__.os.popen('id > MARKER').read() }}",
    "{{ lipsum.__globals__['os'].system('id > MARKER') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}{{ namespace.__init__.__globals__.os.system('id > MARKER') }}",
    "{% set x = self._TemplateReference__context %}{{ x.cycler.__init__.__globals__.os.system('id > MARKER') }}",
]


@contextlib.contextmanager
def saved_environ():
    before = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


# ---- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ssti_payload_in_a_workspace_template_does_not_execute(tmp_path, payload):
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    marker = tmp_path / "pwned"
    (ws / "templates" / "narasi_iku.txt.j2").write_text(payload.replace("MARKER", str(marker)), encoding="utf-8")
    env = make_env(load_config(ws))
    assert isinstance(env, jinja2.sandbox.SandboxedEnvironment)
    tmpl = env.get_template("narasi_iku.txt.j2")
    assert tmpl.filename.startswith(str((ws / "templates").resolve()))   # the workspace's own is used
    with contextlib.suppress(jinja2.exceptions.SecurityError, jinja2.exceptions.UndefinedError):
        tmpl.render(iku={}, unit=None, r={}, facts=[])
    assert not marker.exists()


def test_the_html_page_env_is_sandboxed_too(tmp_path):
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    marker = tmp_path / "pwned_html"
    (ws / "templates" / "laporan.html.j2").write_text(PAYLOADS[0].replace("MARKER", str(marker)), encoding="utf-8")
    from lkip.publish import html

    with pytest.raises((jinja2.exceptions.SecurityError, jinja2.exceptions.UndefinedError)):
        html.make_env(load_config(ws)).get_template("laporan.html.j2").render()
    assert not marker.exists()


def test_template_folder_outside_the_workspace_is_not_used(tmp_path):
    outside = tmp_path / "lain"
    outside.mkdir()
    (outside / "narasi_iku.txt.j2").write_text("DARI LUAR", encoding="utf-8")
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "lkip.toml").write_text(f'[publish]\ntemplates = "{outside}"\n', encoding="utf-8")
    bundled = str(Path(__file__).resolve().parents[1] / "lkip" / "templates")
    assert make_env(load_config(ws)).get_template("narasi_iku.txt.j2").filename.startswith(bundled)
    # a link inside the workspace pointing out is resolved, and refused the same way
    (ws / "lkip.toml").write_text('[publish]\ntemplates = "tautan"\n', encoding="utf-8")
    (ws / "tautan").symlink_to(outside, target_is_directory=True)
    assert make_env(load_config(ws)).get_template("narasi_iku.txt.j2").filename.startswith(bundled)
    # unless the operator allows that folder
    (ws / "lkip.toml").write_text(f'[publish]\ntemplates = "{outside}"\n[security]\nallowed_roots = ["{outside}"]\n')
    assert make_env(load_config(ws)).get_template("narasi_iku.txt.j2").render() == "DARI LUAR"


# ---- served flow runs ----------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path, monkeypatch):
    ws = tmp_path / "layanan"
    ws.mkdir()
    (tmp_path / "izin").mkdir()
    (ws / "lkip.toml").write_text(f'[security]\nallowed_roots = ["{tmp_path / "izin"}"]\n')
    for key in (api_guard.SERVED_WORKSPACE, api_guard.SERVED_INPUT, api_guard.SERVED_OUTPUT, api_guard.ALLOWED_ROOTS):
        monkeypatch.delenv(key, raising=False)
    cfg = load_config(ws)
    with saved_environ():
        api_guard.mark_served(cfg)
        yield cfg


def test_a_served_run_with_a_foreign_workspace_is_refused(served, tmp_path):
    evil = tmp_path / "asing"
    (evil / "templates").mkdir(parents=True)
    with pytest.raises(api_guard.ParameterRefused) as ei:
        api_guard.check_flow_parameters(str(evil), None, None)
    msg = str(ei.value)
    assert "Flow run ditolak" in msg and "workspace" in msg and str(evil) in msg and str(served.workspace) in msg
    for kw in ({"input_dir": "/etc"}, {"output_dir": str(tmp_path / "keluar")}):
        with pytest.raises(api_guard.ParameterRefused):
            api_guard.check_flow_parameters(None, kw.get("input_dir"), kw.get("output_dir"))
    # a link under an allowed root that points out is resolved first
    (tmp_path / "izin" / "tautan").symlink_to(evil, target_is_directory=True)
    with pytest.raises(api_guard.ParameterRefused):
        api_guard.check_flow_parameters(str(tmp_path / "izin" / "tautan"), None, None)


def test_a_served_run_gets_the_served_folders(served, tmp_path):
    assert api_guard.check_flow_parameters(None, None, None) == (
        str(served.workspace), str(served.input_dir), str(served.output_dir))
    assert api_guard.check_flow_parameters(str(served.workspace), "", None)[0] == str(served.workspace)
    other = tmp_path / "izin" / "kota"
    other.mkdir()
    assert api_guard.check_flow_parameters(str(other), None, None) == (str(other), None, None)
    # the allowed workspace's own lkip.toml may not point its folders elsewhere
    (other / "lkip.toml").write_text('[paths]\noutput = "/tmp"\n')
    with pytest.raises(api_guard.ParameterRefused):
        api_guard.check_effective(load_config(other))


@pytest.mark.parametrize("mode, run_id", [("hapus", None), ("run", "../../etc/x"), ("run", "a/b"), ("run", "x" * 101)])
def test_mode_and_run_id_are_checked(mode, run_id):
    with pytest.raises(api_guard.ParameterRefused):
        api_guard.check_flow_parameters(None, None, None, mode, run_id)


def test_runs_from_a_shell_keep_their_options(tmp_path, monkeypatch):
    monkeypatch.delenv(api_guard.SERVED_WORKSPACE, raising=False)
    assert api_guard.check_flow_parameters(str(tmp_path), "/x", "/y", "run", "20261207T010000-1-ab") == (
        str(tmp_path), "/x", "/y")


# ---- authentication --------------------------------------------------------------------------------


def test_auth_from_config_file_and_environment(tmp_path, monkeypatch):
    for key in ("PREFECT_API_AUTH_STRING", "PREFECT_SERVER_API_AUTH_STRING"):
        monkeypatch.delenv(key, raising=False)
    assert prefect_env.configured_auth(tmp_path) is None
    (tmp_path / "lkip.toml").write_text('[prefect]\nauth_string = "lkip:rahasia"\n')
    assert prefect_env.configured_auth(tmp_path) == "lkip:rahasia"
    (tmp_path / "auth").write_text("lkip:dari-berkas\n")
    (tmp_path / "lkip.toml").write_text('[prefect]\nauth_string = "lkip:rahasia"\nauth_file = "auth"\n')
    assert prefect_env.configured_auth(tmp_path) == "lkip:dari-berkas"
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "env:menang")
    assert prefect_env.configured_auth(tmp_path) == "env:menang"
    monkeypatch.delenv("PREFECT_API_AUTH_STRING")
    (tmp_path / "lkip.toml").write_text('[prefect]\nauth_string = "tanpa-titik-dua"\n')
    with pytest.raises(prefect_env.AuthConfigError, match="pengguna:sandi"):
        prefect_env.configured_auth(tmp_path)


def test_configure_passes_the_auth_and_the_server_requires_it(tmp_path):
    (tmp_path / "lkip.toml").write_text('[prefect]\nauth_string = "lkip:rahasia"\n')
    with saved_environ():
        for key in list(os.environ):
            if key.startswith("PREFECT_"):
                del os.environ[key]
        prefect_env.configure(tmp_path)
        assert os.environ["PREFECT_API_AUTH_STRING"] == "lkip:rahasia"
        prefect_env.server_security(tmp_path, 4200)
        assert os.environ["PREFECT_SERVER_API_AUTH_STRING"] == "lkip:rahasia"
        origins = os.environ["PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS"]
        assert "*" not in origins and origins == "http://127.0.0.1:4200,http://localhost:4200"
        # and Prefect reads them under these names
        code = ("import prefect.settings as s; c = s.get_current_settings(); "
                "print(c.server.api.auth_string.get_secret_value(), c.api.auth_string.get_secret_value(), "
                "c.server.api.cors_allowed_origins)")
        out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True)
        assert out.stdout.split() == ["lkip:rahasia", "lkip:rahasia", origins], out.stderr[-2000:]


class _Api(http.server.BaseHTTPRequestHandler):
    """Answers like Prefect's API with basic auth 'lkip:benar': /health open, the rest 401."""

    def do_GET(self):
        good = "Basic " + base64.b64encode(b"lkip:benar").decode()
        ok = self.path.endswith("/health") or self.headers.get("Authorization") == good
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'"3.9.1"' if ok else b'{"exception_message": "Unauthorized"}')

    def log_message(self, *a):
        pass


@pytest.fixture
def fake_api():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/api"
    srv.shutdown()


def test_api_problem_says_missing_or_wrong_auth_in_one_line(fake_api, monkeypatch):
    monkeypatch.setattr(prefect_env, "AUTH_ERROR", None)
    monkeypatch.delenv("PREFECT_API_AUTH_STRING", raising=False)
    assert "meminta autentikasi" in prefect_env.api_problem(fake_api)
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "lkip:salah")
    assert "menolak autentikasi" in prefect_env.api_problem(fake_api)
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "lkip:benar")
    assert prefect_env.api_problem(fake_api) is None


@pytest.mark.parametrize("toml, expected", [("", "meminta autentikasi"),
                                            ('[prefect]\nauth_string = "lkip:salah"\n', "menolak autentikasi")])
def test_lkip_serve_against_an_authenticated_server_fails_in_one_indonesian_line(tmp_path, fake_api, toml, expected):
    (tmp_path / "lkip.toml").write_text(toml)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "LKIP_"))}
    env["PREFECT_API_URL"] = fake_api
    lkip = Path(sys.executable).with_name("lkip")
    r = subprocess.run([str(lkip), "serve", "-w", str(tmp_path)], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert expected in r.stderr and "Traceback" not in r.stderr + r.stdout
