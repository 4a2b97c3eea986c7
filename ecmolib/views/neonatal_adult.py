"""Lesson 07: the same questions at 3.5 kg and at 70 kg, and at any weight between.

Views only: every number comes from the models. Size, flows, haemoglobin
and P50 from :mod:`ecmolib.patients` (:func:`~ecmolib.patients.for_weight`
for any weight); the circuit, its prime, its operating point and the
haemodilution from :mod:`ecmolib.circuit`; the oxygenator from
:mod:`ecmolib.oxygenator`; the dissociation curve and the venous blood from
:mod:`ecmolib.blood` and :mod:`ecmolib.tissues`; neck against femoral VA
from :mod:`ecmolib.va`; heat from :mod:`ecmolib.thermal`; registry survival
from :mod:`ecmolib.outcomes`.

The comparison follows the scenario: the lesson's patient against the
term neonate (:func:`comparison_for`; against the adult when the patient
is the neonate), and every slider spans the two.

* :func:`compare`: one patient's size, circuit and their consequences
  (:class:`ComparisonResult`); :func:`size_grid` the same over many weights.
* :func:`weight_explorer`: a weight slider (log scale) over panels against
  weight (flows per kg, prime against blood volume, Hb after priming,
  drainage pressure at the target flow, circuit heat loss against metabolic
  heat, cannula sizes); :func:`draw_weight_panels` draws any of them.
* :func:`fetal_hb_explorer`: P50 and arterial PO2 sliders over the
  dissociation curve, with the venous point the body's O2 consumption sets.
* :func:`neck_vs_femoral` and :func:`draw_regions`: regional saturations on
  VA ECMO, neck cannulation in the neonate against femoral in the adult.
* :func:`draw_survival`: ELSO survival by age group and diagnosis.

Each explorer computes its whole slider grid when it is built, so a slider
move only indexes arrays and moves artists.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ecmolib import blood, circuit as _circuit, outcomes, patients as _patients, plotting, thermal, tissues, va
from ecmolib import _validation as _v
from ecmolib.views import circuit_pressures as _circuit_pressures
from ecmolib.widgets import Explorer, SliderSpec, live_artists

__all__ = [
    "BLOOD_PRIME_HB_G_DL",
    "VENOUS_PRESSURE_MMHG",
    "ARTERIAL_PRESSURE_MMHG",
    "VA_SHUNT_FRACTION",
    "VA_FIO2",
    "WEIGHT_MARGIN_FACTOR",
    "comparison_for",
    "ComparisonResult",
    "compare",
    "size_grid",
    "size_table",
    "draw_prime",
    "draw_weight_panels",
    "update_weight_panels",
    "weight_explorer",
    "WEIGHT_PANELS",
    "EXPLORED_PANELS",
    "FetalTable",
    "fetal_table",
    "draw_dissociation",
    "update_dissociation",
    "fetal_hb_explorer",
    "neck_vs_femoral",
    "REGION_LABELS",
    "draw_regions",
    "draw_survival",
    "EXPLORERS",
]

#: Haemoglobin of a blood prime [g/dL]: 12 (ASSUMPTION: packed red cells
#: reconstituted with plasma or albumin to a haematocrit of about 36 %; units
#: differ in what they aim for).
BLOOD_PRIME_HB_G_DL = 12.0

#: Venous (filling) pressure feeding the drainage cannula [mmHg]: 10, the
#: scenario of lessons 00 and 03 (:data:`ecmolib.views.circuit_pressures.SCENARIO`).
VENOUS_PRESSURE_MMHG = _circuit_pressures.SCENARIO["venous_pressure_mmhg"]

#: Pressure at the return cannula tip on VA ECMO [mmHg]: a mean arterial
#: pressure of 70 (the usual target 65-70), the same scenario; the
#: neonate's circuit is run against a lower one (:func:`_arterial_pressure_mmhg`).
ARTERIAL_PRESSURE_MMHG = _circuit_pressures.SCENARIO["arterial_pressure_mmhg"]

#: Mean arterial pressure of a term neonate on day 1 [mmHg]: about 45-50
#: (Kent AL, Kecskes Z, Shadbolt B, Falk MC. Normative blood pressure data
#: in the early neonatal period. Pediatr Nephrol 2007;22:1335-1341,
#: doi:10.1007/s00467-007-0480-8); 45 is used below 10 kg. An assumption
#: of this lesson for the circuit's back-pressure.
_NEONATAL_MAP_MMHG = 45.0

#: Native lungs in the neck-against-femoral comparison: shunt fraction 0.9
#: and FiO2 0.6 (ASSUMPTION: severe respiratory failure on a ventilator,
#: the same for both patients).
VA_SHUNT_FRACTION = 0.9
VA_FIO2 = 0.6

#: How the regions of :func:`ecmolib.va.steady_state` are named in pictures.
REGION_LABELS = {
    "coronary": "coronaries",
    "brain": "brain",
    "right_arm": "right arm",
    "left_arm": "left arm",
    "lower_body": "lower body",
}

_CURRENT = "#762a83"
_OTHER = "#1b7837"
_GREY = "0.55"


def _arterial_pressure_mmhg(patient):
    return _NEONATAL_MAP_MMHG if patient.weight_kg < 10.0 else ARTERIAL_PRESSURE_MMHG


def comparison_for(patient):
    """The patient the lesson compares with: the term neonate, or the adult for the neonate itself.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The scenario's patient.

    Returns
    -------
    ecmolib.patients.Patient
        :data:`ecmolib.patients.NEONATE`, or :data:`ecmolib.patients.ADULT`
        when ``patient`` weighs no more than the neonate.

    Raises
    ------
    ValueError
        If ``patient`` is not a Patient.

    Examples
    --------
    >>> from ecmolib import patients
    >>> comparison_for(patients.ADULT).name, comparison_for(patients.NEONATE).name
    ('Term neonate (3.5 kg)', 'Adult (70 kg)')
    """
    _patients._checked(patient)
    small = _patients.NEONATE
    return _patients.ADULT if patient.weight_kg <= small.weight_kg else small


@dataclass(frozen=True)
class ComparisonResult:
    """One patient's size, VA circuit and what follows from them (every number from the models).

    Attributes
    ----------
    patient : ecmolib.patients.Patient
    circuit : ecmolib.circuit.Circuit
        :func:`ecmolib.circuit.for_patient` (VA).
    ecmo_flow_l_min : float
        Typical full VA support flow [L/min] (:func:`ecmolib.patients.target_ecmo_flow_l_min`).
    prime_ml : float
        The circuit's priming volume [mL] (:func:`ecmolib.circuit.prime_ml`).
    hb_clear_prime_g_dl, hb_blood_prime_g_dl : float
        Hb after the patient's blood mixes with a crystalloid prime and with
        a blood prime [g/dL] (:func:`ecmolib.circuit.hemodilution`).
    rpm : float
        Pump speed that gives the target flow [rev/min]
        (:func:`ecmolib.circuit.speed_for_flow`).
    drainage_pressure_mmhg : float
        Pre-pump pressure at that speed [mmHg]
        (:func:`ecmolib.circuit.operating_point`).
    max_drainage_flow_l_min : float
        Flow above which the drained vein collapses [L/min].
    metabolic_heat_w, heat_loss_w : float
        The body's heat production and the heat the unheated tubing gives
        to the room at the target flow [W] (:mod:`ecmolib.thermal`).
    return_temperature_drop_c : float
        Temperature drop of the blood along the tubing [C].
    """

    patient: object
    circuit: object
    ecmo_flow_l_min: float
    prime_ml: float
    hb_clear_prime_g_dl: float
    hb_blood_prime_g_dl: float
    rpm: float
    drainage_pressure_mmhg: float
    max_drainage_flow_l_min: float
    metabolic_heat_w: float
    heat_loss_w: float
    return_temperature_drop_c: float

    @property
    def prime_fraction(self) -> float:
        """Priming volume / blood volume."""
        return self.prime_ml / self.patient.blood_volume_ml

    @property
    def heat_loss_fraction(self) -> float:
        """Tubing heat loss / metabolic heat production."""
        return self.heat_loss_w / self.metabolic_heat_w

    @property
    def ecmo_flow_ml_kg_min(self) -> float:
        """Target ECMO flow per kg [mL/kg/min]."""
        return 1000.0 * self.ecmo_flow_l_min / self.patient.weight_kg


def _at_flow(c, q, pa, hb):
    """Speed and operating point of circuit ``c`` at flow ``q`` (:func:`ecmolib.circuit.speed_for_flow`)."""
    kw = dict(venous_pressure_mmhg=VENOUS_PRESSURE_MMHG, arterial_pressure_mmhg=pa, hb_g_dl=hb)
    rpm = _circuit.speed_for_flow(c, q, **kw)
    if rpm is None:  # for_patient's circuits reach the target from 2 to 120 kg
        raise ValueError(f"the circuit {c.name!r} cannot deliver {q:.2f} L/min without suction")
    op = _circuit.operating_point(c, rpm, **kw)
    return float(rpm), {"drainage_pressure_mmhg": float(op.drainage_pressure_mmhg),
                        "max_drainage_flow_l_min": float(op.max_drainage_flow_l_min)}


def compare(patient, *, blood_prime_hb_g_dl=BLOOD_PRIME_HB_G_DL, room_temperature_c=thermal.ROOM_TEMPERATURE_C):
    """The patient's VA circuit and its consequences.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The patient.
    blood_prime_hb_g_dl : float, optional
        Hb of a blood prime [g/dL]; valid [0, 25]. Default :data:`BLOOD_PRIME_HB_G_DL`.
    room_temperature_c : float, optional
        Room temperature [C]; valid [10, the patient's temperature). Default
        :data:`ecmolib.thermal.ROOM_TEMPERATURE_C`.

    Returns
    -------
    ComparisonResult

    Raises
    ------
    ValueError
        If an argument is invalid (the models' messages).

    Examples
    --------
    >>> from ecmolib import patients
    >>> c = compare(patients.NEONATE)
    >>> c.circuit.name
    'Neonatal VA (RIJ 12 Fr -> carotid 10 Fr)'
    """
    p = _patients._checked(patient)
    blood_prime_hb_g_dl = _v.scalar("blood_prime_hb_g_dl", blood_prime_hb_g_dl, "g/dL", 0.0, 25.0)
    room_temperature_c = _v.scalar("room_temperature_c", room_temperature_c, "C", 10.0, p.temperature_c,
                                   high_inclusive=False)
    c = _circuit.for_patient(p, "va")
    q = _patients.target_ecmo_flow_l_min(p, "va")
    prime = _circuit.prime_ml(c)
    pa = _arterial_pressure_mmhg(p)
    rpm, op = _at_flow(c, q, pa, p.hb_g_dl)
    heat = thermal.circuit_heat_loss(c, q, blood_temperature_c=p.temperature_c, room_temperature_c=room_temperature_c)
    return ComparisonResult(
        patient=p, circuit=c, ecmo_flow_l_min=float(q), prime_ml=float(prime),
        hb_clear_prime_g_dl=float(_circuit.hemodilution(p, prime)),
        hb_blood_prime_g_dl=float(_circuit.hemodilution(p, prime, prime_hb_g_dl=blood_prime_hb_g_dl)),
        rpm=rpm, drainage_pressure_mmhg=op["drainage_pressure_mmhg"],
        max_drainage_flow_l_min=op["max_drainage_flow_l_min"],
        metabolic_heat_w=float(thermal.metabolic_heat_w(p.vo2_ml_min, p.vco2_ml_min)),
        heat_loss_w=float(heat.heat_loss_w), return_temperature_drop_c=float(heat.temperature_drop_c),
    )


def size_table(patient, comparison=None, *, blood_prime_hb_g_dl=BLOOD_PRIME_HB_G_DL,
               room_temperature_c=thermal.ROOM_TEMPERATURE_C) -> str:
    """A text table of two patients' size, flows and haemoglobin, lighter first.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The scenario's patient.
    comparison : ecmolib.patients.Patient, optional
        The other patient; default :func:`comparison_for`.
    blood_prime_hb_g_dl, room_temperature_c : float, optional
        As for :func:`compare`.

    Returns
    -------
    str
        One column per patient; rows: weight, blood volume, cardiac output,
        VO2, target VA ECMO flow (each also per kg), Hb and P50.

    Raises
    ------
    ValueError
        If an argument is invalid (as for :func:`compare`).
    """
    _patients._checked(patient)
    comparison = comparison_for(patient) if comparison is None else _patients._checked(comparison)
    cs = sorted((compare(p, blood_prime_hb_g_dl=blood_prime_hb_g_dl, room_temperature_c=room_temperature_c)
                 for p in (patient, comparison)), key=lambda c: c.patient.weight_kg)
    rows = [
        ("", lambda c: c.patient.name.split(" (")[0]),
        ("weight [kg]", lambda c: f"{c.patient.weight_kg:.3g}"),
        ("blood volume [mL]", lambda c: f"{c.patient.blood_volume_ml:.0f}"),
        ("  per kg [mL/kg]", lambda c: f"{c.patient.blood_volume_ml_kg:.0f}"),
        ("cardiac output [L/min]", lambda c: f"{c.patient.cardiac_output_l_min:.2f}"),
        ("  per kg [mL/kg/min]", lambda c: f"{c.patient.cardiac_output_ml_kg_min:.0f}"),
        ("VO2 [mL/min]", lambda c: f"{c.patient.vo2_ml_min:.0f}"),
        ("  per kg [mL/kg/min]", lambda c: f"{c.patient.vo2_ml_kg_min:.1f}"),
        ("VA ECMO flow [L/min]", lambda c: f"{c.ecmo_flow_l_min:.2f}"),
        ("  per kg [mL/kg/min]", lambda c: f"{c.ecmo_flow_ml_kg_min:.0f}"),
        ("  / cardiac output", lambda c: f"{c.ecmo_flow_l_min / c.patient.cardiac_output_l_min:.0%}"),
        ("Hb [g/dL]", lambda c: f"{c.patient.hb_g_dl:.1f}"),
        ("P50 [mmHg]", lambda c: f"{c.patient.p50_mmhg:.1f}"),
    ]
    return "\n".join(f"{label:<24s}" + "".join(f"{fmt(c):>14s}" for c in cs) for label, fmt in rows)


def draw_prime(ax, comparisons):
    """The circuit prime against the blood volume, per patient, with the Hb after priming.

    One horizontal pair of bars per patient on a scale of per cent of its
    blood volume: the blood volume (100 %) and the circuit prime beside it,
    each labelled, with the Hb before and after a clear and a blood prime.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    comparisons : sequence of ComparisonResult

    Returns
    -------
    dict of str to float
        Prime as a fraction of blood volume, by patient name.
    """
    cs = list(comparisons)
    shown = {}
    ax.set_xlim(0, 175)
    for k, c in enumerate(cs):
        y = 1.6 * k
        f = c.prime_fraction
        shown[c.patient.name] = f
        ax.barh(y + 0.3, 100.0, height=0.5, color=plotting.so2_color(0.7), edgecolor="black", lw=0.5)
        ax.text(2.0, y + 0.3, f"blood {c.patient.blood_volume_ml:.0f} mL", va="center", fontsize=8.5, color="white")
        ax.barh(y - 0.3, 100.0 * f, height=0.5, color="0.88", edgecolor="black", lw=0.5, hatch="..")
        ax.text(100.0 * f + 2.0, y - 0.3, f"prime {c.prime_ml:.0f} mL ({f:.0%} of the blood volume)",
                va="center", fontsize=8.5)
        ax.text(103.0, y + 0.3, f"Hb {c.patient.hb_g_dl:.1f} -> {c.hb_clear_prime_g_dl:.1f} g/dL clear prime,\n"
                                f"{c.hb_blood_prime_g_dl:.1f} g/dL blood prime", va="center", fontsize=8)
    ax.set_yticks([1.6 * k for k in range(len(cs))], [c.patient.name for c in cs], fontsize=9)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel("volume [% of the patient's blood volume]")
    ax.set_ylim(-0.9, 1.6 * (len(cs) - 1) + 0.9)
    ax.grid(axis="y", visible=False)
    return shown


_GRID_FIELDS = ("cardiac_output_ml_kg_min", "vo2_ml_kg_min", "ecmo_flow_ml_kg_min", "prime_fraction",
                "hb_before_g_dl", "hb_clear_prime_g_dl", "hb_blood_prime_g_dl", "drainage_pressure_mmhg",
                "heat_loss_fraction", "drainage_french", "return_french", "oxygenator_max_flow_l_min")


@functools.lru_cache(maxsize=16)
def _size_grid(weights, blood_prime_hb_g_dl, room_temperature_c):
    rows = []
    for w in weights:
        c = compare(_patients.for_weight(w), blood_prime_hb_g_dl=blood_prime_hb_g_dl,
                    room_temperature_c=room_temperature_c)
        p = c.patient
        rows.append((p.cardiac_output_ml_kg_min, p.vo2_ml_kg_min, c.ecmo_flow_ml_kg_min, c.prime_fraction,
                     p.hb_g_dl, c.hb_clear_prime_g_dl, c.hb_blood_prime_g_dl, c.drainage_pressure_mmhg,
                     c.heat_loss_fraction, c.circuit.drainage_cannula.french, c.circuit.return_cannula.french,
                     c.circuit.oxygenator.max_blood_flow_l_min))
    table = np.array(rows, dtype=float)
    out = {"weight_kg": np.array(weights, dtype=float)}
    out.update({name: table[:, i] for i, name in enumerate(_GRID_FIELDS)})
    for arr in out.values():
        arr.flags.writeable = False
    return out


def size_grid(weights_kg, *, blood_prime_hb_g_dl=BLOOD_PRIME_HB_G_DL, room_temperature_c=thermal.ROOM_TEMPERATURE_C):
    """:func:`compare` over many weights, as arrays (patients from :func:`ecmolib.patients.for_weight`).

    Parameters
    ----------
    weights_kg : array_like
        Weights [kg]; valid [2, 120] (:func:`ecmolib.patients.for_weight`).
    blood_prime_hb_g_dl, room_temperature_c : float, optional
        As for :func:`compare`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``weight_kg`` and one read-only array per quantity: cardiac output,
        VO2 and target ECMO flow per kg [mL/kg/min], ``prime_fraction``, Hb
        before and after priming [g/dL], drainage pressure at the target flow
        [mmHg], ``heat_loss_fraction``, cannula sizes [Fr], oxygenator
        maximum flow [L/min].

    Raises
    ------
    ValueError
        If a weight is out of range.
    """
    w = _v.checked("weights_kg", weights_kg, "kg", low=2.0, high=120.0)
    hb = _v.scalar("blood_prime_hb_g_dl", blood_prime_hb_g_dl, "g/dL", 0.0, 25.0)
    room = _v.scalar("room_temperature_c", room_temperature_c, "C", 10.0, 42.0)
    return _size_grid(tuple(float(x) for x in np.atleast_1d(w)), hb, room)


def _weight_ticks(low, high):
    """Round weights and the presets' weights inside [low, high] (log axis), with an end where it has room."""
    wide = high / low > 15.0
    marks = [t for t in ((3.5, 5.0, 10.0, 20.0, 40.0, 70.0) if wide else (3.5, 5.0, 7.5, 10.0, 15.0, 23.0))
             if low <= t <= high]
    ends = [e for e in (float(low), float(high)) if all(abs(np.log(e / t)) > 0.25 for t in marks)]
    return sorted(marks + ends)


#: The weight slider reaches this factor beyond the two patients' weights
#: (lighter / 1.25 and heavier x 1.25, within the 2-120 kg of
#: :func:`ecmolib.patients.for_weight`), so both patients lie inside it.
WEIGHT_MARGIN_FACTOR = 1.25

#: About this many slider steps between the two patients' weights.
_WEIGHT_STEPS = 65


def _weight_spec(patient, comparison):
    """The weight slider [kg], on a log scale: each step the same ratio of weights.

    The weights that matter (3-10 kg) take as much of the track as 10-35 kg;
    on a linear slider they would take a few per cent of it. The step is
    the log-distance between the two patients divided into about
    :data:`_WEIGHT_STEPS` equal parts (about 4.7 % a step from the neonate
    to the adult), so both patients' weights are on the grid.
    """
    lo, hi = sorted((patient.weight_kg, comparison.weight_kg))
    w_min, w_max = _patients._FOR_WEIGHT_RANGE_KG
    low, high = max(w_min, lo / WEIGHT_MARGIN_FACTOR), min(w_max, hi * WEIGHT_MARGIN_FACTOR)
    span = float(np.log10(hi / lo))
    presets = float(np.log10(_patients.ADULT.weight_kg / _patients.NEONATE.weight_kg))
    step = span / max(1, round(_WEIGHT_STEPS * span / presets)) if span > 0 else 0.02
    return SliderSpec.anchored("weight", "kg", patient.weight_kg, low, high, round(step, 12), ".3g",
                               log_scale=True)


_PANELS = (
    # key, title, y label, formatter
    ("flow", "Blood flow per kg", "mL/kg/min"),
    ("prime", "Circuit prime / blood volume", "% of blood volume"),
    ("hb", "Hb after priming", "g/dL"),
    ("drainage", "Drainage pressure at the target flow", "mmHg"),
    ("heat", "Tubing heat loss / metabolic heat", "% (no heater)"),
    ("cannula", "Cannula sizes", "French"),
)


def _weight_curves(blood_prime_hb_g_dl):
    """Per panel: (grid name, legend label, colour, line style, marker) of each curve.

    Two curves of one panel differ in line style and marker as well as in
    colour, so they stay apart in greyscale.
    """
    return {
        "flow": (("cardiac_output_ml_kg_min", "cardiac output", _OTHER, "--", "s"),
                 ("ecmo_flow_ml_kg_min", "ECMO flow (VA target)", _CURRENT, "-", "o")),
        "prime": (("prime_fraction", "prime / blood volume", _CURRENT, "-", "o"),),
        "hb": (("hb_before_g_dl", "before", _GREY, ":", "^"),
               ("hb_clear_prime_g_dl", "clear prime", _CURRENT, "-", "o"),
               ("hb_blood_prime_g_dl", f"blood prime (Hb {blood_prime_hb_g_dl:g})", _OTHER, "--", "s")),
        "drainage": (("drainage_pressure_mmhg", "pre-pump pressure", _CURRENT, "-", "o"),),
        "heat": (("heat_loss_fraction", "heat loss / heat made", _CURRENT, "-", "o"),),
        "cannula": (("drainage_french", "drainage", _CURRENT, "-", "o"),
                    ("return_french", "return (arterial)", _OTHER, "--", "s")),
    }


#: The panels of the weight figure, in order (keys of :data:`_PANELS`).
WEIGHT_PANELS = tuple(key for key, _title, _ylabel in _PANELS)

#: The panels of the lesson's explorer: those of its core sections 1-4 (the
#: heat panel belongs to an optional section, after its own prediction).
EXPLORED_PANELS = ("flow", "prime", "hb", "drainage", "cannula")


_PERCENT_CURVES = ("prime_fraction", "heat_loss_fraction")
_LEGEND_AT = {"flow": "upper right", "hb": "lower right", "cannula": "lower right"}


def _weight_axes(ax, key, title, ylabel, weights, bottom_row):
    ax.set_xscale("log")
    ax.set_title(title, fontsize=9.5)
    ax.set_ylabel(ylabel, fontsize=8.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:g}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda x, _pos: ""))
    ax.set_xticks(_weight_ticks(weights[0], weights[-1]))
    ax.tick_params(labelsize=8)
    if bottom_row:
        ax.set_xlabel("weight [kg]", fontsize=8.5)


