import { Topic, type ServiceDefinition, type StepCommand } from '@campaign-pipeline/shared';

export const service: ServiceDefinition = {
  name: 'user-sync',
  defaultPort: 3004,
  topics: [Topic.stepUser, Topic.stepEvents],
  async setup(context) {
    context.consume<StepCommand>({
      groupId: 'user-sync',
      topics: [Topic.stepUser],
      handle: async ({ value }) => {
        context.logger.info({ campaignId: value.campaignId, step: value.step, commandId: value.commandId }, 'step command received');
      },
    });
  },
};
