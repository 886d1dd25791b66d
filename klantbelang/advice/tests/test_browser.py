import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_advice_journey_from_case_to_accepted_report(page, sign_in, transactional_db, firm):
    from klantbelang.accounts.tests.factories import PASSWORD, member
    from klantbelang.advice.models import AdviceCase
    from klantbelang.advice.tests.factories import ready_client
    from klantbelang.products.tests.factories import ProductFactory

    anna = member(firm, "adviser", email="anna@test.nl", full_name="Anna Adviseur")
    member(firm, "reviewer", email="rita@test.nl", full_name="Rita Reviewer")
    jan = member(firm, "client", email="jan@test.nl", full_name="Jan Jansen")
    ProductFactory(firm=firm, code="CALM", name="Rustig Fonds", sri=1, min_horizon_years=0.0)
    client = ready_client(firm, anna, jan)

    def logout():
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url("**/login/")

    def advise(rationale):
        for index in range(page.locator("article.need").count()):
            article = page.locator("article.need").nth(index)
            if article.locator("details").get_attribute("open") is None:
                article.locator("summary").click()
            article.locator("input[name$=product_code]").fill("CALM")
            article.locator("textarea[name$=rationale]").fill(rationale)
            article.get_by_role("button", name="Advies opslaan").click()
            page.wait_for_selector(".messages")

    sign_in("anna@test.nl", PASSWORD)
    page.goto(f"/clients/{client.pk}/")
    page.get_by_role("link", name="Een adviesdossier openen").click()
    page.get_by_label("Beleggen").check()
    page.get_by_role("button", name="Openen").click()
    page.wait_for_selector("h1:text('Advies voor')")
    for phase in ("Inventarisatie", "Analyse", "Advies"):
        page.get_by_role("button", name=f"Naar {phase}").click()
        page.wait_for_selector(f"[data-status] >> text={phase}")
    page.get_by_role("link", name="Deze behoefte matchen").first.click()
    page.wait_for_selector(".match-summary")
    page.go_back()
    page.reload()
    advise("Past bij het risicoprofiel.")
    page.get_by_role("button", name="Indienen voor vierogencontrole").click()
    page.wait_for_selector("[data-status='review']")
    logout()

    sign_in("rita@test.nl", PASSWORD)
    case = AdviceCase.objects.get()
    page.goto(f"/advice/{case.pk}/review/")
    page.get_by_label("Wijzigingen vragen").check()
    page.locator("input[name=costs_comment]").fill("Noem de kosten over de looptijd.")
    page.get_by_role("button", name="Beoordeling vastleggen").click()
    page.wait_for_url("**/advice/")
    logout()

    sign_in("anna@test.nl", PASSWORD)
    page.goto(f"/advice/{case.pk}/")
    assert page.locator("[data-status='advice']").count() == 1
    assert "Noem de kosten over de looptijd." in page.content()
    advise("Past bij het risicoprofiel; kosten € 12 per jaar, € 120 over tien jaar.")
    page.get_by_role("button", name="Indienen voor vierogencontrole").click()
    page.wait_for_selector("[data-status='review']")
    logout()

    sign_in("rita@test.nl", PASSWORD)
    page.goto(f"/advice/{case.pk}/review/")
    for box in page.locator("input[type=checkbox][name$=_ok]").all():
        box.check()
    page.get_by_label("Goedkeuren").check()
    page.get_by_role("button", name="Beoordeling vastleggen").click()
    page.wait_for_url("**/advice/")
    logout()

    sign_in("anna@test.nl", PASSWORD)
    page.goto(f"/advice/{case.pk}/")
    page.get_by_role("button", name="Vrijgeven").click()
    page.wait_for_selector("[data-status='released']")
    logout()

    sign_in("jan@test.nl", PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Mijn advies").click()
    page.get_by_role("button", name="Ik accepteer dit advies").click()
    page.wait_for_selector("text=U hebt het advies geaccepteerd.")
    version = case.versions.get()
    assert version.responses.get().kind == "accepted"
    assert [review.outcome for review in case.reviews.all()] == ["changes_requested", "approved"]
