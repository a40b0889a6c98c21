import { Topic, type ServiceDefinition, type StepCommand } from '@campaign-pipeline/shared';

export const service: ServiceDefinition = {
  name: 'project-sync',
  defaultPort: 3002,
  topics: [Topic.stepProject, Topic.stepEvents],
  async setup(context) {
    context.consume<StepCommand>({
      groupId: 'project-sync',
      topics: [Topic.stepProject],
      handle: async ({ value }) => {
        context.logger.info({ campaignId: value.campaignId, step: value.step, commandId: value.commandId }, 'step command received');
      },
    });
  },
};
