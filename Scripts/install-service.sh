#!/usr/bin/env bash
# Installs sensorgw as a systemd service on a board from a clone (run as root); the Debian
# package (Scripts/build-deb.sh) is the other way:
# builds a release binary, creates the unprivileged `sensorgw` user with the device groups,
# installs the unit and, if none exists, a configuration to edit.
# Usage: sudo Scripts/install-service.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
bash Scripts/install-packages.sh
swift build -c release --static-swift-stdlib
install -m 0755 "$(swift build -c release --show-bin-path)/sensorgw" /usr/local/bin/sensorgw
for group in i2c spi gpio; do getent group "$group" >/dev/null || groupadd --system "$group"; done
id sensorgw >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin sensorgw
usermod -aG i2c,spi,gpio sensorgw
install -d -m 0750 -g sensorgw /etc/sensorgw
if [ ! -e /etc/sensorgw/sensorgw.yaml ]; then
  install -m 0640 -g sensorgw Examples/raspberry-pi.yaml /etc/sensorgw/sensorgw.yaml
  echo "edit /etc/sensorgw/sensorgw.yaml and put ca.pem and client.pem (mode 0644) and client.key (root:root, mode 0600) in /etc/sensorgw/;"
  echo "the unit hands the key to the agent as /run/credentials/sensorgw.service/client.key (LoadCredential=)"
fi
# The unit names the packaged binary (/usr/bin/sensorgw); this install puts it in /usr/local/bin.
sed 's#/usr/bin/sensorgw#/usr/local/bin/sensorgw#g' Systemd/sensorgw.service > /etc/systemd/system/sensorgw.service
chmod 0644 /etc/systemd/system/sensorgw.service
systemctl daemon-reload
echo "then: sensorgw config check /etc/sensorgw/sensorgw.yaml && systemctl enable --now sensorgw"
