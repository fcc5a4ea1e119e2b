"""Benchmark the scene graph: build, lay out and draw it as SVG.

Prints the time for each built-in scenario and for a generated 300-scene scenario (the same one
`bench/scenarios.py` checks; target: under 300 ms on a 2-core machine), with the drawing's size and
edge crossings. Parsing is not timed: the authoring workspace has the parsed version already.
Run: `python bench/graph.py`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scenarios import generated_scenario  # noqa: E402
from scenarios.check import check_source  # noqa: E402
from scenarios.graph import layout  # noqa: E402
from scenarios.graph import render_svg  # noqa: E402
from scenarios.graph import scenario_graph  # noqa: E402
from scenarios.graph import text_outline  # noqa: E402
from scenarios.model import Scenario  # noqa: E402


def draw(scenario: Scenario) -> str:
    """Everything the graph view does for one request: graph, layout, SVG and outline."""
    graph = scenario_graph(scenario)
    text_outline(graph)
    return render_svg(graph, layout(graph), href=lambda line: f"#L{line}")


def median_time(scenario: Scenario, repeat: int) -> float:
    """Median of several runs, in seconds; a fresh model each time so no cached analysis is reused."""
    times = []
    for _ in range(repeat):
        fresh = Scenario(**{f: getattr(scenario, f) for f in scenario.__dataclass_fields__})
        start = time.perf_counter()
        draw(fresh)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    files = sorted((ROOT / "scenarios" / "library").glob("*.md"))
    print("graph + layout + SVG + outline (median):")
    for path in files:
        scenario = check_source(path.read_text(encoding="utf-8")).scenario
        draw(scenario)  # warm up imports
        seconds = median_time(scenario, 30)
        print(f"  {path.name:32} {len(scenario.scenes):4} scenes  {seconds * 1000:8.2f} ms")
    big = check_source(generated_scenario(300)).scenario
    seconds = median_time(big, 5)
    graph = scenario_graph(big)
    drawing = layout(graph)
    svg = render_svg(graph, drawing)
    print(
        f"  {'generated':32} {len(big.scenes):4} scenes  {seconds * 1000:8.2f} ms   (target < 300 ms); "
        f"{len(graph.edges)} edges, {drawing.width:.0f} x {drawing.height:.0f} px, "
        f"{len(svg) / 1024:.0f} KiB SVG"
    )


if __name__ == "__main__":
    main()
