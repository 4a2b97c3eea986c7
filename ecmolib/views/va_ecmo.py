"""Lesson 05: veno-arterial ECMO, the Harlequin aorta and the loaded left ventricle.

Every number drawn here comes from two models, for the same settings:

* the beat-by-beat circulation (:func:`ecmolib.hemodynamics.simulate`)
  gives the **native output** the heart still ejects against the ECMO flow
  (and the flow the circuit actually drains), the pressures and the left
  ventricle's pressure-volume loop;
* the VA steady state (:func:`ecmolib.va.steady_state`) takes that native
  output and ECMO flow and gives the regional saturations, the mixing zone
  and the O2 delivery.

The heart is a patient in the named condition
``hemodynamics.CONDITIONS["cardiogenic_shock"]`` who recovers along one
slider, ``heart_recovery`` (:func:`heart_settings`).

The pictures:

* :func:`draw_aorta`: the aorta from the valve to the iliac bifurcation
  with its branches, coloured by saturation (left-ventricular blood above
  the mixing zone, ECMO blood below it with femoral return: the Harlequin
  picture), every colour also written as a number.
* :func:`draw_zone_travel`: where the mixing zone sits (valve to
  bifurcation) against the ECMO flow, for the heart on the sliders.
* :func:`draw_lv_loading`: the LV pressure-volume loop and the aortic
  pressure of the shocked heart at the VA flow and vent flow on the
  sliders, against the loop without ECMO.

Explorers (:data:`EXPLORERS`): the Harlequin aorta (ECMO flow, heart
recovery, lung shunt), and LV loading (VA flow, LV vent flow; the
circulation is integrated on release, a fraction of a second per new
setting, and cached).
"""

from __future__ import annotations

import functools
import weakref

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import PercentFormatter
from scipy.interpolate import RegularGridInterpolator

from ecmolib import _validation as _v
from ecmolib import circuit as _circuit
from ecmolib import hemodynamics, plotting, va, widgets
from ecmolib import oxygenator as _oxygenator
from ecmolib import patients as _patients
from ecmolib.views import vv_ecmo as _vv_ecmo
from ecmolib.views._readout import flow_text
from ecmolib.widgets import Explorer, SliderSpec

__all__ = [
    "SCENARIO_HB_G_DL",
    "HEART_CONDITION",
    "default_scenario",
    "SCENARIO",
    "heart_settings",
    "native_output",
    "scenario_state",
    "report",
    "zone_words",
    "draw_aorta",
    "update_aorta",
    "draw_zone_travel",
    "update_zone_travel",
    "harlequin_explorer",
    "cannulation_states",
    "draw_aortas",
    "draw_cannulations",
    "lv_loading",
    "loading_report",
    "draw_lv_loading",
    "update_lv_loading",
    "lv_loading_explorer",
    "EXPLORERS",
]

#: Haemoglobin of the scenario [g/dL]: lesson 04's, defined and sourced
#: there (:data:`ecmolib.views.vv_ecmo.SCENARIO_HB_G_DL`, 12).
SCENARIO_HB_G_DL = _vv_ecmo.SCENARIO_HB_G_DL

#: The heart of the lesson at ``heart_recovery`` 0: the named condition
#: ``hemodynamics.CONDITIONS["cardiogenic_shock"]`` (acute biventricular
#: failure with its compensation; its targets and sources are in
#: :data:`ecmolib.hemodynamics.CONDITION_TARGETS`).
HEART_CONDITION = "cardiogenic_shock"

# The same keywords at full recovery: a normal heart without compensation.
_RECOVERED = {"lv_contractility": 1.0, "rv_contractility": 1.0, "heart_rate_factor": 1.0,
              "systemic_resistance_factor": 1.0, "venoconstriction_fraction": 0.0}

# Grid on which the beat-by-beat model is run for the Harlequin explorer
# (heart recovery x ECMO flow); the native output between its points is
# interpolated linearly. The recoveries are those of the explorer's slider
# (steps of 0.05), so only the flow is interpolated: with 6 recoveries the
# output near the closing aortic valve was off by up to 0.29 L/min
# (recovery 0.05, 4.9 L/min: 0.35 against 0.06), enough to send native
# blood to the coronaries that the model sends ECMO blood to; with 21 the
# largest error found is 0.04 L/min (about 1 s more to build).
_RECOVERY_KNOTS = 21
_FLOW_KNOTS = 8
# Simulated time for which each grid point after the first of a row is run
# on from the previous one (the output settles in a few seconds).
_SETTLE_S = 15.0
# Highest VA flow the beat-by-beat model takes [L/min].
_MAX_FLOW_L_MIN = 15.0
# The lesson's lung failure (see default_scenario).
_SHUNT_FRACTION = 0.7
_FIO2 = 0.5


