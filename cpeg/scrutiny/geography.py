"""Which borough a published stop and search point falls in.

Boundaries: ``reference/london-boroughs-excluding-mhw-wgs84.geojson`` (GLA
London Datastore, Statistical GIS Boundary Files for London; Open Government
Licence; see reference/README.md). Every point of a file is tested at once
(numpy arrays, prepared polygons; no point objects are made). The boundaries exclude the tidal Thames, so
a point mid-river is in no borough: such points (and points outside London)
are counted as "located outside every borough", never guessed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
import shapely

BOUNDARIES = Path(__file__).resolve().parent / "reference" / "london-boroughs-excluding-mhw-wgs84.geojson"


@cache
def _boroughs() -> tuple[tuple, np.ndarray, tuple[str, ...]]:
    """The borough polygons (prepared), their bounding boxes as an array
    (one row of min x, min y, max x, max y each), and each one's ONS code."""
    with BOUNDARIES.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    codes, shapes = [], []
    for feature in collection["features"]:
        codes.append(feature["properties"]["GSS_CODE"])
        shapes.append(shapely.geometry.shape(feature["geometry"]))
    shapely.prepare(shapes)
    return tuple(shapes), shapely.bounds(shapes), tuple(codes)


def ons_codes_for_points(longitudes: list[float], latitudes: list[float]) -> list[str | None]:
    """The ONS code of the borough each (longitude, latitude) falls in, or None.

    Vectorised over numpy arrays, with no point objects made: for each of the
    33 boroughs, its bounding box picks the candidate points and
    ``shapely.contains_xy`` (the polygon prepared) tests them all at once. A
    point on a boundary line is in neither borough's interior; such points
    are vanishingly rare in published "on or near" points and count as
    outside every borough rather than being guessed.
    """
    if not longitudes:
        return []
    shapes, bounds, codes = _boroughs()
    xs = np.asarray(longitudes, dtype=float)
    ys = np.asarray(latitudes, dtype=float)
    found = np.full(len(xs), -1)
    for index, (shape, (min_x, min_y, max_x, max_y)) in enumerate(zip(shapes, bounds, strict=True)):
        (candidates,) = np.nonzero((xs >= min_x) & (xs <= max_x) & (ys >= min_y) & (ys <= max_y))
        if len(candidates):
            inside = shapely.contains_xy(shape, xs[candidates], ys[candidates])
            found[candidates[inside]] = index
    lookup = (*codes, None)  # index -1 is no borough
    return [lookup[index] for index in found.tolist()]
