// Parses the small parts of an xlsx package that say where the sheets are: relationships, the workbook's
// list of sheets, and the shared-strings table that worksheet cells refer to by index.
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';

import { SheetErrorCode } from './errors.ts';
import { limitText } from './limits.ts';
import type { SheetLimits } from './limits.ts';
import { UnreadableWorkbookError } from './workbook-error.ts';
import { XmlGuard, detachedText } from './xml-guard.ts';

interface XmlHandlers {
  open?: (tag: SaxesTagPlain) => void;
  text?: (text: string) => void;
  close?: (tag: SaxesTagPlain) => void;
}

/** One part of the package, streamed, with the limits that apply while it is read. */
export interface XmlPart {
  path: string;
  chunks: AsyncIterable<Buffer | string>;
  limits: SheetLimits;
}

async function parseXml(part: XmlPart, handlers: XmlHandlers): Promise<void> {
  const parser = new SaxesParser();
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
  };
  parser.on('error', fail);
  // A handler's own limit error stops the parse at the next chunk; the parser would go on otherwise.
  const guarded =
    <T>(handler: ((value: T) => void) | undefined) =>
    (value: T) => {
      if (failure !== undefined || handler === undefined) return;
      try {
        handler(value);
      } catch (error) {
        fail(error as Error);
      }
    };
  parser.on('opentag', guarded(handlers.open));
  parser.on('text', guarded(handlers.text));
  parser.on('closetag', guarded(handlers.close));
  await new XmlGuard(part.path, part.limits).feed(part.chunks, parser, () => failure);
}

export interface Relationship {
  type: string;
  target: string;
}

/** Relationship id → type and target, as written (targets are relative to the part's folder or absolute). */
export async function parseRelationships(part: XmlPart): Promise<Map<string, Relationship>> {
  const relationships = new Map<string, Relationship>();
  await parseXml(part, {
    open: ({ name, attributes }) => {
      const { Id: id, Type: type, Target: target, TargetMode: mode } = attributes;
      if (name !== 'Relationship' || id === undefined || target === undefined || mode === 'External') return;
      relationships.set(id, { type: type ?? '', target });
    },
  });
  return relationships;
}

export interface WorkbookSheet {
  name: string;
  /** 'visible', 'hidden' or 'veryHidden'. */
  state: string;
  relationshipId: string;
}

/** The sheets listed in the workbook part, in tab order. */
export async function parseWorkbookSheets(part: XmlPart): Promise<WorkbookSheet[]> {
  const sheets: WorkbookSheet[] = [];
  const { limits } = part;
  await parseXml(part, {
    open: ({ name, attributes }) => {
      if (name !== 'sheet') return;
      if (sheets.length >= limits.maxSheets) {
        throw new UnreadableWorkbookError(
          SheetErrorCode.tooManySheets,
          `the workbook lists more sheets than the limit of ${limitText(limits, 'maxSheets', 'sheets')}`,
          { part: part.path },
        );
      }
      // The relationship id is `r:id`, whatever prefix the file gives the relationships namespace.
      const idKey = Object.keys(attributes).find((key) => key.endsWith(':id'));
      const relationshipId = idKey === undefined ? undefined : attributes[idKey];
      if (attributes.name === undefined || relationshipId === undefined) return;
      sheets.push({ name: attributes.name, state: attributes.state ?? 'visible', relationshipId });
    },
  });
  return sheets;
}

/** A shared string: plain text, or rich text as its runs (only their text is kept). */
export type SharedString = string | { richText: { text: string }[] };

/** The shared-strings table in index order; phonetic guides (`rPh`) are not part of a string's text. */
export async function parseSharedStrings(part: XmlPart): Promise<SharedString[]> {
  const { limits } = part;
  const strings: SharedString[] = [];
  let runs: { text: string }[] = [];
  let text = '';
  let capturing = false;
  let inPhonetic = false;
  let length = 0;
  const overLimit = (code: SheetErrorCode, detail: string) =>
    new UnreadableWorkbookError(code, `the part ${part.path} ${detail}`, { part: part.path });
  await parseXml(part, {
    open: ({ name }) => {
      switch (name) {
        case 'si':
          runs = [];
          text = '';
          break;
        case 'r':
          text = '';
          break;
        case 'rPh':
          inPhonetic = true;
          break;
        case 't':
          capturing = !inPhonetic;
          break;
      }
    },
    text: (value) => {
      if (!capturing) return;
      text += value;
      length += value.length;
      if (length > limits.maxSharedStringsLength) {
        throw overLimit(
          SheetErrorCode.sharedStringsTooLong,
          `holds more text than the limit of ${limitText(limits, 'maxSharedStringsLength', 'characters')}`,
        );
      }
    },
    close: ({ name }) => {
      switch (name) {
        case 't':
          capturing = false;
          break;
        case 'rPh':
          inPhonetic = false;
          break;
        case 'r':
          runs.push({ text: detachedText(text) });
          text = '';
          break;
        case 'si':
          if (strings.length >= limits.maxSharedStrings) {
            throw overLimit(
              SheetErrorCode.tooManySharedStrings,
              `holds more strings than the limit of ${limitText(limits, 'maxSharedStrings', 'strings')}`,
            );
          }
          strings.push(runs.length > 0 ? { richText: runs } : detachedText(text));
          break;
      }
    },
  });
  return strings;
}
