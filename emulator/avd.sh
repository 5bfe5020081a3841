#!/usr/bin/env bash
# Create and boot a real Android Virtual Device for QA, where the Android SDK is installed.
# The simulated phone (emulator/phone.py) needs none of this; this is for checking flows
# against the real Instagram app. Not runnable in CI containers without KVM.
#
#   emulator/avd.sh create            # once: system image + AVD "igfarm-pixel7"
#   emulator/avd.sh boot              # start it headless, wait for boot, print its serial
#   emulator/avd.sh install app.apk   # install an Instagram APK you are licensed to use
#   emulator/avd.sh stop
#
# Needs ANDROID_HOME (or ANDROID_SDK_ROOT) pointing at the SDK, with cmdline-tools,
# platform-tools and emulator installed. Instagram is not on AOSP images: use a
# google_apis_playstore image and install it from the Play Store (sign in on the AVD), or
# install an APK you obtained legitimately. Then log the test accounts in by hand once.
set -euo pipefail

SDK="${ANDROID_HOME:-${ANDROID_SDK_ROOT:-}}"
if [[ -z "$SDK" ]]; then
  echo "set ANDROID_HOME to the Android SDK directory" >&2
  exit 2
fi
API="${IGFARM_AVD_API:-34}"
ABI="${IGFARM_AVD_ABI:-x86_64}"
NAME="${IGFARM_AVD_NAME:-igfarm-pixel7}"
IMAGE="system-images;android-${API};google_apis_playstore;${ABI}"
PORT="${IGFARM_AVD_PORT:-5554}"
SERIAL="emulator-${PORT}"
PATH="$SDK/cmdline-tools/latest/bin:$SDK/platform-tools:$SDK/emulator:$PATH"

case "${1:-}" in
  create)
    yes | sdkmanager --licenses >/dev/null
    sdkmanager "platform-tools" "emulator" "$IMAGE"
    echo no | avdmanager create avd --force --name "$NAME" --package "$IMAGE" --device pixel_7
    # 1080x2400 like the simulated phone; enough RAM and storage for Instagram.
    cfg="$HOME/.android/avd/${NAME}.avd/config.ini"
    {
      echo "hw.lcd.width=1080"
      echo "hw.lcd.height=2400"
      echo "hw.lcd.density=420"
      echo "hw.ramSize=4096"
      echo "disk.dataPartition.size=8G"
      echo "hw.keyboard=no"
    } >>"$cfg"
    echo "created AVD $NAME ($IMAGE)"
    ;;
  boot)
    emulator -avd "$NAME" -port "$PORT" -no-window -no-audio -no-boot-anim \
      -no-snapshot-save -gpu swiftshader_indirect >"${TMPDIR:-/tmp}/${NAME}.log" 2>&1 &
    adb -s "$SERIAL" wait-for-device
    until [[ "$(adb -s "$SERIAL" shell getprop sys.boot_completed 2>/dev/null | tr -d '\r')" == "1" ]]; do
      sleep 2
    done
    adb -s "$SERIAL" shell settings put global window_animation_scale 0
    adb -s "$SERIAL" shell settings put global transition_animation_scale 0
    adb -s "$SERIAL" shell settings put global animator_duration_scale 0
    echo "$SERIAL"
    ;;
  install)
    adb -s "$SERIAL" install -r -g "${2:?path to the APK}"
    adb -s "$SERIAL" shell dumpsys package com.instagram.android | grep versionName
    ;;
  stop)
    adb -s "$SERIAL" emu kill
    ;;
  *)
    sed -n '2,16p' "$0"
    exit 2
    ;;
esac
