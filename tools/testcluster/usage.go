package main

// Resource usage of the simulated node, served by the kubelet's own handlers: the summary API
// (/stats/summary) and the Prometheus text of /metrics/resource (the collector metrics-server
// scrapes) both read the stats.SummaryProvider below. Usage is a stable function of each running
// container's requests and limits, so every scenario has plausible numbers without saying
// anything; some containers run close to their memory limit, and those whose last exit was
// OOMKilled always do. A pod annotation pins exact numbers for a test:
//
//	shipshape.dev/simulate-usage: '{"app": {"cpu": "250m", "memory": "900Mi"}}'

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"math"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	statsapi "k8s.io/kubelet/pkg/apis/stats/v1alpha1"
	"k8s.io/kubernetes/pkg/kubelet/server/stats"
)

const usageAnnotation = "shipshape.dev/simulate-usage"

// What the node itself uses beside its pods (system daemons, the runtime, the kernel).
const (
	nodeOverheadCores = 0.35
	nodeOverheadBytes = 1536 << 20
)

// nodeUsage is one node's stats.SummaryProvider; the kubelet server's other stats methods stay
// unimplemented (no cAdvisor, no volumes on a simulated node).
type nodeUsage struct {
	stats.ResourceAnalyzer
	k    *simKubelet
	node string

	mu sync.Mutex
	// The root cgroup's CPU counter must never go back, even when a pod leaves the node: it is
	// integrated scrape by scrape from the current usage, as the kernel's counter would be.
	nodeCPU  float64
	lastSeen time.Time
	started  time.Time
}

func newNodeUsage(k *simKubelet, node string) *nodeUsage {
	now := time.Now()
	return &nodeUsage{k: k, node: node, lastSeen: now, started: now}
}

type containerUsage struct {
	cores      float64 // current rate
	bytes      float64 // working set
	since      time.Time
	cumulative float64 // CPU seconds since the container started
}

// The slow swing every simulated usage follows: ±3 % over two minutes, phase per container.
const (
	swingAmplitude = 0.03
	swingOmega     = 2 * math.Pi / 120
)

func swing(t time.Time, phase float64) float64 {
	return 1 + swingAmplitude*math.Sin(swingOmega*seconds(t)+phase)
}

// swingIntegral is ∫ swing dt from a to b in closed form, so the CPU counter only grows.
func swingIntegral(a, b time.Time, phase float64) float64 {
	return seconds(b) - seconds(a) -
		swingAmplitude/swingOmega*(math.Cos(swingOmega*seconds(b)+phase)-math.Cos(swingOmega*seconds(a)+phase))
}

func seconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func (u *nodeUsage) Get(ctx context.Context, _ bool) (*statsapi.Summary, error) {
	return u.GetCPUAndMemoryStats(ctx)
}

func (u *nodeUsage) GetCPUAndMemoryStats(ctx context.Context) (*statsapi.Summary, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pods, err := u.k.client.CoreV1().Pods("").List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", u.node).String(),
	})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	stamp := metav1.NewTime(now)
	summary := &statsapi.Summary{Node: statsapi.NodeStats{NodeName: u.node}}
	nodeCores, nodeBytes := nodeOverheadCores, float64(nodeOverheadBytes)
	for i := range pods.Items {
		pod := &pods.Items[i]
		if pod.Status.Phase != v1.PodRunning || pod.DeletionTimestamp != nil {
			continue
		}
		pinned := pinnedUsage(pod)
		podStats := statsapi.PodStats{
			PodRef:    statsapi.PodReference{Name: pod.Name, Namespace: pod.Namespace, UID: string(pod.UID)},
			StartTime: pod.CreationTimestamp,
		}
		var podCores, podBytes, podCPU float64
		for _, c := range pod.Spec.Containers {
			status := containerStatus(pod, c.Name)
			if status == nil || status.State.Running == nil {
				continue
			}
			use := usageOf(pod, &c, status, pinned[c.Name], now)
			cumulative := use.cumulative
			podStats.Containers = append(podStats.Containers, statsapi.ContainerStats{
				Name:      c.Name,
				StartTime: metav1.NewTime(use.since),
				CPU:       cpuStats(stamp, use.cores, cumulative),
				Memory:    memoryStats(stamp, use.bytes, limitOf(&c, v1.ResourceMemory)),
			})
			podCores += use.cores
			podBytes += use.bytes
			podCPU += cumulative
		}
		if len(podStats.Containers) == 0 {
			continue
		}
		podStats.CPU = cpuStats(stamp, podCores, podCPU)
		podStats.Memory = memoryStats(stamp, podBytes, 0)
		summary.Pods = append(summary.Pods, podStats)
		nodeCores += podCores
		nodeBytes += podBytes
	}

	u.mu.Lock()
	u.nodeCPU += nodeCores * now.Sub(u.lastSeen).Seconds()
	if u.nodeCPU == 0 {
		// metrics-server drops a node whose counter is zero; a kernel's never is.
		u.nodeCPU = nodeCores
	}
	u.lastSeen = now
	nodeCPU := u.nodeCPU
	u.mu.Unlock()
	summary.Node.StartTime = metav1.NewTime(u.started)
	summary.Node.CPU = cpuStats(stamp, nodeCores, nodeCPU)
	summary.Node.Memory = memoryStats(stamp, nodeBytes, 0)
	return summary, nil
}

