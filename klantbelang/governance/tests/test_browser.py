import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_topic_from_creation_to_decision_with_three_parties(page, sign_in, transactional_db, firm):
    from klantbelang.accounts.tests.factories import PASSWORD, member
    from klantbelang.governance import sharing
    from klantbelang.governance.models import Contribution, Topic
    from klantbelang.products.tests.factories import ProductFactory, ProviderFactory

    manager = member(firm, "manager", email="mark@test.nl", full_name="Mark Manager")
    member(firm, "adviser", email="anna@test.nl", full_name="Anna Adviseur")
    priya = member(firm, "product_developer", email="priya@test.nl", full_name="Priya Product")
    member(firm, "client", email="jan@test.nl", full_name="Jan Jansen")
    provider = ProviderFactory(firm=firm, name="Noorderlicht")
    ProductFactory(firm=firm, provider=provider, code="NL0000000042", name="Woonlastenverzekering")
    sharing.link_developer(user=priya, provider=provider, by=manager)

    # The product developer opens a topic about her own product, open to clients.
    sign_in("priya@test.nl", PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Dialoog").click()
    page.get_by_role("link", name="Een onderwerp openen").click()
    page.get_by_label("Titel").fill("Offertes binnen een week")
    page.get_by_label("Een product").check()
    page.get_by_label("Productcode").fill("NL0000000042")
    page.get_by_label("Wat willen we samen uitzoeken?").fill("Wat is er nodig om binnen een week te offreren?")
    page.get_by_label("Open voor klanten die meedoen aan dialogen").check()
    page.get_by_role("button", name="Onderwerp openen").click()
    page.wait_for_selector("[data-stage='exploring']")
    page.get_by_role("button", name="Uitloggen").click()

    # A client opts in through the portal and adds a need, under a pseudonym.
    sign_in("jan@test.nl", PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Meedenken").click()
    page.get_by_role("button", name="Meedoen").click()
    page.get_by_role("link", name="Offertes binnen een week").click()
    page.get_by_label("Soort").select_option("need")
    page.get_by_label("Uw bijdrage").fill("Ik wil binnen een week weten waar ik aan toe ben.")
    page.get_by_role("button", name="Toevoegen").click()
    contribution = page.locator("[data-kind='need']")
    assert "Klant 1" in contribution.inner_text()
    assert "Jan Jansen" not in page.locator("main").inner_text()
    page.get_by_role("button", name="Uitloggen").click()

    # An adviser adds an idea.
    sign_in("anna@test.nl", PASSWORD)
    page.goto("/dialogue/")
    page.get_by_role("link", name="Offertes binnen een week").click()
    page.get_by_label("Soort").select_option("idea")
    page.get_by_label("Uw bijdrage").fill("De medische vragenlijst digitaal aanleveren.")
    page.get_by_role("button", name="Toevoegen").click()
    page.wait_for_selector("[data-kind='idea']")
    page.get_by_role("button", name="Uitloggen").click()

    # The developer hears of both, moves the topic to a proposal and records the decision.
    sign_in("priya@test.nl", PASSWORD)
    page.goto("/dialogue/")
    assert page.locator("[data-unread]").inner_text() == "2 nieuw"
    page.get_by_role("link", name="Offertes binnen een week").click()
    page.get_by_role("button", name="Naar de voorstelfase").click()
    page.wait_for_selector("[data-stage='proposal']")
    page.get_by_label("Besluit").fill("De vragenlijst gaat digitaal; offertes binnen vijf werkdagen.")
    page.get_by_label("Wat we veranderd hebben in onze werkwijze").fill("Advies levert de vragenlijst digitaal aan.")
    page.get_by_role("button", name="Het besluit vastleggen").click()
    page.wait_for_selector("[data-stage='decision']")
    assert "offertes binnen vijf werkdagen" in page.locator("[data-decision]").inner_text()

    topic = Topic.objects.get()
    assert (topic.stage, topic.provider, topic.opened_by, topic.decided_by) == ("decision", provider, priya, priya)
    assert list(Contribution.objects.values_list("kind", "participant__party")) == [
        ("need", "client"), ("idea", "adviser")]
