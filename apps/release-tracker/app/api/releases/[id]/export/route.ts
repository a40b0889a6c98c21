import { respond } from '@/lib/api';
import { matrixCsv, matrixJson } from '@/lib/services/export';
import { getReleaseMatrix } from '@/lib/services/matrix';
import { exportFormat, id, parse } from '@/lib/validation';

function fileName(name: string, extension: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'release';
  return `${slug}.${extension}`;
}

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const raw = (await params).id;
  return respond(async (db) => {
    const format = parse(exportFormat, new URL(request.url).searchParams.get('format') ?? 'csv');
    const matrix = await getReleaseMatrix(db, parse(id, raw));
    const body = format === 'csv' ? matrixCsv(matrix) : JSON.stringify(matrixJson(matrix), null, 2);
    return new Response(body, {
      headers: {
        'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${fileName(matrix.release.name, format)}"`,
      },
    });
  });
}
