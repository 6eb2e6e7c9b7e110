"""``make bench``: every figure of issue 18 next to its baseline measured in the same run, in one table.

The machine's other load changes every figure: each is printed with its baseline measured in the same run
(the bare apps, the raw pika loops, the first page), and the table's header has the load average.
Needs the local PostgreSQL, RabbitMQ and wrk (Debian's ``wrk``). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import load_average, print_table

PARTS = ("reads", "backbone", "gateway", "attestation", "burst", "emails", "idle")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15, help="wrk time per app (in 3 interleaved rounds)")
    parser.add_argument("--rows", type=int, default=100_000, help="dossiers for the deep page (1000000 works)")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=100, help="status changes for the gateway's copy")
    parser.add_argument("--runs", type=int, default=20, help="attestation requests, one at a time")
    parser.add_argument("--burst", type=int, default=40, help="attestation requests at once")
    parser.add_argument("--emails", type=int, default=1000, help="events whose emails are sent")
    parser.add_argument("--only", choices=PARTS, action="append", help="one part alone (repeatable)")
    args = parser.parse_args()
    parts = args.only or list(PARTS)
    print(f"load average at start: {load_average()}")
    figures, details = [], []
    if "reads" in parts:
        from reads import read_figures

        figures += read_figures(seconds=args.seconds, rows=args.rows, samples=args.samples)
    if "backbone" in parts:
        from backbone import backbone_figures

        figures += backbone_figures(args.events, args.requests)
    if "gateway" in parts:
        from flows import gateway_figures

        figures += gateway_figures(args.changes)
    if {"attestation", "burst"} & set(parts):
        from flows import attestation_figures

        figures += attestation_figures(args.runs, args.burst, set(parts))
    if "emails" in parts:
        from flows import email_figures

        figures += email_figures(args.emails)
    if "idle" in parts:
        from idle import idle_figures

        idle, details = idle_figures()
        figures += idle
    print_table(figures)
    if details:
        print("  idle make run, per process kind (CPU while idle, PSS):")
        print("\n".join(details))


if __name__ == "__main__":
    main()
