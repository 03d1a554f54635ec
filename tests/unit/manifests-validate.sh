#!/bin/bash
# Offline checks of manifests/ (shell scripts: tests/lint/shellcheck.sh):
#  - every YAML document parses; the Pod, the device-plugin DaemonSet and the
#    kind config carry what podlaunch needs (NET_ADMIN only, not privileged,
#    devices as resources, grace period above podvmm's shutdown timeout,
#    memory covering the guest, console on stdout, guest from a volume);
#  - the Containerfile is multi-stage with podlaunch as the entrypoint;
#  - the demo's OCI bundle grants exactly the capabilities the Pod would get;
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/test.sh
. tests/lib/test.sh
python3 -c 'import yaml' 2>/dev/null || skip "python3 yaml module missing (python3-yaml)"
command -v jq >/dev/null || skip "jq is not installed"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The capability set bundle.sh writes for the demo container, to compare with
# what the Pod gets.  --bin of a static binary keeps it independent of ldd.
demo/bundle.sh --out "$work/bundle" --netns /var/run/netns/none -- /bin/true
jq -c '.process.capabilities' "$work/bundle/config.json" >"$work/caps.json"

python3 - "$work/caps.json" "$work/bundle/config.json" <<'PY'
import glob, json, re, sys, yaml

errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

# containerd's default capability set for a non-privileged container.
RUNTIME_DEFAULT = {"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
                   "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE",
                   "SYS_CHROOT", "KILL", "AUDIT_WRITE"}
SHUTDOWN_TIMEOUT_DEFAULT = 25   # podvmm --shutdown-timeout default
GUEST_MEMORY_DEFAULT = 256      # podvmm --memory default, MiB
VMM_OVERHEAD_MIB = 32           # podvmm + podlaunch + DHCP server, at least

def mib(q):
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi|K|M|G)?", str(q))
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2) or ""
    return n * {"": 2**-20, "Ki": 2**-10, "Mi": 1, "Gi": 1024,
                "K": 1e3 / 2**20, "M": 1e6 / 2**20, "G": 1e9 / 2**20}[unit]

docs = {}
files = sorted(glob.glob("manifests/**/*.yaml", recursive=True) +
               glob.glob("manifests/**/*.yml", recursive=True))
check(files, "no YAML files in manifests/")
for f in files:
    try:
        ds = [d for d in yaml.safe_load_all(open(f)) if d is not None]
    except yaml.YAMLError as e:
        errors.append(f"{f}: does not parse: {e}")
        continue
    for d in ds:
        check(isinstance(d, dict) and "apiVersion" in d and "kind" in d,
              f"{f}: a document without apiVersion/kind")
    docs[f] = ds
print(f"ok: {len(files)} YAML files parse")

# Field names of the core/v1 objects used here (k8s.io/api/core/v1
# types.go): kubectl cannot validate without an API server, so catch typos
# ourselves.
POD_FIELDS = {
    "": {"apiVersion", "kind", "metadata", "spec"},
    "metadata": {"name", "namespace", "labels", "annotations"},
    "spec": {"containers", "initContainers", "volumes", "restartPolicy", "terminationGracePeriodSeconds",
             "securityContext", "nodeSelector", "tolerations", "affinity", "hostname", "subdomain",
             "dnsPolicy", "dnsConfig", "runtimeClassName", "priorityClassName", "serviceAccountName",
             "automountServiceAccountToken", "enableServiceLinks", "hostNetwork"},
    "container": {"name", "image", "imagePullPolicy", "command", "args", "env", "envFrom", "ports",
                  "resources", "securityContext", "volumeMounts", "volumeDevices", "workingDir",
                  "readinessProbe", "livenessProbe", "startupProbe", "lifecycle", "stdin", "tty",
                  "terminationMessagePolicy", "terminationMessagePath"},
    "securityContext": {"privileged", "allowPrivilegeEscalation", "capabilities", "runAsUser",
                        "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem", "seccompProfile",
                        "procMount", "seLinuxOptions", "appArmorProfile"},
    "podSecurityContext": {"sysctls", "runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup",
                           "seccompProfile", "supplementalGroups", "seLinuxOptions", "appArmorProfile"},
    "capabilities": {"add", "drop"},
    "resources": {"requests", "limits", "claims"},
    "volumeMount": {"name", "mountPath", "readOnly", "subPath", "mountPropagation"},
    "volume": {"name", "hostPath", "emptyDir", "persistentVolumeClaim", "configMap", "secret", "image"},
}

