"""A small local stand-in for Stripe (Stripe cannot be reached from here), which the real
stripe SDK talks to through STRIPE_API_BASE:

- `POST /v1/payment_intents` (confirmed at once with a ConfirmationToken: a card succeeds, a
  bank account is processing), `GET /v1/payment_intents/{id}`,
  `GET /v1/confirmation_tokens/{id}`, `POST /v1/refunds`;
- Stripe's error JSON (`{"error": {"type", "code", "message", "param"}}`) and statuses;
- an `Idempotency-Key` replayed gives the first answer; with other parameters, a 400;
- amounts under 0.50 refused (`amount_too_small`);
- `/js/stripe.js`, a stand-in Stripe.js (STRIPE_JS_URL) whose Payment Element is a choice of
  payment methods and whose ConfirmationToken ids say which was chosen:
  `ctoken_<kind>_<random>`, kind one of credit, debit, prepaid, unknown, ach, 3ds (a credit
  card asking for its bank's check), declined.

Webhooks are built here from what the stand-in holds (`intent_event`, `refund_event`,
`dispute_event`) and signed with Stripe's own scheme by the SDK's
`WebhookSignature.generate_signature_header` (`post_webhook`).

    def test_x(stripe_standin, client): ...   # settings point at it, its state is fresh
"""

import json
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe

SECRET_KEY = "sk_test_standin"
PUBLISHABLE_KEY = "pk_test_standin"
WEBHOOK_SECRET = "whsec_standin_secret"
MINIMUM = 50  # cents
KINDS = ("credit", "debit", "prepaid", "unknown", "ach", "3ds", "declined")

STRIPE_JS = r"""
(function () {
  "use strict";
  var CHOICES = [
    ["credit", "Credit card"], ["debit", "Debit card"], ["prepaid", "Prepaid card"],
    ["ach", "US bank account"], ["3ds", "Credit card asking for its bank's check"],
    ["declined", "A card that is declined"]
  ];
  function Elements(options) { this.options = options; this.box = null; }
  Elements.prototype.create = function () {
    var elements = this;
    return {
      mount: function (selector) {
        var box = document.querySelector(selector);
        var html = '<fieldset class="border rounded p-3" data-testid="standin-payment-element">' +
          "<legend class=\"fs-6\">Stand-in Payment Element</legend>";
        CHOICES.forEach(function (choice) {
          html += '<div class="form-check"><input class="form-check-input" type="radio" ' +
            'name="standin_method" id="standin-' + choice[0] + '" value="' + choice[0] + '">' +
            '<label class="form-check-label" for="standin-' + choice[0] + '">' + choice[1] +
            "</label></div>";
        });
        box.innerHTML = html + "</fieldset>";
        elements.box = box;
      }
    };
  };
  Elements.prototype.submit = function () {
    var chosen = this.box && this.box.querySelector("input[name=standin_method]:checked");
    return Promise.resolve(chosen ? {} : { error: { message: "Choose how to pay." } });
  };
  window.Stripe = function (key) {
    if (!key) { throw new Error("Stripe.js needs a publishable key"); }
    return {
      elements: function (options) { return new Elements(options); },
      createConfirmationToken: function (args) {
        var chosen = args.elements.box.querySelector("input[name=standin_method]:checked");
        var id = "ctoken_" + chosen.value + "_" + Math.random().toString(36).slice(2, 12);
        return Promise.resolve({ confirmationToken: { id: id } });
      },
      handleNextAction: function () { return Promise.resolve({}); }
    };
  };
})();
"""


def _error(
    status: int,
    message: str,
    *,
    code: str = "",
    kind: str = "invalid_request_error",
    param: str = "",
) -> tuple[int, dict]:
    error = {"type": kind, "message": message}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return status, {"error": error}


