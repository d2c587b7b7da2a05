"""Platforms' public keys, fetched from their JWKS URL with httpx and cached; a `kid` the cache does not know
makes one refresh (platforms rotate their keys), at most once per `REFRESH_SPACING` per URL, so forged `kid`s
cannot make the tool hammer the platform."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

REFRESH_SPACING = 10.0  # seconds between two refreshes of one URL forced by an unknown kid


class JwksUnavailable(Exception):
    """The platform's JWKS could not be fetched or read."""


class UnknownKey(Exception):
    """The JWKS, even freshly fetched, has no key with the token's `kid`."""


@dataclass
class _Entry:
    keys: dict[str, PyJWK]
    fetched: float


@dataclass
class PlatformKeys:
    """`await keys.key(jwks_url, kid)` → the verification key. One per app process."""

    http: httpx.AsyncClient
    ttl: float = 3600.0
    timeout: float = 10.0
    clock: Callable[[], float] = time.monotonic
    _cache: dict[str, _Entry] = field(default_factory=dict)
    _forced: dict[str, float] = field(default_factory=dict)

    async def key(self, url: str, kid: str | None) -> PyJWK:
        now = self.clock()
        entry = self._cache.get(url)
        if entry is None or now - entry.fetched > self.ttl:
            entry = await self._fetch(url)
        found = _pick(entry.keys, kid)
        if found is None and now - self._forced.get(url, -REFRESH_SPACING) >= REFRESH_SPACING:
            self._forced[url] = now
            entry = await self._fetch(url)
            found = _pick(entry.keys, kid)
        if found is None:
            raise UnknownKey(f"no key with kid {kid!r} in {url}")
        return found

    async def _fetch(self, url: str) -> _Entry:
        try:
            response = await self.http.get(url, timeout=self.timeout, headers={"accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        except httpx.HTTPStatusError as error:
            raise JwksUnavailable(f"GET {url} answered {error.response.status_code}") from None
        except httpx.HTTPError as error:
            raise JwksUnavailable(f"GET {url} failed: {error.__class__.__name__}: {error}") from None
        except ValueError:
            raise JwksUnavailable(f"GET {url} did not return JSON") from None
        try:
            key_set = PyJWKSet.from_dict(document)
        except (PyJWKSetError, PyJWKError, TypeError, KeyError) as error:
            raise JwksUnavailable(f"{url} is not a usable JWKS: {error}") from None
        keys = {str(k.key_id or ""): k for k in key_set.keys}
        entry = self._cache[url] = _Entry(keys, self.clock())
        return entry


def _pick(keys: dict[str, PyJWK], kid: str | None) -> PyJWK | None:
    if kid is not None:
        return keys.get(kid)
    return next(iter(keys.values())) if len(keys) == 1 else None  # no kid: only an unambiguous key will do
