import { respond } from '@/lib/api';
import { getStepDetail } from '@/lib/services/customer-steps';
import { id, parse } from '@/lib/validation';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const raw = (await params).id;
  return respond(async (db) => Response.json(await getStepDetail(db, parse(id, raw))));
}
