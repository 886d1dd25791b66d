"""The Content-Security-Policy holds in a real browser: the pages work and nothing is refused."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGES = ["/", "/quality/", "/governance/signals/", "/dialogue/", "/prospects/", "/clients/", "/api/v1/docs"]


def test_no_page_breaks_the_policy(page, sign_in, transactional_db, firm):
    from klantbelang.accounts.tests.factories import PASSWORD, member

    member(firm, "manager", "adviser", "marketing", email="marit@test.nl", full_name="Marit Manager")
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in("marit@test.nl", PASSWORD)
    for path in PAGES:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
    assert page.locator(".swagger-ui").count() == 1  # the API docs run under the policy too
    assert refused == []
