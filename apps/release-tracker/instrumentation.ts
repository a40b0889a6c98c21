/** Applies migrations (and seeds the example on first start) before the server takes requests. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getDb } = await import('./lib/db');
  await getDb();
}
