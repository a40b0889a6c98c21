import { Topic, type ServiceDefinition, type StepCommand } from '@campaign-pipeline/shared';

export const service: ServiceDefinition = {
  name: 'facility-sync',
  defaultPort: 3003,
  topics: [Topic.stepFacility, Topic.stepEvents],
  async setup(context) {
    context.consume<StepCommand>({
      groupId: 'facility-sync',
      topics: [Topic.stepFacility],
      handle: async ({ value }) => {
        context.logger.info({ campaignId: value.campaignId, step: value.step, commandId: value.commandId }, 'step command received');
      },
    });
  },
};
