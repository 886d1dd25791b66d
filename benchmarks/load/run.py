"""Load test against the production configuration: ``make bench-load``.

1. prepares PostgreSQL database ``klantbelang_load`` (or LOAD_DATABASE_URL): demo data topped up
   to 100,000 households, 2,000-product shelf (``prepare.py``);
2. collects the static files and starts gunicorn on 127.0.0.1 with ``DJANGO_DEBUG=false``;
3. warms the workers up (15 s, not reported), then runs the locust scenario headless at 25, 50
   and 100 concurrent users (LOAD_USERS), each measured for LOAD_SECONDS from the moment every
   user has signed in (sign-in is Argon2: a morning's work, not the working day), with think time;
4. then two saturation steps without think time at 50 users: only the minimal Django page, and
   the page mix without it; their throughput ratio is our pages as a fraction of the ceiling.

Prints a table per step and, as its last line, a JSON object with every figure. Only talks to
127.0.0.1. Fails (exit 1) when any request failed.
"""

import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/klantbelang_load")
PORT = int(os.environ.get("LOAD_PORT", "8011"))
USERS = [int(users) for users in os.environ.get("LOAD_USERS", "25,50,100").split(",")]
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# locust's own messages (errors per request included) go here; the figures are printed.
LOG = open(ROOT / "var" / "load-test.log", "a")  # noqa: SIM115 - open for the whole run
MIX = ["Adviser", "Reviewer", "Manager", "PortalClient", "Integration", "Minimal"]


def server_environment() -> dict:
    return {**os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_CONN_MAX_AGE": "60", "DJANGO_LOG_LEVEL": "WARNING", "DJANGO_TASKS_BACKEND": "database"}


def create_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def start_server(environment) -> subprocess.Popen:
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT,  # noqa: S603
                   env=environment, check=True)
    server = subprocess.Popen([PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{PORT}",  # noqa: S603
                               "--workers", str(WORKERS), "--log-level", "warning"], cwd=ROOT, env=environment)
    for _ in range(120):
        try:
            ready = urllib.request.Request(f"http://127.0.0.1:{PORT}/health/", headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(ready, timeout=2) as reply:  # noqa: S310 - our own http URL
                if reply.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer on /health/")


def locust(users: int, classes: list[str], think: bool, seconds: int) -> dict:
    """Run one step; figures per request name from locust's CSV statistics."""
    with tempfile.TemporaryDirectory() as directory:
        prefix = str(Path(directory) / "step")
        spawn_seconds = 5
        # The locustfile starts the statistics once every user has signed in and ends the run
        # ``seconds`` later; -t is only a safety net.
        subprocess.run([PYTHON, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",  # noqa: S603
                        "--only-summary", "--host", f"http://127.0.0.1:{PORT}", "-u", str(users),
                        "-r", str(users / spawn_seconds), "-t", f"{seconds + 300}s", "--csv", prefix,
                        "--loglevel", "WARNING", "--stop-timeout", "5", *classes],
                       env={**os.environ, "LOAD_THINK": "1" if think else "0",
                            "LOAD_MEASURE_SECONDS": str(seconds)}, check=False, cwd=HERE,
                       stdout=subprocess.DEVNULL, stderr=LOG)
        with open(f"{prefix}_stats.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        with open(f"{prefix}_exceptions.csv", newline="") as handle:
            # A task that raised (an unexpected page, a broken form) is an error as well.
            exceptions = sum(int(row["Count"]) for row in csv.DictReader(handle))
    for row in rows:
        if row["Name"] == "Aggregated":
            row["Failure Count"] = str(int(row["Failure Count"]) + exceptions)
    return {row["Name"]: {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                          "per_s": round(float(row["Requests/s"]), 1), "p50": _number(row["50%"]),
                          "p95": _number(row["95%"]), "p99": _number(row["99%"])}
            for row in rows if row["Name"] not in {"login", "api: token"} or int(row["Failure Count"])}


def _number(value: str) -> float:
    return float(value) if value not in {"", "N/A"} else 0.0


def table(title: str, figures: dict) -> str:
    lines = [f"\n{title}", f"{'page':<32} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
             f"{'p99 ms':>7}"]
    for name, row in sorted(figures.items(), key=lambda item: (item[0] == "Aggregated", item[0])):
        lines.append(f"{name:<32} {row['requests']:>8} {row['failures']:>6} {row['per_s']:>7} {row['p50']:>7.0f} "
                     f"{row['p95']:>7.0f} {row['p99']:>7.0f}")
    return "\n".join(lines)


def main():
    create_database()
    subprocess.run([PYTHON, str(HERE / "prepare.py")],  # noqa: S603
                   env={**os.environ, "DATABASE_URL": DATABASE_URL}, check=True)
    server = start_server(server_environment())
    results = {"workers": WORKERS, "seconds_per_step": SECONDS, "steps": {}}
    try:
        # Warm-up, not reported: every worker loads its templates and the firm's shelf once, as a
        # server that has been up for a while has.
        locust(20, MIX, think=False, seconds=15)
        for users in USERS:
            figures = locust(users, MIX, think=True, seconds=SECONDS)
            results["steps"][str(users)] = figures
            print(table(f"{users} concurrent users, think time 1–3 s", figures), flush=True)
        ceiling = locust(50, ["Minimal"], think=False, seconds=SECONDS // 2)["Aggregated"]
        mix = locust(50, MIX[:-1], think=False, seconds=SECONDS // 2)["Aggregated"]
        results["saturation_50_users"] = {"minimal_per_s": ceiling["per_s"], "pages_per_s": mix["per_s"],
                                          "fraction": round(mix["per_s"] / ceiling["per_s"], 3),
                                          "minimal_p50": ceiling["p50"], "pages_p50": mix["p50"],
                                          "failures": ceiling["failures"] + mix["failures"]}
        print(f"\nsaturation, 50 users without think time: minimal page {ceiling['per_s']} req/s, "
              f"page mix {mix['per_s']} req/s ({results['saturation_50_users']['fraction']:.1%} of the ceiling)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    failures = sum(step["Aggregated"]["failures"] for step in results["steps"].values())
    failures += results["saturation_50_users"]["failures"]
    results["failures"] = failures
    print(json.dumps(results))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