func cpuStats(at metav1.Time, cores, cumulativeSeconds float64) *statsapi.CPUStats {
	rate := uint64(cores * 1e9)
	total := uint64(cumulativeSeconds * 1e9)
	return &statsapi.CPUStats{Time: at, UsageNanoCores: &rate, UsageCoreNanoSeconds: &total}
}

func memoryStats(at metav1.Time, workingSet float64, limit float64) *statsapi.MemoryStats {
	ws := uint64(workingSet)
	// Page cache on top of the working set, as cgroups count it.
	usage := uint64(workingSet * 1.08)
	m := &statsapi.MemoryStats{Time: at, WorkingSetBytes: &ws, UsageBytes: &usage, RSSBytes: &ws}
	if limit > workingSet {
		available := uint64(limit - workingSet)
		m.AvailableBytes = &available
	}
	return m
}

type pinned struct {
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
}

func pinnedUsage(pod *v1.Pod) map[string]pinned {
	out := map[string]pinned{}
	if raw := pod.Annotations[usageAnnotation]; raw != "" {
		_ = json.Unmarshal([]byte(raw), &out)
	}
	return out
}

func limitOf(c *v1.Container, name v1.ResourceName) float64 {
	if q, ok := c.Resources.Limits[name]; ok {
		return q.AsApproximateFloat64()
	}
	return 0
}

func requestOf(c *v1.Container, name v1.ResourceName) float64 {
	if q, ok := c.Resources.Requests[name]; ok {
		return q.AsApproximateFloat64()
	}
	return 0
}

// usageOf is what a container uses now: pinned numbers when a test asked for them, otherwise a
// share of its requests and limits picked by a hash of its name (stable across runs and
// restarts) with a slow swing, so samples taken a minute apart differ.
func usageOf(pod *v1.Pod, c *v1.Container, status *v1.ContainerStatus, pin pinned, now time.Time) containerUsage {
	since := status.State.Running.StartedAt.Time
	if since.IsZero() || since.After(now) {
		since = pod.CreationTimestamp.Time
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(pod.Namespace + "/" + pod.Name + "/" + c.Name))
	seed := h.Sum64()
	share := func(shift uint) float64 { return float64((seed>>shift)&0xffff) / 0xffff }
	phase := share(48) * 6

	memLimit := limitOf(c, v1.ResourceMemory)
	memRef := memLimit
	if memRef == 0 {
		memRef = requestOf(c, v1.ResourceMemory)
	}
	if memRef == 0 {
		memRef = 256 << 20
	}
	fraction := 0.25 + 0.4*share(0)
	oomBefore := status.LastTerminationState.Terminated != nil &&
		status.LastTerminationState.Terminated.Reason == "OOMKilled"
	if memLimit > 0 && (oomBefore || seed%9 == 0) {
		fraction = 0.9 + 0.06*share(0)
	}
	bytes := memRef * fraction * swing(now, phase)
	if memLimit > 0 && bytes > memLimit*0.985 {
		bytes = memLimit * 0.985
	}

	cpuRef := requestOf(c, v1.ResourceCPU)
	if cpuRef == 0 {
		cpuRef = 0.1
	}
	base := cpuRef * (0.1 + 0.8*share(16))
	if cpuLimit := limitOf(c, v1.ResourceCPU); cpuLimit > 0 && base > cpuLimit/(1+swingAmplitude) {
		base = cpuLimit / (1 + swingAmplitude)
	}

	if q, err := resource.ParseQuantity(pin.Memory); err == nil && pin.Memory != "" {
		bytes = q.AsApproximateFloat64()
	}
	if q, err := resource.ParseQuantity(pin.CPU); err == nil && pin.CPU != "" {
		// Pinned numbers hold still: a test compares them with what metrics-server reports.
		base := q.AsApproximateFloat64()
		return containerUsage{cores: base, bytes: bytes, since: since, cumulative: base * now.Sub(since).Seconds()}
	}
	return containerUsage{
		cores: base * swing(now, phase), bytes: bytes, since: since,
		cumulative: base * swingIntegral(since, now, phase),
	}
}
