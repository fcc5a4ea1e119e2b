"""The information-sharing graph of a drill and the reach of the information each role needed.

Nodes are the scenario's roles; an edge u → v carries every share from u to v (weight = number of
shared items, `lawful` = how many of them had a lawful basis). Over the directed graph with n nodes
and |E| edges:

    density     = |E| / (n (n − 1))
    reciprocity = |{(u, v) ∈ E : (v, u) ∈ E}| / |E|         (closed loops; None without edges)
    isolated    = roles in a weakly connected component of their own (scipy.sparse.csgraph)

Reach is temporal by construction: the runtime records when each share happened, so a need counts as
reached on the day of the first lawful, non-anonymous delivery to the role. An anonymous
consultation is lawful but does not tell the receiver who the child is, so it does not deliver.
Needs the scenario settles itself (the role held the item, an inject revealed it to the role, or no
role on the team ever knew it on this path) are not the team's work and are left out of reach.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from scenarios.model import Scenario
from scoring.lawful import judge_share
from scoring.model import InfoEdge
from scoring.model import InfoFlowGraph
from scoring.model import NeedReach
from scoring.timeline import Timeline

# Needs the scenario itself settles: the role held it, an inject revealed it, or nobody ever knew it.
SCENARIO_DELIVERED = ("holder", "inject", "unavailable")


def need_reach(scenario: Scenario, timeline: Timeline) -> tuple[NeedReach, ...]:
    """For every (information, role) need in the scenario: whether, how and when it arrived."""
    knowledge = timeline.final["knowledge"]
    shares = timeline.shares
    verdicts = [judge_share(s, scenario) for s in shares]
    result: list[NeedReach] = []
    for info in scenario.infos:
        for need in info.needs:
            scene = scenario.scene(need.by) if need.by else None
            due_day = scene.day if scene is not None else None
            to_role = [
                (s, v)
                for s, v in zip(shares, verdicts, strict=True)
                if s["info"] == info.id and s["to"] == need.role
            ]
            delivered = [s for s, v in to_role if v.lawful and s["basis"] != "anonymous"]
            known = knowledge.get(need.role, {}).get(info.id)
            anyone = any(info.id in items for role, items in knowledge.items() if role != need.role)
            if need.role in info.holders:
                via, day = "holder", timeline.start_day
            elif (
                known is not None
                and known["basis"] == "inject"
                and (not delivered or known["seq"] < delivered[0]["seq"])
            ):
                via, day = "inject", known["day"]
            elif delivered:
                via, day = "share", delivered[0]["day"]
            elif any(not v.lawful for _, v in to_role):
                via, day = "unlawful", None
            elif to_role:
                via, day = "anonymous", None
            elif not anyone:
                via, day = "unavailable", None
            else:
                via, day = "none", None
            on_time = day is not None and (due_day is None or day <= due_day)
            result.append(NeedReach(info.id, need.role, need.by, due_day, day, via, on_time))
    return tuple(result)


def info_flow(scenario: Scenario, timeline: Timeline) -> InfoFlowGraph:
    """Build the directed sharing graph and its summary measures."""
    nodes = scenario.role_ids
    index = {role: i for i, role in enumerate(nodes)}
    edges: dict[tuple[str, str], dict] = {}
    for share in timeline.shares:
        source, target = share["from"], share["to"]
        if source not in index or target not in index or source == target:
            continue
        edge = edges.setdefault((source, target), {"weight": 0, "lawful": 0, "infos": []})
        edge["weight"] += 1
        edge["lawful"] += judge_share(share, scenario).lawful
        if share["info"] not in edge["infos"]:
            edge["infos"].append(share["info"])
    n = len(nodes)
    density = len(edges) / (n * (n - 1)) if n > 1 else 0.0
    reciprocity = sum((v, u) in edges for (u, v) in edges) / len(edges) if edges else None
    matrix = np.zeros((n, n))
    for (u, v), edge in edges.items():
        matrix[index[u], index[v]] = edge["weight"]
    components, labels = connected_components(csr_matrix(matrix), directed=True, connection="weak")
    sizes = np.bincount(labels, minlength=components)
    isolated = tuple(role for role in nodes if sizes[labels[index[role]]] == 1)
    needs = need_reach(scenario, timeline)
    team = [need for need in needs if need.via not in SCENARIO_DELIVERED]
    reach = sum(need.on_time for need in team) / len(team) if team else None
    return InfoFlowGraph(
        nodes=nodes,
        edges=tuple(
            InfoEdge(u, v, e["weight"], e["lawful"], tuple(e["infos"])) for (u, v), e in sorted(edges.items())
        ),
        density=density,
        reciprocity=reciprocity,
        isolated=isolated,
        components=int(components),
        needs=needs,
        reach=reach,
    )
