"""Outgoing HTTP to addresses a user gave us (schema URLs, webhook URLs), without SSRF.

Every address a host name resolves to must be public unless the operator allows private ones,
and the connection is pinned to the address that was checked, so a second DNS answer cannot
swap in an internal one (DNS rebinding). Callers check every redirect hop again by opening a
new pinned connection for it. No CKAN import.

Errors carry the engine's schema URL codes (``schema-url-refused``, ``schema-url-unavailable``);
other callers (webhooks) use their messages.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
from typing import Tuple, Union
from urllib.parse import urlsplit

from .errors import ChecksError

Connection = Union[http.client.HTTPConnection, http.client.HTTPSConnection]


def check_public_address(address: str, host: str, what: str = "URL") -> None:
    """Raise ChecksError unless `address` is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        raise ChecksError(
            f"{what} host {host!r} resolves to the non-public address {ip}; "
            "refused (an operator can allow private addresses)",
            "schema-url-refused",
        )


def resolve(host: str, port: int, *, allow_private: bool, what: str = "URL") -> str:
    """The address to connect to; every answer of the resolver must be public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise ChecksError(f"cannot resolve {what} host {host!r}: {error.strerror}",
                          "schema-url-unavailable") from None
    addresses = [info[4][0] for info in infos]
    if not allow_private:
        for address in addresses:  # every answer must be public, not just the first
            check_public_address(address, host, what)
    return addresses[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def check_url(url: str, what: str = "URL") -> Tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL without user info; ChecksError otherwise."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ChecksError(f"{what} {url!r} is not an http(s) URL", "schema-url-refused")
    if parts.username is not None or parts.password is not None:
        raise ChecksError(f"{what} {url!r} must not contain a user name or password",
                          "schema-url-refused")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise ChecksError(f"{what} {url!r} has an invalid port", "schema-url-refused") from None
    return scheme, parts.hostname, port


def pinned_connection(url: str, *, allow_private: bool, timeout: float,
                      what: str = "URL") -> Tuple[Connection, str]:
    """A connection to the checked address of `url`'s host, and the path to request."""
    scheme, host, port = check_url(url, what)
    address = resolve(host, port, allow_private=allow_private, what=what)
    cls = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return cls(host, port, address, timeout), path
