#!/usr/bin/env bash
# Throughput of 128-dimensional documents through the Shoal sink vs. a discarding sink.
# Usage (from the repository root): flink-sink/bench.sh [documents] [storeUri or ""] [parallelism] [checkpointMs] [rounds]
# Without a storeUri it runs the memory store, then a file store in a temporary folder. The memory
# store keeps deleted namespaces in the heap, hence the large heap.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl flink-sink -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test -Dspotless.check.skip=true
exec java -Xmx6g -XX:+UseParallelGC \
  -cp "flink-sink/target/test-classes:flink-sink/target/classes:$(cat flink-sink/target/bench.classpath)" \
  dev.shoal.flink.bench.SinkThroughputBenchmark "$@"
