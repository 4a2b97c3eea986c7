"""What a run of the circulation returns: its state, its time series and their summary."""

from __future__ import annotations

import dataclasses
import types
from dataclasses import dataclass

import numpy as np

from ecmolib import _validation
from ecmolib.hemodynamics import model

__all__ = ["SUMMARY_KEYS", "CirculationState", "Trace"]

#: Keys every :attr:`Trace.summary` has (more are present; see
#: :func:`ecmolib.hemodynamics.simulate`).
SUMMARY_KEYS = (
    "map_mmhg",
    "pulse_pressure_mmhg",
    "lv_edv_ml",
    "lv_esv_ml",
    "lv_edp_mmhg",
    "aortic_valve_open_fraction",
    "native_output_l_min",
    "systemic_flow_l_min",
    "coronary_perfusion_pressure_mmhg",
)

_TO_L_MIN = 60.0 / 1000.0


@dataclass(frozen=True)
class CirculationState:
    """Volumes of the eight compartments at one instant, to continue a run.

    Parameters
    ----------
    lv_volume_ml, aortic_volume_ml, arterial_volume_ml, venous_volume_ml, central_venous_volume_ml, rv_volume_ml, pulmonary_arterial_volume_ml, pulmonary_venous_volume_ml : float
        Compartment volumes [mL] (aortic: thoracic aorta; arterial and
        venous: peripheral; central venous: intrathoracic veins and right
        atrium); valid [0, 1e5].
    time_s : float
        Model time [s] (sets the phase of the beat and of compressions);
        valid >= 0.

    Raises
    ------
    ValueError
        If a field is out of range.

    Examples
    --------
    >>> from ecmolib import hemodynamics, patients
    >>> tr = hemodynamics.simulate(patients.ADULT, 2.0)
    >>> round(tr.final_state.total_volume_ml)
    4900
    """

    lv_volume_ml: float
    aortic_volume_ml: float
    arterial_volume_ml: float
    venous_volume_ml: float
    central_venous_volume_ml: float
    rv_volume_ml: float
    pulmonary_arterial_volume_ml: float
    pulmonary_venous_volume_ml: float
    time_s: float = 0.0

    def __post_init__(self):
        for f in dataclasses.fields(self):
            units = "s" if f.name == "time_s" else "mL"
            object.__setattr__(self, f.name, _validation.scalar(f.name, getattr(self, f.name), units,
                                                                0.0, 1e5))

    @property
    def total_volume_ml(self) -> float:
        """Sum of the eight compartment volumes [mL]."""
        return float(self.vector().sum())

    def vector(self):
        """The volumes as the model's state vector (order of ``model.STATE_NAMES``)."""
        return np.array([getattr(self, f.name) for f in dataclasses.fields(self)[:model.NSTATE]],
                        dtype=float)


