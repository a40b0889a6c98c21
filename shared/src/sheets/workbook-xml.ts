// Parses the small parts of an xlsx package that say where the sheets are: relationships, the workbook's
// list of sheets, and the shared-strings table that worksheet cells refer to by index.
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';
import { StringDecoder } from 'node:string_decoder';

interface XmlHandlers {
  open?: (tag: SaxesTagPlain) => void;
  text?: (text: string) => void;
  close?: (tag: SaxesTagPlain) => void;
}

async function parseXml(chunks: AsyncIterable<Buffer | string>, handlers: XmlHandlers): Promise<void> {
  const parser = new SaxesParser();
  const decoder = new StringDecoder('utf8');
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  if (handlers.open) parser.on('opentag', handlers.open);
  if (handlers.text) parser.on('text', handlers.text);
  if (handlers.close) parser.on('closetag', handlers.close);
  for await (const chunk of chunks) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (failure) throw failure;
  }
  parser.write(decoder.end());
  parser.close();
  if (failure) throw failure;
}

export interface Relationship {
  type: string;
  target: string;
}

/** Relationship id → type and target, as written (targets are relative to the part's folder or absolute). */
export async function parseRelationships(
  chunks: AsyncIterable<Buffer | string>,
): Promise<Map<string, Relationship>> {
  const relationships = new Map<string, Relationship>();
  await parseXml(chunks, {
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
export async function parseWorkbookSheets(chunks: AsyncIterable<Buffer | string>): Promise<WorkbookSheet[]> {
  const sheets: WorkbookSheet[] = [];
  await parseXml(chunks, {
    open: ({ name, attributes }) => {
      if (name !== 'sheet') return;
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
export async function parseSharedStrings(chunks: AsyncIterable<Buffer | string>): Promise<SharedString[]> {
  const strings: SharedString[] = [];
  let runs: { text: string }[] = [];
  let text = '';
  let capturing = false;
  let inPhonetic = false;
  await parseXml(chunks, {
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
      if (capturing) text += value;
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
          runs.push({ text });
          text = '';
          break;
        case 'si':
          strings.push(runs.length > 0 ? { richText: runs } : text);
          break;
      }
    },
  });
  return strings;
}
