import datetime

from klantbelang.clients.services import create_client, import_profile


def household(firm, adviser, *, name="Huishouden Jansen", data=None, persons=None, team=None, today=None):
    """A client created through the service (so it has profile version 1), with ``data`` imported
    as version 2 when given."""
    client = create_client(firm=firm, by=None, name=name, responsible_adviser=adviser, team=team, persons=persons or [
        {"role": "client", "first_name": "Jan", "last_name": "Jansen", "date_of_birth": datetime.date(1980, 5, 1),
         "employment": "employment", "email": "jan@example.nl"}], today=today)
    if data:
        import_profile(client=client, data=data, today=today)
        client.refresh_from_db()
    return client
