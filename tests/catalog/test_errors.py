import pytest

from holotype.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError


@pytest.mark.parametrize(
    ("error", "status"),
    [(Invalid, 400), (Forbidden, 403), (NotFound, 404), (Conflict, 409)],
)
def test_statuses(error: type[ServiceError], status: int) -> None:
    raised = error("no such thing", field="slug")
    assert isinstance(raised, ServiceError)
    assert raised.status == status
    assert raised.message == "no such thing"
    assert raised.field == "slug"
    assert str(raised) == "slug: no such thing"


def test_field_is_optional() -> None:
    raised = NotFound("gone")
    assert raised.field is None
    assert str(raised) == "gone"
