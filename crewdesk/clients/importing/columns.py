"""Which client field each column of a CSV file fills: the fields a column can fill, the
headers of common exports (Jobber, Housecall Pro, QuickBooks) that name them, the guess made
from a file's headers, and what is wrong with a mapping the office chose."""

from django.utils.translation import gettext_lazy

from crewdesk.clients import normalize as n
from crewdesk.clients.models import PhoneKind

MSG_NO_NAME_COLUMN = gettext_lazy(
    "We found no name column. A client file needs at least one of: First Name, Last Name, "
    "Company Name or Name. Columns found: %(headers)s."
)
MSG_MAPPING_NO_NAME = gettext_lazy(
    "Choose at least one name column: first name, last name, full name or company name."
)
MSG_MAPPING_TWICE = gettext_lazy("“%(field)s” is already chosen for column “%(column)s”.")
MSG_MAPPING_UNKNOWN = gettext_lazy("Choose a field from the list.")

IGNORE = ""
FULL_NAME = "full_name"
TAGS = "tags"
PHONE = "phone:"  # + a PhoneKind value, or MAIN
# A "main" or "primary" phone says nothing of its kind: it takes the kind another column gives
# the same number (Jobber repeats it as the mobile one), else it is a company's work phone or
# a person's "other" phone. Never guessed to be a mobile.
MAIN = "main"

FIELD_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        gettext_lazy("Name"),
        [
            ("first_name", gettext_lazy("First name")),
            ("last_name", gettext_lazy("Last name")),
            (FULL_NAME, gettext_lazy("Full name (first and last together)")),
            ("company_name", gettext_lazy("Company name")),
            ("billing_name", gettext_lazy("Billing name")),
            ("kind", gettext_lazy("Person or company")),
        ],
    ),
    (
        gettext_lazy("Email and phones"),
        [
            ("email", gettext_lazy("Email")),
            (f"{PHONE}{MAIN}", gettext_lazy("Main phone (kind not known)")),
            (f"{PHONE}{PhoneKind.MOBILE}", gettext_lazy("Mobile phone")),
            (f"{PHONE}{PhoneKind.HOME}", gettext_lazy("Home phone")),
            (f"{PHONE}{PhoneKind.WORK}", gettext_lazy("Work phone")),
            (f"{PHONE}{PhoneKind.OTHER}", gettext_lazy("Other phone")),
        ],
    ),
    (
        gettext_lazy("Billing address"),
        [
            ("street", gettext_lazy("Street")),
            ("street2", gettext_lazy("Street, second line")),
            ("city", gettext_lazy("City")),
            ("region", gettext_lazy("State or province")),
            ("postal_code", gettext_lazy("Postal code")),
            ("country", gettext_lazy("Country")),
        ],
    ),
    (
        gettext_lazy("More"),
        [
            ("lead_source", gettext_lazy("Lead source")),
            ("client_type", gettext_lazy("Client type")),
            (TAGS, gettext_lazy("Tags (separated by commas)")),
            ("notes", gettext_lazy("Internal notes")),
            ("rating", gettext_lazy("Rating (0–5)")),
            ("tax_exempt", gettext_lazy("Tax exempt (yes/no)")),
            ("tax_id", gettext_lazy("Tax id")),
            ("newsletter", gettext_lazy("Newsletter (yes/no)")),
            ("preferred_contact", gettext_lazy("Preferred contact method")),
            ("language", gettext_lazy("Language")),
        ],
    ),
]
FIELD_LABELS = {value: label for _group, fields in FIELD_GROUPS for value, label in fields}
# Fields several columns may fill: phones add up, tags and notes are joined.
MULTI_COLUMN_FIELDS = frozenset(
    {TAGS, "notes", *(f"{PHONE}{k}" for k in [MAIN, *PhoneKind.values])}
)
NAME_FIELDS = frozenset({"first_name", "last_name", FULL_NAME, "company_name"})


def comparable(text: str) -> str:
    """A header or value as compared: folded words, punctuation gone ("E-mail" -> "e mail")."""
    return " ".join(n.words(text or ""))


