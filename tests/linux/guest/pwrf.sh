#!/bin/sh
# busybox acpid's action for the power button (/etc/acpi/PWRF/00000080):
# says so on the console, then a clean power-off by init (its shutdown
# entry prints RIG-GUEST-SHUTDOWN first).
echo "RIG-ACPID-PWRF" >/dev/console
poweroff
