import { revalidatePath } from 'next/cache';
import { jsonBody, respond } from '@/lib/api';
import { reorderTemplateSteps } from '@/lib/services/templates';

export async function POST(request: Request) {
  return respond(async (db) => {
    await reorderTemplateSteps(db, await jsonBody(request));
    revalidatePath('/releases', 'layout');
    return Response.json({ success: true });
  });
}
