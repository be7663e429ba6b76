package main

// The real metrics-server beside the API server: it scrapes each simulated node's
// /metrics/resource and serves metrics.k8s.io, which the API server's aggregator proxies to it as
// in any cluster. The aggregator finds it through a Service of type ExternalName ("localhost"):
// with the default service routing, kube-apiserver dials <externalName>:<port> for those, where a
// ClusterIP would need kube-proxy and Endpoints may not point at loopback.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
)

type metricsServer struct {
	bin, work, kubeconfig string
	client                kubernetes.Interface

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// start runs metrics-server on a free loopback port and registers it; it returns its URL.
func (m *metricsServer) start(ctx context.Context, ca *authority) (string, error) {
	port, err := freePort()
	if err != nil {
		return "", err
	}
	// Its own kubeconfig (the admin identity), so a test that edits the user's file cannot cut
	// metrics-server off.
	kubeconfig := filepath.Join(m.work, "metrics-server.kubeconfig")
	if err := copyFile(m.kubeconfig, kubeconfig); err != nil {
		return "", err
	}
	if err := m.register(ctx, ca, port); err != nil {
		return "", err
	}
	cmd := exec.Command(m.bin,
		"--kubeconfig="+kubeconfig,
		"--authentication-kubeconfig="+kubeconfig,
		"--authorization-kubeconfig="+kubeconfig,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--tls-cert-file="+filepath.Join(m.work, "metrics-server.crt"),
		"--tls-private-key-file="+filepath.Join(m.work, "metrics-server.key"),
		// Each simulated node reports InternalIP 127.0.0.1 and its own kubelet port; the
		// kubelets' serving certificates are checked against the cluster CA from the kubeconfig.
		"--kubelet-preferred-address-types=InternalIP",
		"--kubelet-use-node-status-port",
		// The shortest resolution metrics-server accepts: usage shows within two scrapes. A
		// scrape must time out before the next one is due.
		"--metric-resolution=10s",
		"--kubelet-request-timeout=5s",
		"--v=0",
	)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	// It dies with us even when we are killed without a chance to stop it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return "", err
	}
	m.cmd = cmd
	m.done = make(chan struct{})
	go func() {
		// A metrics-server that stops on its own leaves metrics.k8s.io answering 503: say why.
		if err := cmd.Wait(); err != nil {
			fmt.Fprintln(os.Stderr, "testcluster: metrics-server exited:", err)
		}
		close(m.done)
	}()
	return fmt.Sprintf("https://127.0.0.1:%d", port), nil
}

func (m *metricsServer) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-m.done:
		case <-time.After(10 * time.Second):
			_ = m.cmd.Process.Kill()
		}
	}
}

// register creates the Service and the APIService metrics-server's own manifests create, with
// the cluster CA as the APIService's caBundle (its serving certificate names the Service).
func (m *metricsServer) register(ctx context.Context, ca *authority, port int) error {
	service := map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "metrics-server", "namespace": "kube-system",
			"labels": map[string]any{"k8s-app": "metrics-server"}},
		"spec": map[string]any{"type": "ExternalName", "externalName": "localhost",
			"ports": []any{map[string]any{"name": "https", "port": port, "protocol": "TCP"}}},
	}
	apiService := map[string]any{
		"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService",
		"metadata": map[string]any{"name": "v1beta1.metrics.k8s.io",
			"labels": map[string]any{"k8s-app": "metrics-server"}},
		"spec": map[string]any{
			"group": "metrics.k8s.io", "version": "v1beta1",
			"service":              map[string]any{"name": "metrics-server", "namespace": "kube-system", "port": port},
			"caBundle":             base64.StdEncoding.EncodeToString(ca.pem),
			"groupPriorityMinimum": 100, "versionPriority": 100,
		},
	}
	// kube-system appears shortly after /readyz (the API server's system namespaces controller).
	create := func(path string, body map[string]any) error {
		data, _ := json.Marshal(body)
		var last error
		for ctx.Err() == nil {
			res := m.client.Discovery().RESTClient().Post().AbsPath(path).
				SetHeader("Content-Type", "application/json").Body(data).Do(ctx)
			var code int
			res.StatusCode(&code)
			if last = res.Error(); last == nil || code == 409 {
				return nil
			}
			time.Sleep(200 * time.Millisecond)
		}
		return fmt.Errorf("create %s: %w", path, last)
	}
	if err := create("/api/v1/namespaces/kube-system/services", service); err != nil {
		return err
	}
	return create("/apis/apiregistration.k8s.io/v1/apiservices", apiService)
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o600)
}
