import { isScalar, type Node, type YAMLMap } from 'yaml';
import { getMap, getSeq, mapItems, pairOf, str, strings } from '../../manifest/nodes';
import { objectName } from '../helpers';
import {
  rbacRuleData,
  sameNamespace,
  type IndexedObject,
  type RbacRuleData,
  type ScopeIndex,
} from '../scope';
import type { ReportInput, Rule, RuleContext } from '../types';

const ROLES: ReadonlySet<string> = new Set(['Role', 'ClusterRole']);
const RBAC_KINDS: ReadonlySet<string> = new Set([...ROLES, 'RoleBinding', 'ClusterRoleBinding']);
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** A permission a role rule may grant: any of `verbs` on any of the (apiGroup, resource) targets. */
interface Permission {
  readonly label: string;
  readonly verbs: readonly string[];
  readonly targets: readonly (readonly [group: string, resource: string])[];
  /** A rule limited by `resourceNames` does not count (reading one named Secret is least privilege). */
  readonly unlessNamed?: boolean;
}

// `get` too: exec/attach over WebSockets used GET until Kubernetes 1.30.
const EXEC_ATTACH: Permission = {
  label: 'exec/attach into pods',
  verbs: ['create', 'get'],
  targets: [
    ['', 'pods/exec'],
    ['', 'pods/attach'],
  ],
};

const SENSITIVE: readonly Permission[] = [
  { label: 'read Secrets', verbs: ['get', 'list', 'watch'], targets: [['', 'secrets']], unlessNamed: true },
  {
    label: 'create pods or workloads',
    verbs: ['create'],
    targets: [
      ['', 'pods'],
      ['', 'replicationcontrollers'],
      ['apps', 'deployments'],
      ['apps', 'statefulsets'],
      ['apps', 'daemonsets'],
      ['apps', 'replicasets'],
      ['batch', 'jobs'],
      ['batch', 'cronjobs'],
    ],
  },
  {
    label: 'bind or escalate roles',
    verbs: ['bind', 'escalate'],
    targets: [
      [RBAC_GROUP, 'roles'],
      [RBAC_GROUP, 'clusterroles'],
    ],
  },
  {
    label: 'impersonate other identities',
    verbs: ['impersonate'],
    targets: [
      ['', 'users'],
      ['', 'groups'],
      ['', 'serviceaccounts'],
      ['authentication.k8s.io', 'uids'],
    ],
  },
];

/** RBAC resource matching: "*", exact, "pods/*" (every subresource of pods) and "*" + "/scale" (one subresource of everything). */
function resourceMatches(granted: string, wanted: string): boolean {
  if (granted === '*' || granted === wanted) return true;
  const slash = wanted.indexOf('/');
  if (slash < 0) return false;
  return granted === `${wanted.slice(0, slash)}/*` || granted === `*${wanted.slice(slash)}`;
}

function grants(rule: RbacRuleData, permission: Permission): boolean {
  if (permission.unlessNamed && rule.named) return false;
  if (!rule.verbs.some((v) => v === '*' || permission.verbs.includes(v))) return false;
  return permission.targets.some(
    ([group, resource]) =>
      rule.apiGroups.some((g) => g === '*' || g === group) &&
      rule.resources.some((r) => resourceMatches(r, resource)),
  );
}

/** Every verb on every resource: effectively cluster-admin, which `rbac-overbroad` says best. */
const everything = (rule: RbacRuleData) => rule.verbs.includes('*') && rule.resources.includes('*');

const WILDCARD_FIELDS = ['apiGroups', 'resources', 'verbs', 'nonResourceURLs'] as const;
const wildcardFields = (rule: RbacRuleData) => WILDCARD_FIELDS.filter((k) => rule[k].includes('*'));

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/**
 * The parts of the built-in aggregated ClusterRoles that matter here, for bindings to roles that
 * no manifest defines (Kubernetes bootstrap policy: `edit` and `admin` include exec/attach, Secrets,
 * workloads and impersonating service accounts; `view` none of these).
 */
