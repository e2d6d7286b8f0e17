from config.settings.social import social_providers_from_env


def test_no_provider_without_keys():
    assert social_providers_from_env({}) == ([], {})


def test_a_provider_needs_both_its_id_and_secret():
    assert social_providers_from_env({"GOOGLE_CLIENT_ID": "id"}) == ([], {})


def test_providers_appear_when_their_keys_are_set():
    apps, config = social_providers_from_env(
        {
            "GOOGLE_CLIENT_ID": "g-id",
            "GOOGLE_CLIENT_SECRET": "g-secret",
            "LINKEDIN_CLIENT_ID": "l-id",
            "LINKEDIN_CLIENT_SECRET": "l-secret",
        }
    )
    assert apps == [
        "allauth.socialaccount.providers.google",
        "allauth.socialaccount.providers.openid_connect",
    ]
    assert config["google"]["APPS"] == [{"client_id": "g-id", "secret": "g-secret"}]
    linkedin = config["openid_connect"]["APPS"][0]
    assert linkedin["provider_id"] == "linkedin"
    assert linkedin["settings"]["server_url"] == "https://www.linkedin.com/oauth"


def test_all_four_providers():
    env = {}
    for key in ("GOOGLE", "FACEBOOK", "TWITTER", "LINKEDIN"):
        env[f"{key}_CLIENT_ID"] = f"{key}-id"
        env[f"{key}_CLIENT_SECRET"] = f"{key}-secret"
    apps, config = social_providers_from_env(env)
    assert len(apps) == 4
    assert set(config) == {"google", "facebook", "twitter_oauth2", "openid_connect"}


def test_the_login_page_offers_a_provider_once_its_keys_are_set(tmp_path):
    """Settings are read at start-up, so this starts Django afresh with the keys set."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from django.test import Client;"
        "print(Client().get('/accounts/login/').content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GOOGLE_CLIENT_ID": "id.apps.googleusercontent.com",
        "GOOGLE_CLIENT_SECRET": "secret",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "/accounts/google/login/" in result.stdout
    assert "/accounts/facebook/login/" not in result.stdout
