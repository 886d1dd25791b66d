import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_board_drag_and_drop_lost_reason_and_relationship_check(page, sign_in, transactional_db, firm):
    from klantbelang.accounts.tests.factories import PASSWORD, member
    from klantbelang.prospects.models import Prospect
    from klantbelang.prospects.tests.factories import prospect

    member(firm, "adviser", email="anna@test.nl", full_name="Anna Adviseur")
    mila = member(firm, "marketing", email="mila@test.nl", full_name="Mila Marketing")
    keep = prospect(firm, mila, first_name="Daan", last_name="Visser")
    drop = prospect(firm, mila, first_name="Eva", last_name="Smit")

    sign_in("anna@test.nl", PASSWORD)
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Prospects").click()
    qualifying = page.locator(".board-column[data-kind='qualifying']")
    page.locator(f".prospect-card[data-prospect='{keep.pk}']").drag_to(qualifying)
    qualifying.locator(f".prospect-card[data-prospect='{keep.pk}']").wait_for()
    keep.refresh_from_db()
    assert keep.stage.kind == "qualifying"

    page.locator(f".prospect-card[data-prospect='{drop.pk}']").drag_to(page.locator(".board-column[data-kind='lost']"))
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reden van afvallen").select_option(label="Onbereikbaar")
    dialog.get_by_role("button", name="Naar afgevallen").click()
    page.locator(f".board-column[data-kind='lost'] .prospect-card[data-prospect='{drop.pk}']").wait_for()
    drop.refresh_from_db()
    assert (drop.stage.kind, drop.lost_reason.code) == ("lost", "unreachable")

    page.get_by_role("link", name="Daan Visser").click()
    page.get_by_label("Verplaatsen naar").select_option(label="Afspraken over de relatie")
    page.get_by_role("button", name="Verplaatsen").click()
    assert "Doe eerst de relatiecheck" in page.locator(".messages").inner_text()
    form = page.locator("form[action$='/relationship-check/']")
    form.get_by_label("Eens per jaar een herziening").check()
    form.get_by_label("Ja, alles wat ertoe doet").check()
    form.get_by_label("Ja", exact=True).first.check()
    form.get_by_label("Langer dan 5 jaar").check()
    form.get_by_label("wij kunnen het verwachte contact bieden").check()
    form.get_by_label("wij willen een langdurige relatie met hen").check()
    form.get_by_role("button", name="Vastleggen").click()
    page.wait_for_selector("[data-mutual='yes']")
    page.get_by_label("Verplaatsen naar").select_option(label="Afspraken over de relatie")
    page.get_by_role("button", name="Verplaatsen").click()
    page.wait_for_selector("[data-kind='agreement']")
    assert Prospect.objects.get(pk=keep.pk).stage.kind == "agreement"
