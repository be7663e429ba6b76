import { Commented } from '../../edit/emit';
import { getMap, getMapPath, getSeq, pairOf, scalar, strings } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import {
  containerAnchor,
  containerData,
  eachContainer,
  effectiveSecurityValue,
  findingContainer,
  podCarriers,
} from '../helpers';
import type { Rule } from '../types';
import { serviceAccountRules } from './pod-security-accounts';
import { secretRules } from './pod-security-secrets';

export const allowPrivilegeEscalation: Rule = {
  id: 'allow-privilege-escalation',
  number: 14,
  category: 'pod-security-restricted',
  title: 'Privilege escalation not disabled',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'A container does not set `securityContext.allowPrivilegeEscalation: false` (error when it is explicitly `true`).',
    why: 'Without it, a setuid binary or file capability inside the image can gain more privileges than the process started with (PSS Restricted requires `false`).',
    fix: "Set `allowPrivilegeEscalation: false` on every container. The Harden fix adds it to each container's securityContext, creating the map when missing.",
    anchors:
      'kube-linter `privilege-escalation-container`★; Polaris `privilegeEscalationAllowed` (danger, mutation); Kubescape C-0016; Checkov CKV_K8S_20; Datree #47; PSS Restricted.',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const pair = pairOf(getMap(c.node, 'securityContext', ctx.doc), 'allowPrivilegeEscalation');
        if (pair && ctx.isTemplated(pair.value)) return;
        const value = pair ? scalar(pair.value ?? undefined) : undefined;
        if (value === false) return;
        ctx.report({
          message:
            value === true
              ? `Container "${c.name}" explicitly allows privilege escalation.`
              : `Container "${c.name}" does not set allowPrivilegeEscalation: false.`,
          at: pair ?? containerAnchor(c),
          severity: value === true ? 'error' : 'warning',
          container: c.name,
          data: containerData(c),
        });
      },
      ['containers', 'initContainers'],
    );
  },
  fix: {
    class: 'harden',
    title: 'Set allowPrivilegeEscalation: false',
    apply(ctx) {
      const found = findingContainer(ctx);
      return found
        ? ctx.editor.setIn(found.container.node, ['securityContext', 'allowPrivilegeEscalation'], false)
        : undefined;
    },
  },
};

export const runAsNonRoot: Rule = {
  id: 'run-as-non-root',
  number: 15,
  category: 'pod-security-restricted',
  title: 'May run as root',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: "A container's effective `runAsNonRoot` (its own, else the pod's) is not `true`, or `runAsUser: 0` / `runAsGroup: 0` is set.",
    why: "Root in a container is root on the node's kernel; a container escape or a writable host mount then owns the node.",
    fix: 'Run as a numeric non-root user and set `runAsNonRoot: true`. The Harden fix sets it at pod level (the image must define a numeric non-root USER, or set runAsUser); it is not offered where runAsUser is 0, which needs a human decision.',
    anchors:
      'kube-linter `run-as-non-root`★; Polaris `runAsRootAllowed` (danger, mutation); Kubescape C-0013; Checkov CKV_K8S_23; Datree #51, #52; Popeye POP-302/306 (live); PSS Restricted.',
  },
  check(ctx) {
    const spec = podSpecOf(ctx.object)?.spec;
    if (!spec) return;
    eachContainer(
      ctx,
      (c) => {
        for (const key of ['runAsUser', 'runAsGroup']) {
          const v = effectiveSecurityValue(ctx, c.node, spec, key);
          if (v && v.value === 0 && !ctx.isTemplated(v.node)) {
            ctx.report({
              message: `Container "${c.name}" runs with ${key}: 0 (root).`,
              at: v.node,
              severity: 'warning',
              container: c.name,
              fixable: false,
              data: containerData(c),
            });
            return;
          }
        }
        const nonRoot = effectiveSecurityValue(ctx, c.node, spec, 'runAsNonRoot');
        if (nonRoot && ctx.isTemplated(nonRoot.node)) return;
        if (nonRoot?.value === true) return;
        ctx.report({
          message:
            nonRoot?.value === false
              ? `Container "${c.name}" allows running as root (runAsNonRoot: false).`
              : `Container "${c.name}" may run as root: runAsNonRoot is not set.`,
          at: nonRoot?.value === false ? nonRoot.node : containerAnchor(c),
          container: c.name,
          fixable: nonRoot?.level !== 'container',
          data: containerData(c),
        });
      },
      ['containers', 'initContainers'],
    );
  },
  fix: {
    class: 'harden',
    title: 'Set runAsNonRoot: true for the pod',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      return spec ? ctx.editor.setIn(spec, ['securityContext', 'runAsNonRoot'], true) : undefined;
    },
  },
};

