from .roles import Role


def can_view_audit(*, user) -> bool:
    """Managers and admins read their firm's audit trail; nobody can change it."""
    return user.is_authenticated and user.has_any_role({Role.MANAGER, Role.ADMIN})
