"""Which borough a published stop and search point falls in.

Boundaries: ``reference/london-boroughs-excluding-mhw-wgs84.geojson`` (GLA
London Datastore, Statistical GIS Boundary Files for London; Open Government
Licence; see reference/README.md). Every point of a part of a file is tested
at once (an STRtree for the candidates, prepared polygons for the test). The boundaries exclude the tidal Thames, so
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
def _boroughs() -> tuple[np.ndarray, shapely.STRtree, tuple[str, ...]]:
    """The borough polygons (prepared), an STRtree of them, and each one's
    ONS code."""
    with BOUNDARIES.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    codes, shapes = [], []
    for feature in collection["features"]:
        codes.append(feature["properties"]["GSS_CODE"])
        shapes.append(shapely.geometry.shape(feature["geometry"]))
    shapes = np.array(shapes, dtype=object)
    shapely.prepare(shapes)
    return shapes, shapely.STRtree(shapes), tuple(codes)


def ons_codes_for_points(longitudes, latitudes) -> list[str | None]:
    """The ONS code of the borough each (longitude, latitude) falls in, or None.

    Vectorised, in two calls however many points: the STRtree gives each
    point the boroughs whose bounding boxes hold it, and
    ``shapely.contains_xy`` tests every such (borough, point) pair against
    the prepared polygons at once. A point on a boundary line is in neither
    borough's interior; such points are vanishingly rare in published "on or
    near" points and count as outside every borough rather than being
    guessed.
    """
    if not len(longitudes):
        return []
    shapes, tree, codes = _boroughs()
    xs = np.asarray(longitudes, dtype=float)
    ys = np.asarray(latitudes, dtype=float)
    points, candidates = tree.query(shapely.points(xs, ys))
    inside = shapely.contains_xy(shapes[candidates], xs[points], ys[points])
    found = np.full(len(xs), -1)
    found[points[inside]] = candidates[inside]
    lookup = (*codes, None)  # index -1 is no borough
    return [lookup[index] for index in found.tolist()]


def borough_ids_for_points(latitude: np.ndarray, longitude: np.ndarray, borough_ids: dict[str, int]) -> np.ndarray:
    """Each point's borough id (``borough_ids`` by ONS code), 0 for none;
    each distinct point (as a complex number, latitude + i longitude, for a
    quick sort) placed once."""
    points, place = np.unique(latitude + 1j * longitude, return_inverse=True)
    codes = ons_codes_for_points(points.imag, points.real)
    return np.asarray([borough_ids.get(code, 0) for code in codes], dtype=np.int64)[place.reshape(-1)]
