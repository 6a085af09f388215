import os
import subprocess
import sys
from typing import Any

import pytest

from jixiao import cli


def _settings_with(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import json, jixiao.settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        " 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER') if hasattr(s, k)}))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    import json

    return json.loads(out.stdout)


def test_https_turns_on_secure_cookies_hsts_and_redirect() -> None:
    plain = _settings_with({"JIXIAO_SECURE": "0"})
    assert plain == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
    }
    secure = _settings_with({"JIXIAO_SECURE": "1"})
    assert secure["SESSION_COOKIE_SECURE"] and secure["CSRF_COOKIE_SECURE"] and secure["SECURE_SSL_REDIRECT"]
    assert secure["SECURE_HSTS_SECONDS"] >= 31536000
    assert secure["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_bad_setting_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="JIXIAO_SECURE"):
        _settings_with({"JIXIAO_SECURE": "yes please"})


@pytest.mark.django_db
def test_the_jixiao_command_wraps_the_management_commands(monkeypatch: Any, capsys: Any) -> None:
    monkeypatch.setattr(sys, "argv", ["jixiao", "demo", "--if-empty"])
    cli.main()
    assert "演示账号" in capsys.readouterr().out
    monkeypatch.setattr(sys, "argv", ["jixiao", "worker", "--help"])
    with pytest.raises(SystemExit):
        cli.main()
    assert "--batch" in capsys.readouterr().out