const EDIT: readonly RbacRuleData[] = [
  {
    apiGroups: [''],
    resources: ['pods', 'pods/attach', 'pods/exec', 'secrets', 'replicationcontrollers'],
    verbs: ALL_VERBS,
    nonResourceURLs: [],
    named: false,
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
    verbs: ALL_VERBS,
    nonResourceURLs: [],
    named: false,
  },
  {
    apiGroups: ['batch'],
    resources: ['jobs', 'cronjobs'],
    verbs: ALL_VERBS,
    nonResourceURLs: [],
    named: false,
  },
  {
    apiGroups: [''],
    resources: ['serviceaccounts'],
    verbs: ['impersonate'],
    nonResourceURLs: [],
    named: false,
  },
];
const BUILTIN_CLUSTER_ROLES: ReadonlyMap<string, readonly RbacRuleData[]> = new Map([
  [
    'cluster-admin',
    [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'], nonResourceURLs: ['*'], named: false }],
  ],
  ['admin', EDIT],
  ['edit', EDIT],
]);

interface RoleRuleNode {
  readonly node: YAMLMap;
  readonly data: RbacRuleData;
}

/** The literal rules of the Role/ClusterRole being checked (entries touched by a template are skipped). */
function ownRules(ctx: RuleContext): RoleRuleNode[] {
  return mapItems(getSeq(ctx.object.node, 'rules', ctx.doc), ctx.doc).flatMap(({ node }) =>
    ctx.isTemplated(node) ? [] : [{ node, data: rbacRuleData(node, ctx.doc) }],
  );
}

const rolesCache = new WeakMap<readonly IndexedObject[], ReadonlyMap<string, readonly IndexedObject[]>>();

/** Roles and ClusterRoles in scope by "Kind/name": built once per index, not once per binding. */
function rolesByName(index: ScopeIndex): ReadonlyMap<string, readonly IndexedObject[]> {
  let byName = rolesCache.get(index.objects);
  if (!byName) {
    const map = new Map<string, IndexedObject[]>();
    for (const o of index.objects) {
      if (!o.rbacRules || !o.identity.kind || o.identity.name === undefined) continue;
      const key = `${o.identity.kind}/${o.identity.name}`;
      map.set(key, [...(map.get(key) ?? []), o]);
    }
    byName = map;
    rolesCache.set(index.objects, byName);
  }
  return byName;
}

interface BoundRole {
  readonly kind: string;
  readonly name: string;
  readonly rules: readonly RbacRuleData[];
  /** The binding's `roleRef.name` pair: where binding findings point. */
  readonly at: NonNullable<ReturnType<typeof pairOf>>;
  /** Who gets it, for the message. */
  readonly subjects: string;
  /** The role is a manifest in scope: its own findings already say what it grants. */
  readonly inScope: boolean;
}

/** The role a binding refers to: from the scope, else a built-in ClusterRole; undefined if unknown. */
function boundRole(ctx: RuleContext): BoundRole | undefined {
  const ref = getMap(ctx.object.node, 'roleRef', ctx.doc);
  const at = pairOf(ref, 'name');
  const kind = str(ref, 'kind', ctx.doc);
  const name = str(ref, 'name', ctx.doc);
  if (!at || !kind || !name || ctx.isTemplated(ref)) return undefined;
  // A RoleBinding's Role lives in the binding's namespace; ClusterRoles are cluster-wide.
  const defined = rolesByName(ctx.index)
    .get(`${kind}/${name}`)
    ?.find((o) => kind === 'ClusterRole' || sameNamespace(o.identity, ctx.object.identity));
  const rules = defined?.rbacRules ?? (kind === 'ClusterRole' ? BUILTIN_CLUSTER_ROLES.get(name) : undefined);
  return rules
    ? { kind, name, rules, at, subjects: subjectsOf(ctx), inScope: defined !== undefined }
    : undefined;
}

function subjectsOf(ctx: RuleContext): string {
  const all = mapItems(getSeq(ctx.object.node, 'subjects', ctx.doc), ctx.doc).map(({ node }) => {
    const namespace = str(node, 'namespace', ctx.doc);
    return `${str(node, 'kind', ctx.doc) ?? 'subject'} ${namespace ? `${namespace}/` : ''}${str(node, 'name', ctx.doc) ?? '?'}`;
  });
  if (all.length === 0) return 'its subjects';
  return all.length > 3 ? `${all.slice(0, 3).join(', ')} and ${all.length - 3} more` : all.join(', ');
}

/** The first `"*"` of a rule entry in text order (where a wildcard finding points). */
function firstWildcard(rule: YAMLMap, ctx: RuleContext): Node | undefined {
  return WILDCARD_FIELDS.flatMap((k) => strings(getSeq(rule, k, ctx.doc)))
    .filter((s) => s.value === '*')
    .sort((a, b) => (a.node.range?.[0] ?? 0) - (b.node.range?.[0] ?? 0))[0]?.node;
}

/** "a", "a and b", "a, b and c". */
const listing = (items: readonly string[]) =>
  items.length > 1
    ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`
    : (items[0] ?? '');

const isRole = (ctx: RuleContext) => ROLES.has(ctx.object.identity.kind ?? '');
const what = (ctx: RuleContext) => `${ctx.object.identity.kind ?? 'Role'} "${objectName(ctx)}"`;
const through = (role: BoundRole) => `${role.kind} "${role.name}"`;

export const rbacOverbroad: Rule = {
  id: 'rbac-overbroad',
  number: 64,
  category: 'rbac',
  title: 'Over-broad RBAC',
  severity: 'warning',
  fixClass: 'none',
  kinds: RBAC_KINDS,
  crossResource: true,
  docs: {
    what: "A Role or ClusterRole rule uses `*` in apiGroups, resources, verbs or nonResourceURLs; a binding grants `cluster-admin`, or a built-in role that uses wildcards. A binding to a role in scope is not reported again: the role's own finding says what it grants.",
    why: "Wildcards grant tomorrow's resources too (every CRD installed later, every new subresource); `cluster-admin` is every permission in every namespace — Argo CD or an operator bound to it turns one compromised pod into a compromised cluster.",
    fix: 'List the apiGroups, resources and verbs the subject needs (`kubectl auth can-i --list --as=system:serviceaccount:<ns>:<name>` shows what it has). No automatic fix: only the owner knows what is needed.',
    anchors:
      'kube-linter `wildcard-in-rules`, `cluster-admin-role-binding`; Polaris `clusterrolebindingClusterAdmin`, `rolebindingClusterAdminClusterRole`, `rolebindingClusterAdminRole` (danger); Checkov CKV_K8S_49; Kubescape C-0187; Datree #95, #97.',
  },
  check(ctx) {
    if (isRole(ctx)) {
      for (const { node, data } of ownRules(ctx)) {
        const wild = wildcardFields(data);
        if (wild.length > 0)
          ctx.report({
            message: `${what(ctx)} grants "*" in ${listing(wild)}: that includes whatever is added later.`,
            at: firstWildcard(node, ctx) ?? node,
          });
      }
      return;
    }
    const role = boundRole(ctx);
    if (!role) return;
    if (role.name === 'cluster-admin') {
      const where =
        ctx.object.identity.kind === 'RoleBinding'
          ? `every permission in namespace ${ctx.object.identity.namespace ?? '(unset)'}`
          : 'every permission in every namespace';
      ctx.report({ message: `${what(ctx)} makes ${role.subjects} cluster-admin: ${where}.`, at: role.at });
      return;
    }
    // A role in scope is reported on its own rules: repeating that on every binding doubled the
    // RBAC findings on real repositories (26 of 63) without saying anything new.
    if (role.inScope) return;
    const wild = [...new Set(role.rules.flatMap(wildcardFields))];
    if (wild.length > 0)
      ctx.report({
        message: `${what(ctx)} gives ${role.subjects} ${through(role)}, which grants "*" in ${listing(wild)}.`,
        at: role.at,
      });
  },
};

/**
 * Rules 65 and 66 share a shape: report each role rule that grants one of `permissions`, and each
 * binding whose role (in scope, or built in) does. Rules granting everything are left to 64.
 */
function checkGrants(ctx: RuleContext, permissions: readonly Permission[], consequence: string): void {
  const labels = (rules: readonly RbacRuleData[]) =>
    permissions.filter((p) => rules.some((r) => !everything(r) && grants(r, p))).map((p) => p.label);
  if (isRole(ctx)) {
    for (const { node, data } of ownRules(ctx)) {
      const granted = labels([data]);
      if (granted.length === 0) continue;
      const at: ReportInput['at'] =
        permissions === SENSITIVE ? pairOf(node, 'verbs') : resourceNode(node, ctx, permissions);
      ctx.report({ message: `${what(ctx)} can ${listing(granted)}${consequence}.`, at: at ?? node });
    }
    return;
  }
  const role = boundRole(ctx);
  if (role?.inScope) return;
  const granted = role ? labels(role.rules) : [];
  if (role && granted.length > 0)
    ctx.report({
      message: `${what(ctx)} lets ${role.subjects} ${listing(granted)} through ${through(role)}${consequence}.`,
      at: role.at,
    });
}

/** The resource entry that grants one of the permissions (`pods/exec`, `pods/*` or `*`). */
function resourceNode(rule: YAMLMap, ctx: RuleContext, permissions: readonly Permission[]): Node | undefined {
  const wanted = permissions.flatMap((p) => p.targets.map(([, resource]) => resource));
  const found = strings(getSeq(rule, 'resources', ctx.doc)).find((s) =>
    wanted.some((w) => resourceMatches(s.value, w)),
  );
  return found && isScalar(found.node) ? found.node : undefined;
}

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
    what: 'A Role or ClusterRole grants `create` (or `get`, or `*`) on `pods/exec` or `pods/attach` (also through `pods/*` or `*`); a binding refers to the built-in `edit`/`admin` ClusterRoles (a role in scope is reported once, on the role, not again on each binding).',
    why: "Exec is a shell in every pod the role reaches, with their mounted Secrets and service account tokens. The seeds' troubleshooting runs on `kubectl exec` into Trino, MinIO and Kafka pods — which is exactly why it should be granted deliberately, to a break-glass group, not to a CI or app service account.",
    fix: 'Grant exec to a break-glass group only, namespace by namespace, and prefer `kubectl logs` / `kubectl debug` with audit. No automatic fix. Rules granting every verb on every resource are reported by `rbac-overbroad` instead.',
    anchors:
      'Polaris `clusterrolePodExecAttach`, `rolePodExecAttach`, `clusterrolebindingPodExecAttach`, `rolebindingClusterRolePodExecAttach`, `rolebindingRolePodExecAttach` (danger); Datree #48; Checkov CKV2_K8S_2.',
  },
  check(ctx) {
    checkGrants(ctx, [EXEC_ATTACH], ': a shell with their Secrets and tokens');
  },
};

