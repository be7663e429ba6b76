package main

// A simulated node agent for the test cluster. The HTTP API is the kubelet's own server
// (k8s.io/kubernetes/pkg/kubelet/server: routing, query decoding, validation, the
// upgrade-aware proxying and WebSocket/SPDY translation of exec and port-forward), the streams
// are the CRI streaming server (k8s.io/cri-streaming) and logs are read by the CRI log reader
// (k8s.io/cri-client/pkg/logs: CRI log format, tail, since, timestamps, follow). Only the
// "runtime" underneath is ours: pods come from the API server, a container's log is a file the
// test writes, exec runs the command on this host in a per-container folder, and port-forward
// dials the same port on loopback.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	internalapi "k8s.io/cri-api/pkg/apis"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"k8s.io/cri-client/pkg/logs"
	"k8s.io/cri-streaming/pkg/streaming"
	"k8s.io/cri-streaming/pkg/streaming/portforward"
	remotecommandserver "k8s.io/cri-streaming/pkg/streaming/remotecommand"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	kubeletserver "k8s.io/kubernetes/pkg/kubelet/server"
	utilexec "k8s.io/utils/exec"
)

type simKubelet struct {
	// Methods the simulated node does not serve (checkpoints, cAdvisor, …) stay unimplemented:
	// the kubelet server only calls them on requests our tests never make, and a call fails that
	// one request, not the process.
	kubeletserver.HostInterface
	client    kubernetes.Interface
	logDir    string
	sandboxes string
	streams   streaming.Server
	tls       *tls.Config

	mu sync.Mutex
	// One kubelet server per node, each on its own loopback port as each real node has its own
	// address: the API server and metrics-server tell nodes apart by where they connect, and a
	// node's stats and /metrics/resource must cover only its own pods.
	ports map[string]int
}

// startKubelet prepares the simulated nodes' kubelet API over TLS on loopback (one listener per
// registered node, see serveNode). Only clients with a certificate from the cluster CA (the API
// server, metrics-server) are accepted.
func startKubelet(ca *authority, server string, admin *keyPair, work string) (*simKubelet, error) {
	streamPort, err := freePort()
	if err != nil {
		return nil, err
	}
	serving, err := ca.issue("simulated-kubelet", nil, true, time.Now().Add(7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	client, err := kubernetes.NewForConfig(&rest.Config{
		Host: server,
		TLSClientConfig: rest.TLSClientConfig{
			CAData: ca.pem, CertData: admin.certPEM, KeyData: admin.keyPEM,
		},
	})
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(serving.certPEM, serving.keyPEM)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.pem)
	k := &simKubelet{
		client: client, logDir: filepath.Join(work, "pod-logs"), sandboxes: filepath.Join(work, "containers"),
		tls: &tls.Config{
			Certificates: []tls.Certificate{pair}, ClientCAs: pool,
			ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12,
		},
		ports: map[string]int{},
	}
	cfg := streaming.DefaultConfig
	cfg.Addr = fmt.Sprintf("127.0.0.1:%d", streamPort)
	if k.streams, err = streaming.NewServer(cfg, &simRuntime{k}); err != nil {
		return nil, err
	}
	go func() { _ = k.streams.Start(true) }()
	return k, nil
}

// serveNode starts (once) the kubelet server of one node and returns its port.
func (k *simKubelet) serveNode(node string) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if port, ok := k.ports[node]; ok {
		return port, nil
	}
	listener, err := tls.Listen("tcp", "127.0.0.1:0", k.tls)
	if err != nil {
		return 0, err
	}
	handler := kubeletserver.NewServer(context.Background(), k, newNodeUsage(k, node), nil, nil, nil,
		&kubeletconfig.KubeletConfiguration{EnableDebuggingHandlers: true})
	go func() { _ = (&http.Server{Handler: &handler, ReadHeaderTimeout: time.Minute}).Serve(listener) }()
	port := listener.Addr().(*net.TCPAddr).Port
	k.ports[node] = port
	return port, nil
}

