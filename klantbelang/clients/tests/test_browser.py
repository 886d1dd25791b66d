import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]




def _missing(page) -> int:
    return page.locator("#missing li").count()


def _missing_fields(page) -> set[str]:
    return set(page.locator("#missing li").evaluate_all("items => items.map(item => item.dataset.field)"))


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
    fields_before = _missing_fields(page)
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
    # The client reads the same questions, each once, folded away until asked for.
    assert _missing_fields(page) == fields_before
    assert _missing(page) == len(fields_before) < missing_before
    assert not page.locator("#missing li").first.is_visible()
    page.get_by_text("Toon de vragen en waarom we ze stellen").click()
    assert page.locator("#missing li").first.is_visible()
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


def test_adviser_reads_the_financial_analysis_with_its_charts_in_both_languages(page, sign_in, transactional_db,
                                                                                firm):
    import datetime

    from klantbelang.accounts.tests.factories import PASSWORD, member
    from klantbelang.clients.tests.factories import household
    from klantbelang.clients.tests.test_planning import COUPLE, PROFILE

    anna = member(firm, "adviser", email="anna@test.nl", full_name="Anna Adviseur")
    client = household(firm, anna, persons=COUPLE, data=PROFILE, today=datetime.date(2026, 12, 1))
    sign_in("anna@test.nl", PASSWORD)
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name=re.compile("Financiële analyse")).click()
    page.wait_for_selector("h1:has-text('Financiële analyse')")
    assert page.locator("#persons tbody tr").count() == 2
    assert "Dekking bij overlijden" in page.locator("#needs").inner_text()
    assert page.locator("#death_client h2").inner_text() == "Overlijden van Jan Jansen"
    # Every scenario draws its chart (the vendored chart library renders into each canvas).
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]').length === 7 && "
                           "[...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c))")
    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_selector("h1:has-text('Financial analysis')")
    assert page.locator("#death_client h2").inner_text() == "Death of Jan Jansen"
    assert "Cover on death" in page.locator("#needs").inner_text()
