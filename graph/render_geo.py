"""Great-circle lines for the map, split where they cross the antimeridian.

A straight line on a Web-Mercator map between Lille and Quito is not the route the eye
expects; the great circle is. Leaflet draws a segment from 179° to -179° across the whole
world, so a line that crosses the antimeridian is cut there into a MultiLineString.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

Coord = list[float]


def great_circle(lon1: float, lat1: float, lon2: float, lat2: float, *, step_deg: float = 3.0) -> list[list[Coord]]:
    """Points along the great circle from (lon1, lat1) to (lon2, lat2), as one or more segments.

    About one point every ``step_deg`` degrees of arc (at least 2, at most 64); segments are
    split at ±180° longitude with the crossing point interpolated on both sides.
    """
    p1, p2 = _vector(lon1, lat1), _vector(lon2, lat2)
    dot = max(-1.0, min(1.0, sum(a * b for a, b in zip(p1, p2, strict=True))))
    angle = math.acos(dot)
    if angle < 1e-9:
        return [[[lon1, lat1], [lon2, lat2]]]
    if math.pi - angle < 1e-6:  # antipodes: every great circle joins them; draw the direct one
        return split_antimeridian([[lon1, lat1], [lon2, lat2]])
    n = max(2, min(64, math.ceil(math.degrees(angle) / step_deg) + 1))
    sin_angle = math.sin(angle)
    points: list[Coord] = []
    for i in range(n):
        f = i / (n - 1)
        a = math.sin((1 - f) * angle) / sin_angle
        b = math.sin(f * angle) / sin_angle
        x, y, z = (a * u + b * v for u, v in zip(p1, p2, strict=True))
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        lon = math.degrees(math.atan2(y, x))
        points.append([round(lon, 3), round(lat, 3)])
    points[0], points[-1] = [lon1, lat1], [lon2, lat2]
    return split_antimeridian(points)


def split_antimeridian(points: list[Coord]) -> list[list[Coord]]:
    """Cut a polyline wherever two consecutive points are more than 180° of longitude apart."""
    segments: list[list[Coord]] = [[points[0]]]
    for prev, cur in pairwise(points):
        dlon = cur[0] - prev[0]
        if abs(dlon) > 180:
            edge = 180.0 if prev[0] > 0 else -180.0
            shifted = cur[0] + (360 if dlon < 0 else -360)
            span = shifted - prev[0]
            f = (edge - prev[0]) / span if span else 0.5
            lat = round(prev[1] + f * (cur[1] - prev[1]), 3)
            segments[-1].append([edge, lat])
            segments.append([[-edge, lat]])
        segments[-1].append(cur)
    return [s for s in segments if len(s) >= 2]


def line_geometry(segments: list[list[Coord]]) -> dict[str, Any]:
    """A GeoJSON LineString for one segment, a MultiLineString for several."""
    if len(segments) == 1:
        return {"type": "LineString", "coordinates": segments[0]}
    return {"type": "MultiLineString", "coordinates": segments}


def _vector(lon: float, lat: float) -> tuple[float, float, float]:
    la, lo = math.radians(lat), math.radians(lon)
    return (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))
