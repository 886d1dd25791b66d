import datetime

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]




def test_agreement_life_event_review_and_survey(page, sign_in, transactional_db, firm):
    from django.utils import timezone

    from klantbelang.accounts.tests.factories import PASSWORD, member
    from klantbelang.clients.models import Client
    from klantbelang.clients.tests.factories import household
    from klantbelang.relationships import services
    from klantbelang.relationships.tests.factories import TERMS

    anna = member(firm, "adviser", email="anna@test.nl", full_name="Anna Adviseur")
    jan = member(firm, "client", email="jan@test.nl", full_name="Jan Jansen")
    client = household(firm, anna)
    Client.objects.filter(pk=client.pk).update(portal_user=jan)
    agreement = services.draft_agreement(client=client, by=anna, terms=TERMS)
    services.confirm_agreement(agreement=agreement, by=anna)

    sign_in("jan@test.nl", PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Onze afspraken").click()
    page.get_by_role("button", name="Ik ga akkoord met deze dienstverleningsafspraken").click()
    page.wait_for_selector("[data-status='confirmed']")
    page.get_by_label("Wat er gebeurde").select_option("child")
    page.get_by_label("Wanneer").fill((timezone.localdate() - datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Melden").click()
    page.wait_for_selector(".messages")
    page.get_by_role("button", name="Uitloggen").click()

    sign_in("anna@test.nl", PASSWORD)
    page.goto("/worklist/")
    row = page.locator("tr", has_text="Levensgebeurtenis gemeld")
    assert row.count() == 1
    row.get_by_role("link", name="Uitkomst vastleggen").click()
    page.get_by_label("Geleverd").check()
    page.get_by_role("button", name="Uitkomst opslaan").click()
    page.wait_for_url("**/worklist/")
    assert page.locator("tr", has_text="Levensgebeurtenis gemeld").count() == 0
    page.get_by_role("button", name="Uitloggen").click()

    sign_in("jan@test.nl", PASSWORD)
    page.goto("/portal/agreement/")
    survey = page.locator("section.survey")
    survey.get_by_label("4", exact=True).first.check()
    survey.locator("input[name=would_recommend][value='9']").check()
    survey.get_by_role("button", name="Versturen").click()
    page.wait_for_selector("text=Dank u voor uw antwoorden.")
    answered = client.surveys.get()
    assert (answered.satisfaction, answered.would_recommend) == (4, 9)
