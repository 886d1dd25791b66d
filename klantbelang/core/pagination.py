"""The API's one way of paging a list: ``limit`` and ``offset`` as django-ninja reads them, with
bounds. Without them ``limit=100000`` returned a whole audit trail in one response and a huge
``offset`` reached the database as a number it cannot hold (a 500); now both are 422 with the field."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_PAGE = 500
MAX_OFFSET = 10_000_000


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"At most {MAX_PAGE} items a page.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_PAGE, **kwargs)
