"""Users' roles and what each may do (DESIGN: 管理员 / 联络员 / 只读).

The one place that says which role may change records, manage users and rules, unmask personal
data, restore and enrol stations. Services ask it through :mod:`station_app.services.context`; the
UI only greys out what a service would refuse anyway.
"""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    """A user's role; the value is what the ``user.role`` column stores."""

    ADMIN = "admin"
    CLERK = "clerk"
    READONLY = "readonly"

    @property
    def label(self) -> str:
        """The Chinese name shown in the UI."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {Role.ADMIN: "管理员", Role.CLERK: "联络员", Role.READONLY: "只读"}


class Permission(str, Enum):
    """Something a role may be allowed to do."""

    CHANGE = "change"  # create, update, delete records; import; export; print personal data
    MANAGE_USERS = "manage_users"
    MANAGE_RULES = "manage_rules"  # scoring indicators, schedule rules, settings
    UNMASK = "unmask"  # show full phone and ID numbers
    RESTORE = "restore"
    ENROL = "enrol"  # accept or re-enrol a station's signing key
    READ_AUDIT = "read_audit"


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CLERK: frozenset({Permission.CHANGE}),
    Role.READONLY: frozenset(),
}

PERMISSION_LABELS: dict[Permission, str] = {
    Permission.CHANGE: "修改数据",
    Permission.MANAGE_USERS: "管理用户",
    Permission.MANAGE_RULES: "修改规则和设置",
    Permission.UNMASK: "查看完整的电话和身份证号",
    Permission.RESTORE: "从备份恢复",
    Permission.ENROL: "登记站点密钥",
    Permission.READ_AUDIT: "查看审计日志",
}


def allows(role: Role | str | None, permission: Permission) -> bool:
    """May a user of ``role`` do ``permission``? ``None`` is no login at all: a plain (unprotected)
    database used as before users existed, where everything is allowed as it always was."""
    if role is None:
        return True
    return permission in PERMISSIONS[Role(role)]
