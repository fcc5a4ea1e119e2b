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


def fresh_copy(scenario: Scenario) -> Scenario:
    """The same scenario without its cached lookups, as a request that loads a version would have it."""
    return Scenario(**{f: getattr(scenario, f) for f in scenario.__dataclass_fields__})


def step_time(step, repeat: int) -> float:
    """Median of several runs of one step, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_time(scenario: Scenario, repeat: int) -> float:
    """Median of several full drawings, in seconds, each from a fresh model."""
    copies = [fresh_copy(scenario) for _ in range(repeat)]
    return step_time(lambda: draw(copies.pop()), repeat)


def main() -> None:
    files = sorted((ROOT / "scenarios" / "library").glob("*.md"))
    print("graph + layout + SVG + outline (median):")
    for path in files:
        scenario = check_source(path.read_text(encoding="utf-8")).scenario
        draw(scenario)  # warm up imports
        seconds = median_time(scenario, 30)
        print(f"  {path.name:32} {len(scenario.scenes):4} scenes  {seconds * 1000:8.2f} ms")
    big = check_source(generated_scenario(300)).scenario
    seconds = median_time(big, 7)
    graph = scenario_graph(big)
    drawing = layout(graph)
    svg = render_svg(graph, drawing)
    steps = {
        "graph (reachability, conditions)": lambda: scenario_graph(fresh_copy(big)),
        "layout": lambda: layout(graph),
        "SVG": lambda: render_svg(graph, drawing, href=lambda line: f"#L{line}"),
        "text outline": lambda: text_outline(graph),
    }
    print(
        f"  {'generated':32} {len(big.scenes):4} scenes  {seconds * 1000:8.2f} ms   (target < 300 ms); "
        f"{len(graph.edges)} edges, {drawing.width:.0f} x {drawing.height:.0f} px, "
        f"{len(svg) / 1024:.0f} KiB SVG"
    )
    for name, step in steps.items():
        print(f"    {name:34} {step_time(step, 7) * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
