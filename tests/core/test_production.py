"""The README's "Running in production" steps, run as they are written: `DEBUG=0`, hashed static
files (STATIC_MANIFEST's production default), a fresh SQLite file in tmp_path. The steps come
from the README itself, so a change there is tested here.

The server line (gunicorn) is replaced by Django's test client in `crewdesk shell`, which goes
through the same WSGI handler and middleware (WhiteNoise included)."""

import re
import shlex
from pathlib import Path

from tests.core.test_settings import HOST, ROOT, crewdesk, output, production_env, shell

README = ROOT / "README.md"


def readme_production_commands() -> list[list[str]]:
    """The `crewdesk ...` lines of the README's production block, without their comments."""
    text = README.read_text()
    block = re.search(r"## Running in production\s+```sh\n(.*?)```", text, re.S)
    assert block, "the README has no 'Running in production' block"
    commands = []
    for line in block.group(1).replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "crewdesk":
            commands.append(words[1:])
    return commands


# The pages every role's first visit renders, logged in as the company's owner, and the login
# page; each links static files, which must be the hashed names collectstatic wrote.
RENDER_PAGES = """
import json, re
from django.test import Client
from crewdesk.accounts.models import User
browser = Client(HTTP_HOST="%(host)s")
answers = {"login": browser.get("/login/", secure=True)}
browser.force_login(User.objects.get(username="%(owner)s"))
for path in ("/app/", "/app/clients/", "/app/jobs/", "/app/schedule/", "/api/v1/docs"):
    answers[path] = browser.get(path, secure=True)
static = sorted({
    link for answer in answers.values()
    for link in re.findall(r'(?:src|href)="(/static/[^"]+)"', answer.content.decode())
})
files = {link: browser.get(link, secure=True).status_code for link in static}
print(json.dumps({
    "status": {name: answer.status_code for name, answer in answers.items()},
    "static": files,
}))
"""


def test_the_readme_production_steps_work(tmp_path: Path):
    env = production_env(STATIC_ROOT=str(tmp_path / "static"))
    commands = readme_production_commands()
    names = [command[0] for command in commands]
    assert names[:4] == ["check", "migrate", "collectstatic", "create_company"], names
    for command in commands:
        if command[0] == "db_worker":  # runs until stopped
            continue
        # collectstatic compresses every file: slow on a busy machine
        result = crewdesk(tmp_path, *command, timeout=300, **env)
        assert result.returncode == 0, f"crewdesk {shlex.join(command)}\n{output(result)}"

    owner = commands[3][commands[3].index("--owner-username") + 1]
    answers = shell(tmp_path, RENDER_PAGES % {"host": HOST, "owner": owner}, **env)

    assert answers["status"] == {
        "login": 200,
        "/app/": 200,
        "/app/clients/": 200,
        "/app/jobs/": 200,
        "/app/schedule/": 200,
        "/api/v1/docs": 200,
    }
    assert any("chart.umd.min." in link for link in answers["static"])  # the home's chart
    for link, status in answers["static"].items():
        # Hashed by the manifest (name.0123456789ab.ext) and served by WhiteNoise.
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", link), link
        assert status == 200, link