def default_scenario(patient=_patients.ADULT) -> dict:
    """The lesson's scenario for a patient: cardiogenic shock with injured lungs on femoral VA ECMO.

    A teaching scenario, not a patient:

    * ``ecmo_flow_l_min``: the typical full VA flow for the patient's size
      (:func:`ecmolib.patients.target_ecmo_flow_l_min`, mode ``"va"``; 4.2
      L/min for the 70 kg adult).
    * ``heart_recovery`` 0.25 [fraction]: a quarter of the way from
      :data:`HEART_CONDITION` (0) to a normal heart (1), see
      :func:`heart_settings`: a heart that has begun to eject again.
    * ``shunt_fraction`` 0.7 and ``fio2`` 0.5: lungs injured by pulmonary
      oedema, 70 % of the pulmonary blood flow meeting no ventilated
      alveoli (ASSUMPTION: a value from the severe end of the shunt
      fractions measured in acute lung injury), ventilated with 50 % O2.
    * ``hb_g_dl``: :data:`SCENARIO_HB_G_DL`; ``sweep_l_min`` equal to the
      ECMO flow, of ``fdo2`` 1.0, as in lesson 04.
    * ``cannulation``: ``"femoral"`` (return up the aorta from the
      femoral artery, the common peripheral configuration in adults), or
      ``"carotid"`` below :data:`ecmolib.circuit.NECK_CANNULATION_BELOW_KG`
      (the neck circuit of neonates and small children,
      :func:`ecmolib.circuit.for_patient`).
    * ``oxygenator``: the one sized for VA in this patient
      (:func:`ecmolib.oxygenator.for_patient`).

    Parameters
    ----------
    patient : ecmolib.patients.Patient

    Returns
    -------
    dict
        The settings, keyed as :func:`scenario_state` takes them.

    Examples
    --------
    >>> from ecmolib import patients
    >>> from ecmolib.views.va_ecmo import default_scenario
    >>> s = default_scenario(patients.ADULT)
    >>> round(s["ecmo_flow_l_min"], 2), s["cannulation"], s["heart_recovery"]
    (4.2, 'femoral', 0.25)
    """
    p = _patients._checked(patient)
    flow = _patients.target_ecmo_flow_l_min(p, "va")
    return {
        "ecmo_flow_l_min": flow,
        "heart_recovery": 0.25,
        "shunt_fraction": _SHUNT_FRACTION,
        "fio2": _FIO2,
        "hb_g_dl": SCENARIO_HB_G_DL,
        "fdo2": 1.0,
        "cannulation": _circuit.va_return_site(p),
        "oxygenator": _oxygenator.for_patient(p, "va"),
    }


#: The lesson's default scenario: :func:`default_scenario` of the 70 kg adult.
SCENARIO = default_scenario(_patients.ADULT)


def _scenario(patient, scenario):
    unknown = set(scenario) - set(SCENARIO)
    if unknown:
        raise ValueError(f"unknown scenario keys {sorted(unknown)}; valid keys are {sorted(SCENARIO)}")
    return {**default_scenario(patient), **scenario}


def heart_settings(heart_recovery) -> dict:
    """Keyword settings of :func:`ecmolib.hemodynamics.simulate` for a heart recovering from shock.

    Each setting of :data:`HEART_CONDITION` moves linearly towards a normal
    heart without compensation (contractilities 1, heart rate, resistance
    and venous tone as at rest) as ``heart_recovery`` goes from 0 to 1.
    ASSUMPTION: recovery as one straight line through the condition's
    settings, with the compensation fading as the contractility returns.

    Parameters
    ----------
    heart_recovery : float
        0 the shocked heart, 1 a normal one [fraction]; valid [0, 1].

    Returns
    -------
    dict

    Examples
    --------
    >>> from ecmolib.views.va_ecmo import heart_settings
    >>> round(heart_settings(0.5)["lv_contractility"], 3)
    0.585
    """
    r = _v.scalar("heart_recovery", heart_recovery, "fraction", 0.0, 1.0)
    shock = hemodynamics.CONDITIONS[HEART_CONDITION]
    return {k: (1.0 - r) * shock.get(k, v) + r * v for k, v in _RECOVERED.items()}


@functools.lru_cache(maxsize=8)
def _native_grid(patient, top_flow_l_min):
    """Native output and drained ECMO flow [L/min] over (recovery knots) x (flow knots)."""
    recoveries = np.linspace(0.0, 1.0, _RECOVERY_KNOTS)
    flows = np.linspace(0.0, top_flow_l_min, _FLOW_KNOTS)
    native = np.empty((recoveries.size, flows.size))
    drained = np.empty_like(native)
    for i, rec in enumerate(recoveries):
        state = None
        for j, q in enumerate(flows):
            tr = hemodynamics.simulate(patient, 3.0 if state is None else _SETTLE_S, va_flow_l_min=q,
                                       initial_state=state, **heart_settings(rec))
            state = tr.final_state
            native[i, j] = tr.summary["native_output_l_min"]
            drained[i, j] = tr.summary["ecmo_flow_l_min"]
    return (RegularGridInterpolator((recoveries, flows), native),
            RegularGridInterpolator((recoveries, flows), drained))


def _top_flow(patient, s):
    """Highest set flow of the native-output grid [L/min]: 1.25 x the target, or the scenario's highest flow."""
    q = _v.checked("ecmo_flow_l_min", s["ecmo_flow_l_min"], "L/min", low=0.0, high=_MAX_FLOW_L_MIN)
    return max(1.25 * _patients.target_ecmo_flow_l_min(patient, "va"), float(np.max(q)))


def native_output(patient, heart_recovery, ecmo_flow_l_min, *, top_flow_l_min=None):
    """Native (left-ventricular) output and drained ECMO flow from the beat-by-beat model.

    :func:`ecmolib.hemodynamics.simulate` is run for the heart of
    :func:`heart_settings` on a grid of 21 recoveries x 8 set VA flows (0 to
    ``top_flow_l_min``), each row from its periodic steady state at no flow
    and then 15 s at each higher flow; the values between are linear
    interpolations. The drained flow is below the set flow where the veins
    collapse around the cannula.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
    heart_recovery : float or array_like
        [fraction]; valid [0, 1].
    ecmo_flow_l_min : float or array_like
        Set VA flow [L/min]; valid [0, ``top_flow_l_min``].
    top_flow_l_min : float, optional
        Highest flow of the grid [L/min]; default 1.25 times the patient's
        target VA flow.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Native output and drained ECMO flow [L/min], broadcast shape.
    """
    p = _patients._checked(patient)
    top = 1.25 * _patients.target_ecmo_flow_l_min(p, "va") if top_flow_l_min is None else float(top_flow_l_min)
    r = _v.checked("heart_recovery", heart_recovery, "fraction", low=0.0, high=1.0)
    q = _v.checked("ecmo_flow_l_min", ecmo_flow_l_min, "L/min", low=0.0, high=top)
    try:
        r, q = np.broadcast_arrays(np.asarray(r, float), np.asarray(q, float))
    except ValueError:
        raise ValueError(f"heart_recovery [fraction] and ecmo_flow_l_min [L/min] must broadcast together; "
                         f"got shapes {np.shape(r)} and {np.shape(q)}") from None
    points = np.stack([r.ravel(), q.ravel()], axis=-1)
    native, drained = _native_grid(p, top)
    return native(points).reshape(r.shape), drained(points).reshape(r.shape)


