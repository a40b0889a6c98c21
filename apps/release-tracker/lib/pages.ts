import { notFound } from 'next/navigation';
import { getDb } from './db';
import type { Db } from './db/client';
import { NotFoundError } from './errors';
import { id } from './validation';

/** The numeric id in a route parameter; anything else is a page that does not exist. */
export function routeId(raw: string): number {
  const parsed = id.safeParse(raw);
  if (!parsed.success) notFound();
  return parsed.data;
}

/** Loads page data; an unknown id renders the not-found page. */
export async function load<T>(query: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await query(await getDb());
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}
