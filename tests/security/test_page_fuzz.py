"""Every parameter of every page, sent bad values, never gets a 500: the pages' answer to
tests/api/test_schemathesis.py. Each route of the office app, the crew's view, the portal and
the login (the URL configuration's, so a new page is fuzzed without an entry here) is opened
as the owner, the office, an employee, a customer and anonymously, its ids resolved from the
world of test_isolation.py.

Which parameters: the ones the page reads (every key looked up in request.GET, request.POST or
request.FILES while the page answers a plain request is recorded), the fields of the forms it
shows, and `next`. What is sent: a bad value in one parameter at a time (the others as a
plain request has them), then every parameter bad at once. A member the page refuses is only
tried with every parameter bad at once: the refusal must come before any parsing.

A bad value may be refused (a form error, 400, 403, 404, a redirect); an exception or a 5xx is
a failure. Each request runs in a savepoint rolled back after it, so one request's write never
hides the next one's path (and an aborted PostgreSQL transaction never spreads).
"""

import html.parser
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.datastructures import MultiValueDict

from tests.security import test_isolation as matrix
from tests.security.test_isolation import ROUTES as ROUTES_WITH_IDS
from tests.security.test_isolation import World

# The world of the isolation matrix (company A's records, one of each, and its members), built
# once for this module too: its fixtures, made this module's.
_module_db = matrix._module_db
_world_files = matrix._world_files
_files_of_the_world = matrix._files_of_the_world
company_a, company_b = matrix.company_a, matrix.company_b
owner, office, employee, customer, neighbour, outsider = (
    matrix.owner,
    matrix.office,
    matrix.employee,
    matrix.customer,
    matrix.neighbour,
    matrix.outsider,
)
world = matrix.world

HUGE = "99999999999999999999"  # no database integer holds it
# One parameter at a time: in a query string (cheap: a read), and in a posted form (each
# accepted value is a write; the rest are sent at once below).
GET_VALUES = [
    HUGE,
    "-1",
    "abc",
    "0001-01-01",
    "9999-12-31",
    "x\x00y",  # a NUL byte: PostgreSQL refuses it in text
    "é" * 300,
    ["1", HUGE],  # the parameter twice
]
POST_VALUES = [HUGE, "abc", "9999-12-31", "x\x00y", ["1", HUGE]]
# Every parameter at once: all of the above and more.
ALL_AT_ONCE = [
    *GET_VALUES,
    "0",
    "1.5",
    "2027-02-30",
    "9223372036854775808",  # one past the largest bigint
    "\x00",
    "x" * 20_000,
    "",
    "foo",  # as `next`: not a URL name to reverse
    "//evil.example",
    "<script>alert(1)</script>",
]
REFUSED_VALUES = [HUGE, "x\x00y", ["1", HUGE], "//evil.example"]
ACTORS = ("owner", "office", "employee", "customer", "anonymous")

# Routes not fuzzed here, with the reason.
EXCLUDED_PREFIXES = ("api:",)  # the API: tests/api/test_schemathesis.py
EXCLUDED = {
    "dev_outbox": "exists only with DEBUG (a 404 here)",
    "accounts:login_link": "reads no parameter but its token, which tests/accounts/test_login.py "
    "tries made-up, 500 characters long, used and expired",
    **{
        f"public_documents:{name}": "reads no parameter but its token, which "
        "tests/billing/test_public_links.py tries made-up, 500 characters long, revoked and void"
        for name in ("view", "pdf", "logo")
    },
    **{
        f"public_pay:{name}": "a public link's pay page, off unless Stripe is set up: "
        "tests/payments/test_stripe_pay_pages.py sends it bad tokens, attempts and "
        "confirmation tokens"
        for name in ("pay", "confirm", "done")
    },
}

# A plain request to these pages carries these parameters (a page that only makes sense with
# them); the fuzzer starts from them.
BASE_QUERY: dict[str, Callable[[World], dict]] = {
    "clients:merge": lambda w: {"ids": [str(w.client.pk), str(w.twin.pk)]},
    "clients:lookup": lambda w: {"field": "parent", "parent_search": "Zel"},
    "jobs:client_lookup": lambda w: {"field": "client", "client_search": "Zel"},
    "properties:move_lookup": lambda w: {"field": "client", "client_search": "Zel"},
    "clients:duplicate_check": lambda w: {"first_name": "Zelda", "last_name": "X"},
    "clients:detail": lambda w: {"panel": "jobs"},
    "billing:invoice_new": lambda w: {"client": str(w.client.pk)},
    "billing:batch_new": lambda w: {"client": str(w.client.pk)},
    "billing:ready": lambda w: {"client": str(w.client.pk)},
    "payments:new": lambda w: {"client": str(w.client.pk), "invoice": str(w.invoice.pk)},
}

