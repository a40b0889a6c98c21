import { Topic, type CampaignRequestMessage, type ServiceDefinition } from '@campaign-pipeline/shared';

export const service: ServiceDefinition = {
  name: 'intake',
  defaultPort: 3001,
  topics: [Topic.requests, Topic.stepProject, Topic.stepFacility, Topic.stepUser, Topic.stepMapping, Topic.status],
  async setup(context) {
    context.consume<CampaignRequestMessage>({
      groupId: 'intake',
      topics: [Topic.requests],
      handle: async ({ value }) => {
        context.logger.info({ requestId: value.requestId, action: value.action }, 'campaign request received');
      },
    });
  },
};
