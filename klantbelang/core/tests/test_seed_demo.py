"""The demo a newcomer sees after `make run`: loads on an empty database, twice without duplicates."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.xdist_group("demo")


def test_seed_demo_loads_every_capability_and_is_idempotent(db, settings):
    from klantbelang.accounts.models import User
    from klantbelang.advice.models import AdviceCase, AdviceVersion
    from klantbelang.clients.models import Client
    from klantbelang.products.models import Product
    from klantbelang.relationships.models import Complaint, PeriodicReview, ServiceAgreement

    settings.DEMO_DATA_ALLOWED = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    counts = {model.__name__: model.objects.count() for model in
              (User, Client, Product, ServiceAgreement, PeriodicReview, Complaint, AdviceCase, AdviceVersion)}
    assert counts["User"] == 9
    assert counts["Client"] == 551
    assert counts["Product"] == 2420
    assert counts["ServiceAgreement"] == 551
    assert counts["AdviceCase"] == 10
    assert counts["AdviceVersion"] >= 2
    assert set(Complaint.objects.values_list("status", flat=True)) == {
        "received", "acknowledged", "analysed", "resolved", "client_informed"}
    assert "adviser@demo.nl" in out.getvalue()
    assert Client.objects.get(portal_user__email="client@demo.nl").name == "Huishouden Mulder"
    call_command("seed_demo", stdout=io.StringIO())
    assert {model.__name__: model.objects.count() for model in
            (User, Client, Product, ServiceAgreement, PeriodicReview, Complaint, AdviceCase, AdviceVersion)} == counts


def test_seed_demo_is_refused_without_debug(db, settings):
    from django.core.management.base import CommandError

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="only loaded when DJANGO_DEBUG is true"):
        call_command("seed_demo", stdout=io.StringIO())
