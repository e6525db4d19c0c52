"""How the local indexes apply Filters: by how much of the index they keep.

A narrow filter (at most NARROW_PASSAGES passages, as estimated from the share of articles it keeps) is
applied by listing the passages it keeps, cheap then, and searching among them: FAISS over all of them (an IVF
base reads their codes by id), BM25 within the match budget counted in their rows. Listing those of a
wide one would cost more than the search (half a million ids for a filter keeping half of a million
passages), and most candidates pass it anyway: the index searches as without a filter, asking for more
candidates (k / share, and a margin), keeps those whose article passes, and asks for twice as many while
too few pass; a search that would ask for more than WIDEST times k lists the passages after all.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from qa.backends.local.store import Store
from qa.records import Filters

NARROW_PASSAGES = 20_000  # a filter keeping at most this many passages is applied by listing them
MARGIN = 1.5  # candidates asked for beyond k / share, as a factor: most first asks are enough
WIDEST = 32  # times k: the most candidates a wide search asks for before listing the passages

Ranked = list[tuple[int, float]]


def filtered_search(
    store: Store,
    filters: Filters,
    k: int,
    search: Callable[[int], Ranked],
    search_among: Callable[[list[int]], Ranked],
    narrow_passages: int = NARROW_PASSAGES,
) -> Ranked:
    """The k best (passage id, score) pairs of the passages the filters let through, best first.

    search(limit) ranks the `limit` best passages of the whole index (fewer only when it has no more to
    give); search_among(ids) ranks the k best of the given passages.
    """
    if not filters:
        return search(k)
    share = store.filter_share(filters)
    if share * store.passage_count() > narrow_passages:
        limit = math.ceil(MARGIN * k / share)
        while limit <= WIDEST * k:
            found = search(limit)
            kept = store.passing([i for i, _ in found], filters)
            ranked = [pair for pair in found if pair[0] in kept]
            if len(ranked) >= k or len(found) < limit:
                return ranked[:k]
            limit *= 2
    among = store.filtered_passages(filters)
    return search_among(among) if among else []
