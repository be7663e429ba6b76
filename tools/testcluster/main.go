// Command testcluster runs the real kube-apiserver in-process against an embedded etcd on
// loopback, for Shipshape's tests, benchmarks and demo. No controller-manager runs, and the
// scheduler only with -scheduler: callers create Pods themselves and write their status through
// the status subresource.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "testcluster:", err)
		os.Exit(1)
	}
}

func run() error {
	port := flag.Int("port", 0, "secure port of the API server (0 picks a free one)")
	dataDir := flag.String("data-dir", "", "etcd data directory to keep; by default a temporary one is removed at exit")
	workDir := flag.String("work-dir", "", "where certificates and the kubeconfig are written; default: a temporary folder removed at exit")
	kubeconfigPath := flag.String("kubeconfig", "", "kubeconfig output path (default <work-dir>/kubeconfig)")
	stdinWatchdog := flag.Bool("exit-on-stdin-close", false, "stop when standard input closes (the parent died)")
	withScheduler := flag.Bool("scheduler", false, "also run the real kube-scheduler once the API server is ready")
	metricsServerBin := flag.String("metrics-server", "", "a metrics-server binary to run beside the API server, registered as v1beta1.metrics.k8s.io")
	var users, expiredUsers listFlag
	flag.Var(&users, "user", "extra client-certificate user without any RBAC grant (repeatable); context <name>@testcluster")
	flag.Var(&expiredUsers, "expired-user", "extra user whose client certificate has already expired (repeatable)")
	flag.Parse()

	cleanup := []func(){}
	defer func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}()
	tempDir := func(keep string, prefix string) (string, error) {
		if keep != "" {
			return keep, os.MkdirAll(keep, 0o700)
		}
		dir, err := os.MkdirTemp("", prefix)
		if err == nil {
			cleanup = append(cleanup, func() { _ = os.RemoveAll(dir) })
		}
		return dir, err
	}
	work, err := tempDir(*workDir, "testcluster-work-")
	if err != nil {
		return err
	}
	etcdDir, err := tempDir(*dataDir, "testcluster-etcd-")
	if err != nil {
		return err
	}
	if *kubeconfigPath == "" {
		*kubeconfigPath = filepath.Join(work, "kubeconfig")
	}

	if *port == 0 {
		if *port, err = freePort(); err != nil {
			return err
		}
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", *port)
	creds, err := writeCredentials(work, *kubeconfigPath, server, users, expiredUsers)
	if err != nil {
		return err
	}

	etcd, etcdURL, err := startEtcd(etcdDir)
	if err != nil {
		return err
	}
	cleanup = append(cleanup, etcd.Close)

	if *stdinWatchdog {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		}()
	}
	kubelet, err := startKubelet(creds.authority, server, creds.adminPair, work)
	if err != nil {
		return fmt.Errorf("simulated kubelet: %w", err)
	}
	go kubelet.registerNodes(context.Background())
	announce := fmt.Sprintf("pod-logs: %s\n", kubelet.logDir)
	metrics := &metricsServer{bin: *metricsServerBin, work: work, kubeconfig: *kubeconfigPath, client: kubelet.client}
	defer metrics.stop()
	go func() {
		announceWhenReady(server, creds, *kubeconfigPath, announce, metrics)
		if *withScheduler {
			runScheduler(*kubeconfigPath)
		}
	}()

	cmd := app.NewAPIServerCommand()
	cmd.SetArgs([]string{
		"--etcd-servers=" + etcdURL,
		fmt.Sprintf("--secure-port=%d", *port),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--tls-cert-file=" + filepath.Join(work, "serving.crt"),
		"--tls-private-key-file=" + filepath.Join(work, "serving.key"),
		"--client-ca-file=" + filepath.Join(work, "ca.crt"),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--allow-privileged=true",
		// No controller-manager creates default service accounts, so the admission plugin that
		// requires them would reject every Pod.
		"--disable-admission-plugins=ServiceAccount",
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + filepath.Join(work, "sa.key"),
		"--service-account-signing-key-file=" + filepath.Join(work, "sa.key"),
		"--endpoint-reconciler-type=none",
		"--cert-dir=" + work,
		// The simulated kubelet (kubelet.go) listens on loopback; every node reports 127.0.0.1.
		"--kubelet-client-certificate=" + filepath.Join(work, "kubelet-client.crt"),
		"--kubelet-client-key=" + filepath.Join(work, "kubelet-client.key"),
		"--kubelet-certificate-authority=" + filepath.Join(work, "ca.crt"),
		"--kubelet-preferred-address-types=InternalIP",
		// The aggregation layer, as kubeadm configures it: the API server proxies aggregated APIs
		// (metrics.k8s.io) with the front proxy's client certificate and the user in headers.
		"--requestheader-client-ca-file=" + filepath.Join(work, "front-proxy-ca.crt"),
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file=" + filepath.Join(work, "front-proxy-client.crt"),
		"--proxy-client-key-file=" + filepath.Join(work, "front-proxy-client.key"),
		"--v=0",
	})
	// Execute installs the API server's own SIGTERM/SIGINT handler and returns after a graceful
	// shutdown; the deferred cleanup then stops etcd and removes temporary data.
	return cmd.Execute()
}

