import { isScalar, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { getMap, getMapPath, getSeq, mapItems, pairOf, scalar, str } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { containerData, eachContainer, findingContainer, objectName, podCarriers } from '../helpers';
import type { FixContext, Rule, RuleContext } from '../types';

/** hostNetwork / hostPID / hostIPC: same shape, same fix (delete the key). */
function hostNamespaceRule(
  id: string,
  number: number,
  key: string,
  what: string,
  why: string,
  anchors: string,
): Rule {
  return {
    id,
    number,
    category: 'pod-security-baseline',
    title: `Pod shares the host's ${what}`,
    severity: 'error',
    fixClass: 'harden',
    kinds: podCarriers,
    docs: {
      what: `The pod sets \`spec.${key}: true\`.`,
      why,
      fix: `Remove \`${key}\` unless the workload is a node agent that truly needs it (then suppress with a comment saying why). The Harden fix deletes the key (false is the default).`,
      anchors,
    },
    check(ctx) {
      const pair = pairOf(podSpecOf(ctx.object)?.spec, key);
      if (pair && scalar(pair.value ?? undefined) === true && !ctx.isTemplated(pair.value)) {
        ctx.report({
          message: `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" shares the node's ${what} (${key}: true).`,
          at: pair,
        });
      }
    },
    fix: {
      class: 'harden',
      title: `Remove ${key}`,
      apply(ctx) {
        const spec = podSpecOf(ctx.object)?.spec;
        const edit = spec ? ctx.editor.deleteKey(spec, key) : undefined;
        return edit ? [edit] : undefined;
      },
    },
  };
}

export const hostNetwork = hostNamespaceRule(
  'host-network',
  2,
  'hostNetwork',
  'network namespace',
  "The pod sees every interface of the node, can bind the node's ports and sniff its traffic, and bypasses NetworkPolicies; two replicas on one node also collide on their ports.",
  'kube-linter `host-network`★; Polaris `hostNetworkSet` (danger, mutation: remove /hostNetwork); Kubescape C-0041; Checkov CKV_K8S_19; Datree #28; PSS Baseline.',
);
export const hostPid = hostNamespaceRule(
  'host-pid',
  3,
  'hostPID',
  'process namespace',
  'The pod sees and can signal every process on the node, and read their command lines and environments (secrets included).',
  'kube-linter `host-pid`★; Polaris `hostPIDSet` (danger, mutation); Kubescape C-0038; Checkov CKV_K8S_17; Datree #26; PSS Baseline.',
);
export const hostIpc = hostNamespaceRule(
  'host-ipc',
  4,
  'hostIPC',
  'IPC namespace',
  'The pod can read and write the shared memory and message queues of every process on the node.',
  'kube-linter `host-ipc`★; Polaris `hostIPCSet` (danger, mutation); Kubescape C-0038; Checkov CKV_K8S_18; Datree #27; PSS Baseline.',
);

export const hostPort: Rule = {
  id: 'host-port',
  number: 5,
  category: 'pod-security-baseline',
  title: 'Container port bound on the host',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'A container port sets `hostPort`.',
    why: 'A hostPort ties each replica to a node where that port is free — a second replica on the same node stays Pending with "didn\'t have free ports" — and exposes the port on the node\'s address, around Services and NetworkPolicies.',
    fix: 'Expose the port through a Service (or an Ingress) instead. The Harden fix deletes `hostPort` from that port and keeps `containerPort`.',
    anchors:
      'Polaris `hostPortSet` (warning, mutation: remove /ports/*/hostPort); Kubescape C-0044; Checkov CKV_K8S_26; Datree #50; PSS Baseline.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      for (const { node, index } of mapItems(getSeq(c.node, 'ports', ctx.doc), ctx.doc)) {
        const pair = pairOf(node, 'hostPort');
        const value = scalar(pair?.value ?? undefined);
        // hostPort: 0 is the API's "not set".
        if (!pair || value === 0 || value === null || ctx.isTemplated(pair.value)) continue;
        ctx.report({
          message: `Container "${c.name}" binds port ${String(value)} on the node (hostPort): one replica per node, reachable around the Service.`,
          at: pair,
          container: c.name,
          data: { ...containerData(c), port: index },
        });
      }
    });
  },
  fix: {
    class: 'harden',
    title: 'Remove hostPort',
    apply(ctx) {
      const port = mapItems(getSeq(findingContainer(ctx)?.container.node, 'ports', ctx.doc), ctx.doc).find(
        (p) => p.index === ctx.finding.data?.['port'],
      );
      const edit = port ? ctx.editor.deleteKey(port.node, 'hostPort') : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

/** kube-linter `sensitive-host-mounts` defaults. */
const SENSITIVE_HOST_PATHS = /^\/(boot|dev|etc|lib|proc|sys|usr)?$/;
/** The runtimes' API sockets, and directories that contain them (mounting /var/run exposes docker.sock). */
const RUNTIME_SOCKET = /(^|\/)(docker|containerd|crio|cri-dockerd|dockershim)\.sock$/;
const RUNTIME_SOCKET_DIRS: ReadonlySet<string> = new Set([
  '/run',
  '/var/run',
  '/run/docker',
  '/var/run/docker',
  '/run/containerd',
  '/var/run/containerd',
  '/run/crio',
  '/var/run/crio',
  '/run/k3s/containerd',
]);

interface HostPathVolume {
  readonly name: string;
  /** Normalised: no trailing slash ("/" stays "/"). */
  readonly path: string;
  readonly at: Pair | YAMLMap;
  readonly socket: boolean;
}

/** The pod's hostPath volumes whose path is literal (templated paths are not judged). */
function hostPathVolumes(ctx: RuleContext): HostPathVolume[] {
  const spec = podSpecOf(ctx.object)?.spec;
  return mapItems(getSeq(spec, 'volumes', ctx.doc), ctx.doc).flatMap(({ node }) => {
    const hostPath = getMap(node, 'hostPath', ctx.doc);
    if (!hostPath) return [];
    const pathPair = pairOf(hostPath, 'path');
    if (ctx.isTemplated(pathPair?.value)) return [];
    const path = (str(hostPath, 'path', ctx.doc) ?? '').replace(/\/+$/, '') || '/';
    return [
      {
        name: str(node, 'name', ctx.doc) ?? '',
        path,
        at: pathPair ?? node,
        socket: RUNTIME_SOCKET.test(path) || RUNTIME_SOCKET_DIRS.has(path),
      },
    ];
  });
}

export const hostPathVolume: Rule = {
  id: 'host-path-volume',
  number: 6,
  category: 'pod-security-baseline',
  title: 'hostPath volume',
  severity: 'warning',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'The pod mounts a `hostPath` volume; an error when the path is a sensitive system directory (`/`, `/boot`, `/dev`, `/etc`, `/lib`, `/proc`, `/sys`, `/usr`).',
    why: "hostPath gives the pod the node's files: data written there stays behind on one node when the pod is rescheduled, and for system paths the pod can read node credentials or change the host.",
    fix: 'Use a PersistentVolumeClaim, an emptyDir or a ConfigMap instead. Removing the volume would break the workload, so there is no automatic fix; suppress with a comment when a node agent (log shipper, node exporter) really needs it.',
    anchors:
      'kube-linter `sensitive-host-mounts`★ (its default sensitive directories); Polaris `hostPathSet` (warning); Kubescape C-0048; Datree #46; PSS Baseline.',
  },
  check(ctx) {
    for (const v of hostPathVolumes(ctx)) {
      const sensitive = SENSITIVE_HOST_PATHS.test(v.path);
      ctx.report({
        message: sensitive
          ? `Volume "${v.name}" mounts ${v.path === '/' ? "the node's whole file system (/)" : `the node's system directory ${v.path}`}: the pod can read or change the host.`
          : `Volume "${v.name}" mounts ${v.path} from the node (hostPath): the pod depends on that node's files.`,
        at: v.at,
        severity: sensitive ? 'error' : 'warning',
      });
    }
  },
};

export const writableHostMount: Rule = {
  id: 'writable-host-mount',
  number: 7,
  category: 'pod-security-baseline',
  title: 'Writable hostPath mount',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'A container mounts a hostPath volume without `readOnly: true` (runtime sockets are left to `docker-socket-mount`: read-only does not protect a socket).',
    why: 'A writable host mount lets the container change files on the node — plant binaries, alter configuration, fill the node disk until the kubelet evicts every pod there.',
    fix: 'Mount it read-only when the container only reads (log shippers, exporters). The Harden fix sets `readOnly: true` on that volumeMount, replacing an explicit `readOnly: false`.',
    anchors:
      'kube-linter `writable-host-mount`; Kubescape C-0045; Datree EKS #89 `EKS_INVALID_HOSTPATH_MOUNT_READONLY_VALUE`.',
  },
  check(ctx) {
    const hostVolumes = new Set(
      hostPathVolumes(ctx)
        .filter((v) => !v.socket)
        .map((v) => v.name),
    );
    if (hostVolumes.size === 0) return;
    eachContainer(ctx, (c) => {
      for (const { node, index } of mapItems(getSeq(c.node, 'volumeMounts', ctx.doc), ctx.doc)) {
        const name = str(node, 'name', ctx.doc);
        if (!name || !hostVolumes.has(name)) continue;
        const readOnly = pairOf(node, 'readOnly');
        if (ctx.isTemplated(readOnly?.value) || scalar(readOnly?.value ?? undefined) === true) continue;
        ctx.report({
          message: `Container "${c.name}" can write to the node through hostPath volume "${name}".`,
          at: readOnly ?? pairOf(node, 'name'),
          container: c.name,
          data: { ...containerData(c), mount: index },
        });
      }
    });
  },
  fix: {
    class: 'harden',
    title: 'Mount the hostPath read-only',
    apply(ctx) {
      const mount = mapItems(
        getSeq(findingContainer(ctx)?.container.node, 'volumeMounts', ctx.doc),
        ctx.doc,
      ).find((m) => m.index === ctx.finding.data?.['mount']);
      return mount ? ctx.editor.setIn(mount.node, ['readOnly'], true) : undefined;
    },
  },
};

