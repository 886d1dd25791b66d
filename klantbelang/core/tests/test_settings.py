"""Production settings refuse to start half-configured and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "p9Xq!2vL#7mN@4rT$8sW%1yZ^6bC&3dF*5gH(0jK)aE-uI_oU+" * 2,
    "DJANGO_ALLOWED_HOSTS": "advies.example.nl",
}


def _run(*args, env):
    base = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
        capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.parametrize(("missing", "message"), [
    ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
    ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set"),
])
def test_production_refuses_to_start_without(missing, message):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = _run("check", env=env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_short_secret_key_is_refused():
    result = _run("check", env={**PRODUCTION, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


@pytest.mark.parametrize("key", ["a" * 50, "abab" * 20, "django-insecure-" + "p9Xq!2vL#7mN@4rT$8sW%1yZ^6bC&3dF*5gH"])
def test_a_key_anyone_could_guess_is_refused(key):
    """Regression: a 50-character key of one repeated letter passed the start-up check."""
    result = _run("check", env={**PRODUCTION, "DJANGO_SECRET_KEY": key})
    assert result.returncode != 0
    assert "at least 5 of them different" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _run("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_a_wrong_boolean_is_an_error_not_a_guess():
    result = _run("check", env={"DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_demo_data_is_refused_in_production():
    result = _run("seed_demo", env={**PRODUCTION, "DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode != 0
    assert "only loaded when DJANGO_DEBUG is true" in result.stderr


def test_static_files_collect_with_the_production_storage(tmp_path, settings):
    """The hashed storage of production (whitenoise adds compression on top) follows every url()
    and source map a vendored file names; a reference to a file we do not ship stops a deployment."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from django.utils.functional import empty

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    staticfiles_storage._wrapped = empty  # the storage is chosen once per process; choose again
    try:
        call_command("collectstatic", "--noinput", verbosity=0)
    finally:
        staticfiles_storage._wrapped = empty
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/chartjs/chart-4.6.1.umd.min.js" in manifest
    assert len(list((tmp_path / "vendor" / "chartjs").glob("chart-4.6.1.umd.min.*.js"))) == 1
