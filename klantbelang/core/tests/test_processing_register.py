import pytest
from django.urls import reverse

from klantbelang.core import processing

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "status"), [("manager", 200), ("admin_user", 200), ("adviser", 403),
                                              ("reviewer", 403), ("marketing", 403), ("product_developer", 403),
                                              ("client_user", 403)])
def test_the_register_is_for_management(request, login, client, bearer, firm, role, status):
    user = request.getfixturevalue(role)
    page = login(user).get(reverse("core:processing_register"))
    assert page.status_code == status
    api = client.get("/api/v1/processing-register", headers=bearer(user))
    assert api.status_code == status
    if status == 200:
        assert page.content.decode().count("data-activity") == len(processing.ACTIVITIES) == 8
        assert "Verwerkingsregister" in page.content.decode()
        body = api.json()
        assert (body["firm"], len(body["activities"])) == (firm.name, 8)
        assert body["activities"][0]["name"] == "Behoefte-inventarisatie en klantdossier"
