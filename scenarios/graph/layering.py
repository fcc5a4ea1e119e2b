"""The steps of a layered (Sugiyama) drawing on vertex numbers: cycles, layers, dummies, order, columns."""

from __future__ import annotations

NODE_WIDTH = 200.0
NODE_HEIGHT = 80.0
DUMMY_WIDTH = 14.0
GAP_X = 36.0
GAP_Y = 76.0
MARGIN = 24.0
LOOP = 26.0  # how far a scene's loop back to itself sticks out to the right
SWEEPS = 4


def split_long_edges(
    count: int, dag: list[tuple[int, int]], layer: list[int], discovery: list[int]
) -> tuple[list[float], list[list[int]], list[list[int]], list[list[int]]]:
    """Give a long edge one small dummy vertex per layer it crosses, so it is ordered and routed like a node.

    Appends the dummies' layers and discovery order in place; returns every vertex's width, its
    neighbours above and below, and each edge's chain of vertices from source to target.
    """
    width = [NODE_WIDTH] * count
    up: list[list[int]] = [[] for _ in range(count)]
    down: list[list[int]] = [[] for _ in range(count)]
    chains: list[list[int]] = []
    for source, target in dag:
        chain = [source]
        for lay in range(layer[source] + 1, layer[target]):
            chain.append(len(layer))
            layer.append(lay)
            discovery.append(discovery[source])
            width.append(DUMMY_WIDTH)
            up.append([])
            down.append([])
        chain.append(target)
        for a, b in zip(chain, chain[1:], strict=False):
            down[a].append(b)
            up[b].append(a)
        chains.append(chain)
    return width, up, down, chains


def depth_first(out: list[list[int]], roots: list[int]) -> tuple[list[int], set[tuple[int, int]]]:
    """Discovery order of every vertex and the edges that close a cycle (to a vertex still on the path)."""
    discovery = [-1] * len(out)
    on_path = [False] * len(out)
    back: set[tuple[int, int]] = set()
    counter = 0
    for root in roots:
        if discovery[root] >= 0:
            continue
        discovery[root] = counter
        counter += 1
        on_path[root] = True
        stack = [(root, 0)]
        while stack:
            vertex, i = stack.pop()
            if i < len(out[vertex]):
                stack.append((vertex, i + 1))
                target = out[vertex][i]
                if discovery[target] < 0:
                    discovery[target] = counter
                    counter += 1
                    on_path[target] = True
                    stack.append((target, 0))
                elif on_path[target]:
                    back.add((vertex, target))
            else:
                on_path[vertex] = False
    return discovery, back


def longest_path_layers(
    count: int, dag: list[tuple[int, int]], discovery: list[int], protected: set[int]
) -> list[int]:
    """Longest-path layers; a node nobody leads to sits just above the first node it leads to."""
    preds: list[list[int]] = [[] for _ in range(count)]
    succs: list[list[int]] = [[] for _ in range(count)]
    indegree = [0] * count
    for source, target in dag:
        preds[target].append(source)
        succs[source].append(target)
        indegree[target] += 1
    ready = sorted((v for v in range(count) if indegree[v] == 0), key=lambda v: discovery[v])
    order: list[int] = []
    while ready:
        vertex = ready.pop(0)
        order.append(vertex)
        for target in succs[vertex]:
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    layer = [0] * count
    for vertex in order:
        layer[vertex] = max((layer[p] + 1 for p in preds[vertex]), default=0)
    for vertex in reversed(order):
        if not preds[vertex] and succs[vertex] and vertex not in protected:
            layer[vertex] = max(0, min(layer[s] for s in succs[vertex]) - 1)
    return layer


def order_layers(rows: list[list[int]], up: list[list[int]], down: list[list[int]]) -> list[list[int]]:
    """Reorder each layer by the mean place of its neighbours, sweeping down and up; keep the best."""
    best = [row[:] for row in rows]
    best_crossings = _crossings(best, down)
    current = [row[:] for row in rows]
    for _ in range(SWEEPS):
        for number in range(1, len(current)):
            current[number] = _by_barycentre(current[number], current[number - 1], up)
        for number in range(len(current) - 2, -1, -1):
            current[number] = _by_barycentre(current[number], current[number + 1], down)
        _transpose(current, up, down)
        crossings = _crossings(current, down)
        if crossings < best_crossings:
            best, best_crossings = [row[:] for row in current], crossings
        if best_crossings == 0:
            break
    return best


