"""Which borough a published stop and search point falls in.

Boundaries: ``reference/london-boroughs-excluding-mhw-wgs84.geojson`` (GLA
London Datastore, Statistical GIS Boundary Files for London; Open Government
Licence; see reference/README.md). shapely's STRtree answers every point of
a file in one vectorised query. The boundaries exclude the tidal Thames, so
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
def _index() -> tuple[shapely.STRtree, tuple[str, ...]]:
    """The borough polygons in an STRtree, and each one's ONS code."""
    with BOUNDARIES.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    codes, shapes = [], []
    for feature in collection["features"]:
        codes.append(feature["properties"]["GSS_CODE"])
        shapes.append(shapely.geometry.shape(feature["geometry"]))
    shapely.prepare(shapes)
    return shapely.STRtree(shapes), tuple(codes)


def ons_codes_for_points(longitudes: list[float], latitudes: list[float]) -> list[str | None]:
    """The ONS code of the borough each (longitude, latitude) falls in, or None."""
    result: list[str | None] = [None] * len(longitudes)
    if not longitudes:
        return result
    tree, codes = _index()
    xs = np.asarray(longitudes, dtype=float)
    ys = np.asarray(latitudes, dtype=float)
    # The tree gives the polygons whose bounding box holds each point; each
    # polygon (prepared) then tests its candidates at once. Faster than the
    # tree's own "within" predicate, which tests the points one by one.
    point_idx, shape_idx = tree.query(shapely.points(xs, ys))
    found = np.full(len(xs), -1)
    for shape in np.unique(shape_idx):
        candidates = point_idx[shape_idx == shape]
        inside = shapely.contains_xy(tree.geometries[shape], xs[candidates], ys[candidates])
        found[candidates[inside]] = shape
    for point, shape in enumerate(found.tolist()):
        if shape >= 0:
            result[point] = codes[shape]
    return result
