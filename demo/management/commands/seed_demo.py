from django.core.management.base import BaseCommand

from demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo organisation, a running campaign and the users demo-staff, "
        "demo-manager, demo-coordinator and demo-admin. Safe to run again: it changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for the demo users. Without it, new demo users get a random one, "
            "printed once.",
        )

    def handle(self, *args, password=None, **options):
        result = seed_demo(password=password)
        created = ", ".join(f"{name} {count}" for name, count in result.created.items() if count)
        self.stdout.write(f"Demo data created: {created}" if created else "Demo data in place.")
        for username, user_password in result.passwords.items():
            self.stdout.write(f"  {username} / {user_password}")
        if not result.passwords:
            self.stdout.write("Demo users kept their passwords (use --password to set one).")
