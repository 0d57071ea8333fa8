#!/usr/bin/python3
"""pandas, the second peer of the training-set benchmark (bench/pit_bench.sh).

Debian 12's python3-pandas (1.5) has no Parquet engine, so this reads the CSV
copy of the data set that pit_datagen writes (only for sizes pandas can hold).
Builds the same training set as Tessera and DuckDB (DESIGN.md section 3) with
merge_asof, per view:
  - ties: rows sorted by event_ts, then created_ts (NaT first: null is the
    smallest), then file order, and only the last row of each (key, event_ts)
    kept;
  - merge_asof(by=key, direction="backward", allow_exact_matches=True): the
    latest event_ts <= t;
  - ttl: tolerance = ttl - 1 microsecond, i.e. t - event_ts < ttl, which is
    event_ts > t - ttl (pandas' tolerance is inclusive);
  - the result back in spine order.

    /usr/bin/python3 pandas_pit.py BENCH.json [--fingerprints OUT.json]

Prints one JSON line: {"engine":"pandas","load_s":..,"join_s":..,
"load_cpu_s":..,"join_cpu_s":..,"rows":..,"version":".."}. load is reading and
parsing the CSV files (timestamps included); join is everything after. With
--fingerprints, writes the result's fingerprints (below), which
pit_duckdb.mjs `fingerprints` checks against DuckDB's result.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

TS_FORMAT = "%Y-%m-%d %H:%M:%S"


def cpu_seconds():
    t = os.times()
    return t.user + t.system


def read_csv(path, key_columns, ts_columns, features=(), types=()):
    dtype = {k: "int64" for k in key_columns}
    for name, kind in zip(features, types):
        # int64 features have no nulls in this data; f0 (double) has some.
        dtype[name] = {"double": "float64", "int64": "int64", "string": "object"}[kind]
    for c in ts_columns:
        dtype[c] = "object"
    df = pd.read_csv(path, dtype=dtype)
    for c in ts_columns:
        df[c] = pd.to_datetime(df[c], format=TS_FORMAT)
    return df


def load(spec, base):
    keys = [v["key"] for v in spec["views"]]
    spine = read_csv(os.path.join(base, spec["spine_csv"]), keys, [spec["timestamp_column"]])
    views = []
    for v in spec["views"]:
        parts = [read_csv(os.path.join(base, p), [v["key"]], [v["event_ts"], v["created_ts"]],
                          v["features"], v["feature_types"]) for p in v["csv"]]
        views.append(parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True))
    return spine, views


def latest_per_key_and_time(df, v):
    """One row per (key, event_ts): largest created_ts, then last in file order."""
    df = df.assign(_file_row=np.arange(len(df)))
    df = df.sort_values([v["event_ts"], v["created_ts"], "_file_row"], na_position="first")
    df = df.drop_duplicates([v["key"], v["event_ts"]], keep="last")
    picked = "_event_ts_" + v["name"]
    return df[[v["key"], v["event_ts"]] + v["features"]].rename(columns={v["event_ts"]: picked}), picked


def join(spec, spine, views):
    ts = spec["timestamp_column"]
    out = spine.assign(_spine_row=np.arange(len(spine)))
    out = out.sort_values(ts, kind="mergesort")
    for v, df in zip(spec["views"], views):
        right, picked = latest_per_key_and_time(df, v)
        tolerance = pd.Timedelta(microseconds=v["ttl_us"] - 1) if v["ttl_us"] > 0 else None
        out = pd.merge_asof(out, right, left_on=ts, right_on=picked, by=v["key"],
                            direction="backward", allow_exact_matches=True, tolerance=tolerance)
        out = out.drop(columns=[picked])
    out = out.sort_values("_spine_row", kind="mergesort").drop(columns=["_spine_row"])
    return out.reset_index(drop=True)


# Fingerprints of a training set, equal for equal values in spine order:
# per feature the non-null count and sum over non-null rows r (0-based) of
# ((r + 1) mod P) * (code mod P) mod P, where code is the value's integer
# form (a double's cents, an int64 itself, "cat_07" -> 7). pit_duckdb.mjs
# `fingerprints` computes the same in DuckDB; reference_pit.py in plain
# Python.
P = 2147483647


def codes(series, kind):
    if kind == "double":
        return np.rint(series.to_numpy(dtype="float64") * 100).astype("int64")
    if kind == "string":
        return series.str.slice(4).astype("int64").to_numpy()
    return series.to_numpy(dtype="float64").astype("int64")


def fingerprints(spec, result):
    out = {}
    weights = (np.arange(len(result), dtype="int64") + 1) % P
    for v in spec["views"]:
        for name, kind in zip(v["features"], v["feature_types"]):
            present = result[name].notna().to_numpy()
            c = codes(result[name][present], kind) % P
            weighted = int(np.sum((weights[present] * c) % P) % P)
            out[name] = {"nonnull": int(present.sum()), "weighted": weighted}
    return {"rows": len(result), "features": out}


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--fingerprints"):
        sys.stderr.write("usage: pandas_pit.py BENCH.json [--fingerprints OUT.json]\n")
        return 2
    spec_path = os.path.abspath(argv[1])
    with open(spec_path) as f:
        spec = json.load(f)
    if spec.get("spine_csv") is None:
        sys.stderr.write("pandas_pit: this data set has no CSV copy (too large for pandas "
                         "here; pit_datagen --csv auto stops at 20M feature rows)\n")
        return 3
    base = os.path.dirname(spec_path)
    wall0, cpu0 = time.perf_counter(), cpu_seconds()
    spine, views = load(spec, base)
    wall1, cpu1 = time.perf_counter(), cpu_seconds()
    result = join(spec, spine, views)
    wall2, cpu2 = time.perf_counter(), cpu_seconds()
    if len(argv) == 4:
        with open(argv[3], "w") as f:
            json.dump(fingerprints(spec, result), f)
    print(json.dumps({"engine": "pandas", "load_s": round(wall1 - wall0, 3),
                      "join_s": round(wall2 - wall1, 3), "load_cpu_s": round(cpu1 - cpu0, 3),
                      "join_cpu_s": round(cpu2 - cpu1, 3), "rows": len(result),
                      "version": pd.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
