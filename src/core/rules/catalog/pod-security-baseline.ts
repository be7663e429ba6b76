import { isScalar } from 'yaml';
import { getMap, getMapPath, getSeq, mapItems, pairOf, scalar, str, strings } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import {
  containerData,
  eachContainer,
  findingContainer,
  objectName,
  podCarriers,
  podSpecAnchor,
} from '../helpers';
import type { Rule } from '../types';
import { hostRules } from './pod-security-baseline-host';

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
/** What the worst offenders allow, for the message. */
const CAP_CONSEQUENCE: Readonly<Record<string, string>> = {
  ALL: 'every capability at once, nearly root on the node',
  SYS_ADMIN: 'nearly root on the node (mounts, namespaces, BPF)',
  SYS_MODULE: 'loading kernel modules, which is root on the node',
  SYS_PTRACE: 'tracing and reading the memory of other processes',
  NET_ADMIN: 'reconfiguring interfaces, routes and firewall rules',
  NET_RAW: 'raw sockets, for spoofing and sniffing traffic',
  BPF: 'loading BPF programs into the kernel',
};

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
    fix: 'Add only what the process needs (NET_BIND_SERVICE for ports below 1024 is allowed). The Harden fix removes the offending entries, and the whole `add` list (or the emptied `capabilities`/`securityContext`) when nothing else is left — Polaris removes `add` outright, allowed entries included.',
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
          message: `Container "${c.name}" adds capability ${value}: ${CAP_CONSEQUENCE[normaliseCap(value)] ?? 'outside the Pod Security Baseline set'}.`,
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
      const container = findingContainer(ctx)?.container.node;
      const sc = getMap(container, 'securityContext', ctx.doc);
      const caps = getMap(sc, 'capabilities', ctx.doc);
      const add = getSeq(caps, 'add', ctx.doc);
      if (!container || !sc || !caps || !add) return undefined;
      const bad = add.items
        .map((item, i) => ({ item, i }))
        .filter(
          ({ item }) =>
            isScalar(item) && typeof item.value === 'string' && !BASELINE_CAPS.has(normaliseCap(item.value)),
        );
      if (bad.length === 0) return undefined;
      if (bad.length === add.items.length) {
        // Remove the emptied maps too rather than leave `capabilities:` (null) behind.
        const edit =
          caps.items.length > 1
            ? ctx.editor.deleteKey(caps, 'add')
            : sc.items.length > 1
              ? ctx.editor.deleteKey(sc, 'capabilities')
              : ctx.editor.deleteKey(container, 'securityContext');
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

/** kube-linter's `unsafe-sysctls` prefixes… */
const UNSAFE_SYSCTL = /^(kernel\.msg|kernel\.sem|kernel\.shm|fs\.mqueue\.|net\.)/;
/** …minus the kubelet's safe set, which PSS Baseline allows and every node accepts (1.32). */
const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

export const unsafeSysctls: Rule = {
  id: 'unsafe-sysctls',
  number: 11,
  category: 'pod-security-baseline',
  title: 'Unsafe sysctls',
  severity: 'error',
  fixClass: 'none',
  kinds: podCarriers,
  docs: {
    what: "The pod sets a `securityContext.sysctls` name starting with `kernel.msg`, `kernel.sem`, `kernel.shm`, `fs.mqueue.` or `net.`, other than the kubelet's safe set (`net.ipv4.ip_local_port_range`, `net.ipv4.tcp_keepalive_time`, `kernel.shm_rmid_forced`…).",
    why: "The kubelet refuses pods with unsafe sysctls unless the node explicitly allows them: the pod fails with SysctlForbidden on every node that does not, and where allowed, a bad value can hurt other pods' networking on that node.",
    fix: 'Remove the sysctl, or tune the node (and allow it with `--allowed-unsafe-sysctls` on dedicated nodes). No automatic fix; a quick fix deletes the entry.',
    anchors:
      'kube-linter `unsafe-sysctls`★ (its default prefixes; the safe set PSS Baseline allows is exempt here); PSS Baseline.',
  },
  check(ctx) {
    const spec = podSpecOf(ctx.object)?.spec;
    for (const { node, index } of mapItems(
      getSeq(getMap(spec, 'securityContext', ctx.doc), 'sysctls', ctx.doc),
      ctx.doc,
    )) {
      const pair = pairOf(node, 'name');
      const raw = str(node, 'name', ctx.doc);
      if (!raw || ctx.isTemplated(pair?.value)) continue;
      // The API accepts "net/core/somaxconn" as well as "net.core.somaxconn".
      const name = raw.replace(/\//g, '.');
      if (!UNSAFE_SYSCTL.test(name) || SAFE_SYSCTLS.has(name)) continue;
      ctx.report({
        message: `Sysctl ${raw} is not in the safe set: the kubelet refuses the pod unless the node allows it.`,
        at: pair,
        data: { sysctl: index },
      });
    }
  },
  fix: {
    class: 'none',
    title: 'Delete the sysctl',
    apply(ctx) {
      const seq = getSeq(getMap(podSpecOf(ctx.object)?.spec, 'securityContext', ctx.doc), 'sysctls', ctx.doc);
      const index = ctx.finding.data?.['sysctl'];
      const edit = seq && typeof index === 'number' ? ctx.editor.deleteSeqItem(seq, index) : undefined;
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
    what: "Some container has no effective `seccompProfile.type` of `RuntimeDefault` or `Localhost` (its own, else the pod's); `Unconfined` on the pod or a container is flagged where it is set.",
    why: 'Without seccomp a container can make every system call the kernel offers — the usual first step of a container escape. PSS Baseline forbids Unconfined; PSS Restricted requires a profile, so a namespace labelled restricted rejects the pods.',
    fix: 'Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod. The Harden fix adds it at pod level, merged into an existing securityContext; an explicit `Unconfined` is replaced in place (a container-level setting overrides the pod, so it is fixed where it is).',
    anchors:
      'Polaris `linuxHardening` (warning; seccomp/AppArmor/SELinux/drop-caps); kube-score `container-seccomp-profile` (optional); Kubescape C-0055; Checkov CKV_K8S_31; Datree #61, #99; PSS Baseline (no Unconfined) and PSS Restricted (must be set).',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    if (!ref) return;
    const podPair = pairOf(getMapPath(ref.spec, ['securityContext', 'seccompProfile'], ctx.doc), 'type');
    if (ctx.isTemplated(podPair?.value)) return;
    const podValue = scalar(podPair?.value ?? undefined);
    if (podValue === 'Unconfined')
      ctx.report({
        message: `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" turns seccomp off for its containers (seccompProfile.type: Unconfined).`,
        at: podPair,
        data: { level: 'pod' },
      });
    const podOk = typeof podValue === 'string' && SECCOMP_OK.has(podValue);
    const missing: string[] = [];
    let containers = 0;
    eachContainer(ctx, (c) => {
      containers++;
      const pair = pairOf(getMapPath(c.node, ['securityContext', 'seccompProfile'], ctx.doc), 'type');
      if (ctx.isTemplated(pair?.value)) return;
      const value = scalar(pair?.value ?? undefined);
      if (value === 'Unconfined')
        ctx.report({
          message: `Container "${c.name}" runs without seccomp (Unconfined): it may use every system call.`,
          at: pair,
          container: c.name,
          data: { ...containerData(c), level: 'container' },
        });
      else if (!(typeof value === 'string' && SECCOMP_OK.has(value)) && !podOk) missing.push(c.name);
    });
    // A pod-level Unconfined is already reported, and its fix covers these containers too.
    if (missing.length === 0 || podValue === 'Unconfined') return;
    ctx.report({
      message:
        missing.length === containers
          ? `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" sets no seccomp profile: its containers may use every system call.`
          : missing.length === 1
            ? `Container "${missing[0] ?? ''}" has no seccomp profile, and the pod sets none: it may use every system call.`
            : `Containers ${missing.map((n) => `"${n}"`).join(', ')} have no seccomp profile, and the pod sets none: they may use every system call.`,
      at: podSpecAnchor(ctx, ref),
      data: { level: 'missing' },
    });
  },
  fix: {
    class: 'harden',
    title: 'Use the RuntimeDefault seccomp profile',
    apply(ctx) {
      if (ctx.finding.data?.['level'] === 'container') {
        const pair = pairOf(
          getMapPath(findingContainer(ctx)?.container.node, ['securityContext', 'seccompProfile'], ctx.doc),
          'type',
        );
        return pair?.value && isScalar(pair.value)
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

/** Section A (rules 1–13); the host-sharing rules live in pod-security-baseline-host.ts. */
export const podSecurityBaselineRules: readonly Rule[] = [
  privilegedContainer,
  ...hostRules,
  dangerousCapabilities,
  unsafeProcMount,
  unsafeSysctls,
  seccompProfile,
];
