#!/usr/bin/env bash
# Fails when the README's example differs from tests/examples/readme_example.cpp, which is the
# copy that is compiled and run as a test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
example=$(sed -n '/^\/\/ begin-example$/,/^\/\/ end-example$/p' "$root/tests/examples/readme_example.cpp" | sed '1d;$d')
readme=$(awk '/^<!-- example: tests\/examples\/readme_example.cpp/{grab=1; next} grab && /^```cpp$/{inside=1; next} inside && /^```$/{exit} inside{print}' "$root/README.md")
if [ "$example" != "$readme" ]; then
  echo "README example differs from tests/examples/readme_example.cpp:" >&2
  diff <(printf '%s\n' "$readme") <(printf '%s\n' "$example") >&2 || true
  exit 1
fi
echo "README example matches tests/examples/readme_example.cpp"
