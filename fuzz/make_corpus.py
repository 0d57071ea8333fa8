#!/usr/bin/env python3
"""Extracts the seed corpus of parquet_footer_fuzz from the shared test files.

Writes fuzz/corpus/parquet_footer/<file>.footer (the FileMetaData bytes of a file)
and <file>.page<N> (the first 256 bytes at the first page of column N: a
page header followed by the start of its body). Only small pieces (< 64 KB).

Usage: fuzz/make_corpus.py [TESTDATA_DIR]   (default ../shared/testdata)
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "testdata")
OUT = os.path.join(HERE, "corpus", "parquet_footer")

FOOTERS = [
    "duckdb/types_zstd.parquet",
    "duckdb/types_v2pages.parquet",
    "parquet-testing/alltypes_plain.parquet",
    "parquet-testing/datapage_v2.snappy.parquet",
    "parquet-testing/sort_columns.parquet",
    "parquet-testing/unknown-logical-type.parquet",
    "parquet-testing/dict-page-offset-zero.parquet",
    "parquet-testing/floating_orders_nan_count.parquet",
    "parquet-testing/nested_structs.rust.parquet",
    "parquet-testing/geospatial/geospatial.parquet",
    "parquet-testing/encrypt_columns_plaintext_footer.parquet.encrypted",
]
# (file, byte offsets of first pages) for page-header seeds.
PAGES = {
    "duckdb/types_zstd.parquet": [4, 17455],                 # data page v1, dictionary page
    "parquet-testing/datapage_v2.snappy.parquet": [4, 67],   # dictionary page, data page v2
    "parquet-testing/alltypes_plain.parquet": [4],           # dictionary page (Impala)
    "parquet-testing/datapage_v1-snappy-compressed-checksum.parquet": [4],  # with crc
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for rel in FOOTERS:
        data = open(os.path.join(TESTDATA, "parquet", rel), "rb").read()
        n = struct.unpack("<I", data[-8:-4])[0]
        footer = data[-8 - n:-8]
        assert len(footer) < 65536, rel
        open(os.path.join(OUT, os.path.basename(rel) + ".footer"), "wb").write(footer)
    for rel, offsets in PAGES.items():
        data = open(os.path.join(TESTDATA, "parquet", rel), "rb").read()
        for i, off in enumerate(offsets):
            name = "%s.page%d" % (os.path.basename(rel), i)
            open(os.path.join(OUT, name), "wb").write(data[off:off + 256])


if __name__ == "__main__":
    main()
