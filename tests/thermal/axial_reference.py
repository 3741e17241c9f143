r"""Independent high-precision references for the axial solver (mpmath), constant efficiency.

Neither method shares code or discretisation with :mod:`spintorque.thermal.axial`:

* MFPT: the exact double integral with the inner integral in closed form. For
  U = −sigma z² − b z, x = √sigma (z + β), y = √sigma (1 + β), β = b/(2 sigma),

  .. math:: e^{U(z)}\int_z^1 e^{-U(s)}ds = \frac{\sqrt\pi}{2\sqrt\sigma}\,e^{-x^2}
            \big[\operatorname{erfi} y - \operatorname{erfi} x\big],

  evaluated with 40+ digits (the difference only cancels as z → 1), and the outer integral by
  tanh–sinh quadrature (``mpmath.quad``) split at the barrier top and graded towards the ends.
* λ1: the Fokker–Planck operator on Legendre coefficients of W is pentadiagonal for a quadratic
  U (exact rational entries: z P_n and (1 − z²) P_n' are three-term combinations). Its
  eigenvalues other than 0 are those of the matrix without row/column 0; λ1 is bracketed by a
  sign change of det(G' + 2λ I) (banded LU in mpmath at a precision set by λ1's size), and the
  sign at the lower end certifies that no eigenvalue lies below (all factors 2λ − 2λ_k < 0).
* τ_int: the double-integral formula with F(z) = ∫(s − μ) e^{−U} in closed form (erfi), at a
  precision that covers its cancellations, and the outer integral by ``mpmath.quad``.
"""

from __future__ import annotations

import mpmath as mp


def _b(sigma: float, h: float, i: float) -> mp.mpf:
    return 2 * mp.mpf(sigma) * (mp.mpf(h) - mp.mpf(i) * (1 + mp.mpf(h)))


def _graded(a: mp.mpf, c: mp.mpf, width: mp.mpf) -> list[mp.mpf]:
    """Points a + width·4^k and c − width·4^k inside (a, c)."""
    out, d = [], width
    while d < (c - a) / 2:
        out += [a + d, c - d]
        d *= 4
    return out


def mfpt(sigma: float, h: float, i: float, start: float = 1.0, target: float = 0.0,
         dps: int = 40) -> mp.mpf:
    """MFPT/tau_N from start down to target (< start), reflecting at z = +1."""
    with mp.workdps(dps):
        s, b = mp.mpf(sigma), _b(sigma, h, i)
        a, c = mp.mpf(target), mp.mpf(start)

        if s == 0:
            def inner(z: mp.mpf) -> mp.mpf:  # ∫_z^1 e^{b (s − z)} ds
                return (1 - z) if b == 0 else mp.expm1(b * (1 - z)) / b
            points = [a, c]
        else:
            beta = b / (2 * s)
            root, y = mp.sqrt(s), mp.sqrt(s) * (1 + beta)
            erfi_y = mp.erfi(y)

            def inner(z: mp.mpf) -> mp.mpf:
                x = root * (z + beta)
                return mp.sqrt(mp.pi) / (2 * root) * mp.exp(-x * x) * (erfi_y - mp.erfi(x))
            top = -beta
            width = 1 / max(abs(2 * s * a + b), abs(2 * s * c + b), mp.sqrt(2 * s), mp.mpf(1))
            points = [a, c, *_graded(a, c, width)]
            if a < top < c:
                points += [top, *_graded(a, top, 1 / mp.sqrt(2 * s)),
                           *_graded(top, c, 1 / mp.sqrt(2 * s))]
        points = sorted(set(points))

        def outer(z: mp.mpf) -> mp.mpf:
            gap = 1 - z
            if gap == 0:  # inner ~ (1 − z) at the reflecting pole
                return mp.mpf(1) / 2
            return inner(z) / (gap * (1 + z))
        return 2 * mp.quad(outer, points)


def _matrix(sigma: float, b: mp.mpf, size: int) -> list[list[mp.mpf]]:
    """Rows m = 0 … size−1 of G (offsets −2 … 2): coefficients of P_m in L P_n, with
    L W = ∂_z[(1 − z²)(∂_z W + U' W)], U' = −2 sigma z − b (so 2 tau_N ∂_t a = G a)."""
    s = mp.mpf(sigma)

    def z_p(k: int, n: int) -> mp.mpf:  # ∫ P_k z P_n
        if k == n + 1:
            return mp.mpf(2 * (n + 1)) / ((2 * n + 1) * (2 * n + 3))
        if k == n - 1 and n >= 1:
            return mp.mpf(2 * n) / ((2 * n + 1) * (2 * n - 1))
        return mp.mpf(0)

    def u_p(k: int, n: int) -> mp.mpf:  # ∫ P_k U' P_n
        if k < 0:
            return mp.mpf(0)
        return -2 * s * z_p(k, n) - (b * mp.mpf(2) / (2 * n + 1) if k == n else 0)

    rows = []
    for m in range(size):
        row = []
        for n in range(m - 2, m + 3):
            if n < 0 or n >= size:
                row.append(mp.mpf(0))
                continue
            # ∫ P_m L P_n = −n(n+1) ∫P_n² δ_mn − ∫ (1 − z²) P_m' U' P_n,
            # with (1 − z²) P_m' = m(m+1)/(2m+1) (P_{m−1} − P_{m+1})
            value = -mp.mpf(n * (n + 1)) * 2 / (2 * n + 1) if m == n else mp.mpf(0)
            value -= mp.mpf(m * (m + 1)) / (2 * m + 1) * (u_p(m - 1, n) - u_p(m + 1, n))
            row.append(value * (2 * m + 1) / 2)
        rows.append(row)
    return rows


