"""Compile ecmolib's numba kernels now: ``python -m ecmolib._warm_up``.

Numba compiles the beat-by-beat circulation (:mod:`ecmolib.hemodynamics`)
and the compiled VV solver (:mod:`ecmolib._vv_compiled`) on first use and
caches the machine code next to the source; the first use costs about 10 s
in all, every later one well under a second. ``dev.py`` and Binder's
``postBuild`` run this module so that no lesson waits for the compiler.
"""


def main() -> None:
    """One small call of each compiled model."""
    from ecmolib import circuit, hemodynamics, patients, vv

    vv.steady_state(patients.ADULT, 3.0)
    hemodynamics.simulate(patients.ADULT, 1.0)
    hemodynamics.simulate(patients.ADULT, 1.0, rpm=3000.0, circuit=circuit.ADULT_VA)


if __name__ == "__main__":
    main()
