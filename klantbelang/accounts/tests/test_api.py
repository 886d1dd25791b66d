from klantbelang.accounts.models import ApiToken
from klantbelang.core.models import AuditEvent


def test_token_login_and_me(client, adviser):
    response = client.post("/api/v1/auth/token", {"email": "adviser@test.nl", "password": "correct horse battery"},
                           content_type="application/json")
    assert response.status_code == 201
    token = response.json()["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json() == {
        "id": adviser.pk, "email": "adviser@test.nl", "full_name": "Anna Adviseur", "language": "nl",
        "firm": {"id": adviser.firm.pk, "name": "Demo Advies", "slug": "demo-advies", "country": "NL"},
        "role": "adviser", "roles": ["adviser"],
    }


def test_wrong_password_is_401_with_a_code(client, adviser):
    response = client.post("/api/v1/auth/token", {"email": "adviser@test.nl", "password": "wrong"},
                           content_type="application/json", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "E-mail address or password is wrong."}
    dutch = client.post("/api/v1/auth/token", {"email": "adviser@test.nl", "password": "wrong"},
                        content_type="application/json", headers={"Accept-Language": "nl"})
    assert dutch.json()["message"] == "E-mailadres of wachtwoord is onjuist."
    assert ApiToken.objects.count() == 0


def test_malformed_body_is_422_with_field_errors_never_500(client, adviser):
    response = client.post("/api/v1/auth/token", {"email": "adviser@test.nl"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == [{"field": "payload.password", "message": "Field required"}]
    garbage = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert garbage.status_code == 400
    assert garbage.json()["code"] == "bad_request"


def test_revoking_a_token_ends_it(client, adviser, bearer):
    headers = bearer(adviser)
    token = ApiToken.objects.get()
    assert client.get("/api/v1/auth/tokens", headers=headers).json()[0]["id"] == token.pk
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_session_authentication_works_for_the_web_ui(login, manager):
    response = login(manager).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["role"] == "manager"


def test_audit_events_api_is_for_managers(client, bearer, firm, adviser, manager):
    adviser_headers = bearer(adviser)
    response = client.get("/api/v1/audit-events", headers=adviser_headers)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    manager_headers = bearer(manager)
    events = client.get("/api/v1/audit-events", {"action": "issued"}, headers=manager_headers).json()
    assert events["count"] == 2
    assert {item["actor"] for item in events["items"]} == {"adviser@test.nl", "manager@test.nl"}


def test_openapi_docs_are_served(client):
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]
    assert schema["info"]["title"] == "klantbelang API"
