from klantbelang.clients.permissions import can_edit_profile
from klantbelang.core.roles import Role


def is_clients_portal_user(*, user, client) -> bool:
    return user.is_authenticated and client.portal_user_id == user.pk and user.has_role(Role.CLIENT)


def can_manage_relationship(*, user, client) -> bool:
    """Draft agreements, record reviews: the advisers who may edit the client, managers, admins."""
    return can_edit_profile(user=user, client=client) and not is_clients_portal_user(user=user, client=client)


def can_handle_complaints(*, user) -> bool:
    return user.is_authenticated and user.has_any_role({Role.MANAGER, Role.ADMIN, Role.ADVISER})
