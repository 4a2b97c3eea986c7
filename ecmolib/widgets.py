"""Labelled sliders and a small "explorer" that ties them to a figure.

A lesson's interactive figure is a *draw* function ``draw(fig, **values)``
that computes the model state for the slider values, draws into ``fig`` and
returns the key numbers it showed; optionally an *update* function
``update(fig, **values)`` that shows another state on the artists that
``draw`` made in ``fig`` (``set_data``, ``set_color``, ``set_text``), which is several times
faster than drawing afresh. :class:`Explorer` binds them to sliders whose
ranges are the model's valid input ranges, so no slider position can
produce invalid input.

The live figure is a persistent matplotlib ``Figure`` rendered to PNG into
an ``ipywidgets.Image``: every slider move costs one model update, one Agg
draw and one PNG encode (:meth:`Explorer.refresh`, which the benchmarks
time), and the same widget works in JupyterLab, the classic notebook and
Voila without a matplotlib widget backend. The static figure of the default
state (:meth:`Explorer.show`) is an ordinary inline figure from the same
draw function. Tests drive both at every slider's extremes (see
:meth:`Explorer.extreme_settings`).

ipywidgets is imported only when a widget is built, so importing this module
costs nothing outside Jupyter.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable

import matplotlib.pyplot as plt

__all__ = ["SliderSpec", "Explorer", "slider"]


@dataclass(frozen=True)
class SliderSpec:
    """A slider's meaning and range.

    Parameters
    ----------
    label : str
        What the learner sees, e.g. ``"pump speed"``.
    units : str
        Units shown after the label, e.g. ``"rpm"``; ``""`` for none.
    low, high : float
        Ends of the slider; both must be valid model input.
    value : float
        Starting position (the lesson's default state).
    step : float
        Slider step.
    fmt : str
        Readout format, e.g. ``".0f"``.
    """

    label: str
    units: str
    low: float
    high: float
    value: float
    step: float
    fmt: str = ".2f"

    def __post_init__(self):
        if not (self.low < self.high and self.low <= self.value <= self.high and self.step > 0):
            raise ValueError(
                f"slider {self.label!r}: need low < high, low <= value <= high and step > 0; "
                f"got low={self.low}, high={self.high}, value={self.value}, step={self.step}"
            )


def slider(spec: SliderSpec, *, continuous_update: bool = True):
    """Build an ipywidgets ``FloatSlider`` from a :class:`SliderSpec`."""
    import ipywidgets

    units = f" [{spec.units}]" if spec.units else ""
    return ipywidgets.FloatSlider(
        value=spec.value, min=spec.low, max=spec.high, step=spec.step,
        description=f"{spec.label}{units}", readout_format=spec.fmt,
        continuous_update=continuous_update,
        style={"description_width": "160px"}, layout={"width": "480px"},
    )


@dataclass
class Explorer:
    """Sliders bound to a figure that follows them.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values) -> dict`` draws the state for the slider
        values into the matplotlib figure ``fig`` (which is empty) and
        returns the numbers it showed (floats), which tests check for NaN.
    specs : dict of str to SliderSpec
        One entry per keyword argument of ``draw``.
    update : callable, optional
        ``update(fig, **values) -> dict`` shows another state on the
        artists that ``draw`` made in ``fig`` (fast path; keep them in a
        ``weakref.WeakKeyDictionary`` keyed by figure); without it every
        move draws afresh.
    figsize : tuple of float, optional
        Figure size [inch]; defaults to the lesson style's.
    continuous_update : bool
        False for views that integrate ODEs (update on release only).
    """

    draw: Callable[..., dict]
    specs: dict[str, SliderSpec]
    update: Callable[..., dict] | None = None
    figsize: tuple[float, float] | None = None
    continuous_update: bool = True
    sliders: dict = field(default_factory=dict, init=False, repr=False)
    figure: object = field(default=None, init=False, repr=False)
    image: object = field(default=None, init=False, repr=False)

    def defaults(self) -> dict[str, float]:
        """Slider values of the lesson's default state."""
        return {k: s.value for k, s in self.specs.items()}

    def extreme_settings(self):
        """Yield every setting with one slider at one end and the rest at default."""
        for name, spec in self.specs.items():
            for end in (spec.low, spec.high):
                yield {**self.defaults(), name: end}

    def show(self, **values) -> dict:
        """Draw a state (default: the lesson's default) as an ordinary static figure."""
        fig = plt.figure(figsize=self.figsize)
        numbers = self.draw(fig, **{**self.defaults(), **values})
        plt.show()
        return numbers

    def refresh(self, **values) -> dict:
        """Bring the live figure to ``values`` and re-render it: what a slider move runs."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        values = {**self.defaults(), **values}
        if self.figure is None:
            self.figure = Figure(figsize=self.figsize)
            FigureCanvasAgg(self.figure)
            numbers = self.draw(self.figure, **values)
        elif self.update is not None:
            numbers = self.update(self.figure, **values)
        else:
            self.figure.clear()
            numbers = self.draw(self.figure, **values)
        buf = io.BytesIO()
        self.figure.canvas.print_png(buf)
        if self.image is not None:
            self.image.value = buf.getvalue()
        return numbers

    def widget(self):
        """The sliders and their live figure, ready to display."""
        import ipywidgets

        self.sliders = {k: slider(s, continuous_update=self.continuous_update) for k, s in self.specs.items()}
        self.image = ipywidgets.Image(format="png")
        self.refresh(**{k: w.value for k, w in self.sliders.items()})

        def on_change(_change):
            self.refresh(**{k: w.value for k, w in self.sliders.items()})

        for w in self.sliders.values():
            w.observe(on_change, names="value")
        return ipywidgets.VBox([*self.sliders.values(), self.image])