@dataclass(frozen=True, eq=False)
class Trace:
    r"""Result of :func:`~ecmolib.hemodynamics.simulate`: time series, summary, final state.

    All arrays have the same length (one sample every
    ``sample_interval_s``) and are read-only.

    Attributes
    ----------
    t_s : numpy.ndarray
        Time from the start of the recorded run [s].
    lv_pressure_mmhg, rv_pressure_mmhg : numpy.ndarray
        Ventricular pressures [mmHg] (including the intrathoracic pressure
        of compressions).
    lv_volume_ml, rv_volume_ml : numpy.ndarray
        Ventricular volumes [mL]; with ``lv_pressure_mmhg`` the LV
        pressure-volume loop.
    aortic_pressure_mmhg : numpy.ndarray
        Thoracic (central) aortic pressure [mmHg].
    peripheral_arterial_pressure_mmhg : numpy.ndarray
        Peripheral (e.g. femoral) arterial pressure [mmHg].
    venous_pressure_mmhg : numpy.ndarray
        Central venous (great veins and right atrium) pressure [mmHg].
    peripheral_venous_pressure_mmhg : numpy.ndarray
        Peripheral venous pressure [mmHg].
    pulmonary_artery_pressure_mmhg, pulmonary_venous_pressure_mmhg : numpy.ndarray
        Pulmonary arterial and pulmonary venous (with left atrium, the
        wedge pressure) pressures [mmHg].
    aortic_valve_flow_l_min : numpy.ndarray
        Flow across the aortic valve [L/min]; negative while a leaking
        valve regurgitates.
    mitral_valve_flow_l_min, tricuspid_valve_flow_l_min, pulmonary_valve_flow_l_min : numpy.ndarray
        Instantaneous valve flows [L/min].
    systemic_flow_l_min : numpy.ndarray
        Flow through the systemic resistance [L/min] (native plus ECMO).
    bronchial_flow_l_min : numpy.ndarray
        Bronchial and Thebesian return to the left heart [L/min].
    ecmo_flow_l_min : numpy.ndarray
        VA ECMO flow [L/min]; negative when a weak pump lets blood run
        backwards.
    lv_vent_flow_l_min : numpy.ndarray
        Flow drawn from the LV by a vent [L/min].
    vv_flow_l_min : numpy.ndarray
        VV ECMO flow [L/min] (constant; no haemodynamic effect here).
    lv_activation : numpy.ndarray
        Ventricular activation :math:`e(t)` [0..1].
    compression_pressure_mmhg : numpy.ndarray
        Intrathoracic pressure from chest compressions [mmHg].
    total_volume_ml : numpy.ndarray
        Sum of all compartment volumes [mL] (constant to round-off).
    summary : mapping
        Averages over the last ``summary_beats`` cycles; keys
        :data:`SUMMARY_KEYS` and more (see
        :func:`~ecmolib.hemodynamics.simulate`).
    final_state : CirculationState
        State at the end, to continue with another run.
    parameters : CirculationParameters
        The parameters used (after every option of the run).
    warmup_s : float
        Simulated time spent reaching the periodic steady state before
        ``t_s = 0`` [s] (0 when ``initial_state`` was given).
    steady_state : bool
        Whether the warm-up converged (False when ``initial_state`` was
        given or the conditions are not periodic).
    time_step_s : float
        Integration step [s].
    """

    t_s: np.ndarray
    lv_pressure_mmhg: np.ndarray
    lv_volume_ml: np.ndarray
    rv_pressure_mmhg: np.ndarray
    rv_volume_ml: np.ndarray
    aortic_pressure_mmhg: np.ndarray
    peripheral_arterial_pressure_mmhg: np.ndarray
    venous_pressure_mmhg: np.ndarray
    peripheral_venous_pressure_mmhg: np.ndarray
    pulmonary_artery_pressure_mmhg: np.ndarray
    pulmonary_venous_pressure_mmhg: np.ndarray
    aortic_valve_flow_l_min: np.ndarray
    mitral_valve_flow_l_min: np.ndarray
    tricuspid_valve_flow_l_min: np.ndarray
    pulmonary_valve_flow_l_min: np.ndarray
    systemic_flow_l_min: np.ndarray
    bronchial_flow_l_min: np.ndarray
    ecmo_flow_l_min: np.ndarray
    lv_vent_flow_l_min: np.ndarray
    vv_flow_l_min: np.ndarray
    lv_activation: np.ndarray
    compression_pressure_mmhg: np.ndarray
    total_volume_ml: np.ndarray
    summary: types.MappingProxyType
    final_state: CirculationState
    parameters: object
    warmup_s: float
    steady_state: bool
    time_step_s: float


# Trace array -> (recorded column, factor to its units).
_SERIES = {
    "lv_pressure_mmhg": ("p_lv", 1.0),
    "lv_volume_ml": ("lv", 1.0),
    "rv_pressure_mmhg": ("p_rv", 1.0),
    "rv_volume_ml": ("rv", 1.0),
    "aortic_pressure_mmhg": ("p_ao", 1.0),
    "peripheral_arterial_pressure_mmhg": ("p_a", 1.0),
    "venous_pressure_mmhg": ("p_cv", 1.0),
    "peripheral_venous_pressure_mmhg": ("p_v", 1.0),
    "pulmonary_artery_pressure_mmhg": ("p_pa", 1.0),
    "pulmonary_venous_pressure_mmhg": ("p_pv", 1.0),
    "aortic_valve_flow_l_min": ("q_av", _TO_L_MIN),
    "mitral_valve_flow_l_min": ("q_mt", _TO_L_MIN),
    "tricuspid_valve_flow_l_min": ("q_tc", _TO_L_MIN),
    "pulmonary_valve_flow_l_min": ("q_pvv", _TO_L_MIN),
    "systemic_flow_l_min": ("q_sys", _TO_L_MIN),
    "bronchial_flow_l_min": ("q_br", _TO_L_MIN),
    "ecmo_flow_l_min": ("q_e", _TO_L_MIN),
    "lv_vent_flow_l_min": ("q_vent", _TO_L_MIN),
    "lv_activation": ("activation", 1.0),
    "compression_pressure_mmhg": ("p_th", 1.0),
}


