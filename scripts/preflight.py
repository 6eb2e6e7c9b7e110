"""Say clearly what the platform needs and is missing, instead of hanging."""

import os
import sys

import pika

AMQP_URL = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def main() -> int:
    params = pika.URLParameters(AMQP_URL)
    params.connection_attempts = 1
    params.socket_timeout = 3
    params.blocked_connection_timeout = 3
    try:
        pika.BlockingConnection(params).close()
    except Exception as error:
        safe_url = AMQP_URL.split("@")[-1]
        print(
            f"RabbitMQ is not reachable at {safe_url} ({type(error).__name__}).\n"
            "Start it (e.g. `rabbitmq-server -detached`) or set AMQP_URL, then run `make run` again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