def _state(patient, s, recovery, flow, shunt, *, top):
    """VA steady state for arrays of recovery, set flow and shunt (broadcast), native output from the heart."""
    qn, qd = native_output(patient, recovery, flow, top_flow_l_min=top)
    return va.steady_state(
        patient, np.maximum(qd, 1e-3), native_output_l_min=np.maximum(qn, 0.0), cannulation=s["cannulation"],
        shunt_fraction=shunt, fio2=s["fio2"], fdo2=s["fdo2"], sweep_l_min=flow, hb_g_dl=s["hb_g_dl"],
        oxygenator=s["oxygenator"])


def scenario_state(patient=_patients.ADULT, **settings) -> va.VASteadyState:
    """The VA steady state of the lesson's scenario with some settings changed.

    The native output is the beat-by-beat model's (:func:`native_output`)
    for the scenario's heart and ECMO flow; the rest is
    :func:`ecmolib.va.steady_state`.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
    **settings
        Overrides of :func:`default_scenario`: ``ecmo_flow_l_min`` [L/min],
        ``heart_recovery``, ``shunt_fraction``, ``fio2``, ``fdo2``
        [fractions], ``hb_g_dl`` [g/dL], ``cannulation``, ``oxygenator``.

    Returns
    -------
    ecmolib.va.VASteadyState

    Examples
    --------
    >>> from ecmolib.views import va_ecmo
    >>> r = va_ecmo.scenario_state()
    >>> round(float(r.native_output_l_min), 1), round(float(r.mixing_zone_position), 2)
    (2.2, 0.74)
    """
    p = _patients._checked(patient)
    s = _scenario(p, settings)
    return _state(p, s, s["heart_recovery"], s["ecmo_flow_l_min"], s["shunt_fraction"], top=_top_flow(p, s))


def _numbers(r) -> dict:
    """The key numbers of a (scalar) VA state, keyed with their units."""
    f = float
    share = f(r.ecmo_flow_l_min) / f(r.systemic_flow_l_min)
    return {
        "ecmo_flow_l_min": f(r.ecmo_flow_l_min),
        "native_output_l_min": f(r.native_output_l_min),
        "ecmo_share": share,
        "mixing_zone_position": f(r.mixing_zone_position),
        "coronary_so2": f(r.region_so2["coronary"]),
        "right_radial_so2": f(r.sao2_right_radial),
        "brain_so2": f(r.region_so2["brain"]),
        "lower_body_so2": f(r.region_so2["lower_body"]),
    }


def report(label, patient=_patients.ADULT, **settings) -> va.VASteadyState:
    """Print one line of a scenario state (flows, mixing zone, regional SO2) and return it.

    Examples
    --------
    >>> from ecmolib.views import va_ecmo
    >>> _ = va_ecmo.report("scenario")  # doctest: +ELLIPSIS
    scenario ... native ... L/min  ECMO ...%  zone ...  coronary ...%  R radial ...%  brain ...%  lower body ...%
    """
    r = scenario_state(patient, **settings)
    if np.ndim(r.sao2_right_radial):
        raise ValueError("report prints one state; give scalar settings")
    n = _numbers(r)
    print(f"{str(label):<30s} native {n['native_output_l_min']:4.2f} L/min  ECMO {n['ecmo_share']:4.0%}"
          f"  zone {n['mixing_zone_position']:.2f} ({zone_words(r)})"
          f"  coronary {n['coronary_so2']:4.0%}  R radial {n['right_radial_so2']:4.0%}"
          f"  brain {n['brain_so2']:4.0%}  lower body {n['lower_body_so2']:4.0%}")
    return r


def zone_words(r) -> str:
    """Where the mixing zone of a scalar VA state lies, in words ("arch", "descending thoracic aorta", ...)."""
    zone = getattr(r, "mixing_zone", None)
    if not isinstance(zone, (str, np.str_)) or str(zone) not in _ZONE_WORDS:
        raise ValueError(f"r must be one VA steady state (ecmolib.va.steady_state with scalar settings); "
                         f"got {type(r).__name__}")
    return _ZONE_WORDS[str(zone)]


_ZONE_WORDS = {
    "aortic_root": "aortic root", "ascending_aorta": "ascending aorta", "proximal_arch": "arch",
    "mid_arch": "arch", "distal_arch": "arch", "descending_thoracic": "descending thoracic aorta",
    "abdominal_aorta": "abdominal aorta", "aortic_bifurcation": "bifurcation",
}


# --------------------------------------------------------------------------
# The picture: the aorta and its branches
# --------------------------------------------------------------------------

# Centreline knots (position along the aorta, x, y) in axes data units
# (x 0..10, y 0..10): valve, top of the ascending aorta, the arch as a half
# circle, the diaphragm, the bifurcation (va.SEGMENT_STARTS).
_ARCH_CENTRE, _ARCH_RADIUS = (4.2, 7.0), 1.15
_ASC_X, _DESC_X = _ARCH_CENTRE[0] - _ARCH_RADIUS, _ARCH_CENTRE[0] + _ARCH_RADIUS
_S_ARCH = (va.SEGMENT_STARTS[2], va.SEGMENT_STARTS[5])
_S_DIAPHRAGM = va.SEGMENT_STARTS[6]
_Y_VALVE, _Y_DIAPHRAGM, _Y_BIFURCATION = 5.0, 3.3, 1.1
_N_PIECES = 120


