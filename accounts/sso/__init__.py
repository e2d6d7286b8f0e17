"""Staff single sign-on with the bank's identity provider (docs/sso.md).

- config.py: the environment → SsoConfig and allauth's SOCIALACCOUNT_PROVIDERS (no Django:
  config.settings imports it)
- provider.py, views.py, urls.py: allauth's OpenID Connect provider, stricter (nonce, signature
  always checked), as the `sso` provider
- roles.py: identity-provider groups → Ruche roles, on every login
- login.py: the allauth hooks (roles at login, the IdP's MFA, SSO required for staff)
- checks.py: half-configured SSO is a system check error
"""
