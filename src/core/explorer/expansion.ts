/**
 * Which clusters the user has open in the tree, so that expanding one connects it — the tree's
 * own expand and collapse events, over the rows that start expanded (the current context).
 * VS Code keeps the same state per row id; this is its mirror, without asking for children.
 */
export class Expansion {
  private readonly expanded = new Set<string>();
  private readonly collapsed = new Set<string>();

  expand(id: string): void {
    this.expanded.add(id);
    this.collapsed.delete(id);
  }

  collapse(id: string): void {
    this.collapsed.add(id);
    this.expanded.delete(id);
  }

  isOpen(id: string, startsExpanded: boolean): boolean {
    return this.expanded.has(id) || (startsExpanded && !this.collapsed.has(id));
  }
}
