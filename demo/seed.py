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
from challenge import feed
from challenge.models import FetchProblem, Peer
from challenge.services import campaign_publish
from demo import data
from ideas.models import Idea
from ideas.services import idea_triage
from leaderboard.services import figures_rebuild
from visits.models import ClientFeedback, Visit, VisitParticipant

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
        names=data.CAMPAIGN_NAMES,
        starts_on=start,
        themes=themes,
        is_current=True,
        result=result,
    )
    previous = _campaign(
        slug=PREVIOUS_SLUG,
        names=data.PREVIOUS_CAMPAIGN_NAMES,
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
    _due_notifications(current, clients, units, today, result)
    # The rows above were bulk-created, which no receiver sees: compute the figures.
    for campaign in (previous, current):
        figures_rebuild(campaign=campaign)
    campaign_publish(campaign=current)
    _challenge_peers(current, today, result)
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


def _campaign(*, slug, names, starts_on, themes, is_current, result):
    """The campaign with its texts in Finnish, Swedish and English."""
    texts = {
        "name": names["fi"],
        **{f"name_{language}": names[language] for language in ("sv", "en")},
        **{
            f"{text}{'' if language == 'fi' else '_' + language}": words
            for text, translations in (
                ("description", data.CAMPAIGN_MESSAGE),
                ("visit_definition", data.VISIT_DEFINITION),
            )
            for language, words in translations.items()
        },
    }
    campaign, created = Campaign.objects.get_or_create(
        slug=slug,
        defaults={
            **texts,
            "starts_on": starts_on,
            "ends_on": starts_on + dt.timedelta(days=CAMPAIGN_DAYS - 1),
            "visit_target_per_unit": 25,
            "is_current": is_current,
            "ideas_published": is_current,
        },
    )
    if created:
        campaign.themes.set(themes)
    else:
        # A demo loaded before campaigns had Swedish and English texts gets them now.
        missing = {name: value for name, value in texts.items() if not getattr(campaign, name)}
        if missing:
            Campaign.objects.filter(pk=campaign.pk).update(**missing)
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
    _client_feedback(campaign, counted_new, result)


def _client_feedback(campaign, counted_visits, result):
    """About half of the clients answer the feedback link; some leave an address to hear what
    becomes of their ideas, so `send_client_updates` has mail to send. A generator of its own,
    so that the visits and ideas stay as they were."""
    rng = random.Random(f"feedback-{campaign.slug}")
    answered = timezone.make_aware(dt.datetime.combine(campaign.starts_on, dt.time(12)))
    answers = []
    for n, visit in enumerate(counted_visits):
        if rng.random() < 0.5:
            continue
        email = f"asiakas{n}@example.org" if n % 5 == 0 else ""
        answers.append(
            ClientFeedback(
                visit=visit,
                benefit_rating=rng.choice([2, 3, 4, 4, 5, 5]),
                next_steps=rng.choice(data.CLIENT_NEXT_STEPS),
                email=email,
                email_consented_at=answered if email else None,
                language="fi",
                answered_at=answered,
            )
        )
    ClientFeedback.objects.bulk_create(answers)
    # Answered once, not changed since.
    ClientFeedback.objects.filter(pk__in=[a.pk for a in answers]).update(updated_at=answered)
    result.add("client answers", len(answers))


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


def _due_notifications(campaign, clients, units, today, result):
    """A few cases that `send_notifications` has mails for right after `make run`: demo-staff's
    planned visit whose day has passed, and a visit of theirs whose two ideas the coordinator
    has just triaged: one given to demo-manager's unit, the other accepted with a response."""
    demo_staff = Staff.objects.get(username="demo-staff")
    coordinator = Staff.objects.get(username="demo-coordinator")
    follow_up = uuid.uuid5(TOKEN_NAMESPACE, f"{campaign.slug}-due-follow-up")
    if not Visit.objects.filter(submission_token=follow_up).exists():
        visit = Visit.objects.create(
            campaign=campaign,
            client=clients[1],
            visited_on=today - dt.timedelta(days=2),
            minutes=60,
            status=Visit.Status.PLANNED,
            submission_token=follow_up,
            same_day_confirmed=True,
            created_by=demo_staff,
        )
        VisitParticipant.objects.create(visit=visit, staff=demo_staff, unit=demo_staff.unit)
        result.add("visits", 1)
    with_ideas = uuid.uuid5(TOKEN_NAMESPACE, f"{campaign.slug}-due-ideas")
    if Visit.objects.filter(submission_token=with_ideas).exists():
        return
    visit = Visit.objects.create(
        campaign=campaign,
        client=clients[2],
        visited_on=today - dt.timedelta(days=1),
        minutes=90,
        status=Visit.Status.DONE,
        listened_most=True,
        not_without_campaign=True,
        notes=data.VISIT_NOTES[0],
        benefit_rating=5,
        submission_token=with_ideas,
        same_day_confirmed=True,
        created_by=demo_staff,
    )
    VisitParticipant.objects.create(visit=visit, staff=demo_staff, unit=demo_staff.unit)
    (assigned_title, assigned_text, _theme), (accepted_title, accepted_text, _theme) = (
        data.IDEAS[5],
        data.IDEAS[2],
    )
    assigned = Idea.objects.create(
        visit=visit, title=assigned_title, text=assigned_text, created_by=demo_staff
    )
    accepted = Idea.objects.create(
        visit=visit, title=accepted_title, text=accepted_text, created_by=demo_staff
    )
    triage = {"by": coordinator, "theme": None, "due_on": None}
    idea_triage(
        idea=assigned,
        owner_unit=demo_staff.unit,
        status=Idea.Status.IN_REVIEW,
        official_response="",
        **triage,
    )
    owner = units["TT-TR"]  # statistics: the unit that can act on an idea about them
    for status in (Idea.Status.IN_REVIEW, Idea.Status.ACCEPTED):
        idea_triage(
            idea=accepted,
            owner_unit=owner,
            status=status,
            official_response="Kiitos! Kokoamme ohjeet tilastokuutioiden käyttöön ensi keväänä.",
            **triage,
        )
    result.add("visits", 1)
    result.add("ideas", 2)


def _challenge_peers(current, today, result):
    """Two other organisations of the challenge with the figures of their last good feed; the
    second one's last fetch failed an hour later, so the page shows how that looks."""
    now = timezone.now()
    for n, (name, url, headcount, ahead, per_day, idea_yield) in enumerate(data.CHALLENGE_PEERS):
        if Peer.objects.filter(feed_url=url).exists():
            continue
        starts_on = current.starts_on - dt.timedelta(days=ahead)
        ends_on = starts_on + dt.timedelta(days=CAMPAIGN_DAYS - 1)
        days = (min(today, ends_on) - starts_on).days + 1
        visits = [round(per_day * (day + 1) ** 1.1 / days**0.1) for day in range(days)]
        ideas = [round(v * idea_yield) for v in visits]
        fetched_at = now - dt.timedelta(hours=26 if n else 0, minutes=40)
        payload = feed.payload(
            organisation=name,
            site_url=url.split("/challenge/")[0] + "/",
            feed_url=url,
            computed_at=fetched_at,
            name="Sopiiko tulla kylään?",
            slug=url.split("/")[-2],
            starts_on=starts_on,
            ends_on=ends_on,
            min_minutes=60 if n else 45,
            remote_visits_count=bool(n),
            figures={
                "headcount": headcount,
                "counted_visits": visits[-1],
                "visitors": round(visits[-1] * 0.8),
                "ideas": ideas[-1],
                "accepted_ideas": round(ideas[-1] * 0.3),
                "clients_reached": round(visits[-1] * 0.6),
                "leaders_on_roster": headcount // 25,
                "leaders_visited": headcount // 40,
            },
            visits=visits,
            ideas=ideas,
            weight_visit=current.weight_visit,
            weight_idea=current.weight_idea,
            weight_accepted=current.weight_accepted,
            per_capita=True,
        )
        Peer.objects.create(
            feed_url=url,
            payload=payload,
            fetched_at=fetched_at,
            attempted_at=now - dt.timedelta(minutes=40),
            problem=FetchProblem.TIMEOUT if n else "",
            problem_detail="ReadTimeout" if n else "",
        )
        result.add("followed organisations", 1)


def _ascii(name: str) -> str:
    return name.lower().translate(str.maketrans("äöåé", "aoae"))
