from klantbelang.core.roles import Role


def can_manage_members(*, user) -> bool:
    """Only a firm's admins add people and change their roles."""
    return user.is_authenticated and user.has_role(Role.ADMIN)


def can_view_members(*, user) -> bool:
    """Managers see who works in the firm (team composition); admins manage it."""
    return user.is_authenticated and user.has_any_role({Role.ADMIN, Role.MANAGER})
