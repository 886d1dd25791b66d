"""An advisory firm's working day, as locust users against a production-configured server.

Run by ``run.py`` (``make bench-load``), which prepares the data, starts gunicorn and passes the
user classes of each step. Every user signs in once, then works with a think time of 1–3 s
between clicks (``LOAD_THINK=0`` takes it away for the saturation steps):

* advisers (the largest group) open their client list, search it, open a household, match one of
  its needs against the 2,000-product shelf, open the advice files and save a profile change
  through the inventory form;
* reviewers open their four-eyes queue and advice files; a manager opens the quality dashboard;
* clients open their portal pages;
* an integration uses the REST API with a token (client list, a client, its needs, matching);
* ``Minimal`` asks the smallest Django page (``/health/``), the ceiling our pages are compared with.

The server thinks it is behind a TLS proxy (``X-Forwarded-Proto: https``), exactly as in
production, so the cookies it sets are ``Secure``; the client sends them over the local plain
connection anyway.
"""

import html.parser
import json
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, constant, events, task

TARGETS = json.loads((Path(__file__).resolve().parent / "targets.json").read_text())
THINK = between(1, 3) if os.environ.get("LOAD_THINK", "1") != "0" else constant(0)
PASSWORD = "demo"  # noqa: S105 - the demo logins' documented password
MEASURE_SECONDS = int(os.environ.get("LOAD_MEASURE_SECONDS", "60"))
READY = {"users": 0}
SURNAMES = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Peeters"]


class FormValues(html.parser.HTMLParser):
    """The values a browser would submit for the first form with ``method="post"`` on a page."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: str | None = None
        self.forms = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms += 1
        if self.forms != 1:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
            self.values.append((name, ""))
        elif tag == "option" and self.select and "selected" in attrs:
            self.values[-1] = (self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.values.append((name, ""))

    def handle_data(self, data):
        if self.textarea:
            self.values[-1] = (self.textarea, self.values[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.forms == 1:
            self.forms = 2


@events.test_start.add_listener
def measure_once_everyone_is_in(environment, **kwargs):
    """Sign-in is Argon2 (about 140 ms of CPU, once a day for a real user); a ramp of 100 sign-ins
    would be measured as if it were the working day. Statistics start when every user is in, and
    the run stops MEASURE_SECONDS later."""

    def watch():
        wanted = environment.parsed_options.num_users
        while READY["users"] < wanted:
            gevent.sleep(0.2)
        environment.stats.reset_all()
        gevent.sleep(MEASURE_SECONDS)
        environment.runner.quit()

    gevent.spawn(watch)


def ready():
    READY["users"] += 1


def form_values(page: str) -> list[tuple[str, str]]:
    parser = FormValues()
    parser.feed(page)
    return parser.values


class Firm(FastHttpUser):
    abstract = True
    wait_time = THINK
    email = ""

    def __init__(self, environment):
        # What a browser on the TLS side sends: the https origin of the page it came from.
        origin = (environment.host or "").replace("http://", "https://", 1)
        self.default_headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": f"{origin}/"}
        super().__init__(environment)

    def on_start(self):
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        page = self.client.get("/login/", name="login").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        with self.client.post("/login/", data={"csrfmiddlewaretoken": token, "username": self.email,
                                               "password": PASSWORD}, name="login", catch_response=True) as reply:
            if reply.status_code != 200 or "/login/" in reply.url:
                reply.failure(f"sign-in failed for {self.email}: {reply.status_code} {reply.url}")
        ready()

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as reply:
            if reply.status_code != 200 or "/login/" in reply.url:
                reply.failure(f"{reply.status_code} on {url} ({reply.url})")
            return reply


class Adviser(Firm):
    weight = 10

    def on_start(self):
        self.email = random.choice(list(TARGETS["advisers"]))
        self.clients = TARGETS["advisers"][self.email]
        super().on_start()

    @task(3)
    def client_list(self):
        self.page("/clients/", "client list")

    @task(1)
    def client_search(self):
        self.page(f"/clients/?q={random.choice(SURNAMES)}", "client list: search")

    @task(1)
    def client_list_filtered(self):
        self.page(f"/clients/?missing=pension&page={random.randint(1, 40)}", "client list: filter + page")

    @task(5)
    def client_detail(self):
        self.page(f"/clients/{random.choice(self.clients)}/", "client")

    @task(2)
    def need_match(self):
        self.page(f"/clients/{random.choice(self.clients)}/needs/0/match/", "need matched to the shelf")

    @task(1)
    def advice_files(self):
        self.page("/advice/", "advice files")

    @task(1)
    def edit_profile(self):
        url = f"/clients/{random.choice(self.clients)}/inventory/risk/"
        reply = self.page(url, "profile section")
        values = [(name, value) for name, value in form_values(reply.text) if name != "risk-horizon_years"]
        values.append(("risk-horizon_years", str(random.randint(3, 30))))
        with self.client.post(url, data=urlencode(values), name="profile section: save", catch_response=True,
                              headers={"Content-Type": "application/x-www-form-urlencoded"}) as saved:
            if saved.status_code != 200 or "/login/" in saved.url or "errorlist" in saved.text:
                saved.failure(f"profile not saved ({saved.status_code})")


class Reviewer(Firm):
    weight = 2
    email = "reviewer@demo.nl"

    @task(2)
    def queue(self):
        self.page("/advice/?review=1", "review queue")

    @task(3)
    def case(self):
        self.page(f"/advice/{random.choice(TARGETS['cases'])}/", "advice file")


class Manager(Firm):
    weight = 1
    email = "manager@demo.nl"

    @task
    def dashboard(self):
        self.page("/quality/", "quality dashboard")


class PortalClient(Firm):
    weight = 3
    email = "client@demo.nl"

    @task(2)
    def household(self):
        self.page("/portal/", "portal: household")

    @task(1)
    def advice(self):
        self.page("/portal/advice/", "portal: advice")


class Integration(FastHttpUser):
    weight = 2
    wait_time = THINK
    default_headers = {"X-Forwarded-Proto": "https"}

    def on_start(self):
        email = random.choice(list(TARGETS["advisers"]))
        self.clients = TARGETS["advisers"][email]
        reply = self.client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD,
                                                             "name": "load test"}, name="api: token")
        self.auth = {"Authorization": f"Bearer {reply.json()['token']}"}
        ready()

    def api(self, method, url, name, **kwargs):
        with self.client.request(method, url, name=name, headers=self.auth, catch_response=True, **kwargs) as reply:
            if reply.status_code != 200:
                reply.failure(f"{reply.status_code} on {url}")

    @task(2)
    def clients_page(self):
        self.api("GET", f"/api/v1/clients?limit=50&offset={50 * random.randint(0, 100)}", "api: clients")

    @task(3)
    def one_client(self):
        self.api("GET", f"/api/v1/clients/{random.choice(self.clients)}", "api: client")

    @task(2)
    def needs(self):
        self.api("GET", f"/api/v1/clients/{random.choice(self.clients)}/needs", "api: needs")

    @task(1)
    def match(self):
        self.api("POST", "/api/v1/match", "api: match", json={"client_id": random.choice(self.clients), "top": 25})


class Minimal(FastHttpUser):
    weight = 1
    wait_time = THINK
    default_headers = {"X-Forwarded-Proto": "https"}

    def on_start(self):
        ready()

    @task
    def health(self):
        self.client.get("/health/", name="minimal Django page")
