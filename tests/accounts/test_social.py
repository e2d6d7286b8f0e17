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
