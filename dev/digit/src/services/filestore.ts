// Filestore: multipart upload, signed-URL lookup, and the download those URLs point at.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, DigitError } from '../http/envelope.ts';
import { listParam, queryOf } from '../http/request.ts';
import type { SimulatorState } from '../state/simulator-state.ts';
import type { StoredFile } from '../state/files.ts';

export function registerFilestoreService(app: FastifyInstance, state: SimulatorState): void {
  app.post('/filestore/v1/files', async (request, reply) => {
    if (!request.isMultipart())
      throw badRequest('INVALID_REQUEST', 'multipart/form-data with a file is required');
    const fields: Record<string, string> = {};
    const uploads: Array<{ filename: string; contentType: string; bytes: Buffer }> = [];
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        uploads.push({ filename: part.filename, contentType: part.mimetype, bytes: await part.toBuffer() });
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
    const tenantId = fields.tenantId;
    if (!tenantId) throw badRequest('EG_FILESTORE_INPUT_ERROR', 'tenantId is mandatory');
    if (!fields.module) throw badRequest('EG_FILESTORE_INPUT_ERROR', 'module is mandatory');
    if (uploads.length === 0) throw badRequest('EG_FILESTORE_INPUT_ERROR', 'file is mandatory');
    const now = Date.now();
    const stored = uploads.map((upload) => {
      const file: StoredFile = {
        id: randomUUID(),
        tenantId,
        module: fields.module ?? null,
        createdTime: now,
        ...upload,
      };
      state.files.add(file);
      return file;
    });
    return reply.code(201).send({ files: stored.map((file) => ({ fileStoreId: file.id, tenantId })) });
  });

  app.get('/filestore/v1/files/url', async (request) => {
    const query = queryOf(request.query);
    if (!query.tenantId) throw badRequest('EG_FILESTORE_INPUT_ERROR', 'tenantId is mandatory');
    const ids = listParam(query.fileStoreIds);
    if (ids.length === 0) throw badRequest('EG_FILESTORE_INPUT_ERROR', 'fileStoreIds are mandatory');
    const base = baseUrl(request);
    const found = ids.filter((id) => state.files.byId.get(id)?.tenantId === query.tenantId);
    const entries = found.map((id) => ({
      id,
      url: `${base}/filestore/v1/files/id?tenantId=${encodeURIComponent(query.tenantId ?? '')}&fileStoreId=${id}`,
      tenantId: query.tenantId,
    }));
    return { fileStoreIds: entries, ...Object.fromEntries(entries.map((e) => [e.id, e.url])) };
  });

  app.get('/filestore/v1/files/id', async (request, reply) => {
    const query = queryOf(request.query);
    const file = query.fileStoreId ? state.files.byId.get(query.fileStoreId) : undefined;
    if (!file || file.tenantId !== query.tenantId) {
      throw new DigitError(404, [
        { code: 'EG_FILESTORE_INVALID_INPUT', message: 'No file found for the given id' },
      ]);
    }
    return reply
      .type(file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename.replace(/"/g, '')}"`)
      .send(file.bytes);
  });
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`;
}
