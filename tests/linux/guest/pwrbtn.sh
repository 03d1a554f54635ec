#!/bin/sh
# pwrbtn.sh acpid|pwrbtn-ignore: sysinit of the power-button modes.  Both
# load Debian's `button` module, whose LNXPWRBN driver enables PWRBTN_EN
# (ACPI 6.5 section 4.8.3.1) and turns the button's SCI into KEY_POWER on
# its "Power Button" input device, and evdev, which makes that device
# /dev/input/eventN.  `acpid` then runs busybox acpid, which maps KEY_POWER
# to the action PWRF/00000080 and runs /etc/acpi/PWRF/00000080
# (pwrf.sh: a marker on the console, then poweroff through init);
# `pwrbtn-ignore` runs nothing that listens, so the press changes nothing.
# A failure still says RIG-GUEST-READY, so the node reports it at once.
err() { echo "RIG-GUEST-ERROR $*"; echo "RIG-GUEST-READY"; exit 0; }
while read -r m; do
	insmod "/rig/acpi/modules/$m.ko" || echo "RIG-GUEST-ERROR insmod $m"
done </rig/acpi/modules/order
# The input device of the button: its event handler.
dev=$(awk '/^N: Name="Power Button"/ { p = 1 } p && /^H:/ { for (i = 2; i <= NF; i++) if ($i ~ /^event/) print $i; exit }' /proc/bus/input/devices)
[ -n "$dev" ] || { sed 's/^/RIG-LOG input: /' /proc/bus/input/devices; err "no Power Button input device"; }
i=0
while [ ! -c "/dev/input/$dev" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo "RIG-PWRBTN dev=/dev/input/$dev"
if [ "$1" = acpid ]; then
	mkdir -p /etc/acpi/PWRF /var/log
	cp /rig/pwrf.sh /etc/acpi/PWRF/00000080
	# No /etc/acpid.conf or /etc/acpi.map: acpid's built-in tables.
	acpid -d -c /etc/acpi >/tmp/acpid.log 2>&1 &
	pid=$!
	# acpid opens /dev/input/event* after it started: ready only when it
	# holds the button's device open.
	holds() { for f in "/proc/$pid/fd/"*; do [ "$(readlink "$f")" = "/dev/input/$dev" ] && return 0; done; return 1; }
	i=0
	until holds; do
		[ $i -lt 100 ] || { sed 's/^/RIG-LOG acpid: /' /tmp/acpid.log; err "acpid did not open /dev/input/$dev"; }
		sleep 0.1; i=$((i + 1))
	done
	echo "RIG-ACPID-LISTENING pid=$pid"
fi
echo "RIG-GUEST-READY"
