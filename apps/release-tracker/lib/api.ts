import { getDb } from './db';
import type { Db } from './db/client';
import { UserFacingError } from './errors';

/** Runs a route handler's work and answers refusals with their status and a JSON message. */
export async function respond(work: (db: Db) => Promise<Response>): Promise<Response> {
  try {
    return await work(await getDb());
  } catch (error) {
    if (error instanceof UserFacingError)
      return Response.json({ error: error.message }, { status: error.status });
    console.error('release-tracker route failed', error instanceof Error ? error.message : error);
    return Response.json({ error: 'Something went wrong; nothing was saved.' }, { status: 500 });
  }
}

/** The request's JSON body; a body that is not JSON is a clear 400. */
export async function jsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new UserFacingError('The request body must be JSON', 400);
  }
}
