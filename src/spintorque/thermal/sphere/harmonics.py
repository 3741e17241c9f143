r"""Brown's Fokker–Planck equation on the sphere as a spherical-harmonic (Galerkin) system.

The density is expanded in complex spherical harmonics about a polar axis u,

.. math:: P(\mathbf m, t) = \sum_{l\le L}\sum_{|m|\le l} c_{lm}(t)\,Y_{lm}(\theta,\varphi),
          \qquad \cos\theta = \mathbf m\cdot\mathbf u,

and the equation of :mod:`~spintorque.thermal.sphere.model` (times in tau_N),
∂P/∂t = ∇·(D_T ∇P − P v), v = −½∇U + (1/2α) m×∇U + w, D_T = ½(1 + nu i), is projected on
the same harmonics (the Coffey–Kalmykov approach; Coffey, Kalmykov & Waldron, *The Langevin
Equation*, ch. 9). Integrating the drift term by parts,

.. math:: \dot c_{lm} = -D_T\,l(l+1)\,c_{lm}
          + \sum_{l'm'} c_{l'm'} \int Y_{l'm'}\;\mathbf v\cdot\nabla\bar Y_{lm}\,d\Omega .

The matrix elements are computed by quadrature: Gauss–Legendre in cos θ and the exact Fourier
coefficients of v in φ. For a polynomial energy of degree two (uniaxial, demag, Zeeman) and a
Slonczewski torque with constant efficiency (Λ = 1) v·∇Ȳ is a polynomial of degree
l + 3 in the Cartesian components, so the quadrature is exact to rounding (the φ integral
only needs v's own bandwidth, checked to 1e-13); for smooth non-polynomial terms (Λ ≠ 1) it
converges spectrally with the extra nodes used. ∇U comes from the harmonic transform of U
(exact for a band-limited U; a U that is not band-limited to :data:`POTENTIAL_DEGREE` to 1e-12
is refused). No upwinding: the discretisation has no numerical diffusion, its only error is
the truncation at degree L (checked by the caller by refining L). The l = 0 row vanishes
identically (∇Y₀₀ = 0), so the total mass c₀₀ √(4π) is conserved exactly.

Real form: the density is real, so c_{l,−m} = (−1)^m c̄_{lm} (Condon–Shortley phases, as in
:func:`scipy.special.sph_legendre_p`); ``real=True`` keeps x = (Re c_{lm}, m ≥ 0; Im c_{lm},
m > 0), assembles only the rows m ≥ 0 and evolves the real matrix R with c = T x
(:func:`real_lift`): the same dynamics in half the complex unknowns, in real arithmetic.

Hemisphere masses are closed-form: only m = 0 contributes,
∫_{m·u>0} Y_{l0} dΩ = √(π(2l+1)) ∫_0^1 P_l, with ∫_0^1 P_l = (P_{l−1}(0) − P_{l+1}(0))/(2l+1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.special import eval_legendre, sph_legendre_p

from spintorque.errors import InputError
from spintorque.thermal.sphere.grid import unit_vector
from spintorque.thermal.sphere.model import SphereModel

FloatArray = NDArray[np.float64]
ComplexArray = NDArray[np.complex128]

POTENTIAL_DEGREE = 24
"""Largest degree of the harmonic transform of U from which ∇U is taken."""
PHI_NODES = 64
"""Uniform φ nodes for the Fourier coefficients of v (its bandwidth must be below half of it)."""
EXTRA_NODES = 48
"""Gauss nodes beyond L + 3 (exactness needs L + 3; the rest covers non-polynomial terms)."""


def frame(u: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """An orthonormal frame (a, b, u): polar axis u, φ = 0 along a."""
    u = unit_vector(u, "axis")
    ref = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
    a = ref - (ref @ u) * u
    a /= np.linalg.norm(a)
    return a, np.cross(u, a), u


@dataclass(frozen=True)
class Nodes:
    """Quadrature nodes: Gauss–Legendre x = cos θ (weights w), uniform φ, the unit vectors
    and the local frame (e_θ, e_φ) at each node, shapes (Nθ, Nφ, 3)."""

    x: FloatArray
    w: FloatArray
    theta: FloatArray
    phi: FloatArray
    m: FloatArray
    e_theta: FloatArray
    e_phi: FloatArray


def nodes(L: int, u: FloatArray, n_phi: int = PHI_NODES) -> Nodes:
    """The quadrature of the degree-L expansion about ``u``."""
    x, w = np.polynomial.legendre.leggauss(L + 3 + EXTRA_NODES)
    theta = np.arccos(x)
    phi = 2 * np.pi * np.arange(n_phi) / n_phi
    a, b, uu = frame(u)
    st, ct = np.sin(theta)[:, None, None], np.cos(theta)[:, None, None]
    sp_, cp = np.sin(phi)[None, :, None], np.cos(phi)[None, :, None]
    m = st * (cp * a + sp_ * b) + ct * uu
    e_theta = ct * (cp * a + sp_ * b) - st * uu
    e_phi = -sp_ * a + cp * b + 0.0 * st
    return Nodes(x, w, theta, phi, m, e_theta, e_phi)


class Legendre:
    r"""p_lm(θ) and ∂θ p_lm at fixed nodes for all l ≤ L and the orders ``orders`` (default all
    |m| ≤ L; p_{l,−m} = (−1)^m p_lm), normalised so that Y_lm = p_lm e^{imφ}/√(2π) is
    orthonormal on the sphere, with the Condon–Shortley phase (the convention of
    :func:`scipy.special.sph_legendre_p`). The standard three-term recursion of the fully
    normalised functions (e.g. Holmes & Featherstone, J. Geodesy 76, 279 (2002)), run along
    l − m for all orders at once:

    .. math:: p_{mm} = -\sqrt{\tfrac{2m+1}{2m}}\,\sin\theta\,p_{m-1,m-1},\quad
              p_{m+1,m} = \sqrt{2m+3}\,\cos\theta\,p_{mm},\quad
              p_{lm} = a_{lm}\,(\cos\theta\,p_{l-1,m} - b_{lm}\,p_{l-2,m}),

    a_lm = √((4l²−1)/(l²−m²)), b_lm = √(((l−1)²−m²)/(4(l−1)²−1)), p_00 = 1/√2, and
    ∂θ p_lm = (l cos θ p_lm − √((l²−m²)(2l+1)/(2l−1)) p_{l−1,m})/sin θ (checked against scipy's
    table to 1e-12)."""

    def __init__(self, L: int, theta: FloatArray, orders: list[int] | None = None) -> None:
        self.L = L
        theta = np.asarray(theta, dtype=float)
        ms = np.array(sorted({abs(m) for m in (orders if orders is not None else range(L + 1))}),
                      dtype=int)
        x, s = np.cos(theta), np.sin(theta)
        # p_mm for the orders needed, by the diagonal recursion (in steps of one order)
        diag = np.empty((L + 1, theta.size))
        diag[0] = 1.0 / math.sqrt(2.0)
        for m in range(1, L + 1):
            diag[m] = -math.sqrt((2 * m + 1) / (2 * m)) * s * diag[m - 1]
        mf = ms.astype(float)[:, None]
        p = np.zeros((ms.size, L + 1, theta.size))  # p[i, k] = p_{m_i + k, m_i}
        p[:, 0] = diag[ms]
        p[:, 1] = np.sqrt(2 * mf + 3) * x * p[:, 0]
        for k in range(2, L + 1):
            # only the orders with l = m + k <= L (ms ascending): half the work of all of them
            top = int(np.searchsorted(ms, L - k, side="right"))
            ell = mf[:top] + k
            a = np.sqrt((4 * ell**2 - 1) / (ell**2 - mf[:top] ** 2))
            b = np.sqrt(((ell - 1) ** 2 - mf[:top] ** 2) / (4 * (ell - 1) ** 2 - 1))
            p[:top, k] = a * (x * p[:top, k - 1] - b * p[:top, k - 2])
        self._tables: dict[int, tuple[FloatArray, FloatArray]] = {}
        for i, m in enumerate(ms):
            n = L - m + 1
            pm = p[i, :n]
            ell = np.arange(m, L + 1, dtype=float)[:, None]
            prev = np.vstack([np.zeros((1, theta.size)), pm[:-1]])
            c = np.sqrt(np.maximum(ell**2 - m**2, 0.0) * (2 * ell + 1) / (2 * ell - 1))
            dp = (ell * x * pm - c * prev) / s
            self._tables[int(m)] = (pm.T, dp.T)

    def __call__(self, m: int) -> tuple[FloatArray, FloatArray]:
        """(p, ∂θ p) for l = |m|..L, shapes (Nθ, L − |m| + 1)."""
        p, dp = self._tables[abs(m)]
        if m < 0 and m % 2:
            return -p, -dp
        return p, dp


def _legendre(L: int, m: int, theta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """p_lm(θ) and ∂θ p_lm for l = |m|..L at ``theta`` (see :class:`Legendre`)."""
    ls = np.arange(abs(m), L + 1)
    out = sph_legendre_p(ls[:, None], m, theta[None, :], diff_n=1)
    scale = math.sqrt(2 * math.pi)
    return np.asarray(out[0].T) * scale, np.asarray(out[1].T) * scale


def _phi_modes(values: FloatArray, cap: int, what: str) -> dict[int, FloatArray]:
    """Fourier coefficients (1/2π)∫ f e^{−ikφ} dφ over the last axis, |k| ≤ K, K the largest
    with content above 1e-13 of the largest; refused when f is not band-limited to ``cap``."""
    n = values.shape[-1]
    hat = np.fft.fft(values, axis=-1) / n
    size = np.abs(hat).max(axis=0)
    top = float(size.max())
    if top == 0.0:
        return {}
    k = np.fft.fftfreq(n, 1.0 / n).astype(int)
    significant = np.abs(k[size > 1e-13 * top])
    K = int(significant.max())
    if cap < K:
        raise InputError(what, f"not band-limited in the azimuth to {cap} (the harmonic solver "
                         "needs smooth energy and torque terms)")
    return {int(kk): hat[:, i] for i, kk in enumerate(k) if abs(kk) <= K}


def potential_gradient(model: SphereModel, q: Nodes) -> tuple[FloatArray, FloatArray]:
    """(∂θ U, (1/sin θ) ∂φ U) at the nodes, from the harmonic transform of U/(1 + nu i)
    (exact for a band-limited U). Refuses U not band-limited to POTENTIAL_DEGREE."""
    U = np.asarray(model.potential(q.m), dtype=float) / model.temperature_factor
    if not np.all(np.isfinite(U)):
        raise InputError("energy", "the energy is not finite on the sphere")
    modes = _phi_modes(U, POTENTIAL_DEGREE, "energy")
    gt = np.zeros_like(U)
    gp = np.zeros_like(U)
    recon = np.zeros_like(U)
    st = np.sin(q.theta)
    for k, f in modes.items():
        p, dp = _legendre(POTENTIAL_DEGREE, k, q.theta)
        c = p.T @ (q.w * f)  # coefficients of f(θ) in p_lk(cos θ)
        e = np.exp(1j * k * q.phi)[None, :]
        recon += np.real((p @ c)[:, None] * e)
        gt += np.real((dp @ c)[:, None] * e)
        gp += np.real((1j * k * (p @ c) / st)[:, None] * e)
    scale = max(float(np.abs(U).max()), 1.0)
    if np.abs(recon - U).max() > 1e-11 * scale:
        raise InputError("energy", f"not a polynomial of degree <= {POTENTIAL_DEGREE} on the sphere "
                         "to 1e-11 (the harmonic solver needs a smooth energy)")
    return gt, gp


def drift_velocity(model: SphereModel, q: Nodes) -> tuple[FloatArray, FloatArray]:
    """(w_θ, w_φ) at the nodes: the spin-torque drift alone (zero without one)."""
    if model.drift is None:
        return np.zeros(q.m.shape[:2]), np.zeros(q.m.shape[:2])
    w = np.asarray(model.drift(q.m), dtype=float)
    if not np.all(np.isfinite(w)):
        raise InputError("torque", "the spin-torque drift is not finite on the sphere")
    return np.einsum("ijk,ijk->ij", w, q.e_theta), np.einsum("ijk,ijk->ij", w, q.e_phi)


def velocity(model: SphereModel, q: Nodes) -> tuple[FloatArray, FloatArray]:
    """(v_θ, v_φ) at the nodes: v = −½∇U + (1/2α) m×∇U + w (m×e_θ = e_φ, m×e_φ = −e_θ)."""
    gt, gp = potential_gradient(model, q)
    wt, wp = drift_velocity(model, q)
    return -0.5 * gt - gp / (2 * model.alpha) + wt, -0.5 * gp + gt / (2 * model.alpha) + wp


def index(L: int, even: bool = False) -> dict[int, NDArray[np.int64]]:
    """Position in the coefficient vector of (l, m), l = |m|..L, per m (ordered by m, then l);
    ``even``: only even m (a problem symmetric under the rotation by π about u)."""
    out: dict[int, NDArray[np.int64]] = {}
    start = 0
    for m in range(-L, L + 1):
        if even and m % 2:
            continue
        n = L - abs(m) + 1
        out[m] = np.arange(start, start + n)
        start += n
    return out


@dataclass(frozen=True)
class HarmonicOperator:
    """The Galerkin generator A (dc/dt = A c) of degree L about the polar axis u."""

    matrix: sp.csr_matrix
    L: int
    axis: FloatArray
    positions: dict[int, NDArray[np.int64]]
    even: bool = False
    """Only even m kept (the problem is symmetric under the rotation by π about u)."""
    legendre: Legendre | None = field(default=None, repr=False)
    """The Legendre table at the operator's Gauss nodes (reused by :func:`start_density`)."""
    lift: sp.csr_matrix | None = field(default=None, repr=False)
    """Real form (``matrix`` acts on x = (Re c, m ≥ 0; Im c, m > 0)): c = lift @ x; None for the
    complex form (``matrix`` acts on c)."""

    @property
    def size(self) -> int:
        """Number of unknowns of ``matrix`` (real ones in the real form)."""
        return int(self.matrix.shape[0])

    @property
    def complex_size(self) -> int:
        """Number of complex coefficients c_lm."""
        return sum(len(v) for v in self.positions.values())

    def coordinates(self, c: ComplexArray) -> NDArray[np.inexact]:
        """The operator's own coordinates of complex coefficients c (x in the real form)."""
        if self.lift is None:
            return c
        return real_part(self.positions, c)

    def weights(self, g: FloatArray) -> FloatArray:
        """r with Re(g·c) = Re(r·(coordinates of c)) for a real weight vector g over c."""
        if self.lift is None:
            return g
        return np.asarray(self.lift.real.T @ g)


