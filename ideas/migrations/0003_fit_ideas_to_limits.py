"""Existing ideas made to fit the limits the next migration adds as constraints: a due date
outside 2000–2099 (a slip such as 31.12.9999) is removed, and a text or an official response over
5 000 characters is cut, ending in an ellipsis; so is an export's filter over 2 000."""

import datetime as dt

from django.db import migrations
from django.db.models import Q
from django.db.models.functions import Length

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
LIMITS = {("Idea", "text"): 5_000, ("Idea", "official_response"): 5_000, ("IdeaExport", "query"): 2_000}


def fit_to_limits(apps, schema_editor):
    Idea = apps.get_model("ideas", "Idea")
    Idea.objects.filter(Q(due_on__lt=EARLIEST) | Q(due_on__gt=LATEST)).update(due_on=None)
    for (model_name, field), limit in LIMITS.items():
        model = apps.get_model("ideas", model_name)
        too_long = model.objects.annotate(length=Length(field)).filter(length__gt=limit)
        for row in too_long.only("pk", field):
            text = getattr(row, field)
            model.objects.filter(pk=row.pk).update(**{field: text[: limit - 1] + "…"})


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0002_idea_export"),
        ("campaign", "0006_fit_campaigns_and_themes_to_limits"),
    ]

    operations = [
        migrations.RunPython(fit_to_limits, migrations.RunPython.noop),
    ]