def _weight_caption(g, i):
    return (f"{g['weight_kg'][i]:.1f} kg: drainage {g['drainage_french'][i]:.0f} Fr, "
            f"return {g['return_french'][i]:.0f} Fr, oxygenator max {g['oxygenator_max_flow_l_min'][i]:.1f} L/min")


def draw_weight_panels(fig, g, index, *, blood_prime_hb_g_dl=BLOOD_PRIME_HB_G_DL, panels=WEIGHT_PANELS):
    """Panels against weight (log axis) with the patient at ``g["weight_kg"][index]`` marked.

    Any of: flows per kg, prime / blood volume, Hb after priming, drainage
    pressure at the target flow, tubing heat loss / metabolic heat, cannula
    sizes (:data:`WEIGHT_PANELS`); a caption names the cannulae and the
    oxygenator at that weight.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure.
    g : dict of str to numpy.ndarray
        From :func:`size_grid`.
    index : int
        Index of the marked weight.
    blood_prime_hb_g_dl : float, optional
        Named in the legend (the grid was computed with it).
    panels : sequence of str, optional
        Which panels, in order (a subset of :data:`WEIGHT_PANELS`); default all six.

    Returns
    -------
    dict
        The artists :func:`update_weight_panels` moves.

    Raises
    ------
    ValueError
        If ``panels`` is empty or names an unknown panel.
    """
    panels = _checked_panels(panels)
    weights = g["weight_kg"]
    curves = _weight_curves(blood_prime_hb_g_dl)
    n = len(panels)
    rows, cols = (1, n) if n <= 3 else (2, (n + 1) // 2)
    gs = fig.add_gridspec(rows, cols, left=0.07 if cols > 1 else 0.12, right=0.985, top=0.86 if rows > 1 else 0.8,
                          bottom=0.1 if rows > 1 else 0.17, wspace=0.33, hspace=0.52)
    titles = {key: (title, ylabel) for key, title, ylabel in _PANELS}
    a = {"lines": [], "points": []}
    for k, key in enumerate(panels):
        title, ylabel = titles[key]
        ax = fig.add_subplot(gs[k // cols, k % cols])
        _weight_axes(ax, key, title, ylabel, weights, bottom_row=k >= n - cols)
        ys = []
        for j, (name, label, color, ls, marker) in enumerate(curves[key]):
            y = g[name] * (100.0 if name in _PERCENT_CURVES else 1.0)
            ys.append(y)
            ax.plot(weights, y, color=color, ls=ls, lw=1.8, label=label,
                    drawstyle="steps-post" if key == "cannula" else "default")
            # The second marker of a panel is hollow and larger, so it stays visible where two coincide.
            (pt,) = ax.plot([weights[index]], [y[index]], marker, color=color, ms=6 if j == 0 else 8,
                            mfc=color if j == 0 else "white", mec=color, mew=1.6, zorder=5 + (j == 0))
            a["points"].append((pt, y))
        lo, hi = float(min(np.min(y) for y in ys)), float(max(np.max(y) for y in ys))
        pad = 0.12 * (hi - lo or 1.0)
        if key == "flow":  # room above the curves for the legend
            ax.set_ylim(0.0, 1.45 * hi)
        else:
            ax.set_ylim(min(lo - pad, 0.0) if key != "drainage" else lo - pad, hi + pad)
        a["lines"].append(ax.axvline(weights[index], color="0.3", lw=1.0, ls=":"))
        if len(curves[key]) > 1:
            ax.legend(fontsize=7.5, loc=_LEGEND_AT[key], handlelength=2.2, borderaxespad=0.2)
    a["caption"] = fig.text(0.5, 0.975, _weight_caption(g, index), ha="center", va="top", fontsize=10)
    return a


def _checked_panels(panels):
    given = panels
    if isinstance(panels, str):
        panels = (panels,)
    try:
        panels = tuple(panels)
        unknown = [p for p in panels if not isinstance(p, str) or p not in WEIGHT_PANELS]
    except TypeError:  # not a sequence of names
        panels, unknown = (), ()
    if not panels or unknown or len(set(panels)) != len(panels):
        raise ValueError(f"panels must be distinct names among {WEIGHT_PANELS}; got {given!r}")
    return panels


def update_weight_panels(artists, g, index):
    """Move the markers of :func:`draw_weight_panels` to ``g["weight_kg"][index]``."""
    w = g["weight_kg"][index]
    for line in artists["lines"]:
        line.set_xdata([w, w])
    for pt, y in artists["points"]:
        pt.set_data([w], [y[index]])
    artists["caption"].set_text(_weight_caption(g, index))


def weight_explorer(patient=_patients.ADULT, comparison=None, *, blood_prime_hb_g_dl=BLOOD_PRIME_HB_G_DL,
                    room_temperature_c=thermal.ROOM_TEMPERATURE_C, panels=EXPLORED_PANELS) -> Explorer:
    """One slider, the weight on a log scale, over panels against weight: what changes from neonate to adult.

    The slider is on a log scale (each step multiplies the weight by the
    same factor), so the 3-10 kg where the hardware changes get as much of
    the track as 10-35 kg; it reads in kg. It spans the two
    patients' weights and :data:`WEIGHT_MARGIN_FACTOR` beyond (within
    2-120 kg), starting at ``patient``'s, and both patients lie on its grid;
    the patient at each weight is :func:`ecmolib.patients.for_weight` and
    its VA circuit :func:`ecmolib.circuit.for_patient` (:func:`compare`).
    The grid is computed when the explorer is built.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The scenario's patient (the slider starts at its weight).
    comparison : ecmolib.patients.Patient, optional
        The other end of the slider; default :func:`comparison_for`.
    blood_prime_hb_g_dl, room_temperature_c : float, optional
        As for :func:`compare`.
    panels : sequence of str, optional
        The panels shown (any of :data:`WEIGHT_PANELS`, see
        :func:`draw_weight_panels`); default :data:`EXPLORED_PANELS`, the
        lesson's.

    Returns
    -------
    ecmolib.widgets.Explorer
        One slider, ``weight_kg``.

    Raises
    ------
    ValueError
        If a patient is not a Patient, a weight lies outside [2, 120] kg or
        a panel is unknown.

    Examples
    --------
    >>> from ecmolib import patients
    >>> ex = weight_explorer(patients.ADULT, panels=("flow",))
    >>> spec = ex.specs["weight_kg"]
    >>> spec.value, round(spec.low, 1), round(spec.high, 1)
    (70.0, 2.9, 84.2)
    """
    _patients._checked(patient)
    comparison = comparison_for(patient) if comparison is None else _patients._checked(comparison)
    panels = _checked_panels(panels)
    spec = _weight_spec(patient, comparison)
    weights = spec.grid()
    g = size_grid(weights, blood_prime_hb_g_dl=blood_prime_hb_g_dl, room_temperature_c=room_temperature_c)
    artists = weakref.WeakKeyDictionary()
    shown = {"flow": ("cardiac_output_ml_kg_min", "ecmo_flow_ml_kg_min"), "prime": ("prime_fraction",),
             "hb": ("hb_clear_prime_g_dl",), "drainage": ("drainage_pressure_mmhg",),
             "heat": ("heat_loss_fraction",), "cannula": ()}
    names = [name for key in panels for name in shown[key]]

    def numbers(i):
        return {"weight_kg": float(weights[i]), **{name: float(g[name][i]) for name in names}}

    def index(weight_kg):
        return spec.index(weight_kg, name="weight_kg")

    def draw(fig, weight_kg):
        i = index(weight_kg)
        artists[fig] = live_artists(fig, draw_weight_panels(fig, g, i, blood_prime_hb_g_dl=blood_prime_hb_g_dl,
                                                            panels=panels))
        return numbers(i)

    def update(fig, weight_kg):
        i = index(weight_kg)
        update_weight_panels(artists[fig], g, i)
        return numbers(i)

    n = len(panels)
    figsize = (9.0, 5.6) if n > 3 else (9.0 if n > 1 else 6.0, 3.4)
    return Explorer(draw=draw, update=update, specs={"weight_kg": spec}, figsize=figsize)


# --------------------------------------------------------------------------
# Fetal haemoglobin
# --------------------------------------------------------------------------

_CURVE_PO2_MMHG = np.linspace(1.0, 120.0, 240)


@dataclass(frozen=True)
class FetalTable:
    """Arterial and venous blood over a grid of P50 and arterial PO2 (rows P50, columns PaO2).

    Attributes
    ----------
    p50_mmhg, pao2_mmhg : numpy.ndarray
        The grids [mmHg].
    budget : ecmolib.tissues.OxygenBudget
        The patient's O2 budget at each grid point
        (:func:`ecmolib.tissues.oxygen_budget`: arterial and venous blood,
        delivery, consumption, extraction).
    curves : numpy.ndarray
        Saturation along :data:`_CURVE_PO2_MMHG` for each P50 (rows).
    """

    p50_mmhg: np.ndarray
    pao2_mmhg: np.ndarray
    budget: tissues.OxygenBudget
    curves: np.ndarray

    @property
    def sao2(self):
        """Arterial saturation [fraction]."""
        return np.asarray(self.budget.arterial.so2)

    @property
    def cao2_ml_dl(self):
        """Arterial O2 content [mL/dL]."""
        return np.asarray(self.budget.arterial.o2_content_ml_dl)

    @property
    def svo2(self):
        """Venous saturation [fraction]."""
        return np.asarray(self.budget.venous.so2)

    @property
    def cvo2_ml_dl(self):
        """Venous O2 content [mL/dL]."""
        return np.asarray(self.budget.venous.o2_content_ml_dl)

    @property
    def pvo2_mmhg(self):
        """Venous PO2 [mmHg]."""
        return np.asarray(self.budget.venous.po2_mmhg)

    @property
    def extraction(self):
        """O2 extraction ratio (CaO2 - CvO2) / CaO2, at most :data:`ecmolib.tissues.MAX_O2_EXTRACTION`."""
        return np.asarray(self.budget.extraction_ratio)


def fetal_table(patient, p50_mmhg, pao2_mmhg) -> FetalTable:
    """Arterial and venous O2 over a grid of P50 and arterial PO2, for one patient.

    The arterial blood has the patient's Hb at the given PO2 and P50 (PCO2
    40 mmHg, base excess 0); the venous blood is what is left after the
    tissues take the patient's VO2 from its resting cardiac output (Fick,
    with the Bohr shift of the venous CO2), so a lower P50 shows as a lower
    venous PO2 at the same consumption. Where the arterial blood cannot
    give that much, consumption is supply-limited and extraction stops at
    :data:`ecmolib.tissues.MAX_O2_EXTRACTION`
    (:func:`ecmolib.tissues.oxygen_budget`, which does all of this).

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        Hb, cardiac output, VO2, respiratory quotient.
    p50_mmhg : array_like
        P50 values [mmHg]; valid [10, 50].
    pao2_mmhg : array_like
        Arterial PO2 values [mmHg]; valid [10, 700].

    Returns
    -------
    FetalTable

    Raises
    ------
    ValueError
        If an argument is out of range (the message names it).
    """
    p = _patients._checked(patient)
    p50 = _v.checked("p50_mmhg", p50_mmhg, "mmHg", low=10.0, high=50.0).reshape(-1, 1)
    pao2 = _v.checked("pao2_mmhg", pao2_mmhg, "mmHg", low=10.0, high=700.0).reshape(1, -1)
    p50g, pao2g = np.broadcast_arrays(p50, pao2)
    budget = tissues.oxygen_budget(p, pao2_mmhg=pao2g, paco2_mmhg=40.0, p50_mmhg=p50g)
    curves = blood.saturation(_CURVE_PO2_MMHG.reshape(1, -1), p50_mmhg=p50)
    return FetalTable(p50_mmhg=p50.ravel(), pao2_mmhg=pao2.ravel(), budget=budget, curves=np.asarray(curves))


_REF_NAMES = {round(float(blood.FETAL_P50_MMHG), 1): "fetal Hb", round(float(blood.P50_STANDARD_MMHG), 1): "adult Hb"}
_LABEL_BOX = dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85)


def _reference_curves(ax, reference_p50_mmhg):
    """Dashed dissociation curves, each labelled where the plot is empty (left: upper left; right: lower right)."""
    for k, p50 in enumerate(sorted(reference_p50_mmhg)):
        ax.plot(_CURVE_PO2_MMHG, 100 * blood.saturation(_CURVE_PO2_MMHG, p50_mmhg=p50), color=_GREY, ls="--", lw=1.2)
        if k == 0:
            x = float(blood.po2_from_saturation(0.9, p50_mmhg=p50))
            xy, xytext = (x, 90.0), (3.0, 95.0)
        else:
            x = float(blood.po2_from_saturation(0.3, p50_mmhg=p50))
            xy, xytext = (x, 30.0), (x + 22.0, 12.0)
        ax.annotate(f"{_REF_NAMES.get(round(p50, 1), 'Hb')}, P50 {p50:.1f} mmHg", xy, xytext=xytext, fontsize=8,
                    color="0.3", va="center", arrowprops=dict(arrowstyle="-", color="0.6", lw=0.8), bbox=_LABEL_BOX)


def draw_dissociation(fig, table, i, j, *, patient, reference_p50_mmhg=()):
    """The dissociation curve at ``table.p50_mmhg[i]`` with the arterial and venous points, and a readout.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure.
    table : FetalTable
        From :func:`fetal_table`.
    i, j : int
        Indices of the P50 and the arterial PO2 in ``table``.
    patient : ecmolib.patients.Patient
        Named beside the plot (its Hb, cardiac output and VO2 made ``table``).
    reference_p50_mmhg : sequence of float, optional
        P50 values drawn as dashed reference curves [mmHg].

    Returns
    -------
    dict
        The artists :func:`update_dissociation` changes.
    """
    ax = fig.add_axes((0.09, 0.13, 0.56, 0.78))
    _reference_curves(ax, reference_p50_mmhg)
    a = {}
    (a["curve"],) = ax.plot(_CURVE_PO2_MMHG, 100 * table.curves[i], color=_CURRENT, lw=2.2)
    (a["art"],) = ax.plot([], [], "o", ms=9, mec="black", zorder=6)
    (a["ven"],) = ax.plot([], [], "s", ms=8, mec="black", zorder=6)
    (a["drop"],) = ax.plot([], [], color="black", lw=1.2, ls="-", zorder=5)
    ax.set_xlim(0, 120)
    ax.set_ylim(0, 100)
    ax.set_xlabel("PO₂ [mmHg]")
    ax.set_ylabel("O₂ saturation [%]")
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    a["art_label"] = ax.text(0, 0, "", fontsize=8.5, ha="left", va="top", zorder=7, bbox=_LABEL_BOX)
    a["ven_label"] = ax.text(0, 0, "", fontsize=8.5, ha="left", va="top", zorder=7, bbox=_LABEL_BOX)
    side = fig.add_axes((0.68, 0.13, 0.31, 0.78))
    side.axis("off")
    side.text(0.0, 1.0, f"{patient.name}\nHb {patient.hb_g_dl:g} g/dL, cardiac output\n"
                        f"{patient.cardiac_output_l_min:.2g} L/min, VO₂ {patient.vo2_ml_min:.3g} mL/min",
              va="top", fontsize=8.5)
    a["readout"] = side.text(0.0, 0.72, "", va="top", fontsize=9, family="monospace")
    update_dissociation(a, table, i, j)
    return a


def update_dissociation(artists, table, i, j):
    """Show ``table`` at P50 index ``i`` and arterial PO2 index ``j`` on the artists of :func:`draw_dissociation`."""
    t, a = table, artists
    pa, sa = float(t.pao2_mmhg[j]), float(t.sao2[i, j])
    pv, sv = float(t.pvo2_mmhg[i, j]), float(t.svo2[i, j])
    a["curve"].set_ydata(100 * t.curves[i])
    a["art"].set_data([pa], [100 * sa])
    a["art"].set_color(plotting.so2_color(sa))
    a["ven"].set_data([pv], [100 * sv])
    a["ven"].set_color(plotting.so2_color(sv))
    for marker in (a["art"], a["ven"]):
        marker.set_markeredgecolor("black")
    a["drop"].set_data([pv, pv, pa], [100 * sv, 100 * sa, 100 * sa])
    a["art_label"].set_position((min(pa + 2.5, 100.0), 100 * sa - 3.0))
    a["art_label"].set_text(f"arterial {sa:.0%}")
    a["ven_label"].set_position((pv + 2.5, 100 * sv - 3.0))
    a["ven_label"].set_text(f"venous {sv:.0%}\n{pv:.0f} mmHg")
    a["readout"].set_text(
        f"P50        {t.p50_mmhg[i]:5.1f} mmHg\n"
        f"PaO₂       {pa:5.0f} mmHg\n"
        f"SaO₂       {100 * sa:5.1f} %\n"
        f"CaO₂       {t.cao2_ml_dl[i, j]:5.1f} mL/dL\n"
        f"SvO₂       {100 * sv:5.1f} %\n"
        f"PvO₂       {pv:5.1f} mmHg\n"
        f"CvO₂       {t.cvo2_ml_dl[i, j]:5.1f} mL/dL\n"
        f"extraction {100 * t.extraction[i, j]:5.0f} %\n"
        f"VO₂        {float(t.budget.vo2_ml_min[i, j]):5.0f} mL/min"
        + (f"\n  demand   {float(t.budget.vo2_demand_ml_min[i, j]):5.0f} mL/min" if t.budget.supply_limited[i, j]
           else ""))


def fetal_hb_explorer(patient=_patients.ADULT, comparison=None, *, pao2_mmhg=40.0) -> Explorer:
    """Two sliders (P50, arterial PO2) over the dissociation curve, with the venous point.

    The P50 slider spans the fetal and the adult P50 (the two patients'),
    3 mmHg beyond each, and starts at ``patient``'s; the arterial PO2 slider
    spans 20-100 mmHg (hypoxaemic to normal) and starts at ``pao2_mmhg``.
    The patient's Hb, cardiac output and VO2 set the venous point.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
        The scenario's patient.
    comparison : ecmolib.patients.Patient, optional
        The other patient (its P50 is the other reference curve); default
        :func:`comparison_for`.
    pao2_mmhg : float, optional
        Starting arterial PO2 [mmHg]; valid [20, 100]. Default 40 (a
        hypoxaemic newborn before ECMO).

    Returns
    -------
    ecmolib.widgets.Explorer

    Raises
    ------
    ValueError
        If an argument is invalid.
    """
    _patients._checked(patient)
    comparison = comparison_for(patient) if comparison is None else _patients._checked(comparison)
    pao2_0 = _v.scalar("pao2_mmhg", pao2_mmhg, "mmHg", 20.0, 100.0)
    refs = sorted({float(patient.p50_mmhg), float(comparison.p50_mmhg)})
    p50_spec = SliderSpec.anchored("P50", "mmHg", float(patient.p50_mmhg), max(10.0, refs[0] - 3.0),
                                   min(50.0, refs[-1] + 3.0), 0.2, ".1f")
    po2_spec = SliderSpec("arterial PO2", "mmHg", 20.0, 100.0, float(round(pao2_0)), 1.0, ".0f")
    t = fetal_table(patient, p50_spec.grid(), po2_spec.grid())
    artists = weakref.WeakKeyDictionary()

    def idx(p50_mmhg, pao2_mmhg):
        return (p50_spec.index(p50_mmhg, name="p50_mmhg", units="mmHg"),
                po2_spec.index(pao2_mmhg, name="pao2_mmhg", units="mmHg"))

    def numbers(i, j):
        return {"p50_mmhg": float(t.p50_mmhg[i]), "sao2": float(t.sao2[i, j]), "cao2_ml_dl": float(t.cao2_ml_dl[i, j]),
                "svo2": float(t.svo2[i, j]), "pvo2_mmhg": float(t.pvo2_mmhg[i, j]),
                "extraction": float(t.extraction[i, j]), "vo2_ml_min": float(t.budget.vo2_ml_min[i, j])}

    def draw(fig, p50_mmhg, pao2_mmhg):
        i, j = idx(p50_mmhg, pao2_mmhg)
        artists[fig] = live_artists(fig, draw_dissociation(fig, t, i, j, patient=patient, reference_p50_mmhg=refs))
        return numbers(i, j)

    def update(fig, p50_mmhg, pao2_mmhg):
        i, j = idx(p50_mmhg, pao2_mmhg)
        update_dissociation(artists[fig], t, i, j)
        return numbers(i, j)

    return Explorer(draw=draw, update=update, specs={"p50_mmhg": p50_spec, "pao2_mmhg": po2_spec},
                    figsize=(8.0, 4.2))


# --------------------------------------------------------------------------
# Neck against femoral VA; survival
# --------------------------------------------------------------------------


def neck_vs_femoral(patient, *, cannulation=None):
    """Regional saturations on VA ECMO at the patient's target flow, with its usual cannulation.

    Neck (right carotid return) below :data:`ecmolib.circuit.NECK_CANNULATION_BELOW_KG`,
    femoral from it on, unless ``cannulation`` is given. Native lungs in
    severe failure (:data:`VA_SHUNT_FRACTION`, :data:`VA_FIO2`); native
    output the resting cardiac output minus the ECMO flow (the default of
    :func:`ecmolib.va.steady_state`); the oxygenator of the patient's circuit.

    Parameters
    ----------
    patient : ecmolib.patients.Patient
    cannulation : {"carotid", "femoral", "central", "axillary"}, optional

    Returns
    -------
    ecmolib.va.VASteadyState

    Raises
    ------
    ValueError
        If an argument is invalid.
    """
    p = _patients._checked(patient)
    if cannulation is None:
        cannulation = _circuit.va_return_site(p)
    return va.steady_state(p, _patients.target_ecmo_flow_l_min(p, "va"), cannulation=cannulation,
                           shunt_fraction=VA_SHUNT_FRACTION, fio2=VA_FIO2,
                           oxygenator=_circuit.for_patient(p, "va").oxygenator)


def draw_regions(ax, states):
    """Horizontal bars of regional O2 saturation, one group per state, coloured and labelled.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    states : dict of str to ecmolib.va.VASteadyState
        Label (e.g. "neonate, neck VA") to steady state.

    Returns
    -------
    dict of str to dict of str to float
        The saturations drawn [fraction], by label and region.
    """
    regions = list(REGION_LABELS)
    n = len(regions)
    shown = {}
    yticks, ylabels = [], []
    for g, (label, s) in enumerate(states.items()):
        base = g * (n + 1.6)
        shown[label] = {}
        ax.text(0.0, base - 1.0, label, fontsize=9.5, fontweight="bold", va="center", ha="left")
        for k, region in enumerate(regions):
            so2 = float(s.region_so2[region])
            shown[label][region] = so2
            y = base + k
            ax.barh(y, 100 * so2, color=plotting.so2_color(max(so2, 0.4)), edgecolor="black", lw=0.5, height=0.8)
            ax.text(100 * so2 + 1.0, y, f"{so2:.0%}", va="center", fontsize=8.5)
            yticks.append(y)
            ylabels.append(REGION_LABELS[region])
    ax.set_yticks(yticks, ylabels, fontsize=8.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("O₂ saturation of the blood reaching the region [%]")
    ax.grid(axis="y", visible=False)
    return shown


#: Shorter names of diagnoses in the survival figure's labels.
_SHORT_DIAGNOSES = {"congenital diaphragmatic hernia": "diaphragmatic hernia (CDH)",
                    "meconium aspiration syndrome": "meconium aspiration",
                    "respiratory distress syndrome": "resp. distress syndrome",
                    "persistent pulmonary hypertension": "pulmonary hypertension (PPHN)"}


def draw_survival(ax, rows=None):
    """Horizontal bars of ELSO survival, one per figure, hatched where the source is secondary.

    Each bar's value and source are written in a column right of the axes
    (on a twin axis), so the survival axis ends at 100 %; figures of the
    same group and diagnosis from different sources sit together, the
    second labelled as such.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    rows : sequence of ecmolib.outcomes.SurvivalRow, optional
        Default: every shipped row (:func:`ecmolib.outcomes.survival_data`).

    Returns
    -------
    list of ecmolib.outcomes.SurvivalRow
        The rows drawn, top to bottom.
    """
    rows = list(outcomes.survival_data() if rows is None else rows)
    order = {g: k for k, g in enumerate(outcomes.AGE_GROUPS)}
    first_seen = {}
    for r in rows:
        first_seen.setdefault((r.age_group, r.support_type, r.diagnosis), -r.survival_to_discharge)
    rows.sort(key=lambda r: (order[r.age_group], r.support_type != "respiratory", r.verification != "primary abstract",
                             first_seen[(r.age_group, r.support_type, r.diagnosis)], r.diagnosis,
                             -r.survival_to_discharge))
    colours = {"neonate": "#c2a5cf", "paediatric": "#a6dba0", "adult": "#92c5de"}
    labels, notes = [], []
    previous = None
    for y, r in enumerate(rows):
        ax.barh(y, 100 * r.survival_to_discharge, color=colours[r.age_group], edgecolor="black", lw=0.5,
                hatch=None if r.verified else "///", height=0.75)
        source = r.source if r.verified else "secondary, unverified"
        period = r.period.replace("registry start-", "to ").replace("about ", "c. ")
        notes.append(f"{r.survival_to_discharge:.1%}  {source}, {period}")
        group = (r.age_group, r.support_type, r.diagnosis)
        if group == previous:  # the same figure from another source, right under the first
            labels.append("(the same, another source)")
        elif r.diagnosis.startswith("all"):
            labels.append(f"{r.age_group} {r.support_type}: all")
        else:  # a diagnosis within its group
            labels.append(f"{r.age_group} {r.support_type[:4]}.: {_SHORT_DIAGNOSES.get(r.diagnosis, r.diagnosis)}")
        previous = group
    ax.set_yticks(range(len(rows)), labels, fontsize=8.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel("survival [%]  (hatched: secondary source, not verified against the registry)", fontsize=8.5)
    ax.grid(axis="y", visible=False)
    right = ax.twinx()
    right.set_ylim(ax.get_ylim())
    right.set_yticks(range(len(rows)), notes, fontsize=8.5)
    right.tick_params(axis="y", length=0)
    right.grid(False)
    return rows


#: This lesson's explorers, gathered by :data:`ecmolib.views.EXPLORERS`.
EXPLORERS = {
    "07 weight": weight_explorer,
    "07 fetal haemoglobin": fetal_hb_explorer,
}
