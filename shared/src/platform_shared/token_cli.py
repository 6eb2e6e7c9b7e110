"""``platform-token``: mint a development token, e.g. ``platform-token --role agent --sub alice``."""

from __future__ import annotations

import argparse

from .auth import ROLES, mint_token
from .config import load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Mint a JWT the platform's services accept.")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--sub", required=True)
    parser.add_argument("--org")
    parser.add_argument("--email")
    parser.add_argument("--name")
    parser.add_argument("--org-name", help="the client company's display name")
    parser.add_argument("--locale", help="the language the person reads, e.g. fr or en")
    parser.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds")
    args = parser.parse_args(argv)
    settings = load_settings(service_name="token-cli")
    print(
        mint_token(
            settings,
            sub=args.sub,
            role=args.role,
            org=args.org,
            email=args.email,
            name=args.name,
            org_name=args.org_name,
            locale=args.locale,
            ttl_seconds=args.ttl,
        )
    )


if __name__ == "__main__":
    main()
