import { stepWorker } from '@campaign-pipeline/shared';
import { facilityCreation } from './handlers/facility-creation.ts';

export const service = stepWorker({
  name: 'facility-sync',
  defaultPort: 3003,
  entity: 'facility',
  steps: { 'facility-creation': facilityCreation },
});