# Headers of common exports (Jobber's client export: "E-mails", "Main Phone #s"...; Housecall
# Pro's customers: "Mobile Number", "Customer Tags"...; QuickBooks' customer list), other tools'
# usual names, and the plain field names. Compared by `comparable`; a trailing "#s" is dropped.
# fmt: off
_ALIASES: dict[str, str] = {
    "first_name": "first name|firstname|first|given name|contact first name|nombre",
    "last_name": (
        "last name|lastname|last|surname|family name|contact last name|apellido|"
        "apellidos"
    ),
    FULL_NAME: (
        "name|full name|display name|customer|customer name|customer full name|client|"
        "client name|contact name|contact|nombre completo|cliente"
    ),
    "company_name": (
        "company name|company|business name|business|organization|organisation|"
        "organization name|empresa"
    ),
    "billing_name": "billing name|bill to name|invoice name|name on invoice",
    "kind": "kind|client kind|person or company|is company|is business",
    "email": (
        "email|e mail|email address|e mail address|main email|primary email|emails|e mails|"
        "email addresses|e mail addresses|correo|correo electronico"
    ),
    f"{PHONE}{MAIN}": (
        "main phone|main phone number|main number|primary phone|primary phone number"
    ),
    f"{PHONE}mobile": (
        "phone|phones|phone number|phone numbers|telephone|mobile|mobile phone|"
        "mobile number|cell|cell phone|cellphone|text message enabled phone|sms phone|"
        "telefono|movil|celular"
    ),
    f"{PHONE}home": "home phone|home|home number|telefono casa",
    f"{PHONE}work": "work phone|work|business phone|office phone|work number",
    f"{PHONE}other": (
        "other phone|other number|alternate phone|alt phone|alt phone number|secondary phone"
    ),
    "street": (
        "street|street 1|street1|address|address 1|address1|address line 1|"
        "street address|billing street|billing street 1|billing address|"
        "billing address 1|billing address line 1|billing address street|"
        "bill address line 1|bill to 1|direccion"
    ),
    "street2": (
        "street 2|street2|address 2|address2|address line 2|billing street 2|"
        "billing address 2|billing address line 2|bill address line 2|bill to 2|apt|"
        "suite|unit|street line 2|billing street line 2"
    ),
    "city": "city|town|billing city|billing address city|bill address city|ciudad",
    "region": (
        "state|province|region|state province|state or province|billing state|"
        "billing province|billing region|billing state province|billing address state|"
        "bill address state|estado"
    ),
    "postal_code": (
        "zip|zip code|zipcode|postal code|postcode|post code|billing zip|"
        "billing zip code|billing postal code|billing address postal code|"
        "billing address zip|billing address zip code|bill address postal code|"
        "codigo postal|cp"
    ),
    "country": "country|billing country|billing address country|bill address country|pais",
    "lead_source": "lead source|source|referral source|how did you hear about us|origen",
    "client_type": "client type|customer type|type",
    TAGS: "tags|tag|labels|customer tags|client tags|etiquetas",
    "notes": (
        "notes|note|comments|internal notes|client notes|customer notes|private notes|notas"
    ),
    "rating": "rating|stars",
    "tax_exempt": "tax exempt|taxexempt",
    "tax_id": (
        "tax id|tax resale no|resale no|resale number|tax number|tax id number|vat|"
        "vat number|ein|tax registration number"
    ),
    "newsletter": "newsletter|marketing opt in|email opt in|subscribed",
    "preferred_contact": "preferred contact|preferred contact method|contact preference",
    "language": "language|preferred language|idioma",
}
# fmt: on
HEADER_ALIASES: dict[str, str] = {
    alias: target for target, aliases in _ALIASES.items() for alias in aliases.split("|")
}


def guess_field(header: str) -> str:
    """The client field a column probably holds, or IGNORE."""
    key = comparable(header)
    if key.endswith(" s"):  # "Mobile Phone #s": the column may hold several
        key = key.removesuffix(" s")
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    # The field's label in the user's language ("Código postal"), and its plain name.
    for value, label in FIELD_LABELS.items():
        if not value.startswith(PHONE) and key in (comparable(str(label)), comparable(value)):
            return value
    return IGNORE


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{header: field} for every column; a single-valued field goes to its first column."""
    mapping, taken = {}, set()
    for header in headers:
        target = guess_field(header)
        if target and target not in MULTI_COLUMN_FIELDS and target in taken:
            target = IGNORE
        taken.add(target)
        mapping[header] = target
    return mapping


def mapping_errors(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """What is wrong with a mapping: {header: message}; "" as key for the mapping as a whole."""
    errors: dict[str, str] = {}
    first_column: dict[str, str] = {}
    for header in headers:
        target = mapping.get(header, IGNORE)
        if target == IGNORE:
            continue
        if target not in FIELD_LABELS:
            errors[header] = str(MSG_MAPPING_UNKNOWN)
        elif target not in MULTI_COLUMN_FIELDS and target in first_column:
            errors[header] = str(MSG_MAPPING_TWICE) % {
                "field": FIELD_LABELS[target],
                "column": first_column[target],
            }
        else:
            first_column.setdefault(target, header)
    if not NAME_FIELDS & set(first_column):
        errors[""] = str(MSG_MAPPING_NO_NAME)
    return errors
