"""The Python halves of the smoke tests: one line per check, "ok - LABEL" or
"not ok - LABEL DETAIL", and an exit status that says whether all passed.
Import it with PYTHONPATH=$top_srcdir/tests/smoke."""
import sys

fails = 0


def check(label, cond, detail=""):
    global fails
    print(("ok - " if cond else "not ok - ") + label + ("" if cond else " " + str(detail)))
    if not cond:
        fails += 1


def done():
    sys.exit(1 if fails else 0)