def _centreline(s):
    """(x, y) of the drawn aorta at positions ``s`` (0 valve .. 1 bifurcation)."""
    s = np.asarray(s, dtype=float)
    a0, a1 = _S_ARCH
    theta = np.pi * (1.0 - np.clip((s - a0) / (a1 - a0), 0.0, 1.0))
    x_arch = _ARCH_CENTRE[0] + _ARCH_RADIUS * np.cos(theta)
    y_arch = _ARCH_CENTRE[1] + _ARCH_RADIUS * np.sin(theta)
    y_up = np.interp(s, [0.0, a0], [_Y_VALVE, _ARCH_CENTRE[1]])
    y_down = np.interp(s, [a1, _S_DIAPHRAGM, 1.0], [_ARCH_CENTRE[1], _Y_DIAPHRAGM, _Y_BIFURCATION])
    x = np.where(s < a0, _ASC_X, np.where(s > a1, _DESC_X, x_arch))
    y = np.where(s < a0, y_up, np.where(s > a1, y_down, y_arch))
    return x, y


_S = np.linspace(0.0, 1.0, _N_PIECES + 1)
_XY = np.stack(_centreline(_S), axis=-1)
_PIECES = np.stack([_XY[:-1], _XY[1:]], axis=1)
_MID = 0.5 * (_S[:-1] + _S[1:])


def _branch_s(name, where=0.5):
    i = va.BRANCHES.index(name)
    start = va.SEGMENT_STARTS[i]
    end = va.SEGMENT_STARTS[i + 1] if i + 1 < len(va.SEGMENT_STARTS) else 1.0
    return start + where * (end - start)


# Branches as (origin position, end point, region whose SO2 colours them).
_BRANCH_LINES = {
    "brachiocephalic": (_branch_s("brachiocephalic"), (2.2, 9.1), "right_arm"),
    "left_carotid": (_branch_s("left_carotid"), (4.1, 9.55), "brain"),
    "left_subclavian": (_branch_s("left_subclavian"), (6.1, 9.1), "left_arm"),
    "coeliac": (_S_DIAPHRAGM + 0.02, (6.5, 3.0), "lower_body"),
    "renal": (_S_DIAPHRAGM + 0.07, (6.5, 2.3), "lower_body"),
}
_ILIACS = ((4.3, 0.2), (6.1, 0.2))
# Where the ECMO return is drawn to come from (femoral: below left), and
# where its arrow ends: the ascending aorta, the side of the brachiocephalic
# trunk (axillary: through the right subclavian artery), the top of the
# trunk (carotid).
_ENTRY = {"central": ((_ASC_X - 1.15, 6.1), (_ASC_X - 0.1, 6.4)),
          "axillary": ((1.2, 7.9), (2.62, 8.35)),
          "carotid": ((2.6, 9.8), (2.2, 9.1))}


def _piece_colours(r, index):
    """Colour of each piece of the drawn aorta: native blood above the zone, the other stream below."""
    pos = float(np.asarray(r.mixing_zone_position)[index])
    native = float(np.asarray(r.native_arterial.so2)[index])
    if r.cannulation == "femoral":
        below = float(np.asarray(r.post_oxygenator.so2)[index])
    else:
        below = float(np.asarray(r.region_so2["lower_body"])[index])
    above_rgba, below_rgba = plotting.so2_color(native), plotting.so2_color(below)
    return [above_rgba if m < pos else below_rgba for m in _MID]


def _at(r, index, value):
    return float(np.asarray(value)[index])


def draw_aorta(ax, r: va.VASteadyState, *, index=(), title=None, colorbar=True, fontsize=8.5):
    """Draw the aorta and its branches, coloured by the saturation of the blood in them.

    A schematic, not to scale: the ascending aorta rises from the left
    ventricle, the arch gives off the brachiocephalic trunk (right arm and
    right side of the brain), the left carotid and the left subclavian
    artery, the descending aorta crosses the diaphragm (dashed) and gives
    off the gut and kidney arteries before it divides into the iliac
    arteries. Left-ventricular blood colours the aorta from the valve to
    the mixing zone (the bar and its label), the other stream the rest.
    Each region is labelled with its saturation.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    r : ecmolib.va.VASteadyState
        The state (scalar, or arrays with ``index``).
    index : tuple
        Element of an array state to show.
    title : str, optional
    colorbar : bool
        Draw the saturation colour bar (inside the axes, bottom right).
    fontsize : float
        Size of the labels [pt].

    Returns
    -------
    dict
        The artists by name; pass them to :func:`update_aorta`.
    """
    ax.set_xlim(0.0, 10.0)
    ax.set_ylim(-0.1, 10.1)
    ax.set_aspect("equal")
    ax.axis("off")
    a = {}
    outline = LineCollection(_PIECES, linewidths=17, colors="0.25", capstyle="butt", zorder=1)
    ax.add_collection(outline)
    a["aorta"] = LineCollection(_PIECES, linewidths=13, capstyle="butt", zorder=2)
    ax.add_collection(a["aorta"])
    for name, (s0, end, _region) in _BRANCH_LINES.items():
        x0, y0 = _centreline(s0)
        (a[name],) = ax.plot([x0, end[0]], [y0, end[1]], lw=6, solid_capstyle="round", zorder=0)
    xb, yb = _centreline(1.0)
    a["iliacs"] = [ax.plot([xb, x], [yb, y], lw=8, solid_capstyle="round", zorder=0)[0] for x, y in _ILIACS]
    # Intercostal arteries: short ticks along the descending thoracic aorta.
    for s_i in np.linspace(va.SEGMENT_STARTS[5] + 0.05, _S_DIAPHRAGM - 0.05, 6):
        x, y = _centreline(s_i)
        ax.plot([x + 0.3, x + 0.65], [y, y - 0.08], lw=1.5, color="0.45", zorder=0)
    # Coronary arteries at the root.
    xr, yr = _centreline(0.02)
    a["coronary"] = [ax.plot([xr, xr + dx], [yr, yr - 0.25], lw=3.5, zorder=0)[0] for dx in (-0.55, 0.55)]
    # The left ventricle below the valve.
    a["lv"] = ax.add_patch(mpl.patches.Ellipse((_ASC_X + 0.25, _Y_VALVE - 0.75), 1.5, 1.25, angle=-20,
                                               edgecolor="0.25", zorder=3))
    ax.text(_ASC_X + 0.25, _Y_VALVE - 0.75, "LV", ha="center", va="center", fontsize=10, color="white",
            zorder=4)
    ax.plot([_DESC_X - 1.0, _DESC_X + 1.0], [_Y_DIAPHRAGM] * 2, ls=(0, (4, 3)), lw=1.0, color="0.4", zorder=0)
    ax.text(_DESC_X - 1.05, _Y_DIAPHRAGM, "diaphragm", ha="right", va="center", fontsize=8, color="0.3")
    # The ECMO return (femoral: from below left, into the right iliac artery).
    if r.cannulation == "femoral":
        start, end = (3.0, 0.1), (4.55, 0.45)
    else:
        start, end = _ENTRY[r.cannulation]
    # Plain polygons and lines, not annotation arrows: those re-clip their
    # path on every draw, which cost a live slider about 9 ms.
    a["cannula"] = ax.add_patch(mpl.patches.FancyArrow(
        *start, end[0] - start[0], end[1] - start[1], width=0.14, head_width=0.42, head_length=0.4,
        length_includes_head=True, linewidth=0, zorder=5))
    a.update(_aorta_labels(ax, r.cannulation, fontsize))
    if title:
        ax.set_title(title, fontsize=10)
    if colorbar:  # inside the axes, bottom right, clear of the drawing
        cax = ax.inset_axes([0.9, 0.03, 0.025, 0.17])
        bar = ax.figure.colorbar(mpl.cm.ScalarMappable(norm=plotting.SO2_NORM, cmap=plotting.SO2_CMAP), cax=cax,
                                 format=PercentFormatter(1.0, decimals=0))
        bar.set_ticks([0.4, 0.6, 0.8, 1.0])
        cax.set_title("SO₂", fontsize=8)
        cax.tick_params(labelsize=7.5)
    update_aorta(a, r, index=index)
    return a


