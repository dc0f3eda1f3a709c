from django.core.management.base import BaseCommand

from notifications.services import notifications_run


class Command(BaseCommand):
    help = (
        "Send every due reminder, digest and news of ideas once (run it every hour from cron or "
        "a systemd timer). Prints one summary line; exits with status 1 when a mail could not be "
        "sent (it is tried again on the next run)."
    )

    def handle(self, *args, **options):
        summary = notifications_run()
        self.stdout.write(summary.line())
        if not summary.ok:
            raise SystemExit(1)
