import { afterAll, beforeAll } from '@jest/globals';
import {
  startTestInfrastructure,
  startTestServices,
  type TestInfrastructure,
  type TestServices,
  type CampaignClient,
} from '../../src/index.ts';

/**
 * The infrastructure and the six services for a test file, started before its tests with the services'
 * `env` and stopped after them, with a client of its campaign API. Read them inside tests (hooks have run
 * by then).
 */
export function campaignStack(env: Record<string, string>): {
  infrastructure(): TestInfrastructure;
  services(): TestServices;
  client(): CampaignClient;
} {
  let infrastructure: TestInfrastructure | undefined;
  let services: TestServices | undefined;
  beforeAll(async () => {
    infrastructure = await startTestInfrastructure();
    services = await startTestServices(infrastructure, { env });
  });
  afterAll(async () => {
    await services?.stop();
    await infrastructure?.stop();
  });
  const started = <T>(part: T | undefined): T => {
    if (part === undefined) throw new Error('the stack is read before it started');
    return part;
  };
  return {
    infrastructure: () => started(infrastructure),
    services: () => started(services),
    client: () => started(services).client(),
  };
}