def _det_sign(rows: list[list[mp.mpf]], lam: mp.mpf) -> int:
    """Sign of det(G' + 2 lam I), G' = G without row and column 0 (banded LU, no pivoting)."""
    size = len(rows)
    band = [[rows[m][j] + (2 * lam if j == 2 else 0) for j in range(5)] for m in range(1, size)]
    band[0][1] = mp.mpf(0)  # column 0 of rows 1 and 2 is dropped
    if len(band) > 1:
        band[1][0] = mp.mpf(0)
    sign = 1
    for k in range(len(band)):
        pivot = band[k][2]
        if pivot < 0:
            sign = -sign
        for m in (k + 1, k + 2):
            if m >= len(band):
                continue
            j = k - m + 2  # column k in row m
            factor = band[m][j] / pivot
            if factor == 0:
                continue
            for n in range(k + 1, min(k + 3, len(band))):
                band[m][n - m + 2] -= factor * band[k][n - k + 2]
            band[m][j] = mp.mpf(0)
    return sign


def smallest_eigenvalue(sigma: float, h: float, i: float, guess: float, size: int | None = None,
                        extra_digits: int = 0) -> mp.mpf | None:
    """λ1·tau_N bracketed within ±1e-6·guess, certified to be the smallest non-zero eigenvalue
    of the truncated matrix; None if the bracket holds no root or a lower eigenvalue exists."""
    b = _b(sigma, h, i)
    if size is None:
        size = int(1.5 * (sigma + abs(float(b)))) + 80
    dps = 30 + extra_digits + int(max(0.0, -float(mp.log10(guess)))) + 2 * len(str(size))
    with mp.workdps(dps):
        rows = _matrix(sigma, b, size)
        lo, hi = mp.mpf(guess) * (1 - mp.mpf("1e-6")), mp.mpf(guess) * (1 + mp.mpf("1e-6"))
        below = (-1) ** (size - 1)  # sign of Π(2λ − 2λ_k) with every λ_k above λ
        if _det_sign(rows, lo) != below or _det_sign(rows, hi) != -below:
            return None
        for _ in range(34):
            mid = (lo + hi) / 2
            if _det_sign(rows, mid) == below:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2


def integral_relaxation_time(sigma: float, h: float, i: float) -> mp.mpf:
    """tau_int/tau_N of m_z (sigma > 0), with F in closed form and enough digits for its
    cancellations (twice the range of U), the outer integral by tanh–sinh quadrature."""
    b = _b(sigma, h, i)
    span = 2 * float(abs(mp.mpf(sigma)) + abs(b))
    with mp.workdps(30 + int(2 * span / 2.3)):
        s = mp.mpf(sigma)
        beta, root = b / (2 * s), mp.sqrt(s)
        shift = -b * b / (4 * s)  # σs² + bs = (√σ(s + β))² + shift

        def boltzmann(z: mp.mpf) -> mp.mpf:
            return mp.exp(s * z * z + b * z)

        def mass(z: mp.mpf) -> mp.mpf:  # ∫_{-1}^{z} e^{σs² + bs} ds
            return mp.exp(shift) * mp.sqrt(mp.pi) / (2 * root) * (
                mp.erfi(root * (z + beta)) - mp.erfi(root * (beta - 1)))

        def first(z: mp.mpf) -> mp.mpf:  # ∫_{-1}^{z} s e^{σs² + bs} ds
            return (boltzmann(z) - boltzmann(mp.mpf(-1))) / (2 * s) - beta * mass(z)

        Z = mass(mp.mpf(1))
        mean = first(mp.mpf(1)) / Z
        second = mp.quad(lambda z: (z - mean) ** 2 * boltzmann(z), [-1, mean, 1])

        def outer(z: mp.mpf) -> mp.mpf:
            F = first(z) - mean * mass(z)
            return F * F / (boltzmann(z) * (1 - z) * (1 + z))
        points = sorted({mp.mpf(-1), mean, mp.mpf(1)} | (
            {-beta} if -1 < -beta < 1 else set()))
        return 2 * mp.quad(outer, points) / second
