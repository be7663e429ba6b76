import { getMap, getSeq, mapItems, pairOf, scalar, str } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import type { Rule, RuleContext } from '../types';

const SENSITIVE = [/^\/$/, /^\/boot$/, /^\/dev$/, /^\/etc$/, /^\/lib$/, /^\/proc$/, /^\/sys$/, /^\/usr$/];
const RUNTIME_SOCKETS =
  /^\/(var\/)?run\/(docker\.sock|containerd\/containerd\.sock|crio\/crio\.sock|cri-dockerd\.sock)$|^\/var\/run\/docker\.sock$/;

/** hostPath volumes of the pod: name → path, with their nodes. */
function hostPathVolumes(ctx: RuleContext) {
  const spec = podSpecOf(ctx.object)?.spec;
  return mapItems(getSeq(spec, 'volumes', ctx.doc), ctx.doc).flatMap(({ node }) => {
    const hostPath = getMap(node, 'hostPath', ctx.doc);
    if (!hostPath) return [];
    const pathPair = pairOf(hostPath, 'path');
    const path = str(hostPath, 'path', ctx.doc)?.replace(/\/+$/, '') || '/';
    return [
      {
        name: str(node, 'name', ctx.doc) ?? '',
        path,
        pathPair,
        node,
        templated: ctx.isTemplated(pathPair?.value),
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
    why: "hostPath gives the pod the node's files: it ties the pod to one node and, for system paths, lets it read credentials or change the host.",
    fix: 'Use a PersistentVolumeClaim, an emptyDir or a ConfigMap instead. Removing the volume would break the workload, so there is no automatic fix; suppress with a comment when a node agent really needs it.',
    anchors:
      'kube-linter `sensitive-host-mounts`★; Polaris `hostPathSet` (warning); Kubescape C-0048; Datree #46; PSS Baseline.',
  },
  check(ctx) {
    for (const v of hostPathVolumes(ctx)) {
      if (v.templated) continue;
      const sensitive = SENSITIVE.some((r) => r.test(v.path));
      ctx.report({
        message: sensitive
          ? `Volume "${v.name}" mounts the node's ${v.path}: a system directory.`
          : `Volume "${v.name}" mounts ${v.path} from the node (hostPath).`,
        at: v.pathPair ?? v.node,
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
    what: 'A container mounts a hostPath volume without `readOnly: true`.',
    why: 'A writable host mount lets the container change files on the node — plant binaries, alter configuration, fill the disk.',
    fix: 'Mount it read-only. The Harden fix sets `readOnly: true` on the volumeMount.',
    anchors: 'kube-linter `writable-host-mount`; Kubescape C-0045; Datree EKS #89.',
  },
  check(ctx) {
    const hostVolumes = new Set(hostPathVolumes(ctx).map((v) => v.name));
    if (hostVolumes.size === 0) return;
    eachContainer(ctx, (c) => {
      for (const { node, index } of mapItems(getSeq(c.node, 'volumeMounts', ctx.doc), ctx.doc)) {
        const name = str(node, 'name', ctx.doc);
        if (!name || !hostVolumes.has(name) || scalar(pairOf(node, 'readOnly')?.value ?? undefined) === true)
          continue;
        ctx.report({
          message: `Container "${c.name}" can write to hostPath volume "${name}".`,
          at: pairOf(node, 'name'),
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
    what: 'A hostPath volume mounts the Docker, containerd or CRI-O socket.',
    why: 'Whoever talks to the runtime socket can start a privileged container on the node: it is root on the node.',
    fix: 'Build images with a daemonless builder (Kaniko, BuildKit rootless) and query the API server instead of the runtime. No automatic fix.',
    anchors: 'kube-linter `docker-sock`★; Kubescape C-0074; Checkov CKV_K8S_27; Datree #30.',
  },
  check(ctx) {
    for (const v of hostPathVolumes(ctx)) {
      if (!v.templated && RUNTIME_SOCKETS.test(v.path))
        ctx.report({
          message: `Volume "${v.name}" mounts the container runtime socket ${v.path}: root on the node.`,
          at: v.pathPair ?? v.node,
        });
    }
  },
};

export const hostPathRules: readonly Rule[] = [hostPathVolume, writableHostMount, dockerSocketMount];
