"""A registry of navigation entries that each app adds in its AppConfig.ready().

core imports no domain app, so apps announce their own pages; the context processor shows a
person only the entries their roles allow.
"""

from dataclasses import dataclass

_items: list["NavItem"] = []


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # None: every signed-in member of a firm; otherwise the role values that see the entry.
    roles: frozenset[str] | set[str] | None
    order: int = 50

    def visible_for(self, roles: frozenset[str]) -> bool:
        return self.roles is None or bool(roles & set(self.roles))


def register(*items: NavItem) -> None:
    for item in items:
        if item.url_name not in {existing.url_name for existing in _items}:
            _items.append(item)
    _items.sort(key=lambda item: item.order)


def items_for(roles: frozenset[str]) -> list[NavItem]:
    return [item for item in _items if item.visible_for(roles)]
