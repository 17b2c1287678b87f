# Sourced by the txn bench scripts: builds txn, then sets $cp to a private snapshot of txn's
# classes, test classes and dependencies (our own module jars copied too), so a rebuild in the
# working tree or a re-install into ~/.m2 cannot change classes under a long run. Removes the
# snapshot on exit. Expects to run from the repository root.
mvn -o -q -B -pl txn -am install -DskipTests
snap="$(mktemp -d)"
trap 'rm -rf "$snap"' EXIT
mvn -o -q -B -pl txn dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$snap/cp"
cp -r txn/target/test-classes "$snap/test-classes"
cp -r txn/target/classes "$snap/classes"
deps=""
IFS=: read -ra jars <<< "$(cat "$snap/cp")"
for j in "${jars[@]}"; do
  if [[ "$j" == */org/casfs/* ]]; then
    cp "$j" "$snap/" && j="$snap/$(basename "$j")"
  fi
  deps="$deps:$j"
done
cp="$snap/test-classes:$snap/classes$deps"
