"""Print the benchmark's figures: each run as a table with its ratio to the floor, then the
targets of the performance issue checked against the runs that decide them."""

from __future__ import annotations

from typing import Any

CREATE = "create request (API, 4 clients)"
#: Targets at N = 100 000 on SQLite: label -> (figure, limit, "max" or "min").
TARGETS: dict[str, tuple[str, float, str]] = {
    CREATE: ("rate_per_s", 300.0, "min"),
    "work queue (technician, first page)": ("p95_ms", 15.0, "max"),
    "request page": ("p95_ms", 15.0, "max"),
    "knowledge search": ("p95_ms", 30.0, "max"),
    "suggestions while submitting": ("p95_ms", 30.0, "max"),
    "manager's dashboard": ("p50_ms", 300.0, "max"),
}
#: Pages that must stay flat: at most this much slower at the largest N than at the smallest.
FLAT = {"work queue (technician, first page)": 1.5, "request page": 1.5}
WORKER_MEMORY_MB = 120.0
TARGET_N = 100_000


def is_throughput(row: dict[str, Any]) -> bool:
    """Whether the figure is a rate under concurrent clients (read against the floor's insert
    rate) rather than a page's answer times (read against the floor's select)."""
    return "cpu_ms" in row


def _ratio(row: dict[str, Any], floor: dict[str, dict[str, Any]]) -> str:
    if not floor:
        return ""
    if is_throughput(row):
        base = floor["create"]["rate_per_s"]
        return f"{row['rate_per_s'] / base:.2f}x floor rate" if base else ""
    base = floor["select"]["p95_ms"]
    return f"{row['p95_ms'] / base:.1f}x floor p95" if base else ""


def print_run(run: Any) -> None:
    """One run's figures, with each as a ratio to its floor."""
    print(f"  {'figure':<40}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'per s':>9}   vs floor")
    for row in run.figures:
        print(f"  {row['label']:<40}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
              f"{row['p99_ms']:>9.1f}{row['rate_per_s']:>9.1f}   {_ratio(row, run.floor)}")
    for row in run.figures:
        if "cpu_ms" in row:
            print(f"  {'CPU per call: ' + row['label'].split(' (')[0]:<40}"
                  f"{row['cpu_ms']:>9.1f} ms")
    for name, row in run.floor.items():
        print(f"  {'floor ' + name:<40}{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}"
              f"{row['p99_ms']:>9.1f}{row['rate_per_s']:>9.1f}")
    sweep = run.sweep
    print(f"  {sweep['label']:<40}{sweep['seconds'] * 1000:>9.0f} ms   handled {sweep['handled']}")
    print(f"  {'peak memory per web worker':<40}{max(run.memory_mb or [0]):>9.1f} MB")


def check(runs: list[Any]) -> list[tuple[str, str, bool]]:
    """Each target with the figure that decides it and whether it holds."""
    out: list[tuple[str, str, bool]] = []
    for run in runs:
        if run.database != "sqlite" or run.requests != TARGET_N:
            continue
        rows = {r["label"]: r for r in run.figures}
        for label, (figure, limit, kind) in TARGETS.items():
            if label not in rows:
                continue
            value = rows[label][figure]
            ok = value >= limit if kind == "min" else value <= limit
            out.append((f"{label}: {figure} {'>=' if kind == 'min' else '<='} {limit:g}",
                        f"{value:g}", ok))
        create = rows.get(CREATE)
        if create and run.floor:
            half = run.floor["create"]["rate_per_s"] / 2
            out.append((f"creates >= half the floor's rate ({half:.0f}/s)",
                        f"{create['rate_per_s']:g}", create["rate_per_s"] >= half))
    for db in {r.database for r in runs}:
        mine = sorted((r for r in runs if r.database == db), key=lambda r: r.requests)
        if len(mine) >= 2:
            small, big = mine[0], mine[-1]
            for label, limit in FLAT.items():
                a = next((r for r in small.figures if r["label"] == label), None)
                b = next((r for r in big.figures if r["label"] == label), None)
                if a and b and a["p95_ms"]:
                    factor = b["p95_ms"] / a["p95_ms"]
                    out.append((f"{label} flat on {db}: p95 at {big.requests:,} <= {limit}x "
                                f"{small.requests:,}", f"{factor:.2f}x", factor <= limit))
            if small.sweep and big.sweep:
                factor = big.sweep["seconds"] / max(small.sweep["seconds"], 1e-6)
                out.append((f"sweep on {db} grows with items due, not N "
                            f"({small.requests:,} -> {big.requests:,})", f"{factor:.2f}x",
                            factor <= 2.0))
    for run in runs:
        if run.memory_mb:
            peak = max(run.memory_mb)
            out.append((f"web worker memory <= {WORKER_MEMORY_MB:g} MB ({run.database}, "
                        f"{run.requests:,})", f"{peak:.0f} MB", peak <= WORKER_MEMORY_MB))
    return out


def print_summary(runs: list[Any], scale: dict[str, Any] | None) -> None:
    """Every target, met or missed."""
    checks = check(runs)
    if checks:
        print("\n== targets")
        for what, value, ok in checks:
            print(f"  {'met   ' if ok else 'MISSED'}  {what}: {value}")
    if scale:
        print("\n== scale-out (PostgreSQL)")
        for key, value in scale.items():
            print(f"  {key}: {value}")


def markdown(results: dict[str, Any]) -> str:
    """The results file as the tables of docs/performance.md (one column per run)."""
    runs = results["runs"]
    heads = [f"{r['database']} {r['requests']:,}" for r in runs]
    lines = ["| figure | " + " | ".join(heads) + " |",
             "|---|" + "---:|" * len(runs)]
    labels = [row["label"] for row in runs[0]["figures"]] if runs else []
    for label in labels:
        cells = []
        for r in runs:
            row = next((x for x in r["figures"] if x["label"] == label), None)
            if row is None:
                cells.append("")
            elif is_throughput(row):
                floor = r["floor"]["create"]["rate_per_s"]
                cpu = f"; {row['cpu_ms']:.1f} ms CPU" if "cpu_ms" in row else ""
                cells.append(f"{row['rate_per_s']:.0f}/s (p95 {row['p95_ms']:.0f} ms; "
                             f"{row['rate_per_s'] / floor:.2f}x floor{cpu})")
            else:
                floor = r["floor"]["select"]["p95_ms"]
                cells.append(f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f} / {row['p99_ms']:.1f}"
                             f" ({row['p95_ms'] / floor:.0f}x)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| floor: insert rate / select p95 | " + " | ".join(
        f"{r['floor']['create']['rate_per_s']:.0f}/s / {r['floor']['select']['p95_ms']:.1f} ms"
        for r in runs) + " |")
    lines.append("| sweep, 1 000 due | " + " | ".join(
        f"{r['sweep']['seconds']:.1f} s" for r in runs) + " |")
    lines.append("| peak memory per web worker | " + " | ".join(
        f"{max(r['memory_mb'] or [0]):.0f} MB" for r in runs) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    print(markdown(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
