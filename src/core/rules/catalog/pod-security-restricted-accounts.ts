import { pairOf, scalar, str } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { objectName, podCarriers, podSpecAnchor } from '../helpers';
import { sameNamespace, type IndexedObject, type ScopeIndex } from '../scope';
import type { FixContext, Rule, RuleContext, Scope } from '../types';

const accountsCache = new WeakMap<readonly IndexedObject[], ReadonlyMap<string, readonly IndexedObject[]>>();

/** ServiceAccounts in scope by name: built once per index, not once per workload. */
function accountsByName(index: ScopeIndex): ReadonlyMap<string, readonly IndexedObject[]> {
  let byName = accountsCache.get(index.objects);
  if (!byName) {
    const map = new Map<string, IndexedObject[]>();
    for (const o of index.objects) {
      if (o.identity.kind !== 'ServiceAccount' || o.identity.name === undefined) continue;
      map.set(o.identity.name, [...(map.get(o.identity.name) ?? []), o]);
    }
    byName = map;
    accountsCache.set(index.objects, byName);
  }
  return byName;
}

/** The ServiceAccount object a workload runs as, when the scope holds it. */
export function serviceAccountInScope(ctx: RuleContext, name: string): IndexedObject | undefined {
  return accountsByName(ctx.index)
    .get(name)
    ?.find((o) => sameNamespace(o.identity, ctx.object.identity));
}

/** The pod's service account name and the pair that sets it (either spelling). */
function serviceAccountPair(ctx: RuleContext | FixContext) {
  const spec = podSpecOf(ctx.object)?.spec;
  return pairOf(spec, 'serviceAccountName') ?? pairOf(spec, 'serviceAccount');
}

const SCOPE_WORDS: Readonly<Record<Scope, string>> = {
  document: 'this document',
  file: 'this file',
  folder: 'this folder',
  workspace: 'the workspace',
  cluster: 'the cluster',
};

/** A bare ServiceAccount: no automount opinion, so creating it changes nothing at runtime. */
function serviceAccountDocument(ctx: FixContext, name: string, relation: 'Identity of' | 'Named by') {
  const namespace = ctx.object.identity.namespace;
  return ctx.editor.appendDocument(
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, ...(namespace ? { namespace } : {}) } },
    `${relation} ${ctx.object.identity.kind ?? 'workload'} ${objectName(ctx)}: bind only the RBAC it needs.`,
  );
}

export const defaultServiceAccount: Rule = {
  id: 'default-service-account',
  number: 20,
  category: 'pod-security-restricted',
  title: 'Default service account',
  severity: 'info',
  fixClass: 'scaffold',
  kinds: podCarriers,
  docs: {
    what: "The pod runs as the namespace's `default` service account (`serviceAccountName` missing, empty or `default`).",
    why: 'Every pod in the namespace that does not choose shares that identity: RBAC granted to one workload (a Spark driver creating executors, an operator) is granted to all of them.',
    fix: 'Give each workload its own ServiceAccount. The scaffold does both halves in one edit: it sets `serviceAccountName: <workload name>` and appends a ServiceAccount document of that name (unless one is already in scope). The new account has the same (no) RBAC as `default` and does not change token mounting, so the pod behaves as before.',
    anchors: 'kube-linter `default-service-account`; Checkov CKV_K8S_41/42; Popeye POP-300/308.',
  },
  check(ctx) {
    const ref = podSpecOf(ctx.object);
    if (!ref) return;
    const pair = serviceAccountPair(ctx);
    if (ctx.isTemplated(pair?.value)) return;
    const value = scalar(pair?.value ?? undefined);
    if (value && value !== 'default') return;
    ctx.report({
      message: `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" runs as the namespace's default service account, shared with every other pod that does not choose one.`,
      at: pair ?? podSpecAnchor(ctx, ref),
      // The deprecated spelling is renamed first by deprecated-service-account-field.
      fixable: !pair || pair.key.value === 'serviceAccountName',
    });
  },
  fix: {
    class: 'scaffold',
    title: 'Create a dedicated ServiceAccount',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      if (!spec) return undefined;
      const name = objectName(ctx);
      const exists = ctx.index.objects.some(
        (o) =>
          o.identity.kind === 'ServiceAccount' &&
          o.identity.name === name &&
          sameNamespace(o.identity, ctx.object.identity),
      );
      const set = ctx.editor.setIn(spec, ['serviceAccountName'], name);
      return exists ? set : [...set, serviceAccountDocument(ctx, name, 'Identity of')];
    },
  },
};

