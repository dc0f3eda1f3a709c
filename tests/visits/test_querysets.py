import pytest

from campaign.roles import COORDINATORS, UNIT_MANAGERS
from tests.factories import StaffFactory, UnitFactory, VisitFactory
from visits.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    department = UnitFactory(code="DEP")
    unit = UnitFactory(code="A", parent=department)
    sister = UnitFactory(code="B", parent=department)
    other = UnitFactory(code="C")
    return department, unit, sister, other


def test_for_unit_and_department(org):
    department, unit, sister, other = org
    mine = VisitFactory(created_by=StaffFactory(unit=unit))
    sisters = VisitFactory(created_by=StaffFactory(unit=sister))
    VisitFactory(created_by=StaffFactory(unit=other))
    joint = VisitFactory(
        participants=[StaffFactory(unit=unit), StaffFactory(unit=unit)],
    )
    assert set(Visit.objects.for_unit(unit)) == {mine, joint}
    assert set(Visit.objects.for_unit(department)) == {mine, sisters, joint}
    assert Visit.objects.for_unit(unit).count() == 2


def test_visible_to_each_role(org):
    department, unit, _sister, other = org
    person = StaffFactory(unit=unit)
    colleague = StaffFactory(unit=unit)
    outsider = StaffFactory(unit=other)
    own = VisitFactory(created_by=person)
    joined = VisitFactory(created_by=outsider, participants=[outsider, person])
    colleagues = VisitFactory(created_by=colleague)
    outsiders = VisitFactory(created_by=outsider)

    assert set(Visit.objects.visible_to(person)) == {own, joined}

    manager = StaffFactory(unit=unit, role=UNIT_MANAGERS)
    assert set(Visit.objects.visible_to(manager)) == {own, joined, colleagues}

    department_manager = StaffFactory(unit=department, role=UNIT_MANAGERS)
    assert set(Visit.objects.visible_to(department_manager)) == {own, joined, colleagues}

    coordinator = StaffFactory(unit=other, role=COORDINATORS)
    assert set(Visit.objects.visible_to(coordinator)) == {own, joined, colleagues, outsiders}