def odd_free(values: FloatArray) -> bool:
    """Whether a field at the nodes has no odd azimuthal modes (to 1e-13 of its largest)."""
    hat = np.abs(np.fft.fft(values, axis=-1))
    top = float(hat.max())
    return top == 0.0 or float(hat[:, 1::2].max()) <= 1e-13 * top


def real_part(positions: dict[int, NDArray[np.int64]], c: ComplexArray) -> FloatArray:
    """x = (Re c_lm for m ≥ 0 in the order of ``positions``; Im c_lm for m > 0)."""
    re = [c[v].real for m, v in positions.items() if m >= 0]
    im = [c[v].imag for m, v in positions.items() if m > 0]
    return np.concatenate(re + im)


def real_lift(positions: dict[int, NDArray[np.int64]]) -> sp.csr_matrix:
    """T with c = T x for a real density (c_{l,−m} = (−1)^m c̄_{lm}; x as in :func:`real_part`)."""
    rows, cols, vals = [], [], []
    col = 0
    for part in (1.0, 1j):
        for m, where in positions.items():
            if m < 0 or (part == 1j and m == 0):
                continue
            j = np.arange(col, col + where.size)
            rows += [where, positions[-m]] if m else [where]
            cols += [j, j] if m else [j]
            vals += [np.full(where.size, part), np.full(where.size, (-1) ** m * np.conj(part))] \
                if m else [np.full(where.size, part)]
            col += where.size
    n = sum(v.size for v in positions.values())
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(n, col))