# Failures found here that other engineers of issue 10 are fixing in parallel: (route,
# parameter) -> who. Remove an entry once its fix is merged (the test then covers it).
FIXED_ELSEWHERE: dict[tuple[str, str], str] = {}


# --- the routes ------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace="") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def page_routes() -> list[str]:
    names = []
    for name, _pattern in _walk(get_resolver().url_patterns):
        if name.startswith(EXCLUDED_PREFIXES) or name in EXCLUDED or name in names:
            continue
        names.append(name)
    return names


def test_every_page_route_is_fuzzed():
    """A route with ids needs its ids from the isolation matrix's table."""
    walked = dict(_walk(get_resolver().url_patterns))
    for name in page_routes():
        if "<" in walked[name]:
            assert name in ROUTES_WITH_IDS, f"{name} takes ids: add it to test_isolation ROUTES"


# --- reading what a page reads ---------------------------------------------------------------


@dataclass
class Reads:
    """Keys looked up in QueryDicts (request.GET, request.POST) and in other MultiValueDicts
    (request.FILES) while recording."""

    fields: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    on: bool = False

    def saw(self, mapping, key) -> None:
        if self.on and isinstance(key, str):
            (self.fields if isinstance(mapping, QueryDict) else self.files).add(key)


@pytest.fixture
def reads(monkeypatch) -> Reads:
    recorder = Reads()
    getitem, getlist = MultiValueDict.__getitem__, MultiValueDict.getlist

    def recorded_getitem(self, key):
        recorder.saw(self, key)
        return getitem(self, key)

    def recorded_getlist(self, key, default=None):
        recorder.saw(self, key)
        return getlist(self, key, default)

    def recorded_contains(self, key):
        recorder.saw(self, key)
        return dict.__contains__(self, key)

    monkeypatch.setattr(MultiValueDict, "__getitem__", recorded_getitem)
    monkeypatch.setattr(MultiValueDict, "getlist", recorded_getlist)
    monkeypatch.setattr(MultiValueDict, "__contains__", recorded_contains, raising=False)
    return recorder


class FormFields(html.parser.HTMLParser):
    """The post forms of a page: {action path: {field: default value}}, and file fields."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, str]] = {}
        self.file_fields: set[str] = set()
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urlsplit(a.get("action") or self.page_path).path or self.page_path
                self._form = self.forms.setdefault(action, {})
            else:
                self._form = None
            return
        form = self._form
        if form is None or not a.get("name"):
            if tag == "option" and self._select and form is not None:
                form.setdefault(self._select, a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                self.file_fields.add(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image"):
                form.setdefault(name, a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            form.setdefault(name, "")
        elif tag == "option" and self._select:
            form.setdefault(self._select, a.get("value", ""))
        elif tag == "button" and a.get("value"):
            form.setdefault(name, a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


# --- the fuzzer ------------------------------------------------------------------------------


def _upload(name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


BAD_FILES: list[Callable[[], SimpleUploadedFile]] = [
    lambda: _upload(name="é" * 200 + ".jpg"),
    lambda: _upload(content_type="image/" + "x" * 120),
    lambda: _upload(name="a\x00b.jpg"),
    lambda: SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
]


@dataclass
class Failure:
    method: str
    param: str
    value: object
    error: str

    def __str__(self) -> str:
        value = repr(self.value)
        value = value if len(value) < 60 else value[:57] + "..."
        return f"{self.method} {self.param}={value}: {self.error}"


class Fuzzer:
    def __init__(self, browser, name: str, url: str, reads: Reads, world: World) -> None:
        self.browser = browser
        self.name = name
        self.url = url
        self.reads = reads
        self.world = world
        self.failures: list[Failure] = []

    # One request, in a savepoint rolled back after it.
    def send(self, method: str, data: dict, *, htmx: bool = False, param="", value=None):
        headers = {"HX-Request": "true"} if htmx else {}
        try:
            with transaction.atomic():
                if method == "GET":
                    response = self.browser.get(self.url, data, headers=headers)
                else:
                    response = self.browser.post(self.url, data, headers=headers)
                if response.streaming:
                    b"".join(response.streaming_content)
                transaction.set_rollback(True)
        except Exception as error:  # what a real server would turn into a 500
            text = f"{type(error).__name__}: {str(error)[:200]}"
            self.failures.append(Failure(method, param, value, text))
            return None
        if response.status_code >= 500:
            self.failures.append(Failure(method, param, value, f"answered {response.status_code}"))
        return response

    def record(self, method: str, data: dict, *, htmx: bool = False):
        self.reads.on = True
        try:
            return self.send(method, data, htmx=htmx, param="(plain request)")
        finally:
            self.reads.on = False

    def allowed(self, response) -> bool:
        """Whether the member got past the page's door (else only the refusal is tried)."""
        if response is None or response.status_code in (401, 403, 404, 405):
            return False
        return not (
            response.status_code == 302
            and response["Location"].startswith(reverse("accounts:login") + "?")
        )

    def fuzz(self, method, base, params, files, *, allowed: bool, thorough: bool) -> None:
        """Bad values in `params` (and bad uploads in `files`) of requests built on `base()`:
        one parameter at a time when `thorough`, then all at once (only a few values when
        the member is refused anyway)."""
        params = {p for p in params if p != "csrfmiddlewaretoken"} | {"next"}
        skip = {p for (route, p) in FIXED_ELSEWHERE if route == self.name}
        if allowed and thorough:
            for param in sorted(params - skip):
                for value in GET_VALUES if method == "GET" else POST_VALUES:
                    self.send(method, {**base(), param: value}, param=param, value=value)
            for param in sorted(files - skip):
                for make in BAD_FILES:
                    upload = make()
                    self.send(method, {**base(), param: upload}, param=param, value=upload.name)
        for i, value in enumerate(ALL_AT_ONCE if allowed else REFUSED_VALUES):
            data = {**base(), **dict.fromkeys(params - skip, value)}
            self.send(method, data, htmx=i % 2 == 1, param="*", value=value)


