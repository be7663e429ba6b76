import { pairOf, scalar, str } from '../../manifest/nodes';
import { podSpecOf } from '../../manifest/objects';
import { objectName, podCarriers } from '../helpers';
import { sameNamespace } from '../scope';
import type { FixContext, Rule } from '../types';

function serviceAccountDocument(ctx: FixContext, name: string) {
  const namespace = ctx.object.identity.namespace;
  return ctx.editor.appendDocument(
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, ...(namespace ? { namespace } : {}) },
      automountServiceAccountToken: false,
    },
    `A dedicated identity for ${objectName(ctx)}: grant it only the RBAC it needs.`,
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
    what: "The pod runs as the namespace's `default` service account (`serviceAccountName` empty or `default`).",
    why: 'Every pod in the namespace shares that identity: RBAC granted for one workload is granted to all of them.',
    fix: 'Give each workload its own ServiceAccount. The scaffold appends a ServiceAccount named after the workload and sets `serviceAccountName`.',
    anchors: 'kube-linter `default-service-account`; Checkov CKV_K8S_41/42; Popeye POP-300/308.',
  },
  check(ctx) {
    const spec = podSpecOf(ctx.object)?.spec;
    if (!spec) return;
    const pair = pairOf(spec, 'serviceAccountName') ?? pairOf(spec, 'serviceAccount');
    if (pair && ctx.isTemplated(pair.value)) return;
    const value = scalar(pair?.value ?? undefined);
    if (value && value !== 'default') return;
    ctx.report({
      message: `${ctx.object.identity.kind ?? 'Pod'} "${objectName(ctx)}" runs as the namespace's default service account.`,
      at: pair ?? pairOf(ctx.object.node, 'kind'),
      fixable: !pair || pair.key?.value === 'serviceAccountName',
    });
  },
  fix: {
    class: 'scaffold',
    title: 'Create a dedicated ServiceAccount',
    apply(ctx) {
      const spec = podSpecOf(ctx.object)?.spec;
      if (!spec) return undefined;
      const name = objectName(ctx);
      return [...ctx.editor.setIn(spec, ['serviceAccountName'], name), serviceAccountDocument(ctx, name)];
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
    why: 'The alias is kept only for compatibility; tools and readers look at `serviceAccountName`, and the two can disagree.',
    fix: 'Rename it. The fix renames the key, or deletes it when `serviceAccountName` is already set to the same value.',
    anchors: 'kube-linter `deprecated-service-account-field`★.',
  },
  check(ctx) {
    const spec = podSpecOf(ctx.object)?.spec;
    const pair = pairOf(spec, 'serviceAccount');
    if (!pair) return;
    const other = str(spec, 'serviceAccountName', ctx.doc);
    const value = scalar(pair.value ?? undefined);
    ctx.report({
      message:
        other !== undefined && other !== value
          ? `serviceAccount "${String(value)}" disagrees with serviceAccountName "${other}".`
          : 'serviceAccount is deprecated: use serviceAccountName.',
      at: pair.key,
      fixable: other === undefined || other === value,
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
    what: 'The pod names a service account that no ServiceAccount in scope defines (the live cluster variant is L5 `live-missing-reference`).',
    why: 'The API server rejects pods whose service account does not exist ("error looking up service account"): the ReplicaSet never creates them.',
    fix: 'Create the ServiceAccount or fix the name. The scaffold appends one. Only reported when the scope holds other ServiceAccounts, so a file that relies on accounts created elsewhere is not flagged.',
    anchors: 'kube-linter `non-existent-service-account`★; Popeye POP-307, POP-507.',
  },
  check(ctx) {
    const spec = podSpecOf(ctx.object)?.spec;
    const pair = pairOf(spec, 'serviceAccountName');
    const name = scalar(pair?.value ?? undefined);
    if (!pair || typeof name !== 'string' || name === 'default' || ctx.isTemplated(pair.value)) return;
    const accounts = ctx.index.objects.filter((o) => o.identity.kind === 'ServiceAccount');
    if (accounts.length === 0) return;
    if (accounts.some((o) => o.identity.name === name && sameNamespace(o.identity, ctx.object.identity)))
      return;
    ctx.report({
      message: `No ServiceAccount "${name}" in ${ctx.index.scope} scope: the API server rejects pods that name it.`,
      at: pair.value ?? pair,
      data: { account: name },
    });
  },
  fix: {
    class: 'scaffold',
    title: 'Create the ServiceAccount',
    apply(ctx) {
      const name = ctx.finding.data?.['account'];
      return typeof name === 'string' ? [serviceAccountDocument(ctx, name)] : undefined;
    },
  },
};

export const serviceAccountRules: readonly Rule[] = [
  defaultServiceAccount,
  deprecatedServiceAccountField,
  nonExistentServiceAccount,
];
