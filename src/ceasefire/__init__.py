"""Ceasefire Monitor: attributed claims, geolocated incidents and ceasefire findings from reports of a war."""
import os

__version__ = "0.1.0"

# NumPy's OpenBLAS may start a thread per core for each product; the models' matrices are small, and those threads
# cost more than they give: extraction took 30.6 s with them and 24.8 s without on 6,000 notes (2 cores). Set before
# NumPy loads; a value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