class StandinState:
    """What the stand-in holds: payment intents, refunds, and the answers per idempotency key."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[tuple, int, dict]] = {}
        self.requests: list[tuple[str, str, dict]] = []

    # --- the API -------------------------------------------------------------------------

    def token(self, token_id: str) -> dict | None:
        parts = token_id.split("_")
        if len(parts) < 3 or parts[0] != "ctoken" or parts[1] not in KINDS:
            return None
        kind = parts[1]
        if kind == "ach":
            preview = {"type": "us_bank_account", "us_bank_account": {"last4": "6789"}}
        else:
            funding = "credit" if kind in ("3ds", "declined") else kind
            preview = {"type": "card", "card": {"funding": funding, "last4": "4242"}}
        return {"id": token_id, "object": "confirmation_token", "payment_method_preview": preview}

    def intent_create(self, params: dict) -> tuple[int, dict]:
        try:
            amount = int(params.get("amount", ""))
        except ValueError:
            return _error(400, "Invalid integer: amount", param="amount")
        if amount < MINIMUM:
            return _error(
                400, "Amount must be at least $0.50 usd", code="amount_too_small", param="amount"
            )
        token_id = params.get("confirmation_token", "")
        token = self.token(token_id)
        if token is None:
            return _error(
                400,
                f"No such confirmation_token: '{token_id}'",
                code="resource_missing",
                param="confirmation_token",
            )
        kind = token_id.split("_")[1]
        if kind == "declined":
            return _error(402, "Your card was declined.", code="card_declined", kind="card_error")
        status = {"ach": "processing", "3ds": "requires_action"}.get(kind, "succeeded")
        intent_id = "pi_" + secrets.token_hex(12)
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount if status == "succeeded" else 0,
            "currency": params.get("currency", "usd"),
            "status": status,
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in params.items()
                if key.startswith("metadata[")
            },
            "latest_charge": "ch_" + secrets.token_hex(12),
            "payment_method_types": [
                v for k, v in params.items() if k.startswith("payment_method_types")
            ],
            "last_payment_error": None,
        }
        self.intents[intent_id] = intent
        return 200, intent

    def refund_create(self, params: dict) -> tuple[int, dict]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _error(
                400, "No such payment_intent", code="resource_missing", param="payment_intent"
            )
        refunded = sum(
            r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"]
        )
        left = intent["amount_received"] - refunded
        amount = int(params.get("amount", left))
        if intent["status"] != "succeeded":
            return _error(
                400, "This PaymentIntent has not succeeded.", code="charge_not_refundable"
            )
        if amount <= 0 or amount > left:
            return _error(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount ({left}).",
                code="amount_too_large",
                param="amount",
            )
        refund = {
            "id": "re_" + secrets.token_hex(12),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": intent["latest_charge"],
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def answer(self, method: str, path: str, params: dict, key: str) -> tuple[int, dict]:
        with self.lock:
            self.requests.append((method, path, params))
            if method == "POST" and key:
                seen = self.idempotent.get(key)
                signature = (path, tuple(sorted(params.items())))
                if seen is not None:
                    if seen[0] != signature:
                        return _error(
                            400,
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                            kind="idempotency_error",
                        )
                    return seen[1], seen[2]
            status, body = self._route(method, path, params)
            if method == "POST" and key:
                self.idempotent[key] = (signature, status, body)
            return status, body

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "payment_intents"]:
            return self.intent_create(params)
        if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            intent = self.intents.get(parts[2])
            if intent is None:
                return _error(
                    404,
                    f"No such payment_intent: '{parts[2]}'",
                    code="resource_missing",
                    param="intent",
                )
            return 200, intent
        if method == "GET" and parts[:2] == ["v1", "confirmation_tokens"] and len(parts) == 3:
            token = self.token(parts[2])
            if token is None:
                return _error(
                    404,
                    f"No such confirmation_token: '{parts[2]}'",
                    code="resource_missing",
                    param="confirmation_token",
                )
            return 200, token
        if method == "POST" and parts == ["v1", "refunds"]:
            return self.refund_create(params)
        return _error(404, f"Unrecognized request URL ({method}: {path}).")

    # --- webhooks the tests send ---------------------------------------------------------

    def intent_event(self, intent_id: str, kind: str, **changes) -> dict:
        """An event of a payment intent as the stand-in holds it, its status moved by `kind`
        (the stand-in keeps the move), with `changes` laid over the event's copy only."""
        intent = self.intents[intent_id]
        status = {
            "payment_intent.processing": "processing",
            "payment_intent.succeeded": "succeeded",
            "payment_intent.payment_failed": "requires_payment_method",
            "payment_intent.canceled": "canceled",
        }[kind]
        intent["status"] = status
        if status == "succeeded":
            intent["amount_received"] = intent["amount"]
        if kind == "payment_intent.payment_failed":
            intent["last_payment_error"] = {"message": "The bank account has insufficient funds."}
        return event(kind, {**intent, **changes})

    def dashboard_refund(self, intent_id: str, amount: int | None = None) -> dict:
        """A refund made in Stripe's dashboard: its `charge.refunded` event."""
        params = {"payment_intent": intent_id}
        if amount is not None:
            params["amount"] = str(amount)
        status, refund = self.refund_create(params)
        assert status == 200, refund
        intent = self.intents[intent_id]
        refunds = [r for r in self.refunds.values() if r["payment_intent"] == intent_id]
        charge = {
            "id": intent["latest_charge"],
            "object": "charge",
            "payment_intent": intent_id,
            "amount": intent["amount"],
            "amount_refunded": sum(r["amount"] for r in refunds),
            "refunds": {"object": "list", "data": refunds},
        }
        return event("charge.refunded", charge)

    def dispute_event(self, intent_id: str, kind: str, status: str = "needs_response") -> dict:
        intent = self.intents[intent_id]
        dispute = {
            "id": "dp_" + intent_id[3:],
            "object": "dispute",
            "amount": intent["amount"],
            "charge": intent["latest_charge"],
            "payment_intent": intent_id,
            "reason": "fraudulent",
            "status": status,
        }
        return event(kind, dispute)


