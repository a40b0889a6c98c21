import {
  AnsweredBatchSize,
  credentialsKey,
  env,
  readConfig,
  stepWorker,
  type ServiceDefinition,
} from '@campaign-pipeline/shared';
import { userCreation, type UserCreationSetup } from './handlers/user-creation.ts';

/** Read at setup: a malformed credentials key stops the service with its message. */
let setup: UserCreationSetup | undefined;

const worker = stepWorker({
  name: 'user-sync',
  defaultPort: 3004,
  entity: 'user',
  steps: {
    'user-creation': (chunk) => {
      if (!setup) throw new Error('user-sync handles a chunk before its setup');
      return userCreation(setup)(chunk);
    },
  },
});

export const service: ServiceDefinition = {
  ...worker,
  setup(context) {
    const { config } = context;
    setup = {
      key: credentialsKey(readConfig({ CREDENTIALS_KEY: env.string({ optional: true }) }).CREDENTIALS_KEY),
      // A batch aims at a third of the timeout: HRMS answering two or three times slower than it did
      // still answers in time.
      batchSize: new AnsweredBatchSize({
        initial: config.DIGIT_HRMS_BATCH_SIZE,
        max: config.DIGIT_HRMS_BATCH_MAX,
        targetMs: config.DIGIT_TIMEOUT_MS / 3,
      }),
    };
    return worker.setup(context);
  },
};
