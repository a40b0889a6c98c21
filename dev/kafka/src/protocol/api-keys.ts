// API keys this broker answers, with the non-flexible version ranges it advertises: every version kafkajs
// 2.2.4 implements up to its maximum (what it picks against a modern Kafka), none of Kafka's flexible ones.
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
} as const;

export type ApiKeyValue = (typeof ApiKey)[keyof typeof ApiKey];

export type VersionRange = { apiKey: number; minVersion: number; maxVersion: number };

export const SUPPORTED_VERSIONS: readonly VersionRange[] = [
  { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 7 },
  { apiKey: ApiKey.Fetch, minVersion: 4, maxVersion: 11 },
  { apiKey: ApiKey.ListOffsets, minVersion: 1, maxVersion: 3 },
  { apiKey: ApiKey.Metadata, minVersion: 1, maxVersion: 6 },
  { apiKey: ApiKey.OffsetCommit, minVersion: 2, maxVersion: 5 },
  { apiKey: ApiKey.OffsetFetch, minVersion: 1, maxVersion: 4 },
  { apiKey: ApiKey.FindCoordinator, minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.JoinGroup, minVersion: 0, maxVersion: 5 },
  { apiKey: ApiKey.Heartbeat, minVersion: 0, maxVersion: 3 },
  { apiKey: ApiKey.LeaveGroup, minVersion: 0, maxVersion: 3 },
  { apiKey: ApiKey.SyncGroup, minVersion: 0, maxVersion: 3 },
  { apiKey: ApiKey.DescribeGroups, minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.ListGroups, minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 2 },
  { apiKey: ApiKey.CreateTopics, minVersion: 0, maxVersion: 3 },
  { apiKey: ApiKey.DeleteTopics, minVersion: 0, maxVersion: 1 },
  { apiKey: ApiKey.InitProducerId, minVersion: 0, maxVersion: 1 },
];

const NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

export function apiName(key: number): string {
  return NAMES.get(key) ?? `ApiKey${key}`;
}

export function apiKeyByName(name: string): number | undefined {
  return (ApiKey as Record<string, number>)[name];
}

export function versionRange(apiKey: number): VersionRange | undefined {
  return SUPPORTED_VERSIONS.find((r) => r.apiKey === apiKey);
}
