"""Login through OpenID Connect providers (Feide, ID-porten): configuration, admission and the pages.

The flow is the authorisation code flow with state, nonce and PKCE (S256), run by Authlib's Flask
client. Which people a provider lets in is decided per organisation (``app.oidc.admission``); which
account they get, per login (``app.oidc.accounts``).
"""
