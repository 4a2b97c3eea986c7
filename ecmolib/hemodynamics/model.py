r"""The equations of the beat-by-beat circulation, all in one place, and their integrator.

State: eight compartment volumes :math:`V_i` [mL], in the order of
:data:`STATE_NAMES`: left ventricle (LV), thoracic aorta (ao), peripheral
(extrathoracic) arteries (a), peripheral veins (v), central veins with the
right atrium (cv), right ventricle (RV), pulmonary arteries (pa) and
pulmonary veins with the left atrium (pv). Mass balance,
:math:`\dot V_i = \sum Q_\mathrm{in} - \sum Q_\mathrm{out}`, closes the loop,
so the total volume is conserved to round-off.

**Intrathoracic pressure.** Chest compressions raise the pressure around
every intrathoracic compartment (LV, RV, ao, cv, pa, pv; the "thoracic
pump", Rudikoff et al. 1980 [5]_, and the "cardiac pump" through the
heart's valves, Maier et al. 1984 [6]_), a half-sine of peak
:math:`P_{cc}` during the first :math:`D T_c` of each compression period
:math:`T_c`:

.. math::

    P_{th}(t) = P_{cc}\,\sin\!\left(\pi\,\frac{\tau_c}{D\,T_c}\right)\ (\tau_c < D T_c),
    \qquad 0\ \text{otherwise}.

**Ventricles** (time-varying elastance, Suga & Sagawa 1974 [1]_; passive
curve of Smith et al. 2004 [2]_). Activation :math:`e(t)\in[0,1]` adds
pressure only *above* the passive curve, so that a ventricle without
contractility (:math:`k_c = 0`) or in arrest is purely passive and native
output never falls as :math:`k_c` rises:

.. math::

    P_{ed}(V) = P_0\left(e^{\lambda(V-V_d)} - 1\right),\qquad
    P_{es}(V) = k_c\,E_{es}\,(V - V_d)

    P_{LV} = P_{ed}(V) + e(t)\,\max\!\bigl(0,\ P_{es}(V) - P_{ed}(V)\bigr) + P_{th}

with the raised-cosine activation (rise over :math:`T_s`, relaxation over
:math:`T_s/2`, :math:`\tau` the time since the beat began)

.. math::

    e = \tfrac12\left(1-\cos\frac{\pi\tau}{T_s}\right)\ (\tau<T_s),\quad
        \tfrac12\left(1+\cos\frac{2\pi(\tau-T_s)}{T_s}\right)\ (T_s\le\tau<1.5T_s),
        \quad 0\ \text{otherwise}

(the RV likewise; :math:`e = 0` in arrest).

**Vessels** are linear: :math:`P_j = E_j (V_j - V_{u,j})`, plus
:math:`P_{th}` for ao, cv, pa and pv. A compartment emptied below a quarter
of its unstressed volume (a ventricle: below its dead volume) takes up less
and less of :math:`P_{th}`, none at zero volume: it cannot be squeezed
further (:data:`EMPTY_FRACTION`). Likewise a ventricle emptied below a
quarter of its dead volume ejects less and less through its outlet valve,
nothing at zero volume (the factor :math:`\phi` on :math:`Q_{av}` and
:math:`Q_{pvv}` below, 1 otherwise).

**Flows** [mL/s]:

.. math::

    Q_{mt} &= [P_{pv} - P_{LV}]^+/R_{mt},\qquad
    Q_{av} = \phi_{LV}\,[P_{LV} - P_{ao}]^+/R_{av} - G_{ar}[P_{ao} - P_{LV}]^+\\
    Q_{ao} &= (P_{ao} - P_a)/R_{ao},\qquad Q_{sys} = (P_a - P_v)/R_{sys}\\
    Q_{vr} &= [P_v - P_{cv}]^+/R_{vr} - \ell\,[P_{cv} - P_v]^+/R_{vr}
    \quad\text{(venous valves at the thoracic inlet, leak share } \ell\text{)}\\
    Q_{tc} &= [P_{cv} - P_{RV}]^+/R_{tc},\qquad Q_{pvv} = \phi_{RV}\,[P_{RV} - P_{pa}]^+/R_{pvv},\qquad
    Q_{pul} = (P_{pa} - P_{pv})/R_{pul}\\
    Q_{br} &= (P_{ao} - P_{pv})/R_{br}\quad\text{(bronchial and Thebesian return to the left heart)}\\
    Q_{vent} &= \min\!\bigl(Q_{vent}^{set},\ [P_{LV} - P_{th} - P_c]^+/R_d\bigr)
    \quad\text{(LV vent to the drainage side)}\\
    \phi &= \min\!\bigl(1,\ [V]^+ / (V_{d}/4)\bigr)\quad\text{(a ventricle's volume } V\text{, dead volume } V_d\text{)}

with :math:`[x]^+ = \max(x, 0)` and :math:`G_{ar}` the conductance of a
leaking aortic valve (0 when competent). **VA ECMO** moves :math:`Q_E`
from the central veins to the peripheral arteries (femoral return): a set
flow limited by venous collapse, :math:`Q_E \le [P_{cv} - P_{th} - P_c]^+/R_d`,
or the pump's operating point at the instantaneous :math:`(P_{cv}, P_a)`
(:func:`ecmolib.circuit.operating_point`, tabulated and interpolated
bilinearly), which is negative (retrograde) when the pump cannot hold the
arterial-venous gradient. The balances:

.. math::

    \dot V_{LV} &= Q_{mt} - Q_{av} - Q_{vent}, &
    \dot V_{ao} &= Q_{av} - Q_{ao} - Q_{br},\\
    \dot V_a &= Q_{ao} - Q_{sys} + Q_E, &
    \dot V_v &= Q_{sys} - Q_{vr},\\
    \dot V_{cv} &= Q_{vr} - Q_{tc} - Q_E + Q_{vent}, &
    \dot V_{RV} &= Q_{tc} - Q_{pvv},\\
    \dot V_{pa} &= Q_{pvv} - Q_{pul}, &
    \dot V_{pv} &= Q_{pul} - Q_{mt} + Q_{br}.

Integration: classical fourth-order Runge-Kutta with a fixed step (a whole
number of steps per cycle), compiled with numba (``cache=True``; plain Python, far slower,
where numba is missing: :mod:`ecmolib._jit`).

References
----------
.. [1] Suga H, Sagawa K. Instantaneous pressure-volume relationships and
   their ratio in the excised, supported canine left ventricle. Circ Res
   1974;35:117-126. doi:10.1161/01.RES.35.1.117
.. [2] Smith BW, Chase JG, Nokes RI, Shaw GM, Wake G. Minimal haemodynamic
   system model including ventricular interaction and valve dynamics. Med
   Eng Phys 2004;26:131-139. doi:10.1016/j.medengphy.2003.10.001
.. [3] Babbs CF, Ralston SH, Geddes LA. Theoretical advantages of abdominal
   counterpulsation in CPR as demonstrated in a simple electrical model of
   the circulation. Ann Emerg Med 1984;13:660-671.
   doi:10.1016/S0196-0644(84)80722-2
.. [4] Permutt S, Riley RL. Hemodynamics of collapsible vessels with tone:
   the vascular waterfall. J Appl Physiol 1963;18:924-932.
   doi:10.1152/jappl.1963.18.5.924
.. [5] Rudikoff MT, Maughan WL, Effron M, Freund P, Weisfeldt ML.
   Mechanisms of blood flow during cardiopulmonary resuscitation.
   Circulation 1980;61:345-352. doi:10.1161/01.CIR.61.2.345
.. [6] Maier GW, Tyson GS, Olsen CO, et al. The physiology of external
   cardiac massage: high-impulse cardiopulmonary resuscitation.
   Circulation 1984;70:86-101. doi:10.1161/01.CIR.70.1.86
"""

