"""Regions as English readers see them: the Chinese name with its English reading beside it
(南昌县 (Nanchang County)); Chinese pages show the name alone."""

from __future__ import annotations

from django import template

from techtransfer.core.forms import region_full_label, region_label
from techtransfer.core.models import Region

register = template.Library()


@register.filter
def region_shown(region: Region | None) -> str:
    """南昌县, or on English pages 南昌县 (Nanchang County); "" for no region (None, a missing variable)."""
    return region_label(region) if isinstance(region, Region) else ""


@register.filter
def region_full_shown(region: Region | None) -> str:
    """江西省南昌市南昌县, or on English pages 江西省南昌市南昌县 (Nanchang County, Nanchang City,
    Jiangxi Province); "" for no region."""
    return region_full_label(region) if isinstance(region, Region) else ""
