import {
  credentialsKey,
  env,
  readConfig,
  stepWorker,
  type ServiceDefinition,
} from '@campaign-pipeline/shared';
import { userCreation } from './handlers/user-creation.ts';

/** Seals kept passwords; read at setup, so a malformed key stops the service with its message. */
let key: Buffer | null = null;

const worker = stepWorker({
  name: 'user-sync',
  defaultPort: 3004,
  entity: 'user',
  steps: { 'user-creation': (chunk) => userCreation(key)(chunk) },
});

export const service: ServiceDefinition = {
  ...worker,
  setup(context) {
    key = credentialsKey(readConfig({ CREDENTIALS_KEY: env.string({ optional: true }) }).CREDENTIALS_KEY);
    return worker.setup(context);
  },
};
