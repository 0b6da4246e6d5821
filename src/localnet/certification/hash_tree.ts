// Hash trees as the IC interface specification defines them ("Certification": empty, fork,
// labeled, leaf, pruned), built from sorted labels so lookups by path work, and their root hash.
import { domain_sep } from '@dfinity/agent';
import { sha256 } from '@noble/hashes/sha2';

export type HashTree = [0] | [1, HashTree, HashTree] | [2, Uint8Array, HashTree] | [3, Uint8Array] | [4, Uint8Array];

const encoder = new TextEncoder();

export const empty = (): HashTree => [0];
export const leaf = (value: Uint8Array): HashTree => [3, value];

export function label(name: string | Uint8Array): Uint8Array {
  return typeof name === 'string' ? encoder.encode(name) : name;
}

/** A node whose children are labeled subtrees, sorted by label and joined by balanced forks. */
export function node(children: [string | Uint8Array, HashTree][]): HashTree {
  const labeled = children
    .map(([name, tree]) => [label(name), tree] as const)
    .sort(([a], [b]) => Buffer.compare(a, b))
    .map(([name, tree]): HashTree => [2, name, tree]);
  return forks(labeled);
}

function forks(trees: HashTree[]): HashTree {
  if (trees.length === 0) return empty();
  if (trees.length === 1) return trees[0];
  const middle = Math.ceil(trees.length / 2);
  return [1, forks(trees.slice(0, middle)), forks(trees.slice(middle))];
}

function domainSeparated(tag: string, ...parts: Uint8Array[]): Uint8Array {
  const h = sha256.create().update(domain_sep(tag));
  for (const part of parts) h.update(part);
  return h.digest();
}

/**
 * The root hash of a tree (the spec's reconstruct). The agent's reconstruct is async; this one is
 * synchronous because a query reads its data certificate in the middle of a Wasm execution.
 */
export function digest(tree: HashTree): Uint8Array {
  switch (tree[0]) {
    case 0:
      return domainSeparated('ic-hashtree-empty');
    case 1:
      return domainSeparated('ic-hashtree-fork', digest(tree[1]), digest(tree[2]));
    case 2:
      return domainSeparated('ic-hashtree-labeled', tree[1], digest(tree[2]));
    case 3:
      return domainSeparated('ic-hashtree-leaf', tree[1]);
    case 4:
      return tree[1];
  }
}

/** Unsigned LEB128, the encoding of /time and other numbers in the state tree. */
export function leb128(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

/**
 * The witness of a tree for some paths (spec: "the state tree ... pruned"): every subtree off the
 * paths is replaced by a pruned node holding its hash, so the root hash, and the signature over it,
 * stay the same while the certificate reveals only what was asked for.
 */
export function witness(tree: HashTree, paths: Uint8Array[][]): HashTree {
  if (paths.some((p) => p.length === 0)) return tree;
  switch (tree[0]) {
    case 0:
    case 4:
      return tree;
    case 1: {
      const left = witness(tree[1], paths);
      const right = witness(tree[2], paths);
      return left[0] === 4 && right[0] === 4 ? [4, digest(tree)] : [1, left, right];
    }
    case 2: {
      const below = paths.filter((p) => Buffer.compare(p[0], tree[1]) === 0).map((p) => p.slice(1));
      return below.length > 0 ? [2, tree[1], witness(tree[2], below)] : [4, digest(tree)];
    }
    case 3:
      return [4, digest(tree)];
  }
}