func (k *simKubelet) pod(namespace, name string) (*v1.Pod, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return k.client.CoreV1().Pods(namespace).Get(ctx, name, metav1.GetOptions{})
}

func (k *simKubelet) GetPodByName(namespace, name string) (*v1.Pod, bool) {
	pod, err := k.pod(namespace, name)
	return pod, err == nil
}

func (k *simKubelet) SyncLoopHealthCheck(*http.Request) error { return nil }

// splitFullName undoes kubecontainer.GetPodFullName ("name_namespace"; neither may contain "_").
func splitFullName(full string) (namespace, name string) {
	name, namespace, _ = strings.Cut(full, "_")
	return namespace, name
}

func containerStatus(pod *v1.Pod, container string) *v1.ContainerStatus {
	for _, list := range [][]v1.ContainerStatus{pod.Status.ContainerStatuses, pod.Status.InitContainerStatuses} {
		for i := range list {
			if list[i].Name == container {
				return &list[i]
			}
		}
	}
	return nil
}

// LogPath is where a test writes a container's log, in the CRI log format, one file per
// restart like /var/log/pods: <dir>/<namespace>_<pod>/<container>/<restartCount>.log.
func (k *simKubelet) logPath(namespace, pod, container string, restart int32) string {
	return filepath.Join(k.logDir, namespace+"_"+pod, container, fmt.Sprintf("%d.log", restart))
}

func (k *simKubelet) GetKubeletContainerLogs(ctx context.Context, podFullName, container string, apiOpts *v1.PodLogOptions, stdout, stderr io.Writer) error {
	namespace, name := splitFullName(podFullName)
	pod, err := k.pod(namespace, name)
	if err != nil {
		return err
	}
	status := containerStatus(pod, container)
	var restarts int32
	if status != nil {
		restarts = status.RestartCount
	}
	restart := restarts
	if apiOpts.Previous {
		// The kubelet's own wording (pkg/kubelet/kubelet_pods.go validateContainerLogStatus).
		if restarts == 0 {
			return fmt.Errorf("previous terminated container %q in pod %q not found", container, name)
		}
		restart = restarts - 1
	}
	path := k.logPath(namespace, name, container, restart)
	if _, err := os.Stat(path); err != nil {
		if status == nil || status.State.Waiting != nil {
			reason := "ContainerCreating"
			if status != nil && status.State.Waiting.Reason != "" {
				reason = status.State.Waiting.Reason
			}
			return fmt.Errorf("container %q in pod %q is waiting to start: %s", container, name, reason)
		}
		// A container that started but never wrote anything has an empty log, which follow
		// then watches for new lines.
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(path, nil, 0o600); err != nil {
			return err
		}
	}
	// The conversion kuberuntime's ReadLogs does before calling the CRI log reader.
	opts := &logs.LogOptions{TailLines: apiOpts.TailLines, LimitBytes: apiOpts.LimitBytes, Follow: apiOpts.Follow, Timestamp: apiOpts.Timestamps}
	if apiOpts.SinceSeconds != nil {
		opts.Since = time.Now().Add(-time.Duration(*apiOpts.SinceSeconds) * time.Second)
	}
	if apiOpts.SinceTime != nil && apiOpts.SinceTime.After(opts.Since) {
		opts.Since = apiOpts.SinceTime.Time
	}
	id := strings.Join([]string{namespace, name, container, fmt.Sprint(restart), fmt.Sprint(apiOpts.Previous)}, "/")
	return logs.ReadLogs(ctx, path, id, opts, containerStates{k: k}, stdout, stderr)
}

func (k *simKubelet) runningContainer(podFullName, container string) (*v1.Pod, error) {
	namespace, name := splitFullName(podFullName)
	pod, err := k.pod(namespace, name)
	if err != nil {
		return nil, err
	}
	if status := containerStatus(pod, container); status == nil || status.State.Running == nil {
		// The kubelet's wording when the runtime has no running container of that name.
		return nil, fmt.Errorf("container not found (%q)", container)
	}
	return pod, nil
}

