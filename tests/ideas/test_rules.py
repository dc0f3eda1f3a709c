import itertools

import pytest

from ideas.models import Idea, IdeaStatus
from ideas.rules import TRANSITIONS, idea_can_move, idea_can_triage, idea_next_statuses
from tests.factories import IdeaFactory


def test_every_status_has_its_next_steps_and_they_are_real_statuses():
    assert set(TRANSITIONS) == set(IdeaStatus.values)
    for status, following in TRANSITIONS.items():
        assert status not in following
        assert following <= set(IdeaStatus.values)


def test_the_happy_path_is_one_step_at_a_time():
    path = ["new", "in_review", "accepted", "in_progress", "implemented"]
    for current, following in itertools.pairwise(path):
        assert idea_can_move(current, following)
    for current, skipped in [
        ("new", "accepted"),
        ("new", "implemented"),
        ("in_review", "in_progress"),
    ]:
        assert not idea_can_move(current, skipped)


@pytest.mark.parametrize("status", IdeaStatus.values)
def test_keeping_the_status_is_always_allowed(status):
    assert idea_can_move(status, status)


def test_declined_and_duplicate_ideas_can_only_go_back_to_review():
    assert idea_next_statuses("declined") == ["in_review"]
    assert idea_next_statuses("duplicate") == ["in_review"]
    assert idea_next_statuses("new") == ["in_review", "declined", "duplicate"]


@pytest.mark.django_db
def test_who_may_triage(world, staff_member, unit_manager, coordinator, unit, other_unit):
    assert all(idea_can_triage(user=coordinator, idea=idea) for idea in world.all)
    assert [idea_can_triage(user=unit_manager, idea=idea) for idea in world.all] == [
        False,
        False,
        True,
        False,
    ]
    assert not any(idea_can_triage(user=staff_member, idea=idea) for idea in world.all)


@pytest.mark.django_db
def test_a_department_manager_triages_what_its_units_own(unit, other_unit):
    from campaign.roles import UNIT_MANAGERS
    from tests.factories import StaffFactory, UnitFactory

    department = UnitFactory(code="DEP")
    child = UnitFactory(code="CHI", parent=department)
    head = StaffFactory(unit=department, role=UNIT_MANAGERS)
    assert idea_can_triage(user=head, idea=IdeaFactory(owner_unit=child))
    assert not idea_can_triage(user=head, idea=IdeaFactory(owner_unit=other_unit))
    assert Idea.objects.count() == 2
