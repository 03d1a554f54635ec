#!/bin/bash
# End to end on Kubernetes: a kind cluster, the podlaunch image, the VM pod
# from manifests/pod.yaml booting the in-tree test guest, and a second pod
# that pings the VM at the pod IP.  Needs docker, kind and kubectl (and a
# /dev/kvm on the docker host).  Deletes everything it made.
#
#   tests/cluster/kind.sh            # KEEP=1 keeps the cluster
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
CLUSTER=${CLUSTER:-podlaunch-test}
IMAGE=localhost/podlaunch:dev
TIMEOUT=${TIMEOUT:-300}

for t in docker kind kubectl python3; do
	command -v "$t" >/dev/null || skip "$t is not installed (the kind test needs docker, kind and kubectl)"
done
docker info >/dev/null 2>&1 || skip "no docker engine reachable"
[ -c /dev/kvm ] || skip "no /dev/kvm on this host"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed"

work=$(mktemp -d)
created=0
cleanup() {
	set +e
	if [ "$created" = 1 ] && [ "${KEEP:-0}" != 1 ]; then kind delete cluster --name "$CLUSTER" >/dev/null 2>&1; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
k() { kubectl --context "kind-$CLUSTER" "$@"; }
on_fail() {
	k get pods -A -o wide 2>/dev/null | tail -n 20
	k logs podlaunch-vm --tail=40 2>/dev/null
}

# The cluster config: the repo's, with the guest directory pointed at ours
# and /dev/vhost-net dropped where the host has none (docker would create a
# directory in its place).
mkdir -p "$work/guest"
python3 - "$work" <<'PY'
import sys, os, yaml
work = sys.argv[1]
cfg = yaml.safe_load(open("manifests/kind-config.yaml"))
for node in cfg["nodes"]:
    mounts = []
    for m in node.get("extraMounts", []):
        if m["hostPath"] == "/tmp/podlaunch-guest":
            m = dict(m, hostPath=work + "/guest")
        if m["hostPath"].startswith("/dev/") and not os.path.exists(m["hostPath"]):
            continue
        mounts.append(m)
    node["extraMounts"] = mounts
yaml.safe_dump(cfg, open(work + "/kind.yaml", "w"))

# The VM pod boots the test guest shipped in the image, with the generic
# device plugin's resource names (no KubeVirt here).
docs = list(yaml.safe_load_all(open("manifests/pod.yaml")))
pod = docs[0]
c = pod["spec"]["containers"][0]
c["args"] = ["--", "--kernel", "/usr/share/podlaunch/guest.elf", "--cpu-template", "baseline",
             "--console", "stdio", "--shutdown-timeout", "25"]
for kind in ("requests", "limits"):
    res = c["resources"][kind]
    for name in list(res):
        if name.startswith("devices.kubevirt.io/"):
            dev = name.split("/", 1)[1]
            del res[name]
            if dev != "vhost-net" or os.path.exists("/dev/vhost-net"):
                res["squat.ai/" + dev] = "1"
yaml.safe_dump(pod, open(work + "/pod.yaml", "w"))
PY

echo "== cluster $CLUSTER"
kind create cluster --name "$CLUSTER" --config "$work/kind.yaml" --wait 120s
created=1
echo "== image $IMAGE"
docker build -q -f manifests/Containerfile -t "$IMAGE" .
kind load docker-image --name "$CLUSTER" "$IMAGE"
k label namespace default pod-security.kubernetes.io/enforce=privileged --overwrite >/dev/null
k apply -f manifests/generic-device-plugin.yaml
k -n kube-system rollout status daemonset/generic-device-plugin --timeout=120s

echo "== VM pod"
k apply -f "$work/pod.yaml"
k wait --for=condition=Ready pod/podlaunch-vm --timeout="${TIMEOUT}s" || fail "the VM pod did not become Ready"
pod_ip=$(k get pod podlaunch-vm -o jsonpath='{.status.podIP}')
vm_lease() { k logs podlaunch-vm 2>/dev/null | grep -a -m1 -o 'LEASE .*'; }
wait_until "$TIMEOUT" has_output vm_lease || true
lease=$(vm_lease || true)
[ -n "$lease" ] || fail "no LEASE line in kubectl logs after ${TIMEOUT}s"
echo "$lease"
case " $lease " in *" ip=$pod_ip/"*) ;; *) fail "the lease does not carry the pod IP $pod_ip" ;; esac

echo "== ping $pod_ip from another pod"
k run pinger --image=busybox:1.36 --restart=Never --command -- ping -c 5 -W 2 "$pod_ip"
pinger_phase() { k get pod pinger -o jsonpath='{.status.phase}' 2>/dev/null || true; }
wait_until 120 output_matches '^(Succeeded|Failed)$' pinger_phase || true
phase=$(pinger_phase)
k logs pinger | tail -n 3
[ "$phase" = Succeeded ] || fail "ping from another pod to $pod_ip failed"

echo "== graceful stop"
k delete pod podlaunch-vm --wait=true --timeout=60s
k delete pod pinger --wait=false
echo "PASS: the VM took the pod IP $pod_ip and answered another pod"
