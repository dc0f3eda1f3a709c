"""The demo organisation and its running campaign, built the same way on every run.

Every row has a natural key (unit code, username, client name, a visit's submission token), and the
random choices come from a fixed seed, so running it again finds everything in place and changes
nothing.
"""

import datetime as dt
import random
import secrets
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from campaign.models import (
    Campaign,
    Client,
    RosterEntry,
    Staff,
    Theme,
    Unit,
    business_id_check_digit,
)
from campaign.roles import COORDINATORS, STAFF, UNIT_MANAGERS, sync_roles
from demo import data
from ideas.models import Idea
from leaderboard.services import figures_rebuild
from visits.models import Visit, VisitParticipant

DEMO_USERS = {
    # username: (first name, last name, unit code, role group, leadership, superuser)
    "demo-staff": ("Sanni", "Esimerkki", "TH-TE", STAFF, False, False),
    "demo-manager": ("Matti", "Esimerkki", "TH-TE", UNIT_MANAGERS, True, False),
    "demo-coordinator": ("Kaija", "Esimerkki", "TT-VI", COORDINATORS, False, False),
    "demo-admin": ("Aki", "Esimerkki", "TT-JT", COORDINATORS, False, True),
}
CURRENT_SLUG = "kylaan-demo"
PREVIOUS_SLUG = "kylaan-demo-edellinen"
TOKEN_NAMESPACE = uuid.UUID("6f1d3a52-7a4e-4a8e-9d43-2f0c5e0b8a11")
CAMPAIGN_DAYS = 42


@dataclass
class SeedResult:
    created: dict[str, int] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.created[name] = self.created.get(name, 0) + count


@transaction.atomic
def seed_demo(*, password: str | None = None, today: dt.date | None = None) -> SeedResult:
    today = today or timezone.localdate()
    result = SeedResult()
    sync_roles()
    units = _units(result)
    staff = _staff(units, result)
    _demo_users(units, password, result)
    clients = _clients(result)
    themes = _themes(result)
    start = today - dt.timedelta(days=25)
    current = _campaign(
        slug=CURRENT_SLUG,
        name="Sopiiko tulla kylään?",
        starts_on=start,
        themes=themes,
        is_current=True,
        result=result,
    )
    previous = _campaign(
        slug=PREVIOUS_SLUG,
        name="Sopiiko tulla kylään? (edellinen)",
        starts_on=start - dt.timedelta(days=365),
        themes=themes,
        is_current=False,
        result=result,
    )
    everyone = list(Staff.objects.filter(unit__isnull=False).select_related("unit"))
    for campaign in (previous, current):
        _roster(campaign, everyone, result)
    rng = random.Random(2026)
    _visits_and_ideas(previous, staff, clients, themes, units, 90, today, rng, result)
    _visits_and_ideas(current, staff, clients, themes, units, 220, today, rng, result)
    # The rows above were bulk-created, which no receiver sees: compute the figures.
    for campaign in (previous, current):
        figures_rebuild(campaign=campaign)
    return result


def _units(result):
    units = {}
    for code, name in data.DEPARTMENTS:
        units[code], created = Unit.objects.get_or_create(code=code, defaults={"name": name})
        result.add("units", created)
    for code, name, department, _headcount in data.UNITS:
        units[code], created = Unit.objects.get_or_create(
            code=code, defaults={"name": name, "parent": units[department]}
        )
        result.add("units", created)
    return units


def _staff(units, result):
    """About 120 staff, spread over the units as in data.UNITS; the first of each unit leads it."""
    staff_group = Group.objects.get(name=STAFF)
    staff_by_unit = {}
    n = 0
    for code, _name, _department, headcount in data.UNITS:
        members = []
        for i in range(headcount):
            first = data.FIRST_NAMES[n % len(data.FIRST_NAMES)]
            last = data.LAST_NAMES[(n * 7) % len(data.LAST_NAMES)]
            username = f"{_ascii(first)}.{_ascii(last)}.{n:03d}"
            leads = i == 0 and headcount > 2
            person, created = Staff.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "unit": units[code],
                    "title": data.LEADERSHIP_TITLES[n % 3] if leads else data.TITLES[n % 9],
                    "is_leadership": leads,
                },
            )
            if created:
                person.set_unusable_password()
                person.save(update_fields=["password"])
                person.groups.add(staff_group)
            result.add("staff", created)
            members.append(person)
            n += 1
        staff_by_unit[code] = members
    return staff_by_unit


