# The cluster test's helper (a one-node Slurm on this machine) goes into the build directory, so the
# nested VM has it too; make test installs Slurm and MUNGE where it can (root), else the test says
# why. The stamp is made only once they are in, so a later make as root still installs them.
CLUSTER_STAMP := $(B)/.setup-cluster-$(shell cksum < scripts/cluster-packages.txt | cut -d' ' -f1)

$(CLUSTER_STAMP): scripts/cluster-packages.txt scripts/setup.sh
	@mkdir -p $(B)
	@if scripts/setup.sh scripts/cluster-packages.txt; then touch $@; else \
		echo "make test: without these packages the cluster test is skipped, saying so"; fi

# acceptance.sh (the 2 x 500 run, by hand) goes along, so the nested VM can run it too.
$(B)/tests/cluster/%.sh: tests/cluster/%.sh
	@mkdir -p $(dir $@)
	cp $< $@

TEST_DEPS += $(B)/tests/cluster/localslurm.sh $(B)/tests/cluster/acceptance.sh $(CLUSTER_STAMP)
