"""Dutch-looking people, companies and articles for the demo seed and for bulk generation.

Deliberately messy the way real back-office data is: accents (Zoë, Çelik, Ĳsselmeer), phone numbers in
mixed formats (+31 6 …, 06-…, 0031 …, 020 …), postcodes with and without the space.
"""

from __future__ import annotations

import random
import unicodedata

FIRST_NAMES = (
    "Jan", "Sanne", "Pieter", "Zoë", "Emre", "Daan", "Noor", "Lotte", "Bram", "Fleur", "Ruben", "Anaïs",
    "Sem", "Julia", "Mila", "Lucas", "Tess", "Finn", "Yara", "Thijs", "Eva", "Mohammed", "Fatma", "Chloë",
    "Joëlle", "Stijn", "Rosa", "Levi", "Maud", "Hugo", "Isa", "Jesse", "Ayşe", "Wouter", "Inge", "Kees",
    "Marloes", "Gijs", "Femke", "Ahmed", "Sofie", "Björn", "Renée", "Niels", "Esmée", "Teun", "Lieke",
)
SURNAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
    "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
    "Brouwer", "de Wit", "Dijkstra", "Çelik", "Yılmaz", "Öztürk", "van der Meer", "Kok", "Jacobs",
    "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "de Bruijn", "Ĳzerman", "El Amrani",
    "Bouzid", "Schouten", "Koster", "Willems", "Huisman", "Prins", "Kuipers", "Postma", "Groenewoud",
)
# (city, first two postcode digits, area code for landlines)
CITIES = (
    ("Amsterdam", "10", "020"), ("Utrecht", "35", "030"), ("Rotterdam", "30", "010"),
    ("Den Haag", "25", "070"), ("Groningen", "97", "050"), ("Eindhoven", "56", "040"),
    ("Haarlem", "20", "023"), ("Lelystad", "82", "0320"), ("Enkhuizen", "16", "0228"),
    ("Zwolle", "80", "038"), ("Maastricht", "62", "043"), ("Leiden", "23", "071"),
    ("'s-Hertogenbosch", "52", "073"), ("Arnhem", "68", "026"), ("Almere", "13", "036"),
    ("Kampen", "82", "038"), ("Nijmegen", "65", "024"), ("Deventer", "74", "0570"),
)
STREETS = (
    "Kerkstraat", "Dorpsstraat", "Stationsweg", "Ĳsselkade", "Molenweg", "Prinsengracht", "Lindelaan",
    "Schoolstraat", "Havenstraat", "Julianalaan", "Oranjestraat", "Brinkweg", "Kanaalweg", "Ĳsseldijk",
    "Beatrixstraat", "Marktplein", "Zuiderzeeweg", "Nieuwe Gracht", "Café-straat", "Rozenlaan",
)
COMPANY_WORDS = (
    ("Koffiebranderij", "Bakkerij", "Lunchroom", "Hotel", "Zeilschool", "Kantoor", "Studio", "Brasserie",
     "Tandartspraktijk", "Fietsenmaker", "Boekhandel", "Restaurant", "Café", "Camping", "Bloemist"),
    ("De Zon", "Het Anker", "Ĳsselmeer", "De Molen", "Noord", "Centraal", "De Linde", "Zuid", "Het Dok",
     "Crème", "De Eik", "Waddenzee", "Oranje", "De Kroon", "Het Hof"),
    ("B.V.", "V.O.F.", "", "", "& Zn."),
)


