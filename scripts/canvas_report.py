"""Summarises canvas runs from their metrics.jsonl: final held-out numbers, training samples/s and
the wall time until each target was first met (at eval_every resolution).

    python scripts/canvas_report.py runs/canvas_bezier runs/canvas_rectangles runs/canvas_prisms

Targets (issue 3): single-step MSE <= 0.002; for bezier also K = 10 sequence MSE <= 0.006.
"""

import argparse
import json
from pathlib import Path

TARGETS = {"single_mse": 0.002, "seq10_mse": 0.006}


def elapsed_at(rows: list[dict], step: int, batch_size: int = 64) -> float | None:
    """Wall seconds at `step`: train/elapsed_s if logged, else step × batch / samples_per_s
    (runs from before elapsed_s was logged; exact for runs that were never resumed)."""
    for row in rows:
        if row["step"] >= step and "train/samples_per_s" in row:
            if "train/elapsed_s" in row:
                return row["train/elapsed_s"]
            return row["step"] * batch_size / row["train/samples_per_s"]
    return None


def report(workdir: Path) -> str:
    facts = json.loads((workdir / "run.json").read_text())
    rows = [json.loads(line) for line in (workdir / "metrics.jsonl").read_text().splitlines()]
    evals = [r for r in rows if "eval/single_mse" in r]
    last = evals[-1]
    rates = [r["train/samples_per_s"] for r in rows if "train/samples_per_s" in r]
    lines = [f"{facts['canvas']['renderer']}: step {last['step']}, samples/s {rates[-1]:,.0f}, "
             f"wall {elapsed_at(rows, last['step']) / 60:.1f} min"]
    lines += [f"  {k[5:]} = {v:.5f}" for k, v in last.items() if k.startswith("eval/")]
    for metric, target in TARGETS.items():
        hit = next((r for r in evals if r[f"eval/{metric}"] <= target), None)
        when = "not reached" if hit is None else f"step {hit['step']}, {elapsed_at(rows, hit['step']) / 60:.1f} min"
        lines.append(f"  {metric} <= {target}: {when}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdirs", nargs="+", type=Path)
    for workdir in parser.parse_args().workdirs:
        print(report(workdir))


if __name__ == "__main__":
    main()