def _aorta_labels(ax, cannulation, fontsize):
    """The texts of :func:`draw_aorta` (what each colour is, in numbers) and the mixing zone's bar and label."""
    kw = {"fontsize": fontsize, "zorder": 6}
    a = {"coronary_text": ax.text(_ASC_X - 0.75, _Y_VALVE + 0.25, "", ha="right", va="center", **kw),
         "lv_text": ax.text(_ASC_X - 0.6, _Y_VALVE - 0.8, "", ha="right", va="center", **kw),
         "right_arm_text": ax.text(2.1, 9.25, "", ha="right", va="bottom", **kw),
         "brain_text": ax.text(4.1, 9.7, "", ha="center", va="bottom", **kw),
         "left_arm_text": ax.text(6.2, 9.25, "", ha="left", va="bottom", **kw),
         "lower_body_text": ax.text(6.65, 2.85, "", ha="left", va="center", **kw)}
    if cannulation == "femoral":
        a["ecmo_text"] = ax.text(2.9, 0.55, "", ha="right", va="center", **kw)
    else:
        a["ecmo_text"] = ax.text(0.1, 7.3, "", ha="left", va="top", **kw)
    # The mixing zone: a bar across the aorta and its label in the right margin.
    (a["zone_bar"],) = ax.plot([], [], color="black", lw=2.5, solid_capstyle="butt", zorder=7)
    (a["zone_pointer"],) = ax.plot([], [], color="black", lw=1.1, zorder=7)
    a["zone_text"] = ax.text(7.25, 6.0, "", ha="left", va="center", fontsize=8.5, fontweight="bold", zorder=7)
    return a


def update_aorta(artists, r: va.VASteadyState, *, index=()):
    """Show another state on a picture made by :func:`draw_aorta` (colours, the zone and labels)."""
    a = artists
    at = functools.partial(_at, r, index)
    pieces = _piece_colours(r, index)
    a["aorta"].set_colors(pieces)
    for name, (s0, _end, region) in _BRANCH_LINES.items():
        if region == "brain":  # the left carotid: the blood of the aorta at its origin
            a[name].set_color(pieces[min(int(s0 * _N_PIECES), _N_PIECES - 1)])
        else:
            a[name].set_color(plotting.so2_color(at(r.region_so2[region])))
    for line in a["iliacs"]:
        line.set_color(plotting.so2_color(at(r.region_so2["lower_body"])))
    for line in a["coronary"]:
        line.set_color(plotting.so2_color(at(r.region_so2["coronary"])))
    native_so2 = at(r.native_arterial.so2)
    a["lv"].set_facecolor(plotting.so2_color(native_so2))
    a["coronary_text"].set_text(f"coronaries\n{at(r.region_so2['coronary']):.0%}")
    a["lv_text"].set_text(f"from the lungs\nSO₂ {native_so2:.0%}\n{flow_text(at(r.native_output_l_min))} L/min")
    a["right_arm_text"].set_text(f"right arm\n(right radial)\n{at(r.sao2_right_radial):.0%}")
    a["brain_text"].set_text(f"brain {at(r.region_so2['brain']):.0%}")
    a["left_arm_text"].set_text(f"left arm\n{at(r.region_so2['left_arm']):.0%}")
    a["lower_body_text"].set_text(f"gut, kidneys,\nlegs {at(r.region_so2['lower_body']):.0%}")
    a["ecmo_text"].set_text(f"ECMO {flow_text(at(r.ecmo_flow_l_min))} L/min\nSO₂ {at(r.post_oxygenator.so2):.0%}")
    a["cannula"].set_facecolor(plotting.so2_color(at(r.post_oxygenator.so2)))
    pos = at(r.mixing_zone_position)
    x, y = _centreline(pos)
    x, y = float(x), float(y)
    ds = 1e-3
    xn, yn = (float(v) for v in _centreline(min(pos + ds, 1.0)))
    xp, yp = (float(v) for v in _centreline(max(pos - ds, 0.0)))
    tx, ty = xn - xp, yn - yp
    norm = np.hypot(tx, ty) or 1.0
    nx, ny = -ty / norm * 0.45, tx / norm * 0.45  # across the vessel
    a["zone_bar"].set_data([x - nx, x + nx], [y - ny, y + ny])
    y_text = float(np.clip(y, 4.0, 8.1))
    # A leader line from the label to the bar where it would not cross the
    # aorta (the bar on the descending aorta); higher up the label sits
    # beside the arch on its own.
    descending = pos > _S_ARCH[1]
    a["zone_pointer"].set_data([x + abs(nx) + 0.05, 7.15] if descending else [], [y, y_text] if descending else [])
    a["zone_text"].set_position((7.25, y_text))
    a["zone_text"].set_text(f"mixing\nzone\nat {pos:.0%}" if descending else f"mixing zone\nat {pos:.0%}\n(black bar)")
    return a


