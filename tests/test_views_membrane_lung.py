"""Lesson 02 (membrane lung): the claims the lesson's figures rest on.

tests/test_views.py already drives every slider of every explorer to both
ends; here: the physics each figure is meant to show (so a model change that
breaks a sentence of the lesson breaks a test), the explorers with the
paediatric and neonatal devices, the fast update path agreeing with a fresh
draw, and bad input.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ecmolib import blood, oxygenator
from ecmolib.views import membrane_lung as ml

FACTORIES = [ml.rated_flow_explorer, ml.co2_sweep_explorer, ml.two_knobs_explorer, ml.failing_membrane_explorer]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def adult_inlet():
    # Drained blood of an adult on VV ECMO (SO2 70 %, PCO2 50 mmHg) at the
    # ISO 7199 test blood's Hb of 12 g/dL, the blood these claims were stated for.
    return ml.pre_oxygenator_blood(0.70, pco2_mmhg=50.0, hb_g_dl=12.0)


def test_pre_oxygenator_blood_has_the_asked_saturation():
    # Round trip through the dissociation curve: the blood built from an SO2
    # reports that SO2 (the inverse is exact to well under 0.1 mmHg).
    b = ml.pre_oxygenator_blood(np.array([0.45, 0.65, 0.85]), pco2_mmhg=45.0, hb_g_dl=12.0)
    np.testing.assert_allclose(b.so2, [0.45, 0.65, 0.85], atol=1e-6)
    np.testing.assert_allclose(b.pco2_mmhg, 45.0)


def test_rated_flow_figure_iso_blood_crosses_95_percent_at_rated_flow():
    # Definition of rated flow (Fernando et al. 2017, doi:10.1097/MAT.0000000000000616;
    # ISO 7199): the standard venous blood leaves at 95 % at rated flow. The
    # figure's reference curve must pass through it and lie below 95 % above it.
    ox = oxygenator.ADULT
    flows = np.array([0.5 * ox.rated_flow_l_min, ox.rated_flow_l_min, 1.25 * ox.rated_flow_l_min])
    t = ml.rated_flow_table(ox, flows, [0.65], pco2_mmhg=45.0, hb_g_dl=12.0)
    so2 = t.reference.outlet.so2
    assert so2[1] == pytest.approx(0.95, abs=1e-3)  # calibration target; 0.1 % is the printed precision
    assert so2[0] > 0.95 > so2[2]
    # The slider curve at SO2 65 % with the ISO PCO2 and Hb is the same blood.
    np.testing.assert_allclose(t.result.outlet.so2[0], so2, atol=1e-6)


def test_rated_flow_figure_transfer_levels_off_above_rated_flow():
    # Above rated flow the O2 added per minute hardly rises while the outlet
    # desaturates (the membrane works near its ceiling D (Pg - P_in)).
    ox = oxygenator.ADULT
    flows = np.array([0.5, 1.0, 1.25, 1.5]) * ox.rated_flow_l_min
    t = ml.rated_flow_table(ox, flows, [0.65], pco2_mmhg=45.0, hb_g_dl=12.0)
    o2 = t.reference.o2_transfer_ml_min
    assert np.all(np.diff(o2) > 0)
    gain_below = o2[1] / o2[0] - 1.0   # doubling the flow up to rated flow
    gain_above = o2[3] / o2[1] - 1.0   # 1.5 x the flow above it
    assert gain_below > 0.3 and gain_above < 0.05
    d = oxygenator.o2_diffusing_capacity_ml_min_mmhg(ox)
    ceiling = d * (oxygenator.sweep_gas_po2_mmhg(1.0) - float(oxygenator.rated_flow_inlet().po2_mmhg))
    assert np.all(o2 <= ceiling)


def test_more_desaturated_blood_falls_below_95_percent_before_rated_flow():
    ox = oxygenator.ADULT
    t = ml.rated_flow_table(ox, [ox.rated_flow_l_min], [0.55, 0.65, 0.75], pco2_mmhg=45.0, hb_g_dl=12.0)
    s = t.result.outlet.so2[:, 0]
    assert s[0] < 0.95 < s[2]
    assert np.all(np.diff(s) > 0)


def test_co2_rises_with_sweep_and_doubling_gives_less_than_double(adult_inlet):
    ox = oxygenator.ADULT
    sweeps = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    t = ml.co2_sweep_table(ox, [50.0], [4.5], sweeps, inlet_so2=0.70, hb_g_dl=12.0)
    v = t.result.co2_removal_ml_min[0, 0]
    assert np.all(np.diff(v) > 0)
    ratios = v[1:] / v[:-1]
    assert np.all(ratios < 2.0)
    assert np.all(np.diff(ratios) < 0)  # each doubling buys less: the plateau


def test_co2_removal_depends_little_on_blood_flow_and_not_on_fdo2(adult_inlet):
    ox = oxygenator.ADULT
    t = ml.co2_sweep_table(ox, [50.0], [3.0, 6.0], [4.0], inlet_so2=0.70, hb_g_dl=12.0)
    v = t.result.co2_removal_ml_min[0, :, 0]
    assert abs(v[1] / v[0] - 1.0) < 0.10  # doubling the blood flow: under 10 % more CO2
    k = ml.two_knobs_table(ox, adult_inlet, 4.5, [0.21, 0.6, 1.0], [2.0, 8.0])
    for j in range(2):  # FdO2 does not enter the CO2 exchange (by construction of the model)
        np.testing.assert_allclose(k.result.co2_removal_ml_min[:, j], k.result.co2_removal_ml_min[0, j], rtol=1e-12)


def test_two_knobs_fdo2_moves_po2_and_sweep_moves_pco2(adult_inlet):
    ox = oxygenator.ADULT
    k = ml.two_knobs_table(ox, adult_inlet, 4.5, [0.6, 1.0], [2.0, 8.0])
    po2, pco2 = k.result.outlet.po2_mmhg, k.result.outlet.pco2_mmhg
    d_po2_fdo2 = abs(po2[1, 0] - po2[0, 0])
    d_po2_sweep = abs(po2[1, 1] - po2[1, 0])
    d_pco2_sweep = abs(pco2[1, 1] - pco2[1, 0])
    d_pco2_fdo2 = abs(pco2[1, 0] - pco2[0, 0])
    # Sweep moves the PO2 only through the Bohr shift and the dilution of the
    # gas by the CO2 it removes (about 3 % of the gas PO2 at 2 L/min, so
    # about 15 mmHg of 460): FdO2 0.6 -> 1.0 moves it more than 20 times as much.
    assert d_po2_fdo2 > 20 * d_po2_sweep
    assert d_pco2_sweep > 5 * d_pco2_fdo2
    # Directions: more FdO2 -> higher PO2; more sweep -> lower PCO2.
    assert po2[1, 0] > po2[0, 0] and pco2[1, 1] < pco2[1, 0]


def test_failing_membrane_signs(adult_inlet):
    ox = oxygenator.ADULT
    h = np.array([1.0, 0.8, 0.6, 0.4])
    t = ml.membrane_clot_table(ox, adult_inlet, h, blood_flow_l_min=4.5, sweep_l_min=4.0, fdo2=1.0)
    assert np.all(np.diff(t.outlet_po2_mmhg) < 0)
    assert np.all(np.diff(t.outlet_pco2_mmhg) > 0)
    assert np.all(np.diff(t.pressure_drop_mmhg) > 0)
    # Resistance of the open fraction: the drop scales as 1/(open fraction) at fixed flow (model statement).
    np.testing.assert_allclose(t.pressure_drop_mmhg * h, t.pressure_drop_mmhg[0], rtol=1e-12)
    # Post-oxygenator PO2 is the sensitive sign: it falls by more than half
    # while the SO2 still reads 96 % or more (the claim of lesson 02).
    i = 2  # 60 % of the bundle open
    assert t.outlet_po2_mmhg[i] < 0.5 * t.outlet_po2_mmhg[0] and t.outlet_so2[i] > 0.96


def _figure(figsize=None):
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_update_path_shows_what_a_fresh_draw_shows(factory):
    explorer = factory()
    live = _figure()
    explorer.draw(live, **explorer.defaults())
    for setting in explorer.extreme_settings():
        assert explorer.update(live, **setting) == explorer.draw(_figure(), **setting)


SMALL_DEVICES = [
    (oxygenator.PAEDIATRIC, {"blood_flow_l_min": 1.5, "sweep_l_min": 1.5}),
    (oxygenator.NEONATAL, {"blood_flow_l_min": 0.5, "sweep_l_min": 0.5, "inlet_so2": 0.65}),
]


@pytest.mark.parametrize(("device", "scenario"), SMALL_DEVICES, ids=["paediatric", "neonatal"])
@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_explorers_work_for_smaller_devices(factory, device, scenario):
    explorer = factory(device, **scenario)
    fig = _figure()
    numbers = [explorer.draw(fig, **explorer.defaults())]
    numbers += [explorer.update(fig, **setting) for setting in explorer.extreme_settings()]
    fig.canvas.draw()  # renders (log axes, text) without error or warning
    for n in numbers:
        assert all(math.isfinite(v) for v in n.values()), n


def test_factories_reject_bad_input():
    with pytest.raises(ValueError, match="unknown scenario keys"):
        ml.rated_flow_explorer(blood_flow=4.5)
    with pytest.raises(ValueError, match="oxygenator must be"):
        ml.two_knobs_explorer("adult")
    with pytest.raises(ValueError, match="low <= value <= high"):  # 12 L/min is beyond 1.5 x 7 L/min
        ml.rated_flow_explorer(blood_flow_l_min=12.0)


@pytest.mark.parametrize(("factory", "key", "value", "units"), [
    (ml.rated_flow_explorer, "blood_flow_l_min", 11.0, "L/min"),
    (ml.rated_flow_explorer, "inlet_so2", float("nan"), "fraction"),
    (ml.co2_sweep_explorer, "inlet_pco2_mmhg", 120.0, "mmHg"),
    (ml.two_knobs_explorer, "fdo2", 0.1, "fraction"),
    (ml.failing_membrane_explorer, "open_fraction", -0.5, "fraction"),
])
def test_views_reject_values_off_the_slider(factory, key, value, units):
    explorer = factory()
    with pytest.raises(ValueError, match=rf"{key} \[{units}"):
        explorer.draw(plt.figure(), **{**explorer.defaults(), key: value})


def test_schematic_rejects_bad_saturation():
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"outlet_so2 \[fraction"):
        ml.draw_membrane_schematic(ax, inlet_so2=0.7, outlet_so2=1.2, fdo2=1.0, sweep_l_min=4.0,
                                   blood_flow_l_min=4.5)


def test_pre_oxygenator_blood_rejects_bad_input():
    with pytest.raises(ValueError, match=r"so2"):
        ml.pre_oxygenator_blood(1.5, pco2_mmhg=45.0, hb_g_dl=12.0)
    with pytest.raises(ValueError, match=r"hb_g_dl \[g/dL\]"):
        ml.pre_oxygenator_blood(0.7, pco2_mmhg=45.0, hb_g_dl=-1.0)
    assert isinstance(ml.pre_oxygenator_blood(0.7, pco2_mmhg=45.0, hb_g_dl=12.0), blood.BloodGas)


def _png(save):
    import io

    buf = io.BytesIO()
    save(buf)
    buf.seek(0)
    return plt.imread(buf)


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_fast_redraw_gives_the_picture_of_a_full_draw(factory):
    # A live widget figure renders its static part once and then redraws only
    # what the sliders move; the picture must be what a full draw shows
    # (a handful of pixels may differ where a moving line crosses a static
    # label, since moving artists are drawn last).
    explorer = factory()
    live = _figure(explorer.figsize)
    explorer.draw(live, **explorer.defaults())
    setting = list(explorer.extreme_settings())[-1]
    explorer.update(live, **setting)
    fast = _png(live.canvas.print_png)
    full = plt.figure(figsize=explorer.figsize)
    explorer.draw(full, **setting)
    slow = _png(lambda buf: full.savefig(buf, format="png"))
    assert fast.shape == slow.shape
    assert (np.abs(fast - slow) > 0.1).mean() < 1e-3


@pytest.mark.parametrize("dpi", [100.0, 200.0])
@pytest.mark.parametrize(("ha", "va"), [("left", "top"), ("right", "bottom")])
def test_readout_numbers_over_their_labels_read_as_whole_lines(dpi, ha, va):
    # The readouts of the live figures draw labels and units once and redraw
    # only the numbers; drawn together the two must give the pixels of each
    # whole line drawn as one text, at one and two device pixels per CSS pixel.
    from ecmolib.views._readout import Readout

    rows = [("post-oxygenator blood", 0, ""), ("  PO₂", 5, " mmHg"), ("  SO₂", 6, ""), ("", 0, ""),
            ("O₂ added", 5, " mL/min"), ("sweep", 5, " L/min")]
    values = ["428", "100.0%", "285", "4.20"]

    def picture(whole):
        fig = Figure(figsize=(3.0, 2.0), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.axis("off")
        r = Readout(ax, 0.05 if ha == "left" else 0.95, 0.95 if va == "top" else 0.05, rows, fontsize=9.5, ha=ha,
                    va=va, transform=ax.transAxes, box={"facecolor": "white", "edgecolor": "0.7"})
        r.set_values(values)
        if whole:  # each line as one text, the number texts empty
            numbered = iter(zip(r.numbers, values))
            for (label, width, units), static in zip(rows, r.statics):
                if width:
                    number, value = next(numbered)
                    static.set_text(f"{label:<{r._column}}{value:>{width}}{units}")
                    number.set_text("")
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba()).astype(int)

    assert (np.abs(picture(False) - picture(True)).max(axis=2) > 40).sum() == 0
    with pytest.raises(ValueError, match="values must hold 4"):
        Readout(plt.figure().add_subplot(), 0, 0, rows, fontsize=9).set_values(values[:3])
