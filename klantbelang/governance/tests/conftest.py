import pytest

from klantbelang.governance import sharing
from klantbelang.products.tests.factories import ProviderFactory


@pytest.fixture
def provider(firm):
    return ProviderFactory(firm=firm, name="Noorderlicht")


@pytest.fixture
def developer(firm, manager, provider, product_developer):
    """The product developer, working for ``provider``."""
    sharing.link_developer(user=product_developer, provider=provider, by=manager)
    return product_developer
