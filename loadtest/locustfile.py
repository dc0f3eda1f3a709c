"""The users of `make loadtest`: signed-in staff members who look at the campaign's pages and log
visits through the form, now and then sending the same form twice as a double click does.

Run by `python -m loadtest`, which sets LOADTEST_SESSIONS (a signed-in session for each user, in
the cookie LOADTEST_SESSION_COOKIE), LOADTEST_CLIENTS, LOADTEST_DAY (of the visits) and
LOADTEST_ACKNOWLEDGED (the file where every visit the server acknowledged is written, by its
submission token, for the check that each is stored exactly once).
"""

import itertools
import os
import random
import re

from locust import HttpUser, between, events, task

SESSIONS = os.environ.get("LOADTEST_SESSIONS", "").split(",")
SESSION_COOKIE = os.environ.get("LOADTEST_SESSION_COOKIE", "sessionid")
CLIENTS = os.environ.get("LOADTEST_CLIENTS", "").split(",")
ACKNOWLEDGED = os.environ.get("LOADTEST_ACKNOWLEDGED", "acknowledged.txt")
DAY = os.environ.get("LOADTEST_DAY", "")
# One form in this many is sent a second time, as a double click or a retry after a time-out does.
RESENT = 5

_sessions = itertools.cycle(SESSIONS)
acknowledged: list[str] = []


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


class StaffMember(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.client.cookies.set(SESSION_COOKIE, next(_sessions))

    @task(4)
    def front_page(self):
        self.client.get("/", name="front page")

    @task(3)
    def leaderboard(self):
        self.client.get("/leaderboard/", name="leaderboard")

    @task(2)
    def visit_list(self):
        self.client.get("/visits/", name="visit list")

    @task(2)
    def idea_list(self):
        self.client.get("/ideas/", name="idea list")

    @task(3)
    def log_a_visit(self):
        form = self.client.get("/visits/new/", name="visit form")
        data = {
            "csrfmiddlewaretoken": _hidden(form.text, "csrfmiddlewaretoken"),
            "submission_token": _hidden(form.text, "submission_token"),
            "client": random.choice(CLIENTS),
            "visited_on": DAY,
            "minutes": "60",
            "is_remote": "False",
            "listened_most": "on",
            "not_without_campaign": "on",
            "same_day_confirmed": "on",
            "notes": "Kuormitustesti",
            "ideas-TOTAL_FORMS": "1",
            "ideas-INITIAL_FORMS": "0",
            "ideas-0-title": "Kuormitustestin idea" if random.random() < 0.25 else "",
        }
        sends = 2 if random.randrange(RESENT) == 0 else 1
        for _send in range(sends):
            with self.client.post(
                "/visits/new/",
                data=data,
                name="log a visit",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = response.headers.get("Location", "")
                if response.status_code == 302 and re.fullmatch(r"/visits/\d+/", location):
                    acknowledged.append(data["submission_token"])
                    response.success()
                else:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
                    return
        self.client.get(location, name="visit page")


@events.test_stop.add_listener
def _write_acknowledged(**_kwargs):
    with open(ACKNOWLEDGED, "w") as out:
        out.write("".join(f"{token}\n" for token in acknowledged))
