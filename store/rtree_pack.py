"""An SQLite R-tree built whole, packed, instead of one insert at a time.

SQLite's R*-tree inserts a box at about 10 µs here (each insert rewrites a node and may
split or reinsert), so the R-tree of 100,000 imported points cost more than the claims
themselves. GDAL builds a GeoPackage's R-tree in bulk for the same reason when it
creates one; this does the same for an import that at least doubles the claims.

The tree is packed Sort-Tile-Recursive (Leutenegger et al., 1997) and written into the
virtual table's three shadow tables in the layout SQLite's rtree.c reads and documents:
- `<name>_node(nodeno, data)`: each node a blob of the tree's node size, a 2-byte depth
  (kept in the root, node 1), a 2-byte cell count, then cells of a 64-bit id and the
  box as 32-bit floats (minx, maxx, miny, maxy), all big-endian;
- `<name>_rowid(rowid, nodeno)`: each entry's leaf;
- `<name>_parent(nodeno, parentnode)`: each node's parent, the root excepted.
Boxes are rounded outward to 32-bit floats exactly as rtree.c rounds them, so the tree
holds what SQLite's own inserts would hold (tests/test_rtree_pack.py compares the two,
and SQLite's `rtreecheck` checks the structure).
"""

from __future__ import annotations

import math

import numpy as np
from sqlalchemy import Connection

__all__ = ["pack_rtree"]

# Nodes are packed to about the fill SQLite's own inserts leave (70 %), not full: later
# inserts into full nodes would split nearly every one (100,000 inserts after a full
# pack took 2.1 s, after a 70 % pack 1.4 s, after SQLite's own inserts 1.7 s).
FILL = 0.7
_CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])
# rtree.c's RNDTOWARDS and RNDAWAY: one step of a 32-bit float's mantissa.
_TOWARDS = 1.0 - 1.0 / 8388608.0
_AWAY = 1.0 + 1.0 / 8388608.0


def _down(values: np.ndarray) -> np.ndarray:
    """rtree.c's rtreeValueDown: a float no greater than each value."""
    rounded = values.astype(np.float32)
    over = rounded.astype(np.float64) > values
    scale = np.where(values < 0, _AWAY, _TOWARDS)
    return np.where(over, (values * scale).astype(np.float32), rounded)


def _up(values: np.ndarray) -> np.ndarray:
    """rtree.c's rtreeValueUp: a float no smaller than each value."""
    rounded = values.astype(np.float32)
    under = rounded.astype(np.float64) < values
    scale = np.where(values < 0, _TOWARDS, _AWAY)
    return np.where(under, (values * scale).astype(np.float32), rounded)


def _packed_order(boxes: np.ndarray, per_node: int) -> np.ndarray:
    """Sort-Tile-Recursive: the entries' order, whose consecutive runs of `per_node` are
    the nodes (slabs by x, each a whole number of nodes, sorted by y within)."""
    count = len(boxes)
    slab = math.ceil(math.sqrt(math.ceil(count / per_node))) * per_node
    centre_x = boxes[:, 0] + boxes[:, 1]
    centre_y = boxes[:, 2] + boxes[:, 3]
    by_x = np.argsort(centre_x, kind="stable")
    return np.concatenate([part[np.argsort(centre_y[part], kind="stable")]
                           for part in np.array_split(by_x, range(slab, count, slab))])


def pack_rtree(conn: Connection, name: str, ids: np.ndarray, boxes: np.ndarray) -> None:
    """Rebuild R-tree `name` to hold its entries and these: `ids` (int64) with `boxes`
    (minx, maxx, miny, maxy as float64). Inside the caller's transaction."""
    node_size = int(conn.exec_driver_sql(
        f'SELECT length(data) FROM "{name}_node" WHERE nodeno = 1').scalar())
    per_node = int((node_size - 4) // _CELL.itemsize * FILL)
    stored = np.array(conn.exec_driver_sql(
        f'SELECT id, minx, maxx, miny, maxy FROM "{name}"').all(), dtype=np.float64)
    stored = stored.reshape(-1, 5)
    ids = np.concatenate([stored[:, 0].astype(np.int64), ids.astype(np.int64)])
    boxes = np.concatenate([stored[:, 1:], np.column_stack([
        _down(boxes[:, 0]), _up(boxes[:, 1]), _down(boxes[:, 2]), _up(boxes[:, 3])])])
    for table in ("node", "rowid", "parent"):
        conn.exec_driver_sql(f'DELETE FROM "{name}_{table}"')
    nodes: list[tuple[int, bytes]] = []
    links: list[tuple[np.ndarray, np.ndarray]] = []  # (children, their node), by level
    level_ids, level_boxes, next_node = ids, boxes.astype(np.float32), 2
    while len(level_ids) > per_node:
        order = _packed_order(level_boxes.astype(np.float64), per_node)
        level_ids, level_boxes = level_ids[order], level_boxes[order]
        starts = np.arange(0, len(order), per_node)
        numbers = np.arange(next_node, next_node + len(starts), dtype=np.int64)
        next_node += len(starts)
        nodes.extend(zip(numbers.tolist(), _node_blobs(0, level_ids, level_boxes, starts,
                                                       node_size), strict=True))
        links.append((level_ids, np.repeat(numbers, np.diff(starts, append=len(order)))))
        level_ids = numbers
        level_boxes = np.column_stack([np.minimum.reduceat(level_boxes[:, 0], starts),
                                       np.maximum.reduceat(level_boxes[:, 1], starts),
                                       np.minimum.reduceat(level_boxes[:, 2], starts),
                                       np.maximum.reduceat(level_boxes[:, 3], starts)])
    nodes.extend(zip([1], _node_blobs(len(links), level_ids, level_boxes, np.array([0]),
                                      node_size), strict=True))
    links.append((level_ids, np.ones(len(level_ids), dtype=np.int64)))
    conn.exec_driver_sql(f'INSERT INTO "{name}_node" (nodeno, data) VALUES (?, ?)', nodes)
    # The first level's children are entries (their leaf, in _rowid); the others' are
    # nodes (their parent, in _parent).
    for level, (children, node) in enumerate(links):
        if len(children):
            table, columns = (("rowid", "rowid, nodeno") if level == 0 else
                              ("parent", "nodeno, parentnode"))
            conn.exec_driver_sql(f'INSERT INTO "{name}_{table}" ({columns}) VALUES (?, ?)',
                                 list(zip(children.tolist(), node.tolist(), strict=True)))


def _node_blobs(depth: int, ids: np.ndarray, boxes: np.ndarray, starts: np.ndarray,
                size: int) -> list[bytes]:
    """The node blobs of consecutive runs of cells beginning at `starts`."""
    cells = np.empty(len(ids), dtype=_CELL)
    cells["id"], cells["box"] = ids, boxes
    data, width = cells.tobytes(), _CELL.itemsize
    blobs = []
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(ids)], strict=True):
        blob = (depth.to_bytes(2, "big") + (end - start).to_bytes(2, "big")
                + data[start * width:end * width])
        blobs.append(blob + bytes(size - len(blob)))
    return blobs
