import type { BoundaryNode } from './boundary.ts';

/**
 * A hierarchy's boundary tree, kept compact for 100,000 boundaries and more: its nodes numbered in
 * depth-first order (as DIGIT lists them), each with its code, its type, its parent's number and where its
 * subtree ends. A node's subtree is the nodes from its own number up to its end, so its descendants are a
 * range and its children are found by skipping from one child's end to the next child.
 */
export class BoundaryTree {
  readonly #codes: readonly string[];
  readonly #typeNames: readonly string[];
  readonly #types: Uint16Array;
  readonly #parents: Int32Array;
  readonly #ends: Int32Array;

  constructor(parts: {
    codes: readonly string[];
    typeNames: readonly string[];
    types: Uint16Array;
    parents: Int32Array;
    ends: Int32Array;
  }) {
    this.#codes = parts.codes;
    this.#typeNames = parts.typeNames;
    this.#types = parts.types;
    this.#parents = parts.parents;
    this.#ends = parts.ends;
  }

  /** The tree of nested nodes, as DIGIT's answer nests them. */
  static of(roots: readonly BoundaryNode[]): BoundaryTree {
    const builder = new BoundaryTreeBuilder();
    // Depth-first without recursion, so that a deep hierarchy cannot overflow the stack. A node's subtree
    // ends when the nodes waiting are back to those that waited when it was taken.
    const waiting = roots.map((node) => ({ node, parent: -1 })).reverse();
    const open: { node: number; waited: number }[] = [];
    for (;;) {
      while (open.length > 0 && (open[open.length - 1] as { waited: number }).waited === waiting.length)
        builder.close((open.pop() as { node: number }).node);
      const next = waiting.pop();
      if (next === undefined) break;
      const node = builder.open(next.parent);
      builder.describe(node, next.node.code, next.node.boundaryType);
      open.push({ node, waited: waiting.length });
      const children = next.node.children ?? [];
      for (let child = children.length - 1; child >= 0; child--)
        waiting.push({ node: children[child] as BoundaryNode, parent: node });
    }
    return builder.tree();
  }

  get size(): number {
    return this.#codes.length;
  }

  code(node: number): string {
    return this.#codes[node] as string;
  }

  boundaryType(node: number): string {
    return this.#typeNames[this.#types[node] as number] as string;
  }

  /** The parent's number, or -1 for a top-level node. */
  parent(node: number): number {
    return this.#parents[node] as number;
  }

  /** One past the last node of the node's subtree. */
  end(node: number): number {
    return this.#ends[node] as number;
  }

  /** The numbers of the nodes with the codes asked for; a code the tree lacks is left out. */
  find(codes: Iterable<string>): Map<string, number> {
    const wanted = new Set(codes);
    const found = new Map<string, number>();
    for (let node = 0; node < this.#codes.length && found.size < wanted.size; node++) {
      const code = this.#codes[node] as string;
      if (wanted.has(code) && !found.has(code)) found.set(code, node);
    }
    return found;
  }
}

/** Boundary types a tree may name: their numbers are kept in 16 bits. */
const MAX_BOUNDARY_TYPES = 0xffff;

/** Nodes a builder makes room for at first, whatever it is told to expect: more are made room for as they come. */
const MAX_INITIAL_NODES = 1 << 18;

/**
 * Builds a BoundaryTree node by node, in depth-first order: a node is opened, described and closed. Its
 * numbers live in typed arrays that double when full, so a large tree leaves little behind for the
 * garbage collector.
 */
export class BoundaryTreeBuilder {
  readonly #typeNames: string[] = [];
  readonly #typeNumbers = new Map<string, number>();
  #codes: string[];
  #types: Uint16Array;
  #parents: Int32Array;
  #ends: Int32Array;
  #size = 0;

  /** `expected`: about how many nodes will come (room is made for more when they do). */
  constructor(expected = 1024) {
    const capacity = Math.max(16, Math.min(Math.ceil(expected), MAX_INITIAL_NODES));
    this.#codes = new Array<string>(capacity);
    this.#types = new Uint16Array(capacity);
    this.#parents = new Int32Array(capacity);
    this.#ends = new Int32Array(capacity);
  }

  /** Starts the next node under `parent` (-1 for a top-level node) and returns its number. */
  open(parent: number): number {
    const node = this.#size++;
    if (node === this.#types.length) this.#grow();
    this.#codes[node] = '';
    this.#parents[node] = parent;
    this.#ends[node] = node + 1;
    return node;
  }

  describe(node: number, code: string, boundaryType: string): void {
    this.#codes[node] = code;
    let type = this.#typeNumbers.get(boundaryType);
    if (type === undefined) {
      type = this.#typeNames.length;
      if (type > MAX_BOUNDARY_TYPES)
        throw new Error(`a boundary tree has more than ${MAX_BOUNDARY_TYPES} boundary types`);
      this.#typeNames.push(boundaryType);
      this.#typeNumbers.set(boundaryType, type);
    }
    this.#types[node] = type;
  }

  /** Ends the node's subtree after the nodes opened so far. */
  close(node: number): void {
    this.#ends[node] = this.#size;
  }

  tree(): BoundaryTree {
    const size = this.#size;
    this.#codes.length = size;
    return new BoundaryTree({
      codes: this.#codes,
      typeNames: this.#typeNames,
      types: this.#types.slice(0, size),
      parents: this.#parents.slice(0, size),
      ends: this.#ends.slice(0, size),
    });
  }

  #grow(): void {
    const capacity = this.#types.length * 2;
    const grown = <T extends Uint16Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.#types = grown(this.#types, new Uint16Array(capacity));
    this.#parents = grown(this.#parents, new Int32Array(capacity));
    this.#ends = grown(this.#ends, new Int32Array(capacity));
  }
}
