"""LTI 1.3 (core, Deep Linking 2.0, Assignment and Grade Services 2.0): a thin layer on pyjwt, cryptography and
httpx. See docs/lti.md.

- `claims` the vocabulary; `config` the platforms file; `store` and `outbox_store` the queries;
- `keys` the tool's RSA keys and JWKS; `jwks` the platforms' keys; `oidc` login initiation; `launch` verification;
- `deep_linking` the picker and its response; `ags` tokens, line items and scores; `grades` what a grade is and
  queueing it; `outbox` sending queued grades with retries;
- `routes` (/lti/…) and `admin` (/instructor/lti) the web side; `web.install_lti` puts it all in the app.
"""
