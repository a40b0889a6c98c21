// Feeds the XML of one part to a SAX parser under two rules that bound what the parser can hold.
// - No DTD: an xlsx never has one, and entity declarations are how "billion laughs" files blow up. The
//   bytes are scanned for "<!DOCTYPE" before the parser sees them, so even a huge DTD is never buffered.
// - No run of text or markup longer than a few cells: the parser keeps a text node or a tag whole until its
//   end, so a part of one endless text node would otherwise be held in memory entire.
import type { SaxesParser } from 'saxes';
import { StringDecoder } from 'node:string_decoder';

import { SheetErrorCode } from './errors.ts';
import { limitText } from './limits.ts';
import type { SheetLimits } from './limits.ts';
import { UnreadableWorkbookError } from './workbook-error.ts';

const MARKUP_START = 0x3c; // '<'
const DOCTYPE = Buffer.from('<!DOCTYPE');
/** A cell's text may take up to 4 bytes a character, more as character references; a tag some attributes. */
const BYTES_PER_CELL_CHARACTER = 8;
const TAG_ALLOWANCE = 4096;

export class XmlGuard {
  readonly #part: string;
  readonly #limits: SheetLimits;
  readonly #maxRun: number;
  readonly #decoder = new StringDecoder('utf8');
  #run = 0;
  #tail: Buffer = Buffer.alloc(0);

  constructor(part: string, limits: SheetLimits) {
    this.#part = part;
    this.#limits = limits;
    this.#maxRun = limits.maxCellLength * BYTES_PER_CELL_CHARACTER + TAG_ALLOWANCE;
  }

  /** Checks a chunk and returns it decoded, to write to the parser. */
  text(chunk: Buffer | string): string {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.#refuseDoctype(bytes);
    this.#measureRuns(bytes);
    return this.#decoder.write(bytes);
  }

  end(): string {
    return this.#decoder.end();
  }

  /** Writes every chunk to the parser, then closes it; parser errors are reported as malformed XML. */
  async feed(chunks: AsyncIterable<Buffer | string>, parser: SaxesParser, failed: () => Error | undefined) {
    for await (const chunk of chunks) {
      parser.write(this.text(chunk));
      this.check(failed());
    }
    parser.write(this.end());
    parser.close();
    this.check(failed());
  }

  /** Throws the parser's failure, as a malformed-XML error of this part unless it is already located. */
  check(failure: Error | undefined): void {
    if (failure === undefined) return;
    if (failure instanceof UnreadableWorkbookError) throw failure;
    throw new UnreadableWorkbookError(
      SheetErrorCode.malformedXml,
      `the part ${this.#part} is not well-formed XML: ${failure.message}`,
      { part: this.#part },
      { cause: failure },
    );
  }

  #refuseDoctype(bytes: Buffer): void {
    const seam = Buffer.concat([this.#tail, bytes.subarray(0, DOCTYPE.length)]);
    if (bytes.includes(DOCTYPE) || seam.includes(DOCTYPE)) {
      throw new UnreadableWorkbookError(
        SheetErrorCode.dtdNotAllowed,
        `the part ${this.#part} declares a DTD (<!DOCTYPE>); xlsx parts never do, and its entities are not expanded`,
        { part: this.#part },
      );
    }
    this.#tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - DOCTYPE.length + 1)));
  }

  #measureRuns(bytes: Buffer): void {
    let from = 0;
    for (let at = bytes.indexOf(MARKUP_START); at !== -1; at = bytes.indexOf(MARKUP_START, at + 1)) {
      this.#refuseRun(this.#run + at - from);
      this.#run = 0;
      from = at;
      // Runs inside a chunk shorter than the bound need no look: only the first and the last can be long.
      if (bytes.length - at <= this.#maxRun) {
        from = bytes.lastIndexOf(MARKUP_START);
        break;
      }
    }
    this.#run += bytes.length - from;
    this.#refuseRun(this.#run);
  }

  #refuseRun(length: number): void {
    if (length <= this.#maxRun) return;
    throw new UnreadableWorkbookError(
      SheetErrorCode.cellTooLong,
      `the part ${this.#part} has a text or tag of more than ${this.#maxRun.toLocaleString('en-US')} bytes, longer than any cell within the limit of ${limitText(this.#limits, 'maxCellLength', 'characters')}`,
      { part: this.#part },
    );
  }
}

/**
 * A copy of text the parser handed out, holding no reference to the chunk of XML it came from. The parser's
 * text is a slice of the decoded chunk, and V8 keeps a whole chunk (tens of KB) alive for as long as any
 * slice of it lives: the boundary codes of a 100,000-row sheet, kept for the campaign, held 40 MB of
 * worksheet XML. Copied through bytes, which makes a new string whatever V8's internals do.
 */
export function detachedText(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
