#!/usr/bin/env python3
"""
Runs the ClickHouse engine of the chdb npm package (libchdb.so, ClickHouse 26.x) as a real server
for the signoz-ha lab: its C entry chdb_query_cmdline is clickhouse-local, which serves HTTP and
native TCP on the ports of its --config-file once told SYSTEM START LISTEN QUERIES ALL, for as long
as a query keeps it busy. It cannot be started from the Node addon (no server callback), so the lab
starts it through this launcher.

usage: chdb-server.py LIBCHDB --config-file=PATH
The process ends on SIGTERM or SIGKILL like any server; its exit is the container's.
"""
import ctypes
import sys

if len(sys.argv) != 3 or not sys.argv[2].startswith('--config-file='):
    sys.stderr.write('usage: chdb-server.py LIBCHDB --config-file=PATH\n')
    sys.exit(2)

library = ctypes.CDLL(sys.argv[1])
# The query that keeps the engine serving: one row a second, forever, discarded.
keep_serving = b'SYSTEM START LISTEN QUERIES ALL; SELECT sleepEachRow(1) FROM system.numbers SETTINGS max_block_size = 1 FORMAT Null'
args = [b'clickhouse', sys.argv[2].encode(), b'--query', keep_serving]
argv = (ctypes.c_char_p * len(args))(*args)
entry = library.chdb_query_cmdline
entry.restype = ctypes.c_void_p
entry(len(args), argv)
# The serving query only ends when the engine fails: say so with a failing exit.
sys.exit(1)