def _base_query(name: str, world: World) -> dict:
    make = BASE_QUERY.get(name)
    return make(world) if make else {}


def _post_body(name: str, world: World, form: dict[str, str]) -> Callable[[], dict]:
    """The form's own defaults, with the isolation matrix's body (a write the owner's succeeds
    with) over them; a fresh one for each request (an upload is read once)."""
    route = ROUTES_WITH_IDS.get(name)

    def body() -> dict:
        return {**form, **(route.body_for(world) if route else {})}

    return body


def _login(request, actor: str):
    browser = request.getfixturevalue("client")
    if actor == "anonymous":
        return browser
    return request.getfixturevalue("client_as")(request.getfixturevalue(actor))


def thorough_actor(name: str) -> str:
    """Who gets one bad parameter at a time on a page (the others get them all at once): the
    member who may do the most there."""
    if name.startswith("portal:"):
        return "customer"
    if name.startswith("accounts:login"):
        return "anonymous"
    return "owner"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", page_routes())
def test_bad_parameters_never_break_a_page(request, db, world, reads, name, actor):
    route = ROUTES_WITH_IDS.get(name)
    url = reverse(name, kwargs=route.ids(world) if route else {})
    browser = _login(request, actor)
    if name == "accounts:login_code":  # the code step needs the username step first
        browser.post(reverse("accounts:login"), {"username": "alice"})
    fuzzer = Fuzzer(browser, name, url, reads, world)
    query = _base_query(name, world)

    # GET: the plain page, recording what it reads; then its parameters.
    page = fuzzer.record("GET", query)
    fuzzer.record("GET", query, htmx=True)
    get_params = set(query) | reads.fields
    thorough = actor == thorough_actor(name)
    fuzzer.fuzz(
        "GET",
        lambda: dict(query),
        get_params,
        set(),
        allowed=fuzzer.allowed(page),
        thorough=thorough,
    )

    # POST: from the page's own form (or the matrix's body for a route without a page).
    forms = FormFields(url)
    if page is not None and page.status_code == 200 and not page.streaming:
        forms.feed(page.content.decode("utf-8", "replace"))
    body = _post_body(name, world, forms.forms.get(url, {}))
    reads.fields.clear()
    reads.files.clear()
    posted = fuzzer.record("POST", body())
    if posted is not None and posted.status_code != 405:
        post_params = set(body()) | reads.fields
        files = (reads.files | forms.file_fields) - post_params
        fuzzer.fuzz(
            "POST", body, post_params, files, allowed=fuzzer.allowed(posted), thorough=thorough
        )

    failures = "\n".join(str(f) for f in fuzzer.failures[:20])
    assert not fuzzer.failures, f"{len(fuzzer.failures)} bad answers on {url}:\n{failures}"
