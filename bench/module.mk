# Benchmarks: each prints its figures and a ratio against a peer measured in
# the same run.
# bench/net: the userspace virtio-net backend against a plain tap loop.
BENCH_BINS += $(BUILD)/bench/net
BENCHES    += $(BUILD)/bench/net
$(BUILD)/bench/net: $(BUILD)/bench/net.o $(LIBVIRTIO) $(LIBVMM) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread
# bench/vmm: podvmm against QEMU microvm booting the test guest.
BENCH_BINS += $(BUILD)/bench/vmm $(PODVMM) $(GUEST_ELF)
BENCHES    += $(BUILD)/bench/vmm
$(BUILD)/bench/vmm: $(BUILD)/bench/vmm.o
	$(CC) $(LDFLAGS) -o $@ $^
# bench/dhcp: podlaunch dhcp against dnsmasq (DORA latency), and under a flood.
BENCH_BINS += $(BUILD)/bench/dhcp_client $(BUILD)/podlaunch
BENCHES    += bench/dhcp
$(BUILD)/bench/dhcp_client: $(BUILD)/bench/dhcp_client.o $(BUILD)/bench/latency.o $(LIBDHCP) \
		$(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ -lpthread
# and its DHCPv6 Solicit-to-Reply latency against dnsmasq (DHCPv6 + RAs).
BENCH_BINS += $(BUILD)/bench/dhcp6_client
$(BUILD)/bench/dhcp6_client: $(BUILD)/bench/dhcp6_client.o $(BUILD)/bench/latency.o $(LIBDHCP) \
		$(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^
# bench/setup: podlaunch setup+teardown against the same binding done with
# ip/sysctl/ip tuntap (bench/setup-peer.sh), fresh CNI namespaces, root.
BENCH_BINS += $(BUILD)/podlaunch
BENCHES    += bench/setup
# bench/linux: in the Linux rig's nested node (tests/linux), Linux boot to
# /init by podvmm against QEMU microvm, and vhost-net against the userspace
# backend (TCP both ways). Nested numbers: ratios indicative only.
BENCH_BINS += $(PODVMM) $(PODLAUNCH)
BENCHES    += bench/linux
# bench/nat: TCP throughput through the masquerade binding's NAT against the
# bridge binding (veth "VMs" in two CNI ptp pods), one stream each way.
BENCH_BINS += $(BUILD)/bench/tcp_stream $(BUILD)/podlaunch
BENCHES    += bench/nat
$(BUILD)/bench/tcp_stream: $(BUILD)/bench/tcp_stream.o
	$(CC) $(LDFLAGS) -o $@ $^
