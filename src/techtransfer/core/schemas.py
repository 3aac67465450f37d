"""API schemas for regions, organisations, people and memberships."""

import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import EmailStr, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

from techtransfer.core.choices import OrganisationStatus, OrganisationType, Role


def _email(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """pydantic's e-mail check, its refusal of a text given the stable type `email_invalid`: its own
    is a `value_error` whose English text names the reason ("An email address must have an
    @-sign."), which `api.messages` cannot tell from any other and would pass on untranslated."""
    if not isinstance(value, str):
        return handler(value)  # not text: pydantic's own `string_type`
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("email_invalid", "Enter a valid email address.") from None


# An e-mail address in a request body: pydantic's EmailStr (the same check and OpenAPI `format`),
# refused as `email_invalid`, said in the request's language.
Email = Annotated[EmailStr, WrapValidator(_email)]


def _email_or_blank(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """`_email`, but empty text (or spaces) is "": an address that may be cleared."""
    if isinstance(value, str) and not value.strip():
        return ""
    return _email(value, handler)


# An e-mail address a record may go without (an organisation's contact address): "" clears it, as the
# web form's empty box does.
EmailOrBlank = Annotated[EmailStr, WrapValidator(_email_or_blank)]


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(None, alias="parent_id")


class OrganisationOut(Schema):
    id: int
    name: str
    name_en: str
    type: OrganisationType
    uscc: str
    region: RegionOut
    website: str
    description: str
    status: OrganisationStatus
    is_demo: bool
    verified_at: datetime.datetime | None
    created_at: datetime.datetime


class OrganisationRegisterIn(Schema):
    name: str = Field(..., min_length=2, max_length=128)
    name_en: str = Field("", max_length=200)
    type: OrganisationType
    # Bounded only: the service normalises (full-width, spaces) and then checks the 18 characters.
    uscc: str = Field(..., min_length=1, max_length=64)
    region: str = Field(..., pattern=r"^\d{6}$")
    address: str = Field("", max_length=200)
    website: str = Field("", max_length=200)
    description: str = Field("", max_length=4000)
    contact_phone: str = Field("", max_length=32)
    admin_username: str = Field(..., min_length=3, max_length=150, pattern=r"^[\w.@+-]+$")
    admin_email: Email
    admin_password: str = Field(..., min_length=10, max_length=128)
    admin_display_name: str = Field("", max_length=64)


class OrganisationUpdateIn(Schema):
    name: str | None = Field(None, min_length=2, max_length=128)
    name_en: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=200)
    website: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=4000)
    contact_email: EmailOrBlank | None = Field(None, description='"" clears it.')
    contact_phone: str | None = Field(None, max_length=32)


class TransitionIn(Schema):
    comment: str = Field("", max_length=2000)


class SuspendIn(Schema):
    # Kept as the organisation's `status_reason` (500 characters); required (`A reason is required.`).
    comment: str = Field("", max_length=500, description="Why the organisation is suspended (required).")


class UserOut(Schema):
    id: int
    username: str
    display_name: str


class MembershipOut(Schema):
    id: int
    user: UserOut
    organisation_id: int
    role: Role
    is_active: bool
    created_at: datetime.datetime


class MyMembershipOut(Schema):
    id: int
    organisation: OrganisationOut
    role: Role


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    is_platform_admin: bool
    memberships: list[MyMembershipOut]


class InvitationIn(Schema):
    email: Email
    role: Role = Role.MEMBER


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    expires_at: datetime.datetime
    token: str | None = None


class MembershipUpdateIn(Schema):
    role: Role


class RegisteredOut(Schema):
    organisation: OrganisationOut
    admin: UserOut
