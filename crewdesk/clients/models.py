"""Clients (the people and companies a business serves) and what the office keeps about them:
phones, contacts, tags, reminders, notices and notes. Plus two narrow index tables that make
search and the duplicate check fast at a million clients (see `indexing.py`)."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crewdesk.core.models import Address, Brand, TenantModel
from crewdesk.core.permissions import CustomerScope


class ClientKind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


class ClientType(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    VACATION_RENTAL = "vacation_rental", _("Vacation rental")
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    OTHER = "other", _("Other")


class ContactMethod(models.TextChoices):
    ANY = "any", _("No preference")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    HOME = "home", _("Home")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")


# Suggested in the form; any text is accepted, as offices name their own sources.
LEAD_SOURCES = [
    _("Referral"),
    _("Website"),
    _("Google"),
    _("Facebook"),
    _("Yelp"),
    _("Nextdoor"),
    _("Door hanger"),
    _("Repeat customer"),
    _("Other"),
]


class Client(TenantModel, Address):
    """A person or company the business serves. The address fields are the billing address."""

    # The customers who see it (core/permissions.scope): its own portal logins; never its
    # internal notes.
    customer_scope = CustomerScope(client="pk", hidden=("notes",))

    kind = models.CharField(
        _("kind"), max_length=16, choices=ClientKind.choices, default=ClientKind.PERSON
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    billing_name = models.CharField(
        _("billing name"),
        max_length=200,
        blank=True,
        help_text=_("Printed on invoices instead of the client's name when set."),
    )
    email = models.EmailField(_("email"), blank=True)
    lead_source = models.CharField(_("lead source"), max_length=64, blank=True)
    notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Only your team sees these.")
    )
    client_type = models.CharField(
        _("client type"), max_length=32, choices=ClientType.choices, blank=True
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), default=0, validators=[MaxValueValidator(5)]
    )
    tax_exempt = models.BooleanField(_("tax exempt"), default=False)
    tax_id = models.CharField(_("tax id"), max_length=64, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_("Leave empty to use the company's terms."),
    )
    newsletter = models.BooleanField(_("receives the newsletter"), default=False)
    preferred_contact = models.CharField(
        _("preferred contact method"),
        max_length=16,
        choices=ContactMethod.choices,
        default=ContactMethod.ANY,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    referred_by = models.ForeignKey(
        "self",
        verbose_name=_("referred by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), on_delete=models.PROTECT, null=True, blank=True
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    # Set when this client was merged into another: its old links lead there.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Index data, not a second copy of the name: the folded name the list sorts by.
    sort_key = models.CharField(max_length=200, editable=False, default="")

    history = HistoricalRecords(excluded_fields=["sort_key", "updated_at"])

    class Meta:
        verbose_name = _("client")
        ordering = ["sort_key", "id"]
        indexes = [
            # The list: active clients of a company in name order, read in index order.
            models.Index(
                fields=["company", "sort_key", "id"],
                condition=models.Q(archived_at__isnull=True),
                name="client_active_by_name",
            ),
            models.Index(fields=["company", "sort_key", "id"], name="client_by_name"),
            models.Index(fields=["company", "-created_at"], name="client_recent"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def person_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def display_name(self) -> str:
        """A company by its name, a person by first and last name; whichever exists."""
        if self.kind == ClientKind.COMPANY:
            return self.company_name or self.person_name
        return self.person_name or self.company_name

    @property
    def second_name(self) -> str:
        """The name besides the display name: a company's contact person, or the company a
        person is with; empty when there is none."""
        if self.kind == ClientKind.COMPANY:
            return self.person_name if self.company_name else ""
        return self.company_name if self.person_name else ""

    @property
    def invoice_name(self) -> str:
        return self.billing_name or self.display_name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def primary_phone(self) -> "ClientPhone | None":
        phones = list(self.phones.all())  # prefetched by the selectors
        return phones[0] if phones else None


class ClientPhone(TenantModel):
    """One of a client's phone numbers, in E.164. The first (lowest position) is the primary."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="phones")
    kind = models.CharField(
        _("kind"), max_length=16, choices=PhoneKind.choices, default=PhoneKind.MOBILE
    )
    number = models.CharField(_("number"), max_length=32)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.number