export const runAsHighUid: Rule = {
  id: 'run-as-high-uid',
  number: 16,
  category: 'pod-security-restricted',
  title: 'UID/GID below 10000',
  severity: 'off',
  fixClass: 'scaffold',
  kinds: podCarriers,
  docs: {
    what: "A container's effective `runAsUser` or `runAsGroup` is missing or below 10000.",
    why: 'Low UIDs may collide with real users on the node; after an escape the process would own their files.',
    fix: 'Run with a high UID/GID. The scaffold sets `runAsUser: 10001` and `runAsGroup: 10001` with a TODO to check the image.',
    anchors: 'kube-score `container-security-context-user-group-id`; Checkov CKV_K8S_40; Datree #29.',
  },
  check(ctx) {
    const spec = podSpecOf(ctx.object)?.spec;
    if (!spec) return;
    eachContainer(
      ctx,
      (c) => {
        const low = ['runAsUser', 'runAsGroup'].filter((key) => {
          const v = effectiveSecurityValue(ctx, c.node, spec, key);
          return !(typeof v?.value === 'number' && v.value >= 10000);
        });
        if (low.length > 0)
          ctx.report({
            message: `Container "${c.name}" runs with ${low.join(' and ')} unset or below 10000.`,
            at: containerAnchor(c),
            container: c.name,
            data: containerData(c),
          });
      },
      ['containers'],
    );
  },
  fix: {
    class: 'scaffold',
    title: 'Set runAsUser/runAsGroup 10001',
    apply(ctx) {
      const found = findingContainer(ctx);
      return found
        ? ctx.editor.setIn(found.container.node, ['securityContext'], {
            runAsUser: new Commented(10001, 'TODO: a UID the image can run as'),
            runAsGroup: new Commented(10001, 'TODO: a GID the image can run as'),
          })
        : undefined;
    },
  },
};

export const readOnlyRootFilesystem: Rule = {
  id: 'read-only-root-filesystem',
  number: 17,
  category: 'pod-security-restricted',
  title: 'Writable root filesystem',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'A container does not set `securityContext.readOnlyRootFilesystem: true`.',
    why: "A writable root filesystem lets an attacker drop tools and persist inside the container; read-only also stops apps from filling the node's disk with stray files.",
    fix: 'Set `readOnlyRootFilesystem: true` and mount an `emptyDir` where the app must write (`/tmp`, caches). The Harden fix sets the flag; add the emptyDir if the app writes.',
    anchors:
      'kube-linter `no-read-only-root-fs`★; Polaris `notReadOnlyRootFilesystem` (warning, mutation); kube-score `container-security-context-readonlyrootfilesystem`; Kubescape C-0017; Checkov CKV_K8S_22; Datree #45.',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const pair = pairOf(getMap(c.node, 'securityContext', ctx.doc), 'readOnlyRootFilesystem');
        if (pair && ctx.isTemplated(pair.value)) return;
        if (scalar(pair?.value ?? undefined) === true) return;
        ctx.report({
          message: `Container "${c.name}" has a writable root filesystem.`,
          at: pair ?? containerAnchor(c),
          container: c.name,
          data: containerData(c),
        });
      },
      ['containers', 'initContainers'],
    );
  },
  fix: {
    class: 'harden',
    title: 'Set readOnlyRootFilesystem: true',
    apply(ctx) {
      const found = findingContainer(ctx);
      return found
        ? ctx.editor.setIn(found.container.node, ['securityContext', 'readOnlyRootFilesystem'], true)
        : undefined;
    },
  },
};

