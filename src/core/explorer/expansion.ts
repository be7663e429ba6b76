/**
 * Which clusters are open in the tree, so that expanding one connects it without asking the
 * tree for children. It mirrors VS Code: a row starts as its first item said (the current
 * context expanded) and keeps that state until the user toggles it, whatever later items say.
 */
export class Expansion {
  private readonly open = new Map<string, boolean>();

  /** The rows listed now: a new row starts as it is first shown; rows gone are forgotten. */
  list(rows: Iterable<{ readonly id: string; readonly startsExpanded: boolean }>): void {
    const ids = new Set<string>();
    for (const { id, startsExpanded } of rows) {
      ids.add(id);
      if (!this.open.has(id)) this.open.set(id, startsExpanded);
    }
    for (const id of this.open.keys()) if (!ids.has(id)) this.open.delete(id);
  }

  expand(id: string): void {
    this.open.set(id, true);
  }

  collapse(id: string): void {
    this.open.set(id, false);
  }

  isOpen(id: string): boolean {
    return this.open.get(id) ?? false;
  }
}