func (k *simKubelet) GetExec(ctx context.Context, podFullName string, _ types.UID, container string, cmd []string, o remotecommandserver.Options) (*url.URL, error) {
	pod, err := k.runningContainer(podFullName, container)
	if err != nil {
		return nil, err
	}
	resp, err := k.streams.GetExec(&runtimeapi.ExecRequest{
		ContainerId: pod.Namespace + "/" + pod.Name + "/" + container, Cmd: cmd,
		Tty: o.TTY, Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr,
	})
	if err != nil {
		return nil, err
	}
	return url.Parse(resp.Url)
}

func (k *simKubelet) GetAttach(ctx context.Context, podFullName string, _ types.UID, container string, o remotecommandserver.Options) (*url.URL, error) {
	pod, err := k.runningContainer(podFullName, container)
	if err != nil {
		return nil, err
	}
	resp, err := k.streams.GetAttach(&runtimeapi.AttachRequest{
		ContainerId: pod.Namespace + "/" + pod.Name + "/" + container,
		Tty:         o.TTY, Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr,
	})
	if err != nil {
		return nil, err
	}
	return url.Parse(resp.Url)
}

func (k *simKubelet) GetPortForward(ctx context.Context, podName, podNamespace string, _ types.UID, o portforward.V4Options) (*url.URL, error) {
	resp, err := k.streams.GetPortForward(&runtimeapi.PortForwardRequest{PodSandboxId: podNamespace + "/" + podName, Port: o.Ports})
	if err != nil {
		return nil, err
	}
	return url.Parse(resp.Url)
}

// containerStates answers the CRI log reader's "is it still running?" from the pod's status, so
// following a log ends when the test marks the container terminated.
// The CRI log reader takes a whole RuntimeService but only asks for container status.
type containerStates struct {
	internalapi.RuntimeService
	k *simKubelet
}

func (c containerStates) ContainerStatus(ctx context.Context, id string, _ bool) (*runtimeapi.ContainerStatusResponse, error) {
	parts := strings.Split(id, "/")
	state := runtimeapi.ContainerState_CONTAINER_EXITED
	if len(parts) == 5 && parts[4] == "false" {
		if pod, err := c.k.pod(parts[0], parts[1]); err == nil {
			if s := containerStatus(pod, parts[2]); s != nil && s.State.Running != nil {
				state = runtimeapi.ContainerState_CONTAINER_RUNNING
			}
		}
	}
	return &runtimeapi.ContainerStatusResponse{Status: &runtimeapi.ContainerStatus{Id: id, State: state}}, nil
}

// simRuntime is what the CRI streaming server drives.
type simRuntime struct{ k *simKubelet }

func (r *simRuntime) Exec(ctx context.Context, containerID string, cmd []string, in io.Reader, out, errOut io.WriteCloser, tty bool, resize <-chan remotecommandserver.TerminalSize) error {
	parts := strings.SplitN(containerID, "/", 3)
	if len(parts) != 3 || len(cmd) == 0 {
		return errors.New("bad exec request")
	}
	pod, err := r.k.pod(parts[0], parts[1])
	if err != nil {
		return err
	}
	dir := filepath.Join(r.k.sandboxes, parts[0]+"_"+parts[1], parts[2])
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	c.Dir = dir
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "HOSTNAME=" + pod.Name}
	if tty {
		c.Env = append(c.Env, "TERM=xterm")
	}
	for _, container := range pod.Spec.Containers {
		if container.Name == parts[2] {
			for _, e := range container.Env {
				if e.ValueFrom == nil {
					c.Env = append(c.Env, e.Name+"="+e.Value)
				}
			}
		}
	}
	if tty {
		err = runTTY(c, in, out, resize)
	} else {
		if in != nil {
			c.Stdin = in
		}
		if out != nil {
			c.Stdout = out
		}
		if errOut != nil {
			c.Stderr = errOut
		}
		err = c.Run()
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		// The streaming server reports the exit code only for this error type.
		return utilexec.CodeExitError{Err: err, Code: exit.ExitCode()}
	}
	return err
}

