/** One field another field manager owns with a different value (a server-side apply conflict). */
export interface FieldConflict {
  readonly manager: string;
  readonly field: string;
}

interface StatusCause {
  /** The CauseType; the API serialises it as `reason`. */
  readonly reason?: unknown;
  readonly message?: unknown;
  readonly field?: unknown;
}

/**
 * Reads the conflicts out of a 409 Status of a server-side apply. The server words each cause
 * `conflict with "kubectl-edit" using apps/v1` (or `…with "x" with subresource "scale"…`).
 */
export function conflictsOf(causes: readonly StatusCause[] | undefined): FieldConflict[] {
  const out: FieldConflict[] = [];
  for (const cause of causes ?? []) {
    if (cause.reason !== 'FieldManagerConflict') continue;
    const message = typeof cause.message === 'string' ? cause.message : '';
    const manager = /conflict with "([^"]+)"/.exec(message)?.[1] ?? 'another manager';
    out.push({ manager, field: typeof cause.field === 'string' ? cause.field : '?' });
  }
  return out;
}

/** "kubectl-edit owns .spec.replicas; helm owns .spec.template.spec.containers[name=app].image" */
export function describeConflicts(conflicts: readonly FieldConflict[]): string {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  return [...byManager].map(([manager, fields]) => `${manager} owns ${fields.join(', ')}`).join('; ');
}
