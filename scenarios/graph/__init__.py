"""The scene graph of a scenario for authors: nodes and transitions, a layered layout, SVG and a text outline.

The data flows one way: `model` builds the graph from the checker's facts, `placement` (with the steps
in `layering`) lays it out, and `svg` and `outline` show it, in the words of `words`. Pure Python: the
authoring workspace and `laget scenarios graph` share it.
"""

from scenarios.graph.layering import LOOP
from scenarios.graph.layering import MARGIN
from scenarios.graph.layering import NODE_HEIGHT
from scenarios.graph.layering import NODE_WIDTH
from scenarios.graph.model import BRANCH
from scenarios.graph.model import BROKEN
from scenarios.graph.model import ENDING
from scenarios.graph.model import MISSING
from scenarios.graph.model import NEVER
from scenarios.graph.model import NEXT
from scenarios.graph.model import SCENE
from scenarios.graph.model import Edge
from scenarios.graph.model import Graph
from scenarios.graph.model import Node
from scenarios.graph.model import scenario_graph
from scenarios.graph.outline import OutlineItem
from scenarios.graph.outline import OutlineLink
from scenarios.graph.outline import outline_text
from scenarios.graph.outline import text_outline
from scenarios.graph.placement import Box
from scenarios.graph.placement import Layout
from scenarios.graph.placement import Route
from scenarios.graph.placement import layout
from scenarios.graph.svg import LEGEND_COLUMN
from scenarios.graph.svg import render_svg
from scenarios.graph.words import describe
from scenarios.graph.words import edge_label
from scenarios.graph.words import message
from scenarios.graph.words import node_name

__all__ = [
    "BRANCH",
    "BROKEN",
    "ENDING",
    "LEGEND_COLUMN",
    "LOOP",
    "MARGIN",
    "MISSING",
    "NEVER",
    "NEXT",
    "NODE_HEIGHT",
    "NODE_WIDTH",
    "SCENE",
    "Box",
    "Edge",
    "Graph",
    "Layout",
    "Node",
    "OutlineItem",
    "OutlineLink",
    "Route",
    "describe",
    "edge_label",
    "layout",
    "message",
    "node_name",
    "outline_text",
    "render_svg",
    "scenario_graph",
    "text_outline",
]
