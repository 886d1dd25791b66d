import factory

from klantbelang.core.models import BackgroundJob, Firm


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kantoor {n}")
    slug = factory.Sequence(lambda n: f"kantoor-{n}")


class BackgroundJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BackgroundJob

    firm = factory.SubFactory(FirmFactory)
    created_by = factory.SubFactory("klantbelang.accounts.tests.factories.UserFactory")
    kind = "audit_export"
    title = "Audit log export"