def unknown_fields(f, pod):
    def chk(obj, allowed, where):
        if isinstance(obj, dict):
            for k in obj:
                check(k in POD_FIELDS[allowed], f"{f}: unknown field {where}.{k}")
    chk(pod, "", "")
    chk(pod.get("metadata"), "metadata", "metadata")
    spec = pod.get("spec") or {}
    chk(spec, "spec", "spec")
    chk(spec.get("securityContext"), "podSecurityContext", "spec.securityContext")
    for v in spec.get("volumes") or []:
        chk(v, "volume", "spec.volumes[]")
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        chk(c, "container", "containers[]")
        chk(c.get("securityContext"), "securityContext", "containers[].securityContext")
        chk((c.get("securityContext") or {}).get("capabilities"), "capabilities",
            "containers[].securityContext.capabilities")
        chk(c.get("resources"), "resources", "containers[].resources")
        for m in c.get("volumeMounts") or []:
            chk(m, "volumeMount", "containers[].volumeMounts[]")

def of_kind(kind):
    return [(f, d) for f, ds in docs.items() for d in ds if d.get("kind") == kind]

# --- the VM Pod ---
pods = of_kind("Pod")
check(pods, "no Pod manifest")
for f, pod in pods:
    spec = pod.get("spec", {})
    before = len(errors)
    unknown_fields(f, pod)
    check(pod.get("metadata", {}).get("name"), f"{f}: Pod without metadata.name")
    check(not spec.get("hostNetwork"), f"{f}: hostNetwork must be off (the pod network is the point)")
    cs = spec.get("containers") or []
    check(len(cs) == 1, f"{f}: want exactly one container")
    if not cs:
        continue
    c = cs[0]
    for k in ("name", "image"):
        check(c.get(k), f"{f}: container without {k}")
    args = [str(a) for a in (c.get("command") or []) + (c.get("args") or [])]
    check("--" in args, f"{f}: args need '--' between podlaunch and VMM flags")
    vm = args[args.index("--") + 1:] if "--" in args else []
    def flag(name, default=None):
        return vm[vm.index(name) + 1] if name in vm and vm.index(name) + 1 < len(vm) else default
    sc = c.get("securityContext") or {}
    check(sc.get("privileged") in (None, False), f"{f}: container must not be privileged")
    caps = sc.get("capabilities") or {}
    check(caps.get("add") == ["NET_ADMIN"], f"{f}: capabilities.add must be exactly [NET_ADMIN], is {caps.get('add')}")
    check(not set(caps.get("drop") or []) & {"NET_ADMIN"}, f"{f}: NET_ADMIN dropped")
    check(sc.get("allowPrivilegeEscalation") is not True, f"{f}: allowPrivilegeEscalation must not be true")
    timeout = int(flag("--shutdown-timeout", SHUTDOWN_TIMEOUT_DEFAULT))
    grace = spec.get("terminationGracePeriodSeconds", 30)
    check(grace > timeout, f"{f}: terminationGracePeriodSeconds {grace} must exceed the shutdown timeout {timeout}")
    check(flag("--console") == "stdio", f"{f}: the VM console must be on stdio for kubectl logs")
    check(not c.get("tty") and not c.get("stdin"), f"{f}: no tty/stdin: the console goes to the log")
    kernel = flag("--kernel")
    check(kernel, f"{f}: no --kernel")
    mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts") or []}
    vols = {v["name"]: v for v in spec.get("volumes") or []}
    if kernel:
        mp = [p for p in mounts if kernel.startswith(p.rstrip("/") + "/")]
        check(mp and mounts[mp[0]] in vols, f"{f}: --kernel {kernel} is not on a volume")
    state = [p for p in mounts if p.rstrip("/") == "/var/run/podlaunch"]
    check(state and "emptyDir" in vols.get(mounts[state[0]], {}),
          f"{f}: /var/run/podlaunch (the state cache) must be an emptyDir that survives container restarts")
    res = c.get("resources") or {}
    req, lim = res.get("requests") or {}, res.get("limits") or {}
    check(req.get("cpu"), f"{f}: no cpu request")
    mem = mib(req.get("memory", "0"))
    guest = int(flag("--memory", GUEST_MEMORY_DEFAULT))
    check(mem is not None and mem >= guest + VMM_OVERHEAD_MIB,
          f"{f}: memory request {req.get('memory')} must cover {guest} MiB guest + {VMM_OVERHEAD_MIB} MiB VMM")
    if "memory" in lim:
        check(mib(lim["memory"]) >= mem, f"{f}: memory limit below the request")
    for dev in ("kvm", "tun", "vhost-net"):
        name = f"devices.kubevirt.io/{dev}"
        check(str(lim.get(name)) == "1", f"{f}: limits.{name} must be 1")
        check(str(req.get(name, "1")) == "1", f"{f}: requests.{name} must equal the limit")
    check(not any(v.get("hostPath", {}).get("path", "").startswith("/dev") for v in vols.values()),
          f"{f}: devices must come from a device plugin, not hostPath")
    nnp = sc.get("allowPrivilegeEscalation") is False
    if before == len(errors):
        print(f"ok: {f}: NET_ADMIN only, unprivileged, grace {grace}s > {timeout}s, "
          f"memory {req.get('memory')} >= {guest}Mi + overhead, kvm/tun/vhost-net resources")

