"""`python manage.py purge_personal_data`: removes the personal data past its retention period,
as the privacy notice promises. Run it daily (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from ideas.services import personal_data_purge


class Command(BaseCommand):
    help = (
        "Removes clients' e-mail addresses after their campaign's retention period, and the "
        "visits, ideas, clients' answers, rosters and audit entries of campaigns that ended more "
        "than three years ago."
    )

    def handle(self, *args, **options):
        purged = personal_data_purge()
        self.stdout.write(
            f"Removed {purged.client_addresses} client e-mail addresses; from "
            f"{purged.campaigns} campaigns past three years, {purged.visits} visits, "
            f"{purged.ideas} ideas and {purged.audit_entries} audit entries "
            f"({purged.kept_ideas} ideas kept as originals of newer duplicates); "
            f"{purged.idea_exports} idea export records."
        )
