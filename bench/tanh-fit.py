# The coefficients of src/ScratchNet/Kernels/TanhKernel.cs: tanh(x) ≈ x·P(x²)/Q(x²) on |x| ≤ C, fitted for the least
# relative error. Run: python3 bench/tanh-fit.py [M N C], default 6 3 9.1 (needs only the mpmath module).
#
# Method: with f(s) = tanh(√s)/√s, the relative error of P/Q against f is linear in the coefficients once divided by
# the previous iteration's Q (Sanathanan–Koerner), so each step is one least-squares solve at 40 digits; Lawson's
# reweighting (each point's weight times its error) then pushes the least-squares fit toward the smallest maximum
# error. Prints the best fit's maximum relative error on the fitting points and on a fine grid, and its coefficients,
# lowest degree first (Q's constant term is 1).
import sys
import mpmath as mp

mp.mp.dps = 40
m, n, C = (int(sys.argv[1]), int(sys.argv[2]), mp.mpf(sys.argv[3])) if len(sys.argv) > 3 else (6, 3, mp.mpf("9.1"))
points = 600
xs = [C * (1 - mp.cos(mp.pi * (i + 0.5) / points)) / 2 for i in range(points)]   # Chebyshev nodes on [0, C]
ss = [x * x for x in xs]
fs = [mp.tanh(x) / x for x in xs]
weights, previous_q, best = [mp.mpf(1)] * points, [mp.mpf(1)] * points, None
for iteration in range(60):
    # Unknowns p0…pm, q1…qn: P(s) − f·(Q(s) − 1) ≈ f, each row scaled by √weight / (f·Q_previous(s)).
    A, b = mp.matrix(points, m + 1 + n), mp.matrix(points, 1)
    for i in range(points):
        scale = mp.sqrt(weights[i]) / (fs[i] * previous_q[i])
        for j in range(m + 1):
            A[i, j] = scale * ss[i] ** j
        for j in range(n):
            A[i, m + 1 + j] = -scale * fs[i] * ss[i] ** (j + 1)
        b[i] = scale * fs[i]
    solution, _ = mp.qr_solve(A, b)
    p = [solution[j] for j in range(m + 1)]
    q = [mp.mpf(1)] + [solution[m + 1 + j] for j in range(n)]
    errors = [mp.polyval(p[::-1], s) / mp.polyval(q[::-1], s) / f - 1 for s, f in zip(ss, fs)]
    worst = max(abs(e) for e in errors)
    if best is None or worst < best[0]:
        best = (worst, p, q)
    previous_q = [mp.polyval(q[::-1], s) for s in ss]
    total = mp.fsum(w * abs(e) for w, e in zip(weights, errors))
    weights = [w * abs(e) / total for w, e in zip(weights, errors)]

worst, p, q = best
grid = [C * k / 20000 for k in range(1, 20001)]
grid_worst = max(abs(x * mp.polyval(p[::-1], x * x) / mp.polyval(q[::-1], x * x) / mp.tanh(x) - 1) for x in grid)
print(f"degrees {m}/{n} on |x| <= {C}: max relative error {mp.nstr(worst, 3)} on the fitting points, {mp.nstr(grid_worst, 3)} on a 20,000-point grid")
print("P", [mp.nstr(c, 17) for c in p])
print("Q", [mp.nstr(c, 17) for c in q])
