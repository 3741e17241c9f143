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

Hemisphere masses are closed-form: only m = 0 contributes,
∫_{m·u>0} Y_{l0} dΩ = √(π(2l+1)) ∫_0^1 P_l, with ∫_0^1 P_l = (P_{l−1}(0) − P_{l+1}(0))/(2l+1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.special import eval_legendre, sph_legendre_p, sph_legendre_p_all

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
    """p_lm(θ) and ∂θ p_lm at fixed nodes for all l ≤ L, |m| ≤ l, normalised so that
    Y_lm = p_lm e^{imφ}/√(2π) is orthonormal on the sphere (one recursion for all of them)."""

    def __init__(self, L: int, theta: FloatArray) -> None:
        self.L = L
        self.table = np.asarray(sph_legendre_p_all(L, L, theta, diff_n=1)) * math.sqrt(2 * math.pi)

    def __call__(self, m: int) -> tuple[FloatArray, FloatArray]:
        """(p, ∂θ p) for l = |m|..L, shapes (Nθ, L − |m| + 1)."""
        col = m % (2 * self.L + 1)
        return self.table[0, abs(m):, col].T, self.table[1, abs(m):, col].T


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


def velocity(model: SphereModel, q: Nodes) -> tuple[FloatArray, FloatArray]:
    """(v_θ, v_φ) at the nodes: v = −½∇U + (1/2α) m×∇U + w (m×e_θ = e_φ, m×e_φ = −e_θ)."""
    gt, gp = potential_gradient(model, q)
    vt = -0.5 * gt - gp / (2 * model.alpha)
    vp = -0.5 * gp + gt / (2 * model.alpha)
    if model.drift is not None:
        w = np.asarray(model.drift(q.m), dtype=float)
        if not np.all(np.isfinite(w)):
            raise InputError("torque", "the spin-torque drift is not finite on the sphere")
        vt = vt + np.einsum("ijk,ijk->ij", w, q.e_theta)
        vp = vp + np.einsum("ijk,ijk->ij", w, q.e_phi)
    return vt, vp


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

    @property
    def size(self) -> int:
        return int(self.matrix.shape[0])


def odd_free(values: FloatArray) -> bool:
    """Whether a field at the nodes has no odd azimuthal modes (to 1e-13 of its largest)."""
    hat = np.abs(np.fft.fft(values, axis=-1))
    top = float(hat.max())
    return top == 0.0 or float(hat[:, 1::2].max()) <= 1e-13 * top


DROP = 1e-11
"""Relative size below which matrix elements are dropped: the quadrature rounding of elements
that vanish exactly is ~1e-12 of the largest (measured at L = 40 on the in-plane cell)."""


def build_operator(model: SphereModel, L: int, u: FloatArray, drop: float = DROP,
                   even: bool | None = None) -> HarmonicOperator:
    """Assemble A for ``model`` (see the module docstring); entries below ``drop`` times the
    largest are dropped (quadrature rounding of the elements that vanish exactly).

    ``even``: keep only even m (valid when v has no odd azimuthal modes about u, checked;
    None: whenever that holds; the start state must then be even too, see :func:`is_even`).
    """
    if not (isinstance(L, int) and 2 <= L <= 400):
        raise InputError("L", f"harmonic degree must be an integer in [2, 400], got {L!r}")
    u = unit_vector(u, "axis")
    q = nodes(L, u)
    vt, vp = velocity(model, q)
    st = np.sin(q.theta)
    mt = _phi_modes(vt, PHI_NODES // 2 - 2, "velocity")
    mp = _phi_modes(vp, PHI_NODES // 2 - 2, "velocity")
    K = max([abs(k) for k in (*mt, *mp)], default=0)
    symmetric = odd_free(vt) and odd_free(vp)
    if even is None:
        even = symmetric
    elif even and not symmetric:
        raise InputError("even", "the drift has odd azimuthal modes: all m are needed")
    zero = np.zeros_like(q.x, dtype=complex)
    pos = index(L, even)
    table = Legendre(L, q.theta)
    leg = {m: table(m) for m in pos}
    rows, cols, vals = [], [], []
    for m in pos:
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
    A = sp.coo_matrix((val[keep], (row[keep], col[keep])), shape=(n, n)).tocsr()
    ell = np.concatenate([np.arange(abs(m), L + 1) for m in pos])
    A = A - sp.diags(0.5 * model.temperature_factor * ell * (ell + 1.0))
    A = sp.csr_matrix(A)
    # the l = 0 row is zero by construction (∇Y00 = 0): mass is conserved exactly
    A.data[A.indptr[pos[0][0]]:A.indptr[pos[0][0] + 1]] = 0.0
    A.eliminate_zeros()
    return HarmonicOperator(A, L, u, pos, even, table)


def is_even(model: SphereModel, u: FloatArray, L: int = 8) -> bool:
    """Whether U and the drift of ``model`` are invariant under the rotation by π about u."""
    q = nodes(L, u)
    vt, vp = velocity(model, q)
    U = np.asarray(model.potential(q.m), dtype=float)
    return odd_free(U) and odd_free(vt) and odd_free(vp)


def project(op: HarmonicOperator, density: FloatArray, q: Nodes) -> ComplexArray:
    """Coefficients c_lm = ∫ f Ȳ_lm dΩ of a function given at the nodes (exact to degree of the
    quadrature)."""
    c = np.zeros(op.size, dtype=complex)
    n_phi = q.phi.size
    hat = np.fft.fft(density, axis=-1) / n_phi * 2 * np.pi  # ∫ f e^{-imφ} dφ
    table = op.legendre if op.legendre is not None else Legendre(op.L, q.theta)
    for m, where in op.positions.items():
        p, _ = table(m)
        c[where] = (p.T @ (q.w * hat[:, m % n_phi])) / math.sqrt(2 * math.pi)
    return c


def hemisphere_weights(op: HarmonicOperator) -> FloatArray:
    """g with mass(m·u > 0) = Re(g · c): ∫_{x>0} Y_l0 dΩ = √(π(2l+1)) ∫_0^1 P_l dx."""
    L = op.L
    ls = np.arange(L + 1)
    p0 = eval_legendre(np.arange(L + 2), 0.0)
    integral = np.empty(L + 1)
    integral[0] = 1.0
    integral[1:] = (p0[: L] - p0[2: L + 2]) / (2 * ls[1:] + 1)
    g = np.zeros(op.size)
    g[op.positions[0]] = np.sqrt(np.pi * (2 * ls + 1)) * integral
    return g


def total_weight(op: HarmonicOperator) -> FloatArray:
    """g with total mass = Re(g · c) (only Y00 = 1/√(4π) integrates to non-zero)."""
    g = np.zeros(op.size)
    g[op.positions[0][0]] = math.sqrt(4 * math.pi)
    return g


def start_density(start: SphereModel, op: HarmonicOperator) -> ComplexArray:
    """Coefficients of the Boltzmann state of ``start`` restricted to m·u > 0, normalised.

    The cut multiplies a density that is exp(−ΔU) ≤ e^{−barrier} of its peak on m·u = 0, so its
    non-smoothness (the Gibbs error of the projection) is of that relative size: ~e^{−sigma}.
    """
    q = nodes(op.L, op.axis, n_phi=2 * (op.L + EXTRA_NODES))
    U = np.asarray(start.potential(q.m), dtype=float) / start.temperature_factor
    f = np.exp(-(U - U.min())) * (q.m @ op.axis > 0)
    c = project(op, f, q)
    mass = float(np.real(total_weight(op) @ c))
    return c / mass


def evaluate(op: HarmonicOperator, c: ComplexArray, points: FloatArray) -> FloatArray:
    """Σ c_lm Y_lm(m) at unit vectors ``points`` (shape (..., 3)), real part."""
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
