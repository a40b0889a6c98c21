import { stepWorker } from '@campaign-pipeline/shared';
import { userCreation } from './handlers/user-creation.ts';

export const service = stepWorker({
  name: 'user-sync',
  defaultPort: 3004,
  entity: 'user',
  steps: { 'user-creation': userCreation },
});
