"""A running campaign with a unit of four on the roster: a manager, a leader who has visited, a
colleague who has visited and a newcomer who has not, and an outsider in another unit."""

import datetime as dt
from dataclasses import dataclass

import pytest

from campaign.models import Staff, Unit
from campaign.roles import STAFF, UNIT_MANAGERS
from tests.factories import RosterEntryFactory, StaffFactory, VisitFactory


@dataclass
class Team:
    unit: Unit
    manager: Staff
    leader: Staff
    colleague: Staff
    newcomer: Staff
    outsider: Staff

    @property
    def roster(self) -> list[Staff]:
        return [self.manager, self.leader, self.colleague, self.newcomer, self.outsider]


@pytest.fixture
def team(running, unit, other_unit, today) -> Team:
    team = Team(
        unit=unit,
        manager=StaffFactory(
            username="manageri",
            first_name="Maija",
            last_name="Manageri",
            unit=unit,
            role=UNIT_MANAGERS,
        ),
        leader=StaffFactory(
            username="johtaja",
            first_name="Jussi",
            last_name="Johtaja",
            unit=unit,
            is_leadership=True,
            role=STAFF,
        ),
        colleague=StaffFactory(
            username="kollega", first_name="Kaisa", last_name="Kollega", unit=unit, role=STAFF
        ),
        newcomer=StaffFactory(
            username="tulokas", first_name="Tuula", last_name="Tulokas", unit=unit, role=STAFF
        ),
        outsider=StaffFactory(
            username="ulkoinen",
            first_name="Otto",
            last_name="Ulkoinen",
            unit=other_unit,
            role=STAFF,
        ),
    )
    for person in team.roster:
        RosterEntryFactory(campaign=running, staff=person)
    for person in (team.leader, team.colleague):
        VisitFactory(campaign=running, created_by=person, visited_on=today - dt.timedelta(days=2))
    return team