# The demo's runc bundle must grant what this Pod gets: runtime defaults + add.
before = len(errors)
bundle = json.load(open(sys.argv[1]))
process = json.load(open(sys.argv[2]))["process"]
check(process.get("noNewPrivileges") is (nnp if pods else False),
      "demo/bundle.sh: noNewPrivileges must match the Pod's allowPrivilegeEscalation")
want = {"CAP_" + c for c in RUNTIME_DEFAULT | {"NET_ADMIN"}}
for kind in ("bounding", "effective", "permitted"):
    got = set(bundle.get(kind) or [])
    check(got == want, f"demo/bundle.sh: {kind} caps differ from the Pod's: "
          f"extra {sorted(got - want)}, missing {sorted(want - got)}")
check(not bundle.get("ambient") and not bundle.get("inheritable"),
      "demo/bundle.sh: ambient/inheritable capabilities must be empty")
if before == len(errors):
    print("ok: the demo bundle's capabilities equal the Pod's (runtime defaults + NET_ADMIN)")

# --- the generic device plugin ---
for f, ds in of_kind("DaemonSet"):
    c = ds["spec"]["template"]["spec"]["containers"][0]
    devs = set()
    for a in c.get("args") or []:
        if "name:" in str(a):
            devs.add(yaml.safe_load(a)["name"])
    check({"kvm", "tun", "vhost-net"} <= devs, f"{f}: device plugin lacks {sorted({'kvm', 'tun', 'vhost-net'} - devs)}")
    if {"kvm", "tun", "vhost-net"} <= devs:
        print(f"ok: {f}: advertises {', '.join(sorted(devs))}")

# --- the kind cluster ---
clusters = of_kind("Cluster")
check(clusters, "no kind Cluster config")
for f, cfg in clusters:
    before = len(errors)
    check(cfg.get("apiVersion", "").startswith("kind.x-k8s.io/"), f"{f}: not a kind config")
    # podlaunch sets arp_ignore/accept_local on its own bridge over
    # rtnetlink (NET_ADMIN only; /proc/sys is read-only in the pod), so the
    # Pod asks for no sysctl and kubelet needs no unsafe-sysctl opt-in.
    want_sysctls = {x["name"] for _, pod in pods for x in
                    ((pod.get("spec") or {}).get("securityContext") or {}).get("sysctls") or []}
    check(not want_sysctls, f"{f}: the Pod asks for sysctls {sorted(want_sysctls)}; podlaunch needs none")
    allowed = set()
    for patch in cfg.get("kubeadmConfigPatches") or []:
        doc = yaml.safe_load(patch)
        if doc.get("kind") == "KubeletConfiguration":
            allowed |= set(doc.get("allowedUnsafeSysctls") or [])
    check(not allowed, f"{f}: kubelet allows unsafe sysctls {sorted(allowed)}; podlaunch needs none")
    for n in cfg.get("nodes") or []:
        paths = {m.get("containerPath") for m in n.get("extraMounts") or []}
        for dev in ("/dev/kvm", "/dev/vhost-net"):
            check(dev in paths, f"{f}: node {n.get('role')} does not mount {dev}")
    if before == len(errors):
        print(f"ok: {f}: nodes get /dev/kvm and /dev/vhost-net; no unsafe sysctl asked or allowed")

