import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_manager_reads_a_module_and_records_a_file_check(page, sign_in, transactional_db, firm):
    from django.utils import timezone

    from klantbelang.accounts.tests.factories import PASSWORD, member
    from klantbelang.quality import services
    from klantbelang.quality.models import FileCheck
    from klantbelang.quality.tests.factories import moment, product, released

    member(firm, "manager", email="mark@test.nl", full_name="Mark Manager")
    anna = member(firm, "adviser", email="anna@test.nl", full_name="Anna Adviseur")
    today = timezone.localdate()
    last_month = services.month_start(today, 1)
    alfa = product(firm)
    case = released(firm, anna, at=moment(last_month.year, last_month.month, 10),
                    recommendations=[("death_cover", alfa, True, "")], reviews=[("approved", 5, None)])
    services.refresh(firm, months=3, today=today)

    sign_in("mark@test.nl", PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Kwaliteit").click()
    row = page.locator("tr[data-module='advice_fit']")
    assert row.locator("[data-score]").get_attribute("data-score") == "4"
    assert "100%" in row.inner_text()
    row.get_by_role("link", name="Passend advies").click()
    sample = page.locator("#sample form").first
    sample.get_by_label("In orde").check()
    sample.get_by_role("button", name="Vastleggen").click()
    page.wait_for_selector(".messages")
    assert "De dossiercontrole is vastgelegd." in page.locator(".messages").inner_text()
    check = FileCheck.objects.get()
    assert (check.case_id, check.module, check.outcome) == (case.pk, "advice_fit", "good")
    page.get_by_role("link", name="Klantbelangdashboard").click()
    assert page.locator("tr[data-module='advice_fit'] [data-score]").get_attribute("data-score") == "5"
