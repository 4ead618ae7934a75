-- New clients and untouched route: a fixed request (headers come from -H).
dofile(os.getenv('BENCH_WRK_DIR') .. '/report.lua')
