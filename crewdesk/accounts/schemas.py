from datetime import datetime

from ninja import Field, Schema


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


class ApiTokenOut(Schema):
    id: int
    prefix: str
    name: str
    user: int
    username: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    live: bool

    @staticmethod
    def resolve_user(obj) -> int:
        return obj.user_id

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_live(obj) -> bool:
        return obj.is_live


class ApiTokenIn(Schema):
    name: str = Field("", max_length=100)
    expires_at: datetime | None = None


class ApiTokenCreatedOut(ApiTokenOut):
    token: str  # shown this once; only its hash is kept