from __future__ import annotations

import math

from ecmolib._jit import njit
import numpy as np

#: Names of the eight state volumes, in the order of the state vector.
STATE_NAMES = ("lv", "aorta", "arteries", "veins", "central_veins", "rv",
               "pulmonary_arteries", "pulmonary_veins")
NSTATE = len(STATE_NAMES)

# Indices into the parameter vector of the kernel (built by the package's
# ``_vector``): one name per entry, in this order.
PARAMETER_NAMES = (
    "period", "ts", "arrest",
    "lv_ees", "lv_vd", "lv_p0", "lv_lam", "rv_ees", "rv_vd", "rv_p0", "rv_lam",
    "e_ao", "vu_ao", "e_a", "vu_a", "e_v", "vu_v", "e_cv", "vu_cv", "e_pa", "vu_pa", "e_pv", "vu_pv",
    "r_mt", "r_av", "g_ar", "r_tc", "r_pvv", "r_ao", "r_sys", "r_vr", "g_vr_back", "r_pul", "r_br", "r_drain",
    "comp", "comp_period", "comp_duty", "comp_p",
    "ecmo_mode", "ecmo_q", "vent_q", "collapse",
)
(P_PERIOD, P_TS, P_ARREST,
 P_LV_EES, P_LV_VD, P_LV_P0, P_LV_LAM, P_RV_EES, P_RV_VD, P_RV_P0, P_RV_LAM,
 P_E_AO, P_VU_AO, P_E_A, P_VU_A, P_E_V, P_VU_V, P_E_CV, P_VU_CV, P_E_PA, P_VU_PA, P_E_PV, P_VU_PV,
 P_R_MT, P_R_AV, P_G_AR, P_R_TC, P_R_PVV, P_R_AO, P_R_SYS, P_R_VR, P_G_VR_BACK, P_R_PUL, P_R_BR, P_R_DRAIN,
 P_COMP, P_COMP_T, P_COMP_DUTY, P_COMP_P,
 P_ECMO_MODE, P_ECMO_Q, P_VENT_Q, P_COLLAPSE) = range(len(PARAMETER_NAMES))