class ContactRole(models.TextChoices):
    BILLING = "billing", _("Billing")
    TECHNICAL = "technical", _("Technical")
    EMERGENCY = "emergency", _("Emergency")
    OTHER = "other", _("Other")


class Contact(TenantModel):
    """A person to reach about a client. One contact per client is the primary."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=ContactRole.choices, default=ContactRole.OTHER
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        ordering = ["-is_primary", "last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(is_primary=True),
                name="contact_one_primary_per_client",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email


class Tag(TenantModel):
    """A company-wide label for clients ("VIP", "Airbnb", "Net 30")."""

    name = models.CharField(_("name"), max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "company", models.functions.Lower("name"), name="tag_name_unique_per_company"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ClientTag(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="client_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="client_tags")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "tag"], name="client_tag_unique"),
        ]
        indexes = [models.Index(fields=["tag", "client"], name="clienttag_by_tag")]


class Reminder(TenantModel):
    """Something to do about a client by a date, for someone in the office."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="reminders")
    text = models.CharField(_("reminder"), max_length=500)
    due_on = models.DateField(_("due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(
                fields=["company", "assignee", "due_on"],
                condition=models.Q(done_at__isnull=True),
                name="reminder_open_by_assignee",
            ),
            models.Index(fields=["client", "due_on"], name="reminder_by_client"),
        ]

    def __str__(self) -> str:
        return self.text


