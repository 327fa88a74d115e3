/**
 * quilt3's walk order computed the way quilt3 computes it, independently of the comparator
 * under test: build the directory tree, then visit children sorted by code point.
 */
type Tree = Map<string, Tree | null>;

export function treeWalkOrder(keys: readonly string[]): string[] {
  const root: Tree = new Map();
  for (const key of keys) insert(root, key.split('/'));
  const order: string[] = [];
  visit(root, '', order);
  return order;
}

function insert(tree: Tree, parts: readonly string[]): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (rest.length === 0) {
    tree.set(head, null);
    return;
  }
  const child = tree.get(head) ?? new Map<string, Tree | null>();
  tree.set(head, child);
  insert(child, rest);
}

function visit(tree: Tree, prefix: string, order: string[]): void {
  for (const name of [...tree.keys()].sort(byCodePoints)) {
    const child = tree.get(name);
    if (child) visit(child, `${prefix}${name}/`, order);
    else order.push(prefix + name);
  }
}

export function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return x.length - y.length;
}
