"""Which address a request comes from, for rate limits and the login lockout.

Without TRUSTED_PROXIES, the connecting address (REMOTE_ADDR): an X-Forwarded-For header is
whatever the client chose to write, so it is believed about nothing. Behind proxies, the
settings say which to trust — how many stand in front of the app, or their addresses — and
the client is the address the nearest untrusted hop was seen at: each proxy appends the address
it received the request from, so only what trusted proxies appended is read.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's address: see the module's docstring."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if not trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    # Farthest first, nearest (the connecting address) last.
    chain = [*(hop.strip() for hop in forwarded.split(",") if hop.strip()), remote]
    if isinstance(trusted, int):
        # The last `trusted` hops are the proxies; the one before them is the client.
        found = chain[-trusted - 1] if len(chain) > trusted else chain[0]
    else:
        networks = [ipaddress.ip_network(proxy, strict=False) for proxy in trusted]
        found = next(
            (hop for hop in reversed(chain) if not _within(hop, networks)),
            chain[0],
        )
    return found if _is_address(found) else remote


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _within(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False  # not an address: not one of the proxies
    return any(ip in network for network in networks)
