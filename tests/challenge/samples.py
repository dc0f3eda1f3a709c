"""Feeds as another organisation's installation would send them."""

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

from challenge import feed

FIGURES = {
    "headcount": 200,
    "counted_visits": 30,
    "visitors": 25,
    "ideas": 9,
    "accepted_ideas": 2,
    "clients_reached": 21,
    "leaders_on_roster": 8,
    "leaders_visited": 5,
}


def peer_payload(
    *,
    organisation: str = "Esimerkkivirasto",
    url: str = "https://kylaan.esimerkki.invalid/challenge/kevat/feed.json",
    starts_on: dt.date = dt.date(2026, 3, 2),
    visits: list[int] | None = None,
    **figures,
) -> dict:
    visits = [3, 10, 18, 30] if visits is None else visits
    return feed.payload(
        organisation=organisation,
        site_url=url.split("/challenge/")[0] + "/",
        feed_url=url,
        computed_at=timezone.now(),
        name="Sopiiko tulla kylään?",
        slug="kevat",
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=41),
        min_minutes=45,
        remote_visits_count=True,
        figures=FIGURES | figures,
        visits=visits,
        ideas=[min(v, 9) // 3 for v in visits],
        weight_visit=Decimal("1"),
        weight_idea=Decimal("5"),
        weight_accepted=Decimal("2"),
        per_capita=True,
    )


def as_bytes(payload) -> bytes:
    return json.dumps(payload).encode()