# --------------------------------------------------------------------------
# Where the zone travels with the flow
# --------------------------------------------------------------------------

_BANDS = (("ascending aorta\nand arch", 0.0, _S_ARCH[1]), ("descending\nthoracic aorta", _S_ARCH[1], _S_DIAPHRAGM),
          ("abdominal aorta", _S_DIAPHRAGM, 1.0))
_CURRENT = "#762a83"


def draw_zone_travel(ax, flows_l_min, positions, *, i_flow):
    """Mixing-zone position (valve at the top) against the ECMO flow, with the current point."""
    # Band names at the left, the abdominal one at the bottom right: where
    # the curve is not (it starts low in the abdomen and rises with flow).
    for k, (name, lo, hi) in enumerate(_BANDS):
        ax.axhspan(lo, hi, color=("0.93", "0.85", "0.93")[k], zorder=0)
        last = k == len(_BANDS) - 1
        x = flows_l_min[-1] - 0.02 * np.ptp(flows_l_min) if last else flows_l_min[0] + 0.02 * np.ptp(flows_l_min)
        ax.text(x, hi - 0.03 if last else 0.5 * (lo + hi), name, fontsize=8, color="0.3",
                va="bottom" if last else "center", ha="right" if last else "left", zorder=1)
    ax.set_ylim(1.0, 0.0)
    pad = 0.02 * np.ptp(flows_l_min)
    ax.set_xlim(flows_l_min[0] - pad, flows_l_min[-1] + pad)  # room for the marker at either end
    ax.set_xlabel("ECMO flow [L/min]")
    ax.set_ylabel("mixing zone, from the valve [% of the way to the bifurcation]")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    a = {}
    (a["curve"],) = ax.plot(flows_l_min, positions, color="0.2", lw=2.0, zorder=2)
    (a["point"],) = ax.plot([], [], "o", color=_CURRENT, ms=9, zorder=3)
    update_zone_travel(a, flows_l_min, positions, i_flow=i_flow)
    return a


def update_zone_travel(artists, flows_l_min, positions, *, i_flow):
    artists["curve"].set_data(flows_l_min, positions)
    artists["point"].set_data([flows_l_min[i_flow]], [positions[i_flow]])
    return artists


# --------------------------------------------------------------------------
# Explorer: the Harlequin aorta
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _harlequin_table(patient, frozen, flows, recoveries, shunts):
    s = dict(frozen)
    q, rec, sh = np.meshgrid(np.array(flows), np.array(recoveries), np.array(shunts), indexing="ij")
    return _state(patient, s, rec, q, sh, top=_top_flow(patient, s))


def _frozen(patient, scenario):
    return tuple(sorted(_scenario(patient, scenario).items()))


def harlequin_explorer(patient=_patients.ADULT, **scenario) -> Explorer:
    """ECMO flow, heart recovery and lung shunt over the Harlequin aorta and the zone's travel.

    The ECMO flow runs from a quarter to 1.25 times the patient's target VA
    flow, the heart from shock (0) to recovered (1), the shunt from 5 % to
    95 %. The whole grid of states is computed once when the explorer is
    built (the native output from the beat-by-beat model, then one
    vectorised :func:`ecmolib.va.steady_state`), so a slider move only
    recolours the picture.
    """
    p = _patients._checked(patient)
    s = _scenario(p, scenario)
    q0 = float(s["ecmo_flow_l_min"])
    target = _patients.target_ecmo_flow_l_min(p, "va")
    specs = {
        "ecmo_flow_l_min": SliderSpec.anchored("ECMO flow", "L/min", q0, min(0.25 * target, q0), _top_flow(p, s),
                                               widgets.nice_step(target, 30.0)),
        "heart_recovery": SliderSpec("heart recovery from shock", "fraction", 0.0, 1.0,
                                     round(float(s["heart_recovery"]) * 20) / 20, 0.05, ".0%"),
        "shunt_fraction": SliderSpec("lung shunt", "fraction", 0.05, 0.95,
                                     float(np.clip(round(float(s["shunt_fraction"]) * 20) / 20, 0.05, 0.95)), 0.05,
                                     ".0%"),
    }
    grids = {k: sp.grid() for k, sp in specs.items()}
    table = _harlequin_table(p, _frozen(p, scenario), *(tuple(grids[k].tolist()) for k in specs))
    artists = weakref.WeakKeyDictionary()

    def indices(ecmo_flow_l_min, heart_recovery, shunt_fraction):
        return (specs["ecmo_flow_l_min"].index(ecmo_flow_l_min, name="ecmo_flow_l_min"),
                specs["heart_recovery"].index(heart_recovery, name="heart_recovery"),
                specs["shunt_fraction"].index(shunt_fraction, name="shunt_fraction"))

    def numbers(i, j, k):
        return _numbers(_Picked(table, (i, j, k)))

    def draw(fig, ecmo_flow_l_min, heart_recovery, shunt_fraction):
        i, j, k = indices(ecmo_flow_l_min, heart_recovery, shunt_fraction)
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.55, 1.0]})
        fig.subplots_adjust(left=0.0, right=0.98, bottom=0.11, top=0.97, wspace=0.22)
        positions = np.asarray(table.mixing_zone_position)[:, j, k]
        artists[fig] = widgets.live_artists(fig, {
            "aorta": draw_aorta(ax1, table, index=(i, j, k)),
            "travel": draw_zone_travel(ax2, grids["ecmo_flow_l_min"], positions, i_flow=i),
        })
        return numbers(i, j, k)

    def update(fig, ecmo_flow_l_min, heart_recovery, shunt_fraction):
        i, j, k = indices(ecmo_flow_l_min, heart_recovery, shunt_fraction)
        a = artists[fig]
        update_aorta(a["aorta"], table, index=(i, j, k))
        update_zone_travel(a["travel"], grids["ecmo_flow_l_min"], np.asarray(table.mixing_zone_position)[:, j, k],
                           i_flow=i)
        return numbers(i, j, k)

    return Explorer(draw=draw, update=update, specs=specs, figsize=(10.0, 5.3))