def realify(A: sp.spmatrix, positions: dict[int, NDArray[np.int64]]) -> tuple[sp.csr_matrix,
                                                                                sp.csr_matrix]:
    """(R, T): the real form R of a complex generator A that preserves real densities
    (dx/dt = R x for c = T x: the rows of A T at m ≥ 0, real parts, then m > 0, imaginary
    parts). Only A's rows m ≥ 0 are read."""
    T = real_lift(positions)
    AT = sp.csr_matrix(A @ T)
    re = np.concatenate([v for m, v in positions.items() if m >= 0])
    im = np.concatenate([v for m, v in positions.items() if m > 0] or [np.zeros(0, np.int64)])
    R = sp.vstack([AT[re].real, AT[im].imag]).tocsr()
    R.eliminate_zeros()
    return R, T


DROP = 1e-11
"""Relative size below which matrix elements are dropped: the quadrature rounding of elements
that vanish exactly is ~1e-12 of the largest (measured at L = 40 on the in-plane cell)."""


def _assemble(vt: FloatArray, vp: FloatArray, q: Nodes, pos: dict[int, NDArray[np.int64]],
              leg: dict[int, tuple[FloatArray, FloatArray]], drop: float,
              nonnegative: bool) -> sp.csr_matrix:
    """The drift part ∫ Y_{l'm'} v·∇Ȳ_lm dΩ of A (rows m ≥ 0 only if ``nonnegative``)."""
    st = np.sin(q.theta)
    mt = _phi_modes(vt, PHI_NODES // 2 - 2, "velocity")
    mp = _phi_modes(vp, PHI_NODES // 2 - 2, "velocity")
    K = max([abs(k) for k in (*mt, *mp)], default=0)
    zero = np.zeros_like(q.x, dtype=complex)
    rows, cols, vals = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, complex)]
    for m in pos:
        if nonnegative and m < 0:
            continue
        p, dp = leg[m]
        sdiv = p / st[:, None]
        for delta in range(-K, K + 1):
            m2 = m - delta
            if m2 not in pos:
                continue
            ft = mt.get(delta, zero) * q.w
            fp = mp.get(delta, zero) * q.w
            left = dp.T * ft[None, :] - 1j * m * sdiv.T * fp[None, :]
            block = left @ leg[m2][0]
            # a superset of the globally kept entries (the block's largest ≤ the largest), so
            # the dense blocks never accumulate
            r, c = np.nonzero(np.abs(block) > drop * np.abs(block).max())
            rows.append(pos[m][r])
            cols.append(pos[m2][c])
            vals.append(block[r, c])
    row, col, val = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    keep = np.abs(val) > drop * np.abs(val).max() if val.size else np.zeros(0, bool)
    n = sum(len(v) for v in pos.values())
    return sp.csr_matrix(sp.coo_matrix((val[keep], (row[keep], col[keep])), shape=(n, n)))