def _demo_users(units, password, result):
    for username, (first, last, unit_code, role, leads, superuser) in DEMO_USERS.items():
        user, created = Staff.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "unit": units[unit_code],
                "title": "Demokäyttäjä",
                "is_leadership": leads,
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        result.add("demo users", created)
        if created:
            user.groups.add(Group.objects.get(name=role))
        if password is not None:
            if not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
            result.passwords[username] = password
        elif created:
            generated = secrets.token_urlsafe(12)
            user.set_password(generated)
            user.save(update_fields=["password"])
            result.passwords[username] = generated


def _business_id(number: int) -> str:
    """A made-up business ID with the check digit it needs: the next number that has one."""
    while (check := business_id_check_digit(f"{number:07d}")) is None:
        number += 1
    return f"{number:07d}-{check}"


def _clients(result):
    clients = []
    for i, (name, kind, region) in enumerate(data.CLIENTS):
        client, created = Client.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "region": region,
                "business_id": _business_id(2900100 + i * 37) if i % 3 else "",
                "is_partner": i % 5 == 0,
            },
        )
        result.add("clients", created)
        clients.append(client)
    return clients


def _themes(result):
    themes = []
    for name, description in data.THEMES:
        theme, created = Theme.objects.get_or_create(
            name=name, defaults={"description": description}
        )
        result.add("themes", created)
        themes.append(theme)
    return themes


def _campaign(*, slug, name, starts_on, themes, is_current, result):
    campaign, created = Campaign.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "starts_on": starts_on,
            "ends_on": starts_on + dt.timedelta(days=CAMPAIGN_DAYS - 1),
            "description": data.CAMPAIGN_MESSAGE,
            "visit_definition": data.VISIT_DEFINITION,
            "visit_target_per_unit": 25,
            "is_current": is_current,
        },
    )
    if created:
        campaign.themes.set(themes)
    result.add("campaigns", created)
    return campaign


def _roster(campaign, everyone, result):
    """The roster is taken once; staff imported or moved later never change a demo campaign's."""
    if campaign.roster.exists():
        return
    new = [
        RosterEntry(
            campaign=campaign, staff=person, unit=person.unit, is_leadership=person.is_leadership
        )
        for person in everyone
    ]
    RosterEntry.objects.bulk_create(new)
    result.add("roster entries", len(new))


def _visits_and_ideas(campaign, staff_by_unit, clients, themes, units, count, today, rng, result):
    """`count` visits: mostly counted, some normal client work, planned and cancelled ones,
    and about one idea for every three or four counted visits."""
    demo_staff = Staff.objects.get(username="demo-staff")
    demo_manager = Staff.objects.get(username="demo-manager")
    unit_codes = [code for code, _n, _d, _h in data.UNITS]
    weights = [headcount for _c, _n, _d, headcount in data.UNITS]
    existing = set(
        Visit.objects.filter(campaign=campaign).values_list("submission_token", flat=True)
    )
    last_day = min(today, campaign.ends_on)
    span = max(0, (last_day - campaign.starts_on).days)
    new_visits, participants, counted_new = [], [], []
    # A second visit of one person to one client on one day is a confirmed other visit.
    same_day = set(
        Visit.objects.filter(campaign=campaign)
        .exclude(status=Visit.Status.CANCELLED)
        .values_list("created_by_id", "client_id", "visited_on")
    )
    for i in range(count):
        token = uuid.uuid5(TOKEN_NAMESPACE, f"{campaign.slug}-{i}")
        code = rng.choices(unit_codes, weights)[0]
        team = [rng.choice(staff_by_unit[code])]
        if rng.random() < 0.35:
            other = rng.choice(staff_by_unit[rng.choice(unit_codes)])
            if other not in team:
                team.append(other)
        if campaign.is_current and i % 40 == 3:
            team = [demo_staff, *[p for p in team if p != demo_staff]][:2]
        if campaign.is_current and i % 55 == 7:
            team = [demo_manager]
        # Leaders go first: early visits are more often by leadership.
        if i < count // 10:
            leaders = [p for p in staff_by_unit[code] if p.is_leadership]
            team = leaders[:1] + [p for p in team if p not in leaders][:1] or team
        roll = rng.random()
        status = Visit.Status.DONE
        visited_on = campaign.starts_on + dt.timedelta(days=int(span * (i / count) ** 0.9))
        minutes = rng.choice([60, 60, 75, 90, 90, 120])
        is_remote, listened, not_without = False, True, True
        if campaign.is_current and roll < 0.07:
            status = Visit.Status.PLANNED
            visited_on = today + dt.timedelta(days=rng.randint(1, 10))
        elif roll < 0.11:
            status = Visit.Status.CANCELLED
        elif roll < 0.16:
            is_remote = True
        elif roll < 0.20:
            minutes = rng.choice([30, 45])
        elif roll < 0.23:
            not_without = False
        visit = Visit(
            campaign=campaign,
            client=rng.choice(clients),
            visited_on=visited_on,
            minutes=minutes,
            is_remote=is_remote,
            status=status,
            listened_most=listened,
            not_without_campaign=not_without,
            notes=rng.choice(data.VISIT_NOTES),
            benefit_rating=rng.choice([3, 4, 4, 5, 5]) if status == Visit.Status.DONE else None,
            submission_token=token,
            created_by=team[0],
        )
        if token in existing:
            continue
        if status != Visit.Status.CANCELLED:
            key = (visit.created_by_id, visit.client_id, visit.visited_on)
            visit.same_day_confirmed = key in same_day
            same_day.add(key)
        new_visits.append(visit)
        participants.extend((visit, person) for person in team)
        if visit.counts:
            counted_new.append(visit)
    Visit.objects.bulk_create(new_visits)
    VisitParticipant.objects.bulk_create(
        VisitParticipant(visit=visit, staff=person, unit=person.unit)
        for visit, person in participants
    )
    result.add("visits", len(new_visits))
    _ideas(counted_new, themes, units, rng, result)


