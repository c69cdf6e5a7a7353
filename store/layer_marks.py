"""Which claims each layer of a picture stands on, as a mark alike in any process.

Per layer, the XOR of each open claim id's digest: the same claims give the same mark in
any process and any store (a claim never changes); a claim added, replaced or closed
changes it. What is built from a layer is remembered across starts by it
(layers/built_files.py). A picture brought forward changes only its touched things' part.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from store.picture import Picture

__all__ = ["claim_mark", "layer_marks"]


def claim_mark(claim_id: str) -> int:
    """A claim id's 128-bit digest: ids written together differ in a counter only, and
    XOR-ing them as they are would cancel out."""
    return int.from_bytes(hashlib.blake2b(claim_id.encode(), digest_size=16).digest(), "big")


def layer_marks(picture: Picture) -> dict[str, int]:
    """The marks of `picture`'s layers, from the picture before it where it has them."""
    earlier = picture.earlier
    held = earlier.__dict__.get("layer_marks") if earlier is not None else None
    if held is None or picture.touched is None or earlier is None:
        marks: dict[str, int] = {}
        for head in picture.heads.values():
            if head.claim_id not in picture.closed:
                marks[head.layer] = marks.get(head.layer, 0) ^ claim_mark(head.claim_id)
        return marks
    marks = dict(held)
    for feature_id in picture.touched:  # out with the claim before, in with the claim now
        for one in (earlier, picture):
            head = one.heads.get(feature_id)
            if head is not None and head.claim_id not in one.closed:
                marks[head.layer] = marks.get(head.layer, 0) ^ claim_mark(head.claim_id)
    return marks
