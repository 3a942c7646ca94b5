#!/usr/bin/env bash
# ampfill benchmark: runs the packaged jar against the standalone emulator, one process per data set, and prints
# events/s, CPU per million events, requests, events per request and peak RSS. See bench/README.md.
#
#   bench/run.sh [start|a|b|c|files|skew-limited|ceiling|big|devices|devices-x3|all ...]   (no argument: all; big takes minutes)
#   bench/run.sh far capacity   a far and an overloaded emulator, adaptive and fixed concurrency (not part of all: minutes)
#   bench/run.sh kafka   1, 2 and 3 instances on a Kafka topic (a broker inside the bench's JVM), the emulator answering
#                        after 1 s, 4 requests in flight per instance (not part of all: it builds the test classes)
#
# Environment:
#   AMPFILL_BENCH_DIR        cache for data sets and run folders (default /tmp/ampfill-bench)
#   AMPFILL_BENCH_JAVA_OPTS  extra JVM options for ampfill (e.g. -XX:+UseParallelGC)
#   AMPFILL_BENCH_PLAIN=1    run `java -jar target/ampfill.jar` with the JVM's defaults instead of bin/ampfill
#   AMPFILL_BENCH_JFR=1      record each ampfill run with JFR and print its hotspots (the figures then include JFR's cost)
#   AMPFILL_BENCH_CEILING_THREADS  threads of the ceiling client (default 8, as amplitude.max-concurrent-requests)
#   AMPFILL_BENCH_BIG_BYTES  size of the big NDJSON file (default 2147483648)
#   AMPFILL_BENCH_CAPACITY_FIXED   the fixed concurrencies the capacity run compares with (default "8 16 24 32")
#   AMPFILL_BENCH_FAR_LATENCIES    the far rows' latencies in ms (default "0 300 1000")
#   AMPFILL_BENCH_FAR_FIXED        the fixed concurrencies each far row compares with (default 8; empty: none)
#   AMPFILL_BENCH_FAR_EVENTS       events of the far and capacity data set (default 1000000, of 10,000 devices)
#   AMPFILL_BENCH_KAFKA      arguments of the kafka set (default: instances=1,2,3 events=480000 devices=4800
#                            latency-ms=1000 concurrency=4)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${AMPFILL_BENCH_DIR:-/tmp/ampfill-bench}
JAR=$ROOT/target/ampfill.jar
LAUNCHER=$ROOT/bin/ampfill
BENCH_CLASSES=$ROOT/target/bench-classes
EVENTS=200000
DEVICES=5000
HEAVY_EVENTS=6000
BIG_BYTES=${AMPFILL_BENCH_BIG_BYTES:-2147483648}
BIG_DEVICES=50000
SMALL_FILES=10000            # the files run: data set a cut into this many files, in order, as hourly exports are
MANY_DEVICES=1000000
FAR_EVENTS=${AMPFILL_BENCH_FAR_EVENTS:-1000000}   # far and capacity: a million events of 10,000 devices in time order
FAR_DEVICES=10000
FAR_LATENCIES=${AMPFILL_BENCH_FAR_LATENCIES:-0 300 1000}   # ms; each with 10% of it as jitter
read -r -a FAR_FIXED <<<"${AMPFILL_BENCH_FAR_FIXED-8}"      # the fixed concurrencies each far row compares with
CAPACITY_LATENCY=500         # ms: the capacity-limited emulator takes 16 requests at once at this latency, shares itself
CAPACITY="16,32"             # among up to 32 (each slower) and answers 503 beyond
read -r -a CAPACITY_FIXED <<<"${AMPFILL_BENCH_CAPACITY_FIXED:-8 16 24 32}"
CEILING_THREADS=${AMPFILL_BENCH_CEILING_THREADS:-8}
CEILING_PASSES=5
read -r -a EXTRA_OPTS <<<"${AMPFILL_BENCH_JAVA_OPTS:-}"
# settings from the environment would override the benchmark's own (and could point it at the real Amplitude)
for v in $(compgen -e); do [[ $v == AMPLITUDE_* || $v == BACKFILL_* ]] && unset "$v"; done
CLK_TCK=$(getconf CLK_TCK)

RESULTS=()      # table rows
NOTES=()        # lines printed under the table
EMULATOR_PID=
EMULATOR_URL=
MEASURED_PID=   # the process being measured, and the skew probe: stopped if this script ends early
PROBE_PID=

