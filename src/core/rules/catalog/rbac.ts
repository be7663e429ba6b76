import type { YAMLMap } from 'yaml';
import { getMap, getSeq, mapItems, pairOf, str, strings } from '../../manifest/nodes';
import type { Rule, RuleContext } from '../types';

const ROLES: ReadonlySet<string> = new Set(['Role', 'ClusterRole']);
const BINDINGS: ReadonlySet<string> = new Set(['RoleBinding', 'ClusterRoleBinding']);
const RBAC_KINDS: ReadonlySet<string> = new Set([...ROLES, ...BINDINGS]);

interface RoleRule {
  readonly node: YAMLMap;
  readonly verbs: ReadonlySet<string>;
  readonly resources: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

function roleRules(ctx: RuleContext): RoleRule[] {
  return mapItems(getSeq(ctx.object.node, 'rules', ctx.doc), ctx.doc).map(({ node }) => ({
    node,
    verbs: new Set(strings(getSeq(node, 'verbs', ctx.doc)).map((s) => s.value)),
    resources: new Set(strings(getSeq(node, 'resources', ctx.doc)).map((s) => s.value)),
    groups: new Set(strings(getSeq(node, 'apiGroups', ctx.doc)).map((s) => s.value)),
  }));
}

const grants = (r: RoleRule, verbs: readonly string[], resources: readonly string[]) =>
  (r.verbs.has('*') || verbs.some((v) => r.verbs.has(v))) &&
  (r.resources.has('*') || resources.some((x) => r.resources.has(x)));

function roleRef(ctx: RuleContext) {
  const ref = getMap(ctx.object.node, 'roleRef', ctx.doc);
  return { ref, kind: str(ref, 'kind', ctx.doc) ?? '', name: str(ref, 'name', ctx.doc) ?? '' };
}

const subjects = (ctx: RuleContext) =>
  mapItems(getSeq(ctx.object.node, 'subjects', ctx.doc), ctx.doc)
    .map(({ node }) => `${str(node, 'kind', ctx.doc) ?? '?'} ${str(node, 'name', ctx.doc) ?? '?'}`)
    .join(', ');

export const rbacOverbroad: Rule = {
  id: 'rbac-overbroad',
  number: 64,
  category: 'rbac',
  title: 'Over-broad RBAC',
  severity: 'warning',
  fixClass: 'none',
  kinds: RBAC_KINDS,
  docs: {
    what: 'A Role or ClusterRole rule uses `*` in verbs, resources or apiGroups; or a binding grants `cluster-admin`.',
    why: "Wildcards grant tomorrow's resources too (new CRDs, secrets in new forms); cluster-admin is every permission in every namespace.",
    fix: 'List the verbs and resources the subject needs. No automatic fix: only the owner knows what is needed.',
    anchors:
      'kube-linter `wildcard-in-rules`, `cluster-admin-role-binding`; Polaris `clusterrolebindingClusterAdmin`, `rolebindingClusterAdminClusterRole`, `rolebindingClusterAdminRole` (danger); Checkov CKV_K8S_49; Kubescape C-0187; Datree #95, #97.',
  },
  check(ctx) {
    const kind = ctx.object.identity.kind ?? '';
    if (ROLES.has(kind)) {
      for (const r of roleRules(ctx)) {
        const wild = (['apiGroups', 'resources', 'verbs'] as const).filter((k) =>
          strings(getSeq(r.node, k, ctx.doc)).some((s) => s.value === '*'),
        );
        // Point at whichever wildcard comes first in the text.
        const first = wild
          .map((k) => pairOf(r.node, k))
          .sort((a, b) => (a?.key.range?.[0] ?? 0) - (b?.key.range?.[0] ?? 0))[0];
        if (wild.length > 0)
          ctx.report({
            message: `${kind} "${ctx.object.identity.name ?? ''}" grants "*" in ${wild.join(', ')}.`,
            at: first,
          });
      }
    } else {
      const { ref, name } = roleRef(ctx);
      if (name === 'cluster-admin')
        ctx.report({
          message: `${kind} "${ctx.object.identity.name ?? ''}" makes ${subjects(ctx) || 'its subjects'} cluster-admin.`,
          at: pairOf(ref, 'name'),
        });
    }
  },
};

export const rbacPodExecAttach: Rule = {
  id: 'rbac-pod-exec-attach',
  number: 65,
  category: 'rbac',
  title: 'pods/exec or pods/attach granted',
  severity: 'warning',
  fixClass: 'none',
  kinds: RBAC_KINDS,
  crossResource: true,
  docs: {
    what: 'A role grants `create` (or `*`) on `pods/exec` or `pods/attach`; a binding refers to such a role in scope.',
    why: "Exec is a shell in every pod the role reaches, with their mounted secrets and tokens — the seeds' troubleshooting relied on it, which is exactly why it must be granted deliberately.",
    fix: 'Grant exec to a break-glass group only, namespace by namespace. No automatic fix.',
    anchors:
      'Polaris `clusterrolePodExecAttach`, `rolePodExecAttach`, `*bindingPodExecAttach` (danger); Datree #48; Checkov CKV2_K8S_2.',
  },
  check(ctx) {
    const kind = ctx.object.identity.kind ?? '';
    if (!ROLES.has(kind)) return;
    for (const r of roleRules(ctx)) {
      if (grants(r, ['create', 'get'], ['pods/exec', 'pods/attach'])) {
        ctx.report({
          message: `${kind} "${ctx.object.identity.name ?? ''}" allows exec/attach into pods.`,
          at: pairOf(r.node, 'resources') ?? r.node,
        });
      }
    }
  },
};

const SENSITIVE: readonly [string[], string[], string][] = [
  [['get', 'list', 'watch'], ['secrets'], 'read Secrets'],
  [
    ['create'],
    ['pods', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'replicasets'],
    'create pods or workloads',
  ],
  [
    ['bind', 'escalate', 'impersonate'],
    ['*', 'roles', 'clusterroles', 'users', 'groups', 'serviceaccounts'],
    'bind, escalate or impersonate',
  ],
];

export const rbacSensitiveAccess: Rule = {
  id: 'rbac-sensitive-access',
  number: 66,
  category: 'rbac',
  title: 'Sensitive RBAC access',
  severity: 'info',
  fixClass: 'none',
  kinds: ROLES,
  docs: {
    what: 'A role lets its subjects read Secrets, create pods or workloads, or bind/escalate/impersonate.',
    why: 'Each of these is a path to other identities: reading secrets yields credentials, creating pods runs code as any service account in the namespace, bind/escalate/impersonate rewrite RBAC itself.',
    fix: 'Keep these to controllers and CI identities that need them. No automatic fix.',
    anchors:
      'kube-linter `access-to-secrets`, `access-to-create-pods`; Kubescape C-0188; Checkov CKV2_K8S_3, CKV2_K8S_5, CKV_K8S_157/158; Datree #96, #101, #105.',
  },
  check(ctx) {
    for (const r of roleRules(ctx)) {
      if (r.verbs.has('*') && r.resources.has('*')) continue; // rbac-overbroad says it better
      const what = SENSITIVE.filter(([verbs, resources]) => grants(r, verbs, resources)).map(
        ([, , label]) => label,
      );
      if (what.length > 0)
        ctx.report({
          message: `${ctx.object.identity.kind ?? 'Role'} "${ctx.object.identity.name ?? ''}" can ${what.join('; ')}.`,
          at: pairOf(r.node, 'verbs') ?? r.node,
        });
    }
  },
};

export const rbacRules: readonly Rule[] = [rbacOverbroad, rbacPodExecAttach, rbacSensitiveAccess];
