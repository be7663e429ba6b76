import type { Document, YAMLMap } from 'yaml';
import { getMap, getSeq, mapItems, str, stringRecord, strings } from '../../manifest/nodes';
import { sameNamespace, type IndexedObject, type SelectorData } from '../scope';
import type { ObjectIdentity } from '../../manifest/objects';
import type { RuleContext } from '../types';

/** HPAs by `Kind/name` of their scale target, built once per index (the same index array is
 * shared by every object of a run): workload rules look up their HPA without rescanning it. */
const hpaIndexes = new WeakMap<readonly IndexedObject[], ReadonlyMap<string, readonly IndexedObject[]>>();

export function hpasByTarget(
  objects: readonly IndexedObject[],
): ReadonlyMap<string, readonly IndexedObject[]> {
  let map = hpaIndexes.get(objects);
  if (!map) {
    const built = new Map<string, IndexedObject[]>();
    for (const o of objects) {
      if (o.identity.kind !== 'HorizontalPodAutoscaler' || !o.scaleTarget) continue;
      const key = `${o.scaleTarget.kind}/${o.scaleTarget.name}`;
      const list = built.get(key);
      if (list) list.push(o);
      else built.set(key, [o]);
    }
    map = built;
    hpaIndexes.set(objects, map);
  }
  return map;
}

/** The HorizontalPodAutoscaler in scope that scales this workload (same namespace). */
export function hpaFor(
  objects: readonly IndexedObject[],
  workload: ObjectIdentity,
): IndexedObject | undefined {
  if (workload.kind === undefined || workload.name === undefined) return undefined;
  return hpasByTarget(objects)
    .get(`${workload.kind}/${workload.name}`)
    ?.find((h) => sameNamespace(h.identity, workload));
}

export function targetingHpa(ctx: RuleContext): IndexedObject | undefined {
  return hpaFor(ctx.index.objects, ctx.object.identity);
}

/** Objects with pod labels, by each `key=value` label they carry, built once per index: a
 * selector with matchLabels only has to look at the pods sharing its first label. */
const labelIndexes = new WeakMap<readonly IndexedObject[], ReadonlyMap<string, readonly IndexedObject[]>>();

/** Candidates a selector may select: a subset of `objects` that surely contains every match. */
export function podCandidates(
  objects: readonly IndexedObject[],
  selector: SelectorData,
): readonly IndexedObject[] {
  const first = Object.entries(selector.matchLabels)[0];
  if (!first) return objects;
  let map = labelIndexes.get(objects);
  if (!map) {
    const built = new Map<string, IndexedObject[]>();
    for (const o of objects) {
      if (!o.podLabels) continue;
      for (const [k, v] of Object.entries(o.podLabels)) {
        const key = `${k}=${v}`;
        const list = built.get(key);
        if (list) list.push(o);
        else built.set(key, [o]);
      }
    }
    map = built;
    labelIndexes.set(objects, map);
  }
  return map.get(`${first[0]}=${first[1]}`) ?? [];
}

/** A YAML label selector (`matchLabels` + `matchExpressions`) as the data `selects` takes;
 * undefined when there is no selector map (a null selector selects nothing). */
export function selectorOf(map: YAMLMap | undefined, doc: Document.Parsed): SelectorData | undefined {
  if (!map) return undefined;
  return {
    matchLabels: stringRecord(getMap(map, 'matchLabels', doc)) ?? {},
    matchExpressions: mapItems(getSeq(map, 'matchExpressions', doc), doc).map(({ node }) => ({
      key: str(node, 'key', doc) ?? '',
      operator: str(node, 'operator', doc) ?? '',
      values: strings(getSeq(node, 'values', doc)).map((s) => s.value),
    })),
  };
}
