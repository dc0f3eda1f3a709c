"""`make run` without DATABASE_URL: the embedded SQLite file of a first try serves every role's
main pages with the demo loaded, though the suite itself runs on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
from django.test import Client
from campaign.models import Campaign, Staff
call_command("migrate", verbosity=0)
call_command("seed_demo", password="demo-password-1", verbosity=0)
report = f"/campaigns/{Campaign.objects.current().slug}/report/"
paths = ["/", "/leaderboard/", "/leaderboard/?level=departments", "/visits/", "/visits/new/",
         "/ideas/", "/challenge/", "/notifications/"]
answers = {}
for username in ["demo-staff", "demo-manager", "demo-coordinator"]:
    client = Client(HTTP_ACCEPT_LANGUAGE="fi")
    client.force_login(Staff.objects.get(username=username))
    for path in paths + ([report] if username == "demo-coordinator" else []):
        answers[f"{username} {path}"] = client.get(path).status_code
print(json.dumps(answers))
"""


def test_every_roles_main_pages_answer_on_the_embedded_sqlite(tmp_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kylaan.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "campaign.settings",
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "true",  # as `make run` serves it: static files from static/, no manifest
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    failing = {page: status for page, status in answers.items() if status != 200}
    assert not failing, failing
