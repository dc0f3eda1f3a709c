"""Whether the logger confirmed another visit to the client on the same day. Visits that already
share a person, client and day (forms sent at the same moment could store several) are kept: all
but the first are marked confirmed, so that the next migration's unique constraint holds."""

from django.db import migrations, models


def mark_later_same_day_visits(apps, schema_editor):
    Visit = apps.get_model("visits", "Visit")
    seen = set()
    later = []
    visits = (
        Visit.objects.exclude(status="cancelled")
        .order_by("created_at", "pk")
        .values_list("pk", "campaign_id", "created_by_id", "client_id", "visited_on")
    )
    for pk, *key in visits.iterator(chunk_size=2000):
        if tuple(key) in seen:
            later.append(pk)
        seen.add(tuple(key))
    for start in range(0, len(later), 1000):
        Visit.objects.filter(pk__in=later[start : start + 1000]).update(same_day_confirmed=True)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0003_limits_on_notes_and_dates"),
    ]

    operations = [
        migrations.AddField(
            model_name="visit",
            name="same_day_confirmed",
            field=models.BooleanField(
                default=False,
                help_text="The logger confirmed that this is another visit to the client on the same day, not the same visit saved twice.",
                verbose_name="another visit on the same day",
            ),
        ),
        migrations.RunPython(mark_later_same_day_visits, migrations.RunPython.noop),
    ]
