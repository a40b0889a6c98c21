import { stepWorker } from '@campaign-pipeline/shared';
import { mappingStep } from './handlers/mapping-step.ts';

export const service = stepWorker({
  name: 'mapping-sync',
  defaultPort: 3005,
  entity: 'mapping',
  steps: {
    'facility-mapping': mappingStep('facility'),
    'user-mapping': mappingStep('staff'),
    'product-mapping': mappingStep('resource'),
  },
});
