import { isSeq, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { Commented } from '../../edit/emit';
import type { TextEdit } from '../../edit/text-edit';
import { getMap, getMapPath, getSeq, pairOf, scalar, str, strings } from '../../manifest/nodes';
import { containersOf, podSpecOf, type ContainerRef } from '../../manifest/objects';
import {
  containerAnchor,
  containerData,
  eachContainer,
  effectiveSecurityValue,
  findingContainer,
  objectName,
  podCarriers,
  podSpecAnchor,
} from '../helpers';
import type { FixContext, Rule, RuleContext } from '../types';
import { serviceAccountInScope, serviceAccountRules } from './pod-security-restricted-accounts';
import { secretRules } from './pod-security-restricted-secrets';

/** Whether `allowPrivilegeEscalation: false` would be invalid: privileged, or CAP_SYS_ADMIN added. */
function escalationBlocker(container: YAMLMap, ctx: RuleContext): boolean {
  const sc = getMap(container, 'securityContext', ctx.doc);
  const privileged = pairOf(sc, 'privileged');
  if (privileged && scalar(privileged.value ?? undefined) === true) return true;
  const add = strings(getSeq(getMap(sc, 'capabilities', ctx.doc), 'add', ctx.doc));
  return add.some((cap) => /^(CAP_)?SYS_ADMIN$/i.test(cap.value));
}

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
    fix: "Set `allowPrivilegeEscalation: false` on every container. The Harden fix adds it to each container's securityContext, creating the map when missing; for a privileged container (or one adding CAP_SYS_ADMIN) it is offered only once that is gone, since the API server rejects the combination. Harden sets `privileged: false` first.",
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
        const blocker = escalationBlocker(c.node, ctx);
        ctx.report({
          message:
            value === true
              ? `Container "${c.name}" explicitly allows privilege escalation.`
              : `Container "${c.name}" does not set allowPrivilegeEscalation: false.`,
          at: pair ?? containerAnchor(c),
          severity: value === true ? 'error' : 'warning',
          container: c.name,
          data: containerData(c),
          // The API server rejects allowPrivilegeEscalation: false beside privileged: true or
          // CAP_SYS_ADMIN; the fix is offered once those are gone (Harden removes privileged).
          // The message stays the same either way: it is the same finding.
          fixable: !blocker,
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

type SecurityPair = Pair<Scalar, Node | null>;

/** `securityContext.<key>` of a container, else of the pod: the value the kubelet applies. */
function effectivePair(c: ContainerRef, podContext: YAMLMap | undefined, key: string, doc: Document.Parsed) {
  const own = pairOf(getMap(c.node, 'securityContext', doc), key);
  if (own) return { pair: own, level: 'container' as const };
  const pod = pairOf(podContext, key);
  return pod ? { pair: pod, level: 'pod' as const } : undefined;
}

const isZero = (pair: SecurityPair | undefined) =>
  pair !== undefined && scalar(pair.value ?? undefined) === 0;

export const runAsNonRoot: Rule = {
  id: 'run-as-non-root',
  number: 15,
  category: 'pod-security-restricted',
  title: 'May run as root',
  severity: 'warning',
  fixClass: 'harden',
  kinds: podCarriers,
  docs: {
    what: "A container's effective `runAsNonRoot` (its own, else the pod's) is not `true`; or its effective `runAsUser` / `runAsGroup` is 0 (root).",
    why: "Root in a container is root on the node's kernel: a container escape or a writable host mount then owns the node. The seeds' Redis fix moved to the Bitnami image precisely because it runs as UID 1001.",
    fix: 'Run as a numeric non-root user (the image\'s USER, or `runAsUser`) and set `runAsNonRoot: true`. The Harden fix adds `runAsNonRoot: true` at pod level when no container or pod sets it; the image must then run as a numeric non-root user or the kubelet refuses to start it ("image will run as root"). It never changes an explicit `runAsNonRoot: false` or `runAsUser: 0`, and is not offered while any container would still run with `runAsUser: 0` — those need a human decision (kube-linter reports the same "runAsUser 0" / "runAsGroup 0" cases).',
    anchors:
      'kube-linter `run-as-non-root`★ (also "is set to runAsGroup 0"); Polaris `runAsRootAllowed` (danger, mutation: sets it per container); Kubescape C-0013; Checkov CKV_K8S_23; Datree #51, #52; Popeye POP-302/306 (live); PSS Restricted.',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    if (!ref) return;
    const podContext = getMap(ref.spec, 'securityContext', ctx.doc);
    const containers = containersOf(ref, ctx.object, ['containers', 'initContainers']);
    // Adding pod-level runAsNonRoot is only safe when no container that would inherit it runs as UID 0.
    const inheritsRoot = containersOf(ref, ctx.object).some(
      (c) =>
        !pairOf(getMap(c.node, 'securityContext', ctx.doc), 'runAsNonRoot') &&
        isZero(effectivePair(c, podContext, 'runAsUser', ctx.doc)?.pair),
    );
    let podReported = false;
    for (const c of containers) {
      const root = ['runAsUser', 'runAsGroup']
        .map((key) => ({ key, found: effectivePair(c, podContext, key, ctx.doc) }))
        .find(({ found }) => isZero(found?.pair) && !ctx.isTemplated(found?.pair.value));
      if (root?.found) {
        const [how, why] =
          root.key === 'runAsUser'
            ? ['as root (runAsUser: 0)', 'a container escape is root on the node']
            : [
                'with the root group (runAsGroup: 0)',
                "it gets group root's access to every file it can reach",
              ];
        // A pod-level 0 is one finding, not one per container that inherits it.
        if (root.found.level === 'pod' && podReported) continue;
        podReported ||= root.found.level === 'pod';
        ctx.report({
          message:
            root.found.level === 'pod'
              ? `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" runs its containers ${how} by default: ${why}.`
              : `Container "${c.name}" runs ${how}: ${why}.`,
          at: root.found.pair,
          fixable: false,
          ...(root.found.level === 'container' ? { container: c.name } : {}),
          data: { ...containerData(c), level: root.found.level },
        });
        continue;
      }
      const nonRoot = effectivePair(c, podContext, 'runAsNonRoot', ctx.doc);
      if (ctx.isTemplated(nonRoot?.pair.value)) continue;
      const value = scalar(nonRoot?.pair.value ?? undefined);
      if (value === true) continue;
      if (nonRoot) {
        if (nonRoot.level === 'pod' && podReported) continue;
        podReported ||= nonRoot.level === 'pod';
        // An explicit false is a decision: reported, never flipped automatically.
        ctx.report({
          message:
            nonRoot.level === 'pod'
              ? `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" allows its containers to run as root (runAsNonRoot: ${String(value)}).`
              : `Container "${c.name}" allows running as root (runAsNonRoot: ${String(value)}).`,
          at: nonRoot.pair,
          fixable: false,
          ...(nonRoot.level === 'container' ? { container: c.name } : {}),
          data: { ...containerData(c), level: nonRoot.level },
        });
        continue;
      }
      ctx.report({
        message: `Container "${c.name}" may run as root: neither it nor the pod sets runAsNonRoot: true.`,
        at: containerAnchor(c),
        container: c.name,
        fixable: !inheritsRoot,
        data: { ...containerData(c), level: 'missing' },
      });
    }
  },
  fix: {
    class: 'harden',
    title: 'Set runAsNonRoot: true for the pod (the image must run as a non-root UID)',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      if (!spec || pairOf(getMap(spec, 'securityContext', ctx.doc), 'runAsNonRoot')) return undefined;
      return ctx.editor.setIn(spec, ['securityContext', 'runAsNonRoot'], true);
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
        const values = ['runAsUser', 'runAsGroup'].map((key) => ({
          key,
          found: effectiveSecurityValue(ctx, c.node, spec, key),
        }));
        if (values.some(({ found }) => ctx.isTemplated(found?.node))) return;
        const low = values
          .filter(({ found }) => !(typeof found?.value === 'number' && found.value >= 10000))
          .map(({ key }) => key);
        if (low.length > 0)
          ctx.report({
            message: `Container "${c.name}" runs with ${low.join(' and ')} unset or below 10000: it may share IDs with users and files on the node.`,
            at: containerAnchor(c),
            container: c.name,
            data: { ...containerData(c), keys: low.join(',') },
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
      const keys = String(ctx.finding.data?.['keys'] ?? 'runAsUser,runAsGroup').split(',');
      // Only the low ones: a runAsUser: 20000 next to a missing runAsGroup stays as it is.
      const values: Record<string, Commented> = {};
      if (keys.includes('runAsUser'))
        values['runAsUser'] = new Commented(10001, 'TODO: a UID the image can run as');
      if (keys.includes('runAsGroup'))
        values['runAsGroup'] = new Commented(10001, 'TODO: a GID the image can run as');
      return found ? ctx.editor.setIn(found.container.node, ['securityContext'], values) : undefined;
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
          message: `Container "${c.name}" has a writable root filesystem: an intruder can drop tools into it and stay.`,
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

/**
 * Adds `ALL` to `capabilities.drop`, merging into what is there. When the capabilities map is
 * block style but its lists are flow (`add: [NET_BIND_SERVICE]`), the new list is written the
 * same way (`drop: [ALL]`) so the map keeps reading the way its author wrote it.
 */
function dropAll(ctx: FixContext, container: YAMLMap): readonly TextEdit[] {
  const caps = getMapPath(container, ['securityContext', 'capabilities'], ctx.doc);
  const drop = getSeq(caps, 'drop', ctx.doc);
  if (drop) return [ctx.editor.appendToSeq(drop, ['ALL'])];
  const flowSibling = caps?.items.some((p) => isSeq(p.value) && p.value.flow);
  if (caps && !caps.flow && flowSibling && !pairOf(caps, 'drop')) {
    // Our emitter writes an empty list as "[]": fill it rather than re-implement the placement.
    const edit = ctx.editor.insertPair(caps, 'drop', []);
    return [{ ...edit, text: edit.text.replace(/\[\](\r?\n)?$/, '[ALL]$1') }];
  }
  return ctx.editor.setIn(container, ['securityContext', 'capabilities', 'drop'], ['ALL']);
}

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
    why: "Containers start with the runtime's default capabilities (NET_RAW among them, enough to spoof and sniff traffic; CHOWN, SETUID, DAC_OVERRIDE…). Dropping ALL and adding back only what is needed is PSS Restricted; kube-linter's minimum is dropping NET_RAW.",
    fix: 'Add `capabilities.drop: [ALL]` and keep `add` for what the process needs (e.g. NET_BIND_SERVICE). The Harden fix merges ALL into the existing map and `drop` list, keeping `add` and comments — unlike Polaris, whose mutation replaces the whole capabilities map.',
    anchors:
      'Polaris `insecureCapabilities` (warning, mutation: replaces capabilities with {drop: [ALL]}); kube-linter `drop-net-raw-capability`★; Kubescape C-0046, C-0055; Checkov CKV_K8S_28, CKV_K8S_37; Datree #103; PSS Restricted.',
  },
  check(ctx) {
    eachContainer(
      ctx,
      (c) => {
        const sc = getMap(c.node, 'securityContext', ctx.doc);
        const caps = getMap(sc, 'capabilities', ctx.doc);
        const dropPair = pairOf(caps, 'drop');
        if (ctx.isTemplated(dropPair?.value)) return;
        const dropped = strings(getSeq(caps, 'drop', ctx.doc)).map((d) => d.value.toUpperCase());
        if (dropped.includes('ALL')) return;
        const netRaw = dropped.includes('NET_RAW') || dropped.includes('CAP_NET_RAW');
        ctx.report({
          message: netRaw
            ? `Container "${c.name}" drops NET_RAW but keeps the other default capabilities (no drop: [ALL]).`
            : `Container "${c.name}" keeps the default Linux capabilities, NET_RAW included (no drop: [ALL]).`,
          at: dropPair ?? pairOf(sc, 'capabilities') ?? containerAnchor(c),
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
      return found ? dropAll(ctx, found.container.node) : undefined;
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
  crossResource: true,
  docs: {
    what: 'Neither the pod spec nor its ServiceAccount (when in scope) sets `automountServiceAccountToken: false`. An explicit `automountServiceAccountToken: true` on the pod is a decision and is not reported.',
    why: 'Every container then gets an API token at /var/run/secrets/kubernetes.io/serviceaccount; most data-platform workloads (Trino, Superset, Redis, MinIO) never call the API, and a stolen token is a foothold in the cluster.',
    fix: 'Set `automountServiceAccountToken: false` on pods that do not call the Kubernetes API (or on their ServiceAccount). The Harden fix sets it on the pod spec; it breaks in-cluster API clients (Spark drivers creating executors, operators, Argo CD), hence "harden": check before applying. An explicit `true` on the pod (controllers and operators that call the API) is left alone.',
    anchors:
      'Polaris `automountServiceAccountToken` (warning); Kubescape C-0034, C-0261; Checkov CKV_K8S_38; Datree #53, #102; Popeye POP-301/303.',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    if (!ref) return;
    const pair = pairOf(ref.spec, 'automountServiceAccountToken');
    if (ctx.isTemplated(pair?.value)) return;
    const value = scalar(pair?.value ?? undefined);
    if (value === false) return;
    // An explicit `true` is a decision (operators and controllers must call the API), not an
    // oversight: reporting it only taught people to suppress the rule.
    if (pair) return;
    const kind = ctx.object.identity.kind ?? 'Pod';
    // The pod inherits its ServiceAccount's setting when it does not set one itself.
    const account = str(ref.spec, 'serviceAccountName', ctx.doc) ?? str(ref.spec, 'serviceAccount', ctx.doc);
    if (serviceAccountInScope(ctx, account || 'default')?.automountServiceAccountToken === false) return;
    ctx.report({
      message: `${kind} "${objectName(ctx)}" mounts a service account token into every container: neither the pod nor its ServiceAccount sets automountServiceAccountToken: false.`,
      at: podSpecAnchor(ctx, ref),
    });
  },
  fix: {
    class: 'harden',
    title: 'Set automountServiceAccountToken: false',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      if (!spec || pairOf(spec, 'automountServiceAccountToken')) return undefined;
      return ctx.editor.setIn(spec, ['automountServiceAccountToken'], false);
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