NPARAM = len(PARAMETER_NAMES)

#: Names of the auxiliary outputs (pressures [mmHg], flows [mL/s], the
#: activation and flags), recorded after the state volumes.
AUX_NAMES = (
    "p_lv", "p_ao", "p_a", "p_v", "p_cv", "p_rv", "p_pa", "p_pv",
    "q_mt", "q_av", "q_ao", "q_sys", "q_vr", "q_tc", "q_pvv", "q_pul", "q_br", "q_e", "q_vent",
    "activation", "p_th", "drainage_limited",
)
NAUX = len(AUX_NAMES)
#: Column of each recorded quantity: time, the state volumes, then AUX_NAMES.
COLUMNS = {name: i for i, name in enumerate(("t", *STATE_NAMES, *AUX_NAMES))}
NCOL = len(COLUMNS)

#: Volume below which a compressed vessel takes up less and less of the
#: intrathoracic pressure, as a fraction of its unstressed volume (for the
#: ventricles: below their dead volume). Assumption of this library: an
#: emptied compartment cannot be squeezed further.
EMPTY_FRACTION = 0.25

_A0 = NSTATE  # offset of the auxiliaries in the work array of _rhs


@njit()
def _activation(tm, ts):
    # Raised-cosine activation: rise over ts, relaxation over ts/2.
    if tm < 0.0:
        return 0.0
    if tm < ts:
        return 0.5 * (1.0 - math.cos(math.pi * tm / ts))
    if tm < 1.5 * ts:
        return 0.5 * (1.0 + math.cos(2.0 * math.pi * (tm - ts) / ts))
    return 0.0


@njit()
def _ventricle(v, e, ees, vd, p0, lam):
    # Passive curve plus activation above it (never below).
    ped = p0 * (math.exp(lam * (v - vd)) - 1.0)
    pes = ees * (v - vd)
    return ped + e * max(0.0, pes - ped)


@njit()
def _squeezed(pth, v, v_empty):
    # External pressure reaching a compartment: all of it, fading to none as
    # the compartment empties below v_empty (its walls meet).
    if v_empty > 0.0 and v < v_empty:
        return pth * max(v, 0.0) / v_empty
    return pth


@njit()
def _emptying(v, v_low):
    # Share of a ventricle's forward (outlet-valve) flow it can still give:
    # all of it, fading to none as its volume falls below v_low. A ventricle
    # with no blood left ejects nothing, whatever pressure lies beyond the
    # valve (a pulmonary artery below its unstressed volume has a negative
    # pressure in this linear model and would otherwise empty the RV below zero).
    if v < v_low:
        return max(v, 0.0) / v_low
    return 1.0


