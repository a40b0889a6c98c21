import { stepWorker } from '@campaign-pipeline/shared';
import { projectCreation } from './handlers/project-creation.ts';

export const service = stepWorker({
  name: 'project-sync',
  defaultPort: 3002,
  entity: 'project',
  steps: { 'project-creation': projectCreation },
});