func runTTY(c *exec.Cmd, in io.Reader, out io.WriteCloser, resize <-chan remotecommandserver.TerminalSize) error {
	terminal, err := pty.Start(c)
	if err != nil {
		return err
	}
	defer terminal.Close()
	go func() {
		for size := range resize {
			_ = pty.Setsize(terminal, &pty.Winsize{Rows: size.Height, Cols: size.Width})
		}
	}()
	if in != nil {
		go func() { _, _ = io.Copy(terminal, in) }()
	}
	done := make(chan struct{})
	go func() {
		if out != nil {
			_, _ = io.Copy(out, terminal)
		} else {
			_, _ = io.Copy(io.Discard, terminal)
		}
		close(done)
	}()
	err = c.Wait()
	// Linux returns EIO from the terminal once the process is gone; what it wrote before is read.
	select {
	case <-done:
	case <-time.After(time.Second):
	}
	return err
}

func (r *simRuntime) Attach(context.Context, string, io.Reader, io.WriteCloser, io.WriteCloser, bool, <-chan remotecommandserver.TerminalSize) error {
	return errors.New("attach is not simulated: the simulated node runs no container process")
}

// PortForward connects to the same port on loopback: the simulated pods share the host's network.
func (r *simRuntime) PortForward(ctx context.Context, _ string, port int32, stream io.ReadWriteCloser) error {
	defer stream.Close()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return fmt.Errorf("failed to connect to localhost:%d: %w", port, err)
	}
	defer conn.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(conn, stream); done <- struct{}{} }()
	go func() { _, _ = io.Copy(stream, conn); done <- struct{}{} }()
	<-done
	return nil
}

// registerNodes plays the part of each node's kubelet reporting where it listens: every Node
// whose status has been written (nodeInfo set) gets InternalIP 127.0.0.1 and its own port, so the
// API server proxies logs, exec and port-forward there and metrics-server scrapes it.
func (k *simKubelet) registerNodes(ctx context.Context) {
	for ctx.Err() == nil {
		w, err := k.client.CoreV1().Nodes().Watch(ctx, metav1.ListOptions{})
		if err != nil {
			time.Sleep(500 * time.Millisecond)
			continue
		}
		for event := range w.ResultChan() {
			node, ok := event.Object.(*v1.Node)
			if !ok || (event.Type != watch.Added && event.Type != watch.Modified) {
				continue
			}
			if node.Status.NodeInfo.KubeletVersion == "" {
				continue
			}
			port, err := k.serveNode(node.Name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "testcluster: kubelet for node", node.Name+":", err)
				continue
			}
			if registered(node, port) {
				continue
			}
			addresses := []v1.NodeAddress{{Type: v1.NodeInternalIP, Address: "127.0.0.1"}}
			hasHostname := false
			for _, a := range node.Status.Addresses {
				if a.Type != v1.NodeInternalIP {
					addresses = append(addresses, a)
				}
				hasHostname = hasHostname || a.Type == v1.NodeHostName
			}
			if !hasHostname {
				addresses = append(addresses, v1.NodeAddress{Type: v1.NodeHostName, Address: node.Name})
			}
			patch, _ := json.Marshal(map[string]any{"status": map[string]any{
				"addresses":       addresses,
				"daemonEndpoints": map[string]any{"kubeletEndpoint": map[string]any{"Port": port}},
			}})
			_, _ = k.client.CoreV1().Nodes().Patch(ctx, node.Name, types.MergePatchType, patch, metav1.PatchOptions{}, "status")
		}
	}
}

func registered(node *v1.Node, port int) bool {
	if int(node.Status.DaemonEndpoints.KubeletEndpoint.Port) != port {
		return false
	}
	for _, a := range node.Status.Addresses {
		if a.Type == v1.NodeInternalIP && a.Address == "127.0.0.1" {
			return true
		}
	}
	return false
}
