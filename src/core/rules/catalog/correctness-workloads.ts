import type { Emittable } from '../../edit/emit';
import type { TextEdit } from '../../edit/text-edit';
import { getMap, getSeq, mapItems, num, pairOf, scalar, str } from '../../manifest/nodes';
import { containersOf, podSpecOf } from '../../manifest/objects';
import {
  containerData,
  eachContainer,
  findingContainer,
  objectName,
  podCarriers,
  templateLabels,
} from '../helpers';
import { objectsInScope, selects, type IndexedObject } from '../scope';
import type { FixContext, Rule, RuleContext } from '../types';

export const duplicateEnvVar: Rule = {
  id: 'duplicate-env-var',
  number: 53,
  category: 'correctness',
  title: 'Duplicate environment variable',
  severity: 'error',
  fixClass: 'auto',
  kinds: podCarriers,
  docs: {
    what: 'A container defines the same `env[].name` more than once.',
    why: "Only the last definition takes effect, silently: repointing DataHub GMS from `postgres-shared-service` to `kong-postgres` (the seeds' phase 4 fix) by editing the first of two definitions changes nothing; strategic-merge patches and `kubectl apply` can also drop one of them unpredictably.",
    fix: 'Keep one definition. The fix deletes the earlier duplicate — the one that never took effect — so the running configuration is unchanged.',
    anchors: 'kube-linter `duplicate-env-var`★; kube-score `environment-variable-key-duplication`.',
  },
  check(ctx) {
    eachContainer(ctx, (c) => {
      const items = mapItems(getSeq(c.node, 'env', ctx.doc), ctx.doc);
      const byName = new Map<string, typeof items>();
      for (const item of items) {
        const pair = pairOf(item.node, 'name');
        const name = str(item.node, 'name', ctx.doc);
        if (name === undefined || ctx.isTemplated(pair?.value)) continue;
        const list = byName.get(name);
        if (list) list.push(item);
        else byName.set(name, [item]);
      }
      for (const [name, list] of byName) {
        const last = list[list.length - 1];
        for (const earlier of list.slice(0, -1)) {
          ctx.report({
            message: `Container "${c.name}" sets ${name} more than once: this definition is overridden by the one at env[${last?.index ?? 0}] and has no effect.`,
            at: pairOf(earlier.node, 'name'),
            container: c.name,
            data: { ...containerData(c), env: earlier.index, name },
          });
        }
      }
    });
  },
  fix: {
    class: 'auto',
    title: 'Remove the earlier duplicate',
    apply(ctx) {
      const env = getSeq(findingContainer(ctx)?.container.node, 'env', ctx.doc);
      const name = ctx.finding.data?.['name'];
      if (!env || typeof name !== 'string') return undefined;
      const items = mapItems(env, ctx.doc).filter(({ node }) => str(node, 'name', ctx.doc) === name);
      // Delete the recorded item if it still is an overridden duplicate, else the first one.
      const wanted = Number(ctx.finding.data?.['env'] ?? -1);
      const target =
        items.slice(0, -1).find((i) => i.index === wanted) ?? (items.length > 1 ? items[0] : undefined);
      const edit = target ? ctx.editor.deleteSeqItem(env, target.index) : undefined;
      return edit ? [edit] : undefined;
    },
  },
};

/** Services of the StatefulSet's namespace in scope (one scan per object). */
function servicesInScope(ctx: RuleContext | FixContext): readonly IndexedObject[] {
  return objectsInScope(ctx.index, 'Service', ctx.object.identity.namespace);
}

/** Service ports mirroring the pods' declared container ports (targetPort defaults to port). */
function servicePorts(ctx: FixContext): Emittable[] {
  const spec = podSpecOf(ctx.object);
  if (!spec) return [];
  const ports: { name?: string; port: number; protocol?: string }[] = [];
  for (const c of containersOf(spec, ctx.object, ['containers'])) {
    for (const { node } of mapItems(getSeq(c.node, 'ports', ctx.doc), ctx.doc)) {
      const port = num(node, 'containerPort', ctx.doc);
      if (port === undefined || ports.some((p) => p.port === port)) continue;
      const name = str(node, 'name', ctx.doc);
      const protocol = str(node, 'protocol', ctx.doc);
      ports.push({
        ...(name ? { name } : {}),
        port,
        ...(protocol && protocol !== 'TCP' ? { protocol } : {}),
      });
    }
  }
  // A Service with several ports needs a name on each.
  if (ports.length > 1) for (const p of ports) p.name ??= `port-${p.port}`;
  return ports;
}