class _Picked:
    """One element of an array VA state, with the attributes :func:`_numbers` reads."""

    def __init__(self, r, index):
        self._r, self._i = r, index

    def __getattr__(self, name):
        value = getattr(self._r, name)
        if isinstance(value, dict):
            return {k: np.asarray(v)[self._i] for k, v in value.items()}
        return np.asarray(value)[self._i]



# --------------------------------------------------------------------------
# Three return sites
# --------------------------------------------------------------------------

_SITES = ("femoral", "axillary", "central")
_SITE_TITLES = {"femoral": "femoral return", "axillary": "right axillary return", "central": "central return"}


def cannulation_states(patient=_patients.ADULT, **scenario) -> dict:
    """The scenario's state with femoral, right axillary and central return (same flows and lungs)."""
    return {site: scenario_state(patient, **{**scenario, "cannulation": site}) for site in _SITES}


def draw_aortas(fig, titled_states: dict):
    """One aorta (:func:`draw_aorta`) per state, side by side, titled by the dict's keys."""
    axes = np.atleast_1d(fig.subplots(1, len(titled_states)))
    fig.subplots_adjust(left=0.04, right=0.99, bottom=0.0, top=0.93, wspace=0.02)
    for k, (ax, (title, r)) in enumerate(zip(axes, titled_states.items())):
        draw_aorta(ax, r, title=title, colorbar=k == len(titled_states) - 1,
                   fontsize=7.5 if len(titled_states) > 2 else 8.5)
    return axes


def draw_cannulations(fig, states: dict):
    """The aorta of each state of :func:`cannulation_states`, side by side."""
    return draw_aortas(fig, {_SITE_TITLES[site]: r for site, r in states.items()})


# --------------------------------------------------------------------------
# LV loading in cardiogenic shock
# --------------------------------------------------------------------------

_LOOP_S = 3.0


@functools.lru_cache(maxsize=64)
def _loading(patient, va_flow_l_min, lv_vent_flow_l_min, heart_recovery):
    return hemodynamics.simulate(patient, _LOOP_S, va_flow_l_min=va_flow_l_min, lv_vent_flow_l_min=lv_vent_flow_l_min,
                                 **heart_settings(heart_recovery))


def lv_loading(patient=_patients.ADULT, va_flow_l_min=0.0, lv_vent_flow_l_min=0.0, *,
               heart_recovery=0.0) -> hemodynamics.Trace:
    """The heart at its periodic steady state on a VA flow and a vent.

    Three seconds of :func:`ecmolib.hemodynamics.simulate` for the heart of
    :func:`heart_settings` (default: recovery 0, the named condition
    :data:`HEART_CONDITION` itself), cached by setting.

    Where the LV can barely eject (the shocked heart on full flow, e.g.
    4.2 L/min in the adult) it fills slowly for longer than the simulator's
    600 s warm-up, and the run starts from there (``Trace.steady_state``
    False): after 10 minutes the adult's LVEDP is 38.1 mmHg and the valve
    has not opened; its true steady state, reached within 20 minutes, is
    38.9 mmHg with the valve opening in 6 % of the time, ejecting only its
    bronchial return (0.04 L/min). The lesson shows the 10-minute state.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
    va_flow_l_min : float
        Set VA flow [L/min]; valid [0, 15].
    lv_vent_flow_l_min : float
        Flow drawn from the LV by a vent [L/min]; valid [0, 5].
    heart_recovery : float
        [fraction]; valid [0, 1]. Default 0 (cardiogenic shock).

    Returns
    -------
    ecmolib.hemodynamics.Trace
    """
    p = _patients._checked(patient)
    q = _v.scalar("va_flow_l_min", va_flow_l_min, "L/min", 0.0, _MAX_FLOW_L_MIN)
    v = _v.scalar("lv_vent_flow_l_min", lv_vent_flow_l_min, "L/min", 0.0, 5.0)
    r = _v.scalar("heart_recovery", heart_recovery, "fraction", 0.0, 1.0)
    return _loading(p, round(q, 6), round(v, 6), round(r, 6))


_LOADING_KEYS = ("map_mmhg", "pulse_pressure_mmhg", "aortic_valve_open_fraction", "lv_edp_mmhg", "lv_edv_ml",
                 "mean_pulmonary_venous_pressure_mmhg", "native_output_l_min", "ecmo_flow_l_min")


def _loading_numbers(tr) -> dict:
    return {k: float(tr.summary[k]) for k in _LOADING_KEYS}


def loading_report(label, patient=_patients.ADULT, va_flow_l_min=0.0, lv_vent_flow_l_min=0.0, *,
                   heart_recovery=0.0) -> dict:
    """Print one line of the heart's loading at a VA flow and vent flow (as :func:`lv_loading`); return the numbers."""
    n = _loading_numbers(lv_loading(patient, va_flow_l_min, lv_vent_flow_l_min, heart_recovery=heart_recovery))
    print(f"{str(label):<26s} MAP {n['map_mmhg']:3.0f}  pulse pressure {n['pulse_pressure_mmhg']:4.1f} mmHg  "
          f"valve open {n['aortic_valve_open_fraction']:4.0%}  LVEDP {n['lv_edp_mmhg']:4.1f} mmHg  "
          f"LVEDV {n['lv_edv_ml']:4.0f} mL  PV pressure {n['mean_pulmonary_venous_pressure_mmhg']:4.1f} mmHg  "
          f"native {n['native_output_l_min']:4.2f} L/min")
    return n