export const dropAllCapabilities: Rule = {
  id: 'drop-all-capabilities',
  number: 18,
  category: 'pod-security-restricted',
  title: 'Capabilities not dropped',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: "A container's `securityContext.capabilities.drop` does not contain `ALL`.",
    why: 'Containers start with a default set of Linux capabilities (NET_RAW among them, enough to spoof traffic). Dropping ALL and adding back what is needed is PSS Restricted.',
    fix: 'Add `capabilities.drop: [ALL]`. The Harden fix merges it into the existing map and keeps an existing `add` (e.g. NET_BIND_SERVICE) — unlike Polaris, which replaces the whole map.',
    anchors:
      'Polaris `insecureCapabilities` (warning, mutation); kube-linter `drop-net-raw-capability`★; Kubescape C-0046, C-0055; Checkov CKV_K8S_28, CKV_K8S_37; Datree #103; PSS Restricted.',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const caps = getMapPath(c.node, ['securityContext', 'capabilities'], ctx.doc);
        const drop = getSeq(caps, 'drop', ctx.doc);
        if (strings(drop).some((d) => d.value.toUpperCase() === 'ALL')) return;
        if (drop && ctx.isTemplated(drop)) return;
        ctx.report({
          message: `Container "${c.name}" keeps the default Linux capabilities (no drop: [ALL]).`,
          at: pairOf(caps, 'drop') ?? containerAnchor(c),
          container: c.name,
          data: containerData(c),
        });
      },
      ['containers', 'initContainers'],
    );
  },
  fix: {
    class: 'harden',
    title: 'Drop ALL capabilities',
    apply(ctx) {
      const found = findingContainer(ctx);
      if (!found) return undefined;
      const caps = getMapPath(found.container.node, ['securityContext', 'capabilities'], ctx.doc);
      const drop = getSeq(caps, 'drop', ctx.doc);
      if (drop && drop.items.length > 0) return [ctx.editor.appendToSeq(drop, ['ALL'])];
      return ctx.editor.setIn(found.container.node, ['securityContext', 'capabilities', 'drop'], ['ALL']);
    },
  },
};

export const automountServiceAccountToken: Rule = {
  id: 'automount-service-account-token',
  number: 19,
  category: 'pod-security-restricted',
  title: 'Service account token mounted',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: 'The pod spec does not set `automountServiceAccountToken: false`.',
    why: 'Every container then gets an API token; most apps never call the API, and a stolen token is a foothold in the cluster.',
    fix: 'Set `automountServiceAccountToken: false` on pods that do not call the Kubernetes API. The Harden fix sets it on the pod (it breaks in-cluster API clients, hence "harden": check before applying).',
    anchors:
      'Polaris `automountServiceAccountToken` (warning); Kubescape C-0034, C-0261; Checkov CKV_K8S_38; Datree #53, #102; Popeye POP-301/303.',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    if (!ref) return;
    const pair = pairOf(ref.spec, 'automountServiceAccountToken');
    if (pair && ctx.isTemplated(pair.value)) return;
    if (scalar(pair?.value ?? undefined) === false) return;
    ctx.report({
      message: `${ctx.object.identity.kind ?? 'Pod'} "${ctx.object.identity.name ?? ''}" mounts a service account token into every container.`,
      at: pair ?? pairOf(ctx.object.node, 'kind'),
    });
  },
  fix: {
    class: 'harden',
    title: 'Set automountServiceAccountToken: false',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      return spec ? ctx.editor.setIn(spec, ['automountServiceAccountToken'], false) : undefined;
    },
  },
};

export const podSecurityRestrictedRules: readonly Rule[] = [
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsHighUid,
  readOnlyRootFilesystem,
  dropAllCapabilities,
  automountServiceAccountToken,
  ...serviceAccountRules,
  ...secretRules,
];
