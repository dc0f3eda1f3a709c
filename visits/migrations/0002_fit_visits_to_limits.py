"""Existing visits made to fit the limits the next migration adds as constraints: a date outside
2000–2099 is moved to the nearest limit, and notes over 5 000 characters are cut, ending in an
ellipsis."""

import datetime as dt

from django.db import migrations
from django.db.models.functions import Length

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
LONG = 5_000


def fit_to_limits(apps, schema_editor):
    Visit = apps.get_model("visits", "Visit")
    Visit.objects.filter(visited_on__lt=EARLIEST).update(visited_on=EARLIEST)
    Visit.objects.filter(visited_on__gt=LATEST).update(visited_on=LATEST)
    too_long = Visit.objects.annotate(length=Length("notes")).filter(length__gt=LONG)
    for visit in too_long.only("pk", "notes"):
        Visit.objects.filter(pk=visit.pk).update(notes=visit.notes[: LONG - 1] + "…")


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0001_initial"),
        ("campaign", "0006_fit_campaigns_and_themes_to_limits"),
    ]

    operations = [
        migrations.RunPython(fit_to_limits, migrations.RunPython.noop),
    ]
