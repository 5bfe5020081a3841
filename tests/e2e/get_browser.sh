#!/bin/sh
# The console's browser test (tests/e2e/test_console_browser.py) drives Debian's chromium with
# chromium-driver. `make test` calls this first: it installs both when they are missing and it
# may (root, apt-get); otherwise it says how, and the test skips (fails when CI is set).
command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium and chromium-driver for the console's browser test"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq chromium chromium-driver >/dev/null && exit 0
fi
echo "note: no chromium + chromedriver: the console's browser test will skip" \
  "(apt-get install -y chromium chromium-driver)" >&2
exit 0
