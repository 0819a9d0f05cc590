from django.core.management.base import BaseCommand

from annotations.services.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo: users, a German and an English project, articles. Idempotent."
    )

    def handle(self, *args, **options) -> None:
        result = demo_load()
        self.stdout.write(
            f"Demo: {len(result.users_created)} user(s), "
            f"{len(result.projects_created)} project(s), "
            f"{result.articles_created} article(s), "
            f"{result.predictions_created} pre-annotation(s) created."
        )
        if result.passwords_set:
            users = ", ".join(f"{name} ({role})" for name, role in DEMO_USERS.items())
            self.stdout.write(f"Demo users: {users}; password: {DEMO_PASSWORD}")
        elif result.users_created:
            self.stdout.write(
                "Demo users were created without a password (not the embedded "
                "default); set one with: manage.py changepassword USER"
            )
