"""Existing rows made to fit the limits the next migration adds as constraints: a campaign name
shared (ignoring case) with an earlier campaign gets a number, dates outside 2000–2099 are moved
to the nearest limit, and free text over its limit is cut, ending in an ellipsis."""

import datetime as dt

from django.db import migrations

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
SHORT, LONG = 1_000, 5_000


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def within(day: dt.date) -> dt.date:
    return min(max(day, EARLIEST), LATEST)


def fit_to_limits(apps, schema_editor):
    Campaign = apps.get_model("campaign", "Campaign")
    Theme = apps.get_model("campaign", "Theme")
    taken = set()
    for campaign in Campaign.objects.order_by("created_at", "pk"):
        name, number = campaign.name, 2
        while name.casefold() in taken:
            name, number = f"{campaign.name} ({number})", number + 1
        taken.add(name.casefold())
        values = {
            "name": name[:200],
            "starts_on": within(campaign.starts_on),
            "ends_on": within(campaign.ends_on),
            "visit_definition": cut(campaign.visit_definition, SHORT),
            "description": cut(campaign.description, LONG),
        }
        changed = {k: v for k, v in values.items() if getattr(campaign, k) != v}
        if changed:
            Campaign.objects.filter(pk=campaign.pk).update(**changed)
    for theme in Theme.objects.all():
        if len(theme.description) > SHORT:
            Theme.objects.filter(pk=theme.pk).update(description=cut(theme.description, SHORT))


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0005_staff_remembered_language"),
    ]

    operations = [
        migrations.RunPython(fit_to_limits, migrations.RunPython.noop),
    ]