@njit()
def _pump_flow(pcv, pa, gv, ga, gq):
    # Bilinear interpolation of the circuit's operating point on the
    # (central venous, arterial) pressure grid, held at the edge outside it.
    nv = gv.shape[0]
    na = ga.shape[0]
    x = (pcv - gv[0]) / (gv[1] - gv[0])
    z = (pa - ga[0]) / (ga[1] - ga[0])
    x = min(max(x, 0.0), nv - 1.0)
    z = min(max(z, 0.0), na - 1.0)
    i = min(int(x), nv - 2)
    j = min(int(z), na - 2)
    fx = x - i
    fz = z - j
    return ((1.0 - fx) * ((1.0 - fz) * gq[i, j] + fz * gq[i, j + 1])
            + fx * ((1.0 - fz) * gq[i + 1, j] + fz * gq[i + 1, j + 1]))


@njit()
def rhs(t, y, p, gv, ga, gq, out):
    """Derivatives of the state into out[:NSTATE]; auxiliaries after them."""
    if p[P_ARREST] > 0.5:
        e = 0.0
    else:
        per = p[P_PERIOD]
        tm = t - per * math.floor(t / per)
        e = min(_activation(tm, p[P_TS]) + _activation(tm + per, p[P_TS]), 1.0)
    pth = 0.0
    if p[P_COMP] > 0.5:
        tc = p[P_COMP_T]
        tt = t - tc * math.floor(t / tc)
        d = p[P_COMP_DUTY] * tc
        if tt < d:
            pth = p[P_COMP_P] * max(0.0, math.sin(math.pi * tt / d))
    f = EMPTY_FRACTION
    plv = _ventricle(y[0], e, p[P_LV_EES], p[P_LV_VD], p[P_LV_P0], p[P_LV_LAM]) \
        + _squeezed(pth, y[0], p[P_LV_VD])
    prv = _ventricle(y[5], e, p[P_RV_EES], p[P_RV_VD], p[P_RV_P0], p[P_RV_LAM]) \
        + _squeezed(pth, y[5], p[P_RV_VD])
    pao = p[P_E_AO] * (y[1] - p[P_VU_AO]) + _squeezed(pth, y[1], f * p[P_VU_AO])
    pa = p[P_E_A] * (y[2] - p[P_VU_A])
    pv = p[P_E_V] * (y[3] - p[P_VU_V])
    pcv = p[P_E_CV] * (y[4] - p[P_VU_CV]) + _squeezed(pth, y[4], f * p[P_VU_CV])
    ppa = p[P_E_PA] * (y[6] - p[P_VU_PA]) + _squeezed(pth, y[6], f * p[P_VU_PA])
    ppv = p[P_E_PV] * (y[7] - p[P_VU_PV]) + _squeezed(pth, y[7], f * p[P_VU_PV])

    qmt = (ppv - plv) / p[P_R_MT] if ppv > plv else 0.0
    if plv > pao:
        qav = (plv - pao) / p[P_R_AV] * _emptying(y[0], f * p[P_LV_VD])
    else:
        qav = -p[P_G_AR] * (pao - plv)
    qao = (pao - pa) / p[P_R_AO]
    qsys = (pa - pv) / p[P_R_SYS]
    if pv > pcv:
        qvr = (pv - pcv) / p[P_R_VR]
    else:
        qvr = -p[P_G_VR_BACK] * (pcv - pv)
    qtc = (pcv - prv) / p[P_R_TC] if pcv > prv else 0.0
    qpvv = (prv - ppa) / p[P_R_PVV] * _emptying(y[5], f * p[P_RV_VD]) if prv > ppa else 0.0
    qpul = (ppa - ppv) / p[P_R_PUL]
    qbr = (pao - ppv) / p[P_R_BR]

    collapse = p[P_COLLAPSE]
    qvent = 0.0
    if p[P_VENT_Q] > 0.0:
        qvent = min(p[P_VENT_Q], max(plv - pth - collapse, 0.0) / p[P_R_DRAIN])
    mode = p[P_ECMO_MODE]
    lim = 0.0
    if mode < 0.5:
        qe = 0.0
    elif mode < 1.5:
        qe = p[P_ECMO_Q]
        qmax = max(pcv - pth - collapse, 0.0) / p[P_R_DRAIN]
        if qe > qmax:
            qe = qmax
            lim = 1.0
    else:
        qe = _pump_flow(pcv, pa, gv, ga, gq)

    out[0] = qmt - qav - qvent
    out[1] = qav - qao - qbr
    out[2] = qao - qsys + qe
    out[3] = qsys - qvr
    out[4] = qvr - qtc - qe + qvent
    out[5] = qtc - qpvv
    out[6] = qpvv - qpul
    out[7] = qpul - qmt + qbr
    a = _A0
    out[a + 0] = plv
    out[a + 1] = pao
    out[a + 2] = pa
    out[a + 3] = pv
    out[a + 4] = pcv
    out[a + 5] = prv
    out[a + 6] = ppa
    out[a + 7] = ppv
    out[a + 8] = qmt
    out[a + 9] = qav
    out[a + 10] = qao
    out[a + 11] = qsys
    out[a + 12] = qvr
    out[a + 13] = qtc
    out[a + 14] = qpvv
    out[a + 15] = qpul
    out[a + 16] = qbr
    out[a + 17] = qe
    out[a + 18] = qvent
    out[a + 19] = e
    out[a + 20] = pth
    out[a + 21] = lim


