import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { jsonBody, respond } from '@/lib/api';
import { addCustomersToRelease } from '@/lib/services/releases';
import { id, parse } from '@/lib/validation';

const body = z.object({ customerIds: z.unknown() }, { error: 'Send {"customerIds": [...]}' });

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const raw = (await params).id;
  return respond(async (db) => {
    const { customerIds } = parse(body, await jsonBody(request));
    await addCustomersToRelease(db, parse(id, raw), customerIds);
    revalidatePath('/releases', 'layout');
    return Response.json({ success: true });
  });
}
