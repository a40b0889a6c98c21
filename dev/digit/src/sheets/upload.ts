// Uploads generated workbooks to a filestore and returns the CampaignDetails.resources entries.
import { randomUUID } from 'node:crypto';
import { DEFAULT_TENANT } from '@campaign-pipeline/shared';
import axios from 'axios';
import type { CampaignSheets } from './generate.ts';

export interface CampaignResource {
  type: 'facility' | 'user' | 'boundaryWithTarget';
  filename: string;
  filestoreId: string;
  resourceId: string;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function uploadCampaignSheets(
  simUrl: string,
  sheets: Pick<CampaignSheets, 'facility' | 'user' | 'target' | 'filenames'>,
  options: { tenantId?: string; module?: string } = {},
): Promise<CampaignResource[]> {
  const files: Array<[CampaignResource['type'], Buffer, string]> = [
    ['facility', sheets.facility, sheets.filenames.facility],
    ['user', sheets.user, sheets.filenames.user],
    ['boundaryWithTarget', sheets.target, sheets.filenames.target],
  ];
  const resources: CampaignResource[] = [];
  for (const [type, bytes, filename] of files) {
    resources.push({
      type,
      filename,
      filestoreId: await uploadFile(simUrl, bytes, filename, options),
      resourceId: randomUUID(),
    });
  }
  return resources;
}

export async function uploadFile(
  simUrl: string,
  bytes: Buffer,
  filename: string,
  options: { tenantId?: string; module?: string } = {},
): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: XLSX_TYPE }), filename);
  form.append('tenantId', options.tenantId ?? DEFAULT_TENANT);
  form.append('module', options.module ?? 'HCM-ADMIN-CONSOLE');
  const response = await axios.post<{ files: Array<{ fileStoreId: string }> }>(
    `${simUrl}/filestore/v1/files`,
    form,
    {
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
    },
  );
  const id = response.data.files[0]?.fileStoreId;
  if (!id) throw new Error(`filestore answered without a fileStoreId for ${filename}`);
  return id;
}
