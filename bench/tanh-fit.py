# The polynomial coefficients of src/ScratchNet/Kernels/TanhKernel.cs: Chebyshev fits at 40 digits with mpmath
# (python3 bench/tanh-fit.py; needs only the mpmath module). Prints each fit's maximum error and its coefficients,
# highest degree first, for degrees around the ones the kernel uses (4 for tanh's series part, 6 for e^r).
import mpmath as mp
mp.mp.dps = 40
def f(s):
    if s == 0: return mp.mpf(-1)/3
    a = mp.sqrt(s); return (mp.tanh(a) - a)/(a*s)
for deg in (4,5,6):
    c, err = mp.chebyfit(f, [mp.mpf(0), mp.mpf(0.25)], deg+1, error=True)
    print("tanh series deg", deg, "err", mp.nstr(err,3), [mp.nstr(x,12) for x in c])
h = mp.log(2)/2
for deg in (5,6,7):
    c, err = mp.chebyfit(mp.exp, [-h, h], deg+1, error=True)
    print("exp deg", deg, "err", mp.nstr(err,3), [mp.nstr(x,12) for x in c])
