# The Linux rig (tests/linux/README.md): Debian's kernel as a podvmm guest
# inside a QEMU "node" (nested KVM under TCG here), one node boot for all
# scenarios, each reported as its own result.
TEST_BINS += $(PODVMM) $(PODLAUNCH)
TESTS     += tests/linux/direct-host.sh tests/linux/run.sh
