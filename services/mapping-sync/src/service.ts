import { Topic, type ServiceDefinition, type StepCommand } from '@campaign-pipeline/shared';

export const service: ServiceDefinition = {
  name: 'mapping-sync',
  defaultPort: 3005,
  topics: [Topic.stepMapping, Topic.stepEvents],
  async setup(context) {
    context.consume<StepCommand>({
      groupId: 'mapping-sync',
      topics: [Topic.stepMapping],
      handle: async ({ value }) => {
        context.logger.info({ campaignId: value.campaignId, step: value.step, commandId: value.commandId }, 'step command received');
      },
    });
  },
};
