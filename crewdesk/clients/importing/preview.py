"""The preview of a checked file: how many rows are good, have errors or look like a client
(or an earlier row), a page of those problem rows, and the office's choice to import or skip
each likely duplicate (one by one, or a whole kind)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crewdesk.accounts.models import Membership
from crewdesk.clients.models import ClientImport, ClientImportRow, ImportRowKind, ImportStatus
from crewdesk.core.permissions import Action, require

PROBLEM_ROWS_SHOWN = 50  # a page of the preview's problem rows

MSG_CHOICE_TOO_LATE = gettext_lazy("The import has started: what it imports can no longer change.")
MSG_NOT_A_DUPLICATE = gettext_lazy(
    "Row %(row)d is not a likely duplicate; only those can be imported or skipped."
)
# The choice the office makes for each kind of likely duplicate: the import's field.
CHOICE_FIELDS = {
    ImportRowKind.DUPLICATE: "import_duplicates",
    ImportRowKind.REPEAT: "import_repeats",
}


# The preview lists errors first (they are what the office must fix), then likely duplicates.
_KIND_ORDER = Case(
    When(kind=ImportRowKind.ERROR, then=Value(0)),
    When(kind=ImportRowKind.DUPLICATE, then=Value(1)),
    default=Value(2),
)


def _chosen(kind: str, by_default: bool) -> Q:
    """The rows of a kind of duplicate that will be imported."""
    row_says = Q(import_it=True)
    if by_default:
        row_says |= Q(import_it__isnull=True)
    return Q(kind=kind) & row_says


@dataclass
class Preview:
    """The result of the last check: counts per kind of problem, what the office chose for the
    likely duplicates, and one page of the problem rows (all kinds, or one)."""

    rows: int
    with_errors: int
    like_clients: int  # rows like a saved client
    repeats: int  # rows like an earlier row of the file
    like_clients_imported: int
    repeats_imported: int
    show: str  # "" for every kind, or an ImportRowKind
    page: int
    pages: int
    problems: list[ClientImportRow]

    @property
    def duplicates(self) -> int:
        return self.like_clients + self.repeats

    @property
    def duplicates_imported(self) -> int:
        return self.like_clients_imported + self.repeats_imported

    @property
    def good(self) -> int:
        return self.rows - self.with_errors - self.duplicates

    @property
    def to_import(self) -> int:
        return self.good + self.duplicates_imported

    @property
    def shown_count(self) -> int:
        return {
            ImportRowKind.ERROR: self.with_errors,
            ImportRowKind.DUPLICATE: self.like_clients,
            ImportRowKind.REPEAT: self.repeats,
        }.get(self.show, self.with_errors + self.duplicates)


def import_preview(
    client_import: ClientImport, *, show: str = "", page: int = 1, with_rows: bool = True
) -> Preview:
    """The result of the last check (status "previewed"), with the page `page` of the problem
    rows of kind `show` ("" for all, errors first). Two queries whatever the file's size (one
    without the rows)."""
    rows = client_import.problem_rows.all()
    counts = rows.aggregate(
        errors=Count("pk", filter=Q(kind=ImportRowKind.ERROR)),
        like_clients=Count("pk", filter=Q(kind=ImportRowKind.DUPLICATE)),
        repeats=Count("pk", filter=Q(kind=ImportRowKind.REPEAT)),
        like_clients_imported=Count(
            "pk", filter=_chosen(ImportRowKind.DUPLICATE, client_import.import_duplicates)
        ),
        repeats_imported=Count(
            "pk", filter=_chosen(ImportRowKind.REPEAT, client_import.import_repeats)
        ),
    )
    show = show if show in ImportRowKind.values else ""
    preview = Preview(
        rows=client_import.total_rows,
        with_errors=counts["errors"],
        like_clients=counts["like_clients"],
        repeats=counts["repeats"],
        like_clients_imported=counts["like_clients_imported"],
        repeats_imported=counts["repeats_imported"],
        show=show,
        page=1,
        pages=1,
        problems=[],
    )
    preview.pages = max(1, -(-preview.shown_count // PROBLEM_ROWS_SHOWN))
    preview.page = min(max(page, 1), preview.pages)
    if not with_rows:
        return preview
    shown = rows.filter(kind=show) if show else rows.order_by(_KIND_ORDER, "row")
    start = (preview.page - 1) * PROBLEM_ROWS_SHOWN
    preview.problems = list(shown[start : start + PROBLEM_ROWS_SHOWN])
    for problem in preview.problems:
        problem.importing = import_row_chosen(client_import, problem)
    return preview


def import_row_chosen(client_import: ClientImport, problem: ClientImportRow) -> bool:
    """Whether a problem row will be imported: a likely duplicate the office chose (the row's
    own choice, else its kind's). A row with errors never is."""
    if problem.kind not in CHOICE_FIELDS:
        return False
    if problem.import_it is not None:
        return problem.import_it
    return getattr(client_import, CHOICE_FIELDS[problem.kind])


def import_choose(
    *,
    actor: Membership,
    client_import: ClientImport,
    import_it: bool,
    row: int | None = None,
    kind: str | None = None,
) -> None:
    """Import or skip one likely duplicate (`row`), or every row of a kind of them (`kind`:
    the kind's choice, which starts it afresh: earlier choices of its rows are forgotten).
    Only before the import starts."""
    require(actor, Action.EDIT_RECORDS, client_import)
    with transaction.atomic():
        locked = ClientImport.objects.select_for_update().get(pk=client_import.pk)
        if locked.status != ImportStatus.PREVIEWED:
            raise ValidationError(MSG_CHOICE_TOO_LATE, code="too_late")
        rows = locked.problem_rows.all()
        if row is not None:
            chosen = rows.filter(row=row, kind__in=CHOICE_FIELDS).update(import_it=import_it)
            if not chosen:
                raise ValidationError(MSG_NOT_A_DUPLICATE % {"row": row}, code="not_duplicate")
        elif kind in CHOICE_FIELDS:
            setattr(locked, CHOICE_FIELDS[kind], import_it)
            locked.save(update_fields=[CHOICE_FIELDS[kind]])
            rows.filter(kind=kind).exclude(import_it=None).update(import_it=None)
        else:
            raise ValidationError(_("Choose a row or a kind of likely duplicate."), code="invalid")
    client_import.refresh_from_db()