def _by_barycentre(row: list[int], fixed: list[int], neighbours: list[list[int]]) -> list[int]:
    position = {v: i for i, v in enumerate(fixed)}

    def key(item: tuple[int, int]) -> float:
        place, vertex = item
        near = [position[n] for n in neighbours[vertex] if n in position]
        return sum(near) / len(near) if near else float(place)

    return [v for _, v in sorted(enumerate(row), key=key)]


def _transpose(rows: list[list[int]], up: list[list[int]], down: list[list[int]]) -> None:
    """Swap neighbours in a layer while that removes crossings with the layers above and below."""
    for _ in range(4):
        improved = False
        for number, row in enumerate(rows):
            above = {v: i for i, v in enumerate(rows[number - 1])} if number else {}
            below = {v: i for i, v in enumerate(rows[number + 1])} if number + 1 < len(rows) else {}
            for i in range(len(row) - 1):
                u, v = row[i], row[i + 1]
                now = _pair(u, v, up, above) + _pair(u, v, down, below)
                if _pair(v, u, up, above) + _pair(v, u, down, below) < now:
                    row[i], row[i + 1] = v, u
                    improved = True
        if not improved:
            return


def _pair(u: int, v: int, neighbours: list[list[int]], position: dict[int, int]) -> int:
    """Crossings between the edges of u and of v when u stands left of v."""
    return sum(1 for a in neighbours[u] for b in neighbours[v] if position.get(a, 0) > position.get(b, 0))


def _crossings(rows: list[list[int]], down: list[list[int]]) -> int:
    """Edge crossings between neighbouring layers, counted as inversions of the lower ends."""
    total = 0
    for upper, lower in zip(rows, rows[1:], strict=False):
        position = {v: i for i, v in enumerate(lower)}
        ends = [position[t] for v in upper for t in sorted(down[v], key=lambda t: position.get(t, 0))]
        total += _inversions(ends)
    return total


def _inversions(values: list[int]) -> int:
    """Pairs out of order, by merge sort, so big layers stay fast."""
    if len(values) < 2:
        return 0
    middle = len(values) // 2
    left, right = sorted(values[:middle]), sorted(values[middle:])
    count = _inversions(values[:middle]) + _inversions(values[middle:])
    j = 0
    for value in left:
        while j < len(right) and right[j] < value:
            j += 1
        count += j
    return count


def place_columns(
    rows: list[list[int]], up: list[list[int]], down: list[list[int]], width: list[float]
) -> dict[int, float]:
    """Horizontal centres: each vertex pulled towards its neighbours, keeping the order and the gaps."""
    x: dict[int, float] = {}
    for row in rows:
        cursor = 0.0
        for vertex in row:
            x[vertex] = cursor + width[vertex] / 2
            cursor += width[vertex] + GAP_X
    widest = max((x[row[-1]] + width[row[-1]] / 2 for row in rows if row), default=0.0)
    for row in rows:  # centre each layer under the widest one to start from
        if row:
            offset = (widest - (x[row[-1]] + width[row[-1]] / 2)) / 2
            for vertex in row:
                x[vertex] += offset
    for _ in range(3):
        for number in range(1, len(rows)):
            _pull(rows[number], up, x, width)
        for number in range(len(rows) - 2, -1, -1):
            _pull(rows[number], down, x, width)
    return x


def _pull(row: list[int], neighbours: list[list[int]], x: dict[int, float], width: list[float]) -> None:
    """Move a layer's vertices to the mean of their neighbours, then undo overlaps from both sides."""
    wanted = [sum(x[n] for n in neighbours[v]) / len(neighbours[v]) if neighbours[v] else x[v] for v in row]
    forward = wanted[:]
    for i in range(1, len(row)):
        gap = (width[row[i - 1]] + width[row[i]]) / 2 + GAP_X
        forward[i] = max(forward[i], forward[i - 1] + gap)
    backward = wanted[:]
    for i in range(len(row) - 2, -1, -1):
        gap = (width[row[i]] + width[row[i + 1]]) / 2 + GAP_X
        backward[i] = min(backward[i], backward[i + 1] - gap)
    for i, vertex in enumerate(row):
        x[vertex] = (forward[i] + backward[i]) / 2  # both keep the gaps, so their mean does too
