"""The second installation's organisation, for tests/challenge/test_two_installations.py: run in
that installation by `manage.py shell`, against its own database.

Worked by hand: 5 staff on the roster (one a leader); counted visits on days 1, 2 (two people)
and 2; a 30-minute meeting that is normal client work; two ideas, one accepted; two clients.
So: 3 counted visits, 4 visitors, 2 ideas, 1 accepted, 2 clients, the one leader visited, and
(3 + 3 × 2 + 2 × 1) × 10 / 5 = 22.00 points per 10 staff.
"""

import datetime as dt
import io
import json

from django.core.management import call_command
from django.utils import timezone

from campaign.roles import COORDINATORS
from ideas.models import Idea
from tests.factories import (
    CampaignFactory,
    ClientFactory,
    IdeaFactory,
    RosterEntryFactory,
    StaffFactory,
    UnitFactory,
    VisitFactory,
)
from tests.leaderboard.reference import reference

SLUG = "toinen-kevat"
COORDINATOR = "b-coordinator"
PASSWORD = "secret-pass-123"  # StaffFactory's


def seed(*, follow: str) -> None:
    """Seed, publish, follow `follow` (the first installation's feed) and print, as JSON, the
    figures computed from scratch and what the commands said."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=10)
    campaign = CampaignFactory(
        name="Toisen viraston kampanja",
        slug=SLUG,
        is_current=True,
        starts_on=start,
        ends_on=start + dt.timedelta(days=41),
    )
    unit = UnitFactory(name="Palvelut", code="PAL")
    # No passwords but the coordinator's: hashing one takes the better part of a second.
    people = [
        StaffFactory(username=f"b-staff-{n}", unit=unit, is_leadership=n == 0, password="!")
        for n in range(5)
    ]
    for person in people:
        RosterEntryFactory(campaign=campaign, staff=person)
    StaffFactory(username=COORDINATOR, unit=unit, role=COORDINATORS)
    first, second = ClientFactory(name="Pohjoisen kunta"), ClientFactory(name="Etelän kunta")

    def visit(day, who, client, **fields):
        team = [people[n] for n in who]
        return VisitFactory(
            campaign=campaign,
            client=client,
            created_by=team[0],
            participants=team,
            visited_on=start + dt.timedelta(days=day),
            **fields,
        )

    IdeaFactory(visit=visit(1, [0], first), status=Idea.Status.ACCEPTED)
    IdeaFactory(visit=visit(2, [1, 2], second))
    visit(2, [3], first)
    visit(3, [4], second, minutes=30)
    said = io.StringIO()
    call_command("challenge_publish", SLUG, stdout=said)
    call_command("challenge_peer_add", follow, stdout=said, stderr=said)
    expected = reference(campaign)
    print(
        json.dumps(
            {
                "said": said.getvalue(),
                "counted_visits": expected.visits,
                "visitors": expected.visitors,
                "ideas": expected.ideas,
                "accepted_ideas": expected.accepted,
                "clients_reached": expected.clients,
                "leaders_visited": expected.leaders,
            }
        )
    )
