"""Ideas seen from each role: the staff member's own, their unit's, one their unit owns, and one
from elsewhere in the organisation."""

from dataclasses import dataclass

import pytest

from ideas.models import Idea
from tests.factories import IdeaFactory, StaffFactory, VisitFactory


@dataclass
class IdeaWorld:
    own: Idea  # collected by the staff member on their own visit
    unit: Idea  # collected by a colleague of the same unit
    owned: Idea  # collected elsewhere, owned by the unit
    foreign: Idea  # collected and owned elsewhere

    @property
    def all(self) -> list[Idea]:
        return [self.own, self.unit, self.owned, self.foreign]


@pytest.fixture
def world(campaign, unit, other_unit, staff_member, unit_manager) -> IdeaWorld:
    colleague = StaffFactory(username="colleague", unit=unit)
    outsider = StaffFactory(username="outsider", unit=other_unit)
    return IdeaWorld(
        own=IdeaFactory(
            title="Oma idea", visit=VisitFactory(campaign=campaign, created_by=staff_member)
        ),
        unit=IdeaFactory(
            title="Yksikön idea", visit=VisitFactory(campaign=campaign, created_by=colleague)
        ),
        owned=IdeaFactory(
            title="Vastuulla oleva idea",
            visit=VisitFactory(campaign=campaign, created_by=outsider),
            owner_unit=unit,
        ),
        foreign=IdeaFactory(
            title="Muun yksikön idea",
            visit=VisitFactory(campaign=campaign, created_by=outsider),
            owner_unit=other_unit,
        ),
    )