export const dockerSocketMount: Rule = {
  id: 'docker-socket-mount',
  number: 8,
  category: 'pod-security-baseline',
  title: 'Container runtime socket mounted',
  severity: 'error',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'A hostPath volume mounts the Docker, containerd or CRI-O socket, or a directory holding it (`/var/run`, `/run/containerd`…).',
    why: "Whoever talks to the runtime socket can start a privileged container on the node: it is root on the node, whatever the pod's own securityContext says — and `readOnly: true` does not help, a socket is still connectable.",
    fix: 'Build images with a daemonless builder (Kaniko, BuildKit rootless) and ask the API server (not the runtime) about containers. No automatic fix: removing the volume breaks the workload.',
    anchors: 'kube-linter `docker-sock`★; Kubescape C-0074; Checkov CKV_K8S_27; Datree #30.',
  },
  check(ctx) {
    for (const v of hostPathVolumes(ctx)) {
      if (!v.socket) continue;
      ctx.report({
        message: RUNTIME_SOCKET.test(v.path)
          ? `Volume "${v.name}" mounts the container runtime socket ${v.path}: root on the node.`
          : `Volume "${v.name}" mounts ${v.path}, which holds the container runtime socket: root on the node.`,
        at: v.at,
      });
    }
  },
};

interface HostProcessPair {
  readonly pair: Pair<Scalar, Node | null>;
  readonly map: YAMLMap;
  readonly container?: { readonly name: string; readonly data: Record<string, string | number> };
}