class Notice(TenantModel):
    """An internal message pinned on a client's profile for every staff member to see."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notices")
    text = models.CharField(
        _("notice"),
        max_length=500,
        help_text=_("Pinned at the top of this profile for everyone in the office."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text


class NoteVisibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CUSTOMER = "customer", _("Visible to the customer")


class Note(TenantModel):
    """Text about a client, with files; internal, or shown to the customer in the portal."""

    customer_scope = CustomerScope(client="client", shown=models.Q(visibility="customer"))

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="client_notes")
    text = models.TextField(_("note"))
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=NoteVisibility.choices,
        default=NoteVisibility.INTERNAL,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("note")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "-created_at"], name="note_by_client")]

    def __str__(self) -> str:
        return self.text[:60]


def note_file_path(instance: "NoteFile", filename: str) -> str:
    # Private files live under private/; they are only served through a permission-checked view.
    return f"private/{instance.company_id}/notes/{instance.note_id}/{filename}"


class NoteFile(TenantModel):
    """A file of a note: a PDF, or a picture stripped of its metadata (crewdesk/core/uploads.py).
    Files kept from before that check have the content type their sender declared."""

    customer_scope = CustomerScope(parent="note")  # a customer sees the files of notes they see

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=note_file_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # The upload limits count a company's and a user's files of the last 24 hours.
            models.Index(fields=["company", "uploaded_at"], name="note_file_by_company_day"),
            models.Index(fields=["uploaded_by", "uploaded_at"], name="note_file_by_user_day"),
        ]

    def __str__(self) -> str:
        return self.name


class ClientToken(models.Model):
    """One searchable word of a client (a name, email, phone or contact word), folded.

    Search reads this in index order: `token >= 'smi' AND token < 'smj'` under "C" collation,
    which PostgreSQL answers from the btree without sorting (indexing.py keeps it current)."""

    company_id = models.BigIntegerField()
    # A copy of "the client is archived", so the default search (active clients) is answered
    # from this index alone, without visiting the clients table.
    archived = models.BooleanField(default=False, db_default=False)
    token = models.CharField(max_length=64)
    # (client, token) below serves lookups by client; no separate index needed.
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["company_id", "archived", "token", "client"], name="clienttoken_search"
            ),
            models.Index(fields=["client", "token"], name="clienttoken_by_client"),
        ]

    def __str__(self) -> str:
        return self.token


class ClientMatchKey(models.Model):
    """A blocking key of a client for the duplicate check ("e:ann@x.com", "n:j:himst"): clients
    sharing a key are candidates, then scored. See duplicates.py for the kinds of key."""

    company_id = models.BigIntegerField()
    key = models.CharField(max_length=120)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["company_id", "key", "client"], name="clientmatchkey_lookup"),
        ]

    def __str__(self) -> str:
        return self.key


class DuplicatePair(TenantModel):
    """Two clients that look like the same one, found when either was saved or by a full scan.
    Listed best first on the suspected-duplicates page until merged or dismissed."""

    client_a = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    client_b = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    found_at = models.DateTimeField(auto_now=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client_a", "client_b"], name="duplicatepair_unique"),
            models.CheckConstraint(
                condition=models.Q(client_a__lt=models.F("client_b")),
                name="duplicatepair_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["company", "-score", "id"],
                condition=models.Q(dismissed_at__isnull=True),
                name="duplicatepair_open_best",
            )
        ]


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PREVIEWED = "previewed", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def import_file_path(instance: "ClientImport", filename: str) -> str:
    return f"private/{instance.company_id}/imports/{filename}"


class ClientImport(TenantModel):
    """A CSV of clients on its way in: uploaded, columns mapped, checked row by row, then
    imported in the background while the page shows progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=import_file_path, max_length=300)
    original_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # {csv column header: client field name}; columns mapped to "" are ignored.
    mapping = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    # Rejected rows with their reasons, as a CSV the office downloads and fixes.
    report = models.FileField(upload_to=import_file_path, max_length=300, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the import last moved: started, or a batch saved. Long still means the worker died.
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The office's choice for each kind of likely duplicate, unless a row says otherwise.
    import_duplicates = models.BooleanField(default=False)  # rows like a saved client
    import_repeats = models.BooleanField(default=False)  # rows like an earlier row
    # Counts the checks asked for: a check that a newer mapping made stale stops writing.
    check_round = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent_done(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportRowKind(models.TextChoices):
    ERROR = "error", _("Error")
    DUPLICATE = "duplicate", _("Like a client")
    REPEAT = "repeat", _("Repeats a row")


class ClientImportRow(TenantModel):
    """A row of an import that needs a look: it has errors (never imported), or it looks like
    a saved client or an earlier row of the file (skipped unless the office chooses it)."""

    client_import = models.ForeignKey(
        ClientImport, on_delete=models.CASCADE, related_name="problem_rows"
    )
    row = models.PositiveIntegerField()  # as a spreadsheet numbers it
    kind = models.CharField(max_length=16, choices=ImportRowKind.choices)
    summary = models.CharField(max_length=300, blank=True)
    messages = models.JSONField(default=list, blank=True)  # the errors, or what matched
    like_client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    like_row = models.PositiveIntegerField(null=True, blank=True)
    # The office's choice for this likely duplicate; None: the choice for its kind.
    import_it = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["row"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_import", "row"], name="clients_importrow_one_per_row"
            )
        ]
        indexes = [models.Index(fields=["client_import", "kind", "row"])]

    def __str__(self) -> str:
        return f"Row {self.row}"


class QualityCount(TenantModel):
    """The data-quality numbers of a big company, counted in the background: one pass over a
    million clients takes seconds, too long for a page. Small companies are counted live."""

    # {"total": n, "has_email": n, ..., "problem_unreachable": n, "duplicate_pairs": n}
    numbers = models.JSONField(default=dict, blank=True)
    # {list key: [client ids]}: the first clients of each list to fix, in name order.
    first_ids = models.JSONField(default=dict, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    # Set when a recount is queued; a request older than the recount timeout counts as lost.
    requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company"], name="clients_qualitycount_one_per_company")
        ]

    def __str__(self) -> str:
        return f"Quality of company {self.company_id}"