def _finish(A: sp.csr_matrix, pos: dict[int, NDArray[np.int64]],
            real: bool) -> tuple[sp.csr_matrix, sp.csr_matrix | None]:
    """The l = 0 row zeroed (∇Y00 = 0: mass is conserved exactly), then the real form."""
    A = sp.csr_matrix(A)
    A.data[A.indptr[pos[0][0]]:A.indptr[pos[0][0] + 1]] = 0.0
    A.eliminate_zeros()
    if not real:
        return A, None
    return realify(A, pos)


def _setup(model: SphereModel, L: int, u: FloatArray, even: bool | None
           ) -> tuple[Nodes, FloatArray, FloatArray, bool, dict[int, NDArray[np.int64]], Legendre]:
    if not (isinstance(L, int) and 2 <= L <= 400):
        raise InputError("L", f"harmonic degree must be an integer in [2, 400], got {L!r}")
    q = nodes(L, unit_vector(u, "axis"))
    vt, vp = velocity(model, q)
    symmetric = odd_free(vt) and odd_free(vp)
    if even is None:
        even = symmetric
    elif even and not symmetric:
        raise InputError("even", "the drift has odd azimuthal modes: all m are needed")
    pos = index(L, even)
    return q, vt, vp, even, pos, Legendre(L, q.theta, list(pos))