function hostProcessPairs(ctx: RuleContext | FixContext): HostProcessPair[] {
  const out: HostProcessPair[] = [];
  const spec = podSpecOf(ctx.object)?.spec;
  const podOptions = getMapPath(spec, ['securityContext', 'windowsOptions'], ctx.doc);
  const podPair = pairOf(podOptions, 'hostProcess');
  if (podOptions && podPair) out.push({ pair: podPair, map: podOptions });
  eachContainer(ctx, (c) => {
    const options = getMapPath(c.node, ['securityContext', 'windowsOptions'], ctx.doc);
    const pair = pairOf(options, 'hostProcess');
    if (options && pair)
      out.push({ pair, map: options, container: { name: c.name, data: containerData(c) } });
  });
  return out.filter(({ pair }) => isScalar(pair.value) && pair.value.value === true);
}

export const hostProcess: Rule = {
  id: 'host-process',
  number: 12,
  category: 'pod-security-baseline',
  title: 'Windows HostProcess container',
  severity: 'error',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: '`securityContext.windowsOptions.hostProcess: true` on the pod or a container.',
    why: "A HostProcess container runs directly on the Windows node, outside any container isolation, with the node's network and file system.",
    fix: 'Remove `hostProcess` unless this is a node-management DaemonSet (then suppress with a comment). The Harden fix deletes the key.',
    anchors: 'Polaris `hostProcess` (warning); Datree EKS #85; PSS Baseline.',
  },
  check(ctx) {
    for (const { pair, container } of hostProcessPairs(ctx)) {
      if (ctx.isTemplated(pair.value)) continue;
      ctx.report({
        message: container
          ? `Container "${container.name}" runs as a Windows HostProcess: no isolation from the node.`
          : `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" runs its containers as Windows HostProcesses: no isolation from the node.`,
        at: pair,
        ...(container ? { container: container.name, data: container.data } : { data: { level: 'pod' } }),
      });
    }
  },
  fix: {
    class: 'harden',
    title: 'Remove hostProcess',
    apply(ctx) {
      const data = ctx.finding.data ?? {};
      const found = hostProcessPairs(ctx).find((h) =>
        h.container
          ? h.container.data['group'] === data['group'] && h.container.data['index'] === data['index']
          : data['level'] === 'pod',
      );
      const edit = found ? ctx.editor.deleteKey(found.map, 'hostProcess') : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

export const hostRules: readonly Rule[] = [
  hostNetwork,
  hostPid,
  hostIpc,
  hostPort,
  hostPathVolume,
  writableHostMount,
  dockerSocketMount,
  hostProcess,
];