def event(kind: str, obj: dict) -> dict:
    return {
        "id": "evt_" + secrets.token_hex(12),
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "api_version": stripe.api_version,
        "data": {"object": obj},
    }


def signed(event_: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """The body and the Stripe-Signature header Stripe would send (t=…,v1=HMAC(secret, t.body))."""
    body = json.dumps(event_)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return body, header


def post_webhook(client, event_: dict, **how):
    """Post a signed event to /webhooks/stripe/ with a Django test client."""
    body, header = signed(event_, **how)
    return client.post(
        "/webhooks/stripe/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def post_webhook_live(base_url: str, event_: dict) -> int:
    """Post a signed event to a live server's /webhooks/stripe/, as Stripe does; its status."""
    body, header = signed(event_)
    request = urllib.request.Request(
        base_url + "/webhooks/stripe/",
        data=body.encode(),
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 - a loopback test server
        return response.status


class _Handler(BaseHTTPRequestHandler):
    state: StandinState

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _api(self, method: str) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/js/stripe.js":
            self._send(200, STRIPE_JS.encode(), "application/javascript")
            return
        if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            status, body = _error(401, "Invalid API Key provided.")
        else:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else parts.query
            params = dict(parse_qsl(raw, keep_blank_values=True))
            key = self.headers.get("Idempotency-Key", "")
            status, body = self.state.answer(method, parts.path, params, key)
        self._send(status, json.dumps(body).encode(), "application/json")

    def do_GET(self):  # noqa: N802 - http.server's name
        self._api("GET")

    def do_POST(self):  # noqa: N802
        self._api("POST")


class Standin:
    def __init__(self) -> None:
        self.state = StandinState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def _stripe_standin_server():
    standin = Standin()
    yield standin
    standin.stop()


@pytest.fixture
def stripe_standin(_stripe_standin_server, settings) -> StandinState:
    """The stand-in, fresh, with the settings pointing at it (the only company served)."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = _stripe_standin_server.url
    settings.STRIPE_JS_URL = _stripe_standin_server.url + "/js/stripe.js"
    settings.STRIPE_COMPANY = ""
    state = _stripe_standin_server.state
    state.reset()
    state.url = _stripe_standin_server.url
    return state
