"""The one summary table of ``make bench``: figure, ours, baseline measured in the same run, ratio, goal, met."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass


@dataclass
class Figure:
    name: str
    ours: float
    ours_text: str
    baseline: float
    baseline_text: str
    goal_ratio: float  # the ratio's goal
    higher_is_better: bool  # True: ours / baseline >= goal; False: ours / baseline <= goal
    goal_text: str
    extra: str = ""

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("inf")

    absolute_goal: float | None = None  # when set: ours <= absolute_goal (e.g. a latency in ms), not a ratio

    @property
    def met(self) -> bool:
        if self.absolute_goal is not None:
            return self.ours <= self.absolute_goal
        return self.ratio >= self.goal_ratio if self.higher_is_better else self.ratio <= self.goal_ratio


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def print_table(figures: list[Figure], title: str = "issue 18 benchmark") -> None:
    header = ("figure", "ours", "baseline (same run)", "ratio", "goal", "met")
    rows = [
        (f.name, f.ours_text, f.baseline_text, f"{f.ratio:.2f}", f.goal_text, "yes" if f.met else "NO") for f in figures
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = "+-" + "-+-".join("-" * width for width in widths) + "-+"
    print(f"\n== {title} == load average {load_average()}")
    print(line)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print(line)
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    print(line)
    for figure in figures:
        if figure.extra:
            print(f"  {figure.name}: {figure.extra}")


def wrk(url: str, *, headers: dict[str, str] | None = None, seconds: int = 10, connections: int = 16) -> dict:
    """``wrk`` (Debian's) against ``url``: requests/s, p50 and p99 in ms, non-2xx count."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is needed (apt-get install wrk)")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for key, value in (headers or {}).items():
        command[1:1] = ["-H", f"{key}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "requests": requests,
        "rate": rate,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


# ----- processes' own CPU time and memory, from /proc ---------------------------------------------------------
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd on (the name may hold spaces)


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes used so far."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def pss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"