export const deprecatedServiceAccountField: Rule = {
  id: 'deprecated-service-account-field',
  number: 21,
  category: 'pod-security-restricted',
  title: 'Deprecated serviceAccount field',
  severity: 'warning',
  fixClass: 'auto',
  kinds: podCarriers,
  docs: {
    what: 'The pod spec uses `serviceAccount`, the deprecated alias of `serviceAccountName`.',
    why: 'The alias is kept only for compatibility; tools and readers look at `serviceAccountName`, and when both are set with different values it is not obvious which identity the pod gets (the API uses `serviceAccountName`).',
    fix: 'Rename it. The fix renames the key in place, or deletes it when `serviceAccountName` already has the same value; when the two disagree there is no automatic fix (pick one by hand).',
    anchors: 'kube-linter `deprecated-service-account-field`★.',
  },
  check(ctx) {
    const spec = podSpecOf(ctx.object)?.spec;
    const pair = pairOf(spec, 'serviceAccount');
    if (!pair || ctx.isTemplated(pair.value)) return;
    const other = str(spec, 'serviceAccountName', ctx.doc);
    const value = scalar(pair.value ?? undefined);
    const agrees = other === undefined || other === String(value);
    ctx.report({
      message: agrees
        ? 'serviceAccount is a deprecated alias: use serviceAccountName.'
        : `serviceAccount "${String(value)}" disagrees with serviceAccountName "${other}": the pod runs as "${other}".`,
      at: pair.key,
      fixable: agrees,
    });
  },
  fix: {
    class: 'auto',
    title: 'Use serviceAccountName',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      if (!spec) return undefined;
      const edit =
        str(spec, 'serviceAccountName', ctx.doc) !== undefined
          ? ctx.editor.deleteKey(spec, 'serviceAccount')
          : ctx.editor.renameKey(spec, 'serviceAccount', 'serviceAccountName');
      return edit ? [edit] : undefined;
    },
  },
};

export const nonExistentServiceAccount: Rule = {
  id: 'non-existent-service-account',
  number: 22,
  category: 'pod-security-restricted',
  title: 'Service account not found',
  severity: 'warning',
  fixClass: 'scaffold',
  kinds: podCarriers,
  crossResource: true,
  docs: {
    what: 'The pod names a service account that no ServiceAccount in scope defines (the live-cluster variant is L5 `live-missing-reference`).',
    why: 'The API server rejects pods whose service account does not exist ("error looking up service account"): the ReplicaSet or Job never creates them, and nothing shows up in `kubectl get pods`.',
    fix: 'Create the ServiceAccount or fix the name. The scaffold appends a ServiceAccount document. To avoid noise in a single file that relies on accounts created elsewhere, the rule only reports when the scope is more than one document and either holds at least one ServiceAccount or is a whole folder or workspace; the message says which scope was searched.',
    anchors: 'kube-linter `non-existent-service-account`★; Popeye POP-307, POP-507.',
  },
  check(ctx) {
    const scope = ctx.index.scope;
    if (scope === 'document') return;
    const pair = serviceAccountPair(ctx);
    const name = scalar(pair?.value ?? undefined);
    if (!pair || typeof name !== 'string' || name === '' || name === 'default' || ctx.isTemplated(pair.value))
      return;
    const accounts = accountsByName(ctx.index);
    if (accounts.size === 0 && scope !== 'workspace' && scope !== 'folder') return;
    if (serviceAccountInScope(ctx, name)) return;
    const namespace = ctx.object.identity.namespace;
    ctx.report({
      message: `No ServiceAccount "${name}"${namespace ? ` in namespace ${namespace}` : ''} in ${SCOPE_WORDS[scope]}: the API server rejects pods that name it.`,
      at: pair,
      data: { account: name },
      fixTitle: `Create ServiceAccount ${name}`,
    });
  },
  fix: {
    class: 'scaffold',
    title: 'Create the ServiceAccount',
    apply(ctx) {
      const name = ctx.finding.data?.['account'];
      return typeof name === 'string' ? [serviceAccountDocument(ctx, name, 'Named by')] : undefined;
    },
  },
};

export const serviceAccountRules: readonly Rule[] = [
  defaultServiceAccount,
  deprecatedServiceAccountField,
  nonExistentServiceAccount,
];
