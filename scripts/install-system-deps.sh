#!/usr/bin/env bash
# Install the Debian packages gcmhub needs. `runtime`: gettext for compilemessages, the fonts
# and Pango WeasyPrint draws PDFs with. `test` (default): those plus Chromium for the browser
# journeys. Idempotent; needs root or sudo. Nothing comes from outside Debian's registry.
set -euo pipefail
mode="${1:-test}"
need=()
[ "$mode" = "test" ] && { command -v chromium >/dev/null 2>&1 || need+=(chromium); }
[ "$mode" = "test" ] && { command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils); }
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
if [ "${WITH_POSTGRES:-0}" = "1" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