type credentials struct {
	ca    *x509.CertPool
	admin tls.Certificate
	// The authority and admin pair again, for the simulated kubelet's server and its API client.
	authority *authority
	adminPair *keyPair
}

func writeCredentials(work, kubeconfigPath, server string, users, expired []string) (*credentials, error) {
	ca, err := loadOrCreateAuthority(work)
	if err != nil {
		return nil, err
	}
	serving, err := ca.issue("kube-apiserver", nil, true, time.Now().Add(7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	admin, err := ca.issue("shipshape-admin", []string{"system:masters"}, false, time.Now().Add(7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	saKey, err := os.ReadFile(filepath.Join(work, "sa.key"))
	if err != nil {
		if saKey, err = serviceAccountKey(); err != nil {
			return nil, err
		}
	}
	all := []kubeUser{{name: "admin", pair: admin}}
	for _, name := range users {
		pair, err := ca.issue(name, nil, false, time.Now().Add(7*24*time.Hour))
		if err != nil {
			return nil, err
		}
		all = append(all, kubeUser{name: name, pair: pair})
	}
	for _, name := range expired {
		pair, err := ca.issue(name, nil, false, time.Now().Add(-time.Hour))
		if err != nil {
			return nil, err
		}
		all = append(all, kubeUser{name: name, pair: pair})
	}
	if err := writeFiles(work, map[string][]byte{
		"serving.crt": serving.certPEM, "serving.key": serving.keyPEM, "sa.key": saKey,
	}); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(kubeconfigPath), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(kubeconfigPath, []byte(kubeconfigYAML(server, ca.pem, all)), 0o600); err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.pem)
	adminCert, err := tls.X509KeyPair(admin.certPEM, admin.keyPEM)
	if err != nil {
		return nil, err
	}
	kubeletClient, err := ca.issue("kube-apiserver-kubelet-client", nil, false, time.Now().Add(7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	frontProxyCA, err := loadOrCreateNamedAuthority(work, "front-proxy-ca", "front-proxy-ca")
	if err != nil {
		return nil, err
	}
	frontProxy, err := frontProxyCA.issue("front-proxy-client", nil, false, time.Now().Add(7*24*time.Hour))
	if err != nil {
		return nil, err
	}
	// An aggregated API server (metrics-server) is reached through its Service's DNS name.
	aggregated, err := ca.issue("metrics-server", nil, true, time.Now().Add(7*24*time.Hour),
		"metrics-server.kube-system.svc", "localhost")
	if err != nil {
		return nil, err
	}
	if err := writeFiles(work, map[string][]byte{
		"kubelet-client.crt": kubeletClient.certPEM, "kubelet-client.key": kubeletClient.keyPEM,
		"front-proxy-client.crt": frontProxy.certPEM, "front-proxy-client.key": frontProxy.keyPEM,
		"metrics-server.crt": aggregated.certPEM, "metrics-server.key": aggregated.keyPEM,
	}); err != nil {
		return nil, err
	}
	return &credentials{ca: pool, admin: adminCert, authority: ca, adminPair: admin}, nil
}

func startEtcd(dir string) (*embed.Etcd, string, error) {
	clientPort, err := freePort()
	if err != nil {
		return nil, "", err
	}
	peerPort, err := freePort()
	if err != nil {
		return nil, "", err
	}
	clientURL, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", clientPort))
	peerURL, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", peerPort))
	cfg := embed.NewConfig()
	cfg.Name = "testcluster"
	cfg.Dir = dir
	cfg.ListenClientUrls = []url.URL{*clientURL}
	cfg.AdvertiseClientUrls = []url.URL{*clientURL}
	cfg.ListenPeerUrls = []url.URL{*peerURL}
	cfg.AdvertisePeerUrls = []url.URL{*peerURL}
	cfg.InitialCluster = fmt.Sprintf("testcluster=%s", peerURL)
	// etcd reports its own orderly shutdown as errors; start-up failures still come back from StartEtcd.
	cfg.LogLevel = "panic"
	// A test cluster trades durability for speed: fsync dominates write latency on small disks.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("start etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, clientURL.String(), nil
	case err := <-e.Err():
		e.Close()
		return nil, "", fmt.Errorf("etcd: %w", err)
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, "", errors.New("etcd did not become ready within 60s")
	}
}

// announceWhenReady prints the address and kubeconfig once /readyz answers, so a parent process
// can wait on one line of stdout instead of polling.
func announceWhenReady(server string, creds *credentials, kubeconfigPath, extra string, metrics *metricsServer) {
	client := &http.Client{
		Timeout: 2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs: creds.ca, Certificates: []tls.Certificate{creds.admin}, MinVersion: tls.VersionTLS12,
		}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for ctx.Err() == nil {
		resp, err := client.Get(server + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if metrics.bin != "" {
					url, err := metrics.start(ctx, creds.authority)
					if err != nil {
						fmt.Fprintln(os.Stderr, "testcluster: metrics-server:", err)
						_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
						return
					}
					extra += "metrics-server: " + url + "\n"
				}
				fmt.Printf("%sserver: %s\nkubeconfig: %s\nready\n", extra, server, kubeconfigPath)
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "testcluster: API server not ready after 5 minutes")
}
