import {
  AnsweredBatchSize,
  ConcurrencyLimiter,
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
      // A batch aims at half the timeout: HRMS answering twice as slowly as it did still answers in
      // time, and more so as the time per employee is taken over whole answers, whose fixed part
      // weighs less in the larger batches sized from it.
      batchSize: new AnsweredBatchSize({
        initial: config.DIGIT_HRMS_BATCH_SIZE,
        max: config.DIGIT_HRMS_BATCH_MAX,
        targetMs: config.DIGIT_TIMEOUT_MS / 2,
      }),
      employeesInFlight: new ConcurrencyLimiter(config.DIGIT_HRMS_IN_FLIGHT_MAX),
    };
    return worker.setup(context);
  },
};