# --- the Containerfile ---
cf = open("manifests/Containerfile").read()
lines = [l.strip() for l in re.sub(r"\\\n", " ", cf).splitlines() if l.strip() and not l.lstrip().startswith("#")]
stages = [l for l in lines if l.upper().startswith("FROM ")]
check(len(stages) >= 2, "Containerfile: want a build stage and a runtime stage")
check(stages and re.match(r"FROM debian:bookworm\S* AS \w+", stages[0], re.I), "Containerfile: build stage must be Debian bookworm")
check(stages and stages[-1].split()[1].startswith("debian:bookworm-slim"), "Containerfile: runtime stage must be debian:bookworm-slim")
runtime = cf[cf.rfind("\nFROM "):]
check("-dev" not in runtime, "Containerfile: -dev packages in the runtime stage")
check("COPY --from=" in runtime, "Containerfile: runtime stage copies nothing from the build")
ep = [l for l in lines if l.upper().startswith("ENTRYPOINT")]
check(ep and "podlaunch" in ep[-1] and '"run"' in ep[-1], "Containerfile: ENTRYPOINT must be podlaunch run")
print(f"ok: Containerfile: {len(stages)} stages, ENTRYPOINT {ep[-1][len('ENTRYPOINT '):] if ep else '?'}")

for e in errors:
    print("FAIL:", e)
sys.exit(1 if errors else 0)
PY

# --- the runtime stage installs every library the built programs link ---
BUILD=${BUILD:-build}
runtime=$(sed -n '/^FROM .*bookworm-slim/,$p' manifests/Containerfile)
checked=0 progs=()
for prog in "$BUILD/podlaunch" "$BUILD/podvmm"; do [ -x "$prog" ] && progs+=("$prog"); done
# A SANITIZE=1 build links the sanitizer runtimes (and what they pull in);
# the image is always a plain build, so only a plain build is compared.
sanitized=0
[ ${#progs[@]} -gt 0 ] && [[ $(ldd "${progs[@]}") == *libasan* ]] && sanitized=1
if [ "$sanitized" = 1 ]; then
	echo "note: ${progs[*]} are a sanitizer build; runtime libraries are checked on a plain build only"
elif [ ${#progs[@]} -gt 0 ] && command -v dpkg >/dev/null; then
	for lib in $(ldd "${progs[@]}" | grep -o '/[^ ]*\.so[^ ]*' | xargs -r readlink -f | sort -u); do
		# By file name: dpkg knows the path its package ships (usrmerge moves it).
		pkg=$(dpkg -S "*/${lib##*/}" 2>/dev/null | head -n 1 | cut -d: -f1) || true
		[ -n "$pkg" ] || { echo "FAIL: no Debian package owns $lib (linked by ${progs[*]})"; exit 1; }
		case $pkg in libc6 | libc6-*) continue ;; esac
		grep -qw -- "$pkg" <<<"$runtime" ||
			{ echo "FAIL: ${progs[*]} link $lib from $pkg, which the Containerfile's runtime stage does not install"; exit 1; }
		checked=$((checked + 1))
	done
fi
if [ "$sanitized" = 1 ]; then
	:
elif [ "$checked" -gt 0 ]; then
	echo "ok: the runtime stage installs all $checked libraries ${progs[*]} link"
else
	echo "note: $BUILD/podlaunch and $BUILD/podvmm not built; runtime libraries not checked"
fi
