"""Seed data shared by every seed: the shop's catalogue and its relations (customers)."""

from __future__ import annotations

from .model import Article, Branch, Catalogue, DeliveryMethod, OrderCategory, PaymentMethod
from .names import ean13

VAT_HIGH = (1, 21)  # (vatCode, vatPercentage): our choice, the real codes are installation specific
VAT_LOW = (2, 9)

# (articleNumber, text, price in cents incl. VAT, vat, turnoverGroup)
_ARTICLES: list[tuple[int, str, int, tuple[int, int], int]] = [
    (1001, "Koffiebonen Huismelange 1 kg", 2495, VAT_LOW, 10),
    (1002, "Koffiebonen Espresso Forte 1 kg", 2695, VAT_LOW, 10),
    (1003, "Koffiebonen Colombia Decaf 500 g", 1495, VAT_LOW, 10),
    (1004, "Koffiebonen los per kg", 2250, VAT_LOW, 10),
    (1005, "Filterkoffie gemalen 250 g", 595, VAT_LOW, 10),
    (1006, "Thee Earl Grey los 100 g", 650, VAT_LOW, 11),
    (1007, "Thee Groene Sencha 100 g", 795, VAT_LOW, 11),
    (1008, "Stroopwafels ambachtelijk 8 st", 449, VAT_LOW, 12),
    (1009, "Chocoladereep puur 72%", 325, VAT_LOW, 12),
    (2001, "Mok Delfts blauw", 1295, VAT_HIGH, 20),
    (2002, "Cappuccinokop met schotel", 1495, VAT_HIGH, 20),
    (2003, "Espressokopjes set van 4", 2450, VAT_HIGH, 20),
    (2004, "Melkopschuimer RVS", 3995, VAT_HIGH, 21),
    (2005, "Koffiemolen handmatig", 5995, VAT_HIGH, 21),
    (2006, "French press 1 liter", 3495, VAT_HIGH, 21),
    (2007, "Filterhouder V60 keramiek", 2795, VAT_HIGH, 21),
    (2008, "Papieren filters 100 st", 495, VAT_HIGH, 21),
    (3001, "Espressomachine Barista Pro", 64900, VAT_HIGH, 30),
    (3002, "Ontkalker 500 ml", 995, VAT_HIGH, 31),
    (3003, "Cadeaubon koffieproeverij", 3500, VAT_HIGH, 32),
]


def build_catalogue() -> Catalogue:
    return Catalogue(
        branches=[Branch(number=1, name="Amsterdam"), Branch(number=2, name="Utrecht"),
                  Branch(number=3, name="Webshop")],
        articles=[
            Article(number=n, text=t, price=p, vat_code=v[0], vat_percentage=v[1], turnover_group=g,
                    plu=str(n), barcodes=[ean13(n)])
            for n, t, p, v, g in _ARTICLES
        ],
        delivery_methods=[
            DeliveryMethod(code="PICKUP", description="Afhalen in de winkel", button_text="Afhalen"),
            DeliveryMethod(code="POSTNL", description="Verzenden met PostNL", button_text="PostNL"),
            DeliveryMethod(code="DHL", description="Verzenden met DHL", button_text="DHL"),
            DeliveryMethod(code="COURIER", description="Fietskoerier (zelfde dag)", button_text="Koerier"),
            DeliveryMethod(code="DPD", description="Verzenden met DPD (niet meer in gebruik)",
                           button_text="DPD", enabled=False),
        ],
        order_categories=[
            OrderCategory(number=1, description="Webshop"),
            OrderCategory(number=2, description="Winkel"),
            OrderCategory(number=3, description="Zakelijk"),
            OrderCategory(number=4, description="Maatwerk", allow_cancel=False),
        ],
        payment_methods=[
            PaymentMethod(method="CASH", description="Contant", button_text="Contant",
                          allow_negative_amount=True),
            PaymentMethod(method="PIN", description="Pinbetaling", button_text="PIN",
                          type="PAYMENT-METHOD-TYPE-EFT"),
            PaymentMethod(method="IDEAL", description="iDEAL", button_text="iDEAL"),
            PaymentMethod(method="BANK", description="Bankoverschrijving", button_text="Bank"),
            PaymentMethod(method="CREDITCARD", description="Creditcard", button_text="Creditcard",
                          type="PAYMENT-METHOD-TYPE-EFT"),
            PaymentMethod(method="GIFTCARD", description="Cadeaubon (niet actief)", button_text="Cadeaubon",
                          active=False),
        ],
        default_branch=1,
    )


PERSON = 1
COMPANY = 2

