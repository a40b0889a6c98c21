// Reads the boundary service's relationship answer (TenantBoundary[0].boundary, nested through
// `children`) straight from its bytes, as they arrive, into a compact BoundaryTree. At 100,000 boundaries
// the answer's text and its parsed objects took about 30 MB besides the bytes, and the bytes held whole
// about 20 MB more; read token by token from the stream, only the codes and a few numbers per boundary are
// kept.
import { Tokenizer, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { BoundaryTreeBuilder, type BoundaryTree } from '../domain/boundary-tree.ts';

/**
 * Bytes tokenized between two turns of the event loop, so that a large tree does not stall the service:
 * chunks already received are handed over without one.
 */
const SLICE_BYTES = 256 * 1024;

/** What a JSON container of the answer is to the reader. */
type Role = 'answer' | 'tenants' | 'tenant' | 'boundaries' | 'boundary' | 'ignored';

/** The token a container takes next: the grammar of JSON, checked here since the tokenizer does not. */
type Expecting = 'first key' | 'key' | 'colon' | 'value' | 'first value' | 'comma or end';

interface Container {
  role: Role;
  isObject: boolean;
  expecting: Expecting;
  /** The key whose value comes next (objects). */
  key: string | undefined;
  /** The element coming next (arrays). */
  index: number;
  /** For `boundaries`, the parent of the boundaries listed (-1 at the top); for `boundary`, its own number. */
  node: number;
  code?: string;
  boundaryType?: string;
}

/** The answer does not hold a boundary tree as the boundary service gives it. */
export class BoundaryTreeAnswerError extends Error {
  constructor(message: string) {
    super(`the boundary tree answer ${message}`);
    this.name = 'BoundaryTreeAnswerError';
  }
}

/**
 * The tree of the answer's first tenant, read from its bytes as they arrive; empty when the answer lists
 * none. `expectedBytes`, the answer's length when known, sizes the tree's first arrays.
 */
export async function readBoundaryTreeAnswer(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  expectedBytes = 0,
): Promise<BoundaryTree> {
  const reader = new AnswerReader(expectedBytes);
  const tokenizer = new Tokenizer();
  tokenizer.onToken = (token) => reader.take(token);
  try {
    let sliced = 0;
    for await (const chunk of chunks) {
      tokenizer.write(chunk);
      sliced += chunk.length;
      if (sliced >= SLICE_BYTES) {
        sliced = 0;
        await yieldToEventLoop();
      }
    }
    tokenizer.end();
  } catch (error) {
    if (error instanceof BoundaryTreeAnswerError) throw error;
    throw new BoundaryTreeAnswerError(`is not JSON: ${(error as Error).message}`);
  }
  return reader.tree();
}

const VALUE_TOKENS = new Set([
  TokenType.LEFT_BRACE,
  TokenType.LEFT_BRACKET,
  TokenType.STRING,
  TokenType.NUMBER,
  TokenType.TRUE,
  TokenType.FALSE,
  TokenType.NULL,
]);

/** Bytes of the smallest boundary a tree answer can hold: `{"code":"X","boundaryType":"Y"}` and a comma. */
const MIN_BOUNDARY_BYTES = 32;

class AnswerReader {
  readonly #builder: BoundaryTreeBuilder;
  readonly #stack: Container[] = [];
  #done = false;

  constructor(answerBytes: number) {
    this.#builder = new BoundaryTreeBuilder(answerBytes / MIN_BOUNDARY_BYTES);
  }

  take({ token, value }: ParsedTokenInfo): void {
    const container = this.#stack[this.#stack.length - 1];
    if (container === undefined) {
      if (this.#done || token !== TokenType.LEFT_BRACE)
        throw new BoundaryTreeAnswerError('is not a JSON object');
      this.#open(undefined, true);
      return;
    }
    switch (container.expecting) {
      case 'first key':
      case 'key':
        if (token === TokenType.STRING) {
          container.key = String(value);
          container.expecting = 'colon';
        } else if (token === TokenType.RIGHT_BRACE && container.expecting === 'first key') this.#close();
        else throw malformed(token);
        return;
      case 'colon':
        if (token !== TokenType.COLON) throw malformed(token);
        container.expecting = 'value';
        return;
      case 'comma or end':
        if (token === TokenType.COMMA) {
          container.expecting = container.isObject ? 'key' : 'value';
          if (!container.isObject) container.index++;
        } else if (token === (container.isObject ? TokenType.RIGHT_BRACE : TokenType.RIGHT_BRACKET))
          this.#close();
        else throw malformed(token);
        return;
      case 'first value':
        if (token === TokenType.RIGHT_BRACKET) return this.#close();
        return this.#value(container, token, value);
      case 'value':
        return this.#value(container, token, value);
    }
  }

  tree(): BoundaryTree {
    if (!this.#done) throw new BoundaryTreeAnswerError('ends before its JSON does');
    return this.#builder.tree();
  }

  #value(container: Container, token: TokenType, value: unknown): void {
    if (!VALUE_TOKENS.has(token)) throw malformed(token);
    container.expecting = 'comma or end';
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
      this.#open(container, token === TokenType.LEFT_BRACE);
    } else if (container.role === 'boundaries') {
      throw new BoundaryTreeAnswerError(`lists a boundary that is not an object: ${JSON.stringify(value)}`);
    } else if (container.role === 'boundary' && typeof value === 'string') {
      if (container.key === 'code') container.code = value;
      else if (container.key === 'boundaryType') container.boundaryType = value;
    }
  }

  #open(parent: Container | undefined, isObject: boolean): void {
    const role = roleOf(parent, isObject);
    let node = -1;
    if (role === 'boundary') node = this.#builder.open((parent as Container).node);
    else if (role === 'boundaries' && parent?.role === 'boundary') node = parent.node;
    const expecting = isObject ? 'first key' : 'first value';
    this.#stack.push({ role, isObject, expecting, key: undefined, index: 0, node });
  }

  #close(): void {
    const closed = this.#stack.pop() as Container;
    if (this.#stack.length === 0) this.#done = true;
    if (closed.role !== 'boundary') return;
    if (closed.code === undefined || closed.code === '')
      throw new BoundaryTreeAnswerError('holds a boundary without a code');
    if (closed.boundaryType === undefined)
      throw new BoundaryTreeAnswerError(`holds the boundary ${closed.code} without a boundaryType`);
    this.#builder.describe(closed.node, closed.code, closed.boundaryType);
    this.#builder.close(closed.node);
  }
}

function malformed(token: TokenType): BoundaryTreeAnswerError {
  return new BoundaryTreeAnswerError(`is not JSON: unexpected ${TokenType[token]}`);
}

/** The role of a container opened as the next value inside `parent`. */
function roleOf(parent: Container | undefined, isObject: boolean): Role {
  if (parent === undefined) return 'answer';
  switch (parent.role) {
    case 'answer':
      return parent.key === 'TenantBoundary' && !isObject ? 'tenants' : 'ignored';
    case 'tenants':
      return parent.index === 0 && isObject ? 'tenant' : 'ignored';
    case 'tenant':
      return parent.key === 'boundary' && !isObject ? 'boundaries' : 'ignored';
    case 'boundaries':
      if (!isObject) throw new BoundaryTreeAnswerError('lists a boundary that is not an object');
      return 'boundary';
    case 'boundary':
      return parent.key === 'children' && !isObject ? 'boundaries' : 'ignored';
    default:
      return 'ignored';
  }
}
