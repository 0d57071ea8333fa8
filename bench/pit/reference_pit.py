#!/usr/bin/python3
"""A brute-force point-in-time join, written plainly from DESIGN.md section 3,
to check the benchmark's peers (pit_sql.mjs, pandas_pit.py) on small data
sets; tests/bench/pit_peers_test.sh runs it. No pandas, no sorting tricks:
for each spine row and view, a loop over every row of the view with the
same key.

For a spine row with key k and time t, a view contributes the row of k with
the largest event_ts <= t and, when ttl > 0, event_ts > t - ttl; ties on
event_ts go to the larger created_ts (null is the smallest), then to the row
later in file order (file path, then row). No qualifying row: nulls.

    /usr/bin/python3 reference_pit.py BENCH.json --fingerprints OUT.json
        [--break ttl|created|order]

Reads the CSV copy of the data set. Writes the fingerprints of the result
(the format of pandas_pit.py) for pit_duckdb.mjs `fingerprints`. --break
leaves one rule out (no ttl bound; ties ignoring created_ts; ties going to
the first row in file order), so a test can show that the data exercise the
rule: the fingerprints then differ.
"""
import csv
import datetime
import json
import os
import sys

P = 2147483647
EPOCH = datetime.datetime(1970, 1, 1)


def micros(text):
    """'YYYY-MM-DD HH:MM:SS' (UTC) -> microseconds since the epoch; '' -> None."""
    if text == "":
        return None
    delta = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S") - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000000


def code(text, kind):
    """The integer form of a CSV value (a double's cents, "cat_07" -> 7)."""
    if kind == "double":
        whole, _, frac = text.partition(".")
        return int(whole) * 100 + int((frac + "00")[:2])
    if kind == "string":
        return int(text[4:])
    return int(text)


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def load_view(base, v):
    """key -> [(event_ts, created_ts, file order, row)] in file order."""
    by_key = {}
    order = 0
    for part in sorted(v["csv"]):
        for row in read_rows(os.path.join(base, part)):
            by_key.setdefault(int(row[v["key"]]), []).append(
                (micros(row[v["event_ts"]]), micros(row[v["created_ts"]]), order, row))
            order += 1
    return by_key


def better(a, b, broken):
    """Whether candidate a beats candidate b (both qualify)."""
    if a[0] != b[0]:
        return a[0] > b[0]
    if broken != "created":
        ca = -1 if a[1] is None else a[1]
        cb = -1 if b[1] is None else b[1]
        if ca != cb:
            return ca > cb
    if broken == "order":
        return a[2] < b[2]
    return a[2] > b[2]


def pick(rows, t, ttl, broken):
    best = None
    for r in rows:
        if r[0] is None or r[0] > t:
            continue
        if ttl > 0 and broken != "ttl" and r[0] <= t - ttl:
            continue
        if best is None or better(r, best, broken):
            best = r
    return best


def main(argv):
    if len(argv) not in (4, 6) or argv[2] != "--fingerprints":
        sys.stderr.write("usage: reference_pit.py BENCH.json --fingerprints OUT.json "
                         "[--break ttl|created|order]\n")
        return 2
    broken = argv[5] if len(argv) == 6 else None
    spec_path = os.path.abspath(argv[1])
    with open(spec_path) as f:
        spec = json.load(f)
    base = os.path.dirname(spec_path)
    spine = read_rows(os.path.join(base, spec["spine_csv"]))
    sums = {}
    for v in spec["views"]:
        by_key = load_view(base, v)
        for name in v["features"]:
            sums[name] = {"nonnull": 0, "weighted": 0}
        for r, s in enumerate(spine):
            t = micros(s[spec["timestamp_column"]])
            best = pick(by_key.get(int(s[v["key"]]), []), t, v["ttl_us"], broken)
            if best is None:
                continue
            for name, kind in zip(v["features"], v["feature_types"]):
                text = best[3][name]
                if text == "":
                    continue
                sums[name]["nonnull"] += 1
                w = sums[name]["weighted"] + (r + 1) % P * (code(text, kind) % P)
                sums[name]["weighted"] = w % P
    with open(argv[3], "w") as f:
        json.dump({"rows": len(spine), "features": sums}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
