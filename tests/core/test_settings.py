"""Settings from the environment (production refuses to start half-configured) and the
security headers every page answers with.

The subprocess tests start the real `crewdesk` command with a clean environment: a SQLite file
in tmp_path, never the test database (PostgreSQL or not), and none of pytest-env's defaults.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
HOST = "crewdesk.example.com"
ONE_YEAR = 60 * 60 * 24 * 365


def crewdesk(
    tmp_path: Path, *args: str, timeout: int = 60, **env_vars: str
) -> subprocess.CompletedProcess:
    """Run `crewdesk ARGS` (crewdesk/cli.py, the console script's entry point) with only
    `env_vars` set, its data in tmp_path."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),  # this checkout, whatever is installed
        "CREWDESK_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'crewdesk.sqlite3'}",
        **env_vars,
    }
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-m", "crewdesk.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def output(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def production_env(**overrides: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "HTTPS": "1",
        "TRUSTED_PROXIES": "1",  # the README's TLS proxy in front
        **overrides,
    }


def shell(tmp_path: Path, code: str, **env_vars: str):
    """Run Python in `crewdesk shell` and return what its last line printed, read as JSON."""
    result = crewdesk(tmp_path, "shell", "--no-imports", "-c", code, **env_vars)
    assert result.returncode == 0, output(result)
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- check --deploy ----------------------------------------------------------------------------


def test_production_settings_pass_check_deploy(tmp_path):
    result = crewdesk(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, output(result)
    assert "no issues" in result.stdout, output(result)


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"HTTPS": "0"}, "security.W008"),  # no SSL redirect
        ({"HTTPS": "0"}, "security.W004"),  # no HSTS
        ({"DEBUG": "1"}, "security.W018"),
        ({"SECRET_KEY": "short-and-guessable"}, "security.W009"),
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"TRUSTED_PROXIES": "0"}, "crewdesk.W001"),  # HTTPS behind an undeclared proxy
    ],
)
def test_check_deploy_catches_a_weakened_production_config(tmp_path, overrides, check_id):
    """The passing run above means something: weaken one knob and check --deploy fails."""
    result = crewdesk(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production_env(**overrides)
    )
    assert result.returncode != 0, output(result)
    assert check_id in result.stdout + result.stderr, output(result)


# --- SECRET_KEY --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["check"], ["check", "--deploy"], ["migrate"]])
def test_production_without_secret_key_refuses_to_start(tmp_path, command):
    result = crewdesk(tmp_path, *command, DEBUG="0", ALLOWED_HOSTS=HOST, HTTPS="1")
    assert result.returncode == 1, output(result)
    # One line saying what to do, not a traceback.
    assert result.stderr.splitlines() == [
        "crewdesk: Set SECRET_KEY (or DEBUG=1 for a development key)."
    ], output(result)
    assert not (tmp_path / "data" / "secret_key").exists()


