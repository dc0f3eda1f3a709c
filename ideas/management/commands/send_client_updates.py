"""`python manage.py send_client_updates`: "you said, we did" mails to clients. Run it hourly
(cron or a systemd timer); it sends each mail once however often it runs."""

from django.core.management.base import BaseCommand

from ideas.services import client_updates_send


class Command(BaseCommand):
    help = (
        "Tells each client who left an address what became of their ideas (accepted, "
        "implemented or declined, with the official response), once per idea and status."
    )

    def handle(self, *args, **options):
        result = client_updates_send()
        self.stdout.write(
            f"Client updates: {result.sent} sent, {result.failed} to retry on the next run."
        )
