import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_deploy_check_is_clean_with_production_environment_values():
    """`manage.py check --deploy` reports no issues with production env values."""
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is not a production value.
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "cpeg.example.org",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_site_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DJANGO_ALLOW_DEV_SECRET_KEY", "DJANGO_DEBUG", "DATABASE_URL"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    env["DJANGO_ALLOW_DEV_SECRET_KEY"] = "false"  # a local .env may allow it
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd="/tmp",
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