@njit()
def _rk4_step(t, y, dt, p, gv, ga, gq, k1, k2, k3, k4, tmp):
    rhs(t, y, p, gv, ga, gq, k1)
    for i in range(NSTATE):
        tmp[i] = y[i] + 0.5 * dt * k1[i]
    rhs(t + 0.5 * dt, tmp, p, gv, ga, gq, k2)
    for i in range(NSTATE):
        tmp[i] = y[i] + 0.5 * dt * k2[i]
    rhs(t + 0.5 * dt, tmp, p, gv, ga, gq, k3)
    for i in range(NSTATE):
        tmp[i] = y[i] + dt * k3[i]
    rhs(t + dt, tmp, p, gv, ga, gq, k4)
    for i in range(NSTATE):
        y[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])


@njit()
def warm_up(y0, t0, p, gv, ga, gq, dt, steps_per_cycle, max_cycles, tol, n_stable):
    """Integrate whole cycles until the state at the cycle start repeats.

    Returns (state, cycles run, converged).
    """
    y = y0.copy()
    prev = y0.copy()
    work = np.empty((4, NSTATE + NAUX))
    tmp = np.empty(NSTATE)
    stable = 0
    for c in range(max_cycles):
        prev[:] = y
        base = t0 + c * steps_per_cycle * dt
        for s in range(steps_per_cycle):
            _rk4_step(base + s * dt, y, dt, p, gv, ga, gq, work[0], work[1], work[2], work[3], tmp)
        d = 0.0
        for i in range(NSTATE):
            d = max(d, abs(y[i] - prev[i]))
        if d < tol:
            stable += 1
            if stable >= n_stable:
                return y, c + 1, True
        else:
            stable = 0
    return y, max_cycles, False


@njit()
def run(y0, t0, p, gv, ga, gq, dt, n_steps, rec_every, n_tail):
    """Integrate n_steps; record every rec_every-th step and the last n_tail steps.

    Returns (recorded rows, tail rows, final state); columns as COLUMNS.
    """
    rec = np.empty((n_steps // rec_every + 1, NCOL))
    tail = np.empty((n_tail, NCOL))
    work = np.empty((5, NSTATE + NAUX))
    tmp = np.empty(NSTATE)
    y = y0.copy()
    ir = 0
    tail_start = n_steps + 1 - n_tail
    for s in range(n_steps + 1):
        t = t0 + s * dt
        keep = s % rec_every == 0
        in_tail = s >= tail_start
        if keep or in_tail:
            aux = work[4]
            rhs(t, y, p, gv, ga, gq, aux)
            if keep:
                _record(rec[ir], t, y, aux)
                ir += 1
            if in_tail:
                _record(tail[s - tail_start], t, y, aux)
        if s < n_steps:
            _rk4_step(t, y, dt, p, gv, ga, gq, work[0], work[1], work[2], work[3], tmp)
    return rec[:ir], tail, y


@njit()
def _record(row, t, y, aux):
    row[0] = t
    for i in range(NSTATE):
        row[1 + i] = y[i]
    for i in range(NAUX):
        row[1 + NSTATE + i] = aux[_A0 + i]