# Relation seed rows: SOAP field name → value; categoryId 1 = person, 2 = company.
RELATIONS: list[dict[str, str | int]] = [
    {"name": "Jan de Vries", "address": "Prinsengracht 263", "zipcode": "1016 GV", "city": "Amsterdam",
     "email": "jan.devries@example.nl", "telephone": "020-5551234", "mobile": "06-12345678",
     "categoryId": PERSON, "extRelationId": "CRM-0001"},
    {"name": "Sanne Jansen", "address": "Oudegracht 158", "zipcode": "3511 AZ", "city": "Utrecht",
     "email": "sanne.jansen@example.nl", "mobile": "06-23456789", "categoryId": PERSON},
    {"name": "Pieter Bakker", "address": "Grote Markt 12", "zipcode": "9711 LV", "city": "Groningen",
     "email": "p.bakker@example.nl", "telephone": "050-5559876", "categoryId": PERSON,
     "extRelationId": "CRM-0003"},
    {"name": "Fatima El Amrani", "address": "Witte de Withstraat 45", "zipcode": "3012 BM",
     "city": "Rotterdam", "email": "fatima.elamrani@example.nl", "mobile": "06-34567890",
     "categoryId": PERSON},
    {"name": "Koffiehuis De Gouden Boon B.V.", "companyName": "Koffiehuis De Gouden Boon B.V.",
     "contact": "Marieke Visser", "address": "Damrak 70", "zipcode": "1012 LM", "city": "Amsterdam",
     "email": "inkoop@goudenboon.example.nl", "telephone": "020-5550001", "vatNumber": "NL001234567B01",
     "commerceNumber": "34123456", "categoryId": COMPANY, "extRelationId": "CRM-0005"},
    {"name": "Lars van den Berg", "address": "Stratumseind 21", "zipcode": "5611 ES", "city": "Eindhoven",
     "email": "lars.vdberg@example.nl", "mobile": "06-45678901", "categoryId": PERSON},
    {"name": "Kantoorservice Utrecht B.V.", "companyName": "Kantoorservice Utrecht B.V.",
     "contact": "Ahmed Yilmaz", "address": "Catharijnesingel 30", "zipcode": "3511 GB", "city": "Utrecht",
     "deliveryAddress": "Croeselaan 18", "deliveryZipcode": "3521 CB", "deliveryCity": "Utrecht",
     "email": "facilitair@kantoorservice.example.nl", "telephone": "030-5552222",
     "vatNumber": "NL002345678B01", "commerceNumber": "30123456", "categoryId": COMPANY},
    {"name": "Emma Smit", "address": "Breestraat 99", "zipcode": "2311 CK", "city": "Leiden",
     "email": "emma.smit@example.nl", "mobile": "06-56789012", "categoryId": PERSON},
    {"name": "Daan Mulder", "address": "Vismarkt 5", "zipcode": "6511 VJ", "city": "Nijmegen",
     "email": "daan.mulder@example.nl", "telephone": "024-5553333", "categoryId": PERSON},
    {"name": "Restaurant Het Pakhuis", "companyName": "Het Pakhuis Horeca V.O.F.", "contact": "Tom de Boer",
     "address": "Westerdok 2", "zipcode": "1013 BH", "city": "Amsterdam",
     "email": "bestellingen@hetpakhuis.example.nl", "telephone": "020-5554444",
     "vatNumber": "NL003456789B01", "commerceNumber": "33123456", "categoryId": COMPANY},
    {"name": "Noor Hendriks", "address": "Lange Jansstraat 7", "zipcode": "3512 BA", "city": "Utrecht",
     "email": "noor.hendriks@example.nl", "mobile": "06-67890123", "categoryId": PERSON},
    {"name": "Bram Dekker", "address": "Markt 1", "zipcode": "4811 WZ", "city": "Breda",
     "email": "bram.dekker@example.nl", "mobile": "06-78901234", "categoryId": PERSON},
    {"name": "Lotte van Dijk", "address": "Nieuwstraat 33", "zipcode": "7411 LM", "city": "Deventer",
     "email": "lotte.vandijk@example.nl", "telephone": "0570-555444", "categoryId": PERSON},
    {"name": "Zorgcentrum De Linde", "companyName": "Stichting Zorgcentrum De Linde", "contact": "Ingrid Kok",
     "address": "Lindelaan 100", "zipcode": "3731 AA", "city": "De Bilt",
     "email": "administratie@delinde.example.nl", "telephone": "030-5556666",
     "commerceNumber": "41123456", "categoryId": COMPANY},
    {"name": "Mohammed Bouzid", "address": "Kerkstraat 88", "zipcode": "1017 GN", "city": "Amsterdam",
     "email": "m.bouzid@example.nl", "mobile": "06-89012345", "categoryId": PERSON},
]
