"""The roles' permissions (domain/roles.py) and the services' one check (services/context.py)."""

import pytest

from station_app.domain.roles import Permission, Role, allows
from station_app.services import context


def test_each_role_allows_what_it_says():
    assert all(allows(Role.ADMIN, p) for p in Permission)
    assert allows(Role.CLERK, Permission.CHANGE)
    assert not any(allows(Role.CLERK, p) for p in Permission if p is not Permission.CHANGE)
    assert not any(allows(Role.READONLY, p) for p in Permission)
    assert all(allows(None, p) for p in Permission)  # a plain database, nobody logged in


def test_require_refuses_in_chinese_and_names_the_role():
    context.set_user(context.Actor("小李", Role.READONLY))
    try:
        with pytest.raises(context.PermissionDenied, match="只读"):
            context.require(Permission.CHANGE, "保存接待登记")
        assert context.current_actor() == "小李"
    finally:
        context.set_user(None)
    context.require(Permission.CHANGE)  # nobody logged in: allowed as before
