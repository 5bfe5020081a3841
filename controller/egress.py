"""Where webhooks may be sent: only to public addresses, unless ops allow a host.

A subscription URL whose host is (or resolves to) a loopback, private, link-local (the cloud
metadata address 169.254.169.254 among them), carrier-grade NAT, multicast, reserved or
unspecified address is refused at registration with 422 `webhook_url_forbidden`. At delivery
the host is resolved again, every address checked, and the connection made to the checked
address (Host header and TLS name unchanged), so a DNS answer that changes in between (DNS
rebinding) cannot point a delivery inside the network.

`FARM_WEBHOOK_ALLOWED_HOSTS` (comma-separated host names, addresses or networks such as
`10.0.0.0/8`) lists what ops allow anyway, for receivers on the private network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from controller.config import Settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Forbidden(Exception):
    """The URL points somewhere webhooks may not go; `code` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public(mapped)
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


def _allowed(host: str, addresses: list[Address], settings: Settings) -> bool:
    for entry in settings.webhook_allowed_hosts:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == host:
            return True
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if addresses and all(a in network for a in addresses):
            return True
    return False


def resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise Forbidden("webhook_host_unresolvable", f"cannot resolve {host!r}") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


@dataclass(frozen=True)
class Target:
    """Where to connect: `url` (with the checked address in place of the host when pinned),
    plus the Host header and TLS server name to keep the original identity."""

    url: str
    host_header: str | None = None
    sni_hostname: str | None = None


def check(url: str, settings: Settings) -> Target:
    """Refuse a URL pointing inside the network; return where to connect."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Forbidden("webhook_url_forbidden", "the URL cannot be parsed") from None
    if parts.scheme not in ("http", "https") or not host:
        raise Forbidden("webhook_url_forbidden", "the URL needs http(s) and a host")
    if host in {h.strip().lower() for h in settings.webhook_allowed_hosts}:
        return Target(url)
    addresses = resolve(host, port)
    if _allowed(host, addresses, settings):
        return Target(url)
    blocked = [str(a) for a in addresses if not is_public(a)]
    if blocked or not addresses:
        raise Forbidden(
            "webhook_url_forbidden",
            f"{host} is a loopback, private, link-local or reserved address "
            f"({', '.join(blocked)}); ops may allow it with FARM_WEBHOOK_ALLOWED_HOSTS",
        )
    pinned = addresses[0]
    literal = f"[{pinned}]" if pinned.version == 6 else str(pinned)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return Target(
        urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")),
        host_header=host_header,
        sni_hostname=host if parts.scheme == "https" else None,
    )