def ascii_fold(text: str) -> str:
    """"Zoë Çelik" → "Zoe Celik" (for e-mail addresses); Ĳ decomposes to IJ."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ı", "i")


def phone(rng: random.Random, area: str, mobile: bool) -> str:
    """A phone number in one of the formats people actually type."""
    if mobile:
        digits = f"{rng.randint(10_000_000, 99_999_999)}"
        return rng.choice((
            f"06-{digits}", f"06 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
            f"+31 6 {digits[:4]} {digits[4:]}", f"0031 6 {digits}", f"06{digits}", f"+316{digits}",
        ))
    local = f"{rng.randint(10 ** (9 - len(area)), 10 ** (10 - len(area)) - 1)}"
    return rng.choice((
        f"{area} {local[:3]} {local[3:]}", f"{area}-{local}", f"+31 {area[1:]} {local}",
        f"0031 {area[1:]} {local}", f"{area}{local}",
    ))


def postcode(rng: random.Random, prefix: str) -> str:
    digits = f"{prefix}{rng.randint(10, 99)}"
    letters = "".join(rng.choice("ABCDEGHJKLMNPRSTVWXZ") for _ in range(2))
    return rng.choice((f"{digits} {letters}", f"{digits} {letters}", f"{digits}{letters}"))


def _email(rng: random.Random, local: str, domain: str) -> str:
    clean = ascii_fold(local).lower().replace("'", "").replace(" ", ".")
    return f"{clean}@{domain}"


def person(rng: random.Random, serial: int) -> dict[str, str | int]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    city, pc, area = rng.choice(CITIES)
    row: dict[str, str | int] = {
        "name": f"{first} {last}", "address": f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
        "zipcode": postcode(rng, pc), "city": city, "categoryId": 1,
        "email": _email(rng, f"{first}.{last}{serial if serial > 0 else ''}", rng.choice(
            ("example.nl", "example.com", "mail.example.nl"))),
    }
    is_mobile = rng.random() < 0.8
    row["mobile" if is_mobile else "telephone"] = phone(rng, area, mobile=is_mobile)
    return row


def company(rng: random.Random, serial: int) -> dict[str, str | int]:
    kind, name, form = (rng.choice(words) for words in COMPANY_WORDS)
    city, pc, area = rng.choice(CITIES)
    full = " ".join(p for p in (kind, name, form) if p)
    contact = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    domain = ascii_fold(f"{kind}{name}").lower().replace(" ", "").replace("'", "") + ".example.nl"
    return {
        "name": full, "companyName": full, "contact": contact,
        "address": f"{rng.choice(STREETS)} {rng.randint(1, 250)}", "zipcode": postcode(rng, pc), "city": city,
        "email": _email(rng, rng.choice(("info", "inkoop", "administratie", "bestellingen"))
                        + (str(serial) if serial > 0 else ""), domain),
        "telephone": phone(rng, area, mobile=False), "categoryId": 2,
    }


# Demo relations that tests and the README refer to by name; the rest of the demo seed is random.
NAMED_RELATIONS: list[dict[str, str | int]] = [
    {"name": "Zoë van den Berg", "address": "Ĳsselkade 12", "zipcode": "8261 AB", "city": "Kampen",
     "email": "zoe.vandenberg@example.nl", "mobile": "+31 6 2468 1357", "categoryId": 1},
    {"name": "Emre Çelik", "address": "Kanaalweg 4", "zipcode": "3526KM", "city": "Utrecht",
     "email": "emre.celik@example.com", "mobile": "0031 6 11223344", "categoryId": 1},
    {"name": "Zeilschool Ĳsselmeer B.V.", "companyName": "Zeilschool Ĳsselmeer B.V.",
     "contact": "Anaïs de Bruijn", "address": "Havenstraat 1", "zipcode": "1601 GA", "city": "Enkhuizen",
     "email": "info@zeilschool-ijsselmeer.example.nl", "telephone": "0228 312 345", "categoryId": 2},
    {"name": "Café Crème", "companyName": "Café Crème V.O.F.", "contact": "Renée Groenewoud",
     "address": "Nieuwe Gracht 8", "zipcode": "2011 NB", "city": "Haarlem",
     "email": "bestellingen@cafecreme.example.nl", "telephone": "023-5319876", "categoryId": 2},
]

# Article families for the demo: (family name, variants, base price in cents, VAT, turnover group).
# Families with more than one variant become one product with several articles (getProducts groups them).
ARTICLE_FAMILIES: tuple[tuple[str, tuple[str, ...], int, str, int], ...] = (
    ("Koffiebonen Ethiopië Yirgacheffe", ("250 g", "500 g", "1 kg"), 995, "low", 10),
    ("Koffiebonen Brazilië Santos", ("250 g", "1 kg"), 795, "low", 10),
    ("Koffiebonen Guatemala Antigua", ("250 g", "1 kg"), 895, "low", 10),
    ("Koffiebonen Sumatra Mandheling", ("250 g", "1 kg"), 925, "low", 10),
    ("Koffiebonen Kenia AA", ("250 g", "1 kg"), 1095, "low", 10),
    ("Koffiebonen Ĳsselmeer Melange", ("500 g", "1 kg"), 1250, "low", 10),
    ("Espressobonen Crème Brûlée", ("250 g", "1 kg"), 850, "low", 10),
    ("Koffiepads Crème", ("18 st", "36 st"), 349, "low", 10),
    ("Koffiecups Lungo", ("10 st", "30 st"), 399, "low", 10),
    ("Thee Rooibos Vanille", ("100 g",), 595, "low", 11),
    ("Thee Pepermunt verse blaadjes", ("50 g",), 450, "low", 11),
    ("Thee Chai Masala", ("100 g",), 695, "low", 11),
    ("Matcha Ceremonial", ("30 g", "100 g"), 1895, "low", 11),
    ("Chocolademelk Cacao 32%", ("250 g",), 525, "low", 12),
    ("Karamelsiroop", ("250 ml", "700 ml"), 695, "low", 12),
    ("Speculaasjes roomboter", ("200 g",), 349, "low", 12),
    ("Amandelkrullen", ("150 g",), 395, "low", 12),
    ("Paaseitjes puur", ("200 g",), 425, "low", 12),
    ("Mok Koffieliefde", ("wit", "zwart", "Delfts blauw"), 1195, "high", 20),
    ("Espressokopje Crème", ("los", "set van 2", "set van 6"), 695, "high", 20),
    ("Latte macchiato glas", ("los", "set van 4"), 895, "high", 20),
    ("Thermosbeker RVS", ("350 ml", "500 ml"), 2195, "high", 20),
    ("T-shirt Koffieliefde", ("S", "M", "L", "XL"), 2495, "high", 22),
    ("Schort barista", ("zwart", "denim", "cognac"), 3495, "high", 22),
    ("Koffiemolen elektrisch", ("Basic", "Pro"), 8995, "high", 21),
    ("Waterkoker zwanenhals", ("0,8 l", "1,2 l"), 5495, "high", 21),
    ("Weegschaal met timer", ("standaard",), 3295, "high", 21),
    ("Moka pot aluminium", ("3 kops", "6 kops", "9 kops"), 2995, "high", 21),
    ("Chemex", ("6 kops", "8 kops"), 4995, "high", 21),
    ("Aeropress", ("Original", "Go"), 3995, "high", 21),
    ("Melkkan RVS", ("350 ml", "600 ml"), 1795, "high", 21),
    ("Tamper", ("51 mm", "58 mm"), 2495, "high", 21),
    ("Knock box", ("klein", "groot"), 2295, "high", 21),
    ("Filterpapier Chemex", ("100 st",), 1295, "high", 21),
    ("Reinigingstabletten", ("50 st",), 1495, "high", 31),
    ("Waterfilter patroon", ("1 st", "3 st"), 1195, "high", 31),
    ("Barista workshop", ("ochtend", "middag"), 7500, "high", 32),
    ("Cadeaubon", ("€ 10", "€ 25", "€ 50"), 1000, "high", 32),
    ("Koffieabonnement maand", ("250 g", "500 g", "1 kg"), 1495, "high", 32),
)
# Single articles without variants, padded until the demo catalogue holds about 200 articles.
_ADJECTIVES = ("Biologisch", "Fairtrade", "Huismerk", "Premium", "Ambachtelijk", "Seizoens", "Limited")
_NOUNS = ("koffiebonen", "espresso", "filterkoffie", "theemelange", "koekjes", "chocolade", "siroop",
          "koffiebekers", "glazen", "lepels", "onderzetters", "servetten", "bonenblik", "koffiescoop")
_SIZES = ("100 g", "250 g", "500 g", "1 kg", "6 st", "12 st", "24 st", "set van 2", "set van 4")


def filler_article_name(rng: random.Random) -> str:
    return f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} {rng.choice(_SIZES)}"


def ean13(body: int) -> str:
    """A valid EAN-13 (Dutch 87 prefix) for a 10-digit body: check digit computed, as scanners demand."""
    digits = f"87{body % 10**10:010d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)
