"""Load the demo data set: each installed app's ``demo.seed(context)`` in INSTALLED_APPS order.

Idempotent: running it again finds what exists and adds nothing twice. Refused unless
DJANGO_DEBUG is on, because demo accounts have the password ``demo``.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo firms, people and data (development installs only)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is only loaded when DJANGO_DEBUG is true.")
        context: dict = {"stdout": self.stdout}
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if not app_config.name.startswith("klantbelang.") or importlib.util.find_spec(module_name) is None:
                continue
            with transaction.atomic():
                importlib.import_module(module_name).seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write("\nDemo logins (password: demo) — http://127.0.0.1:8000/")
        for email, description in context.get("logins", []):
            self.stdout.write(f"  {email:<24} {description}")