def build_operator(model: SphereModel, L: int, u: FloatArray, drop: float = DROP,
                   even: bool | None = None, real: bool = False) -> HarmonicOperator:
    """Assemble A for ``model`` (see the module docstring); entries below ``drop`` times the
    largest are dropped (quadrature rounding of the elements that vanish exactly).

    ``even``: keep only even m (valid when v has no odd azimuthal modes about u, checked;
    None: whenever that holds; the start state must then be even too, see :func:`is_even`).
    ``real``: the real form (module docstring; half the rows assembled, real arithmetic).
    """
    q, vt, vp, even, pos, table = _setup(model, L, u, even)
    return _operator(model, vt, vp, q, pos, table, L, u, drop, even, real)


def _operator(model: SphereModel, vt: FloatArray, vp: FloatArray, q: Nodes,
              pos: dict[int, NDArray[np.int64]], table: Legendre, L: int, u: FloatArray,
              drop: float, even: bool, real: bool) -> HarmonicOperator:
    leg = {m: table(m) for m in pos}
    A = _assemble(vt, vp, q, pos, leg, drop, nonnegative=real)
    ell = np.concatenate([np.arange(abs(m), L + 1) for m in pos])
    A = A - sp.diags(0.5 * model.temperature_factor * ell * (ell + 1.0))
    matrix, lift = _finish(A, pos, real)
    return HarmonicOperator(matrix, L, unit_vector(u, "axis"), pos, even, table, lift)