# calc EXPR [DECIMALS]: floating-point arithmetic with awk
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

usage() { # the comment at the top of this file
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
  exit 2
}

# ---- build -----------------------------------------------------------------------------------------------------

ensure_jar() {
  if [[ ! -f $JAR ]] || [[ -n $(find "$ROOT/src/main" "$ROOT/routes" "$ROOT/pom.xml" "$ROOT/application.properties" \
                                    -newer "$JAR" -print -quit) ]]; then
    log "building $JAR (missing or older than the sources)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
  fi
}

ensure_bench_classes() {
  local sources=("$ROOT"/src/test/java/io/ampfill/bench/*.java)
  if [[ ! -d $BENCH_CLASSES ]] || [[ -n $(find "${sources[@]}" -newer "$BENCH_CLASSES" -print -quit) ]]; then
    log "compiling the bench tools"
    mkdir -p "$BENCH_CLASSES"
    javac -nowarn -d "$BENCH_CLASSES" "${sources[@]}"
    touch "$BENCH_CLASSES"
  fi
}

# the launcher makes its class-data archive on its first start: done here, so that no measured run pays for it
ensure_launcher_archive() {
  [[ ${AMPFILL_BENCH_PLAIN:-} == 1 ]] && return 0
  local dir=$CACHE/runs/prepare
  rm -rf "$dir" && mkdir -p "$dir/inbox"
  (cd "$dir" && "$LAUNCHER" -Damplitude.api-key= -Dbackfill.inbox=inbox >"$dir/out.txt" 2>&1) \
    || { cat "$dir/out.txt" >&2; echo "bin/ampfill failed to start" >&2; exit 1; }
}

bench_tool() { local tool=$1; shift; java -cp "$BENCH_CLASSES" "io.ampfill.bench.$tool" "$@"; }

# ---- data sets -------------------------------------------------------------------------------------------------

# prints the path of a data set, writing it first if it is not cached
dataset() {
  local name=$1 file
  case $name in
    a) file=$CACHE/data/a-time-order.ndjson ;;
    b) file=$CACHE/data/b-by-device.ndjson ;;
    c) file=$CACHE/data/c-skew.ndjson ;;
    big) file=$CACHE/data/big-$BIG_BYTES.ndjson ;;
    files) file=$CACHE/data/files-$SMALL_FILES ;;
    devices) file=$CACHE/data/devices-$MANY_DEVICES-x1.ndjson ;;
    devices-x3) file=$CACHE/data/devices-$MANY_DEVICES-x3.ndjson ;;
    far) file=$CACHE/data/far-$FAR_EVENTS-of-$FAR_DEVICES.ndjson ;;
  esac
  if [[ $name == files ]]; then
    small_files "$file"
    echo "$file"
    return
  fi
  if [[ ! -f $file || ! -f $file.meta ]]; then
    mkdir -p "$CACHE/data"
    local started=$SECONDS
    log "writing data set $name to $file"
    case $name in
      a) bench_tool DataSetWriter --shape time --devices $DEVICES --events $EVENTS --out "$file" >&2 ;;
      b) bench_tool DataSetWriter --shape device --devices $DEVICES --events $EVENTS --out "$file" >&2 ;;
      c) bench_tool DataSetWriter --shape skew --devices $DEVICES --events $EVENTS --heavy-events $HEAVY_EVENTS \
           --out "$file" >&2 ;;
      big) bench_tool DataSetWriter --shape time --devices $BIG_DEVICES --bytes "$BIG_BYTES" --out "$file" >&2 ;;
      devices) bench_tool DataSetWriter --shape time --devices $MANY_DEVICES --events $MANY_DEVICES --out "$file" >&2 ;;
      devices-x3) bench_tool DataSetWriter --shape time --devices $MANY_DEVICES --events $((3 * MANY_DEVICES)) \
           --out "$file" >&2 ;;
      far) bench_tool DataSetWriter --shape time --devices $FAR_DEVICES --events $FAR_EVENTS --out "$file" >&2 ;;
    esac
    log "data set $name written in $((SECONDS - started)) s"
  fi
  echo "$file"
}

# small_files DIR: data set a cut into SMALL_FILES files of consecutive lines (hour-00000.ndjson, ...), written once
small_files() {
  local dir=$1 source lines
  [[ -f $dir/.complete ]] && return 0
  source=$(dataset a)
  lines=$(( $(wc -l <"$source") / SMALL_FILES ))
  log "writing $SMALL_FILES files of $lines events to $dir"
  rm -rf "$dir" "$dir.partial" && mkdir -p "$dir.partial"
  split -l "$lines" -d -a 5 --additional-suffix=.ndjson "$source" "$dir.partial/hour-"
  touch "$dir.partial/.complete"
  mv "$dir.partial" "$dir"
}

meta() { sed -n "s/^$2=//p" "$1.meta"; }

# ---- emulator --------------------------------------------------------------------------------------------------

start_emulator() {
  stop_emulator
  local out=$CACHE/emulator.log
  : >"$out"   # before the emulator's shell opens it: the loop below reads it at once
  java -cp "$JAR" io.ampfill.emulator.EmulatorMain --port 0 --keep-events false "$@" >"$out" 2>&1 &
  EMULATOR_PID=$!
  local i
  for ((i = 0; i < 200; i++)); do
    EMULATOR_URL=$(sed -n 's|^Amplitude emulator listening on \(http://[^/]*\)/batch$|\1|p' "$out")
    [[ -n $EMULATOR_URL ]] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || { cat "$out" >&2; echo "emulator did not start" >&2; exit 1; }
    sleep 0.05
  done
  [[ -n $EMULATOR_URL ]] || { echo "emulator did not say where it listens" >&2; exit 1; }
  log "emulator $* at $EMULATOR_URL (pid $EMULATOR_PID)"
}

stop_emulator() {
  if [[ -n $EMULATOR_PID ]]; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    EMULATOR_PID=
  fi
}
cleanup() {
  local p i
  for p in $MEASURED_PID $PROBE_PID; do
    kill "$p" 2>/dev/null || continue
    # ampfill shuts down gracefully on SIGTERM, waiting for its in-flight events: an aborted benchmark does not
    for ((i = 0; i < 20; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  stop_emulator
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CPU seconds (user+sys) the emulator has used so far
emulator_cpu() {
  local stat
  stat=$(<"/proc/$EMULATOR_PID/stat")
  stat=${stat##*) }              # fields from the 3rd on; utime and stime are the 14th and 15th
  read -r -a f <<<"$stat"
  calc "(${f[11]} + ${f[12]}) / $CLK_TCK"
}

# ---- measuring one process -------------------------------------------------------------------------------------

# measure DIR OUT ERR CMD...: runs CMD (one java process) in DIR, stdout and stderr to files. Sets WALL, CPU_USER, CPU_SYS,
# RSS_KB and RC; and JIT_CPU and GC_CPU from a per-thread sampler, whose totals per thread group go to threads.txt
# beside OUT (the sampler reads /proc every 0.25 s, so a thread's last quarter second can be missing; the wall time does
# not wait for it).
measure() {
  local dir=$1 out=$2 err=$3; shift 3
  local t0 t1 timing gnu=0 waiter pid= hwm=0 v i
  timing=$dir/timing.txt
  : >"$dir/thread-samples.txt"
  RC=0
  t0=$(date +%s%N)
  if /usr/bin/time --version 2>&1 | grep -q GNU; then
    gnu=1
    (cd "$dir" && exec /usr/bin/time -f '%U %S %M' -o "$timing" "$@" >"$out" 2>"$err") &
    waiter=$!
    for ((i = 0; i < 100; i++)); do
      read -r pid _ <"/proc/$waiter/task/$waiter/children" 2>/dev/null || true
      [[ -n $pid ]] && break
      sleep 0.02
    done
  else
    # no GNU time: the subshell's `times` gives its only child's user and sys time; VmHWM is polled for the peak RSS
    rm -f "$timing.pid"
    (cd "$dir" && { "$@" >"$out" 2>"$err" & echo $! >"$timing.pid"; wait $! && rc=0 || rc=$?; times >"$timing"; exit $rc; }) &
    waiter=$!
    for ((i = 0; i < 100; i++)); do
      pid=$(cat "$timing.pid" 2>/dev/null || true)
      [[ -n $pid ]] && break
      sleep 0.02
    done
  fi
  MEASURED_PID=$pid
  # the sampler polls in the background, so the wall time is taken when the process ends, not at the next poll
  (
    hwm=0
    while [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; do
      sample_threads "$pid" >>"$dir/thread-samples.txt"
      if ((!gnu)); then
        v=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
        [[ -n $v ]] && ((v > hwm)) && hwm=$v && echo "$hwm" >"$dir/hwm.txt"
      fi
      sleep 0.25
    done
  ) &
  local sampler=$!
  wait "$waiter" || RC=$?
  t1=$(date +%s%N)
  wait "$sampler" 2>/dev/null || true
  hwm=$(cat "$dir/hwm.txt" 2>/dev/null || echo 0)
  rm -f "$dir/hwm.txt"
  MEASURED_PID=
  if ((gnu)); then
    read -r CPU_USER CPU_SYS RSS_KB < <(tail -n 1 "$timing")
  else
    local user sys
    read -r user sys < <(tail -n 1 "$timing")
    CPU_USER=$(to_seconds "$user"); CPU_SYS=$(to_seconds "$sys"); RSS_KB=$hwm
    rm -f "$timing.pid"
  fi
  rm -f "$timing"
  WALL=$(calc "($t1 - $t0) / 1000000000")
  read -r JIT_CPU GC_CPU < <(summarize_threads "$dir/thread-samples.txt" "$dir/threads.txt")
}

# one line per thread of PID: tid, CPU ticks (user+sys), name
sample_threads() {
  awk '{
    close_paren = 0
    for (k = length($0); k > 0; k--) if (substr($0, k, 1) == ")") { close_paren = k; break }
    name = substr($0, index($0, "(") + 1, close_paren - index($0, "(") - 1)
    split(substr($0, close_paren + 2), f, " ")        # f[1] is field 3 (state); utime, stime are fields 14, 15
    n = split(FILENAME, path, "/")
    print path[n - 1], f[12] + f[13], name
  }' "/proc/$1"/task/*/stat 2>/dev/null || true
}

# SAMPLES OUT: each thread's last count, summed per group (pool numbers folded); prints "JIT-seconds GC-seconds"
summarize_threads() {
  awk -v tck="$CLK_TCK" -v out="$2" '{
      tid = $1; ticks = $2; $1 = ""; $2 = ""; sub(/^ +/, "")
      if (!(tid in last) || ticks >= last[tid]) { last[tid] = ticks; name[tid] = $0 }
    }
    END {
      for (t in last) { g = name[t]; gsub(/#[0-9]+/, "#N", g); gsub(/-[0-9]+$/, "-N", g); sum[g] += last[t] }
      for (g in sum) {
        printf "%8.2f  %s\n", sum[g] / tck, g | "sort -rn > \"" out "\""
        if (g ~ /CompilerThre/) jit += sum[g]
        if (g ~ /^GC Thread|^G1 |^VM Thread/) gc += sum[g]
      }
      printf "%.1f %.1f\n", jit / tck, gc / tck
    }' "$1"
}

to_seconds() { # 1m2.345s -> 62.345
  local m=${1%%m*} s=${1#*m}
  calc "$m * 60 + ${s%s}" 3
}

# ---- ampfill runs ----------------------------------------------------------------------------------------------

# run_ampfill LABEL DATAFILE [JVM/-D options...]: one run of the packaged jar over a fresh inbox holding DATAFILE
run_ampfill() {
  local label=$1 data=$2; shift 2
  local run=$CACHE/runs/$label
  rm -rf "$run"
  mkdir -p "$run/inbox"
  # a hard link costs nothing and survives ampfill moving the file to done/; a copy where linking is not possible.
  # The file is whole before the run starts, so ampfill need not wait for it to age (backfill.file-min-age): a data
  # set written just before would otherwise wait up to 2 s, measured as ampfill's time
  if [[ -d $data ]]; then
    cp -l "$data"/*.ndjson "$run/inbox/" 2>/dev/null || cp "$data"/*.ndjson "$run/inbox/"
  else
    ln "$data" "$run/inbox/" 2>/dev/null || cp "$data" "$run/inbox/"
  fi
  local jfr=()
  if [[ ${AMPFILL_BENCH_JFR:-} == 1 ]]; then
    jfr=("-XX:StartFlightRecording=settings=profile,filename=$run/app.jfr,dumponexit=true")
  fi
  local emu_before
  emu_before=$(emulator_cpu)
  log "run $label: $(basename "$data") -> $EMULATOR_URL"
  # the working folder is the run folder, so no application.properties or routes/ of the checkout is picked up
  local launch=("$LAUNCHER") tail=()
  [[ ${AMPFILL_BENCH_PLAIN:-} == 1 ]] && launch=(java) tail=(-jar "$JAR")
  measure "$run" "$run/app.out" "$run/app.err" "${launch[@]}" "${EXTRA_OPTS[@]}" "${jfr[@]}" "$@" \
    -Damplitude.api-key=bench -Damplitude.endpoint="$EMULATOR_URL/batch" \
    -Dbackfill.inbox=inbox -Dbackfill.file-min-age=0s \
    -Dbackfill.done-dir=done -Dbackfill.dead-letter-dir=dead-letter \
    "${tail[@]}"
  local wall=$WALL user=$CPU_USER sys=$CPU_SYS rss=$RSS_KB rc=$RC jit=$JIT_CPU gc=$GC_CPU
  LAST_WALL=$WALL
  EMU_CPU=$(calc "$(emulator_cpu) - $emu_before" 1)
  local report=$run/app.out
  local delivered requests per_request retries elapsed
  delivered=$(awk '/^  events delivered/ {print $3}' "$report")
  requests=$(awk '/^  requests/ {print $2}' "$report")
  per_request=$(sed -n 's/^  requests .*(\([0-9.]*\) events per request).*/\1/p' "$report")
  retries=$(awk '/^  retries/ {print $2; exit}' "$report")
  elapsed=$(awk '/^  elapsed/ {print $2}' "$report")
  if [[ $rc != 0 || -z $delivered ]]; then
    log "run $label failed (exit $rc); see $run/app.out and $run/app.err"
    tail -n 20 "$run/app.err" >&2 || true
  fi
  local left
  left=$(find "$run/inbox" -type f ! -name .ampfill.lock | wc -l)
  [[ $left == 0 ]] || NOTES+=("$label: $left file(s) still in the inbox after the run")
  [[ -n ${WARMING_UP:-} ]] && return 0
  add_row "$label" "${delivered:-0}" "$wall" "$user" "$sys" "$rss" "$jit" "$gc" "${requests:--}" "${per_request:--}" \
    "${retries:--}" "${elapsed:--}" "$EMU_CPU" "$rc"
  if [[ ${AMPFILL_BENCH_JFR:-} == 1 && -f $run/app.jfr ]]; then
    bench_tool Hotspots "$run/app.jfr" 40 >"$run/hotspots.txt"
    NOTES+=("$label: hotspots in $run/hotspots.txt")
  fi
}

ROW_FORMAT='%-12s %8s %7s %8s %6s %7s %5s %5s %8s %7s %7s %6s %6s %7s %4s\n'

# add_row LABEL EVENTS WALL USER SYS RSS_KB JIT GC REQUESTS PER_REQUEST RETRIES APP_ELAPSED EMU_CPU EXIT
add_row() {
  local label=$1 events=$2 wall=$3 user=$4 sys=$5 rss=$6
  local eps cpu per_million
  eps=$(calc "$events / $wall" 0)
  cpu=$(calc "$user + $sys" 1)
  per_million=$( ((events >= 1000)) && calc "($user + $sys) * 1000000 / $events" 1 || echo -)
  # shellcheck disable=SC2059
  RESULTS+=("$(printf "$ROW_FORMAT" "$label" "$events" "$wall" "$eps" "$cpu" "$per_million" "$7" "$8" "$9" "${10}" \
    "${11}" "$((rss / 1024))" "${12}" "${13}" "${14}")")
}

print_table() {
  echo
  local how="bin/ampfill"
  [[ ${AMPFILL_BENCH_PLAIN:-} == 1 ]] && how="java -jar with the JVM's defaults"
  echo "ampfill benchmark, $(date '+%Y-%m-%d %H:%M'), $(nproc) cores, $(java -version 2>&1 | head -n 1), $how${EXTRA_OPTS[*]:+ ${EXTRA_OPTS[*]}}"
  # shellcheck disable=SC2059
  printf "$ROW_FORMAT" "run" "events" "wall s" "events/s" "CPU s" "CPU s/M" "JIT s" "GC s" "requests" "ev/req" \
    "retries" "RSS MB" "app s" "emu CPU" "exit"
  local row
  for row in "${RESULTS[@]}"; do printf '%s\n' "$row"; done
  echo "wall, events/s: the whole process, JVM start included. CPU s: its user+sys; CPU s/M: per million events."
  echo "JIT s, GC s: the part of CPU s spent by the JIT compiler and GC threads. RSS MB: peak resident set."
  echo "app s: ampfill's own elapsed time. emu CPU: CPU seconds the emulator used meanwhile, on the same cores."
  for row in "${NOTES[@]}"; do echo "$row"; done
}

# ---- the runs --------------------------------------------------------------------------------------------------

# one emulator, rate limits off, serves all the runs but skew-limited. It is warmed up (JIT) first, so the first run
# measured does not pay for the emulator's warm-up and later ones do not gain: two passes of the ceiling client, then
# three unmeasured ampfill runs over data set a (ampfill's requests carry insert_ids and many devices each, which the
# ceiling client's do not, and the emulator's code for them must be warm too). Measured: the emulator's CPU per run
# of a falls from 3.5 s (cold) to 1.2, 1.1, 0.9 and 0.8 s over five runs, and stays at 0.7-0.8 s. With one 50,000-event
# warm-up run instead, as before, it still took 1.0-1.5 s of the two cores during each measured run.
limits_off() {
  if [[ -z $EMULATOR_PID || $EMULATOR_MODE != off ]]; then
    local data
    data=$(dataset a)
    start_emulator
    EMULATOR_MODE=off
    log "warming up the emulator"
    bench_tool CeilingClient --url "$EMULATOR_URL/batch" --data "$data" --threads "$CEILING_THREADS" --passes 2 >/dev/null
    WARMING_UP=1
    local pass
    for pass in 1 2 3; do
      run_ampfill warm-up "$data" -Damplitude.device-eps=0
      log "emulator warm-up run $pass: the emulator used $EMU_CPU CPU s"
    done
    WARMING_UP=
  fi
}

run_set() { # a, b or c with rate limits off, in the emulator and in ampfill
  local data
  data=$(dataset "$1")
  limits_off
  run_ampfill "$1" "$data" -Damplitude.device-eps=0
}

run_files() { # many small files: the per-file cost
  local data
  data=$(dataset files)
  limits_off
  run_ampfill files "$data" -Damplitude.device-eps=0
  local files=$SMALL_FILES
  NOTES+=("files: $files files of $(( EVENTS / files )) events; $(calc "$files / $LAST_WALL" 0) files/s over the whole process")
}

run_start() { # the fixed cost: JVM and Camel start and stop around a single event
  local file=$CACHE/data/one-event.ndjson
  if [[ ! -f $file ]]; then
    mkdir -p "$CACHE/data"
    head -n 1 "$(dataset a)" >"$file"
  fi
  limits_off
  run_ampfill "start" "$file" -Damplitude.device-eps=0
}

run_skew_limited() {
  local data
  data=$(dataset c)
  start_emulator --device-eps 300; EMULATOR_MODE=limited
  local t0 probe_out=$CACHE/probe.out
  t0=$(date +%s%3N)
  bench_tool StatsProbe --url "$EMULATOR_URL" --device "$(meta "$data" heavy_device)" \
    --light-events "$(meta "$data" light_events)" --heavy-events "$(meta "$data" heavy_events)" \
    --t0-millis "$t0" --timeout-s 180 >"$probe_out" 2>&1 &
  PROBE_PID=$!
  local probe=$PROBE_PID
  run_ampfill skew-limited "$data"          # ampfill at its default 300 events/s per device
  local i
  for ((i = 0; i < 100; i++)); do kill -0 $probe 2>/dev/null || break; sleep 0.1; done
  if kill -0 $probe 2>/dev/null; then
    kill $probe 2>/dev/null || true
    NOTES+=("skew-limited: the emulator had not ingested every event 10 s after ampfill ended")
  fi
  wait $probe 2>/dev/null || true
  PROBE_PID=
  NOTES+=("skew-limited (emulator and ampfill at 300 events/s per device; seconds since ampfill was started):")
  local line
  while IFS= read -r line; do NOTES+=("  $line"); done <"$probe_out"
  stop_emulator
}

run_big() {
  local data
  data=$(dataset big)
  limits_off
  # bin/ampfill's own heap is 256 MB; the plain java -jar run gets the same limit here
  run_ampfill big "$data" -Xmx256m -Damplitude.device-eps=0
  NOTES+=("big: $(meta "$data" bytes) bytes of NDJSON through -Xmx256m")
}

# a million devices, one event each (devices) or three spread over the file (devices-x3), through -Xmx256m: per-device
# state must stay bounded however many devices a run sees. ampfill paces at its default 300 events/s per device, so
# each device has a bucket to keep until it is full again; the emulator's limits are off.
run_many_devices() {
  local data
  data=$(dataset "$1")
  limits_off
  run_ampfill "$1" "$data" -Xmx256m
  NOTES+=("$1: $(meta "$data" devices) devices, $(meta "$data" events) events, through -Xmx256m with ampfill's default pacing")
}

run_kafka() { # instances on a Kafka topic: its own table (io.ampfill.kafka.KafkaScaleBench, in the test sources)
  local cp=$CACHE/kafka-classpath.txt
  log "kafka: compiling the test classes and listing their classpath"
  (cd "$ROOT" && mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp") >&2
  read -r -a args <<<"${AMPFILL_BENCH_KAFKA:-instances=1,2,3 events=480000 devices=4800 latency-ms=1000 concurrency=4}"
  java -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$cp")" io.ampfill.kafka.KafkaScaleBench \
    "${args[@]}" work="$CACHE/runs/kafka" | tee "$CACHE/kafka-$(date +%Y%m%d-%H%M%S).txt"
}

run_ceiling() {
  local data
  data=$(dataset a)
  limits_off
  local run=$CACHE/runs/ceiling emu_before
  mkdir -p "$run"
  emu_before=$(emulator_cpu)
  log "run ceiling: $CEILING_THREADS threads posting 1,000-event bodies of data set a"
  measure "$run" "$run/out" "$run/err" java -cp "$BENCH_CLASSES" io.ampfill.bench.CeilingClient --url "$EMULATOR_URL/batch" \
    --data "$data" --threads "$CEILING_THREADS" --events-per-request 1000 --passes "$CEILING_PASSES"
  EMU_CPU=$(calc "$(emulator_cpu) - $emu_before" 1)
  [[ $RC == 0 ]] || { cat "$run/err" >&2; log "ceiling client failed"; }
  local best
  best=$(sed -n 's/^ceiling events\/s (best pass): //p' "$run/out")
  add_row "ceiling" "$((CEILING_PASSES * EVENTS))" "$WALL" "$CPU_USER" "$CPU_SYS" "$RSS_KB" "$JIT_CPU" "$GC_CPU" \
    "$((CEILING_PASSES * EVENTS / 1000))" 1000.0 - - \
    "$EMU_CPU" "$RC"
  NOTES+=("ceiling: $(grep -c '^ceiling pass' "$run/out") passes of $EVENTS events; best pass ${best:-?} events/s" \
          "  (its row counts all passes and JVM start; the best pass is the figure to compare ampfill with)")
  local line
  while IFS= read -r line; do NOTES+=("  $line"); done < <(grep '^ceiling pass' "$run/out")
}

# ---- far and overloaded -----------------------------------------------------------------------------------------

# the emulator's GET /stats (reset=true: then it forgets its counts), as one line of JSON
emulator_stats() { curl -s "$EMULATOR_URL/stats${1:+?$1}"; }
json_number() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" <<<"$1"; }

# run_far_one LABEL [-D options...]: one run over the far data set; notes the requests in flight (mean over ampfill's
# own elapsed time, and most), and the 429 and 503 answers, from the emulator's counts over the run
run_far_one() {
  local label=$1 data; shift
  data=$(dataset far)
  emulator_stats reset=true >/dev/null
  # the emulator's count every 0.2 s: the steady rate is the one between a fifth and four fifths of the events, without
  # the start (the JVM, and the limit growing from 8) and the end (the last devices' last batches); a backfill of hours
  # runs at that rate
  local samples=$CACHE/$label.ingested sampler
  (while :; do printf '%s %s\n' "$(date +%s%N)" "$(json_number "$(emulator_stats)" ingested)"; sleep 0.2; done) \
    >"$samples" 2>/dev/null &
  sampler=$!
  run_ampfill "$label" "$data" "$@"
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  local steady
  steady=$(awk -v total="$FAR_EVENTS" '$2 != "" {
      if (t1 == "" && $2 >= total / 5) { t1 = $1; n1 = $2 }
      if (t2 == "" && $2 >= total * 4 / 5) { t2 = $1; n2 = $2 } }
    END { if (t2 > t1) printf "%.0f", (n2 - n1) / ((t2 - t1) / 1e9); else print "-" }' "$samples")
  rm -f "$samples"
  local stats held most s429 s503 elapsed mean
  stats=$(emulator_stats)
  held=$(json_number "$stats" in_flight_request_seconds)
  most=$(json_number "$stats" in_flight_max)
  s429=$(json_number "$stats" 429); s503=$(json_number "$stats" 503)
  elapsed=$(awk '/^  elapsed/ {print $2}' "$CACHE/runs/$label/app.out")
  mean=$( [[ -n $elapsed ]] && calc "$held / ${elapsed%s}" 1 || echo -)
  NOTES+=("$label: requests in flight mean $mean, most $most; answered 429: ${s429:-0}, 503: ${s503:-0};"
    "  steady events/s (from a fifth to four fifths of the events): $steady")
}

# the limit over time, from the log lines of RequestConcurrency at debug: "seconds since the first,limit" to a CSV
limit_csv() {
  local err=$1 csv=$2
  awk 'BEGIN { print "seconds,limit" }
       / request concurrency limit / {
         split($1, t, /[:.]/); s = t[1] * 3600 + t[2] * 60 + t[3] + t[4] / 1000
         if (first == "") first = s
         if (s < first) s += 86400
         printf "%.3f,%s\n", s - first, $NF }' "$err" >"$csv"
}

# warm_far: one unmeasured run of the far data set against the emulator just started far away or overloaded, so that
# its JIT is warm, as Amplitude's servers are. Cold, its answers were slower and more uneven: the first run measured
# (the adaptive one) paid for that where the fixed ones after it did not. Three runs in a row against a new emulator
# 300 ms away took 10.4, 8.8 and 7.5 s; one of data set a (200,000 events) first was not enough
warm_far() {
  WARMING_UP=1
  run_ampfill warm-up "$(dataset far)"
  WARMING_UP=
  log "far emulator warm-up run: the emulator used $EMU_CPU CPU s"
}

# far: against the emulator FAR_LATENCIES away, adaptive and fixed 8, ampfill's defaults otherwise (pacing on)
run_far() {
  local ms n
  for ms in $FAR_LATENCIES; do
    if ((ms == 0)); then
      limits_off   # the warmed-up emulator: without latency, a cold emulator's JIT would slow the run it is compared with
    else
      start_emulator --latency-ms "$ms" --latency-jitter-ms $((ms / 10)); EMULATOR_MODE=far
      warm_far
    fi
    run_far_one "far-${ms}ms"
    for n in "${FAR_FIXED[@]}"; do
      run_far_one "far-${ms}ms-fixed$n" -Damplitude.max-concurrent-requests="$n"
    done
  done
  stop_emulator
}

# capacity: against an emulator that takes CAPACITY requests at once, adaptive (with its limit over time in a CSV)
# and each of CAPACITY_FIXED
run_capacity() {
  start_emulator --latency-ms $CAPACITY_LATENCY --latency-jitter-ms $((CAPACITY_LATENCY / 10)) --capacity "$CAPACITY"
  EMULATOR_MODE=capacity
  warm_far
  local run=$CACHE/runs/capacity n
  run_far_one capacity -Dorg.slf4j.simpleLogger.log.io.ampfill.delivery.RequestConcurrency=debug
  limit_csv "$run/app.err" "$run/limit.csv"
  NOTES+=("capacity: emulator at $CAPACITY_LATENCY ms taking $CAPACITY (knee,most) requests at once;" \
          "  the limit over time: $run/limit.csv ($(($(wc -l <"$run/limit.csv") - 1)) changes)")
  for n in "${CAPACITY_FIXED[@]}"; do
    run_far_one "capacity-fixed$n" -Damplitude.max-concurrent-requests="$n"
  done
  stop_emulator
}

main() {
  local sets=("$@")
  ((${#sets[@]})) || sets=(all)
  if [[ " ${sets[*]} " == *" all "* ]]; then sets=(start a b c files skew-limited ceiling big devices devices-x3); fi
  local s
  for s in "${sets[@]}"; do
    case $s in start|a|b|c|files|skew-limited|ceiling|big|devices|devices-x3|far|capacity|kafka) ;; *) usage ;; esac
  done
  mkdir -p "$CACHE"
  CACHE=$(cd "$CACHE" && pwd)   # runs change folder
  ensure_jar
  ensure_bench_classes
  ensure_launcher_archive
  EMULATOR_MODE=
  for s in "${sets[@]}"; do
    case $s in
      a|b|c) run_set "$s" ;;
      start) run_start ;;
      files) run_files ;;
      skew-limited) run_skew_limited ;;
      ceiling) run_ceiling ;;
      big) run_big ;;
      devices|devices-x3) run_many_devices "$s" ;;
      far) run_far ;;
      capacity) run_capacity ;;
      kafka) run_kafka ;;
    esac
  done
  stop_emulator
  print_table | tee "$CACHE/results-$(date +%Y%m%d-%H%M%S).txt"
}

main "$@"
