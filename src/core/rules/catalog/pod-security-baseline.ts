import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { getMap, getMapPath, getSeq, mapItems, pairOf, scalar, str, strings } from '../../manifest/nodes';
import { containerData, eachContainer, findingContainer, podCarriers } from '../helpers';
import { podSpecOf } from '../../manifest/objects';
import type { FixContext, Rule, RuleContext } from '../types';
import { hostPathRules } from './pod-security-host-paths';

export const privilegedContainer: Rule = {
  id: 'privileged-container',
  number: 1,
  category: 'pod-security-baseline',
  title: 'Privileged container',
  severity: 'error',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'A container sets `securityContext.privileged: true`.',
    why: 'A privileged container has every capability and direct access to host devices: a compromise of the process is a compromise of the node and everything scheduled on it.',
    fix: 'Remove the need for privilege (use specific capabilities, or a device plugin). The Harden fix sets `privileged: false` in place.',
    anchors:
      'kube-linter `privileged-container`★; Polaris `runAsPrivileged` (danger, mutation); kube-score `container-security-context-privileged`; Kubescape C-0057; Checkov CKV_K8S_16; Datree #20; PSS Baseline.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const pair = pairOf(getMap(c.node, 'securityContext', ctx.doc), 'privileged');
      if (pair && scalar(pair.value ?? undefined) === true && !ctx.isTemplated(pair.value)) {
        ctx.report({
          message: `Container "${c.name}" runs privileged: it can do anything the node can.`,
          at: pair,
          container: c.name,
          data: containerData(c),
        });
      }
    });
  },
  fix: {
    class: 'harden',
    title: 'Set privileged: false',
    apply(ctx) {
      const sc = getMap(findingContainer(ctx)?.container.node, 'securityContext', ctx.doc);
      return sc ? ctx.editor.setIn(sc, ['privileged'], false) : undefined;
    },
  },
};

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
      fix: `Remove \`${key}\` unless the workload is a node agent that truly needs it (then suppress with a comment saying why). The Harden fix deletes the key.`,
      anchors,
    },
    check(ctx) {
      const spec = podSpecOf(ctx.object);
      const pair = pairOf(spec?.spec, key);
      if (pair && scalar(pair.value ?? undefined) === true && !ctx.isTemplated(pair.value)) {
        ctx.report({
          message: `${ctx.object.identity.kind ?? 'Pod'} "${ctx.object.identity.name ?? ''}" shares the host's ${what} (${key}: true).`,
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
  'The pod sees every interface of the node, can bind its ports and sniff its traffic, and bypasses NetworkPolicies.',
  'kube-linter `host-network`★; Polaris `hostNetworkSet` (danger, mutation); Kubescape C-0041; Checkov CKV_K8S_19; Datree #28; PSS Baseline.',
);
export const hostPid = hostNamespaceRule(
  'host-pid',
  3,
  'hostPID',
  'process namespace',
  'The pod sees and can signal every process on the node, and read their environments (secrets included).',
  'kube-linter `host-pid`★; Polaris `hostPIDSet` (danger, mutation); Kubescape C-0038; Checkov CKV_K8S_17; Datree #26; PSS Baseline.',
);
export const hostIpc = hostNamespaceRule(
  'host-ipc',
  4,
  'hostIPC',
  'IPC namespace',
  'The pod can read and write shared memory of every process on the node.',
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
    why: "A hostPort ties the pod to nodes where that port is free (two replicas cannot share a node) and exposes it on the node's address, around Services and NetworkPolicies.",
    fix: 'Expose the port through a Service instead. The Harden fix deletes `hostPort` from the port.',
    anchors:
      'Polaris `hostPortSet` (warning, mutation); Kubescape C-0044; Checkov CKV_K8S_26; Datree #50; PSS Baseline.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      for (const { node, index } of mapItems(getSeq(c.node, 'ports', ctx.doc), ctx.doc)) {
        const pair = pairOf(node, 'hostPort');
        if (!pair || ctx.isTemplated(pair.value)) continue;
        ctx.report({
          message: `Container "${c.name}" binds port ${String(scalar(pair.value ?? undefined))} on the node (hostPort).`,
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

/** PSS Baseline allows adding only these. */
const BASELINE_CAPS = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const normaliseCap = (c: string) => c.toUpperCase().replace(/^CAP_/, '');

export const dangerousCapabilities: Rule = {
  id: 'dangerous-capabilities',
  number: 9,
  category: 'pod-security-baseline',
  title: 'Dangerous capabilities added',
  severity: 'error',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: '`securityContext.capabilities.add` contains ALL, SYS_ADMIN, NET_ADMIN, NET_RAW or anything outside the Pod Security Baseline set.',
    why: "SYS_ADMIN is nearly root on the node; NET_ADMIN/NET_RAW allow spoofing and sniffing other pods' traffic; ALL is everything at once.",
    fix: 'Add only what the process needs (NET_BIND_SERVICE for ports below 1024 is allowed). The Harden fix removes the offending entries and the whole `add` list if it ends up empty.',
    anchors:
      'Polaris `dangerousCapabilities` (danger, mutation); kube-linter `privilege-escalation-container`★ (SYS_ADMIN), `drop-net-raw-capability`★; Kubescape C-0046; Checkov CKV_K8S_25, CKV_K8S_39; Datree #49; PSS Baseline.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      for (const { value, node } of strings(
        getSeq(getMapPath(c.node, ['securityContext', 'capabilities'], ctx.doc), 'add', ctx.doc),
      )) {
        if (BASELINE_CAPS.has(normaliseCap(value)) || ctx.isTemplated(node)) continue;
        ctx.report({
          message: `Container "${c.name}" adds capability ${value}.`,
          at: node,
          container: c.name,
          data: { ...containerData(c), cap: value },
        });
      }
    });
  },
  fix: {
    class: 'harden',
    title: 'Remove the dangerous capabilities',
    apply(ctx) {
      const caps = getMapPath(
        findingContainer(ctx)?.container.node,
        ['securityContext', 'capabilities'],
        ctx.doc,
      );
      const add = getSeq(caps, 'add', ctx.doc);
      if (!caps || !add) return undefined;
      const bad = add.items
        .map((item, i) => ({ item, i }))
        .filter(
          ({ item }) =>
            isScalar(item) && typeof item.value === 'string' && !BASELINE_CAPS.has(normaliseCap(item.value)),
        );
      if (bad.length === 0) return undefined;
      if (bad.length === add.items.length) {
        const edit = ctx.editor.deleteKey(caps, 'add');
        return edit ? [edit] : undefined;
      }
      // One at a time: applyFixes re-parses and comes back for the next one.
      const edit = ctx.editor.deleteSeqItem(add, bad[0]?.i ?? 0);
      return edit ? [edit] : undefined;
    },
  },
};

export const unsafeProcMount: Rule = {
  id: 'unsafe-proc-mount',
  number: 10,
  category: 'pod-security-baseline',
  title: 'Unmasked /proc',
  severity: 'error',
  fixClass: 'auto',
  kinds: podCarriers,
  docs: {
    what: 'A container sets `securityContext.procMount: Unmasked`.',
    why: 'The default procMount masks kernel paths under /proc; unmasking them exposes host kernel information and knobs to the container.',
    fix: 'Remove `procMount` (the default is `Default`). The fix deletes the key.',
    anchors: 'kube-linter `unsafe-proc-mount`; Polaris `procMount` (warning); PSS Baseline.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const pair = pairOf(getMap(c.node, 'securityContext', ctx.doc), 'procMount');
      if (pair && scalar(pair.value ?? undefined) === 'Unmasked' && !ctx.isTemplated(pair.value)) {
        ctx.report({
          message: `Container "${c.name}" unmasks /proc (procMount: Unmasked).`,
          at: pair,
          container: c.name,
          data: containerData(c),
        });
      }
    });
  },
  fix: {
    class: 'auto',
    title: 'Remove procMount: Unmasked',
    apply(ctx) {
      const sc = getMap(findingContainer(ctx)?.container.node, 'securityContext', ctx.doc);
      const edit = sc ? ctx.editor.deleteKey(sc, 'procMount') : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

const UNSAFE_SYSCTL = /^(kernel\.msg|kernel\.sem|kernel\.shm|fs\.mqueue\.|net\.)/;

export const unsafeSysctls: Rule = {
  id: 'unsafe-sysctls',
  number: 11,
  category: 'pod-security-baseline',
  title: 'Unsafe sysctls',
  severity: 'error',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: 'The pod sets `securityContext.sysctls` whose name starts with `kernel.msg`, `kernel.sem`, `kernel.shm`, `fs.mqueue.` or `net.`.',
    why: 'These sysctls are not namespaced (or not safely): setting them changes the node for every pod, and the kubelet rejects them unless explicitly allowed.',
    fix: 'Remove the sysctl or move the tuning to the node. No automatic fix; a quick fix deletes the entry.',
    anchors: 'kube-linter `unsafe-sysctls`★; PSS Baseline.',
  },
  check(ctx) {
    const spec = podSpecOf(ctx.object)?.spec;
    for (const { node, index } of mapItems(
      getSeq(getMap(spec, 'securityContext', ctx.doc), 'sysctls', ctx.doc),
      ctx.doc,
    )) {
      const name = str(node, 'name', ctx.doc);
      if (name && UNSAFE_SYSCTL.test(name))
        ctx.report({
          message: `Unsafe sysctl ${name}: it is not namespaced and affects the whole node.`,
          at: pairOf(node, 'name'),
          data: { sysctl: index },
        });
    }
  },
  fix: {
    class: 'none',
    title: 'Delete the sysctl',
    apply(ctx) {
      const seq = getSeq(getMap(podSpecOf(ctx.object)?.spec, 'securityContext', ctx.doc), 'sysctls', ctx.doc);
      const edit = seq
        ? ctx.editor.deleteSeqItem(seq, Number(ctx.finding.data?.['sysctl'] ?? -1))
        : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

function hostProcessPairs(ctx: RuleContext | FixContext): { pair: Pair; map: YAMLMap; container?: string }[] {
  const out: { pair: Pair; map: YAMLMap; container?: string }[] = [];
  const spec = podSpecOf(ctx.object)?.spec;
  const podOptions = getMapPath(spec, ['securityContext', 'windowsOptions'], ctx.doc);
  const podPair = pairOf(podOptions, 'hostProcess');
  if (podOptions && podPair) out.push({ pair: podPair, map: podOptions });
  eachContainer(ctx, (c) => {
    const options = getMapPath(c.node, ['securityContext', 'windowsOptions'], ctx.doc);
    const pair = pairOf(options, 'hostProcess');
    if (options && pair) out.push({ pair, map: options, container: c.name });
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
    why: "A HostProcess container runs directly on the Windows node with the node's privileges.",
    fix: 'Remove `hostProcess` unless this is a node-management DaemonSet. The Harden fix deletes the key.',
    anchors: 'Polaris `hostProcess` (warning); Datree EKS #85; PSS Baseline.',
  },
  check(ctx) {
    for (const { pair, container } of hostProcessPairs(ctx)) {
      ctx.report({
        message: `${container ? `Container "${container}"` : 'The pod'} runs as a Windows HostProcess.`,
        at: pair,
        ...(container ? { container } : {}),
      });
    }
  },
  fix: {
    class: 'harden',
    title: 'Remove hostProcess',
    apply(ctx) {
      const found = hostProcessPairs(ctx).find((h) => h.container === ctx.finding.container);
      const edit = found ? ctx.editor.deleteKey(found.map, 'hostProcess') : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

export const seccompProfile: Rule = {
  id: 'seccomp-profile',
  number: 13,
  category: 'pod-security-baseline',
  title: 'No seccomp profile',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'Neither the pod nor every container sets `seccompProfile.type` to `RuntimeDefault` or `Localhost`; `Unconfined` anywhere is flagged.',
    why: 'Without seccomp a container can make every system call the kernel offers — the usual first step of a container escape. PSS Restricted requires a profile.',
    fix: 'Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod. The Harden fix adds it at pod level, merged into an existing securityContext (an explicit `Unconfined` is replaced in place).',
    anchors:
      'Polaris `linuxHardening` (warning); kube-score `container-seccomp-profile` (optional); Kubescape C-0055; Checkov CKV_K8S_31; Datree #61, #99; PSS Baseline (no Unconfined), PSS Restricted (must be set).',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    if (!ref) return;
    const podType = getMapPath(ref.spec, ['securityContext', 'seccompProfile'], ctx.doc);
    const podTypePair = pairOf(podType, 'type');
    if (podTypePair && ctx.isTemplated(podTypePair.value)) return;
    const podValue = scalar(podTypePair?.value ?? undefined);
    if (podValue === 'Unconfined')
      ctx.report({
        message: 'The pod runs without seccomp (seccompProfile.type: Unconfined).',
        at: podTypePair,
        data: { level: 'pod' },
      });
    let missing = false;
    eachContainer(
      ctx,
      (c) => {
        const pair = pairOf(getMapPath(c.node, ['securityContext', 'seccompProfile'], ctx.doc), 'type');
        const value = scalar(pair?.value ?? undefined);
        if (value === 'Unconfined')
          ctx.report({
            message: `Container "${c.name}" runs without seccomp (Unconfined).`,
            at: pair,
            container: c.name,
            data: { ...containerData(c), level: 'container' },
          });
        else if (
          !(typeof value === 'string' && SECCOMP_OK.has(value)) &&
          !(typeof podValue === 'string' && SECCOMP_OK.has(podValue))
        )
          missing = true;
      },
      ['containers', 'initContainers'],
    );
    if (missing) {
      ctx.report({
        message: `${ctx.object.identity.kind ?? 'Pod'} "${ctx.object.identity.name ?? ''}" sets no seccomp profile: its containers may use every system call.`,
        at: pairOf(ctx.object.node, 'kind'),
        data: { level: 'missing' },
      });
    }
  },
  fix: {
    class: 'harden',
    title: 'Use the RuntimeDefault seccomp profile',
    apply(ctx) {
      const level = ctx.finding.data?.['level'];
      if (level === 'container') {
        const pair = pairOf(
          getMapPath(findingContainer(ctx)?.container.node, ['securityContext', 'seccompProfile'], ctx.doc),
          'type',
        );
        return pair?.value && isMap(pair.value) === false
          ? [ctx.editor.replaceScalar(pair.value, 'RuntimeDefault')]
          : undefined;
      }
      const spec = podSpecOf(ctx.object)?.spec;
      return spec
        ? ctx.editor.setIn(spec, ['securityContext', 'seccompProfile', 'type'], 'RuntimeDefault')
        : undefined;
    },
  },
};

export const podSecurityBaselineRules: readonly Rule[] = [
  privilegedContainer,
  hostNetwork,
  hostPid,
  hostIpc,
  hostPort,
  ...hostPathRules,
  dangerousCapabilities,
  unsafeProcMount,
  unsafeSysctls,
  hostProcess,
  seccompProfile,
];
