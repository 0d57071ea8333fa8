#!/usr/bin/python3
"""A brute-force windowed aggregation, written plainly from DESIGN.md
section 3 ("Windowed aggregations"), to check the DuckDB queries of the
benchmark "Training set with aggregations" (pit_duckdb_sql.h
DuckDbAggQuery, both forms) on small data sets; agg_peers_test.sh runs it.
No sorting, no windows functions: for each spine row, a loop over every
event of its key.

For a spine row with key k and time t, and each window W (bench.json
"aggregation"), over the events of k with t - W < event_ts <= t:
sum(amount) and max(amount) of the non-null amounts (null when there are
none), count(amount) the number of non-null amounts (0 when none). Sums
are exact: amounts are multiples of 1/64, summed as integers of 1/64.

    /usr/bin/python3 reference_agg.py BENCH.json --fingerprints OUT.json
        [--break start|end|nulls]

Reads the CSV copy of the data set (pit_datagen --shape agg --csv yes).
Writes the fingerprints of the result (the format of pandas_pit.py, with
"scale": 64, the factor that makes every double an integer) for
pit_duckdb.mjs `fingerprints`. --break changes one rule (the window closed
at t - W; the window open at t; count counting null amounts too), so a
test can show that the data exercise the rule: the fingerprints then
differ.
"""
import csv
import datetime
import json
import os
import sys

P = 2147483647
EPOCH = datetime.datetime(1970, 1, 1)


def micros(text):
    """'YYYY-MM-DD HH:MM:SS' (UTC) -> microseconds since the epoch."""
    delta = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S") - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000000


def sixty_fourths(text, denominator):
    """'123.015625' -> 123 * 64 + 1 (exact: the decimal of a multiple of 1/64)."""
    whole, _, frac = text.partition(".")
    millionths = int((frac + "000000")[:6])
    scaled = int(whole) * 1000000 + millionths
    if scaled * denominator % 1000000 != 0:
        sys.exit(f"reference_agg: amount {text} is not a multiple of 1/{denominator}")
    return scaled * denominator // 1000000


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def in_window(ts, t, w, broken):
    after_start = ts >= t - w if broken == "start" else ts > t - w
    before_end = ts < t if broken == "end" else ts <= t
    return after_start and before_end


def main():
    args = sys.argv[1:]
    if len(args) < 3 or args[1] != "--fingerprints":
        sys.exit("usage: reference_agg.py BENCH.json --fingerprints OUT.json [--break start|end|nulls]")
    broken = args[args.index("--break") + 1] if "--break" in args else None
    base = os.path.dirname(os.path.abspath(args[0]))
    with open(args[0]) as f:
        spec = json.load(f)
    agg = spec["aggregation"]
    denominator = agg["amount_denominator"]
    view = spec["views"][0]
    if not view["csv"]:
        sys.exit("reference_agg: the data set has no CSV copy (pit_datagen --csv yes)")
    events = {}  # key -> [(event_ts, amount in 1/64 or None)]
    for part in sorted(view["csv"]):
        for row in read_rows(os.path.join(base, part)):
            amount = row[agg["column"]]
            events.setdefault(int(row[view["key"]]), []).append(
                (micros(row[view["event_ts"]]),
                 None if amount == "" else sixty_fourths(amount, denominator)))

    names = view["features"]
    features = {n: {"nonnull": 0, "weighted": 0} for n in names}
    spine = read_rows(os.path.join(base, spec["spine_csv"]))
    for r, row in enumerate(spine):
        t = micros(row[spec["timestamp_column"]])
        mine = events.get(int(row[view["key"]]), [])
        values = {}
        for w_index, w in enumerate(agg["windows_us"]):
            total, n_values, n_events, largest = 0, 0, 0, None
            for ts, amount in mine:
                if not in_window(ts, t, w, broken):
                    continue
                n_events += 1
                if amount is None:
                    continue
                total += amount
                n_values += 1
                largest = amount if largest is None else max(largest, amount)
            for function in agg["functions"]:
                name = names[agg["functions"].index(function) * len(agg["windows_us"]) + w_index]
                if function == "sum":
                    values[name] = total if n_values > 0 else None
                elif function == "count":
                    values[name] = n_events if broken == "nulls" else n_values
                elif function == "max":
                    values[name] = largest
                else:
                    sys.exit(f"reference_agg: no reference for function {function}")
        for name in names:
            v = values[name]
            if v is None:
                continue
            fp = features[name]
            fp["nonnull"] += 1
            fp["weighted"] = (fp["weighted"] + (r + 1) % P * (v % P) % P) % P
    with open(args[2], "w") as f:
        json.dump({"rows": len(spine), "scale": denominator, "features": features}, f,
                  sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
