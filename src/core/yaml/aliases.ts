import { isAlias, isCollection, isPair, isScalar, type Alias, type Document, type Node } from 'yaml';

/**
 * YAML aliases make a tree a graph: ten aliases to a map holding ten aliases to a map… expand to
 * 10ⁿ nodes from a few lines of text, and every walker that follows them (schema validation, the
 * rules) pays for the expansion. Counting alias tokens in the text misses that (and misses tokens
 * the count's heuristics do not recognise); what matters is the size of the tree as walked. So each
 * document is measured once, when it is composed, with memoised sizes (linear in its text), and a
 * document over the budget is reported instead of analysed.
 *
 * The same pass records where each alias points: `Alias.resolve(doc)` walks the whole document on
 * every call, which made a document with many aliases quadratic for every rule that reads one.
 */

/** Nodes that aliases may add to a document's walked size beyond its own (a few ms of analysis). */
export const DEFAULT_ALIAS_BUDGET = 50_000;

export interface AliasCheck {
  /** Alias nodes in the document. */
  readonly aliases: number;
  /** The first alias, in document order (where a "too large" problem points). */
  readonly first: Alias | undefined;
  /** Nodes a walk that follows every alias visits (Infinity for an alias inside its own anchor). */
  readonly expanded: number;
  /** Nodes in the document as written. */
  readonly literal: number;
  readonly tooLarge: boolean;
}

const targets = new WeakMap<Alias, Node | undefined>();

/** The node an alias refers to, from the index built at compose time (the yaml walk otherwise). */
export function resolveAlias(alias: Alias, doc: Document.Parsed | undefined): Node | undefined {
  if (targets.has(alias)) return targets.get(alias);
  return doc ? (alias.resolve(doc) ?? undefined) : undefined;
}

/** Indexes a composed document's aliases and measures its expanded size against a budget. */
export function checkAliases(root: unknown, budget: number = DEFAULT_ALIAS_BUDGET): AliasCheck {
  const anchors = new Map<string, Node>();
  const order: Node[] = [];
  let aliases = 0;
  let first: Alias | undefined;
  // Pre-order, keys before values: the order `Alias.resolve` uses for "the last anchor before me".
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (isPair(item)) {
      stack.push(item.value, item.key);
      continue;
    }
    const node = item as Node | null | undefined;
    if (!node || (!isAlias(node) && !isScalar(node) && !isCollection(node))) continue;
    order.push(node);
    if (isAlias(node)) {
      aliases++;
      first ??= node;
      targets.set(node, anchors.get(node.source));
      continue;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (isCollection(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
  }
  const literal = order.length;
  if (aliases === 0) return { aliases, first, expanded: literal, literal, tooLarge: false };
  const expanded = order[0] ? expandedSize(order[0]) : 0;
  return { aliases, first, expanded, literal, tooLarge: expanded - literal > budget };
}

/** Children of a node as walked: a pair's key and value, an alias's target. */
function dependencies(node: Node): Node[] {
  if (isAlias(node)) {
    const target = targets.get(node);
    return target ? [target] : [];
  }
  if (!isCollection(node)) return [];
  const out: Node[] = [];
  for (const item of node.items) {
    if (isPair(item)) {
      if (item.key) out.push(item.key as Node);
      if (item.value) out.push(item.value as Node);
    } else if (item) out.push(item as Node);
  }
  return out;
}

/**
 * Memoised post-order sizes (an explicit stack: nesting depth is the attacker's to choose). An
 * alias to its own ancestor (`&a [*a]`) expands forever: Infinity.
 */
function expandedSize(root: Node): number {
  const size = new Map<Node, number>();
  const open = new Set<Node>();
  const stack: { node: Node; deps: Node[] | undefined }[] = [{ node: root, deps: undefined }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { node: Node; deps: Node[] | undefined };
    if (size.has(top.node)) {
      stack.pop();
      continue;
    }
    if (!top.deps) {
      top.deps = dependencies(top.node);
      open.add(top.node);
      for (const dep of top.deps) {
        if (open.has(dep)) return Infinity;
        if (!size.has(dep)) stack.push({ node: dep, deps: undefined });
      }
      continue;
    }
    let n = isAlias(top.node) ? 0 : 1;
    for (const dep of top.deps) n += size.get(dep) ?? 0;
    // An alias counts as the nodes it stands for (an unresolved one as itself).
    if (isAlias(top.node) && top.deps.length === 0) n = 1;
    size.set(top.node, n);
    open.delete(top.node);
    stack.pop();
  }
  return size.get(root) ?? 0;
}
