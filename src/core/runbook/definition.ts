/**
 * What a runbook check kind is: one object that says how the kind is written (its JSON schema),
 * read (parse), what it reads from the cluster (needs) and how it is answered (evaluate). The
 * registry lists them; parsing, evaluation, the JSON schema and the grammar read that list, so a
 * new kind is one definition in `catalog/` and one line in `registry.ts`.
 */
import type { Node } from 'yaml';
import type { ClusterState } from '../k8s/types';
import type { Facts } from './facts';
import type { Reader } from './read';
import type { Check, ItemStatus, ObjectRef } from './types';

export interface Outcome {
  readonly status: ItemStatus;
  readonly evidence: string;
  readonly refs: readonly ObjectRef[];
}

export type StateKey = keyof ClusterState;

/** A JSON schema fragment, written as it appears in schemas/runbook.schema.json. */
export type JsonSchema = { readonly [key: string]: unknown };

// Method syntax on purpose: a definition of one kind is usable where any kind's is expected.
export interface CheckDefinition<C extends { readonly kind: string }> {
  readonly kind: C['kind'];
  /** What the check verifies, with an example: the JSON schema's description of the kind. */
  readonly describe: string;
  /** The JSON schema of the kind's value (`{ <kind>: <value> }`). */
  readonly schema: JsonSchema;
  /**
   * A scalar-valued kind that takes `namespace` beside it (`{ healthAtLeast: 90, namespace: x }`);
   * other kinds nest their parameters.
   */
  readonly namespaceBeside?: true;
  /**
   * Its parts answer for missing data themselves, each in its own evidence: one unreadable part
   * must not hide another part's failure.
   */
  readonly composite?: true;
  /*
   * The last parameter of each method is the registry's own parse, needs or evaluate, for a kind
   * made of other checks (allPass): it reaches them without importing the registry that lists it.
   */
  /** Reads the kind's value; undefined (after reporting at the offending node) when invalid. */
  parse(
    value: Node | null,
    r: Reader,
    parsePart: (node: Node, r: Reader) => Check | undefined,
  ): C | undefined;
  /** The parts of the state the check reads: any of them missing makes its answer unknown. */
  needs(check: C, needsOf: (part: Check) => StateKey[]): StateKey[];
  evaluate(check: C, facts: Facts, evaluatePart: (part: Check) => Outcome): Outcome;
}

/** The check type a definition stands for. */
export type CheckOfDefinition<D> = D extends CheckDefinition<infer C> ? C : never;