def split_operator(model: SphereModel, L: int, u: FloatArray, drop: float = DROP,
                   even: bool | None = None, real: bool = False
                   ) -> tuple[HarmonicOperator, sp.csr_matrix]:
    """(A_0, A_w): the operator of ``model`` without its spin-torque drift, and the drift's own
    part, so that a model whose drift is s·w (same energy, damping and temperature factor) has
    A = A_0 + s A_w (the projection is linear in v). Each part drops entries below ``drop``
    times its own largest; ``even``/``real`` as in :func:`build_operator`, decided on the
    full model."""
    from dataclasses import replace

    q, vt, vp, even, pos, table = _setup(model, L, u, even)
    wt, wp = drift_velocity(model, q)
    zero = _operator(replace(model, drift=None), vt - wt, vp - wp, q, pos, table, L, u, drop,
                     even, real)
    if model.drift is None:
        return zero, sp.csr_matrix(zero.matrix.shape, dtype=zero.matrix.dtype)
    leg = {m: table(m) for m in pos}
    Aw, _ = _finish(_assemble(wt, wp, q, pos, leg, drop, nonnegative=real), pos, real)
    return zero, Aw


def is_even(model: SphereModel, u: FloatArray, L: int = 8) -> bool:
    """Whether U and the drift of ``model`` are invariant under the rotation by π about u."""
    q = nodes(L, u)
    vt, vp = velocity(model, q)
    U = np.asarray(model.potential(q.m), dtype=float)
    return odd_free(U) and odd_free(vt) and odd_free(vp)