export const rbacSensitiveAccess: Rule = {
  id: 'rbac-sensitive-access',
  number: 66,
  category: 'rbac',
  title: 'Sensitive RBAC access',
  severity: 'info',
  fixClass: 'none',
  kinds: RBAC_KINDS,
  crossResource: true,
  docs: {
    what: 'A role lets its subjects read Secrets (get/list/watch, not limited by `resourceNames`), create pods or workloads, bind/escalate roles, or impersonate users, groups or service accounts; a binding gives the built-in `edit`/`admin` to someone (a role in scope is reported once, on the role).',
    why: 'Each is a path to other identities: reading Secrets yields credentials, creating a pod runs code as any service account in the namespace (and mounts any Secret), bind/escalate/impersonate rewrite or sidestep RBAC itself.',
    fix: 'Keep these to controllers and CI identities that need them, and scope them to one namespace. No automatic fix. Rules granting every verb on every resource are reported by `rbac-overbroad` instead.',
    anchors:
      'kube-linter `access-to-secrets`, `access-to-create-pods`; Kubescape C-0188; Checkov CKV2_K8S_3, CKV2_K8S_5, CKV_K8S_157/158; Datree #96, #101, #105.',
  },
  check(ctx) {
    checkGrants(ctx, SENSITIVE, '');
  },
};

export const rbacRules: readonly Rule[] = [rbacOverbroad, rbacPodExecAttach, rbacSensitiveAccess];
