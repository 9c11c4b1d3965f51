"""A person's phone number and address as a document prints them: reformatted, sometimes outdated."""

from __future__ import annotations

import random

from .patients import Patient
from .wordlists import STREETS, TOWNS

PHONE_OUTDATED = 0.15
ADDRESS_OUTDATED = 0.15
_AREAS = ("617", "508", "781", "978", "413", "774", "339", "857")


def phone_digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def format_phone(digits: str, rng: random.Random) -> str:
    """A 10-digit number printed as (617) 555-0101, 617-555-0101, 617.555.0101 or 617 555 0101."""
    area, exchange, line = digits[:3], digits[3:6], digits[6:10]
    styles = (f"({area}) {exchange}-{line}", f"{area}-{exchange}-{line}", f"{area}.{exchange}.{line}")
    return rng.choice((*styles, styles[1], f"{area} {exchange} {line}"))


def random_phone_digits(rng: random.Random) -> str:
    exchange = rng.randint(201, 989)
    exchange = 556 if exchange == 555 else exchange
    return f"{rng.choice(_AREAS)}{exchange}{rng.randint(0, 9999):04d}"


def random_address(rng: random.Random) -> tuple[str, str]:
    """(street line, city line) somewhere in Massachusetts."""
    town, zip_code = rng.choice(TOWNS)
    street = f"{rng.randint(2, 980)} {rng.choice(STREETS)}"
    if rng.random() < 0.2:
        street += f" Apt {rng.randint(1, 40)}"
    return street, f"{town}, MA {zip_code}"


def print_contact(person: Patient, rng: random.Random, variations: list[str]) -> tuple[str, str, str]:
    """(phone, street, city line) as printed; an outdated number or address is recorded in `variations`."""
    digits = phone_digits(person.phone)
    if len(digits) == 10 and rng.random() < PHONE_OUTDATED:
        digits = random_phone_digits(rng)
        variations.append("phone_outdated")
    phone = format_phone(digits, rng) if len(digits) == 10 else person.phone
    street, city_line = person.address, ""
    if person.city:
        city_line = f"{person.city}, {person.state} {person.zip}".strip()
    if street and rng.random() < ADDRESS_OUTDATED:
        street, city_line = random_address(rng)
        variations.append("address_outdated")
    if street and rng.random() < 0.5:
        street, city_line = street.upper(), city_line.upper()
    return phone, street, city_line
