# Shared by the launchers: finds java and the distribution's lib folder.
HOTSTANDBY_HOME=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
fi
CLASSPATH="$HOTSTANDBY_HOME/lib/*"
# Hazelcast asks for these on Java 17.
HAZELCAST_OPENS="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens java.management/sun.management=ALL-UNNAMED \
--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
