from datetime import datetime

from ninja import Schema


class CompanyOut(Schema):
    id: int
    name: str
    slug: str
    currency: str
    timezone: str


class MeOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    company: CompanyOut


class MemberOut(Schema):
    id: int
    user_id: int
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    active: bool
    created_at: datetime

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_first_name(obj) -> str:
        return obj.user.first_name

    @staticmethod
    def resolve_last_name(obj) -> str:
        return obj.user.last_name
