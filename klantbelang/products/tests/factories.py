import factory
from django.core.files.base import ContentFile

from klantbelang.core.tests.factories import FirmFactory
from klantbelang.products.importing.parsed import empty_target_market
from klantbelang.products.models import Product, ProductImport, Provider


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    firm = factory.SubFactory(FirmFactory)
    name = factory.Sequence(lambda n: f"Aanbieder {n}")


def _market():
    market = empty_target_market()
    market["client_type"].update(retail="Y", professional="Y")
    market["knowledge"].update(basic="Y", informed="Y", advanced="Y")
    market["loss"].update(none="N", limited="Y", no_guarantee="Y")
    market["objectives"].update(growth="Y", leveraged="N")
    market["service"].update(execution_only="N", advice="Y", portfolio_management="Y")
    return market


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    firm = factory.SubFactory(FirmFactory)
    provider = factory.LazyAttribute(lambda o: ProviderFactory(firm=o.firm))
    code = factory.Sequence(lambda n: f"NL{n:010d}")
    name = factory.Sequence(lambda n: f"Fonds {n}")
    category = "investment_fund"
    sri = 3
    ongoing_cost_pct = 0.5
    min_horizon_years = 3.0
    target_market = factory.LazyFunction(_market)


class ProductImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImport

    firm = factory.SubFactory(FirmFactory)
    uploaded_by = factory.SubFactory("klantbelang.accounts.tests.factories.UserFactory")
    filename = "products.csv"
    file_format = "csv"
    status = "ready"
    file = factory.LazyFunction(lambda: ContentFile(b"code,name,provider,category\n", name="products.csv"))