def _last_beats(tr, beats=2):
    period = 60.0 / float(tr.summary["heart_rate_bpm"])
    keep = tr.t_s >= tr.t_s[-1] - beats * period
    return keep


def draw_lv_loading(axes, baseline, current):
    """PV loops (left) and aortic and LV pressure (right) of two traces of :func:`lv_loading`."""
    ax1, ax2 = axes
    a = {}
    keep = _last_beats(baseline)
    ax1.plot(baseline.lv_volume_ml[keep], baseline.lv_pressure_mmhg[keep], color="0.6", lw=1.8, ls=(0, (4, 2)),
             label="no ECMO")
    (a["loop"],) = ax1.plot([], [], color=_CURRENT, lw=2.2, label="on the sliders")
    ax1.set_xlabel("LV volume [mL]")
    ax1.set_ylabel("LV pressure [mmHg]")
    ax1.legend(loc="upper left", fontsize=8.5)
    ax1.set_title("LV pressure-volume loop", fontsize=10)
    (a["aortic"],) = ax2.plot([], [], color="black", lw=1.8, label="aortic pressure")
    (a["lv_p"],) = ax2.plot([], [], color=_CURRENT, lw=1.4, ls=(0, (3, 1.5)), label="LV pressure")
    ax2.set_xlabel("time [s]")
    ax2.set_ylabel("pressure [mmHg]")
    ax2.legend(loc="upper right", fontsize=8.5)
    ax2.set_title("pressure, last two beats", fontsize=10)
    a["axes"] = (ax1, ax2)
    update_lv_loading(a, current)
    return a


def update_lv_loading(artists, current):
    keep = _last_beats(current)
    t = current.t_s[keep] - current.t_s[keep][0]
    artists["loop"].set_data(current.lv_volume_ml[keep], current.lv_pressure_mmhg[keep])
    artists["aortic"].set_data(t, current.aortic_pressure_mmhg[keep])
    artists["lv_p"].set_data(t, current.lv_pressure_mmhg[keep])
    return artists


def lv_loading_explorer(patient=_patients.ADULT, **scenario) -> Explorer:
    """VA flow and LV vent sliders over the heart's PV loop and pressures, against the loop without ECMO.

    The heart is the scenario's (:func:`heart_settings` of its
    ``heart_recovery``; 0 is the named condition :data:`HEART_CONDITION`).
    The VA flow slider starts at the scenario's flow and runs from about 0
    to 1.25 times the patient's target VA flow (its grid passes through the
    scenario's flow), the vent from 0 to a quarter of the target. Each new
    setting integrates the circulation to its periodic steady state
    (0.03-0.3 s on a laptop; the sliders update on release) and is cached.
    The axes are fixed from the ends of both sliders, so loops can be
    compared by eye.
    """
    p = _patients._checked(patient)
    s = _scenario(p, scenario)
    recovery = float(s["heart_recovery"])
    q0 = _v.scalar("ecmo_flow_l_min", s["ecmo_flow_l_min"], "L/min", 0.0, _MAX_FLOW_L_MIN)
    target = _patients.target_ecmo_flow_l_min(p, "va")
    specs = {
        "va_flow_l_min": SliderSpec.anchored("VA ECMO flow", "L/min", q0, 0.0, max(1.25 * target, q0),
                                             widgets.nice_step(target, 16.0)),
        "lv_vent_flow_l_min": SliderSpec.anchored("LV vent flow", "L/min", 0.0, 0.0, 0.25 * target,
                                                  widgets.nice_step(0.25 * target, 5.0)),
    }

    def loading(va_flow_l_min, lv_vent_flow_l_min):
        return lv_loading(p, va_flow_l_min, lv_vent_flow_l_min, heart_recovery=recovery)

    corners = [loading(q, v) for q in (0.0, specs["va_flow_l_min"].high)
               for v in (specs["lv_vent_flow_l_min"].low, specs["lv_vent_flow_l_min"].high)]
    v_lo = min(float(tr.lv_volume_ml.min()) for tr in corners)
    v_hi = max(float(tr.lv_volume_ml.max()) for tr in corners)
    p_hi = max(max(float(tr.aortic_pressure_mmhg.max()), float(tr.lv_pressure_mmhg.max())) for tr in corners)
    baseline = corners[0]
    period = 60.0 / float(baseline.summary["heart_rate_bpm"])
    artists = weakref.WeakKeyDictionary()

    def draw(fig, va_flow_l_min, lv_vent_flow_l_min):
        current = loading(va_flow_l_min, lv_vent_flow_l_min)
        axes = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.91, wspace=0.25)
        a = draw_lv_loading(axes, baseline, current)
        pad = 0.05 * (v_hi - v_lo)
        axes[0].set_xlim(v_lo - pad, v_hi + pad)
        axes[0].set_ylim(0.0, 1.1 * p_hi)
        axes[1].set_xlim(0.0, 2.0 * period)
        axes[1].set_ylim(0.0, 1.1 * p_hi)
        artists[fig] = widgets.live_artists(fig, {k: v for k, v in a.items() if k != "axes"})
        return _loading_numbers(current)

    def update(fig, va_flow_l_min, lv_vent_flow_l_min):
        current = loading(va_flow_l_min, lv_vent_flow_l_min)
        update_lv_loading(artists[fig], current)
        return _loading_numbers(current)

    return Explorer(draw=draw, update=update, specs=specs, figsize=(10.0, 4.2), continuous_update=False)


#: The lesson's explorers by name, each callable with no arguments.
EXPLORERS = {
    "05 Harlequin aorta": harlequin_explorer,
    "05 LV loading": lv_loading_explorer,
}
