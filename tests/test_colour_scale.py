"""The saturation colour scale reads in greyscale and for colour-blind readers.

Lightness is CIELAB L* computed from sRGB (IEC 61966-2-1 transfer curve,
D65 white), written out here rather than taken from a colour library. The
deuteranopia simulation is the severity-1.0 matrix of Machado, Oliveira and
Fernandes (IEEE Trans Vis Comput Graph. 2009;15(6):1291-1298.
doi:10.1109/TVCG.2009.113), applied to linear RGB.
"""

import numpy as np
import pytest

from ecmolib import plotting

# sRGB (linear) -> CIE XYZ, D65.
_RGB_TO_XYZ = np.array([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])
# Machado et al. (2009), deuteranomaly at severity 1.0 (deuteranopia), linear RGB.
_DEUTERANOPIA = np.array([
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
])
_PROTANOPIA = np.array([
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
])


def _linear(rgb):
    rgb = np.asarray(rgb, dtype=float)[..., :3]
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def lightness(rgb, simulate=None):
    """CIELAB L* (0..100) of sRGB colours (values 0..1), optionally as a dichromat sees them."""
    lin = _linear(rgb)
    if simulate is not None:
        lin = np.clip(lin @ simulate.T, 0.0, 1.0)
    y = (lin @ _RGB_TO_XYZ.T / _WHITE_D65)[..., 1]
    f = np.where(y > (6 / 29) ** 3, np.cbrt(y), y / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116.0 * f - 16.0


def test_lightness_formula_on_known_colours():
    # White 100, black 0, mid grey (sRGB 119) about 50, pure red 53.2, pure blue 32.3.
    got = lightness([[1, 1, 1], [0, 0, 0], [119 / 255] * 3, [1, 0, 0], [0, 0, 1]])
    assert got == pytest.approx([100.0, 0.0, 50.0, 53.24, 32.30], abs=0.1)


#: Every whole per cent the scale spans (the colour map has 256 entries, about
#: four per point of saturation, so neighbours here are distinct colours).
SATURATIONS = np.arange(round(plotting.SO2_NORM.vmin * 100), round(plotting.SO2_NORM.vmax * 100) + 1) / 100


@pytest.mark.parametrize("simulate", [None, _DEUTERANOPIA, _PROTANOPIA], ids=["normal", "deuteranopia", "protanopia"])
def test_lightness_rises_strictly_with_saturation(simulate):
    colours = np.array([plotting.so2_color(s) for s in SATURATIONS])
    L = lightness(colours, simulate)
    assert np.all(np.diff(L) > 0), f"L* not strictly rising: min step {np.diff(L).min():.3f}"
    # And between every two neighbouring entries of the colour map.
    L_map = lightness(plotting.SO2_CMAP(np.arange(plotting.SO2_CMAP.N)), simulate)
    assert np.all(np.diff(L_map) > 0)


def test_clinical_saturations_differ_in_greyscale():
    # 72 % (a VV patient's arterial blood) and 97 % (post-oxygenator) must
    # not be the same grey: at least 15 L* apart (the old scale: 35 vs 38).
    l72, l97 = lightness([plotting.so2_color(0.72), plotting.so2_color(0.97)])
    assert l97 - l72 >= 15.0, f"L* {l72:.1f} at 72 % vs {l97:.1f} at 97 %"
    d72, d97 = lightness([plotting.so2_color(0.72), plotting.so2_color(0.97)], _DEUTERANOPIA)
    assert d97 - d72 >= 15.0
