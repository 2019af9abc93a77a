#!/usr/bin/env bash
# shellcheck disable=SC2153 # inputs (NODE, RUN, ...) are assigned by input() of lib.sh
# Puts the DaemonSet's updated revision on this node only: deletes the node's kata-deploy pod
# (the DaemonSet is OnDelete) and waits until its replacement runs that revision and is Ready.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

input NODE node node
require NODE node "the node whose kata-deploy pod to recycle"
input_daemonset DAEMONSET daemonset
input HELM_NAMESPACE namespace helm-namespace
input RECYCLE_TIMEOUT duration:3600 recycle-timeout
timeout=$(duration_seconds "$RECYCLE_TIMEOUT")
FAIL_NODE=$NODE

set_status "$NODE" upgrading
recycle_node "$NODE" "$HELM_NAMESPACE" "$DAEMONSET" "$timeout"
