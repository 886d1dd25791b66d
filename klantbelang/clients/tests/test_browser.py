import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]




def _missing(page) -> int:
    return page.locator("#missing li").count()


def test_client_fills_in_the_inventory_through_the_invitation_and_the_adviser_sees_it(
        page, sign_in, transactional_db, firm):
    from django.core import mail

    from klantbelang.accounts.tests.factories import PASSWORD, member
    from klantbelang.clients.tests.factories import household

    anna = member(firm, "adviser", email="anna@test.nl", full_name="Anna Adviseur")
    client = household(firm, anna, name="Huishouden Jansen")

    sign_in("anna@test.nl", PASSWORD)
    page.goto(f"/clients/{client.pk}/")
    missing_before = _missing(page)
    assert missing_before > 0
    page.get_by_role("button", name="Uitnodigen voor het portaal").click()
    page.wait_for_selector(".messages")
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login/")

    link = re.search(r"http://\S+/password/set/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.locator("#id_new_password1").fill("een lang wachtwoord 42")
    page.locator("#id_new_password2").fill("een lang wachtwoord 42")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.wait_for_url("**/login/")
    sign_in("jan@example.nl", "een lang wachtwoord 42")

    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Mijn dossier").click()
    page.wait_for_url("**/portal/")
    assert _missing(page) == missing_before
    page.get_by_role("link", name="Vermogen, hypotheek en vaste lasten").click()
    page.get_by_label("Spaargeld (€)").fill("12000")
    page.get_by_label("Vaste lasten per maand, inclusief wonen (€)").fill("1800")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_selector("text=Opgeslagen als versie 2.")
    page.get_by_role("link", name="Inkomen").first.click()
    page.locator("#id_income-0-gross_yearly").fill("52000")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_selector("text=Opgeslagen als versie 3.")
    page.goto("/portal/")
    page.get_by_role("button", name="Mijn profiel bevestigen").click()
    page.wait_for_selector("text=U hebt versie 3 van uw profiel bevestigd.")
    page.get_by_role("button", name="Uitloggen").click()

    sign_in("anna@test.nl", PASSWORD)
    page.goto(f"/clients/{client.pk}/")
    assert _missing(page) < missing_before
    assert page.locator("#missing li[data-field='monthly_commitments']").count() == 0
    assert page.locator("#missing li[data-field='income']").count() == 0
    assert "bevestigd door de klant" in page.locator("p.lead").inner_text()
