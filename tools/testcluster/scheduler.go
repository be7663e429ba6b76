package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/pflag"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	"k8s.io/kubernetes/cmd/kube-scheduler/app/options"
)

// runScheduler runs the real kube-scheduler in this process against the API server, through the
// admin kubeconfig. Opt-in (-scheduler): it binds every Pod without a nodeName, which tests that
// create Pending pods on purpose must not see. Its FailedScheduling verdicts ("0/3 nodes are
// available: …") are the oracle Diagnose is checked against. Most of its code is already linked
// for the kubelet's and API server's sake.
//
// Its own Setup and Run, as its command runs them, minus what one process can do only once and
// the API server already did: apply the logging configuration and install the signal handler
// (SIGTERM stops the whole process).
func runScheduler(kubeconfigPath string) {
	if err := schedule(kubeconfigPath); err != nil {
		fmt.Fprintln(os.Stderr, "kube-scheduler:", err)
	}
}

func schedule(kubeconfigPath string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	opts := options.NewOptions()
	flags := pflag.NewFlagSet("kube-scheduler", pflag.ContinueOnError)
	for _, f := range opts.Flags.FlagSets {
		flags.AddFlagSet(f)
	}
	if err := flags.Parse([]string{
		"--kubeconfig=" + kubeconfigPath,
		"--authentication-kubeconfig=" + kubeconfigPath,
		"--authorization-kubeconfig=" + kubeconfigPath,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		// Its health and metrics endpoint cannot be turned off; a free port keeps parallel clusters apart.
		fmt.Sprintf("--secure-port=%d", port),
	}); err != nil {
		return err
	}
	if err := opts.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	ctx := context.Background()
	cc, sched, err := scheduler.Setup(ctx, opts)
	if err != nil {
		return err
	}
	return scheduler.Run(ctx, cc, sched)
}
