#!/bin/sh
# Make sure a Java runtime is on PATH for Spark local mode (tests marked `spark`, `ontherecord spark`).
# Installs Debian's default-jre-headless when `java` is missing; prints the java in use.
# Exit status: 0 when java is available afterwards, 1 otherwise (the Spark tests then skip).
set -u

if command -v java >/dev/null 2>&1; then
    java -version 2>&1 | head -n 1
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "java.sh: no java and no apt-get; install a Java 17+ runtime to run the Spark job" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "java.sh: no java, and installing one needs root (apt-get install default-jre-headless)" >&2
        exit 1
    fi
fi

echo "java.sh: installing default-jre-headless from Debian's packages" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null

if command -v java >/dev/null 2>&1; then
    java -version 2>&1 | head -n 1
    exit 0
fi
echo "java.sh: installation failed; the Spark tests will be skipped" >&2
exit 1
