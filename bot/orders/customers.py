"""A new customer typed into the order form: checked field by field, then a NewRelation for Mplus.

Pure and fast (it runs inside Slack's 3 s view_submission ack), like ``drafts``. Messages are plain
text; the view escapes them.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.marks import N_, Said
from bot.mplus.models import NewRelation

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s\-().\/]+$")
_MOBILE = re.compile(r"^(06|00316|316)")
MIN_PHONE_DIGITS = 6
DEFAULT_COUNTRY = "NL"


class CustomerField(StrEnum):
    NAME = "name"
    COMPANY = "company"
    CONTACT = "contact"
    EMAIL = "email"
    PHONE = "phone"
    ADDRESS = "address"
    ZIPCODE = "zipcode"
    CITY = "city"
    COUNTRY = "country"


MAX_LENGTH: dict[CustomerField, int] = {
    CustomerField.NAME: 100, CustomerField.COMPANY: 100, CustomerField.CONTACT: 100,
    CustomerField.EMAIL: 120, CustomerField.PHONE: 30, CustomerField.ADDRESS: 120,
    CustomerField.ZIPCODE: 12, CustomerField.CITY: 60, CustomerField.COUNTRY: 40,
}
NO_NAME = N_("Give the customer a name (a person's or the company's).")
BAD_EMAIL = N_("That is not an e-mail address, e.g. naam@example.nl.")
BAD_PHONE = N_("Type a phone number with at least 6 digits, e.g. 06-12345678 or +31 20 123 4567.")


class CustomerDraft(BaseModel):
    """What the new-customer modal holds, as typed."""

    model_config = ConfigDict(frozen=True)

    name: str = ""
    company: str = ""
    contact: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    zipcode: str = ""
    city: str = ""
    country: str = DEFAULT_COUNTRY

    @classmethod
    def from_typed(cls, typed: str) -> CustomerDraft:
        """Start from what was typed in the type-ahead: an e-mail, a phone number or a name."""
        typed = " ".join(typed.split())
        if "@" in typed:
            return cls(email=typed)
        if _PHONE.match(typed) and sum(ch.isdigit() for ch in typed) >= MIN_PHONE_DIGITS:
            return cls(phone=typed)
        return cls(name=typed)


def check_customer(draft: CustomerDraft) -> tuple[NewRelation | None, dict[CustomerField, str]]:
    """(the relation to create, or None) and one message per bad field."""
    errors: dict[CustomerField, str] = {}
    values = {f: " ".join(str(getattr(draft, f.value)).split()) for f in CustomerField}
    for field, limit in MAX_LENGTH.items():
        if len(values[field]) > limit:
            errors[field] = Said(N_("At most {n} characters."), n=limit)
    if not values[CustomerField.NAME]:
        errors[CustomerField.NAME] = NO_NAME
    email = values[CustomerField.EMAIL]
    if email and not _EMAIL.match(email):
        errors.setdefault(CustomerField.EMAIL, BAD_EMAIL)
    phone = values[CustomerField.PHONE]
    digits = re.sub(r"\D", "", phone)
    if phone and (not _PHONE.match(phone) or len(digits) < MIN_PHONE_DIGITS):
        errors.setdefault(CustomerField.PHONE, BAD_PHONE)
    if errors:
        return None, errors
    mobile = bool(phone) and bool(_MOBILE.match(digits))
    relation = NewRelation(
        name=values[CustomerField.NAME],
        company_name=values[CustomerField.COMPANY] or None,
        contact=values[CustomerField.CONTACT] or None,
        email=email or None,
        mobile=phone if mobile else None,
        telephone=phone if phone and not mobile else None,
        address=values[CustomerField.ADDRESS] or None,
        zipcode=values[CustomerField.ZIPCODE].upper() or None,
        city=values[CustomerField.CITY] or None,
        country=values[CustomerField.COUNTRY] or DEFAULT_COUNTRY,
    )
    return relation, {}