IDEA_STATUS_CYCLE = [
    Idea.Status.NEW,
    Idea.Status.NEW,
    Idea.Status.IN_REVIEW,
    Idea.Status.NEW,
    Idea.Status.ACCEPTED,
    Idea.Status.IN_REVIEW,
    Idea.Status.IN_PROGRESS,
    Idea.Status.NEW,
    Idea.Status.IMPLEMENTED,
    Idea.Status.DECLINED,
    Idea.Status.ACCEPTED,
    Idea.Status.DUPLICATE,
]


def _ideas(counted_visits, themes, units, rng, result):
    """About one idea for every three or four counted visits, in every triage status."""
    ideas = []
    owner_units = [units[code] for code, _n, _d, headcount in data.UNITS if headcount > 2]
    for n, visit in enumerate(counted_visits[::3]):
        title, text, theme_index = data.IDEAS[n % len(data.IDEAS)]
        status = IDEA_STATUS_CYCLE[n % len(IDEA_STATUS_CYCLE)]
        triaged = status != Idea.Status.NEW
        ideas.append(
            Idea(
                visit=visit,
                title=title,
                text=text,
                theme=themes[theme_index] if triaged or n % 2 else None,
                owner_unit=rng.choice(owner_units) if triaged else None,
                status=Idea.Status.NEW if status == Idea.Status.DUPLICATE else status,
                official_response=(
                    "Kiitos ideasta! Otamme sen mukaan ensi vuoden suunnitelmaan."
                    if status in Idea.ACCEPTED_STATUSES
                    else ""
                ),
                is_shareable=status in Idea.ACCEPTED_STATUSES and n % 2 == 0,
                created_by=visit.created_by,
            )
        )
    Idea.objects.bulk_create(ideas)
    # Ideas are recorded on the day of their visit, so the progress chart has a history.
    for idea in ideas:
        idea.created_at = timezone.make_aware(
            dt.datetime.combine(idea.visit.visited_on, dt.time(15))
        )
    Idea.objects.bulk_update(ideas, ["created_at"])
    # A duplicate names an earlier idea with the same title, so it must be saved after it.
    for n, idea in enumerate(ideas):
        if IDEA_STATUS_CYCLE[n % len(IDEA_STATUS_CYCLE)] == Idea.Status.DUPLICATE:
            original = next((o for o in ideas[:n] if o.title != idea.title), ideas[0])
            idea.status = Idea.Status.DUPLICATE
            idea.duplicate_of = original
            idea.save(update_fields=["status", "duplicate_of"])
    result.add("ideas", len(ideas))


def _ascii(name: str) -> str:
    return name.lower().translate(str.maketrans("äöåé", "aoae"))
