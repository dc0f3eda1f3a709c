"""Who may see and change a visit: each role, anonymous users and another unit's visits."""

import pytest
from django.urls import reverse

from campaign.models import Staff
from campaign.roles import COORDINATORS, STAFF, UNIT_MANAGERS
from tests.factories import StaffFactory, VisitFactory
from visits.rules import VisitStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(running, visitor, colleague, tampere):
    """Logged by `visitor` (unit Tilastot) with `colleague` along."""
    return VisitFactory(
        campaign=running, client=tampere, created_by=visitor, participants=[visitor, colleague]
    )


def _edit_data(visit):
    return {
        "client": visit.client_id,
        "status": "done",
        "visited_on": visit.visited_on.isoformat(),
        "minutes": "75",
        "is_remote": "False",
        "listened_most": "on",
        "not_without_campaign": "on",
        "co_visitors": [
            str(p.staff_id) for p in visit.participations.all() if p.staff_id != visit.created_by_id
        ],
        "ideas-TOTAL_FORMS": "0",
        "ideas-INITIAL_FORMS": "0",
        "ideas-MIN_NUM_FORMS": "0",
        "ideas-MAX_NUM_FORMS": "20",
    }


ROLES = {
    # who: (detail, edit page, can change) for the fixture visit
    "creator": (200, 200, True),
    "participant": (200, 200, True),
    "same unit staff": (404, 404, False),
    "other unit staff": (404, 404, False),
    "unit manager": (200, 403, False),
    "other unit manager": (404, 404, False),
    "coordinator": (200, 200, True),
}


def _person(who, visitor, colleague, unit, other_unit):
    return {
        "creator": lambda: visitor,
        "participant": lambda: colleague,
        "same unit staff": lambda: StaffFactory(unit=unit, role=STAFF),
        "other unit staff": lambda: StaffFactory(unit=other_unit, role=STAFF),
        "unit manager": lambda: StaffFactory(unit=unit, role=UNIT_MANAGERS),
        "other unit manager": lambda: StaffFactory(unit=other_unit, role=UNIT_MANAGERS),
        "coordinator": lambda: StaffFactory(unit=other_unit, role=COORDINATORS),
    }[who]()


@pytest.mark.parametrize("who", ROLES)
def test_permission_matrix(client, visit, visitor, colleague, unit, other_unit, who):
    detail_status, edit_status, can_change = ROLES[who]
    client.force_login(_person(who, visitor, colleague, unit, other_unit))

    assert client.get(reverse("visits:detail", args=[visit.pk])).status_code == detail_status
    assert client.get(reverse("visits:edit", args=[visit.pk])).status_code == edit_status
    assert client.get(reverse("visits:withdraw", args=[visit.pk])).status_code == edit_status

    edited = client.post(reverse("visits:edit", args=[visit.pk]), _edit_data(visit))
    withdrawn = client.post(reverse("visits:withdraw", args=[visit.pk]))
    visit.refresh_from_db()
    if can_change:
        assert edited.status_code == 302
        assert withdrawn.status_code == 302
        assert (visit.minutes, visit.status) == (75, VisitStatus.CANCELLED)
    else:
        assert edited.status_code == edit_status
        assert withdrawn.status_code == edit_status
        assert (visit.minutes, visit.status) == (60, VisitStatus.DONE)


def test_unit_manager_reads_without_edit_buttons(client, visit, unit):
    client.force_login(StaffFactory(unit=unit, role=UNIT_MANAGERS))
    response = client.get(reverse("visits:detail", args=[visit.pk]))
    assert reverse("visits:edit", args=[visit.pk]) not in response.text
    assert not response.context["can_edit"]


def test_creator_sees_edit_and_withdraw(client, visit, visitor):
    client.force_login(visitor)
    response = client.get(reverse("visits:detail", args=[visit.pk]))
    assert reverse("visits:edit", args=[visit.pk]) in response.text
    assert reverse("visits:withdraw", args=[visit.pk]) in response.text


@pytest.mark.parametrize(
    "name", ["visits:detail", "visits:edit", "visits:withdraw", "visits:list", "visits:new"]
)
def test_anonymous_goes_to_login(client, visit, name):
    args = [visit.pk] if name not in ("visits:list", "visits:new") else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_post_saves_nothing(client, visit):
    response = client.post(reverse("visits:withdraw", args=[visit.pk]))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE


def test_a_user_without_a_role_cannot_log(client, running):
    client.force_login(Staff.objects.create(username="nobody"))
    assert client.get(reverse("visits:new")).status_code == 403
