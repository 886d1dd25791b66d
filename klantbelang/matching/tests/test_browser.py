import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_adviser_matches_a_profile_and_reads_why_products_fell_off(page, sign_in, transactional_db, firm):
    from klantbelang.accounts.tests.factories import PASSWORD, member
    from klantbelang.products.tests.factories import ProductFactory

    member(firm, "adviser", email="anna@test.nl", full_name="Anna Adviseur")
    ProductFactory(firm=firm, code="RUSTIG", name="Rustig Mixfonds", sri=3)
    ProductFactory(firm=firm, code="WILD", name="Wild Aandelenfonds", sri=6)

    sign_in("anna@test.nl", PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Matchen").click()
    page.wait_for_url("**/match/")

    page.get_by_label("Risicotolerantie (SRI 1–7)").fill("4")
    page.get_by_role("button", name="Matchen", exact=True).click()
    page.wait_for_selector(".match-summary")
    assert page.locator(".match-summary").inner_text() == "1 van 2 producten passen bij dit profiel; 1 vallen af."
    assert page.locator(".match-grid tbody tr").count() == 1
    assert "Rustig Mixfonds" in page.locator(".match-grid tbody tr").inner_text()
    excluded = page.locator("section.card", has_text="Waarom producten afvielen")
    assert "Risicoindicator 6 ligt boven de risicotolerantie van de klant (4)." in excluded.inner_text()
    assert "risk_tolerance=4" in page.url  # the result can be shared and reopened