def _read_only(a):
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def series(rec, t0, vv_flow_l_min):
    """The Trace arrays from the recorded rows of :func:`model.run`."""
    c = model.COLUMNS
    out = {name: _read_only(rec[:, c[col]] * k) for name, (col, k) in _SERIES.items()}
    out["t_s"] = _read_only(rec[:, 0] - t0)
    out["vv_flow_l_min"] = _read_only(np.full(rec.shape[0], vv_flow_l_min))
    out["total_volume_ml"] = _read_only(rec[:, 1:1 + model.NSTATE].sum(axis=1))
    return out


def _end_diastole(activation, lv_volume):
    """Index of end-diastole: the last onset of activation in the window
    (where a leaking aortic valve still fills the LV after it, the volume
    peaks later), else the largest LV volume (arrest)."""
    onsets = np.flatnonzero((activation[:-1] == 0.0) & (activation[1:] > 0.0))
    return int(onsets[-1]) if onsets.size else int(np.argmax(lv_volume))


def summary(tail, params):
    """Averages and extremes over the tail rows (whole cycles) of a run."""
    c = model.COLUMNS
    t = tail[:, 0]
    span = t[-1] - t[0]

    def col(name):
        return tail[:, c[name]]

    def mean(x):
        # Time average by the trapezoidal rule (the samples are equispaced).
        return float(x[-1]) if span <= 0.0 else float(np.trapezoid(x, t) / span)

    vlv, plv, pao, qav = col("lv"), col("p_lv"), col("p_ao"), col("q_av")
    edv, esv = float(vlv.max()), float(vlv.min())
    forward = np.maximum(qav, 0.0)
    backward = np.maximum(-qav, 0.0)
    # Open fraction: share of the window's steps with forward flow (the
    # last sample closes the window and is not counted).
    open_fraction = float(np.mean(qav[:-1] > 0.0)) if len(qav) > 1 else float(qav[0] > 0.0)
    # Coronary perfusion pressure: aortic minus right-atrial pressure while
    # neither the heart nor the rescuer compresses (diastole, decompression;
    # at very fast rates, the least activated part of the cycle).
    act, pth = col("activation"), col("p_th")
    relaxed = (act <= act.min()) & (pth <= 0.0)
    cpp = float((pao - col("p_cv"))[relaxed].mean())
    forward_l_min = mean(forward) * _TO_L_MIN
    s = {
        "map_mmhg": mean(pao),
        "pulse_pressure_mmhg": float(pao.max() - pao.min()),
        "lv_edv_ml": edv,
        "lv_esv_ml": esv,
        "lv_edp_mmhg": float(plv[_end_diastole(col("activation"), vlv)]),
        "aortic_valve_open_fraction": open_fraction,
        "native_output_l_min": mean(qav) * _TO_L_MIN,
        "systemic_flow_l_min": mean(col("q_sys")) * _TO_L_MIN,
        "coronary_perfusion_pressure_mmhg": cpp,
        "systolic_pressure_mmhg": float(pao.max()),
        "diastolic_pressure_mmhg": float(pao.min()),
        "peripheral_map_mmhg": mean(col("p_a")),
        "lv_stroke_volume_ml": edv - esv,
        "lv_ejection_fraction": (edv - esv) / edv if edv > 0 else 0.0,
        "lv_peak_pressure_mmhg": float(plv.max()),
        "aortic_regurgitant_fraction": (mean(backward) * _TO_L_MIN / forward_l_min
                                        if forward_l_min > 0.0 else 0.0),
        "ecmo_flow_l_min": mean(col("q_e")) * _TO_L_MIN,
        "ecmo_retrograde": bool(mean(col("q_e")) < 0.0),
        "lv_vent_flow_l_min": mean(col("q_vent")) * _TO_L_MIN,
        "bronchial_flow_l_min": mean(col("q_br")) * _TO_L_MIN,
        "mean_venous_pressure_mmhg": mean(col("p_cv")),
        "mean_pulmonary_artery_pressure_mmhg": mean(col("p_pa")),
        "mean_pulmonary_venous_pressure_mmhg": mean(col("p_pv")),
        "peak_venous_pressure_mmhg": float(col("p_cv").max()),
        "rv_edv_ml": float(col("rv").max()),
        "rv_esv_ml": float(col("rv").min()),
        "ecmo_drainage_limited_fraction": float(np.mean(col("drainage_limited") > 0.5)),
        "heart_rate_bpm": params.heart_rate_bpm,
        "window_s": float(span),
    }
    return types.MappingProxyType(s)