def project(op: HarmonicOperator, density: FloatArray, q: Nodes) -> NDArray[np.inexact]:
    """Coefficients c_lm = ∫ f Ȳ_lm dΩ of a real function given at the nodes (exact to degree of
    the quadrature), in the operator's coordinates (x of the real form)."""
    c = np.zeros(op.complex_size, dtype=complex)
    n_phi = q.phi.size
    hat = np.fft.fft(density, axis=-1) / n_phi * 2 * np.pi  # ∫ f e^{-imφ} dφ
    table = op.legendre if op.legendre is not None else Legendre(op.L, q.theta)
    for m, where in op.positions.items():
        p, _ = table(m)
        c[where] = (p.T @ (q.w * hat[:, m % n_phi])) / math.sqrt(2 * math.pi)
    return op.coordinates(c)


def hemisphere_weights(op: HarmonicOperator) -> FloatArray:
    """g with mass(m·u > 0) = Re(g · c): ∫_{x>0} Y_l0 dΩ = √(π(2l+1)) ∫_0^1 P_l dx (in the
    operator's coordinates)."""
    L = op.L
    ls = np.arange(L + 1)
    p0 = eval_legendre(np.arange(L + 2), 0.0)
    integral = np.empty(L + 1)
    integral[0] = 1.0
    integral[1:] = (p0[: L] - p0[2: L + 2]) / (2 * ls[1:] + 1)
    g = np.zeros(op.complex_size)
    g[op.positions[0]] = np.sqrt(np.pi * (2 * ls + 1)) * integral
    return op.weights(g)


def total_weight(op: HarmonicOperator) -> FloatArray:
    """g with total mass = Re(g · c) (only Y00 = 1/√(4π) integrates to non-zero)."""
    g = np.zeros(op.complex_size)
    g[op.positions[0][0]] = math.sqrt(4 * math.pi)
    return op.weights(g)


def start_density(start: SphereModel, op: HarmonicOperator) -> NDArray[np.inexact]:
    """Coefficients of the Boltzmann state of ``start`` restricted to m·u > 0, normalised (in
    the operator's coordinates).

    The cut multiplies a density that is exp(−ΔU) ≤ e^{−barrier} of its peak on m·u = 0, so its
    non-smoothness (the Gibbs error of the projection) is of that relative size: ~e^{−sigma}.
    """
    q = nodes(op.L, op.axis, n_phi=2 * (op.L + EXTRA_NODES))
    U = np.asarray(start.potential(q.m), dtype=float) / start.temperature_factor
    f = np.exp(-(U - U.min())) * (q.m @ op.axis > 0)
    c = project(op, f, q)
    mass = float(np.real(total_weight(op) @ c))
    return c / mass


def evaluate(op: HarmonicOperator, c: NDArray[np.inexact], points: FloatArray) -> FloatArray:
    """Σ c_lm Y_lm(m) at unit vectors ``points`` (shape (..., 3)), real part (``c`` in the
    operator's coordinates)."""
    if op.lift is not None:
        c = op.lift @ c
    a, b, u = frame(op.axis)
    pts = np.asarray(points, dtype=float)
    flat = pts.reshape(-1, 3)
    theta = np.arccos(np.clip(flat @ u, -1.0, 1.0))
    phi = np.arctan2(flat @ b, flat @ a)
    table = Legendre(op.L, theta)
    out = np.zeros(theta.size, dtype=complex)
    for m, where in op.positions.items():
        p, _ = table(m)
        out += (p @ c[where]) * np.exp(1j * m * phi) / math.sqrt(2 * math.pi)
    return np.asarray(out.real.reshape(pts.shape[:-1]))
