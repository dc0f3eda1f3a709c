from django.db import migrations, models
import django.db.models.functions.text


def normalise_client_names(apps, schema_editor):
    """Store every client's name without extra spaces, and tell apart names that are then the same
    (ignoring case) by adding the business ID or a number, so the constraints below can hold."""
    Client = apps.get_model("campaign", "Client")
    taken = set()
    for client in Client.objects.order_by("pk"):
        name = " ".join(client.name.split())
        candidate, number = name, 2
        if candidate.casefold() in taken and client.business_id:
            candidate = f"{name} ({client.business_id})"
        while candidate.casefold() in taken:
            candidate, number = f"{name} ({number})", number + 1
        taken.add(candidate.casefold())
        if candidate != client.name:
            client.name = candidate
            client.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0003_campaign_field_messages"),
    ]

    operations = [
        migrations.RunPython(normalise_client_names, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.CheckConstraint(
                condition=models.Q(("name__regex", "^\\s|\\s$|\\s\\s|[\\t\\n\\r\\f\\v]"), _negated=True),
                name="client_name_normalised",
                violation_error_message="A client's name has no leading, trailing or repeated spaces.",
            ),
        ),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"),
                name="client_unique_name",
                violation_error_message="A client with this name already exists.",
            ),
        ),
    ]