def test_production_with_empty_secret_key_refuses_to_start(tmp_path):
    result = crewdesk(tmp_path, "check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS=HOST)
    assert result.returncode != 0, output(result)
    assert "Set SECRET_KEY" in result.stderr, output(result)


PRINT_SECRET_KEY = (
    "import json; from django.conf import settings; print(json.dumps(settings.SECRET_KEY))"
)


def test_development_makes_a_secret_key_once_and_keeps_it(tmp_path):
    first = shell(tmp_path, PRINT_SECRET_KEY, DEBUG="1")
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text().strip() == first
    assert len(first) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600

    assert shell(tmp_path, PRINT_SECRET_KEY, DEBUG="1") == first

    # Another data dir, another key: it is made, not a constant in the code.
    other = tmp_path / "other"
    other.mkdir()
    assert shell(other, PRINT_SECRET_KEY, DEBUG="1") != first


def test_a_given_secret_key_wins_in_development(tmp_path):
    assert shell(tmp_path, PRINT_SECRET_KEY, DEBUG="1", SECRET_KEY="k" * 60) == "k" * 60
    assert not (tmp_path / "data" / "secret_key").exists()


# --- HTTPS drives HSTS, the SSL redirect and secure cookies ------------------------------------

PRINT_HTTPS_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    name: getattr(settings, name)
    for name in [
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    ]
}))
"""

HTTPS_ON = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": ONE_YEAR,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}
HTTPS_OFF = {
    "SECURE_SSL_REDIRECT": False,
    "SECURE_HSTS_SECONDS": 0,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
    "SECURE_HSTS_PRELOAD": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
}


@pytest.mark.parametrize(
    ("env_vars", "expected"),
    [
        ({"DEBUG": "0", "SECRET_KEY": "k" * 60}, HTTPS_ON),  # production: HTTPS by default
        ({"DEBUG": "0", "SECRET_KEY": "k" * 60, "HTTPS": "1"}, HTTPS_ON),
        ({"DEBUG": "0", "SECRET_KEY": "k" * 60, "HTTPS": "0"}, HTTPS_OFF),
        ({"DEBUG": "1"}, HTTPS_OFF),  # development: plain HTTP by default
    ],
)
def test_https_setting_drives_the_transport_security_settings(tmp_path, env_vars, expected):
    assert shell(tmp_path, PRINT_HTTPS_SETTINGS, **env_vars) == expected


REQUESTS_AS_A_BROWSER = f"""
import json
from django.test import Client
client = Client(HTTP_HOST="{HOST}")
https = client.get("/healthz", secure=True)
http = client.get("/healthz")
proxied = client.get("/healthz", headers={{"x-forwarded-proto": "https"}})
root = client.get("/")
print(json.dumps({{
    "https": [https.status_code, https.headers.get("Strict-Transport-Security")],
    "http": [http.status_code, http.headers.get("Strict-Transport-Security")],
    "proxied": [proxied.status_code, proxied.headers.get("Strict-Transport-Security")],
    "root": [root.status_code, root.headers.get("Location")],
}}))
"""


def test_hsts_and_redirect_are_sent_when_https_is_on(tmp_path):
    answers = shell(tmp_path, REQUESTS_AS_A_BROWSER, **production_env())
    hsts = f"max-age={ONE_YEAR}; includeSubDomains; preload"
    assert answers["https"] == [200, hsts]
    assert answers["proxied"] == [200, hsts]  # TLS ended at the proxy (SECURE_PROXY_SSL_HEADER)
    assert answers["http"] == [200, None]  # /healthz is exempt from the redirect; no HSTS on HTTP
    assert answers["root"] == [301, f"https://{HOST}/"]


def test_forwarded_proto_is_believed_only_from_a_declared_proxy(tmp_path):
    """Issue 10 #15: without a proxy in front, any client could claim X-Forwarded-Proto."""
    answers = shell(tmp_path, REQUESTS_AS_A_BROWSER, **production_env(TRUSTED_PROXIES="0"))
    assert answers["proxied"] == [200, None]  # plain HTTP, whatever the header says
    assert (
        shell(
            tmp_path,
            "import json; from django.conf import settings;"
            " print(json.dumps(settings.SECURE_PROXY_SSL_HEADER))",
            **production_env(TRUSTED_PROXIES="0"),
        )
        is None
    )


def test_no_hsts_and_no_redirect_when_https_is_off(tmp_path):
    answers = shell(tmp_path, REQUESTS_AS_A_BROWSER, **production_env(HTTPS="0"))
    assert answers["https"] == [200, None]
    assert answers["http"] == [200, None]
    assert answers["root"] == [302, "/app/"]  # the app's own redirect, not to HTTPS


# --- headers on pages (in process, with the test settings: HTTPS=0) ----------------------------


def test_pages_send_security_headers(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no inline or eval'd script
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_logged_in_pages_send_security_headers(client_as, owner):
    response = client_as(owner).get("/app/")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_hsts_with_https_off(client, db):
    assert settings.SECURE_HSTS_SECONDS == 0  # pyproject's test env: HTTPS=0
    assert "Strict-Transport-Security" not in client.get("/login/", secure=True).headers


@override_settings(
    SECURE_HSTS_SECONDS=ONE_YEAR, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_hsts_only_over_https(client, db):
    """With HTTPS's values (see the subprocess test above for where they come from), HSTS
    goes on secure answers only: a browser ignores it over HTTP anyway."""
    secure = client.get("/login/", secure=True)
    assert secure.headers["Strict-Transport-Security"] == (
        f"max-age={ONE_YEAR}; includeSubDomains; preload"
    )
    assert "Strict-Transport-Security" not in client.get("/login/").headers


# --- the dev outbox ----------------------------------------------------------------------------


def test_dev_outbox_does_not_exist_without_debug(client, client_as, owner):
    assert settings.DEBUG is False
    assert client.get("/dev/outbox/").status_code == 404
    assert client_as(owner).get("/dev/outbox/").status_code == 404


@override_settings(DEBUG=True)
def test_dev_outbox_opens_with_debug(client, db):
    """The 404 above comes from DEBUG, not from a broken page."""
    assert client.get("/dev/outbox/").status_code == 200
