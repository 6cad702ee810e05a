#!/bin/sh
# Starts the daemon on the JDK AOT cache when the image has one; JAVA_TOOL_OPTIONS and
# OBSERVERS_JAVA_OPTS add JVM options (heap: -XX:MaxRAMPercentage, set by the Deployment).
set -e
aot=
[ -f /deployments/app.aot ] && aot=-XX:AOTCache=/deployments/app.aot
# shellcheck disable=SC2086
exec java $aot ${OBSERVERS_JAVA_OPTS:-} -jar /deployments/quarkus-run.jar "$@"
