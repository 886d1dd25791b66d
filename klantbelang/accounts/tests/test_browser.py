import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_sign_in_switch_language_and_sign_out(page, transactional_db, firm):
    from klantbelang.accounts.tests.factories import PASSWORD, member

    member(firm, "manager", email="marit@test.nl", full_name="Marit Manager")

    page.goto("/")
    assert page.url.endswith("/login/?next=/")
    assert page.locator("h1").inner_text() == "Inloggen"
    page.get_by_label("E-mailadres").fill("marit@test.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Welkom, Marit Manager"
    navigation = page.get_by_role("navigation", name="Hoofdnavigatie")
    assert navigation.get_by_role("link", name="Auditlog").is_visible()

    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_selector("h1:text('Welcome, Marit Manager')")
    assert page.locator("html").get_attribute("lang") == "en"
    navigation = page.get_by_role("navigation", name="Main navigation")
    navigation.get_by_role("link", name="Audit log").click()
    page.wait_for_url("**/audit/")
    assert page.locator("h1").inner_text() == "Audit log"

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login/")
    page.goto("/audit/")
    assert "/login/" in page.url