function headlessService(ctx: FixContext, name: string): TextEdit {
  const namespace = ctx.object.identity.namespace;
  const ports = servicePorts(ctx);
  return ctx.editor.appendDocument(
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, ...(namespace ? { namespace } : {}) },
      spec: {
        clusterIP: 'None',
        selector: templateLabels(ctx) ?? {},
        ...(ports.length > 0 ? { ports } : {}),
      },
    },
    `Headless Service governing StatefulSet ${objectName(ctx)}: each pod gets a stable DNS name (${objectName(ctx)}-0.${name}…).`,
  );
}

export const statefulSetServiceName: Rule = {
  id: 'statefulset-service-name',
  number: 54,
  category: 'correctness',
  title: 'StatefulSet without a headless Service',
  severity: 'warning',
  fixClass: 'scaffold',
  kinds: new Set(['StatefulSet']),
  crossResource: true,
  docs: {
    what: 'A StatefulSet has no `serviceName`, or names a Service that is missing from the scope, is not headless (`clusterIP: None`) or does not select its pods.',
    why: "The governing headless Service gives each pod its stable DNS name (`kafka-0.kafka-headless.kafka.svc`); without it peers cannot find each other and quorum-based systems (ZooKeeper, Kafka, Elasticsearch, the seeds' MinIO `minio-service-0`) never form a cluster.",
    fix: "Create a headless Service selecting the pods and name it in `serviceName`. The scaffold appends one (ports copied from the containers' declared ports) when it is missing from the scope, and sets `serviceName` when it is absent (reusing a headless Service in scope that already selects the pods). A missing Service is only reported when the scope holds other Services of the namespace, so a file applied beside its Service is not flagged.",
    anchors: 'kube-score `statefulset-has-servicename`.',
  },
  check(ctx) {
    const spec = getMap(ctx.object.node, 'spec', ctx.doc);
    if (!spec) return;
    const pair = pairOf(spec, 'serviceName');
    if (pair && ctx.isTemplated(pair.value)) return;
    const name = scalar(pair?.value ?? undefined);
    const sts = objectName(ctx);
    if (typeof name !== 'string' || name === '') {
      ctx.report({
        message: `StatefulSet "${sts}" names no governing Service (serviceName): its pods get no stable DNS names.`,
        at: pair ?? pairOf(ctx.object.node, 'kind'),
        fixTitle: 'Set serviceName and add a headless Service',
        data: { missing: true },
      });
      return;
    }
    const services = servicesInScope(ctx);
    const service = services.find((s) => s.identity.name === name);
    const labels = templateLabels(ctx);
    if (!service) {
      if (services.length > 0)
        ctx.report({
          message: `StatefulSet "${sts}" is governed by Service "${name}", which is not in ${ctx.index.scope} scope: its pods get no stable DNS names.`,
          at: pair?.value ?? pair,
          fixTitle: `Add the headless Service "${name}"`,
          data: { service: name },
        });
    } else if (!service.headless) {
      ctx.report({
        message: `Service "${name}" governing StatefulSet "${sts}" is not headless (clusterIP: None): its pods get no stable DNS names.`,
        at: pair?.value ?? pair,
        fixable: false,
      });
    } else if (labels && !selects(service.selector, labels)) {
      ctx.report({
        message: `Headless Service "${name}" does not select StatefulSet "${sts}"'s pods: they get no DNS records.`,
        at: pair?.value ?? pair,
        fixable: false,
      });
    }
  },
  fix: {
    class: 'scaffold',
    title: 'Add the headless Service',
    apply(ctx) {
      const data = ctx.finding.data ?? {};
      if (typeof data['service'] === 'string') return [headlessService(ctx, data['service'])];
      if (data['missing'] !== true) return undefined;
      const spec = getMap(ctx.object.node, 'spec', ctx.doc);
      if (!spec) return undefined;
      const labels = templateLabels(ctx);
      const existing = servicesInScope(ctx).find(
        (s) => s.headless && labels !== undefined && selects(s.selector, labels) && s.identity.name,
      );
      if (existing?.identity.name) return ctx.editor.setIn(spec, ['serviceName'], existing.identity.name);
      const name = `${objectName(ctx)}-headless`;
      return [...ctx.editor.setIn(spec, ['serviceName'], name), headlessService(ctx, name)];
    },
  },
};

export const workloadCorrectnessRules: readonly Rule[] = [duplicateEnvVar, statefulSetServiceName];
