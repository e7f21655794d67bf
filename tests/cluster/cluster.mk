# The cluster test's helper (a one-node Slurm on this machine) goes into the build directory, so the
# nested VM has it too; make test installs Slurm and MUNGE where it can (root), else the test says why.
CLUSTER_STAMP := $(B)/.setup-cluster-$(shell cksum < scripts/cluster-packages.txt | cut -d' ' -f1)

$(CLUSTER_STAMP): scripts/cluster-packages.txt scripts/setup.sh
	@mkdir -p $(B)
	@scripts/setup.sh scripts/cluster-packages.txt || \
		echo "make test: without these packages the cluster test is skipped, saying so"
	@touch $@

$(B)/tests/cluster/localslurm.sh: tests/cluster/localslurm.sh
	@mkdir -p $(dir $@)
	cp $< $@

TEST_DEPS += $(B)/tests/cluster/localslurm.sh $(CLUSTER_STAMP)
